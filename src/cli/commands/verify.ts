// `novatrade-webhooks verify`: checks a signature header against the exact bytes of a payload
// with the receiver's own functions, and prints the verdict: `valid` with the signed time and its
// age (exit 0), or `invalid: <code>` with the verification error's stable code (exit 1) and, on
// stderr, what it means and what to check. The rules are the receiver's (docs/design.md §5.6):
// 300 s of tolerance both ways unless `--tolerance` says otherwise, never off.
import type { Command } from 'commander';
import type { VerificationErrorCode } from '../../core/errors.js';
import { isWebhooksError } from '../../core/errors.js';
import { verifyEudrSignature } from '../../signature/verify-eudr-signature.node.js';
import { verifyNovatradeSignature } from '../../signature/verify-novatrade-signature.node.js';
import { verifyStandardWebhook } from '../../signature/verify-standard-webhook.node.js';
import type { CliContext } from '../internal/cli-context.js';
import { CliError, usageError } from '../internal/cli-error.js';
import { CLI_PROFILE_NAMES, CLI_PROFILES, type CliProfileName } from '../internal/cli-profiles.js';
import { splitHeaderValue } from '../internal/header-value.js';
import { helpExamples } from '../internal/help-examples.js';
import { parsePositiveSeconds, parseUnixSeconds } from '../internal/option-parsers.js';
import { readPayload } from '../internal/read-payload.js';
import {
  asUsageErrors,
  profileOption,
  resolveSecrets,
  secretOption,
} from '../internal/signing-options.js';

/** The options of `verify`, as commander parses them. */
interface VerifyOptions {
  readonly secret?: string[];
  readonly header: string;
  readonly tolerance?: number;
  readonly now?: number;
  readonly profile: CliProfileName;
  readonly id?: string;
  readonly timestamp?: string;
  readonly json?: boolean;
}

/** A signature that verified. */
export interface ValidVerdict {
  readonly valid: true;
  readonly profile: CliProfileName;
  /** The signed (or, for EUDR with `--timestamp`, the checked) Unix second; `null` when none. */
  readonly timestamp: number | null;
  /** How long before `now` it was signed, seconds (negative: ahead of the clock); `null` with no time. */
  readonly ageSeconds: number | null;
}

/** What each refusal means and what to check, by the verification error's code. */
const HINTS: Readonly<Record<VerificationErrorCode, string>> = {
  missing_header: "Pass the signature header's value with --header (quoted for the shell).",
  malformed_header:
    'Check the value against the scheme: t=<unix seconds>,v1=<64 hex> (novatrade), ' +
    'sha256=<64 hex> (eudr), v1,<base64> (standard-webhooks).',
  no_supported_signature: 'The header holds no signature of a scheme this version verifies (v1).',
  timestamp_too_old:
    'It was signed longer ago than the tolerance: a replay, or a sender clock behind. To check ' +
    'an old signature, pass --now <the unix second it was sent> or a larger --tolerance.',
  timestamp_too_new:
    "It was signed further ahead of this clock than the tolerance: the sender's clock is ahead " +
    '(or pass --now).',
  signature_mismatch:
    'Another secret signed it, or the payload is not the exact bytes that were signed (JSON ' +
    "parsed and serialised again, or a newline added by echo: use printf '%s' or a file).",
  invalid_payload_type: 'The payload must be the raw bytes.',
};

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
  const expected = CLI_PROFILES[profile].signatureHeader;
  if (name.toLowerCase() === expected.toLowerCase()) return value;
  const other = CLI_PROFILE_NAMES.find(
    (candidate) => CLI_PROFILES[candidate].signatureHeader.toLowerCase() === name.toLowerCase(),
  );
  throw usageError(
    `--header names ${name}, but --profile ${profile} verifies ${expected}.`,
    other === undefined
      ? 'Pass the signature header\'s value alone, or as "Name: value".'
      : `Pass --profile ${other} to verify ${CLI_PROFILES[other].signatureHeader}.`,
  );
}

/** `12 s ago`, `3 s ahead`, `just now`. */
function describeAge(ageSeconds: number): string {
  if (ageSeconds === 0) return 'just now';
  return ageSeconds > 0 ? `${ageSeconds} s ago` : `${-ageSeconds} s ahead of this clock`;
}

