// PostgresStorage's recordAttempt for a batch of inputs in one transaction: lock, decide in
// JavaScript (the memory storage's rules, src/sender/internal/attempt-outcome.ts), then
// write everything with one multi-row statement. Group commit (group-commit.ts) gathers the batch.

import { healthAfterAttempt, stateAfterAttempt } from '../../../sender/internal/attempt-outcome.js';
import { PARK_REASON } from '../../../sender/internal/park-reason.js';
import type {
  RecordAttemptInput,
  RecordAttemptResult,
} from '../../../sender/ports/sender-storage.js';
import type {
  DeliveryRecord,
  EndpointRecord,
  StoredFailureReason,
} from '../../../sender/records.js';
import type { Statement, StatementText } from './connection.js';
import {
  deliveryColumns,
  deliveryOf,
  endpointColumns,
  endpointOf,
  leaseTokenOf,
  type Row,
  storableBody,
} from './rows.js';

const OPERATION = 'PostgresStorage.recordAttempt';

/** A lease token as claims issue them (decimal bigint); anything else was never issued. */
export function isIssuedToken(token: unknown): token is string {
  return typeof token === 'string' && /^[1-9][0-9]{0,18}$/.test(token);
}

/** The statements of a batch for one schema. */
export function recordAttemptStatements(schema: string) {
  return {
    /**
     * $1 delivery ids. Locks the deliveries' endpoints in id order (`FOR NO KEY UPDATE`: a
     * fan-out's `FOR KEY SHARE` does not wait for it), then the deliveries in id order, and
     * returns each delivery with its lease and its endpoint (NULL columns when deleted). The
     * endpoint ids are read first without a lock: a delivery's endpoint never changes.
     */
    lock: `WITH ep AS (
  SELECT ${endpointColumns('e')} FROM ${schema}.endpoints AS e
  WHERE e.id IN (SELECT endpoint_id FROM ${schema}.deliveries WHERE id = ANY($1::text[]))
  ORDER BY e.id FOR NO KEY UPDATE
),
dl AS (
  SELECT ${deliveryColumns('d')}, d.lease_owner, d.lease_token::text AS lease_token,
    d.lease_until_ms, d.claimed
  FROM ${schema}.deliveries AS d
  WHERE d.id = ANY($1::text[]) AND (SELECT count(*) FROM ep) >= 0
  ORDER BY d.id FOR UPDATE
)
SELECT dl.*, ${endpointColumns('ep', 'ep_')} FROM dl LEFT JOIN ep ON ep.id = dl.endpoint_id`,
    /**
     * Every write of the batch, one multi-row statement: $1–$7 the attempt rows (in input order:
     * their ids give listAttempts' order); $8–$22 each changed delivery's new state with its lease
     * (the ones that are PENDING again get due in input order, from one `delivery_due_seq`
     * block); $23–$27 each changed endpoint's health and status; $28–$30 the endpoints that
     * tripped, whose other PENDING deliveries are parked (the batch's own are in $8–$22).
     */
    write: `WITH attempt_rows AS (
  INSERT INTO ${schema}.attempts (delivery_id, attempt, started_at_ms, duration_ms, status_code,
    failure_reason, response_body)
  SELECT a.delivery_id, a.attempt, a.started_at_ms, a.duration_ms, a.status_code,
    a.failure_reason, a.response_body
  FROM unnest($1::text[], $2::integer[], $3::float8[], $4::float8[], $5::integer[], $6::text[],
    $7::text[]) WITH ORDINALITY AS a(delivery_id, attempt, started_at_ms, duration_ms, status_code,
    failure_reason, response_body, ord)
  ORDER BY a.ord
),
block AS (SELECT nextval('${schema}.delivery_due_seq') * 16777216 AS base),
delivery_rows AS (
  UPDATE ${schema}.deliveries AS d SET
    status = u.status, attempts = u.attempts, next_attempt_at_ms = u.next_attempt_at_ms,
    due_at_ms = CASE WHEN u.status <> 'PENDING' THEN NULL
      WHEN u.claimed THEN u.lease_until_ms ELSE u.next_attempt_at_ms END,
    due_seq = CASE WHEN u.requeue THEN b.base + u.ord ELSE d.due_seq END,
    first_attempt_at_ms = u.first_attempt_at_ms, last_attempt_at_ms = u.last_attempt_at_ms,
    last_status_code = u.last_status_code, last_failure_reason = u.last_failure_reason,
    failure_reason = u.failure_reason, updated_at_ms = u.updated_at_ms, claimed = u.claimed,
    lease_owner = u.lease_owner, lease_token = u.lease_token::bigint,
    lease_until_ms = u.lease_until_ms
  FROM unnest($8::text[], $9::text[], $10::integer[], $11::float8[], $12::float8[],
    $13::float8[], $14::integer[], $15::text[], $16::text[], $17::float8[], $18::boolean[],
    $19::text[], $20::text[], $21::float8[], $22::boolean[])
    WITH ORDINALITY AS u(id, status, attempts, next_attempt_at_ms, first_attempt_at_ms,
      last_attempt_at_ms, last_status_code, last_failure_reason, failure_reason, updated_at_ms,
      claimed, lease_owner, lease_token, lease_until_ms, requeue, ord)
  CROSS JOIN block AS b
  WHERE d.id = u.id
),
endpoint_rows AS (
  UPDATE ${schema}.endpoints AS e SET
    consecutive_failures = u.consecutive_failures, failing_since_ms = u.failing_since_ms,
    status = u.status, updated_at_ms = u.updated_at_ms
  FROM unnest($23::text[], $24::integer[], $25::float8[], $26::text[], $27::float8[])
    AS u(id, consecutive_failures, failing_since_ms, status, updated_at_ms)
  WHERE e.id = u.id
),
parked AS (
  UPDATE ${schema}.deliveries AS d
  SET status = 'FAILED', failure_reason = p.reason, next_attempt_at_ms = NULL, due_at_ms = NULL,
    claimed = false, updated_at_ms = p.at_ms
  FROM unnest($28::text[], $29::text[], $30::float8[]) AS p(endpoint_id, reason, at_ms)
  WHERE d.endpoint_id = p.endpoint_id AND d.status = 'PENDING' AND NOT (d.id = ANY($8::text[]))
)
SELECT 1`,
  };
}

