// `novatrade-webhooks verify`: checks a signature header against the exact bytes of a payload
// with the receiver's own functions, and prints the verdict: `valid` with the signed time and its
// age (exit 0), or `invalid: <code>` with the verification error's stable code (exit 1) and, on
// stderr, what it means and what to check. The rules are the receiver's (docs/design.md §5.6):
// 300 s of tolerance both ways unless `--tolerance` says otherwise, never off.
import type { Command } from 'commander';
import type { VerificationErrorCode } from '../../core/errors.js';
import { isWebhooksError } from '../../core/errors.js';
import type { CliContext } from '../internal/cli-context.js';
import { CliError } from '../internal/cli-error.js';
import type { CliProfileName } from '../internal/cli-profiles.js';
import { helpExamples } from '../internal/help-examples.js';
import { parsePositiveSeconds, parseUnixSeconds } from '../internal/option-parsers.js';
import { readPayload } from '../internal/read-payload.js';
import { profileOption, resolveSecrets, secretOption } from '../internal/signing-options.js';
import type { ValidVerdict } from '../internal/verify-signature.js';

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
      const { verifySignature } = await import('../internal/verify-signature.js');
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
