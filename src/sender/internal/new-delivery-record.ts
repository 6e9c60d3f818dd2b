import type { DeliveryRecord, EventRecord, StoredFailureReason } from '../records.js';

/** What a new delivery needs; everything else starts empty. */
export interface NewDeliveryInput {
  readonly id: string;
  readonly event: EventRecord;
  readonly endpointId: string;
  /** The version this endpoint receives. @default event.schemaVersion */
  readonly schemaVersion?: number | undefined;
  /** Creation time, and the first attempt's due time, epoch ms. @default event.createdAtMs */
  readonly nowMs?: number | undefined;
  /** A test fire (docs/design.md §5.8). @default false */
  readonly test?: boolean | undefined;
  /** Store it parked instead of PENDING (docs/design.md §5.3, §5.7). @default null */
  readonly parked?: StoredFailureReason | null | undefined;
}

/** A delivery record as fan-out, test fire, tests and benchmarks create it: PENDING and due now, or parked. */
export function newDeliveryRecord(input: NewDeliveryInput): DeliveryRecord {
  const { event } = input;
  const nowMs = input.nowMs ?? event.createdAtMs;
  const parked = input.parked ?? null;
  return {
    id: input.id,
    organizationUuid: event.organizationUuid,
    endpointId: input.endpointId,
    eventId: event.id,
    eventType: event.type,
    schemaVersion: input.schemaVersion ?? event.schemaVersion,
    status: parked === null ? 'PENDING' : 'FAILED',
    attempts: 0,
    nextAttemptAtMs: parked === null ? nowMs : null,
    firstAttemptAtMs: null,
    lastAttemptAtMs: null,
    lastStatusCode: null,
    lastFailureReason: null,
    failureReason: parked,
    test: input.test ?? false,
    replayOf: null,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
  };
}