/** A delivery's state inside a batch: the record, its lease, and whether it changed. */
interface WorkingDelivery {
  record: DeliveryRecord;
  leaseOwner: string | null;
  leaseToken: string | null;
  leaseUntilMs: number | null;
  claimed: boolean;
  /** Written back (the batch changed it). */
  dirty: boolean;
  /** PENDING again after an attempt: due anew, in input order. */
  requeue: boolean;
}

interface WorkingEndpoint {
  record: EndpointRecord;
  dirty: boolean;
}

/** What a batch writes, and each input's result (`null`: its token does not hold the lease). */
export interface BatchPlan {
  readonly results: (RecordAttemptResult | null)[];
  readonly values: unknown[];
  /** How many inputs were recorded (some may have been refused by their token). */
  readonly recorded: number;
}

/**
 * Decides a batch from the locked rows (the rows of `lock`), input by input in order, as
 * MemoryStorage.recordAttempt does: several attempts of one endpoint apply one after another.
 */
export function planBatch(inputs: readonly RecordAttemptInput[], rows: readonly Row[]): BatchPlan {
  const deliveries = new Map<string, WorkingDelivery>();
  const endpoints = new Map<string, WorkingEndpoint>();
  for (const row of rows) {
    const record = deliveryOf(OPERATION, row);
    deliveries.set(record.id, {
      record,
      leaseOwner: (row.lease_owner as string | null) ?? null,
      leaseToken: leaseTokenOf(OPERATION, row, 'lease_token'),
      leaseUntilMs: (row.lease_until_ms as number | null) ?? null,
      claimed: row.claimed === true,
      dirty: false,
      requeue: false,
    });
    if (row.ep_id !== null && row.ep_id !== undefined && !endpoints.has(record.endpointId)) {
      endpoints.set(record.endpointId, { record: endpointOf(OPERATION, row, 'ep_'), dirty: false });
    }
  }
  const attempts: RecordAttemptInput['attempt'][] = [];
  const trips = new Map<string, { reason: StoredFailureReason; atMs: number }>();
  const results: (RecordAttemptResult | null)[] = [];

  const park = (delivery: WorkingDelivery, reason: StoredFailureReason, atMs: number) => {
    delivery.record = {
      ...delivery.record,
      status: 'FAILED',
      failureReason: reason,
      nextAttemptAtMs: null,
      updatedAtMs: atMs,
    };
    delivery.claimed = false;
    delivery.requeue = false;
    delivery.dirty = true;
  };

  for (const input of inputs) {
    const delivery = deliveries.get(input.deliveryId);
    if (delivery === undefined || delivery.leaseToken !== input.leaseToken) {
      results.push(null);
      continue;
    }
    const { attempt, decision, healthPolicy } = input;
    const endedAtMs = attempt.startedAtMs + attempt.durationMs;
    const endpoint = endpoints.get(delivery.record.endpointId);
    attempts.push(attempt);
    const before = delivery.record;
    const { status, nextAttemptAtMs, failureReason } = stateAfterAttempt(before, decision);
    delivery.record = {
      ...before,
      status,
      nextAttemptAtMs,
      failureReason,
      attempts: before.attempts + 1,
      firstAttemptAtMs: before.firstAttemptAtMs ?? attempt.startedAtMs,
      lastAttemptAtMs: attempt.startedAtMs,
      lastStatusCode: attempt.statusCode,
      lastFailureReason: attempt.failureReason,
      updatedAtMs: endedAtMs,
    };
    delivery.leaseOwner = null;
    delivery.leaseToken = null;
    delivery.leaseUntilMs = null;
    delivery.claimed = false;
    delivery.requeue = false;
    delivery.dirty = true;

    let transition: RecordAttemptResult['transition'] = 'stay';
    let transitionReason: RecordAttemptResult['transitionReason'] = null;
    if (endpoint !== undefined && healthPolicy !== null) {
      const health = healthAfterAttempt(endpoint.record, healthPolicy, attempt, endedAtMs);
      if (health.changed !== null) {
        endpoint.record = health.changed;
        endpoint.dirty = true;
      }
      if (health.transition !== 'stay') {
        // Out of rotation, its pending work parked (docs/design.md §5.2, §5.3): the batch's own
        // deliveries here, the others by the write statement.
        transition = health.transition;
        transitionReason = health.transitionReason;
        const reason = PARK_REASON[healthPolicy.action];
        trips.set(endpoint.record.id, { reason, atMs: endedAtMs });
        for (const other of deliveries.values()) {
          if (other.record.endpointId === endpoint.record.id && other.record.status === 'PENDING') {
            park(other, reason, endedAtMs);
          }
        }
      }
    }
    if (delivery.record.status === 'PENDING') {
      if (endpoint === undefined) park(delivery, 'ENDPOINT_DELETED', endedAtMs);
      else if (endpoint.record.status !== 'ACTIVE') {
        // No retries on an endpoint out of rotation: park, don't drop (docs/design.md §5.3).
        park(delivery, PARK_REASON[endpoint.record.status], endedAtMs);
      } else delivery.requeue = true;
    }
    results.push({
      delivery: { ...delivery.record },
      endpoint: endpoint === undefined ? null : copyEndpointRecord(endpoint.record),
      transition,
      transitionReason,
    });
  }

  const changed = [...deliveries.values()].filter((d) => d.dirty);
  const changedEndpoints = [...endpoints.values()].filter((e) => e.dirty);
  const values: unknown[] = [
    attempts.map((a) => a.deliveryId),
    attempts.map((a) => a.attempt),
    attempts.map((a) => a.startedAtMs),
    attempts.map((a) => a.durationMs),
    attempts.map((a) => a.statusCode),
    attempts.map((a) => a.failureReason),
    attempts.map((a) => storableBody(a.responseBody)),
    changed.map((d) => d.record.id),
    changed.map((d) => d.record.status),
    changed.map((d) => d.record.attempts),
    changed.map((d) => d.record.nextAttemptAtMs),
    changed.map((d) => d.record.firstAttemptAtMs),
    changed.map((d) => d.record.lastAttemptAtMs),
    changed.map((d) => d.record.lastStatusCode),
    changed.map((d) => d.record.lastFailureReason),
    changed.map((d) => d.record.failureReason),
    changed.map((d) => d.record.updatedAtMs),
    changed.map((d) => d.claimed),
    changed.map((d) => d.leaseOwner),
    changed.map((d) => d.leaseToken),
    changed.map((d) => d.leaseUntilMs),
    changed.map((d) => d.requeue),
    changedEndpoints.map((e) => e.record.id),
    changedEndpoints.map((e) => e.record.health.consecutiveFailures),
    changedEndpoints.map((e) => e.record.health.failingSinceMs),
    changedEndpoints.map((e) => e.record.status),
    changedEndpoints.map((e) => e.record.updatedAtMs),
    [...trips.keys()],
    [...trips.values()].map((t) => t.reason),
    [...trips.values()].map((t) => t.atMs),
  ];
  return { results, values, recorded: attempts.length };
}

