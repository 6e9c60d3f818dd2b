// The readable output of the API commands: endpoints and deliveries as tables and as `name: value`
// summaries, statuses coloured (green: ACTIVE, DELIVERED; yellow: PAUSED, PENDING; red:
// DISABLED, FAILED) when the output is coloured at all. `--json` prints the API's JSON instead.
import type {
  DeliveryDetail,
  WebhookDelivery,
  WebhookEndpoint,
} from '../../client/resource-types.js';
import type { Colors, Output } from './output.js';
import { printableText } from './printable-text.js';
import { renderTable } from './render-table.js';

/** The colour of a status word. */
export function statusColor(status: string, colors: Colors): (text: string) => string {
  switch (status) {
    case 'ACTIVE':
    case 'DELIVERED':
      return colors.green;
    case 'PAUSED':
    case 'PENDING':
      return colors.yellow;
    case 'DISABLED':
    case 'FAILED':
      return colors.red;
    default:
      return (text) => text;
  }
}

/** `name: value` lines, the names aligned and dimmed. */
export function summaryLines(
  entries: readonly (readonly [string, string])[],
  colors: Colors,
): string[] {
  const width = Math.max(...entries.map(([name]) => name.length)) + 1;
  return entries.map(([name, value]) => `${colors.dim(`${name}:`.padEnd(width))} ${value}`);
}

/**
 * `null` as a dash, anything else as one line of text safe on a terminal: the API's free text (a
 * description) comes from whoever holds a key, so control characters are shown as `?` and line
 * breaks as spaces.
 */
function text(value: string | number | null | undefined): string {
  return value === null || value === undefined
    ? '-'
    : printableText(String(value)).replace(/\n/g, ' ');
}

/**
 * An endpoint as `name: value` lines.
 *
 * @example
 * ```ts
 * for (const line of endpointLines(endpoint, output.colors)) output.line(line);
 * ```
 */
export function endpointLines(endpoint: WebhookEndpoint, colors: Colors): string[] {
  return summaryLines(
    [
      ['id', endpoint.id],
      ['status', statusColor(endpoint.status, colors)(endpoint.status)],
      ['url', text(endpoint.url)],
      ['events', endpoint.events.join(', ')],
      ['partners', endpoint.partnerIds === null ? 'all' : endpoint.partnerIds.join(', ')],
      ['schema versions', endpoint.acceptedSchemaVersions.join(', ')],
      ['description', text(endpoint.description)],
      [
        'failures',
        `${endpoint.consecutiveFailures} in a row${endpoint.failingSince === null ? '' : ` since ${endpoint.failingSince}`}`,
      ],
      ['live secrets', String(endpoint.liveSecrets)],
      ['created', endpoint.createdAt],
      ['updated', endpoint.updatedAt],
    ],
    colors,
  );
}

/**
 * Endpoints as a table: id, status, failures, events, url.
 *
 * @example
 * ```ts
 * for (const line of endpointTable(endpoints, output.colors)) output.line(line);
 * ```
 */
export function endpointTable(endpoints: readonly WebhookEndpoint[], colors: Colors): string[] {
  return renderTable(
    [
      { heading: 'ID' },
      { heading: 'STATUS', color: (padded, value) => statusColor(value, colors)(padded) },
      { heading: 'FAILURES' },
      { heading: 'EVENTS' },
      { heading: 'URL' },
    ],
    endpoints.map((endpoint) => [
      endpoint.id,
      endpoint.status,
      String(endpoint.consecutiveFailures),
      endpoint.events.join(','),
      endpoint.url,
    ]),
    colors.dim,
  );
}

/**
 * Deliveries as a table: id, created, type, status, HTTP status, attempts, and what comes next
 * (the retry time) or why it failed.
 *
 * @example
 * ```ts
 * for (const line of deliveryTable(page.data, output.colors)) output.line(line);
 * ```
 */
