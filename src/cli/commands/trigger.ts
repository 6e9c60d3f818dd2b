// `novatrade-webhooks trigger <event-type>`: fires one signed sample event at a URL, built and
// signed exactly as a sender's delivery is (the profile's body and headers, `buildDeliveryRequest`,
// docs/design.md §4), and prints what was sent and what the handler answered. `--data` replaces
// the sample's `data` and is checked against the catalog strictly, as `publish` checks it
// (docs/design.md §5.24); its value is never printed, only the failing field paths.
import type { Command } from 'commander';
import { getCatalogEntry } from '../../core/catalog/event-catalog.js';
import type { EudrEventType, EventType } from '../../core/catalog/event-types.js';
import { parseEventData } from '../../core/catalog/parse-event-data.js';
import {
  createSampleEudrEvent,
  createSampleEvent,
  ZERO_UUID,
} from '../../core/catalog/sample-events.js';
import { isWebhooksError, type WebhookValidationError } from '../../core/errors.js';
import { createId } from '../../core/ids.js';
import {
  buildDeliveryRequest,
  type DeliveryRequest,
  type OutboundEvent,
} from '../../core/profiles/wire-profile.js';
import { webCryptoRandom } from '../../platform-random.js';
import { catalogForProfile } from '../../sender/internal/sender-catalog.js';
import { nodeHmacSha256Base64 } from '../../signature/node-hmac-sha256-base64.node.js';
import { nodeHmacSha256Hex } from '../../signature/node-hmac-sha256-hex.node.js';
import type { CliContext } from '../internal/cli-context.js';
import { CliError, usageError } from '../internal/cli-error.js';
import { CLI_PROFILES, type CliProfileName } from '../internal/cli-profiles.js';
import { readDataOption } from '../internal/data-option.js';
import { describeFetchFailure } from '../internal/fetch-failure.js';
import { helpExamples } from '../internal/help-examples.js';
import { nearestName } from '../internal/nearest-name.js';
import { parseHttpUrl, parseTimeoutMs, parseUuid } from '../internal/option-parsers.js';
import { printableText } from '../internal/printable-text.js';
import {
  asUsageErrors,
  profileOption,
  resolveSecrets,
  secretOption,
} from '../internal/signing-options.js';

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

/** The endpoint id a triggered event carries: recognisably synthetic (docs/design.md §5.8). */
const SAMPLE_ENDPOINT_ID = `wh_${'0'.repeat(26)}`;

/** What `trigger` built: the event's facts and the request to send. */
export interface TriggerRequest {
  readonly event: OutboundEvent;
  readonly deliveryId: string;
  readonly request: DeliveryRequest;
}

/**
 * Builds the signed request of a sample `type` event with `data` (the sample's when absent),
 * checked strictly against the profile's catalog.
 *
 * @throws CliError `usage` for a type outside the profile's catalog (naming the nearest), data
 *   the catalog refuses (naming the field paths), a `--partner` on an event that has none, or a
 *   refused secret.
 * @example
 * ```ts
 * const { request } = buildTriggerRequest('compliance.decision_made', {
 *   profile: 'novatrade', secrets: ['whsec_…'], nowMs: Date.now(),
 * });
 * ```
 */
export function buildTriggerRequest(
  type: string,
  options: {
    readonly profile: CliProfileName;
    readonly secrets: readonly string[];
    readonly nowMs: number;
    readonly data?: Readonly<Record<string, unknown>> | undefined;
    readonly partnerUuid?: string | undefined;
  },
): TriggerRequest {
  const { profile: wireProfile, name } = CLI_PROFILES[options.profile];
  const types = wireProfile.eventTypes;
  if (!types.includes(type)) {
    const nearest = nearestName(type, types);
    throw usageError(
      `unknown event type ${JSON.stringify(type)} for --profile ${name}` +
        (nearest === undefined ? '.' : `; did you mean ${nearest}?`),
      `The ${name} event types: ${types.join(', ')}.`,
    );
  }
  const catalog = catalogForProfile(wireProfile);
  const entry = getCatalogEntry(catalog, type);
  const eudr = name === 'eudr';
  // `type` is in the profile's catalog (checked above); the samples are plain JSON objects.
  const sample: {
    readonly data: unknown;
    readonly organizationUuid?: string;
    readonly integrationId?: string;
  } = eudr ? createSampleEudrEvent(type as EudrEventType) : createSampleEvent(type as EventType);
  let partnerUuid: string | null = null;
  if (options.partnerUuid !== undefined && (eudr || entry.scope === 'organization')) {
    throw usageError(
      `--partner: ${type} events ${eudr ? 'of the EUDR profile ' : ''}concern the organization ` +
        'and carry no partner.',
    );
  }
  if (!eudr && entry.scope !== 'organization') partnerUuid = options.partnerUuid ?? ZERO_UUID;
  // The latest version is the last: a catalog keeps versions ascending, never empty.
  const schemaVersion = entry.versions.at(-1)?.version ?? 1;
  let data: Record<string, unknown>;
  try {
    data = parseEventData(catalog, {
      type,
      schemaVersion,
      data: options.data ?? sample.data,
      strict: true,
    });
  } catch (error) {
    if (!isWebhooksError(error) || error.code !== 'invalid_event') throw error;
    const { issues } = error as WebhookValidationError;
    throw usageError(
      `--data does not fit ${type} (schema version ${schemaVersion}): ` +
        issues.map((issue) => `${issue.path} (${issue.code})`).join(', '),
      issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n'),
    );
  }
  const event: OutboundEvent = {
    id: createId('event', webCryptoRandom),
    type,
    schemaVersion,
    source: 'SYSTEM',
    createdAtMs: options.nowMs,
    organizationUuid: (eudr ? sample.integrationId : sample.organizationUuid) ?? ZERO_UUID,
    partnerUuid,
    data,
  };
  const deliveryId = createId('delivery', webCryptoRandom);
  const request = asUsageErrors(() =>
    buildDeliveryRequest(wireProfile, {
      event,
      endpointId: SAMPLE_ENDPOINT_ID,
      deliveryId,
      secrets: options.secrets,
      nowMs: options.nowMs,
      hmac: nodeHmacSha256Hex,
      hmacBase64: nodeHmacSha256Base64,
    }),
  );
  return { event, deliveryId, request };
}

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
        '# At a running listen',
        'novatrade-webhooks trigger kyc.vies_check_failed --url http://127.0.0.1:4000/ --secret "$SECRET"',
      ]),
    )
    .action(async (type: string, options: TriggerOptions) => {
      const secrets = resolveSecrets(options.secret, context.io.env);
      const data =
        options.data === undefined ? undefined : await readDataOption(options.data, context.io);
      const built = buildTriggerRequest(type, {
        profile: options.profile,
        secrets,
        nowMs: Date.now(),
        data,
        partnerUuid: options.partner,
      });
      await send(built, options, context, secrets.length);
    });
}

async function send(
  built: TriggerRequest,
  options: TriggerOptions,
  context: CliContext,
  secretCount: number,
): Promise<void> {
  const { output } = context;
  const { colors } = output;
  const { event, deliveryId, request } = built;
  const signatureHeader = CLI_PROFILES[options.profile].signatureHeader.toLowerCase();
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
