/**
 * The in-memory {@link SenderStorage}: tests and single-process apps (docs/design.md §6).
 *
 * This file holds the operations; the data structures live in `memory/`: the stored records and
 * their copies (`stored-records.ts`), the scheduling indexes that decide which delivery a claim
 * takes (`due-schedule.ts`, on `indexed-heap.ts`) and the history indexes (`history-index.ts`).
 * Idempotency-Key records are another port's (`MemoryIdempotencyStore`).
 *
 * Every method runs without an `await`, so each is atomic with respect to every other call.
 * Records go in and come out as copies: a caller never holds an object the storage keeps and can
 * change. Events, and endpoints as claims and attempts return them, come out as deep-frozen copies
 * shared between calls (one per event, one per change of an endpoint).
 */

import { WebhookConflictError } from '../core/errors.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { HEALTHY } from '../core/retry/health-policy.js';
import { healthAfterAttempt, stateAfterAttempt } from './internal/attempt-outcome.js';
import { PARK_REASON } from './internal/park-reason.js';
import { DueSchedule } from './memory/due-schedule.js';
import { appendTo, historyOrder, removeFromIndex } from './memory/history-index.js';
import {
  applyChanges,
  copyAttempt,
  copyEndpoint,
  corrupt,
  flat,
  park,
  StoredDelivery,
  StoredEndpoint,
  storeEvent,
  toDeliveryRecord,
} from './memory/stored-records.js';
import type {
  ClaimDueInput,
  ClaimedDelivery,
  DeliveryPage,
  DeliveryQuery,
  EndpointUpdate,
  RecordAttemptInput,
  RecordAttemptResult,
  SenderStorage,
} from './ports/sender-storage.js';
import type { AttemptRecord, DeliveryRecord, EndpointRecord, EventRecord } from './records.js';

/**
 * Options of {@link MemoryStorage}. None exist yet; the parameter keeps `new MemoryStorage({…})`
 * source-compatible when some arrive. Any key is refused until then, so an option meant for
 * another constructor (`maxEntries`, the dedupe store's) is not silently ignored.
 */
export type MemoryStorageOptions = Readonly<Record<never, never>>;

/**
 * Every option of {@link MemoryStorageOptions}: none (a type test keeps the list complete when
 * one is added).
 */
export const MEMORY_STORAGE_OPTION_NAMES =
  [] as const satisfies readonly (keyof MemoryStorageOptions)[];

function conflict(code: 'not_found' | 'invalid_state', message: string): WebhookConflictError {
  return new WebhookConflictError(code, message);
}

