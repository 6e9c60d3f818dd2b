// PostgresStorage's inserts: an event with its deliveries, or deliveries of a stored event, each
// one statement whatever the number of deliveries (a fan-out to 10,000 endpoints is one round
// trip): the deliveries travel as one array per column and are expanded with `unnest`.

import { WebhookConflictError } from '../../../core/errors.js';
import type { DeliveryRecord, EventRecord } from '../../../sender/records.js';
import type { ConflictMapper } from './connection.js';

/** The delivery columns an insert sends, one array each, in this order. */
const DELIVERY_ARRAYS = [
  ['id', 'text'],
  ['organization_uuid', 'text'],
  ['endpoint_id', 'text'],
  ['event_id', 'text'],
  ['event_type', 'text'],
  ['schema_version', 'integer'],
  ['status', 'text'],
  ['attempts', 'integer'],
  ['next_attempt_at_ms', 'float8'],
  ['first_attempt_at_ms', 'float8'],
  ['last_attempt_at_ms', 'float8'],
  ['last_status_code', 'integer'],
  ['last_failure_reason', 'text'],
  ['failure_reason', 'text'],
  ['test', 'boolean'],
  ['replay_of', 'text'],
  ['created_at_ms', 'float8'],
  ['updated_at_ms', 'float8'],
] as const;

/**
 * The insert of deliveries, with the event first when `withEvent` (its values follow the arrays:
 * id, organization, type, schema version, source, partner, created ms, data as JSON text).
 *
 * - **Parking.** A PENDING delivery whose endpoint is not stored for its organization is stored
 *   FAILED `ENDPOINT_DELETED`; for a DISABLED endpoint `ENDPOINT_DISABLED`; for a PAUSED one
 *   `ENDPOINT_PAUSED` unless it is a test fire. The endpoints are read `FOR KEY SHARE`, so an
 *   update that pauses one or a delete (which lock it first) waits for this insert and then parks
 *   what it stored, or this insert waits for them and sees the new status.
 * - **Refusals.** A delivery whose event is not stored gets a NULL `event_id`, and one whose event
 *   belongs to another organization a NULL `organization_uuid`: the NOT NULL constraint refuses
 *   the statement, and the column says which ({@link insertConflicts}). Nothing is written.
 * - **Due order.** The PENDING ones are numbered in array order from one block of
 *   `delivery_due_seq`.
 *
 * Returns `due`: how many deliveries became claimable; when any did, the statement notifies the
 * change feed's due channel once (`dueNotify`), whatever the batch's size.
 */
export function insertDeliveriesStatement(
  schema: string,
  withEvent: boolean,
  dueNotify: string,
): string {
  const n = DELIVERY_ARRAYS.length;
  const arrays = DELIVERY_ARRAYS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const names = DELIVERY_ARRAYS.map(([name]) => name).join(', ');
  const e = (k: number) => `$${n + k}`;
  const newEvent = withEvent
    ? `new_event AS (
  INSERT INTO ${schema}.events (id, organization_uuid, type, schema_version, source, partner_uuid,
    created_at_ms, data)
  VALUES (${e(1)}, ${e(2)}, ${e(3)}, ${e(4)}, ${e(5)}, ${e(6)}, ${e(7)}, ${e(8)}::json)
  RETURNING id
),
`
    : '';
  const knownEvents = withEvent
    ? `SELECT id, organization_uuid FROM ${schema}.events
  WHERE id IN (SELECT event_id FROM input) AND id <> ${e(1)}::text
  UNION ALL SELECT ${e(1)}::text, ${e(2)}::text`
    : `SELECT id, organization_uuid FROM ${schema}.events WHERE id IN (SELECT event_id FROM input)`;
  return `WITH ${newEvent}input AS (
  SELECT * FROM unnest(${arrays}) WITH ORDINALITY AS i(${names}, ord)
),
known_events AS (
  ${knownEvents}
),
targets AS (
  SELECT id, organization_uuid, status FROM ${schema}.endpoints
  WHERE id IN (SELECT endpoint_id FROM input WHERE status = 'PENDING')
  FOR KEY SHARE
),
block AS (SELECT nextval('${schema}.delivery_due_seq') * 16777216 AS base),
planned AS (
  SELECT i.*, CASE
      WHEN i.status <> 'PENDING' THEN NULL
      WHEN t.id IS NULL THEN 'ENDPOINT_DELETED'
      WHEN t.status = 'DISABLED' THEN 'ENDPOINT_DISABLED'
      WHEN t.status = 'PAUSED' AND NOT i.test THEN 'ENDPOINT_PAUSED'
    END AS park,
    ev.id AS known_event_id, ev.organization_uuid AS event_organization_uuid
  FROM input AS i
  LEFT JOIN known_events AS ev ON ev.id = i.event_id
  LEFT JOIN targets AS t ON t.id = i.endpoint_id AND t.organization_uuid = i.organization_uuid
),
inserted AS (
  INSERT INTO ${schema}.deliveries (id, organization_uuid, endpoint_id, event_id, event_type,
    schema_version, status, attempts, next_attempt_at_ms, due_at_ms, due_seq, first_attempt_at_ms,
    last_attempt_at_ms, last_status_code, last_failure_reason, failure_reason, test, replay_of,
    created_at_ms, updated_at_ms)
  SELECT p.id,
    CASE WHEN p.known_event_id IS NULL OR p.event_organization_uuid = p.organization_uuid
      THEN p.organization_uuid END,
    p.endpoint_id,
    CASE WHEN p.known_event_id IS NOT NULL THEN p.event_id END,
    p.event_type, p.schema_version,
    CASE WHEN p.park IS NULL THEN p.status ELSE 'FAILED' END,
    p.attempts,
    CASE WHEN p.status = 'PENDING' AND p.park IS NULL THEN p.next_attempt_at_ms END,
    CASE WHEN p.status = 'PENDING' AND p.park IS NULL THEN p.next_attempt_at_ms END,
    b.base + p.ord,
    p.first_attempt_at_ms, p.last_attempt_at_ms, p.last_status_code, p.last_failure_reason,
    coalesce(p.park, p.failure_reason), p.test, p.replay_of, p.created_at_ms, p.updated_at_ms
  FROM planned AS p CROSS JOIN block AS b
  ORDER BY p.ord
  RETURNING status
),
notified AS (
  SELECT ${dueNotify} WHERE EXISTS (SELECT 1 FROM inserted WHERE status = 'PENDING')
)
SELECT count(*) FILTER (WHERE status = 'PENDING')::integer AS due,
  (SELECT count(*) FROM notified)::integer AS notified
FROM inserted`;
}

