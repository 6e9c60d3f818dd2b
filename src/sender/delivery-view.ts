import type { AttemptRecord, DeliveryRecord } from './records.js';

/**
 * A delivery as history shows it: the WebhookDelivery of spec digest §1.12.7, plus what this
 * SDK adds (`endpointId`, `schemaVersion`, `failureReason`, `test`, `replayOf`). Times are ISO 8601
 * UTC strings.
 */
export interface DeliveryView {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly status: DeliveryRecord['status'];
  /** The last response's status, or `null` when none arrived (or no attempt was made). */
  readonly httpStatus: number | null;
  readonly attempts: number;
  readonly lastAttemptAt: string | null;
  /** When the next attempt is due; `null` when none is scheduled. */
  readonly nextRetryAt: string | null;
  readonly createdAt: string;
  readonly failureReason: DeliveryRecord['failureReason'];
  /** A test fire (DESIGN.md §5.8). */
  readonly test: boolean;
  /** The delivery this one replays (DESIGN.md §5.9). */
  readonly replayOf: string | null;
}

/** One HTTP attempt as history shows it. */
export interface AttemptView {
  readonly attempt: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly httpStatus: number | null;
  readonly failureReason: AttemptRecord['failureReason'];
  /** The first 4 KiB of the response body (DESIGN.md §5.13). */
  readonly responseBody: string;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The history view of a stored delivery. */
export function toDeliveryView(record: DeliveryRecord): DeliveryView {
  return {
    id: record.id,
    endpointId: record.endpointId,
    eventId: record.eventId,
    eventType: record.eventType,
    schemaVersion: record.schemaVersion,
    status: record.status,
    httpStatus: record.lastStatusCode,
    attempts: record.attempts,
    lastAttemptAt: iso(record.lastAttemptAtMs),
    nextRetryAt: iso(record.nextAttemptAtMs),
    createdAt: new Date(record.createdAtMs).toISOString(),
    failureReason: record.failureReason,
    test: record.test,
    replayOf: record.replayOf,
  };
}

/** The history view of a stored attempt. */
export function toAttemptView(record: AttemptRecord): AttemptView {
  return {
    attempt: record.attempt,
    startedAt: new Date(record.startedAtMs).toISOString(),
    durationMs: record.durationMs,
    httpStatus: record.statusCode,
    failureReason: record.failureReason,
    responseBody: record.responseBody,
  };
}
