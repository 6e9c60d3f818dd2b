/**
 * The in-memory {@link SenderStorage}: tests and single-process apps (DESIGN.md §6).
 *
 * Scheduling is data (DESIGN.md §2): every PENDING delivery waits in a binary min-heap keyed by
 * (due time, sequence), never behind its own timer. There is one such heap per endpoint, and the
 * endpoints with waiting deliveries sit in heaps of their own, so that `claimDue` pays once per
 * skipped endpoint, not once per waiting delivery of a busy endpoint (otherwise a backlog of
 * 100,000 deliveries behind an endpoint at its in-flight cap would be scanned on every claim):
 * - `waiting`: endpoints whose earliest delivery was not due at the last claim, by that delivery;
 * - `ready` (by earliest delivery): endpoints with due work, which take turns in claims, least
 *   recently claimed first (fair dispatch, docs/design.md §5.17). Their turns wait in one line per
 *   origin, and the lines in a heap keyed by their first turn: the head of the first line is the
 *   endpoint whose turn it is, and an origin at its room is set aside whole, at the cost of one
 *   line however many of its endpoints have due work (a multi-tenant receiver host). An endpoint
 *   that becomes due moves from `waiting` to `ready` at the next claim.
 * Claims wait in a heap keyed by lease expiry; a lapsed claim goes back to its endpoint's heap.
 * Every heap tracks each item's position, so removal is eager and no heap ever holds a stale
 * entry: sizes follow the live work, with nothing to compact.
 *
 * Every method runs without an `await`, so each is atomic with respect to every other call.
 * Records go in and come out as copies: a caller never holds an object the storage keeps and can
 * change. Events, and endpoints as claims and attempts return them, come out as deep-frozen copies
 * shared between calls (one per event, one per change of an endpoint).
 */

import { WebhookConflictError, WebhookStorageError } from '../core/errors.js';
import {
  type EndpointHealth,
  evaluateEndpointHealth,
  HEALTHY,
} from '../core/retry/health-policy.js';
import { frozenCopy } from './internal/frozen-copy.js';
import { originOf } from './origin-of.js';
import type {
  BeginIdempotentInput,
  ClaimDueInput,
  ClaimedDelivery,
  CompleteIdempotentInput,
  DeliveryPage,
  DeliveryQuery,
  EndpointChanges,
  EndpointUpdate,
  IdempotencyBegin,
  RecordAttemptInput,
  RecordAttemptResult,
  SenderStorage,
} from './ports/sender-storage.js';
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  EndpointRecord,
  EndpointStatus,
  EventRecord,
  IdempotencyRecord,
  StoredFailureReason,
} from './records.js';

/**
 * Options of {@link MemoryStorage}. None exist yet; the parameter keeps `new MemoryStorage({…})`
 * source-compatible when some arrive.
 */
export type MemoryStorageOptions = Readonly<Record<never, never>>;

// ---------------------------------------------------------------------------------------------
// An indexed binary min-heap: each item knows its position, so removing or re-keying any item is
// O(log n) and the heap never keeps a stale entry.

interface HeapItem {
  heapIndex: number;
}

class IndexedHeap<T extends HeapItem> {
  #items: T[] = [];
  readonly #less: (a: T, b: T) => boolean;

  constructor(less: (a: T, b: T) => boolean) {
    this.#less = less;
  }

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    item.heapIndex = this.#items.length;
    this.#items.push(item);
    this.#up(item.heapIndex);
  }

  pop(): T | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /**
   * Removes `item`, which must be in this heap. Bottom-up: the hole it leaves sinks to a leaf
   * along the smaller children (one comparison a level), and the last item, put there, rises to
   * its place (usually at once: it came from the bottom). About half the comparisons of sinking
   * the last item from the hole, which matters for a due heap thousands deep.
   */
  remove(item: T): void {
    const items = this.#items;
    const last = items.pop() as T;
    const index = item.heapIndex;
    item.heapIndex = -1;
    if (last === item) return;
    const length = items.length;
    let hole = index;
    for (;;) {
      const left = 2 * hole + 1;
      if (left >= length) break;
      const right = left + 1;
      const child =
        right < length && this.#less(items[right] as T, items[left] as T) ? right : left;
      const moved = items[child] as T;
      items[hole] = moved;
      moved.heapIndex = hole;
      hole = child;
    }
    items[hole] = last;
    last.heapIndex = hole;
    this.#up(hole);
  }

  /** Restores the order after `item`'s key changed. */
  update(item: T): void {
    this.#up(item.heapIndex);
    this.#down(item.heapIndex);
  }

  /** Empties the heap, returning its items in no particular order. */
  drain(): T[] {
    const items = this.#items;
    this.#items = [];
    for (const item of items) item.heapIndex = -1;
    return items;
  }

  #up(start: number): void {
    const items = this.#items;
    const item = items[start] as T;
    let index = start;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex] as T;
      if (!this.#less(item, parent)) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = item;
    item.heapIndex = index;
  }

  #down(start: number): void {
    const items = this.#items;
    const length = items.length;
    const item = items[start] as T;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && this.#less(items[right] as T, items[left] as T)) child = right;
      const smaller = items[child] as T;
      if (!this.#less(smaller, item)) break;
      items[index] = smaller;
      smaller.heapIndex = index;
      index = child;
    }
    items[index] = item;
    item.heapIndex = index;
  }
}

// ---------------------------------------------------------------------------------------------
// Stored state. A pending delivery is the unit that scales (the benchmark holds 1,000,000 of
// them), so it keeps few fields: the event's id, organization and type come from one shared event
// object, attempt history lives in a side object created on the first attempt, and the claim in
// another that exists only while a worker holds it.