/** The values of {@link insertDeliveriesStatement}: one array per column, then the event's. */
export function insertDeliveriesValues(
  deliveries: readonly DeliveryRecord[],
  event: EventRecord | undefined,
): unknown[] {
  const values: unknown[] = [
    deliveries.map((d) => d.id),
    deliveries.map((d) => d.organizationUuid),
    deliveries.map((d) => d.endpointId),
    deliveries.map((d) => d.eventId),
    deliveries.map((d) => d.eventType),
    deliveries.map((d) => d.schemaVersion),
    deliveries.map((d) => d.status),
    deliveries.map((d) => d.attempts),
    deliveries.map((d) => (d.status === 'PENDING' ? d.nextAttemptAtMs : null)),
    deliveries.map((d) => d.firstAttemptAtMs),
    deliveries.map((d) => d.lastAttemptAtMs),
    deliveries.map((d) => d.lastStatusCode),
    // `?? null`: a record from before the field (an untyped caller) reads as no failure.
    deliveries.map((d) => d.lastFailureReason ?? null),
    deliveries.map((d) => d.failureReason),
    deliveries.map((d) => d.test),
    deliveries.map((d) => d.replayOf),
    deliveries.map((d) => d.createdAtMs),
    deliveries.map((d) => d.updatedAtMs),
  ];
  if (event !== undefined) {
    values.push(
      event.id,
      event.organizationUuid,
      event.type,
      event.schemaVersion,
      event.source,
      event.partnerUuid,
      event.createdAtMs,
      JSON.stringify(event.data),
    );
  }
  return values;
}

/**
 * The refusals of an insert as the port's conflicts (as MemoryStorage throws them), without the
 * ids in the message: an id already stored (or twice in the batch), a delivery of an event that
 * is not stored, or of another organization than its event.
 */
export const insertConflicts: ConflictMapper = (failure) => {
  const { sqlState, constraint, column } = failure;
  if (sqlState === '23505' && constraint === 'events_pkey') {
    return new WebhookConflictError(
      'invalid_state',
      'The event is already stored: event ids are unique. Nothing was stored.',
    );
  }
  if (sqlState === '23505' && constraint === 'deliveries_pkey') {
    return new WebhookConflictError(
      'invalid_state',
      'A delivery id is already stored, or appears twice in the batch: delivery ids are unique. Nothing was stored.',
    );
  }
  if (
    (sqlState === '23502' && column === 'event_id') ||
    (sqlState === '23503' && constraint === 'deliveries_event_id_fkey')
  ) {
    return new WebhookConflictError(
      'not_found',
      'A delivery refers to an event that is not stored: insert the event first. Nothing was stored.',
    );
  }
  if (sqlState === '23502' && column === 'organization_uuid') {
    return new WebhookConflictError(
      'invalid_state',
      'A delivery and its event belong to different organizations. Nothing was stored.',
    );
  }
  return undefined;
};
