// `novatrade-webhooks trigger <event-type>`: fires one signed sample event at a URL, built and
// signed exactly as a sender's delivery is (the profile's body and headers, `buildDeliveryRequest`,
// docs/design.md §4), and prints what was sent and what the handler answered. `--data` replaces
// the sample's `data` and is checked against the catalog strictly, as `publish` checks it
// (docs/design.md §5.24); its value is never printed, only the failing field paths.
import type { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.js';
import { CliError } from '../internal/cli-error.js';
import { type CliProfileName, SIGNATURE_HEADERS } from '../internal/cli-profiles.js';
import { readDataOption } from '../internal/data-option.js';
import { describeFetchFailure } from '../internal/fetch-failure.js';
import { helpExamples } from '../internal/help-examples.js';
import { parseHttpUrl, parseTimeoutMs, parseUuid } from '../internal/option-parsers.js';
import { printableText } from '../internal/printable-text.js';
import { profileOption, resolveSecrets, secretOption } from '../internal/signing-options.js';
import type { TriggerRequest } from '../internal/trigger-request.js';

/** The options of `trigger`, as commander parses them. */
interface TriggerOptions {
  readonly url: string;
  readonly secret?: string[];
  readonly data?: string;
  readonly partner?: string;
  readonly profile: CliProfileName;
  readonly timeout: number;
  readonly json?: boolean;
}

/** How much of the answer's body is read and printed, bytes. */
export const MAX_SHOWN_BODY_BYTES = 4096;

/** The answer headers the text output shows, when present. */
const SHOWN_HEADERS = ['content-type', 'content-length', 'location', 'retry-after', 'x-request-id'];

/** A `Headers` as a plain object of lowercase names. */
function headersObject(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name] = value;
  });
  return result;
}

/** The start of an answer's body: at most `maxBytes`, and whether there was more. */
async function readBodyPrefix(
  response: Response,
  maxBytes: number,
): Promise<{ text: string; bytes: number; truncated: boolean }> {
  if (response.body === null) return { text: '', bytes: 0, truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  const all = new Uint8Array(Math.min(bytes, maxBytes));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, all.byteLength - offset);
    all.set(part, offset);
    offset += part.byteLength;
    if (offset === all.byteLength) break;
  }
  return { text: new TextDecoder().decode(all), bytes: all.byteLength, truncated };
}

/** Registers `trigger` on the program. */
export function registerTriggerCommand(program: Command, context: CliContext): void {
  program
    .command('trigger')
    .summary('send a signed sample event to a URL')
    .description(
      'Send one signed sample event of a type to a URL, with the body and headers a real ' +
        'delivery has (X-Novatrade-Signature, X-Novatrade-Event-Id, …; the EUDR headers with ' +
        '--profile eudr), and print the answer. A fresh event id each time. Exit 0 when the ' +
        'handler answers 2xx, 1 otherwise.',
    )
    .argument('<event-type>', "a type of the profile's catalog, such as compliance.decision_made")
    .requiredOption('--url <url>', 'where to POST it (http: or https:)', parseHttpUrl)
    .addOption(secretOption('signs it'))
    .option(
      '--data <json|@file>',
      "the event's data instead of the sample's: JSON, or @file with JSON",
    )
    .option(
      '--partner <uuid>',
      "the envelope's partnerUuid (default: the all-zero UUID)",
      parseUuid,
    )
    .addOption(profileOption())
    .option('--timeout <ms>', 'how long to wait for the answer', parseTimeoutMs, 10_000)
    .option('--json', 'print the request and the answer as JSON')
    .addHelpText(
      'after',
      helpExamples([
        '# A sample event at a local handler',
        'novatrade-webhooks trigger compliance.decision_made --url http://127.0.0.1:3000/webhooks \\',
        '    --secret whsec_test_secret',
        '# Your own data (checked against the catalog)',
        'novatrade-webhooks trigger compliance.decision_made --url "$URL" --secret "$SECRET" \\',
        '    --data \'{"orderUuid":"3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03","decision":"VAT_APPLICABLE"}\'',
        '# Data from a file, an EUDR event',
        'novatrade-webhooks trigger supplier.created --profile eudr --url "$URL" --secret "$SECRET" \\',
        '    --data @supplier.json',
        '# At a running listen (its address and secret)',
        'novatrade-webhooks trigger kyc.vies_check_failed --url http://127.0.0.1:8081/ \\',
        '    --secret "$(novatrade-webhooks listen --print-secret)"',
      ]),
    )
    .action(async (type: string, options: TriggerOptions) => {
      const secrets = resolveSecrets(options.secret, context.io.env);
      const data =
        options.data === undefined ? undefined : await readDataOption(options.data, context.io);
      const { buildTriggerRequest } = await import('../internal/trigger-request.js');
      const built = buildTriggerRequest(type, {
        profile: options.profile,
        secrets,
        nowMs: Date.now(),
        data,
        partnerUuid: options.partner,
      });
      await send(built, { options, context, secretCount: secrets.length });
    });
}