/** Registers `verify` on the program. */
export function registerVerifyCommand(program: Command, context: CliContext): void {
  program
    .command('verify')
    .summary('check a signature header against a payload')
    .description(
      'Verify a signature header against the exact bytes of a payload, with the rules a receiver ' +
        'applies (a 300 s tolerance both ways by default). Prints "valid" with the signed time ' +
        '(exit 0), or "invalid: <code>" with the reason code (exit 1): missing_header, ' +
        'malformed_header, no_supported_signature, timestamp_too_old, timestamp_too_new or ' +
        'signature_mismatch.',
    )
    .argument('[file]', 'the payload; - (or nothing, with piped input) reads standard input')
    .addOption(secretOption('the signature should match'))
    .requiredOption(
      '--header <value>',
      'the signature header: its value, or "Name: value" as sign --header prints it',
    )
    .option(
      '--tolerance <seconds>',
      'how far the signed time may be from now, both ways (default: 300)',
      parsePositiveSeconds,
    )
    .option(
      '--now <unix-seconds>',
      'the clock to check the time against (default: now)',
      parseUnixSeconds,
    )
    .addOption(profileOption())
    .option('--id <message-id>', 'the webhook-id header (--profile standard-webhooks)')
    .option(
      '--timestamp <value>',
      'the timestamp header: webhook-timestamp (standard-webhooks), or X-Webhook-Timestamp, which ' +
        'turns on the EUDR replay window',
    )
    .option('--json', 'print the verdict as JSON')
    .addHelpText(
      'after',
      helpExamples([
        '# Check a header a receiver logged against the body it stored',
        'novatrade-webhooks verify body.json --secret "$SECRET" --header \'t=1729684200,v1=5257a8…\' --now 1729684210',
        '# Sign and verify in one line (standard input both times)',
        'printf \'%s\' "$BODY" | novatrade-webhooks verify --secret "$SECRET" \\',
        '    --header "$(printf \'%s\' "$BODY" | novatrade-webhooks sign --secret "$SECRET")"',
        '# An EUDR delivery, with its replay window',
        'novatrade-webhooks verify supplier.json --profile eudr --secret "$SECRET" \\',
        "    --header 'sha256=9f86d0…' --timestamp 2024-01-15T10:30:00.000Z",
        '# Machine-readable verdict',
        'novatrade-webhooks verify body.json --secret "$SECRET" --header "$SIG" --json',
      ]),
    )
    .action(async (file: string | undefined, options: VerifyOptions) => {
      const secrets = resolveSecrets(options.secret, context.io.env);
      const payload = await readPayload(file, context.io);
      const { output } = context;
      const { colors } = output;
      let verdict: ValidVerdict;
      try {
        verdict = verifySignature(payload, {
          profile: options.profile,
          secrets,
          header: options.header,
          nowMs: options.now === undefined ? Date.now() : options.now * 1000,
          toleranceSeconds: options.tolerance,
          id: options.id,
          timestamp: options.timestamp,
        });
      } catch (error) {
        if (!isWebhooksError(error) || !Object.hasOwn(HINTS, error.code)) throw error;
        const code = error.code as VerificationErrorCode;
        if (options.json === true) {
          output.line(
            JSON.stringify(
              { valid: false, profile: options.profile, code, message: error.message },
              null,
              2,
            ),
          );
        } else {
          output.line(`${colors.red('invalid:')} ${code}`);
        }
        throw new CliError(code, error.message, { hint: HINTS[code], cause: error });
      }
      if (options.json === true) {
        output.line(JSON.stringify(verdict, null, 2));
        return;
      }
      if (verdict.timestamp === null) {
        output.line(
          `${colors.green('valid')} (the EUDR signature covers the body; no time is signed)`,
        );
        return;
      }
      const at = new Date(verdict.timestamp * 1000).toISOString().replace('.000Z', 'Z');
      const age = describeAge(verdict.ageSeconds ?? 0);
      output.line(
        verdict.profile === 'eudr'
          ? `${colors.green('valid')}; X-Webhook-Timestamp ${at} (${age}) is within the tolerance`
          : `${colors.green('valid')} signed at ${at} (t=${verdict.timestamp}, ${age})`,
      );
    });
}