/** What the attempts changed; absent until the first attempt (most pending deliveries). */
interface AttemptHistory {
  attempts: number;
  firstAttemptAtMs: number | null;
  lastAttemptAtMs: number | null;
  lastStatusCode: number | null;
  readonly log: AttemptRecord[];
}

/** A worker's hold on a delivery; in the lease heap until recorded, released or lapsed. */
class Claim implements HeapItem {
  heapIndex = -1;
  readonly delivery: StoredDelivery;
  readonly owner: string;
  readonly leaseUntilMs: number;
  readonly seq: number;

  constructor(delivery: StoredDelivery, owner: string, leaseUntilMs: number, seq: number) {
    this.delivery = delivery;
    this.owner = owner;
    this.leaseUntilMs = leaseUntilMs;
    this.seq = seq;
  }
}

/**
 * A time kept as its offset from the event's creation: within about ±24 days a small integer,
 * stored inline by V8, instead of a 16-byte number box per field. A fan-out delivery's times all
 * equal its event's, so the usual pending delivery stores three zeros (a larger offset is boxed
 * like any double). A time the offset cannot round-trip exactly (a fraction of a millisecond) is
 * kept as is, in an object of its own.
 */
type TimeCell = number | { readonly atMs: number };

function toCell(baseMs: number, atMs: number): TimeCell {
  const offset = atMs - baseMs;
  return baseMs + offset === atMs ? offset : { atMs };
}

function fromCell(baseMs: number, cell: TimeCell): number {
  return typeof cell === 'number' ? baseMs + cell : cell.atMs;
}

