// The memory storage's scheduling indexes (see memory-storage.ts for the operations).
//
// Scheduling is data (docs/design.md §2): every PENDING delivery waits in a binary min-heap keyed by
// (due time, sequence), never behind its own timer. There is one such heap per endpoint, and the
// endpoints with waiting deliveries sit in heaps of their own, so that `claimDue` pays once per
// skipped endpoint, not once per waiting delivery of a busy endpoint (otherwise a backlog of
// 100,000 deliveries behind an endpoint at its in-flight cap would be scanned on every claim):
// - `waiting`: endpoints whose earliest delivery was not due at the last claim, by that delivery;
// - `ready` (by earliest delivery): endpoints with due work, which take turns in claims, least
//   recently claimed first (fair dispatch, docs/design.md §5.17). Their turns wait in one line per
//   origin, and the lines in a heap keyed by their first turn: the head of the first line is the
//   endpoint whose turn it is, and an origin at its room is set aside whole, at the cost of one
//   line however many of its endpoints have due work (a multi-tenant receiver host). An endpoint
//   that becomes due moves from `waiting` to `ready` at the next claim.
// Claims wait in a heap keyed by lease expiry; a lapsed claim goes back to its endpoint's heap.
// Every heap tracks each item's position, so removal is eager and no heap ever holds a stale
// entry: sizes follow the live work, with nothing to compact.

import type { ClaimDueInput, ClaimedDelivery } from '../ports/sender-storage.js';
import type { StoredFailureReason } from '../records.js';
import { type HeapItem, IndexedHeap } from './indexed-heap.js';
import {
  Claim,
  corrupt,
  dueFirst,
  park,
  type StoredDelivery,
  type StoredEndpoint,
  type Turn,
  toDeliveryRecord,
} from './stored-records.js';

/** The turns of one origin's ready endpoints; in the heap of lines while it has any. */
class OriginLine implements HeapItem {
  heapIndex = -1;
  readonly origin: string;
  readonly turns = new IndexedHeap<Turn>(longestWaitingTurnFirst);

  constructor(origin: string) {
    this.origin = origin;
  }
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

/**
 * The due deliveries of a memory storage and their claims: which endpoint's turn it is, which
 * delivery it gives, and when the next one falls due. Holds the stored endpoints' places (their
 * `due` heaps are the endpoints' own); the storage calls it from its operations, never with an
 * `await` in between.
 */
export class DueSchedule {
  /** The storage's endpoints by id (read only: a lapsed claim finds its endpoint here). */
  readonly #endpoints: ReadonlyMap<string, StoredEndpoint>;
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
  #seq = 0;

  constructor(endpoints: ReadonlyMap<string, StoredEndpoint>) {
    this.#endpoints = endpoints;
  }

  /** `SenderStorage.claimDue`: fair turns within the input's rooms (docs/design.md §5.17). */
  claim(input: ClaimDueInput): ClaimedDelivery[] {
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
      delivery.claim = claim; // a lapsed claim's token stops counting here
      this.#leases.push(claim);
      endpoint.claims.add(claim);
      byEndpoint.set(id, (byEndpoint.get(id) ?? 0) + 1);
      byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + 1);
      claimed.push({
        delivery: toDeliveryRecord(delivery),
        event: delivery.event,
        endpoint: endpoint.shared,
        leaseToken: claim.token,
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

  /** `SenderStorage.nextDueAtMs`: a claimed delivery counts at its lease expiry. */
  nextDueAtMs(): number | null {
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

  /**
   * Puts a PENDING delivery in its endpoint's due heap, behind the deliveries already due at the
   * same time (it became due now: inserted, retried or released).
   */
  enqueue(delivery: StoredDelivery, endpoint: StoredEndpoint): void {
    delivery.seq = ++this.#seq;
    this.#wait(delivery, endpoint);
  }

  /** Puts a delivery back in its endpoint's due heap with the order key it had (`seq`). */
  #wait(delivery: StoredDelivery, endpoint: StoredEndpoint): void {
    endpoint.due.push(delivery);
    this.#reposition(endpoint);
  }

  /** Ends a delivery's claim: out of the lease heap, or out of the due heap after a lapse. */
  unclaim(delivery: StoredDelivery, endpoint: StoredEndpoint | undefined): void {
    const claim = delivery.claim;
    delivery.claim = null;
    if (claim !== null && claim.heapIndex >= 0) {
      this.#leases.remove(claim);
      endpoint?.claims.delete(claim);
    }
    if (delivery.heapIndex >= 0 && endpoint !== undefined) this.#unqueue(delivery, endpoint);
  }

  /**
   * Before the endpoint's URL changes: a new URL may mean a new origin, so its turn leaves the old
   * origin's line (back at the next claim).
   */
  leaveLine(endpoint: StoredEndpoint): void {
    if (endpoint.isReady) this.#setReady(endpoint, false);
  }

  /** Every PENDING delivery of the endpoint, waiting or in flight, becomes FAILED `reason`. */
  parkPending(endpoint: StoredEndpoint, reason: StoredFailureReason, atMs: number): void {
    for (const delivery of endpoint.due.drain()) park(delivery, reason, atMs);
    this.#reposition(endpoint);
    for (const claim of endpoint.claims) {
      // The claim stays with its owner: the attempt in flight is still recorded.
      this.#leases.remove(claim);
      park(claim.delivery, reason, atMs);
    }
    endpoint.claims.clear();
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

  /**
   * Lapsed claims: their deliveries wait again at their due time, in the place they had in their
   * endpoint's line before the claim (their `seq` is unchanged: a lapse is not a new due time,
   * and an adapter can order by a key stored once, docs/design.md §5.17). The claim stays
   * recorded until the delivery is claimed again.
   */
  #requeueLapsed(nowMs: number): void {
    for (;;) {
      const claim = this.#leases.peek();
      if (claim === undefined || claim.leaseUntilMs > nowMs) return;
      this.#leases.pop();
      const endpoint = this.#endpoints.get(claim.delivery.endpointId);
      if (endpoint === undefined) throw corrupt(claim.delivery.id); // deletion parks every claim
      endpoint.claims.delete(claim);
      this.#wait(claim.delivery, endpoint);
    }
  }
}
