// What `verify` does once the command line is read: checks a signature header against a
// payload's bytes with the receiver's own verification functions and the `--profile`'s scheme.
// Loaded when `verify` runs.
import { verifyEudrSignature } from '../../signature/verify-eudr-signature.node.js';
import { verifyNovatradeSignature } from '../../signature/verify-novatrade-signature.node.js';
import { verifyStandardWebhook } from '../../signature/verify-standard-webhook.node.js';
import { usageError } from './cli-error.js';
import { CLI_PROFILE_NAMES, type CliProfileName, SIGNATURE_HEADERS } from './cli-profiles.js';
import { splitHeaderValue } from './header-value.js';
import { asUsageErrors } from './signing-options.js';

/** A signature that verified. */
export interface ValidVerdict {
  readonly valid: true;
  readonly profile: CliProfileName;
  /** The signed (or, for EUDR with `--timestamp`, the checked) Unix second; `null` when none. */
  readonly timestamp: number | null;
  /** How long before `now` it was signed, seconds (negative: ahead of the clock); `null` with no time. */
  readonly ageSeconds: number | null;
}

/**
 * Verifies `payload` against `header` with the `--profile`'s scheme.
 *
 * @returns the verdict when the signature verifies.
 * @throws WebhookVerificationError with the refusal's code when it does not.
 * @throws CliError `usage` for options the scheme does not take or needs, or a header named for
 *   another profile.
 * @example
 * ```ts
 * verifySignature(payload, { profile: 'novatrade', secrets, header: 't=…,v1=…', nowMs: Date.now() });
 * ```
 */
export function verifySignature(
  payload: Uint8Array,
  options: {
    readonly profile: CliProfileName;
    readonly secrets: readonly string[];
    readonly header: string;
    readonly nowMs: number;
    readonly toleranceSeconds?: number | undefined;
    readonly id?: string | undefined;
    readonly timestamp?: string | undefined;
  },
): ValidVerdict {
  const { profile, secrets, nowMs, toleranceSeconds } = options;
  const header = headerValueFor(profile, options.header);
  const now = (): number => nowMs;
  const tolerance = toleranceSeconds === undefined ? {} : { toleranceSeconds };
  const verdict = (timestamp: number | null): ValidVerdict => ({
    valid: true,
    profile,
    timestamp,
    ageSeconds: timestamp === null ? null : Math.floor(nowMs / 1000) - timestamp,
  });
  if (profile !== 'standard-webhooks' && options.id !== undefined) {
    throw usageError(`--id is the Standard Webhooks message id; --profile ${profile} has none.`);
  }
  switch (profile) {
    case 'novatrade': {
      if (options.timestamp !== undefined) {
        throw usageError(
          '--timestamp: the signed time is inside the X-Novatrade-Signature value (t=); leave ' +
            '--timestamp out (--now sets the clock it is checked against).',
        );
      }
      const { timestamp } = asUsageErrors(() =>
        verifyNovatradeSignature(payload, header, secrets, { ...tolerance, now }),
      );
      return verdict(timestamp);
    }
    case 'eudr': {
      if (options.timestamp === undefined && toleranceSeconds !== undefined) {
        throw usageError(
          '--tolerance needs --timestamp with --profile eudr: the EUDR signature covers no time, ' +
            'so only the X-Webhook-Timestamp value given with --timestamp can be checked.',
        );
      }
      const window = options.timestamp === undefined ? {} : { timestamp: options.timestamp };
      const { timestamp } = asUsageErrors(() =>
        verifyEudrSignature(payload, header, secrets, { ...window, ...tolerance, now }),
      );
      return verdict(timestamp);
    }
    case 'standard-webhooks': {
      if (options.id === undefined || options.timestamp === undefined) {
        throw usageError(
          '--profile standard-webhooks needs --id <webhook-id> and --timestamp <webhook-timestamp>: ' +
            'both are signed with the body.',
        );
      }
      const headers = {
        'webhook-id': options.id,
        'webhook-timestamp': options.timestamp,
        'webhook-signature': header,
      };
      const { timestamp } = asUsageErrors(() =>
        verifyStandardWebhook(payload, headers, secrets, { ...tolerance, now }),
      );
      return verdict(timestamp);
    }
  }
}

/** The bare value of `--header`, which may be typed as `Name: value` when the name fits. */
function headerValueFor(profile: CliProfileName, text: string): string {
  const { name, value } = splitHeaderValue(text);
  if (name === undefined) return text;
  const expected = SIGNATURE_HEADERS[profile];
  if (name.toLowerCase() === expected.toLowerCase()) return value;
  const other = CLI_PROFILE_NAMES.find(
    (candidate) => SIGNATURE_HEADERS[candidate].toLowerCase() === name.toLowerCase(),
  );
  throw usageError(
    `--header names ${name}, but --profile ${profile} verifies ${expected}.`,
    other === undefined
      ? 'Pass the signature header\'s value alone, or as "Name: value".'
      : `Pass --profile ${other} to verify ${SIGNATURE_HEADERS[other]}.`,
  );
}