/**
 * POSTs the built request and prints it and the answer.
 *
 * @throws CliError `receiver_refused` for a non-2xx answer; `connection_refused`, `timeout`, … when
 *   no answer came (exit 1).
 */
async function send(
  built: TriggerRequest,
  how: {
    readonly options: TriggerOptions;
    readonly context: CliContext;
    readonly secretCount: number;
  },
): Promise<void> {
  const { options, context, secretCount } = how;
  const { output } = context;
  const { colors } = output;
  const { event, deliveryId, request } = built;
  const signatureHeader = SIGNATURE_HEADERS[options.profile].toLowerCase();
  const bodyBytes = new TextEncoder().encode(request.body).byteLength;
  const sent = {
    method: 'POST',
    url: options.url,
    profile: options.profile,
    eventType: event.type,
    eventId: event.id,
    deliveryId,
    schemaVersion: event.schemaVersion,
    bodyBytes,
    // The signature is left out: it is printed by `sign`, never as a side effect.
    headers: Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== signatureHeader),
    ),
  };
  if (options.json !== true) {
    output.line(`${colors.bold('POST')} ${options.url}`);
    output.line(`  ${event.type} ${colors.dim(event.id)}`);
    output.line(
      colors.dim(
        `  ${options.profile} profile, schema version ${event.schemaVersion}, ${bodyBytes} bytes, ` +
          `signed with ${secretCount} secret${secretCount === 1 ? '' : 's'}`,
      ),
    );
  }
  const startedMs = performance.now();
  let response: Response;
  let body: Awaited<ReturnType<typeof readBodyPrefix>>;
  try {
    response = await fetch(options.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      // A sender does not follow redirects (docs/design.md §5.13): a 3xx is the answer.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeout),
    });
    body = await readBodyPrefix(response, MAX_SHOWN_BODY_BYTES);
  } catch (error) {
    const failure = describeFetchFailure(error, options.timeout);
    throw new CliError(
      failure.code,
      `no answer from ${new URL(options.url).origin}: ${failure.text}.`,
      {
        cause: error,
        hint: `The ${event.type} event ${event.id} may not have been delivered.`,
      },
    );
  }
  const durationMs = Math.round(performance.now() - startedMs);
  const ok = response.status >= 200 && response.status <= 299;
  if (options.json === true) {
    output.line(
      JSON.stringify(
        {
          request: sent,
          response: {
            status: response.status,
            statusText: response.statusText,
            durationMs,
            headers: headersObject(response.headers),
            body: body.text,
            bodyTruncated: body.truncated,
          },
        },
        null,
        2,
      ),
    );
  } else {
    const statusColor = ok ? colors.green : colors.red;
    output.line(
      `${statusColor(`${response.status} ${response.statusText}`.trim())} ${colors.dim(`in ${durationMs} ms`)}`,
    );
    for (const name of SHOWN_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) output.line(`  ${colors.dim(`${name}:`)} ${printableText(value)}`);
    }
    if (body.text !== '') {
      output.line();
      output.line(printableText(body.text));
      if (body.truncated) {
        output.line(colors.dim(`(the first ${MAX_SHOWN_BODY_BYTES} bytes of a longer body)`));
      }
    }
  }
  if (!ok) {
    throw new CliError(
      'receiver_refused',
      `the handler answered ${response.status}; a delivery succeeds only on 2xx.`,
      response.status === 400 || response.status === 401 || response.status === 403
        ? { hint: 'Check that it verifies with the same secret and --profile.' }
        : {},
    );
  }
}
