// PostgresStorage's rows and records: the columns each statement reads, and the checked mapping
// from a row to the port's records (a fresh object per call, so no caller shares anything with
// another). A row the storage did not write is `storage_corrupt`, never a record with a hole.

import { WebhookStorageError } from '../../../core/errors.js';
import { describeValue } from '../../../core/internal/describe-value.js';
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  EndpointRecord,
  EndpointSecret,
  EventRecord,
} from '../../../sender/records.js';

/** A row as the driver returns it. */
export type Row = Record<string, unknown>;

/** The endpoint columns, as `<alias>.<column> AS <prefix><column>`. */
export function endpointColumns(alias: string, prefix = ''): string {
  return [
    'id',
    'organization_uuid',
    'url',
    'description',
    'events',
    'partner_ids',
    'accepted_schema_versions',
    'status',
    'secrets',
    'consecutive_failures',
    'failing_since_ms',
    'created_at_ms',
    'updated_at_ms',
  ]
    .map((column) => `${alias}.${column} AS ${prefix}${column}`)
    .join(', ');
}

/** The event columns, as `<alias>.<column> AS <prefix><column>`. */
export function eventColumns(alias: string, prefix = ''): string {
  return [
    'id',
    'organization_uuid',
    'type',
    'schema_version',
    'source',
    'partner_uuid',
    'created_at_ms',
    'data',
  ]
    .map((column) => `${alias}.${column} AS ${prefix}${column}`)
    .join(', ');
}

/** The delivery record's columns, as `<alias>.<column> AS <prefix><column>`. */
export function deliveryColumns(alias: string, prefix = ''): string {
  return DELIVERY_COLUMNS.map((column) => `${alias}.${column} AS ${prefix}${column}`).join(', ');
}

const DELIVERY_COLUMNS = [
  'id',
  'organization_uuid',
  'endpoint_id',
  'event_id',
  'event_type',
  'schema_version',
  'status',
  'attempts',
  'next_attempt_at_ms',
  'first_attempt_at_ms',
  'last_attempt_at_ms',
  'last_status_code',
  'last_failure_reason',
  'failure_reason',
  'test',
  'replay_of',
  'created_at_ms',
  'updated_at_ms',
] as const;

/** The attempt columns of `listAttempts`. */
export const ATTEMPT_COLUMNS =
  'delivery_id, attempt, started_at_ms, duration_ms, status_code, failure_reason, response_body';

/** Reads one row's fields by name, checking each one's type; `corrupt` names what was wrong. */
class RowReader {
  readonly #row: Row;
  readonly #prefix: string;
  readonly #operation: string;

  constructor(operation: string, row: Row, prefix: string) {
    this.#operation = operation;
    this.#row = row;
    this.#prefix = prefix;
  }

  #value(column: string): unknown {
    return this.#row[this.#prefix + column];
  }

  corrupt(column: string, expected: string): WebhookStorageError {
    return corruptRow(this.#operation, `${expected} in ${column}`, this.#value(column));
  }

  text(column: string): string {
    const value = this.#value(column);
    if (typeof value !== 'string') throw this.corrupt(column, 'a string');
    return value;
  }

  textOrNull(column: string): string | null {
    const value = this.#value(column);
    return value === null ? null : this.text(column);
  }

  number(column: string): number {
    const value = this.#value(column);
    if (typeof value !== 'number') throw this.corrupt(column, 'a number');
    return value;
  }

  numberOrNull(column: string): number | null {
    const value = this.#value(column);
    return value === null ? null : this.number(column);
  }

  boolean(column: string): boolean {
    const value = this.#value(column);
    if (typeof value !== 'boolean') throw this.corrupt(column, 'a boolean');
    return value;
  }

  /** A bigint column as its decimal text (the driver returns int8 as a string). */
  bigintText(column: string): string {
    const value = this.#value(column);
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return value;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    throw this.corrupt(column, 'a bigint');
  }

  textArray(column: string): string[] {
    const value = this.#value(column);
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw this.corrupt(column, 'a text array');
    }
    return [...value];
  }

  numberArray(column: string): number[] {
    const value = this.#value(column);
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'number')) {
      throw this.corrupt(column, 'an integer array');
    }
    return [...value];
  }

  raw(column: string): unknown {
    return this.#value(column);
  }
}

/** The error of a row the storage did not write (or a driver that parses types otherwise). */
export function corruptRow(operation: string, expected: string, got: unknown): WebhookStorageError {
  return new WebhookStorageError(
    'storage_corrupt',
    `${operation}: expected ${expected} from the query; got ${describeValue(got)}. Check that the tables are the ones migrate() created and that the pool parses PostgreSQL types as pg does.`,
  );
}

const DELIVERY_STATUSES: ReadonlySet<string> = new Set(['PENDING', 'DELIVERED', 'FAILED']);
const ENDPOINT_STATUSES: ReadonlySet<string> = new Set(['ACTIVE', 'PAUSED', 'DISABLED']);

