// `novatrade-webhooks sign`: signs the exact bytes of a payload (a file or standard input) the way
// a sender does, and prints the signature header's value, so it can be piped into `verify` or
// pasted into a `curl -H`. Novatrade24: `t=<unix s>,v1=<hex>` (one `v1` per secret); EUDR:
// `sha256=<hex>`; Standard Webhooks: `v1,<base64>` per secret (docs/design.md §4, §5.6, §5.22).
import type { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.js';
import type { CliProfileName } from '../internal/cli-profiles.js';
import { helpExamples } from '../internal/help-examples.js';
import { parseUnixSeconds } from '../internal/option-parsers.js';
import { readPayload } from '../internal/read-payload.js';
import {
  profileOption,
  resolveSecrets,
  SECRET_ENV,
  secretOption,
} from '../internal/signing-options.js';

/** The options of `sign`, as commander parses them. */
interface SignOptions {
  readonly secret?: string[];
  readonly timestamp?: number;
  readonly profile: CliProfileName;
  readonly id?: string;
  readonly header?: boolean;
  readonly json?: boolean;
}

/** Registers `sign` on the program. */
export function registerSignCommand(program: Command, context: CliContext): void {
  program
    .command('sign')
    .summary('sign a payload and print its signature header')
    .description(
      'Sign the exact bytes of a payload with a secret, as a sender does, and print the value of ' +
        'the signature header (X-Novatrade-Signature: t=…,v1=…; EUDR X-Webhook-Signature: ' +
        'sha256=…; Standard Webhooks webhook-signature: v1,…). The payload is a file, or standard ' +
        'input with - or when it is piped.',
    )
    .argument('[file]', 'the payload; - (or nothing, with piped input) reads standard input')
    .addOption(secretOption('signs the payload'))
    .option(
      '--timestamp <unix-seconds>',
      'the signing time, for a reproducible header (default: now; not with --profile eudr)',
      parseUnixSeconds,
    )
    .addOption(profileOption())
    .option('--id <message-id>', 'the webhook-id that is signed (--profile standard-webhooks)')
    .option('--header', 'print "Name: value" header lines instead of the bare value')
    .option('--json', 'print {profile, header, value, headers, timestamp} as JSON')
    .addHelpText(
      'after',
      helpExamples([
        '# The X-Novatrade-Signature value of a file, signed now',
        'novatrade-webhooks sign event.json --secret whsec_test_secret',
        '# A fixed timestamp, the body from standard input',
        'printf \'%s\' "$BODY" | novatrade-webhooks sign - --secret "$SECRET" --timestamp 1729684200',
        '# Two secrets during a rotation: two v1= entries',
        'novatrade-webhooks sign event.json --secret "$NEW" --secret "$OLD"',
        '# Sign, then verify what was signed',
        'novatrade-webhooks verify event.json --secret "$SECRET" \\',
        '    --header "$(novatrade-webhooks sign event.json --secret "$SECRET")"',
        '# An EUDR signature, as a header line for curl -H',
        'novatrade-webhooks sign supplier.json --profile eudr --secret "$SECRET" --header',
        `# The secret from the environment (kept out of the shell history)`,
        `${SECRET_ENV}=whsec_… novatrade-webhooks sign event.json`,
      ]),
    )
    .action(async (file: string | undefined, options: SignOptions) => {
      const secrets = resolveSecrets(options.secret, context.io.env);
      const payload = await readPayload(file, context.io);
      const { signPayload } = await import('../internal/sign-payload.js');
      const signed = signPayload(payload, {
        profile: options.profile,
        secrets,
        timestamp: options.timestamp,
        id: options.id,
      });
      const { output } = context;
      if (options.json === true) {
        output.line(JSON.stringify(signed, null, 2));
      } else if (options.header === true) {
        for (const [name, value] of Object.entries(signed.headers))
          output.line(`${name}: ${value}`);
      } else {
        output.line(signed.value);
      }
    });
}
