/**
 * The sender's storage port, shaped by domain operations rather than CRUD (docs/design.md §2), so
 * that each adapter can make each operation atomic: one transaction per call on PostgreSQL, no
 * `await` inside an operation in memory. One conformance suite (`test/helpers/storage-conformance/`)
 * runs against every adapter.
 *
 * Records are plain data; an adapter returns copies, never objects the caller can mutate.
 */

import type { HealthPolicy } from '../../core/retry/health-policy.js';
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  EndpointRecord,
  EndpointSecret,
  EndpointStatus,
  EventRecord,
  StoredFailureReason,
} from '../records.js';
import type {
  StorageChangeListener,
  StorageWatch,
  StorageWatchOptions,
} from './storage-changes.js';

/** The endpoint fields an update may replace (a merge patch already applied to values). */
export interface EndpointChanges {
  readonly url?: string;
  readonly description?: string | null;
  readonly events?: readonly string[];
  readonly partnerIds?: readonly string[] | null;
  readonly acceptedSchemaVersions?: readonly number[];
  readonly status?: EndpointStatus;
  readonly secrets?: readonly EndpointSecret[];
}

/** Input of {@link SenderStorage.updateEndpoint}. */
export interface EndpointUpdate {
  readonly organizationUuid: string;
  readonly endpointId: string;
  readonly changes: EndpointChanges;
  readonly nowMs: number;
  /**
   * With a status change to PAUSED or DISABLED: every PENDING delivery of the endpoint becomes
   * FAILED with this reason, in the same operation ("park, don't drop", docs/design.md §5.3).
   */
  readonly parkPending?: 'ENDPOINT_PAUSED' | 'ENDPOINT_DISABLED' | undefined;
  /** With a resume (status ACTIVE): the failure streak restarts (docs/design.md §5.3). */
  readonly resetHealth?: boolean | undefined;
}

/** Input of {@link SenderStorage.claimDue}. */
export interface ClaimDueInput {
  /** Now, epoch ms: deliveries due at or before it are claimable. */
  readonly nowMs: number;
  /** Most deliveries to claim. */
  readonly limit: number;
  /** How long the claim holds, ms. An unfinished claim lapses and the delivery is claimed again. */
  readonly leaseMs: number;
  /**
   * Who claims (a worker id), kept with the claim for diagnostics. Recording and releasing go by
   * the claim's `leaseToken`, not by the owner: a worker that claims a delivery again after its own
   * lease lapsed holds a new token, and its first attempt is refused (fencing).
   */
  readonly owner: string;
  /** Endpoints not to claim for (their in-flight cap is reached). */
  readonly skipEndpointIds?: ReadonlySet<string> | undefined;
  /**
   * At most this many deliveries per endpoint in flight: with `inFlightByEndpoint`, the claim
   * takes at most `maxPerEndpoint - inFlight` deliveries of each endpoint (docs/design.md §5.15), so
   * a backlog on one endpoint never fills the whole claim.
   */
  readonly maxPerEndpoint?: number | undefined;
  /** The caller's deliveries in flight per endpoint id (absent: none). */
  readonly inFlightByEndpoint?: ReadonlyMap<string, number> | undefined;
  /**
   * At most this many deliveries per origin in flight: with `inFlightByOrigin`, the claim takes at
   * most `maxPerOrigin - inFlight` deliveries whose endpoint URL has that origin (scheme, host and
   * port, as `originOf` spells it). The dispatcher passes its transport's connections per
   * origin, so no request waits for a connection inside its timeout (docs/design.md §5.18).
   */
  readonly maxPerOrigin?: number | undefined;
  /** The caller's deliveries in flight per origin (absent: none). */
  readonly inFlightByOrigin?: ReadonlyMap<string, number> | undefined;
  /**
   * The last places of `limit` kept for endpoints with nothing in flight (neither in
   * `inFlightByEndpoint` nor claimed earlier in this call): a delivery of an endpoint that has one
   * in flight is claimed only while more than this many places are left. The dispatcher passes
   * its `reservedInFlight`, so that an endpoint's first delivery starts at once even while slow
   * endpoints hold every other slot (docs/design.md §5.17).
   * @default 0
   */
  readonly reservedForIdle?: number | undefined;
}

/** A claimed delivery with what sending it needs. */
export interface ClaimedDelivery {
  readonly delivery: DeliveryRecord;
  readonly event: EventRecord;
  readonly endpoint: EndpointRecord;
  /**
   * This claim's lease token, opaque and new for every claim: `recordAttempt` and `releaseClaim`
   * act only with the token of the claim that holds the delivery now (fencing). A claim that
   * lapsed and was claimed again, by any worker, is refused.
   */
  readonly leaseToken: string;
}

