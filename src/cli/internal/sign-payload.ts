// What `sign` does once the command line is read: signs a payload's bytes with the scheme of a
// `--profile` (the library's own signing functions), refusing the combinations a scheme cannot
// sign. Loaded when `sign` runs.
import {
  EUDR_SIGNATURE_HEADER,
  NOVATRADE_SIGNATURE_HEADER,
  STANDARD_WEBHOOKS_HEADERS,
} from '../../core/signature/constants.js';
import { signEudrPayload } from '../../signature/sign-eudr-payload.node.js';
import { signNovatradePayload } from '../../signature/sign-novatrade-payload.node.js';
import { signStandardWebhook } from '../../signature/sign-standard-webhook.node.js';
import { usageError } from './cli-error.js';
import type { CliProfileName } from './cli-profiles.js';
import { asUsageErrors } from './signing-options.js';

/** What `sign` made: the headers to send, and the signed time when the scheme has one. */
export interface SignedHeaders {
  readonly profile: CliProfileName;
  /** The signature header's name. */
  readonly header: string;
  /** The signature header's value. */
  readonly value: string;
  /** Every header the scheme needs, the signature's included, in the order to send them. */
  readonly headers: Readonly<Record<string, string>>;
  /** The signed Unix second, or `null` for EUDR (its signature covers no time). */
  readonly timestamp: number | null;
}

/**
 * Signs `payload` with the `--profile`'s scheme.
 *
 * @throws CliError `usage` for a combination the scheme cannot sign (several EUDR secrets, an
 *   EUDR `--timestamp`, a Standard Webhooks payload without `--id`) or a refused secret.
 * @example
 * ```ts
 * signPayload(bytes, { profile: 'novatrade', secrets: ['whsec_…'], timestamp: 1729684200 });
 * ```
 */
export function signPayload(
  payload: Uint8Array,
  options: {
    readonly profile: CliProfileName;
    readonly secrets: readonly string[];
    readonly timestamp: number | undefined;
    readonly id?: string | undefined;
  },
): SignedHeaders {
  const { profile, secrets } = options;
  const nowSeconds = (): number => Math.floor(Date.now() / 1000);
  if (profile !== 'standard-webhooks' && options.id !== undefined) {
    throw usageError(`--id is the Standard Webhooks message id; --profile ${profile} has none.`);
  }
  if (profile === 'eudr') {
    if (options.timestamp !== undefined) {
      throw usageError(
        '--timestamp: an EUDR signature covers the body only, no time; leave --timestamp out.',
      );
    }
    if (secrets.length > 1) {
      throw usageError(
        `--secret: an EUDR signature header holds one signature; got ${secrets.length} secrets.`,
        'Sign with the newest secret only.',
      );
    }
    const value = asUsageErrors(() => signEudrPayload(payload, secrets[0] as string));
    return {
      profile,
      header: EUDR_SIGNATURE_HEADER,
      value,
      headers: { [EUDR_SIGNATURE_HEADER]: value },
      timestamp: null,
    };
  }
  const timestamp = options.timestamp ?? nowSeconds();
  if (profile === 'standard-webhooks') {
    if (options.id === undefined) {
      throw usageError(
        '--id is required with --profile standard-webhooks: the message id is signed with the body.',
        'Use the event id, for example --id evt_01j9zkx3w5.',
      );
    }
    const id = options.id;
    const headers = asUsageErrors(() =>
      signStandardWebhook(payload, { id, secret: secrets, timestamp }),
    );
    return {
      profile,
      header: STANDARD_WEBHOOKS_HEADERS.signature,
      value: headers['webhook-signature'],
      headers,
      timestamp,
    };
  }
  const value = asUsageErrors(() => signNovatradePayload(payload, secrets, { timestamp }));
  return {
    profile,
    header: NOVATRADE_SIGNATURE_HEADER,
    value,
    headers: { [NOVATRADE_SIGNATURE_HEADER]: value },
    timestamp,
  };
}