class StoredDelivery implements HeapItem {
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
  /** Kept after the lease lapses, until another worker claims it: the owner may still record. */
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
      record.lastStatusCode !== null;
    this.history = attempted
      ? {
          attempts: record.attempts,
          firstAttemptAtMs: record.firstAttemptAtMs,
          lastAttemptAtMs: record.lastAttemptAtMs,
          lastStatusCode: record.lastStatusCode,
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

class StoredEndpoint implements HeapItem {
  /** Position in `waiting` or `ready` (see `isReady`); -1 when no delivery waits. */
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
class Turn implements HeapItem {
  heapIndex = -1;
  readonly endpoint: StoredEndpoint;

  constructor(endpoint: StoredEndpoint) {
    this.endpoint = endpoint;
  }
}

/** The turns of one origin's ready endpoints; in the heap of lines while it has any. */
class OriginLine implements HeapItem {
  heapIndex = -1;
  readonly origin: string;
  readonly turns = new IndexedHeap<Turn>(longestWaitingTurnFirst);

  constructor(origin: string) {
    this.origin = origin;
  }
}

function dueFirst(a: StoredDelivery, b: StoredDelivery): boolean {
  return a.dueBefore(b);
}

function earliestEndpointFirst(a: StoredEndpoint, b: StoredEndpoint): boolean {
  return dueFirst(a.due.peek() as StoredDelivery, b.due.peek() as StoredDelivery);
}

/** Fair dispatch: the least recently claimed endpoint first, then the oldest due work. */
function longestWaitingTurnFirst(a: Turn, b: Turn): boolean {
  const aSeq = a.endpoint.lastClaimSeq;
  const bSeq = b.endpoint.lastClaimSeq;
  return aSeq < bSeq || (aSeq === bSeq && earliestEndpointFirst(a.endpoint, b.endpoint));
}

/** The line whose first turn comes first: the same order as one line of every turn. */
function firstTurnFirst(a: OriginLine, b: OriginLine): boolean {
  return longestWaitingTurnFirst(a.turns.peek() as Turn, b.turns.peek() as Turn);
}

function leaseFirst(a: Claim, b: Claim): boolean {
  return a.leaseUntilMs < b.leaseUntilMs || (a.leaseUntilMs === b.leaseUntilMs && a.seq < b.seq);
}

const PARK_REASON = {
  PAUSED: 'ENDPOINT_PAUSED',
  DISABLED: 'ENDPOINT_DISABLED',
} as const satisfies Record<Exclude<EndpointStatus, 'ACTIVE'>, StoredFailureReason>;

// ---------------------------------------------------------------------------------------------
// Copies. Records are plain data, but an adapter never hands out what it keeps (the port's rule).

function copyEndpoint(record: EndpointRecord): EndpointRecord {
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
 * magnitude faster (see frozen-copy.ts).
 */
function storeEvent(record: EventRecord): EventRecord {
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

function copyAttempt(attempt: AttemptRecord): AttemptRecord {
  return { ...attempt };
}

function toDeliveryRecord(delivery: StoredDelivery): DeliveryRecord {
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
function flat(value: string): string {
  value.charCodeAt(0);
  return value;
}

function park(delivery: StoredDelivery, reason: StoredFailureReason, atMs: number): void {
  delivery.status = 'FAILED';
  delivery.failureReason = reason;
  delivery.nextAttemptAtMs = null;
  delivery.updatedAtMs = atMs;
}

function conflict(code: 'not_found' | 'invalid_state', message: string): WebhookConflictError {
  return new WebhookConflictError(code, message);
}

/**
 * Sender storage in process memory: the default of `WebhookSender`, for tests and single-process
 * apps. Nothing survives a restart; use `PostgresStorage` for durability and several workers
 * (DESIGN.md §6).
 *
 * Every operation is atomic (no `await` inside one), returns copies (events, and endpoints in
 * claims and attempts, as deep-frozen copies shared between calls), and is scoped by
 * organization: another organization's id reads as unknown. Due deliveries wait in heaps keyed
 * by due time, claimed with a lease (DESIGN.md §2).
 *
 * Decisions where the port leaves room (the conformance suite pins each one):
 * - A claim is held until its owner records or releases it, or another worker claims the lapsed
 *   delivery; `recordAttempt` after a lapse that nobody took over still counts.
 * - `recordAttempt` stamps `updatedAtMs` (and a health trip's endpoint and parked deliveries)
 *   with the attempt's end, `startedAtMs + durationMs`. Health counts the attempt (at
 *   `startedAtMs`, a success when `attempt.failureReason` is `null`) whenever a policy is given,
 *   also for a delivery parked in flight or an endpoint already out of rotation; only an ACTIVE
 *   endpoint trips. Its `updatedAtMs` changes with its status, not with its streak.
 * - A delivery inserted PENDING for an endpoint that is not stored (deleted meanwhile, or of
 *   another organization) is stored FAILED `ENDPOINT_DELETED`, as if the delete came after.
 * - `nextDueAtMs` counts a claimed delivery at its lease expiry, the time it could be claimed
 *   again (its `nextAttemptAtMs` has already passed).
 * - `listDeliveries` breaks ties by id in the sort's direction.
 * - `purgeBefore` takes the oldest stored deliveries first (insertion order) and also deletes a
 *   final delivery whose attempt is still in flight (parked meanwhile): its `recordAttempt` then
 *   returns `null`. Each call costs the deliveries it walks past to reach `limit` eligible ones;
 *   the call that finds fewer walks every delivery, event and idempotency record once.
 * - Idempotency records expire at `expiresAtMs` exactly (`nowMs >= expiresAtMs`: absent).
 *   Expired records are dropped when their scope is next used, from the oldest end on every
 *   `beginIdempotent` and `completeIdempotent`, and by `purgeBefore`, so memory follows the
 *   live keys. `beginIdempotent` needs no `ttlMs` here: the expiry is set on completion.
 *
 * @throws WebhookConflictError from the inserts: `invalid_state` for an id already stored, a
 *   delivery of another organization than its event, or a PENDING delivery without a due time;
 *   `not_found` for a delivery of an event that is not stored. Nothing of the batch is written.
 * @example
 * ```ts
 * const storage = new MemoryStorage(); // WebhookSender's default `storage`
 * const due = await storage.claimDue({ nowMs: Date.now(), limit: 10, leaseMs: 60_000, owner: 'w1' });
 * // due: [] — nothing is stored yet
 * ```
 */
export class MemoryStorage implements SenderStorage {
  readonly #endpoints = new Map<string, StoredEndpoint>();
  readonly #endpointsByOrganization = new Map<string, Set<StoredEndpoint>>();
  readonly #events = new Map<string, EventRecord>();
  readonly #deliveries = new Map<string, StoredDelivery>();
  /** History indexes: an event's and an endpoint's deliveries (kept after the endpoint's deletion). */
  readonly #deliveriesByEvent = new Map<string, StoredDelivery[]>();
  readonly #deliveriesByEndpoint = new Map<string, StoredDelivery[]>();
  /** Endpoints with a waiting delivery not due at the last claim, by their earliest one. */
  readonly #waiting = new IndexedHeap<StoredEndpoint>(earliestEndpointFirst);
  /** Endpoints with a waiting delivery due at the last claim, by their earliest one. */
  readonly #ready = new IndexedHeap<StoredEndpoint>(earliestEndpointFirst);
  /** The turns of the `#ready` endpoints, one line per origin (fair dispatch). */
  readonly #lines = new Map<string, OriginLine>();
  /** The origin lines that have turns (and are not set aside by a running claim). */
  readonly #lineHeap = new IndexedHeap<OriginLine>(firstTurnFirst);
  /** Held claims, by lease expiry. */
  readonly #leases = new IndexedHeap<Claim>(leaseFirst);
  /**
   * Idempotency-Key records by scope (DESIGN.md §5.10), oldest first: a scope begun again after
   * its record expired moves to the end, so expired records gather at the front.
   */
  readonly #idempotency = new Map<string, IdempotencyRecord>();
  #seq = 0;

  /** @param _options - none yet, see {@link MemoryStorageOptions}. */
  // biome-ignore lint/complexity/noUselessConstructor: declares the optional options parameter.
  constructor(_options?: MemoryStorageOptions) {}

  // ------------------------------------------------------------------------------- endpoints

  async insertEndpoint(endpoint: EndpointRecord): Promise<void> {
    if (this.#endpoints.has(endpoint.id)) {
      throw conflict('invalid_state', `Endpoint ${endpoint.id} is already stored: ids are unique.`);
    }
    const stored = new StoredEndpoint({ ...copyEndpoint(endpoint), id: flat(endpoint.id) });
    this.#endpoints.set(endpoint.id, stored);
    let organization = this.#endpointsByOrganization.get(endpoint.organizationUuid);
    if (organization === undefined) {
      organization = new Set();
      this.#endpointsByOrganization.set(endpoint.organizationUuid, organization);
    }
    organization.add(stored);
  }

  async getEndpoint(organizationUuid: string, endpointId: string): Promise<EndpointRecord | null> {
    const stored = this.#endpoint(organizationUuid, endpointId);
    return stored === undefined ? null : copyEndpoint(stored.record);
  }

  async listEndpoints(organizationUuid: string): Promise<readonly EndpointRecord[]> {
    return oldestFirst(this.#endpointsByOrganization.get(organizationUuid) ?? []);
  }

  async listAllEndpoints(): Promise<readonly EndpointRecord[]> {
    return oldestFirst(this.#endpoints.values());
  }

  async updateEndpoint(update: EndpointUpdate): Promise<EndpointRecord | null> {
    const stored = this.#endpoint(update.organizationUuid, update.endpointId);
    if (stored === undefined) return null;
    // A new URL may mean a new origin: its turn leaves the old origin's line (back next claim).
    if (update.changes.url !== undefined && stored.isReady) this.#setReady(stored, false);
    stored.record = {
      ...applyChanges(stored.record, update.changes),
      health: update.resetHealth === true ? HEALTHY : stored.record.health,
      updatedAtMs: update.nowMs,
    };
    if (update.parkPending !== undefined) {
      this.#parkPending(stored, update.parkPending, update.nowMs);
    }
    return copyEndpoint(stored.record);
  }

  async deleteEndpoint(
    organizationUuid: string,
    endpointId: string,
    nowMs: number,
  ): Promise<boolean> {
    const stored = this.#endpoint(organizationUuid, endpointId);
    if (stored === undefined) return false;
    this.#parkPending(stored, 'ENDPOINT_DELETED', nowMs);
    this.#endpoints.delete(endpointId);
    const organization = this.#endpointsByOrganization.get(organizationUuid);
    organization?.delete(stored);
    if (organization?.size === 0) this.#endpointsByOrganization.delete(organizationUuid);
    return true;
  }

  // ------------------------------------------------------------------- events and deliveries

  async insertEvent(event: EventRecord, deliveries: readonly DeliveryRecord[]): Promise<void> {
    if (this.#events.has(event.id)) {
      throw conflict('invalid_state', `Event ${event.id} is already stored: ids are unique.`);
    }
    const stored = storeEvent(event);
    // Everything is checked before anything is written: the operation is all or nothing.
    const prepared = this.#prepareDeliveries(deliveries, stored);
    this.#events.set(event.id, stored);
    this.#commitDeliveries(prepared);
  }

  async insertDeliveries(deliveries: readonly DeliveryRecord[]): Promise<void> {
    this.#commitDeliveries(this.#prepareDeliveries(deliveries, undefined));
  }

  async getEvent(organizationUuid: string, eventId: string): Promise<EventRecord | null> {
    const stored = this.#events.get(eventId);
    return stored === undefined || stored.organizationUuid !== organizationUuid ? null : stored;
  }

  async getDelivery(organizationUuid: string, deliveryId: string): Promise<DeliveryRecord | null> {
    const stored = this.#deliveries.get(deliveryId);
    return stored === undefined || stored.event.organizationUuid !== organizationUuid
      ? null
      : toDeliveryRecord(stored);
  }

  async listDeliveries(query: DeliveryQuery): Promise<DeliveryPage> {
    const { organizationUuid, endpointId, eventId, status, sinceMs } = query;
    const candidates =
      eventId !== undefined
        ? (this.#deliveriesByEvent.get(eventId) ?? [])
        : endpointId !== undefined
          ? (this.#deliveriesByEndpoint.get(endpointId) ?? [])
          : this.#deliveries.values();
    const matches: StoredDelivery[] = [];
    for (const delivery of candidates) {
      if (
        delivery.event.organizationUuid === organizationUuid &&
        (endpointId === undefined || delivery.endpointId === endpointId) &&
        (eventId === undefined || delivery.event.id === eventId) &&
        (status === undefined || delivery.status === status) &&
        (sinceMs === undefined || delivery.createdAtMs > sinceMs)
      ) {
        matches.push(delivery);
      }
    }
    matches.sort(historyOrder(query));
    const start = query.page * query.size;
    return {
      items: matches.slice(start, start + query.size).map(toDeliveryRecord),
      totalElements: matches.length,
    };
  }

  async listAttempts(deliveryId: string): Promise<readonly AttemptRecord[]> {
    return this.#deliveries.get(deliveryId)?.history?.log.map(copyAttempt) ?? [];
  }

  // -------------------------------------------------------------------------------- dispatch

  async claimDue(input: ClaimDueInput): Promise<readonly ClaimedDelivery[]> {
    const { nowMs, limit, leaseMs, owner, skipEndpointIds, reservedForIdle = 0 } = input;
    const { maxPerEndpoint, inFlightByEndpoint, maxPerOrigin, inFlightByOrigin } = input;
    this.#requeueLapsed(nowMs);
    this.#promoteDue(nowMs);
    const claimed: ClaimedDelivery[] = [];
    const asideTurns: Turn[] = [];
    const asideLines: OriginLine[] = [];
    const byEndpoint = new Map<string, number>();
    const byOrigin = new Map<string, number>();
    while (claimed.length < limit) {
      // Fair dispatch: the endpoint whose turn it is gives its earliest due delivery.
      const line = this.#lineHeap.peek();
      if (line === undefined) break;
      const turn = line.turns.peek() as Turn;
      const endpoint = turn.endpoint;
      const delivery = endpoint.due.peek() as StoredDelivery;
      if ((delivery.nextAttemptAtMs as number) > nowMs) {
        // Its due work was claimed; what is left is not due yet (or `nowMs` went back).
        this.#setReady(endpoint, false);
        continue;
      }
      const origin = line.origin;
      if (
        maxPerOrigin !== undefined &&
        (inFlightByOrigin?.get(origin) ?? 0) + (byOrigin.get(origin) ?? 0) >= maxPerOrigin
      ) {
        // The origin is at its room: every endpoint on it sits this claim out, in one step.
        this.#lineHeap.pop();
        asideLines.push(line);
        continue;
      }
      const id = endpoint.record.id;
      const endpointTaken = (inFlightByEndpoint?.get(id) ?? 0) + (byEndpoint.get(id) ?? 0);
      if (
        skipEndpointIds?.has(id) === true ||
        (maxPerEndpoint !== undefined && endpointTaken >= maxPerEndpoint) ||
        // The last `reservedForIdle` places are for endpoints with nothing in flight.
        (endpointTaken > 0 && limit - claimed.length <= reservedForIdle)
      ) {
        // Out of line, with all its waiting deliveries, until this claim is done.
        line.turns.pop();
        this.#relocate(line);
        asideTurns.push(turn);
        continue;
      }
      endpoint.lastClaimSeq = ++this.#seq; // to the back of the line
      this.#unqueue(delivery, endpoint);
      const claim = new Claim(delivery, owner, nowMs + leaseMs, ++this.#seq);
      delivery.claim = claim; // a lapsed claim's former owner loses it here
      this.#leases.push(claim);
      endpoint.claims.add(claim);
      byEndpoint.set(id, (byEndpoint.get(id) ?? 0) + 1);
      byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + 1);
      claimed.push({
        delivery: toDeliveryRecord(delivery),
        event: delivery.event,
        endpoint: endpoint.shared,
      });
    }
    for (const line of asideLines) this.#relocate(line);
    for (const turn of asideTurns) {
      const line = this.#lineOf(turn.endpoint.origin);
      line.turns.push(turn);
      this.#relocate(line);
    }
    return claimed;
  }

  async recordAttempt(input: RecordAttemptInput): Promise<RecordAttemptResult | null> {
    const { attempt, decision, healthPolicy } = input;
    const delivery = this.#deliveries.get(input.deliveryId);
    if (delivery === undefined || delivery.claim?.owner !== input.owner) return null;
    if (decision.status === 'PENDING' && !Number.isFinite(decision.nextAttemptAtMs)) {
      throw conflict(
        'invalid_state',
        `A PENDING decision needs nextAttemptAtMs as epoch ms, got ${String(decision.nextAttemptAtMs)}.`,
      );
    }
    const endedAtMs = attempt.startedAtMs + attempt.durationMs;
    const endpoint = this.#endpoints.get(delivery.endpointId);
    this.#unclaim(delivery, endpoint);

    delivery.history ??= {
      attempts: 0,
      firstAttemptAtMs: null,
      lastAttemptAtMs: null,
      lastStatusCode: null,
      log: [],
    };
    const history = delivery.history;
    history.log.push(copyAttempt(attempt));
    history.attempts += 1;
    history.firstAttemptAtMs ??= attempt.startedAtMs;
    history.lastAttemptAtMs = attempt.startedAtMs;
    history.lastStatusCode = attempt.statusCode;
    delivery.updatedAtMs = endedAtMs;

    if (delivery.status === 'PENDING') {
      delivery.status = decision.status;
      delivery.nextAttemptAtMs = decision.status === 'PENDING' ? decision.nextAttemptAtMs : null;
      delivery.failureReason = decision.status === 'FAILED' ? decision.failureReason : null;
    } else if (decision.status === 'DELIVERED') {
      // Parked (or its endpoint deleted) while the attempt was in flight: the receiver got it.
      delivery.status = 'DELIVERED';
      delivery.failureReason = null;
    } // else: a failure leaves the parked delivery as it is

    let transition: RecordAttemptResult['transition'] = 'stay';
    let transitionReason: RecordAttemptResult['transitionReason'] = null;
    if (endpoint !== undefined && healthPolicy !== null) {
      const evaluation = evaluateEndpointHealth(healthPolicy, {
        health: endpoint.record.health,
        succeeded: attempt.failureReason === null,
        attemptAtMs: attempt.startedAtMs,
      });
      const trips = evaluation.transition !== 'stay' && endpoint.record.status === 'ACTIVE';
      const health = endpoint.record.health;
      if (
        trips ||
        evaluation.health.consecutiveFailures !== health.consecutiveFailures ||
        evaluation.health.failingSinceMs !== health.failingSinceMs
      ) {
        // Only a change makes a new record (and a new shared copy): a success on a healthy
        // endpoint, the usual attempt, leaves it as it is.
        endpoint.record = {
          ...endpoint.record,
          health: evaluation.health,
          ...(trips ? { status: healthPolicy.action, updatedAtMs: endedAtMs } : {}),
        };
      }
      if (trips) {
        // Take the endpoint out of rotation and park its pending work (DESIGN.md §5.2, §5.3).
        transition = evaluation.transition;
        transitionReason = evaluation.reason;
        this.#parkPending(endpoint, PARK_REASON[healthPolicy.action], endedAtMs);
      }
    }
    if (delivery.status === 'PENDING') {
      if (endpoint === undefined) park(delivery, 'ENDPOINT_DELETED', endedAtMs);
      else if (endpoint.record.status !== 'ACTIVE') {
        // No retries on an endpoint out of rotation: park, don't drop (DESIGN.md §5.3).
        park(delivery, PARK_REASON[endpoint.record.status], endedAtMs);
      } else this.#enqueue(delivery, endpoint);
    }
    return {
      delivery: toDeliveryRecord(delivery),
      endpoint: endpoint === undefined ? null : endpoint.shared,
      transition,
      transitionReason,
    };
  }

  async releaseClaim(deliveryId: string, owner: string): Promise<void> {
    const delivery = this.#deliveries.get(deliveryId);
    if (delivery === undefined || delivery.claim?.owner !== owner) return;
    const endpoint = this.#endpoints.get(delivery.endpointId);
    this.#unclaim(delivery, endpoint);
    if (delivery.status === 'PENDING' && endpoint !== undefined) this.#enqueue(delivery, endpoint);
  }

  async nextDueAtMs(): Promise<number | null> {
    let next: number | null = null;
    for (const atMs of [
      this.#waiting.peek()?.due.peek()?.nextAttemptAtMs,
      this.#ready.peek()?.due.peek()?.nextAttemptAtMs,
      this.#leases.peek()?.leaseUntilMs,
    ]) {
      if (atMs !== undefined && atMs !== null && (next === null || atMs < next)) next = atMs;
    }
    return next;
  }

  // ------------------------------------------------------------------------------- retention

  async purgeBefore(cutoffMs: number, limit: number): Promise<number> {
    // The oldest first: with a retention of days, what is eligible sits at the front of the map.
    const purged: StoredDelivery[] = [];
    for (const delivery of this.#deliveries.values()) {
      if (purged.length >= limit) break;
      if (delivery.status !== 'PENDING' && delivery.updatedAtMs < cutoffMs) purged.push(delivery);
    }
    const byEvent = new Map<string, number>();
    const byEndpoint = new Map<string, number>();
    for (const delivery of purged) {
      // Its attempts live in `delivery.history` and go with it.
      this.#deliveries.delete(delivery.id);
      byEvent.set(delivery.event.id, (byEvent.get(delivery.event.id) ?? 0) + 1);
      byEndpoint.set(delivery.endpointId, (byEndpoint.get(delivery.endpointId) ?? 0) + 1);
    }
    const gone = new Set(purged);
    for (const [endpointId, count] of byEndpoint) {
      removeFromIndex(this.#deliveriesByEndpoint, endpointId, gone, count);
    }
    for (const [eventId, count] of byEvent) {
      const left = removeFromIndex(this.#deliveriesByEvent, eventId, gone, count);
      const event = this.#events.get(eventId);
      if (left === 0 && event !== undefined && event.createdAtMs < cutoffMs) {
        this.#events.delete(eventId);
      }
    }
    if (purged.length < limit) {
      // Every eligible delivery is gone: now the rest, events that never had a delivery (no
      // endpoint matched) or lost their last one while newer than an earlier cutoff.
      for (const [eventId, event] of this.#events) {
        if (event.createdAtMs < cutoffMs && !this.#deliveriesByEvent.has(eventId)) {
          this.#events.delete(eventId);
        }
      }
      for (const [scope, record] of this.#idempotency) {
        if (record.expiresAtMs <= cutoffMs) this.#idempotency.delete(scope);
      }
    } else this.#sweepIdempotency(cutoffMs);
    return purged.length;
  }

  // ----------------------------------------------------------------------------- idempotency

  async beginIdempotent(input: BeginIdempotentInput): Promise<IdempotencyBegin> {
    const { scope, bodyHash, nowMs } = input;
    this.#sweepIdempotency(nowMs);
    const live = this.#liveIdempotency(scope, nowMs);
    if (live === undefined) {
      // Held for a while only, so that a request that crashed does not lock the key for good.
      this.#idempotency.set(scope, {
        scope,
        bodyHash,
        state: 'in_flight',
        response: null,
        createdAtMs: nowMs,
        expiresAtMs: nowMs + input.inFlightTtlMs,
      });
      return { outcome: 'started' };
    }
    if (live.bodyHash !== bodyHash) return { outcome: 'mismatch' };
    if (live.state === 'in_flight' || live.response === null) return { outcome: 'in_flight' };
    return {
      outcome: 'replay',
      response: { status: live.response.status, body: live.response.body },
    };
  }

  async completeIdempotent(input: CompleteIdempotentInput): Promise<void> {
    const { scope, bodyHash, response, nowMs } = input;
    this.#sweepIdempotency(nowMs);
    const live = this.#liveIdempotency(scope, nowMs);
    // The first response wins; another body's record is not this request's to complete.
    if (live !== undefined && (live.state === 'completed' || live.bodyHash !== bodyHash)) return;
    this.#idempotency.set(scope, {
      scope,
      bodyHash,
      state: 'completed',
      response: { status: response.status, body: response.body },
      createdAtMs: live?.createdAtMs ?? nowMs,
      expiresAtMs: nowMs + input.ttlMs,
    });
  }

  async abandonIdempotent(scope: string, bodyHash: string): Promise<void> {
    const record = this.#idempotency.get(scope);
    if (record?.state === 'in_flight' && record.bodyHash === bodyHash) {
      this.#idempotency.delete(scope);
    }
  }

  // --------------------------------------------------------------------------------- private

  /** The record of `scope` unless it expired at `nowMs` (then it is dropped). */
  #liveIdempotency(scope: string, nowMs: number): IdempotencyRecord | undefined {
    const record = this.#idempotency.get(scope);
    if (record === undefined || record.expiresAtMs > nowMs) return record;
    this.#idempotency.delete(scope);
    return undefined;
  }

  /**
   * Drops the records expired at `atMs` from the oldest end, up to the first live one: each record
   * is dropped once, so this costs O(1) amortised per call. One that expired behind a live record
   * goes when its scope is used again, or with `purgeBefore`.
   */
  #sweepIdempotency(atMs: number): void {
    for (const [scope, record] of this.#idempotency) {
      if (record.expiresAtMs > atMs) return;
      this.#idempotency.delete(scope);
    }
  }

  #endpoint(organizationUuid: string, endpointId: string): StoredEndpoint | undefined {
    const stored = this.#endpoints.get(endpointId);
    return stored?.record.organizationUuid === organizationUuid ? stored : undefined;
  }

  /** Checks a batch against what is stored and within itself; writes nothing. */
  #prepareDeliveries(
    deliveries: readonly DeliveryRecord[],
    newEvent: EventRecord | undefined,
  ): StoredDelivery[] {
    const ids = new Set<string>();
    return deliveries.map((record) => {
      if (this.#deliveries.has(record.id) || ids.has(record.id)) {
        throw conflict('invalid_state', `Delivery ${record.id} is already stored: ids are unique.`);
      }
      ids.add(record.id);
      const event = newEvent?.id === record.eventId ? newEvent : this.#events.get(record.eventId);
      if (event === undefined) {
        throw conflict(
          'not_found',
          `Delivery ${record.id} refers to event ${record.eventId}, which is not stored: insert the event first.`,
        );
      }
      if (event.organizationUuid !== record.organizationUuid) {
        throw conflict(
          'invalid_state',
          `Delivery ${record.id} and its event ${record.eventId} belong to different organizations.`,
        );
      }
      if (record.status === 'PENDING' && !Number.isFinite(record.nextAttemptAtMs)) {
        throw conflict(
          'invalid_state',
          `PENDING delivery ${record.id} needs nextAttemptAtMs as epoch ms, got ${String(record.nextAttemptAtMs)}.`,
        );
      }
      const endpoint = this.#endpoint(record.organizationUuid, record.endpointId);
      const stored = new StoredDelivery(record, event, endpoint?.record.id ?? record.endpointId);
      if (stored.status === 'PENDING' && endpoint === undefined) {
        park(stored, 'ENDPOINT_DELETED', record.updatedAtMs);
      } else if (stored.status === 'PENDING' && endpoint !== undefined) {
        // The endpoint's stored status decides, not the caller's view of it (which may be a stale
        // cache in another process): park, don't drop (DESIGN.md §5.3). A test fire may go to a
        // PAUSED endpoint (§5.8).
        const status = endpoint.record.status;
        if (status === 'DISABLED' || (status === 'PAUSED' && !record.test)) {
          park(
            stored,
            status === 'PAUSED' ? 'ENDPOINT_PAUSED' : 'ENDPOINT_DISABLED',
            record.updatedAtMs,
          );
        }
      }
      return stored;
    });
  }

  #commitDeliveries(deliveries: readonly StoredDelivery[]): void {
    for (const delivery of deliveries) {
      this.#deliveries.set(delivery.id, delivery);
      appendTo(this.#deliveriesByEvent, delivery.event.id, delivery);
      appendTo(this.#deliveriesByEndpoint, delivery.endpointId, delivery);
      if (delivery.status !== 'PENDING') continue;
      const endpoint = this.#endpoints.get(delivery.endpointId);
      if (endpoint === undefined) throw corrupt(delivery.id); // prepared as FAILED above
      this.#enqueue(delivery, endpoint);
    }
  }

  /** Puts a PENDING delivery in its endpoint's due heap. */
  #enqueue(delivery: StoredDelivery, endpoint: StoredEndpoint): void {
    delivery.seq = ++this.#seq;
    endpoint.due.push(delivery);
    this.#reposition(endpoint);
  }

  #unqueue(delivery: StoredDelivery, endpoint: StoredEndpoint): void {
    endpoint.due.remove(delivery);
    this.#reposition(endpoint);
  }

  /**
   * Keeps the endpoint's place in the heaps of endpoints after its earliest delivery changed: out
   * of them when nothing waits, into `waiting` when something starts to wait (`claimDue` moves it
   * to `ready` once due).
   */
  #reposition(endpoint: StoredEndpoint): void {
    if (endpoint.due.size === 0) {
      if (endpoint.heapIndex >= 0) this.#setReady(endpoint, false, false);
    } else if (endpoint.heapIndex < 0) {
      endpoint.isReady = false;
      this.#waiting.push(endpoint);
    } else if (!endpoint.isReady) this.#waiting.update(endpoint);
    else {
      this.#ready.update(endpoint);
      if (endpoint.turn.heapIndex >= 0) {
        const line = this.#lineOf(endpoint.origin);
        line.turns.update(endpoint.turn);
        this.#relocate(line);
      }
    }
  }

  /**
   * Moves an endpoint between `waiting` and `ready` (with its turn in its origin's line), or, with
   * `waits` false, out of both (nothing of it waits).
   */
  #setReady(endpoint: StoredEndpoint, ready: boolean, waits = true): void {
    if (endpoint.heapIndex >= 0) (endpoint.isReady ? this.#ready : this.#waiting).remove(endpoint);
    if (endpoint.turn.heapIndex >= 0) {
      const line = this.#lineOf(endpoint.origin);
      line.turns.remove(endpoint.turn);
      this.#relocate(line);
    }
    endpoint.isReady = ready && waits;
    if (!waits) return;
    if (ready) {
      this.#ready.push(endpoint);
      const line = this.#lineOf(endpoint.origin);
      line.turns.push(endpoint.turn);
      this.#relocate(line);
    } else this.#waiting.push(endpoint);
  }

  /** The line of `origin`'s turns (created empty when it has none). */
  #lineOf(origin: string): OriginLine {
    let line = this.#lines.get(origin);
    if (line === undefined) {
      line = new OriginLine(origin);
      this.#lines.set(origin, line);
    }
    return line;
  }

  /** Keeps a line's place in the heap of lines after its first turn changed (dropped if empty). */
  #relocate(line: OriginLine): void {
    if (line.turns.size === 0) {
      if (line.heapIndex >= 0) this.#lineHeap.remove(line);
      this.#lines.delete(line.origin);
    } else if (line.heapIndex < 0) this.#lineHeap.push(line);
    else this.#lineHeap.update(line);
  }

