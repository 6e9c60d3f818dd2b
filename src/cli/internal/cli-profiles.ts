// The wire profiles the CLI's `--profile` names (docs/design.md §4) and the header each one's
// signature travels in. One list, so `sign`, `verify` and `trigger` offer the same choices. The
// profile objects themselves are loaded only by the command that sends (trigger-request.ts).
import {
  EUDR_SIGNATURE_HEADER,
  NOVATRADE_SIGNATURE_HEADER,
  STANDARD_WEBHOOKS_HEADERS,
} from '../../core/signature/constants.js';

/** The values of `--profile`, the default first. */
export const CLI_PROFILE_NAMES = ['novatrade', 'eudr', 'standard-webhooks'] as const;

/** One of {@link CLI_PROFILE_NAMES}. */
export type CliProfileName = (typeof CLI_PROFILE_NAMES)[number];

/**
 * The header each profile's signature travels in.
 *
 * @example
 * ```ts
 * SIGNATURE_HEADERS.eudr; // 'X-Webhook-Signature'
 * ```
 */
export const SIGNATURE_HEADERS: { readonly [N in CliProfileName]: string } = {
  novatrade: NOVATRADE_SIGNATURE_HEADER,
  eudr: EUDR_SIGNATURE_HEADER,
  'standard-webhooks': STANDARD_WEBHOOKS_HEADERS.signature,
};
