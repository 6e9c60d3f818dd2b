import type { AttemptRecord, DeliveryRecord } from './records.js';

/**
 * A delivery as history shows it, and as the `delivery.*` hooks carry it: the WebhookDelivery of
 * docs/design.md §6.4 (`id`, `eventId`, `eventType`, `status`, `httpStatus`, `attempts`,
 * `lastAttemptAt`, `nextRetryAt`, `createdAt`), plus what this SDK adds (`endpointId`,
 * `schemaVersion`, `lastFailureReason`, `failureReason`, `test`, `replayOf`). Times are ISO 8601
 * UTC strings; the names follow docs/design.md §5.25.
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
  /**
   * Why the last attempt failed (`BLOCKED_DESTINATION`, `TIMEOUT`, `HTTP_ERROR`, …); `null` before
   * the first attempt and after a successful one. A PENDING delivery waiting for its next retry
   * shows here what went wrong, while `failureReason` stays `null` until the delivery is final.
   */
  readonly lastFailureReason: DeliveryRecord['lastFailureReason'];
  /** Why the delivery ended FAILED (its last attempt's reason, or why it was parked); else `null`. */
  readonly failureReason: DeliveryRecord['failureReason'];
  /** A test fire (docs/design.md §5.8). */
  readonly test: boolean;
  /** The delivery this one replays (docs/design.md §5.9). */
  readonly replayOf: string | null;
}

/** One HTTP attempt as history shows it, and as the `delivery.*` hooks carry it. */
export interface AttemptView {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** When the attempt started, ISO 8601 UTC. */
  readonly startedAt: string;
  readonly durationMs: number;
  /** The response's status, or `null` when none arrived. */
  readonly httpStatus: number | null;
  /** `null` on a 2xx; otherwise why the attempt failed. */
  readonly failureReason: AttemptRecord['failureReason'];
  /** The first 4 KiB of the response body (docs/design.md §5.13). */
  readonly responseBody: string;
}

// The last two texts: the views of a burst share their times to the millisecond (the event's
// creation, the attempt's start), and `new Date(ms).toISOString()` per field was most of the cost
// of a view (about 0.5 µs each) when hooks build one per attempt.
let lastMs = Number.NaN;
let lastText = '';
let previousMs = Number.NaN;
let previousText = '';

/** `new Date(ms).toISOString()`, kept for the last two times. */
function isoOf(ms: number): string {
  if (ms === lastMs) return lastText;
  if (ms === previousMs) return previousText;
  const text = new Date(ms).toISOString();
  previousMs = lastMs;
  previousText = lastText;
  lastMs = ms;
  lastText = text;
  return text;
}

const iso = (ms: number | null): string | null => (ms === null ? null : isoOf(ms));

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
    createdAt: isoOf(record.createdAtMs),
    // `?? null`: a storage adapter written before the field reads as "no failure recorded".
    lastFailureReason: record.lastFailureReason ?? null,
    failureReason: record.failureReason,
    test: record.test,
    replayOf: record.replayOf,
  };
}

/** The history view of a stored attempt. */
export function toAttemptView(record: AttemptRecord): AttemptView {
  return {
    attempt: record.attempt,
    startedAt: isoOf(record.startedAtMs),
    durationMs: record.durationMs,
    httpStatus: record.statusCode,
    failureReason: record.failureReason,
    responseBody: record.responseBody,
  };
}