  /** Every endpoint whose earliest waiting delivery is due at `nowMs` gets a turn. */
  #promoteDue(nowMs: number): void {
    for (;;) {
      const endpoint = this.#waiting.peek();
      if (endpoint === undefined) return;
      if (((endpoint.due.peek() as StoredDelivery).nextAttemptAtMs as number) > nowMs) return;
      this.#setReady(endpoint, true);
    }
  }

  /** Ends a delivery's claim: out of the lease heap, or out of the due heap after a lapse. */
  #unclaim(delivery: StoredDelivery, endpoint: StoredEndpoint | undefined): void {
    const claim = delivery.claim;
    delivery.claim = null;
    if (claim !== null && claim.heapIndex >= 0) {
      this.#leases.remove(claim);
      endpoint?.claims.delete(claim);
    }
    if (delivery.heapIndex >= 0 && endpoint !== undefined) this.#unqueue(delivery, endpoint);
  }

  /** Lapsed claims: their deliveries wait again at their due time (the claim stays recorded). */
  #requeueLapsed(nowMs: number): void {
    for (;;) {
      const claim = this.#leases.peek();
      if (claim === undefined || claim.leaseUntilMs > nowMs) return;
      this.#leases.pop();
      const endpoint = this.#endpoints.get(claim.delivery.endpointId);
      if (endpoint === undefined) throw corrupt(claim.delivery.id); // deletion parks every claim
      endpoint.claims.delete(claim);
      this.#enqueue(claim.delivery, endpoint);
    }
  }

  /** Every PENDING delivery of the endpoint, waiting or in flight, becomes FAILED `reason`. */
  #parkPending(endpoint: StoredEndpoint, reason: StoredFailureReason, atMs: number): void {
    for (const delivery of endpoint.due.drain()) park(delivery, reason, atMs);
    this.#reposition(endpoint);
    for (const claim of endpoint.claims) {
      // The claim stays with its owner: the attempt in flight is still recorded.
      this.#leases.remove(claim);
      park(claim.delivery, reason, atMs);
    }
    endpoint.claims.clear();
  }
}

