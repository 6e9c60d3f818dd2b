// PostgresStorage's endpoint statements: insert (with its turn row), read, update and delete,
// each one statement. Update and delete lock the endpoint row first, then park its PENDING
// deliveries in the same statement (lock order: endpoint rows, then delivery rows; see
// postgres-storage.ts). Every write notifies the change feed's endpoint channel once.

import { originOf } from '../../../sender/origin-of.js';
import type { EndpointChanges, EndpointUpdate } from '../../../sender/ports/sender-storage.js';
import type { EndpointRecord } from '../../../sender/records.js';
import type { ChangeFeedSql } from '../change-feed-channels.js';
import { endpointColumns, secretsJson } from './rows.js';

/**
 * An UPDATE that parks every PENDING delivery of the endpoints `endpointIds` (an SQL expression
 * giving a set of ids): FAILED with `reason` at `atMs` (SQL expressions), no due time. A claim
 * stays on its row, so an attempt in flight is still recorded (docs/design.md §5.3). Reads
 * `deliveries_endpoint_due_idx`.
 */
export function parkPendingStatement(
  schema: string,
  endpointIds: string,
  reason: string,
  atMs: string,
): string {
  return `UPDATE ${schema}.deliveries AS parked
SET status = 'FAILED', failure_reason = ${reason}, next_attempt_at_ms = NULL, due_at_ms = NULL,
  claimed = false, updated_at_ms = ${atMs}
WHERE parked.endpoint_id IN (${endpointIds}) AND parked.status = 'PENDING'`;
}

/** The statements of the endpoint operations for one schema. */
export function endpointStatements(schema: string, notify: ChangeFeedSql) {
  // Each write notifies the change feed once, from a CTE the final SELECT reads (one that nobody
  // reads is not run): $1 organization and $2 id in every write.
  const changed = notify.endpointNotify('$2', '$1');
  const endpoints = `${schema}.endpoints`;
  const columns = endpointColumns('e');
  return {
    /**
     * $1 id … $13 updated ms (see {@link insertEndpointValues}): the endpoint and its turn row
     * (never claimed: 0), in one statement.
     */
    insert: `WITH inserted AS (
  INSERT INTO ${endpoints} (id, organization_uuid, url, origin, description, events, partner_ids,
    accepted_schema_versions, status, secrets, consecutive_failures, failing_since_ms,
    created_at_ms, updated_at_ms)
  VALUES ($1, $2, $3, $4, $5, $6::text[], $7::text[], $8::integer[], $9, $10::jsonb, $11, $12,
    $13, $14)
  RETURNING id
),
turns AS (
  INSERT INTO ${schema}.endpoint_turns (endpoint_id) SELECT id FROM inserted
),
notified AS (SELECT ${changed} FROM inserted)
SELECT count(*)::integer AS notified FROM notified`,
    /** $1 organization, $2 id. */
    get: `SELECT ${columns} FROM ${endpoints} AS e WHERE e.id = $2 AND e.organization_uuid = $1`,
    /** $1 organization: oldest first, ties in the order they were stored. */
    list: `SELECT ${columns} FROM ${endpoints} AS e WHERE e.organization_uuid = $1
ORDER BY e.created_at_ms, e.seq`,
    listAll: `SELECT ${columns} FROM ${endpoints} AS e ORDER BY e.created_at_ms, e.seq`,
    /**
     * $1 organization, $2 id, $3 the names of the changed fields, $4 … $11 their values (see
     * {@link updateEndpointValues}), $12 reset health, $13 now ms, $14 park reason or NULL. The
     * row is locked FOR UPDATE first (a fan-out's FOR KEY SHARE waits for it, and it for the
     * fan-out, so a delivery is never stored PENDING for an endpoint this update paused), then
     * changed, then its PENDING deliveries are parked when $14 is set.
     */
    update: `WITH locked AS (
  SELECT id FROM ${endpoints} WHERE id = $2 AND organization_uuid = $1 FOR UPDATE
),
updated AS (
  UPDATE ${endpoints} AS e SET
    url = CASE WHEN 'url' = ANY($3::text[]) THEN $4 ELSE e.url END,
    origin = CASE WHEN 'url' = ANY($3::text[]) THEN $5 ELSE e.origin END,
    description = CASE WHEN 'description' = ANY($3::text[]) THEN $6 ELSE e.description END,
    events = CASE WHEN 'events' = ANY($3::text[]) THEN $7::text[] ELSE e.events END,
    partner_ids = CASE WHEN 'partnerIds' = ANY($3::text[]) THEN $8::text[] ELSE e.partner_ids END,
    accepted_schema_versions = CASE WHEN 'acceptedSchemaVersions' = ANY($3::text[])
      THEN $9::integer[] ELSE e.accepted_schema_versions END,
    status = CASE WHEN 'status' = ANY($3::text[]) THEN $10 ELSE e.status END,
    secrets = CASE WHEN 'secrets' = ANY($3::text[]) THEN $11::jsonb ELSE e.secrets END,
    consecutive_failures = CASE WHEN $12 THEN 0 ELSE e.consecutive_failures END,
    failing_since_ms = CASE WHEN $12 THEN NULL ELSE e.failing_since_ms END,
    updated_at_ms = $13
  FROM locked WHERE e.id = locked.id
  RETURNING ${columns}
),
parked AS (
  ${parkPendingStatement(schema, 'SELECT id FROM updated WHERE $14::text IS NOT NULL', '$14', '$13')}
),
notified AS (SELECT ${notify.endpointNotify('$1', '$2')} FROM updated)
SELECT * FROM updated WHERE (SELECT count(*) FROM notified) >= 0`,
    /**
     * $1 organization, $2 id, $3 now ms: the row (its turn row goes with it), and its PENDING
     * deliveries parked ENDPOINT_DELETED. Returns the organization and id when it existed.
     */
    delete: `WITH deleted AS (
  DELETE FROM ${endpoints} WHERE id = $2 AND organization_uuid = $1 RETURNING id
),
parked AS (
  ${parkPendingStatement(schema, 'SELECT id FROM deleted', "'ENDPOINT_DELETED'", '$3')}
),
notified AS (SELECT ${notify.endpointNotify('$1', '$2')} FROM deleted)
SELECT id FROM deleted WHERE (SELECT count(*) FROM notified) >= 0`,
  };
}

