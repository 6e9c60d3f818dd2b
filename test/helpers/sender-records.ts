// Small factories for the sender's stored records (src/sender/records.ts), shared by the storage
// conformance suite and the storage tests. Ids come from a counter, zero-padded, so that their
// string order is their creation order.

import { createHash } from 'node:crypto';
import { HEALTHY } from '../../src/core/retry/health-policy.js';
import { newDeliveryRecord } from '../../src/sender/internal/new-delivery-record.js';
import type { AttemptDecision } from '../../src/sender/ports/sender-storage.js';
import type {
  AttemptRecord,
  DeliveryRecord,
  EndpointRecord,
  EventRecord,
  StoredFailureReason,
} from '../../src/sender/records.js';

export const ORG_A = '0b8f6a52-7c3e-4d1a-9e2b-5f4c3d2e1a01';
export const ORG_B = '0b8f6a52-7c3e-4d1a-9e2b-5f4c3d2e1a02';
/** 2026-04-22T00:00:00Z, epoch ms. */
export const T0 = Date.UTC(2026, 3, 22);
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

let counter = 0;

/** A fresh id with the given prefix, e.g. `del_000042`. */
export function nextId(prefix: 'wh_' | 'evt_' | 'del_'): string {
  counter += 1;
  return `${prefix}${String(counter).padStart(6, '0')}`;
}

/** An ACTIVE, healthy endpoint of {@link ORG_A} created at {@link T0}. */
export function endpointRecord(overrides: Partial<EndpointRecord> = {}): EndpointRecord {
  return {
    id: nextId('wh_'),
    organizationUuid: ORG_A,
    url: 'https://receiver.example/webhooks',
    description: 'orders',
    events: ['order.*'],
    partnerIds: null,
    acceptedSchemaVersions: [1],
    status: 'ACTIVE',
    secrets: [{ secret: 'whsec_conformance', createdAtMs: T0, expiresAtMs: null }],
    health: HEALTHY,
    createdAtMs: T0,
    updatedAtMs: T0,
    ...overrides,
  };
}

/** An `order.created` event of {@link ORG_A} created at {@link T0}, with nested data. */
export function eventRecord(overrides: Partial<EventRecord> = {}): EventRecord {
  return {
    id: nextId('evt_'),
    organizationUuid: ORG_A,
    type: 'order.created',
    schemaVersion: 1,
    source: 'API',
    partnerUuid: null,
    createdAtMs: T0,
    data: {
      orderUuid: 'f3a1c2d4-0000-4000-8000-000000000001',
      lines: [{ sku: 'docs/design.md §7, A-1', qty: 2 }],
    },
    ...overrides,
  };
}

/** A PENDING delivery of `event` to `endpoint`, due when the event was created. */
export function deliveryRecord(
  event: EventRecord,
  endpoint: EndpointRecord,
  overrides: Partial<DeliveryRecord> = {},
): DeliveryRecord {
  return {
    ...newDeliveryRecord({ id: nextId('del_'), event, endpointId: endpoint.id }),
    ...overrides,
  };
}

/** A parked delivery as the sender creates it for a PAUSED endpoint (docs/design.md §5.3). */
export function parkedDeliveryRecord(
  event: EventRecord,
  endpoint: EndpointRecord,
  reason: StoredFailureReason = 'ENDPOINT_PAUSED',
): DeliveryRecord {
  return deliveryRecord(event, endpoint, {
    status: 'FAILED',
    nextAttemptAtMs: null,
    failureReason: reason,
  });
}

/** Duration of every attempt the factories make, ms: `updatedAtMs` is `startedAtMs` plus this. */
export const ATTEMPT_DURATION_MS = 25;

/** The next attempt of `delivery`, started at `startedAtMs`: a 204, or a 500 when `ok` is false. */
export function attemptRecord(
  delivery: Pick<DeliveryRecord, 'id' | 'attempts'>,
  startedAtMs: number,
  ok: boolean,
): AttemptRecord {
  return {
    deliveryId: delivery.id,
    attempt: delivery.attempts + 1,
    startedAtMs,
    durationMs: ATTEMPT_DURATION_MS,
    statusCode: ok ? 204 : 500,
    failureReason: ok ? null : 'HTTP_ERROR',
    responseBody: ok ? '' : 'upstream error',
  };
}

export const DELIVERED: AttemptDecision = {
  status: 'DELIVERED',
  nextAttemptAtMs: null,
  failureReason: null,
};

/** A retry decision: PENDING again at `atMs`. */
export function retryAt(atMs: number): AttemptDecision {
  return { status: 'PENDING', nextAttemptAtMs: atMs, failureReason: null };
}

/** A final failure decision. */
export function failedFinally(reason: StoredFailureReason = 'HTTP_ERROR'): AttemptDecision {
  return { status: 'FAILED', nextAttemptAtMs: null, failureReason: reason };
}

/**
 * A final delivery of `event` to `endpoint`, last changed at `updatedAtMs`: DELIVERED after one
 * 204, or FAILED `HTTP_ERROR` after one 500.
 */
export function finalDeliveryRecord(
  event: EventRecord,
  endpoint: EndpointRecord,
  status: 'DELIVERED' | 'FAILED',
  updatedAtMs: number,
): DeliveryRecord {
  return deliveryRecord(event, endpoint, {
    status,
    attempts: 1,
    nextAttemptAtMs: null,
    firstAttemptAtMs: event.createdAtMs,
    lastAttemptAtMs: event.createdAtMs,
    lastStatusCode: status === 'DELIVERED' ? 204 : 500,
    lastFailureReason: status === 'DELIVERED' ? null : 'HTTP_ERROR',
    failureReason: status === 'DELIVERED' ? null : 'HTTP_ERROR',
    updatedAtMs,
  });
}

/** An Idempotency-Key scope as the sender builds it: organization, method, route and key. */
export function idempotencyScope(key: string, organizationUuid: string = ORG_A): string {
  return `${organizationUuid} POST /v1/webhooks ${key}`;
}

/** The SHA-256 of a raw request body, hex: what the sender stores with an idempotency record. */
export function bodyHash(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}
