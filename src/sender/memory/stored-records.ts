// The memory storage's stored state and its copies (see memory-storage.ts).
//
// A pending delivery is the unit that scales (the benchmark holds 1,000,000 of them), so it keeps
// few fields: the event's id, organization and type come from one shared event object, attempt
// history lives in a side object created on the first attempt, and the claim in another that
// exists only while a worker holds it. The scheduling indexes these records sit in are in
// due-schedule.ts; the records only carry their positions (`heapIndex`) and keys.

import type { DeliveryFailureReason } from '../../core/catalog/enum-values.js';
import { WebhookStorageError } from '../../core/errors.js';
import type { EndpointHealth } from '../../core/retry/health-policy.js';
import { frozenCopy } from '../internal/frozen-copy.js';
import { originOf } from '../origin-of.js';
import type { EndpointChanges } from '../ports/sender-storage.js';
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  EndpointRecord,
  EventRecord,
  StoredFailureReason,
} from '../records.js';
import { type HeapItem, IndexedHeap } from './indexed-heap.js';

/** What the attempts changed; absent until the first attempt (most pending deliveries). */
export interface AttemptHistory {
  attempts: number;
  firstAttemptAtMs: number | null;
  lastAttemptAtMs: number | null;
  lastStatusCode: number | null;
  /** The last attempt's failure class (`DeliveryRecord.lastFailureReason`). */
  lastFailureReason: DeliveryFailureReason | null;
  readonly log: AttemptRecord[];
}

/** A worker's hold on a delivery; in the lease heap until recorded, released or lapsed. */
export class Claim implements HeapItem {
  heapIndex = -1;
  readonly delivery: StoredDelivery;
  readonly owner: string;
  readonly leaseUntilMs: number;
  readonly seq: number;
  /** The claim's lease token (`ClaimedDelivery.leaseToken`): `c` and the storage-wide `seq`. */
  readonly token: string;

  constructor(delivery: StoredDelivery, owner: string, leaseUntilMs: number, seq: number) {
    this.delivery = delivery;
    this.owner = owner;
    this.leaseUntilMs = leaseUntilMs;
    this.seq = seq;
    this.token = `c${seq}`;
  }
}

/**
 * A time kept as its offset from the event's creation: within about ±24 days a small integer,
 * stored inline by V8, instead of a 16-byte number box per field. A fan-out delivery's times all
 * equal its event's, so the usual pending delivery stores three zeros (a larger offset is boxed
 * like any double). A time the offset cannot round-trip exactly (a fraction of a millisecond) is
 * kept as is, in an object of its own.
 */
export type TimeCell = number | { readonly atMs: number };

function toCell(baseMs: number, atMs: number): TimeCell {
  const offset = atMs - baseMs;
  return baseMs + offset === atMs ? offset : { atMs };
}

function fromCell(baseMs: number, cell: TimeCell): number {
  return typeof cell === 'number' ? baseMs + cell : cell.atMs;
}

/** A delivery as the memory storage keeps it; PENDING ones wait in their endpoint's `due` heap. */
export class StoredDelivery implements HeapItem {
  /** Position in the endpoint's due heap; -1 when not waiting there. */
  heapIndex = -1;
  /** Tie-break among equal due times: the order the delivery (re-)entered its due heap. */
  seq = 0;
  // The time cells start out null so that V8 keeps these fields tagged, never as unboxed doubles
  // (which would give every instance its own number box): see TimeCell.
  #created: TimeCell | null = null;
  #updated: TimeCell | null = null;
  #due: TimeCell | null = null;
  readonly id: string;
  /** The stored event, shared by all of its deliveries (id, organization and type). */
  readonly event: EventRecord;
  readonly endpointId: string;
  readonly eventType: string;
  readonly schemaVersion: number;
  status: DeliveryStatus;
  failureReason: StoredFailureReason | null;
  readonly test: boolean;
  readonly replayOf: string | null;
  history: AttemptHistory | null;
  /** Kept after the lease lapses, until it is claimed again: its token may still record. */
  claim: Claim | null = null;

