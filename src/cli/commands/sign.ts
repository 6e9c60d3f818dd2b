// `novatrade-webhooks sign`: signs the exact bytes of a payload (a file or standard input) the way
// a sender does, and prints the signature header's value, so it can be piped into `verify` or
// pasted into a `curl -H`. Novatrade24: `t=<unix s>,v1=<hex>` (one `v1` per secret); EUDR:
// `sha256=<hex>`; Standard Webhooks: `v1,<base64>` per secret (docs/design.md §4, §5.6, §5.22).
import type { Command } from 'commander';
import { NOVATRADE_HEADERS } from '../../core/profiles/novatrade-profile.js';
import {
  EUDR_SIGNATURE_HEADER,
  STANDARD_WEBHOOKS_HEADERS,
} from '../../core/signature/constants.js';
import { signEudrPayload } from '../../signature/sign-eudr-payload.node.js';
import { signNovatradePayload } from '../../signature/sign-novatrade-payload.node.js';
import { signStandardWebhook } from '../../signature/sign-standard-webhook.node.js';
import type { CliContext } from '../internal/cli-context.js';
import { usageError } from '../internal/cli-error.js';
import type { CliProfileName } from '../internal/cli-profiles.js';
import { helpExamples } from '../internal/help-examples.js';
import { parseUnixSeconds } from '../internal/option-parsers.js';
import { readPayload } from '../internal/read-payload.js';
import {
  asUsageErrors,
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
    header: NOVATRADE_HEADERS.signature,
    value,
    headers: { [NOVATRADE_HEADERS.signature]: value },
    timestamp,
  };
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