export function deliveryTable(deliveries: readonly WebhookDelivery[], colors: Colors): string[] {
  return renderTable(
    [
      { heading: 'ID' },
      { heading: 'CREATED' },
      { heading: 'TYPE' },
      { heading: 'STATUS', color: (padded, value) => statusColor(value, colors)(padded) },
      { heading: 'HTTP' },
      { heading: 'ATTEMPTS' },
      { heading: 'NOTE' },
    ],
    deliveries.map((delivery) => [
      delivery.id,
      delivery.createdAt,
      delivery.eventType,
      delivery.status,
      text(delivery.httpStatus),
      String(delivery.attempts),
      deliveryNote(delivery),
    ]),
    colors.dim,
  );
}

/** Why a delivery is where it is: the next retry, the failure, a test, a replay. */
function deliveryNote(delivery: WebhookDelivery): string {
  const notes: string[] = [];
  if (delivery.nextRetryAt !== null) notes.push(`retry at ${delivery.nextRetryAt}`);
  const reason = delivery.failureReason ?? delivery.lastFailureReason;
  if (reason !== null) notes.push(reason);
  if (delivery.test) notes.push('test');
  if (delivery.replayOf !== null) notes.push(`replay of ${delivery.replayOf}`);
  return notes.join('; ');
}

/**
 * A delivery as `name: value` lines.
 *
 * @example
 * ```ts
 * for (const line of deliveryLines(delivery, output.colors)) output.line(line);
 * ```
 */
export function deliveryLines(delivery: WebhookDelivery, colors: Colors): string[] {
  return summaryLines(
    [
      ['id', delivery.id],
      ['status', statusColor(delivery.status, colors)(delivery.status)],
      [
        'event',
        `${delivery.eventType} ${delivery.eventId} (schema version ${delivery.schemaVersion})`,
      ],
      ['endpoint', delivery.endpointId],
      ['http status', text(delivery.httpStatus)],
      ['attempts', String(delivery.attempts)],
      ['last attempt', text(delivery.lastAttemptAt)],
      ['next retry', text(delivery.nextRetryAt)],
      ['last failure', text(delivery.lastFailureReason)],
      ['failure', text(delivery.failureReason)],
      ['test', delivery.test ? 'yes' : 'no'],
      ['replay of', text(delivery.replayOf)],
      ['created', delivery.createdAt],
    ],
    colors,
  );
}

/**
 * A delivery and its attempts: the summary, then a table of attempts with the start of each
 * response body.
 *
 * @example
 * ```ts
 * for (const line of deliveryDetailLines(detail, output.colors)) output.line(line);
 * ```
 */
export function deliveryDetailLines(detail: DeliveryDetail, colors: Colors): string[] {
  const lines = deliveryLines(detail.delivery, colors);
  if (detail.attempts.length === 0) return [...lines, '', colors.dim('No attempts yet.')];
  return [
    ...lines,
    '',
    ...renderTable(
      [
        { heading: '#' },
        { heading: 'STARTED' },
        { heading: 'MS' },
        { heading: 'HTTP' },
        { heading: 'FAILURE' },
        { heading: 'RESPONSE' },
      ],
      detail.attempts.map((attempt) => [
        String(attempt.attempt),
        attempt.startedAt,
        String(attempt.durationMs),
        text(attempt.httpStatus),
        text(attempt.failureReason),
        oneLine(attempt.responseBody, 60),
      ]),
      colors.dim,
    ),
  ];
}

/** The first `max` characters of `body` on one line, control characters shown as `?`. */
function oneLine(body: string, max: number): string {
  const flat = printableText(body.replace(/\s+/g, ' ')).trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The API's JSON answer, as is (indented).
 *
 * @example
 * ```ts
 * if (options.json === true) return printJson(output, data);
 * ```
 */
export function printJson(output: Pick<Output, 'line'>, data: unknown): void {
  output.line(JSON.stringify(data, null, 2));
}