  constructor(record: DeliveryRecord, event: EventRecord, endpointId: string) {
    this.id = flat(record.id);
    this.event = event;
    this.endpointId = endpointId;
    // The same type string as the event's when equal: one string for all its deliveries.
    this.eventType = record.eventType === event.type ? event.type : record.eventType;
    this.schemaVersion = record.schemaVersion;
    this.status = record.status;
    this.failureReason = record.failureReason;
    this.#created = toCell(event.createdAtMs, record.createdAtMs);
    this.updatedAtMs = record.updatedAtMs;
    this.nextAttemptAtMs = record.status === 'PENDING' ? record.nextAttemptAtMs : null;
    this.test = record.test;
    this.replayOf = record.replayOf;
    const attempted =
      record.attempts !== 0 ||
      record.firstAttemptAtMs !== null ||
      record.lastAttemptAtMs !== null ||
      record.lastStatusCode !== null ||
      // `?? null`: a record from before the field (an untyped caller) reads as no failure.
      (record.lastFailureReason ?? null) !== null;
    this.history = attempted
      ? {
          attempts: record.attempts,
          firstAttemptAtMs: record.firstAttemptAtMs,
          lastAttemptAtMs: record.lastAttemptAtMs,
          lastStatusCode: record.lastStatusCode,
          lastFailureReason: record.lastFailureReason ?? null,
          log: [],
        }
      : null;
  }