function corrupt(deliveryId: string): WebhookStorageError {
  return new WebhookStorageError(
    'storage_corrupt',
    `Delivery ${deliveryId} is PENDING for an endpoint that is not stored.`,
  );
}

function appendTo<V>(index: Map<string, V[]>, key: string, value: V): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [value]);
  else list.push(value);
}

/**
 * Takes the `count` deliveries of `gone` out of the history list `key`, keeping the others in
 * order, and drops the list once empty; returns how many are left. A list holds its deliveries in
 * insertion order, like the delivery map that `purgeBefore` walks, so the purged ones sit in the
 * part of the list that walk went through: only that prefix is rewritten, and a long list of a
 * busy endpoint is not copied on every batch.
 */
function removeFromIndex(
  index: Map<string, StoredDelivery[]>,
  key: string,
  gone: ReadonlySet<StoredDelivery>,
  count: number,
): number {
  const list = index.get(key);
  if (list === undefined) return 0;
  // The prefix that holds all `count` of them.
  let end = 0;
  for (let found = 0; found < count && end < list.length; end++) {
    if (gone.has(list[end] as StoredDelivery)) found++;
  }
  // Its survivors move to the back of the prefix, in order; then the front is cut off.
  let write = end;
  for (let read = end - 1; read >= 0; read--) {
    const delivery = list[read] as StoredDelivery;
    if (!gone.has(delivery)) list[--write] = delivery;
  }
  list.splice(0, write);
  if (list.length === 0) index.delete(key);
  return list.length;
}