/** Runs one batch in the caller's transaction: lock, plan, write. */
export async function recordBatch(
  statements: Record<keyof ReturnType<typeof recordAttemptStatements>, StatementText>,
  statement: Statement,
  inputs: readonly RecordAttemptInput[],
  endpointNotify: string,
): Promise<(RecordAttemptResult | null)[]> {
  const ids = [...new Set(inputs.map((input) => input.deliveryId))];
  const { rows } = await statement(statements.lock, [ids]);
  const plan = planBatch(inputs, rows);
  // An attempt refused by its token changes nothing; a trip needs a recorded attempt.
  if (plan.recorded > 0) await statement(statements.write, plan.values);
  // A health trip changed an endpoint's status: every process's cache hears it at commit (the
  // change feed). Rare, so one more statement then; a batch without a trip notifies nothing
  // (its retries lie in the future, and this worker is awake).
  const tripped = new Map<string, string>();
  for (const result of plan.results) {
    if (result !== null && result.transition !== 'stay' && result.endpoint !== null) {
      tripped.set(result.endpoint.id, result.endpoint.organizationUuid);
    }
  }
  if (tripped.size > 0) {
    await statement(`SELECT ${endpointNotify} FROM unnest($1::text[], $2::text[]) AS t(o, e)`, [
      [...tripped.values()],
      [...tripped.keys()],
    ]);
  }
  return plan.results;
}

function copyEndpointRecord(record: EndpointRecord): EndpointRecord {
  return {
    ...record,
    events: [...record.events],
    partnerIds: record.partnerIds === null ? null : [...record.partnerIds],
    acceptedSchemaVersions: [...record.acceptedSchemaVersions],
    secrets: record.secrets.map((secret) => ({ ...secret })),
    health: { ...record.health },
  };
}