/** The values of `insert`, in order. */
export function insertEndpointValues(endpoint: EndpointRecord): unknown[] {
  return [
    endpoint.id,
    endpoint.organizationUuid,
    endpoint.url,
    originOf(endpoint.url),
    endpoint.description,
    [...endpoint.events],
    endpoint.partnerIds === null ? null : [...endpoint.partnerIds],
    [...endpoint.acceptedSchemaVersions],
    endpoint.status,
    secretsJson(endpoint.secrets),
    endpoint.health.consecutiveFailures,
    endpoint.health.failingSinceMs,
    endpoint.createdAtMs,
    endpoint.updatedAtMs,
  ];
}

const CHANGE_NAMES = [
  'url',
  'description',
  'events',
  'partnerIds',
  'acceptedSchemaVersions',
  'status',
  'secrets',
] as const satisfies readonly (keyof EndpointChanges)[];

/** The values of `update`, in order. */
export function updateEndpointValues(update: EndpointUpdate): unknown[] {
  const { changes } = update;
  const changed = CHANGE_NAMES.filter((name) => changes[name] !== undefined);
  return [
    update.organizationUuid,
    update.endpointId,
    changed,
    changes.url ?? null,
    changes.url === undefined ? null : originOf(changes.url),
    changes.description ?? null,
    changes.events === undefined ? null : [...changes.events],
    changes.partnerIds === undefined || changes.partnerIds === null
      ? null
      : [...changes.partnerIds],
    changes.acceptedSchemaVersions === undefined ? null : [...changes.acceptedSchemaVersions],
    changes.status ?? null,
    changes.secrets === undefined ? null : secretsJson(changes.secrets),
    update.resetHealth === true,
    update.nowMs,
    update.parkPending ?? null,
  ];
}