/** What the sender decided about a claimed delivery after one attempt. */
export interface AttemptDecision {
  /** PENDING with `nextAttemptAtMs` for a retry; DELIVERED or FAILED when final. */
  readonly status: DeliveryStatus;
  readonly nextAttemptAtMs: number | null;
  readonly failureReason: StoredFailureReason | null;
}

/** Input of {@link SenderStorage.recordAttempt}. */
export interface RecordAttemptInput {
  readonly deliveryId: string;
  /**
   * The claim's `leaseToken` (from `claimDue`); a claim that lapsed and was claimed again makes
   * the call a no-op that returns `null`.
   */
  readonly leaseToken: string;
  readonly attempt: AttemptRecord;
  readonly decision: AttemptDecision;
  /**
   * The health policy to apply to the endpoint's streak in the same operation, or `null` to leave
   * health alone (test fires, docs/design.md §5.8). When it trips on an ACTIVE endpoint, the endpoint
   * takes the policy's status and its PENDING deliveries (this one included) are parked.
   */
  readonly healthPolicy: HealthPolicy | null;
}

/** Result of {@link SenderStorage.recordAttempt}. */
export interface RecordAttemptResult {
  readonly delivery: DeliveryRecord;
  /** The endpoint after the update (`null` if it was deleted meanwhile). */
  readonly endpoint: EndpointRecord | null;
  /** `pause` / `disable` when this attempt tripped the health policy; otherwise `stay`. */
  readonly transition: 'stay' | 'pause' | 'disable';
  readonly transitionReason: 'consecutive_failures' | 'failure_duration' | null;
}

/** A page of delivery history (docs/design.md §5.11). */
export interface DeliveryQuery {
  readonly organizationUuid: string;
  /** Only this endpoint's deliveries. */
  readonly endpointId?: string | undefined;
  /** Only this event's deliveries. */
  readonly eventId?: string | undefined;
  readonly status?: DeliveryStatus | undefined;
  /** Only deliveries created strictly after this time, epoch ms (`since` is exclusive). */
  readonly sinceMs?: number | undefined;
  /** Zero-based. */
  readonly page: number;
  /** 1 to 100. */
  readonly size: number;
  /** `lastAttemptAt` sorts deliveries never attempted last, whatever the direction. */
  readonly sortField: 'createdAt' | 'lastAttemptAt';
  readonly sortDirection: 'asc' | 'desc';
}

/** One page of {@link DeliveryQuery} results and the total count of matches. */
export interface DeliveryPage {
  readonly items: readonly DeliveryRecord[];
  readonly totalElements: number;
}

/**
 * The sender's storage. Every method is one atomic operation. Idempotency-Key records are not
 * here: they have their own port, `IdempotencyStore` (`idempotency-store.ts`).
 */
export interface SenderStorage {
  /** Stores a new endpoint. */
  insertEndpoint(endpoint: EndpointRecord): Promise<void>;
  /** One endpoint of an organization, or `null` (another organization's id is `null` too). */
  getEndpoint(organizationUuid: string, endpointId: string): Promise<EndpointRecord | null>;
  /** An organization's endpoints, oldest first. */
  listEndpoints(organizationUuid: string): Promise<readonly EndpointRecord[]>;
  /** Every endpoint of every organization (to build the subscription indexes at start). */
  listAllEndpoints(): Promise<readonly EndpointRecord[]>;
  /** Applies changes (and parks or resets, see {@link EndpointUpdate}); `null` if not found. */
  updateEndpoint(update: EndpointUpdate): Promise<EndpointRecord | null>;
  /**
   * Deletes an endpoint; its PENDING deliveries become FAILED `ENDPOINT_DELETED`.
   * @returns whether it existed.
   */
  deleteEndpoint(organizationUuid: string, endpointId: string, nowMs: number): Promise<boolean>;

  /**
   * Stores an event and its deliveries (possibly none) together. A PENDING delivery whose endpoint
   * is not ACTIVE in storage is stored parked (FAILED `ENDPOINT_PAUSED` / `ENDPOINT_DISABLED`;
   * `ENDPOINT_DELETED` when the endpoint is gone): the stored status decides, not the caller's
   * possibly stale view. A test delivery (`test: true`) may stay PENDING for a PAUSED endpoint.
   */
  insertEvent(event: EventRecord, deliveries: readonly DeliveryRecord[]): Promise<void>;
  /** Adds deliveries of a stored event (meta-events, replays, test fires). */
  insertDeliveries(deliveries: readonly DeliveryRecord[]): Promise<void>;
  /** One event of an organization, or `null`. */
  getEvent(organizationUuid: string, eventId: string): Promise<EventRecord | null>;
  /** One delivery of an organization, or `null`. */
  getDelivery(organizationUuid: string, deliveryId: string): Promise<DeliveryRecord | null>;
  /** Delivery history: filtered, sorted (ties by id), one page. */
  listDeliveries(query: DeliveryQuery): Promise<DeliveryPage>;
  /** A delivery's attempts, first first. */
  listAttempts(deliveryId: string): Promise<readonly AttemptRecord[]>;