/** An `endpoints` row (columns of {@link endpointColumns} with `prefix`) as a record. */
export function endpointOf(operation: string, row: Row, prefix = ''): EndpointRecord {
  const read = new RowReader(operation, row, prefix);
  const status = read.text('status');
  if (!ENDPOINT_STATUSES.has(status)) throw read.corrupt('status', 'an endpoint status');
  const partnerIds = read.raw('partner_ids') === null ? null : read.textArray('partner_ids');
  return {
    id: read.text('id'),
    organizationUuid: read.text('organization_uuid'),
    url: read.text('url'),
    description: read.textOrNull('description'),
    events: read.textArray('events'),
    partnerIds,
    acceptedSchemaVersions: read.numberArray('accepted_schema_versions'),
    status: status as EndpointRecord['status'],
    secrets: secretsOf(read),
    health: {
      consecutiveFailures: read.number('consecutive_failures'),
      failingSinceMs: read.numberOrNull('failing_since_ms'),
    },
    createdAtMs: read.number('created_at_ms'),
    updatedAtMs: read.number('updated_at_ms'),
  };
}

function secretsOf(read: RowReader): EndpointSecret[] {
  const value = read.raw('secrets');
  if (!Array.isArray(value)) throw read.corrupt('secrets', 'a JSON array');
  return value.map((item: unknown) => {
    const secret = item as Partial<Record<keyof EndpointSecret, unknown>> | null;
    if (
      typeof secret !== 'object' ||
      secret === null ||
      typeof secret.secret !== 'string' ||
      typeof secret.createdAtMs !== 'number' ||
      !(secret.expiresAtMs === null || typeof secret.expiresAtMs === 'number')
    ) {
      throw read.corrupt('secrets', 'secrets as { secret, createdAtMs, expiresAtMs }');
    }
    return {
      secret: secret.secret,
      createdAtMs: secret.createdAtMs,
      expiresAtMs: secret.expiresAtMs,
    };
  });
}

/** An endpoint's secrets as the JSON text of the `secrets` column. */
export function secretsJson(secrets: readonly EndpointSecret[]): string {
  return JSON.stringify(
    secrets.map((secret) => ({
      secret: secret.secret,
      createdAtMs: secret.createdAtMs,
      expiresAtMs: secret.expiresAtMs,
    })),
  );
}

/** An `events` row as a record; `data` is parsed from its `json` text by the driver. */
export function eventOf(operation: string, row: Row, prefix = ''): EventRecord {
  const read = new RowReader(operation, row, prefix);
  const data = read.raw('data');
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw read.corrupt('data', 'a JSON object');
  }
  return {
    id: read.text('id'),
    organizationUuid: read.text('organization_uuid'),
    type: read.text('type'),
    schemaVersion: read.number('schema_version'),
    source: read.text('source'),
    partnerUuid: read.textOrNull('partner_uuid'),
    createdAtMs: read.number('created_at_ms'),
    data: data as Record<string, unknown>,
  };
}

/** A `deliveries` row (columns of {@link deliveryColumns} with `prefix`) as a record. */
export function deliveryOf(operation: string, row: Row, prefix = ''): DeliveryRecord {
  const read = new RowReader(operation, row, prefix);
  const status = read.text('status');
  if (!DELIVERY_STATUSES.has(status)) throw read.corrupt('status', 'a delivery status');
  return {
    id: read.text('id'),
    organizationUuid: read.text('organization_uuid'),
    endpointId: read.text('endpoint_id'),
    eventId: read.text('event_id'),
    eventType: read.text('event_type'),
    schemaVersion: read.number('schema_version'),
    status: status as DeliveryStatus,
    attempts: read.number('attempts'),
    nextAttemptAtMs: read.numberOrNull('next_attempt_at_ms'),
    firstAttemptAtMs: read.numberOrNull('first_attempt_at_ms'),
    lastAttemptAtMs: read.numberOrNull('last_attempt_at_ms'),
    lastStatusCode: read.numberOrNull('last_status_code'),
    lastFailureReason: read.textOrNull(
      'last_failure_reason',
    ) as DeliveryRecord['lastFailureReason'],
    failureReason: read.textOrNull('failure_reason') as DeliveryRecord['failureReason'],
    test: read.boolean('test'),
    replayOf: read.textOrNull('replay_of'),
    createdAtMs: read.number('created_at_ms'),
    updatedAtMs: read.number('updated_at_ms'),
  };
}

/** An `attempts` row as a record. */
export function attemptOf(operation: string, row: Row): AttemptRecord {
  const read = new RowReader(operation, row, '');
  return {
    deliveryId: read.text('delivery_id'),
    attempt: read.number('attempt'),
    startedAtMs: read.number('started_at_ms'),
    durationMs: read.number('duration_ms'),
    statusCode: read.numberOrNull('status_code'),
    failureReason: read.textOrNull('failure_reason') as AttemptRecord['failureReason'],
    responseBody: read.text('response_body'),
  };
}

/** A lease column read as text (`lease_token::text`), or `null`. */
export function leaseTokenOf(operation: string, row: Row, column: string): string | null {
  const read = new RowReader(operation, row, '');
  return read.raw(column) === null ? null : read.bigintText(column);
}

/**
 * A response body as `attempts.response_body` stores it: `text` cannot hold U+0000, so each one
 * becomes U+FFFD, the replacement character (docs/design.md §5.28).
 */
export function storableBody(body: string): string {
  return body.includes('\u0000') ? body.replaceAll('\u0000', '\uFFFD') : body;
}