  get createdAtMs(): number {
    return fromCell(this.event.createdAtMs, this.#created as TimeCell);
  }

  get updatedAtMs(): number {
    return fromCell(this.event.createdAtMs, this.#updated as TimeCell);
  }

  set updatedAtMs(atMs: number) {
    this.#updated = toCell(this.event.createdAtMs, atMs);
  }

  /** Set while PENDING, `null` once final. */
  get nextAttemptAtMs(): number | null {
    return this.#due === null ? null : fromCell(this.event.createdAtMs, this.#due);
  }

  set nextAttemptAtMs(atMs: number | null) {
    this.#due = atMs === null ? null : toCell(this.event.createdAtMs, atMs);
  }

  /**
   * Whether this delivery comes before `other` in a due heap: by due time, then `seq`. Both are
   * PENDING. Reads the cells here rather than through `nextAttemptAtMs`: a getter that is not
   * inlined returns its time (above the small-integer range) as a new heap number, two per
   * comparison and a dozen comparisons per heap operation.
   */
  dueBefore(other: StoredDelivery): boolean {
    const aCell = this.#due as TimeCell;
    const bCell = other.#due as TimeCell;
    let aDue: number;
    let bDue: number;
    if (typeof aCell === 'number' && typeof bCell === 'number') {
      if (this.event === other.event) {
        // A fan-out's deliveries share their event: the offsets compare as the times do.
        return aCell < bCell || (aCell === bCell && this.seq < other.seq);
      }
      aDue = this.event.createdAtMs + aCell;
      bDue = other.event.createdAtMs + bCell;
    } else {
      aDue = fromCell(this.event.createdAtMs, aCell);
      bDue = fromCell(other.event.createdAtMs, bCell);
    }
    return aDue < bDue || (aDue === bDue && this.seq < other.seq);
  }
}

/** An endpoint as the memory storage keeps it, with its due heap and its claims. */
export class StoredEndpoint implements HeapItem {
  /**
   * Position in the schedule's `waiting` or `ready` heap (see `isReady`, due-schedule.ts); -1 when
   * no delivery waits.
   */
  heapIndex = -1;
  /** In `ready` (and its turn in `turns`) rather than in `waiting`. */
  isReady = false;
  /** Its place in `turns` while ready. */
  readonly turn: Turn = new Turn(this);
  /** The storage sequence number of its last claimed delivery; 0 before its first (fairness). */
  lastClaimSeq = 0;
  #record!: EndpointRecord;
  /** A deep-frozen copy of `record`, made on first use after each change (see `shared`). */
  #shared: EndpointRecord | undefined;
  /** The URL's origin, the key of the per-origin room. */
  origin = '';
  /** Its PENDING deliveries that are not claimed (or whose claim lapsed), by due time. */
  readonly due = new IndexedHeap<StoredDelivery>(dueFirst);
  /** Its claims in the lease heap (PENDING, held): with `due`, every PENDING delivery. */
  readonly claims = new Set<Claim>();

  constructor(record: EndpointRecord) {
    this.record = record;
  }

  get record(): EndpointRecord {
    return this.#record;
  }

  set record(record: EndpointRecord) {
    if (record.url !== this.#record?.url) this.origin = originOf(record.url);
    this.#record = record;
    this.#shared = undefined;
  }

  /**
   * The record as claims and attempts hand it out: one deep-frozen copy per change of the record,
   * shared by every claim until the next change (nobody can change it, so it needs no copy per
   * claim; most attempts change nothing of the endpoint).
   */
  get shared(): EndpointRecord {
    this.#shared ??= frozenEndpoint(this.#record);
    return this.#shared;
  }
}

/** An endpoint's place in its origin's line of endpoints with due work. */
export class Turn implements HeapItem {
  heapIndex = -1;
  readonly endpoint: StoredEndpoint;

  constructor(endpoint: StoredEndpoint) {
    this.endpoint = endpoint;
  }
}

/** The order of an endpoint's due heap: by due time, then `seq`. */
export function dueFirst(a: StoredDelivery, b: StoredDelivery): boolean {
  return a.dueBefore(b);
}

// ---------------------------------------------------------------------------------------------
// Copies. Records are plain data, but an adapter never hands out what it keeps (the port's rule).

/** A copy that shares nothing mutable with `record`. */
export function copyEndpoint(record: EndpointRecord): EndpointRecord {
  return {
    id: record.id,
    organizationUuid: record.organizationUuid,
    url: record.url,
    description: record.description,
    events: [...record.events],
    partnerIds: record.partnerIds === null ? null : [...record.partnerIds],
    acceptedSchemaVersions: [...record.acceptedSchemaVersions],
    status: record.status,
    secrets: record.secrets.map((secret) => ({ ...secret })),
    health: copyHealth(record.health),
    createdAtMs: record.createdAtMs,
    updatedAtMs: record.updatedAtMs,
  };
}

/** A deep-frozen copy, built from literals (V8 freezes those far faster than spread results). */
function frozenEndpoint(record: EndpointRecord): EndpointRecord {
  return Object.freeze({
    id: record.id,
    organizationUuid: record.organizationUuid,
    url: record.url,
    description: record.description,
    events: Object.freeze([...record.events]),
    partnerIds: record.partnerIds === null ? null : Object.freeze([...record.partnerIds]),
    acceptedSchemaVersions: Object.freeze([...record.acceptedSchemaVersions]),
    status: record.status,
    secrets: Object.freeze(
      record.secrets.map((secret) =>
        Object.freeze({
          secret: secret.secret,
          createdAtMs: secret.createdAtMs,
          expiresAtMs: secret.expiresAtMs,
        }),
      ),
    ),
    health: Object.freeze(copyHealth(record.health)),
    createdAtMs: record.createdAtMs,
    updatedAtMs: record.updatedAtMs,
  });
}

function copyHealth(health: EndpointHealth): EndpointHealth {
  return { consecutiveFailures: health.consecutiveFailures, failingSinceMs: health.failingSinceMs };
}

/**
 * A stored event: a deep copy whose id is flat, deep-frozen. It is shared by every delivery of the
 * event and handed out as is (claims, getEvent): frozen, nobody can change it, so no per-claim
 * copy is needed (a copy of the data per claim cost a fifth of the dispatcher's time). Built as a
 * literal of the record's fields, not by spread syntax: V8 freezes such an object an order of
 * magnitude faster (see internal/frozen-copy.ts).
 */
export function storeEvent(record: EventRecord): EventRecord {
  return Object.freeze({
    id: flat(record.id),
    organizationUuid: record.organizationUuid,
    type: record.type,
    schemaVersion: record.schemaVersion,
    source: record.source,
    partnerUuid: record.partnerUuid,
    createdAtMs: record.createdAtMs,
    data: frozenCopy(record.data),
  });
}

/** A copy of an attempt (it holds only primitives). */
export function copyAttempt(attempt: AttemptRecord): AttemptRecord {
  return { ...attempt };
}

/** The record of a stored delivery, as the port hands it out: a new object every time. */
export function toDeliveryRecord(delivery: StoredDelivery): DeliveryRecord {
  const event = delivery.event;
  const history = delivery.history;
  return {
    id: delivery.id,
    organizationUuid: event.organizationUuid,
    endpointId: delivery.endpointId,
    eventId: event.id,
    eventType: delivery.eventType,
    schemaVersion: delivery.schemaVersion,
    status: delivery.status,
    attempts: history?.attempts ?? 0,
    nextAttemptAtMs: delivery.nextAttemptAtMs,
    firstAttemptAtMs: history?.firstAttemptAtMs ?? null,
    lastAttemptAtMs: history?.lastAttemptAtMs ?? null,
    lastStatusCode: history?.lastStatusCode ?? null,
    lastFailureReason: history?.lastFailureReason ?? null,
    failureReason: delivery.failureReason,
    test: delivery.test,
    replayOf: delivery.replayOf,
    createdAtMs: delivery.createdAtMs,
    updatedAtMs: delivery.updatedAtMs,
  };
}

/**
 * The same string, stored flat. An id built by concatenating characters is a V8 rope: about
 * 500 bytes for a 30-character `del_…` id, kept whole as a Map key. Reading a character makes V8
 * flatten it in place (and the GC then drops the rope), so a million pending deliveries do not
 * carry their ids' construction history.
 */
export function flat(value: string): string {
  value.charCodeAt(0);
  return value;
}

/** Makes a delivery final: FAILED `reason` at `atMs`, with no due time (park, don't drop). */
export function park(delivery: StoredDelivery, reason: StoredFailureReason, atMs: number): void {
  delivery.status = 'FAILED';
  delivery.failureReason = reason;
  delivery.nextAttemptAtMs = null;
  delivery.updatedAtMs = atMs;
}

/** The error of a PENDING delivery whose endpoint is not stored (a broken invariant). */
export function corrupt(deliveryId: string): WebhookStorageError {
  return new WebhookStorageError(
    'storage_corrupt',
    `Delivery ${deliveryId} is PENDING for an endpoint that is not stored.`,
  );
}

/** The record with `changes` applied, as a new record with its own arrays. */
export function applyChanges(record: EndpointRecord, changes: EndpointChanges): EndpointRecord {
  // A merge patch already applied to values: a present field replaces the stored one.
  return {
    ...record,
    ...(changes.url === undefined ? {} : { url: changes.url }),
    ...(changes.description === undefined ? {} : { description: changes.description }),
    ...(changes.events === undefined ? {} : { events: [...changes.events] }),
    ...(changes.partnerIds === undefined
      ? {}
      : { partnerIds: changes.partnerIds === null ? null : [...changes.partnerIds] }),
    ...(changes.acceptedSchemaVersions === undefined
      ? {}
      : { acceptedSchemaVersions: [...changes.acceptedSchemaVersions] }),
    ...(changes.status === undefined ? {} : { status: changes.status }),
    ...(changes.secrets === undefined
      ? {}
      : { secrets: changes.secrets.map((secret) => ({ ...secret })) }),
  };
}