/**
 * The history order (DESIGN.md §5.11): by creation or last attempt, ties by id in the same
 * direction; never-attempted deliveries sort after attempted ones in either direction.
 */
function historyOrder(query: DeliveryQuery): (a: StoredDelivery, b: StoredDelivery) => number {
  const sign = query.sortDirection === 'asc' ? 1 : -1;
  const byId = (a: StoredDelivery, b: StoredDelivery) =>
    a.id < b.id ? -sign : a.id > b.id ? sign : 0;
  if (query.sortField === 'createdAt') {
    return (a, b) => sign * (a.createdAtMs - b.createdAtMs) || byId(a, b);
  }
  return (a, b) => {
    const aMs = a.history?.lastAttemptAtMs ?? null;
    const bMs = b.history?.lastAttemptAtMs ?? null;
    if (aMs === null || bMs === null) {
      if (aMs !== bMs) return aMs === null ? 1 : -1;
      return byId(a, b);
    }
    return sign * (aMs - bMs) || byId(a, b);
  };
}

function oldestFirst(endpoints: Iterable<StoredEndpoint>): EndpointRecord[] {
  // Array.prototype.sort is stable: equal creation times keep insertion order.
  return Array.from(endpoints, (stored) => stored.record)
    .sort((a, b) => a.createdAtMs - b.createdAtMs)
    .map(copyEndpoint);
}

function applyChanges(record: EndpointRecord, changes: EndpointChanges): EndpointRecord {
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