/**
 * Sender storage in process memory: the default of `WebhookSender`, for tests and single-process
 * apps. Nothing survives a restart; use `PostgresStorage` for durability and several workers
 * (docs/design.md §6).
 *
 * Every operation is atomic (no `await` inside one), returns copies (events, and endpoints in
 * claims and attempts, as deep-frozen copies shared between calls), and is scoped by
 * organization: another organization's id reads as unknown. Due deliveries wait in heaps keyed
 * by due time, claimed with a lease (docs/design.md §2).
 *
 * Decisions where the port leaves room (the conformance suite pins each one):
 * - A claim is held until its token records or releases it, or the lapsed delivery is claimed
 *   again (by any worker, its former owner included: the new claim has a new token);
 *   `recordAttempt` after a lapse that nobody took over still counts. Tokens are `c` and a
 *   number unique within the storage.
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
 *   the call that finds fewer walks every delivery and event once.
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
  /** The due deliveries and their claims: fair turns, per-origin lines, leases. */
  readonly #schedule = new DueSchedule(this.#endpoints);

  /**
   * @param options - none yet, see {@link MemoryStorageOptions}.
   * @throws WebhookValidationError `invalid_option` for a value that is not an object, or any key.
   */
  constructor(options?: MemoryStorageOptions) {
    if (options === undefined) return;
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw invalidOption(
        'options',
        `MemoryStorage: expected an options object or nothing, got ${describeValue(options)}.`,
        'invalid_type',
      );
    }
    assertKnownOptions(options, MEMORY_STORAGE_OPTION_NAMES, 'MemoryStorage');
  }

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
    if (update.changes.url !== undefined) this.#schedule.leaveLine(stored);
    stored.record = {
      ...applyChanges(stored.record, update.changes),
      health: update.resetHealth === true ? HEALTHY : stored.record.health,
      updatedAtMs: update.nowMs,
    };
    if (update.parkPending !== undefined) {
      this.#schedule.parkPending(stored, update.parkPending, update.nowMs);
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
    this.#schedule.parkPending(stored, 'ENDPOINT_DELETED', nowMs);
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
    return this.#schedule.claim(input);
  }

  async recordAttempt(input: RecordAttemptInput): Promise<RecordAttemptResult | null> {
    const { attempt, decision, healthPolicy } = input;
    const delivery = this.#deliveries.get(input.deliveryId);
    if (delivery === undefined || delivery.claim?.token !== input.leaseToken) return null;
    if (decision.status === 'PENDING' && !Number.isFinite(decision.nextAttemptAtMs)) {
      throw conflict(
        'invalid_state',
        `A PENDING decision needs nextAttemptAtMs as epoch ms, got ${String(decision.nextAttemptAtMs)}.`,
      );
    }
    const endedAtMs = attempt.startedAtMs + attempt.durationMs;
    const endpoint = this.#endpoints.get(delivery.endpointId);
    this.#schedule.unclaim(delivery, endpoint);

    delivery.history ??= {
      attempts: 0,
      firstAttemptAtMs: null,
      lastAttemptAtMs: null,
      lastStatusCode: null,
      lastFailureReason: null,
      log: [],
    };
    const history = delivery.history;
    history.log.push(copyAttempt(attempt));
    history.attempts += 1;
    history.firstAttemptAtMs ??= attempt.startedAtMs;
    history.lastAttemptAtMs = attempt.startedAtMs;
    history.lastStatusCode = attempt.statusCode;
    history.lastFailureReason = attempt.failureReason;
    delivery.updatedAtMs = endedAtMs;

    const after = stateAfterAttempt(delivery, decision);
    delivery.status = after.status;
    delivery.nextAttemptAtMs = after.nextAttemptAtMs;
    delivery.failureReason = after.failureReason;

    let transition: RecordAttemptResult['transition'] = 'stay';
    let transitionReason: RecordAttemptResult['transitionReason'] = null;
    if (endpoint !== undefined && healthPolicy !== null) {
      const health = healthAfterAttempt(endpoint.record, healthPolicy, attempt, endedAtMs);
      // Only a change makes a new record (and a new shared copy).
      if (health.changed !== null) endpoint.record = health.changed;
      if (health.transition !== 'stay') {
        // Take the endpoint out of rotation and park its pending work (docs/design.md §5.2, §5.3).
        transition = health.transition;
        transitionReason = health.transitionReason;
        this.#schedule.parkPending(endpoint, PARK_REASON[healthPolicy.action], endedAtMs);
      }
    }
    if (delivery.status === 'PENDING') {
      if (endpoint === undefined) park(delivery, 'ENDPOINT_DELETED', endedAtMs);
      else if (endpoint.record.status !== 'ACTIVE') {
        // No retries on an endpoint out of rotation: park, don't drop (docs/design.md §5.3).
        park(delivery, PARK_REASON[endpoint.record.status], endedAtMs);
      } else this.#schedule.enqueue(delivery, endpoint);
    }
    return {
      delivery: toDeliveryRecord(delivery),
      endpoint: endpoint === undefined ? null : endpoint.shared,
      transition,
      transitionReason,
    };
  }

  async releaseClaim(deliveryId: string, leaseToken: string): Promise<void> {
    const delivery = this.#deliveries.get(deliveryId);
    if (delivery === undefined || delivery.claim?.token !== leaseToken) return;
    const endpoint = this.#endpoints.get(delivery.endpointId);
    this.#schedule.unclaim(delivery, endpoint);
    if (delivery.status === 'PENDING' && endpoint !== undefined)
      this.#schedule.enqueue(delivery, endpoint);
  }

  async nextDueAtMs(): Promise<number | null> {
    return this.#schedule.nextDueAtMs();
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
    }
    return purged.length;
  }

  // --------------------------------------------------------------------------------- private

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
        // cache in another process): park, don't drop (docs/design.md §5.3). A test fire may go to a
        // PAUSED endpoint (§5.8).
        const status = endpoint.record.status;
        if (status === 'DISABLED' || (status === 'PAUSED' && !record.test)) {
          park(stored, PARK_REASON[status], record.updatedAtMs);
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
      this.#schedule.enqueue(delivery, endpoint);
    }
  }
}

function oldestFirst(endpoints: Iterable<StoredEndpoint>): EndpointRecord[] {
  // Array.prototype.sort is stable: equal creation times keep insertion order.
  return Array.from(endpoints, (stored) => stored.record)
    .sort((a, b) => a.createdAtMs - b.createdAtMs)
    .map(copyEndpoint);
}
