// The wire profiles the CLI's `--profile` names (docs/design.md §4): the profile object, and the
// header its signature travels in. One list, so `sign`, `verify` and `trigger` offer the same
// choices.
import { EUDR_PROFILE } from '../../core/profiles/eudr-profile.js';
import { NOVATRADE_PROFILE } from '../../core/profiles/novatrade-profile.js';
import { STANDARD_WEBHOOKS_PROFILE } from '../../core/profiles/standard-webhooks-profile.js';
import type { WireProfile } from '../../core/profiles/wire-profile.js';
import {
  EUDR_SIGNATURE_HEADER,
  NOVATRADE_SIGNATURE_HEADER,
  STANDARD_WEBHOOKS_HEADERS,
} from '../../core/signature/constants.js';

/** The values of `--profile`, the default first. */
export const CLI_PROFILE_NAMES = ['novatrade', 'eudr', 'standard-webhooks'] as const;

/** One of {@link CLI_PROFILE_NAMES}. */
export type CliProfileName = (typeof CLI_PROFILE_NAMES)[number];

/** A profile as the CLI uses it. */
export interface CliProfile {
  readonly name: CliProfileName;
  readonly profile: WireProfile;
  /** The header the signature travels in. */
  readonly signatureHeader: string;
}

/** The CLI's profiles, by name. */
export const CLI_PROFILES: { readonly [N in CliProfileName]: CliProfile } = {
  novatrade: {
    name: 'novatrade',
    profile: NOVATRADE_PROFILE as WireProfile,
    signatureHeader: NOVATRADE_SIGNATURE_HEADER,
  },
  eudr: {
    name: 'eudr',
    profile: EUDR_PROFILE as WireProfile,
    signatureHeader: EUDR_SIGNATURE_HEADER,
  },
  'standard-webhooks': {
    name: 'standard-webhooks',
    profile: STANDARD_WEBHOOKS_PROFILE as WireProfile,
    signatureHeader: STANDARD_WEBHOOKS_HEADERS.signature,
  },
};