  /**
   * Claims up to `limit` PENDING deliveries due at or before `nowMs` whose claim is free or has
   * lapsed, and holds them for `leaseMs` (docs/design.md §2), within the per-endpoint and per-origin
   * rooms of the input.
   *
   * Fair dispatch (docs/design.md §5.17): endpoints that have a due delivery take turns,
   * one delivery per turn, least recently claimed endpoint first (an endpoint never claimed before
   * comes before every endpoint claimed before; ties go to the endpoint whose earliest due
   * delivery is oldest); inside one endpoint, the earliest due delivery first (ties in the order
   * the deliveries became due: inserted, retried or released; a delivery whose claim lapsed keeps
   * the place it had before that claim). "Least recently claimed" spans calls and workers: a claim that
   * takes a delivery of an endpoint sends it to the back of the line. So an endpoint with one due
   * delivery waits behind at most one delivery of each other endpoint, however long their
   * backlogs, and a claim with `limit: 1` takes it as soon as every other endpoint with due work
   * was claimed after it last was.
   */
  claimDue(input: ClaimDueInput): Promise<readonly ClaimedDelivery[]>;
  /**
   * Records one attempt of a claimed delivery: appends the attempt, applies the decision, updates
   * the endpoint's health (and its status when the policy trips, parking its PENDING deliveries),
   * and frees the claim. A decision to retry (PENDING) on an endpoint that is no longer ACTIVE
   * parks the delivery instead (FAILED `ENDPOINT_PAUSED` / `ENDPOINT_DISABLED`). If the delivery
   * was parked while its attempt was in flight, the attempt is still appended; a success makes it
   * DELIVERED, a failure leaves it parked.
   * @returns the outcome, or `null` when `leaseToken` is not the token of the delivery's claim any
   *   more (it lapsed and the delivery was claimed again, by this worker or another): nothing is
   *   written.
   */
  recordAttempt(input: RecordAttemptInput): Promise<RecordAttemptResult | null>;
  /**
   * Frees a claim without an attempt (a stopping worker): the delivery is due again at once. A
   * `leaseToken` that is not the delivery's current claim's changes nothing.
   */
  releaseClaim(deliveryId: string, leaseToken: string): Promise<void>;
  /**
   * When the next delivery becomes claimable: the earliest `nextAttemptAtMs` of an unclaimed
   * PENDING delivery, or the lease expiry of a claimed one; `null` when nothing is PENDING.
   */
  nextDueAtMs(): Promise<number | null>;

  /**
   * Retention (docs/design.md §5.11: purged rows are gone). Deletes up to `limit` final (DELIVERED or
   * FAILED) deliveries whose `updatedAtMs` is before `cutoffMs`, with their attempts; a PENDING
   * delivery is never deleted. Also deletes, however many, the events created before `cutoffMs`
   * that have no delivery left: an event whose last delivery this call deleted at once, the
   * others at the latest in a call that returns less than `limit`. A caller that repeats the
   * call until it returns less than `limit` has purged everything eligible, in batches of bounded
   * size.
   * @returns how many deliveries were deleted (at most `limit`).
   */
  purgeBefore(cutoffMs: number, limit: number): Promise<number>;

  /**
   * Optional: what one `claimDue` costs, for the dispatcher's default `claimAhead`. `'round-trip'`
   * (a network round trip and a transaction, as on PostgreSQL): the dispatcher claims deliveries
   * ahead of its free slots and starts them the moment a slot of their endpoint frees, instead of
   * one claim per freed slot (docs/design.md §5.33). `'in-process'` (absent; `MemoryStorage`): a
   * claim is as cheap as a function call, and nothing is claimed ahead.
   */
  readonly claimCost?: 'in-process' | 'round-trip' | undefined;

  /**
   * Optional: the change feed of a storage several processes share (`storage-changes.ts`). The
   * running sender subscribes at `start()` and closes the subscription at `stop()`: `due` wakes
   * its dispatcher, `endpointChanged` drops that organization's cached subscription index (the
   * next publish reads it again), `resync` drops every cached index and claims once, `failed` is
   * logged (once a minute per kind, docs/design.md §5.23). Without it, another process's work is
   * claimed at the next poll (`pollIntervalMs`) and its endpoint changes are seen once the cache
   * expires (`endpointCacheTtlMs`). Polling stays the backstop with it. A storage one process
   * owns, such as `MemoryStorage`, leaves it out.
   *
   * Resolves once listening; connection failures go to `listener.failed` and are retried with
   * backoff until `options.signal` aborts.
   *
   * @throws the signal's reason when `options.signal` aborts before the feed listens.
   */
  watch?(listener: StorageChangeListener, options?: StorageWatchOptions): Promise<StorageWatch>;
}
