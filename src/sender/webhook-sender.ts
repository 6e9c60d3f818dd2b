// The sender's facade: `WebhookSender` checks its options (`internal/sender-options.ts`), builds
// one context (the ports and the per-organization subscription indexes, `sender-context.ts`) and
// delegates each public method to the module of its concern in `internal/`: endpoints and rotation
// (`endpoint-registry.ts`), publish and fan-out (`publisher.ts`), history and retention
// (`delivery-history.ts`), replay, recover and test fire (`manual-deliveries.ts`), Idempotency-Key
// (`idempotency-guard.ts`), and the dispatch loop (`dispatcher.ts`). The public types and TSDoc
// stay here.

import type { EventSource } from '../core/catalog/enum-values.js';
import type {
  CatalogEventType,
  EventCatalog,
  UntypedEventDataMap,
} from '../core/catalog/event-catalog.js';
import type { EventDataMap } from '../core/catalog/event-data.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import type { WireProfile } from '../core/profiles/wire-profile.js';
import type { RandomSource } from '../core/random.js';
import type { AttemptView, DeliveryView } from './delivery-view.js';
import type { EndpointView } from './endpoint-view.js';
import { DeliveryHistory } from './internal/delivery-history.js';
import { Dispatcher } from './internal/dispatcher.js';
import type { CreateEndpointInput, UpdateEndpointInput } from './internal/endpoint-input.js';
import { EndpointRegistry } from './internal/endpoint-registry.js';
import type { DeliveryHistoryQuery } from './internal/history-query.js';
import { HookBus } from './internal/hook-bus.js';
import { IdempotencyGuard } from './internal/idempotency-guard.js';
import { ManualDeliveries } from './internal/manual-deliveries.js';
import { backlogAgeFrom } from './internal/metrics/backlog-age.js';
import { Publisher } from './internal/publisher.js';
import type { SenderContext } from './internal/sender-context.js';
import { parseSenderOptions } from './internal/sender-options.js';
import { StorageChangeSubscription } from './internal/storage-change-subscription.js';
import { SubscriptionCache } from './internal/subscription-cache.js';
import type { Clock } from './ports/clock.js';
import type { IdempotencyStore } from './ports/idempotency-store.js';
import type { Logger } from './ports/logger.js';
import type { Notifier } from './ports/notifier.js';
import type { SenderStorage } from './ports/sender-storage.js';
import type { Transport } from './ports/transport.js';
import type { EventRecord, IdempotencyResponse } from './records.js';
import type { SenderEventName, SenderListener } from './sender-events.js';

/**
 * Options of {@link WebhookSender}.
 *
 * @typeParam D - the event data types the sender publishes, by type (see {@link WebhookSender}).
 *   Inferred from `catalog`, else from `profile`; `EventDataMap` (Novatrade24) by default.
 */
export interface WebhookSenderOptions<D = EventDataMap> {
  /**
   * Where endpoints, events, deliveries and attempts live.
   * @default new MemoryStorage()
   */
  readonly storage?: SenderStorage | undefined;
  /**
   * Where `withIdempotencyKey` keeps its Idempotency-Key records (docs/design.md §5.10). Several
   * processes serving one API need one shared store: with the in-memory default, a retry that
   * reaches another process runs the write again. Expired records are deleted by `purgeExpired`.
   * @default new MemoryIdempotencyStore()
   */
  readonly idempotencyStore?: IdempotencyStore | undefined;
  /**
   * How requests are sent. Required: pass `new HttpTransport()` (from this entry point) in
   * production, with `allowPrivateNetworks: true` only for local development and tests.
   */
  readonly transport: Transport;
  /**
   * The event types this sender publishes and endpoints subscribe to, with their `data` schemas
   * and versions: a catalog from `createEventCatalog`, whose static types then type `publish` and
   * `testEndpoint`. Declared before `profile`: when both are given, the catalog's types win.
   * @default the profile's catalog: `NOVATRADE_CATALOG`, or the 14 EUDR types for `EUDR_PROFILE`
   */
  readonly catalog?: EventCatalog<D> | undefined;
  /**
   * The wire profile: body, headers, signature, retry and health policies, timeout (docs/design.md §4).
   * Without `catalog`, its event data types type `publish` (`EUDR_PROFILE`: the EUDR events).
   * A custom profile's values are checked at construction: its `retryPolicy` (at least one retry)
   * and `healthPolicy` by the core's `assertRetryPolicy` and `assertHealthPolicy`, its `timeoutMs`
   * an integer from 1 to 2^31 - 1; each failure is `invalid_option` at a path under `profile.`.
   * @default NOVATRADE_PROFILE
   */
  readonly profile?: WireProfile<D> | WireProfile | undefined;
  /**
   * The time, in epoch ms. Tests pass a fake clock and drive the dispatcher with `processDue()`.
   * @default { now: () => Date.now() }
   */
  readonly clock?: Clock | undefined;
  /**
   * Where the sender logs, pino-style `(fields, message)`. By default warnings and errors go to
   * `process.stderr`, one JSON line each: a blocked destination, an auto-pause, a terminal
   * failure, a request that could not be built, a failing notifier, meta-event, storage call or
   * transport; a run of the same warning about one endpoint is written once a minute. Never a
   * secret, a signature or a body (docs/design.md §5.23). `'silent'` prints nothing.
   * @default createStderrLogger()
   */
  readonly logger?: Logger | 'silent' | undefined;
  /** Who hears about auto-paused endpoints (the "email to the admin"). @default none */
  readonly notifier?: Notifier | undefined;
  /** Random bytes for ids and secrets. @default WebCrypto */
  readonly random?: RandomSource | undefined;
  /**
   * Accept `http:` endpoint URLs (local development). @default false: `https:` only (§5.14)
   */
  readonly allowInsecureUrls?: boolean | undefined;
  /**
   * Let `publish` and `testEndpoint` send enum values the catalog does not define (a
   * `decision` added by the receiving side before this SDK knows it). Off, a producer sends only
   * what its catalog defines: an unknown value is `invalid_event` at its field's path, while
   * receivers stay lenient (docs/design.md §5.24). The other checks of `data` still apply, and
   * meta-events the sender builds are always checked strictly.
   * @default false
   */
  readonly allowUnknownEnumValues?: boolean | undefined;
  /**
   * How long a claimed delivery stays claimed, ms. Must exceed the profile's timeout plus 5 s, so
   * a live worker's claim never lapses mid-request (docs/design.md §2).
   * @default profile.timeoutMs + 30_000
   */
  readonly leaseMs?: number | undefined;
  /** In-flight deliveries per endpoint (docs/design.md §5.15). @default 10 */
  readonly maxInFlightPerEndpoint?: number | undefined;
  /**
   * In-flight deliveries overall. Attempts to one origin (scheme, host, port) are also capped, at
   * the transport's `connectionsPerOrigin` (`HttpTransport`'s `connections` option, 32 by
   * default), so that no attempt waits for a connection inside its timeout.
   * @default 100
   */
  readonly maxInFlight?: number | undefined;
  /**
   * Of `maxInFlight`, how many slots only endpoints with nothing in flight may take: an
   * endpoint's first delivery starts at once even while slow endpoints hold every other slot
   * (fair dispatch, docs/design.md §5.17). An integer from 0 (none kept) to `maxInFlight - 1`.
   * @default Math.floor(maxInFlight / 10)
   */
  readonly reservedInFlight?: number | undefined;
  /**
   * Deliveries per endpoint the running dispatcher claims beyond what it can send at once. They
   * wait in this process, leased, and start the moment a slot of their endpoint frees, with no
   * claim in between: on a storage whose claim is a round trip, one claim per freed slot would
   * cap an endpoint near `maxInFlightPerEndpoint` deliveries per claim's duration. At most
   * `maxInFlight` wait in all; a waiting delivery whose lease could lapse during its attempt, or
   * whose endpoint changed meanwhile, is handed back to storage unsent (docs/design.md §5.33).
   * An integer from 0 (claim only for free slots).
   * @default 4 × maxInFlightPerEndpoint when `storage.claimCost` is `'round-trip'`
   * (PostgresStorage), else 0 (MemoryStorage)
   */
  readonly claimAhead?: number | undefined;
  /** Longest the running dispatcher sleeps between checks for due work, ms. @default 1000 */
  readonly pollIntervalMs?: number | undefined;
  /** This worker's name in claims. @default a random `worker_…` id */
  readonly workerId?: string | undefined;
  /**
   * How long this process trusts its cached subscription index of an organization before reading
   * the endpoints from storage again, ms. Changes made through this sender apply at once; the TTL
   * bounds how long another process's changes (several senders on one storage, docs/design.md §6) can
   * go unseen: a new endpoint may miss events, a resumed one may get them parked, for that long.
   * A started sender on a storage with a change feed (`SenderStorage.watch`) sees them at once,
   * and the TTL is only the backstop.
   * Storage re-checks each endpoint's status when deliveries are stored, so a stale cache never
   * sends to a paused endpoint. `0` reads storage on every publish.
   * @default 5000
   */
  readonly endpointCacheTtlMs?: number | undefined;
  /**
   * How long delivery history is kept and replayable, ms (docs/design.md §5.11).
   * @default 2_592_000_000 (30 days)
   */
  readonly retentionMs?: number | undefined;
  /** How often the running dispatcher purges expired history, ms. @default 3_600_000 (1 h) */
  readonly purgeIntervalMs?: number | undefined;
}

/**
 * Every option of {@link WebhookSenderOptions}, the one list the constructor checks keys against,
 * so a misspelt option is refused with the nearest name instead of being ignored (a type test
 * keeps the list complete).
 */
export const WEBHOOK_SENDER_OPTION_NAMES = [
  'storage',
  'idempotencyStore',
  'transport',
  'catalog',
  'profile',
  'clock',
  'logger',
  'notifier',
  'random',
  'allowInsecureUrls',
  'allowUnknownEnumValues',
  'leaseMs',
  'maxInFlightPerEndpoint',
  'maxInFlight',
  'reservedInFlight',
  'claimAhead',
  'pollIntervalMs',
  'workerId',
  'endpointCacheTtlMs',
  'retentionMs',
  'purgeIntervalMs',
] as const satisfies readonly (keyof WebhookSenderOptions)[];

/** One page of delivery history (docs/design.md §5.11). */
export interface DeliveryHistoryPage {
  readonly data: readonly DeliveryView[];
  readonly pagination: {
    readonly page: number;
    readonly size: number;
    readonly totalElements: number;
    readonly totalPages: number;
    readonly hasNext: boolean;
    readonly hasPrevious: boolean;
  };
}

/**
 * Input of {@link WebhookSender.publish}: an event type `T` of the sender's catalog and its
 * `data`. `publish` infers `T` from the literal `type`, so `data` is that type's data
 * (`EventData<'compliance.decision_made'>` on the Novatrade24 catalog). Without type arguments:
 * any Novatrade24 type with the data of any of them; name `T` to pin one.
 *
 * @typeParam D - the sender's event data types, by type (`EventDataMap`, `EudrEventDataMap`, a
 *   custom catalog's `EventDataMapOf<typeof catalog>`, or `unknown` for any type and object).
 * @typeParam T - the event type (or a union of them).
 * @example
 * ```ts
 * const input: PublishInput<EventDataMap, 'compliance.decision_made'> = {
 *   organizationUuid: org, type: 'compliance.decision_made', partnerUuid,
 *   data: { orderUuid, decision: 'VALID_EXPORT' },
 * };
 * await sender.publish(input);
 * ```
 */
export interface PublishInput<
  D = EventDataMap,
  T extends CatalogEventType<D> = CatalogEventType<D>,
> {
  readonly organizationUuid: string;
  /** A type of the sender's catalog. */
  readonly type: T;
  /**
   * The payload, valid for the type's latest schema version. At run time unknown enum values are
   * refused unless the sender has `allowUnknownEnumValues` (docs/design.md §5.24).
   */
  readonly data: D[T];
  /** The partner the event concerns; required for partner events, `null` for organization ones. */
  readonly partnerUuid?: string | null | undefined;
  /** @default 'SYSTEM' */
  readonly source?: EventSource | undefined;
}

/**
 * Input of {@link WebhookSender.testEndpoint}: an event type `T` of the sender's catalog and its
 * `data`, typed as for {@link PublishInput}.
 *
 * @typeParam D - the sender's event data types, by type.
 * @typeParam T - the event type (or a union of them).
 * @example
 * ```ts
 * await sender.testEndpoint(org, endpointId, { eventType: 'compliance.decision_made',
 *   data: { orderUuid: ZERO_UUID, decision: 'VALID_EXPORT' } });
 * ```
 */
export interface TestEndpointInput<
  D = EventDataMap,
  T extends CatalogEventType<D> = CatalogEventType<D>,
> {
  /** A type of the sender's catalog. */
  readonly eventType: T;
  /** The payload, valid for the type's latest schema version (checked as `publish` checks it). */
  readonly data: D[T];
  /** @default the all-zero UUID */
  readonly partnerUuid?: string | undefined;
}

/** Result of {@link WebhookSender.publish}. */
export interface PublishResult {
  /** The stored event (its `id` is the `evt_…` every delivery carries). */
  readonly event: EventRecord;
  /** Deliveries created, PENDING and parked. */
  readonly deliveries: number;
}

/** Result of {@link WebhookSender.createEndpoint}: the view, and the secret, shown only here. */
export interface CreatedEndpoint {
  readonly endpoint: EndpointView;
  /** The signing secret. Store it now: no later call returns it (docs/design.md §6.2). */
  readonly secret: string;
}

/**
 * The embeddable delivery engine (docs/design.md §1, §2): an endpoint registry with subscriptions and
 * partner filters, fan-out of published events, signed HTTP delivery on a persistent retry
 * schedule, auto-pause with meta-events and a notifier, "park, don't drop" for paused endpoints.
 * Storage and transport are ports; the defaults keep everything in memory.
 *
 * Endpoints are scoped by `organizationUuid`: every call names the organization, and another
 * organization's ids are not found.
 *
 * `publish` and `testEndpoint` are typed by the sender's catalog: a type outside it, a missing
 * `data` field or a field of the wrong type fails `tsc`. At run time the catalog checks `data`
 * strictly, unknown enum values included (docs/design.md §5.24).
 *
 * @typeParam D - the event data types, by type, inferred from the options: `EventDataMap` (the
 *   Novatrade24 catalog, also the default), `EudrEventDataMap` for `EUDR_PROFILE`, a custom
 *   catalog's own map. `WebhookSender<UntypedEventDataMap>` accepts any type name and `data`
 *   object, still checked at run time: the escape for a type known only at run time
 *   (`sender as WebhookSender<UntypedEventDataMap>`).
 * @throws WebhookValidationError at construction: `invalid_option` naming the option (an unknown
 *   option is named with the nearest known one).
 * @example
 * ```ts
 * const sender = new WebhookSender({ transport: new HttpTransport() });
 * const { endpoint, secret } = await sender.createEndpoint(org, {
 *   url: 'https://partner.example/webhooks', events: ['compliance.*'],
 * });
 * sender.start();
 * await sender.publish({ organizationUuid: org, type: 'compliance.decision_made', partnerUuid,
 *   data: { orderUuid, decision: 'VALID_EXPORT' } });
 * ```
 */
export class WebhookSender<D = EventDataMap> {
  readonly #context: SenderContext;
  readonly #dispatcher: Dispatcher;
  readonly #endpoints: EndpointRegistry;
  readonly #publisher: Publisher;
  readonly #history: DeliveryHistory;
  readonly #manual: ManualDeliveries;
  readonly #idempotency: IdempotencyGuard;
  readonly #changes: StorageChangeSubscription;

  constructor(options: WebhookSenderOptions<D>) {
    assertKnownOptions(options, WEBHOOK_SENDER_OPTION_NAMES, 'WebhookSender');
    const settings = parseSenderOptions(options);
    const { storage, profile, catalog, eventTypes, clock, logger, random } = settings;
    const subscriptions = new SubscriptionCache({
      storage,
      clock,
      eventTypes,
      ttlMs: settings.endpointCacheTtlMs,
    });
    const context: SenderContext = {
      storage,
      profile,
      catalog,
      allowUnknownEnumValues: settings.allowUnknownEnumValues,
      clock,
      logger,
      random,
      hooks: new HookBus(logger, clock),
      rules: {
        eventTypes,
        allowInsecureUrls: settings.allowInsecureUrls,
        secretFormat: profile.secretFormat,
      },
      subscriptions,
      retentionMs: settings.retentionMs,
      wake: () => this.#dispatcher.wake(),
      endpointChanged: (endpointId) => this.#dispatcher.endpointChanged(endpointId),
    };
    this.#context = context;
    this.#endpoints = new EndpointRegistry(context);
    this.#publisher = new Publisher(context);
    this.#history = new DeliveryHistory(context);
    this.#manual = new ManualDeliveries(context);
    this.#idempotency = new IdempotencyGuard({
      store: settings.idempotencyStore,
      clock,
      logger,
      hooks: context.hooks,
    });
    this.#dispatcher = new Dispatcher({
      config: {
        profile,
        catalog: context.catalog,
        owner: settings.workerId,
        leaseMs: settings.leaseMs,
        maxInFlight: settings.maxInFlight,
        reservedInFlight: settings.reservedInFlight,
        maxInFlightPerEndpoint: settings.maxInFlightPerEndpoint,
        maxInFlightPerOrigin: settings.maxInFlightPerOrigin,
        claimAhead: settings.claimAhead,
        pollIntervalMs: settings.pollIntervalMs,
        purgeIntervalMs: settings.purgeIntervalMs,
      },
      ports: {
        storage,
        transport: settings.transport,
        clock,
        logger,
        hooks: context.hooks,
        notifier: settings.notifier,
        random,
      },
      host: {
        // Most attempts return the very record already cached (a storage may share one frozen
        // copy until the endpoint changes): nothing to do, not even a wait.
        endpointChanged: (endpoint) =>
          subscriptions.isCached(endpoint) ? undefined : subscriptions.cacheEndpoint(endpoint),
        emitMeta: (input) => this.#publisher.emitMeta(input),
        purge: () => this.purgeExpired(),
      },
    });
    this.#changes = new StorageChangeSubscription({
      storage,
      subscriptions,
      wake: context.wake,
      endpointChanged: (endpointId) => this.#dispatcher.endpointChanged(endpointId),
      logger,
      clock,
      hooks: context.hooks,
    });
  }

  /** The wire profile in use. */
  get profile(): WireProfile {
    return this.#context.profile;
  }

  // ---------------------------------------------------------------- endpoints

  /**
   * Registers an endpoint (docs/design.md §6.4). The URL must be `https:` (docs/design.md §5.14), the
   * patterns valid for the profile's catalog (§5.5); the secret is generated unless given, and
   * returned only here.
   *
   * @param organizationUuid - the owning organization.
   * @param input - `url`, `events`, optional `partnerIds`, `secret`, `description`,
   *   `acceptedSchemaVersions` (default `[1]`).
   * @returns the endpoint view and its secret.
   * @throws WebhookValidationError `invalid_endpoint` listing every problem as `issues`;
   *   `invalid_option` naming `organizationUuid`.
   * @example
   * ```ts
   * const { endpoint, secret } = await sender.createEndpoint(org, {
   *   url: 'https://partner.example/webhooks', events: ['kyc.*'], partnerIds: [partnerUuid],
   * });
   * ```
   */
  createEndpoint(organizationUuid: string, input: CreateEndpointInput): Promise<CreatedEndpoint> {
    return this.#endpoints.create(organizationUuid, input);
  }

  /**
   * One endpoint, without its secret; `null` if unknown in this organization.
   *
   * @throws WebhookValidationError `invalid_option` naming `organizationUuid`.
   */
  getEndpoint(organizationUuid: string, endpointId: string): Promise<EndpointView | null> {
    return this.#endpoints.get(organizationUuid, endpointId);
  }

  /**
   * The organization's endpoints, oldest first, without secrets (docs/design.md §6.4).
   *
   * @throws WebhookValidationError `invalid_option` naming `organizationUuid`.
   */
  listEndpoints(organizationUuid: string): Promise<EndpointView[]> {
    return this.#endpoints.list(organizationUuid);
  }

  /**
   * Updates an endpoint with a JSON merge patch (docs/design.md §6.4): supplied fields replace
   * whole values, `partnerIds: null` clears the filter. `status: PAUSED` or `DISABLED` parks the
   * endpoint's pending deliveries (FAILED `ENDPOINT_PAUSED` / `ENDPOINT_DISABLED`, replayable);
   * `status: ACTIVE` resumes it with a fresh failure streak (docs/design.md §5.3).
   *
   * @returns the updated view.
   * @throws WebhookValidationError `invalid_endpoint` (with `issues`).
   * @throws WebhookConflictError `not_found` when the endpoint is not in this organization.
   * @example
   * ```ts
   * await sender.updateEndpoint(org, endpointId, { status: 'ACTIVE' }); // resume after a pause
   * ```
   */
  updateEndpoint(
    organizationUuid: string,
    endpointId: string,
    patch: UpdateEndpointInput,
  ): Promise<EndpointView> {
    return this.#endpoints.update(organizationUuid, endpointId, patch);
  }

  /**
   * Deletes an endpoint (docs/design.md §6.4); its pending deliveries stop (FAILED
   * `ENDPOINT_DELETED`).
   *
   * @returns whether it existed.
   * @throws WebhookValidationError `invalid_option` naming `organizationUuid`.
   */
  deleteEndpoint(organizationUuid: string, endpointId: string): Promise<boolean> {
    return this.#endpoints.delete(organizationUuid, endpointId);
  }

  // ---------------------------------------------------------------- publish

  /**
   * Publishes an event: validates it against the catalog, assigns an `evt_…` id and `createdAt`,
   * stores it once with one delivery per matching endpoint (organization, type, partner), and
   * wakes the dispatcher. An endpoint that is PAUSED or DISABLED gets a parked delivery (FAILED
   * `ENDPOINT_PAUSED` / `ENDPOINT_DISABLED`, docs/design.md §5.3); one that accepts no producible
   * schema version gets FAILED `SCHEMA_VERSION_UNSUPPORTED` (§5.7).
   *
   * `type` must be a type of the sender's catalog and `data` its data type (`EventData<T>` on
   * the Novatrade24 catalog), checked by `tsc`; at run time `data` is validated strictly: an enum
   * value the catalog does not define is refused unless the sender has `allowUnknownEnumValues`
   * (docs/design.md §5.24).
   *
   * @param input - `organizationUuid`, `type`, `data`, `partnerUuid` (required for partner
   *   events), `source` (default `SYSTEM`).
   * @returns the stored event and how many deliveries were created.
   * @throws WebhookValidationError `invalid_event_input` (unknown type, bad partner) or
   *   `invalid_event` (bad `data`, an unknown enum value included, with one issue per field
   *   path, such as `data.decision`; no message quotes a value).
   * @example
   * ```ts
   * await sender.publish({ organizationUuid: org, type: 'kyc.vies_check_failed',
   *   partnerUuid, data: { buyerUuid, vatNumber, previousResult: 'VALID', currentResult: 'INVALID',
   *   checkedAt: new Date().toISOString(), reason: 'VIES returned NOT_VALID' } });
   * ```
   */
  publish<T extends CatalogEventType<D>>(input: PublishInput<D, T>): Promise<PublishResult> {
    // Typed at the call site; the publisher checks everything again at run time.
    return this.#publisher.publish(input as PublishInput<UntypedEventDataMap>);
  }

  // ---------------------------------------------------------------- history, replay, test fire

  /**
   * An endpoint's delivery history (docs/design.md §6.4, docs/design.md §5.11): `status`, `since`
   * (exclusive), zero-based `page`, `size` 1–100 (default 20), `sort` (`createdAt,desc` default).
   *
   * @returns `{ data, pagination: { page, size, totalElements, totalPages, hasNext, hasPrevious } }`.
   * @throws WebhookValidationError `invalid_option` listing bad parameters.
   * @throws WebhookConflictError `not_found` for an endpoint not in this organization.
   * @example
   * ```ts
   * const { data } = await sender.listDeliveries(org, endpointId, { status: 'FAILED', size: 50 });
   * ```
   */
  listDeliveries(
    organizationUuid: string,
    endpointId: string,
    query?: DeliveryHistoryQuery,
  ): Promise<DeliveryHistoryPage> {
    return this.#history.list(organizationUuid, endpointId, query);
  }

  /**
   * One delivery of an endpoint with its attempts, or `null`.
   *
   * @throws WebhookConflictError `not_found` for an endpoint not in this organization.
   */
  getDelivery(
    organizationUuid: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<{ delivery: DeliveryView; attempts: AttemptView[] } | null> {
    return this.#history.get(organizationUuid, endpointId, deliveryId);
  }

  /**
   * Replays a delivery (docs/design.md §5.9): a new delivery (`replayOf` = the original) of the
   * original event, same event id and body, signed at send time (a fresh `t=`); normal retries and
   * health apply. Allowed for a DELIVERED or FAILED delivery inside retention, on an ACTIVE
   * endpoint.
   *
   * @returns the new delivery (PENDING, due now).
   * @throws WebhookConflictError `not_found` (endpoint or delivery), `invalid_state` (PENDING,
   *   outside retention, or the endpoint is not ACTIVE).
   * @example
   * ```ts
   * await sender.updateEndpoint(org, endpointId, { status: 'ACTIVE' });
   * await sender.replayDelivery(org, endpointId, parkedDeliveryId);
   * ```
   */
  replayDelivery(
    organizationUuid: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<DeliveryView> {
    return this.#manual.replay(organizationUuid, endpointId, deliveryId);
  }

  /**
   * Replays every FAILED delivery of an endpoint created in `[since, until)` (docs/design.md §5.9
   * extension: recover what was missed while the endpoint was down or paused). The endpoint must
   * be ACTIVE.
   *
   * @param range - `since` (inclusive) and optional `until` (exclusive, default now), ISO 8601 or
   *   epoch ms.
   * @returns how many replays were created.
   * @throws WebhookConflictError `not_found`, `invalid_state` (endpoint not ACTIVE).
   * @throws WebhookValidationError `invalid_option` for a bad range.
   */
  recoverDeliveries(
    organizationUuid: string,
    endpointId: string,
    range: { readonly since: string | number; readonly until?: string | number | undefined },
  ): Promise<{ replayed: number }> {
    return this.#manual.recover(organizationUuid, endpointId, range);
  }

  /**
   * Fires a synthetic test event at one endpoint (docs/design.md §6.4, docs/design.md §5.8): a fresh
   * event (`source: SYSTEM`, the endpoint's organization, `partnerUuid` from the input or the
   * all-zero UUID, `data` verbatim) delivered to this endpoint regardless of its filters and of
   * PAUSED status; one attempt, no retries, not counted for health, `test: true` in history.
   * `eventType` and `data` are typed and validated as for `publish` (docs/design.md §5.24).
   *
   * @param input - `eventType`, its `data`, and `partnerUuid` (default the all-zero UUID).
   * @returns the test delivery (PENDING, due now).
   * @throws WebhookConflictError `not_found`; `invalid_state` for a DISABLED endpoint.
   * @throws WebhookValidationError `invalid_event_input` (unknown `eventType`, `data` not an
   *   object) or `invalid_event` (`data` does not match the type, an unknown enum value
   *   included, with one issue per field path).
   * @example
   * ```ts
   * await sender.testEndpoint(org, endpointId, {
   *   eventType: 'compliance.decision_made',
   *   data: { orderUuid: '00000000-0000-0000-0000-000000000000', decision: 'VALID_EXPORT' },
   * });
   * ```
   */
  testEndpoint<T extends CatalogEventType<D>>(
    organizationUuid: string,
    endpointId: string,
    input: TestEndpointInput<D, T>,
  ): Promise<DeliveryView> {
    // Typed at the call site; the test fire checks everything again at run time.
    return this.#manual.test(
      organizationUuid,
      endpointId,
      input as TestEndpointInput<UntypedEventDataMap>,
    );
  }

  /**
   * Rotates an endpoint's signing secret: a new secret signs from now on, and the current ones keep
   * signing for `overlapMs` (each delivery carries one `v1=` per live secret, so receivers can
   * switch at their pace). At most 3 live secrets. A caller `secret` must be new to the endpoint:
   * one that is still live (no expiry, or an expiry in the future) is refused, since it would
   * sign twice and take a slot; one whose overlap has ended may be used again (docs/security.md).
   *
   * @param organizationUuid - the endpoint's organization.
   * @param endpointId - the endpoint.
   * @param options - `overlapMs`: how long the current secrets keep signing, in milliseconds
   *   (default 24 h; 0 ends them now); `secret`: your own (16 to 256 visible ASCII characters),
   *   else one is generated.
   * @returns the new secret, shown only here.
   * @throws WebhookConflictError `not_found`; `invalid_state` when `secret` is already live on
   *   the endpoint, or when 3 secrets are already live. Nothing is changed.
   * @throws WebhookValidationError `invalid_endpoint` (issue on `secret`, message starting
   *   `rotateSecret:`) for a malformed caller secret, `invalid_option` for a bad `overlapMs`.
   *   No message contains a secret.
   * @example
   * ```ts
   * const { secret } = await sender.rotateSecret(org, endpointId, { overlapMs: 3_600_000 });
   * ```
   */
  rotateSecret(
    organizationUuid: string,
    endpointId: string,
    options: { readonly overlapMs?: number | undefined; readonly secret?: string | undefined } = {},
  ): Promise<{ secret: string }> {
    return this.#endpoints.rotateSecret(organizationUuid, endpointId, options);
  }

  /**
   * Deletes delivery history older than `retentionMs` (docs/design.md §5.11: purged rows are gone and
   * can no longer be replayed), in batches of 1,000, with the attempts and the events left without
   * deliveries; PENDING deliveries are never purged. Then deletes the expired Idempotency-Key
   * records from the `idempotencyStore` (docs/design.md §5.10), in batches of 1,000 too. The
   * running dispatcher calls it every `purgeIntervalMs`; call it yourself when you drive the
   * sender with `processDue()`.
   *
   * @returns how many deliveries were deleted (idempotency records are not counted).
   * @example
   * ```ts
   * const purged = await sender.purgeExpired();
   * ```
   */
  async purgeExpired(): Promise<number> {
    const deliveries = await this.#history.purgeExpired();
    await this.#idempotency.purgeExpired();
    return deliveries;
  }

  /**
   * Runs a write at most once per Idempotency-Key (docs/design.md §6.14, docs/design.md §5.10), for the
   * management HTTP layer: scope = organization + method + route + key; the raw body is kept as
   * a SHA-256 for 24 h. The same key and body return the stored response (a create's one-time
   * secret included) without running `execute` again; a different body is refused; the same key
   * still in flight is a conflict. If `execute` throws, the key is released and the error
   * rethrown, so the client may retry with the same key. The records live in the
   * `idempotencyStore` option (in memory by default: one process).
   *
   * @param request - `organizationUuid`, `method`, `route` (the path template, e.g.
   *   `/v1/webhooks/{id}`), `key` (1–255 characters) and the raw `body`.
   * @param execute - performs the write and returns the response to store: its status, its
   *   optional headers (`Location`, `Content-Type`, …, replayed verbatim) and its body.
   * @returns the response, and `replayed: true` when it came from a stored record.
   * @throws WebhookConflictError `idempotency_key_reused` (a different body: HTTP 422) or
   *   `idempotency_key_in_flight` (HTTP 409).
   * @throws WebhookValidationError `invalid_option` for a key outside 1–255 characters.
   * @example
   * ```ts
   * const answer = await sender.withIdempotencyKey(
   *   { organizationUuid: org, method: 'POST', route: '/v1/webhooks', key, body: rawBody },
   *   async () => ({ status: 201, body: JSON.stringify(await sender.createEndpoint(org, input)) }),
   * );
   * ```
   */
  withIdempotencyKey(
    request: {
      readonly organizationUuid: string;
      readonly method: string;
      readonly route: string;
      readonly key: string;
      readonly body: string | Uint8Array;
    },
    execute: () => Promise<IdempotencyResponse>,
  ): Promise<IdempotencyResponse & { readonly replayed: boolean }> {
    return this.#idempotency.run(request, execute);
  }

  // ---------------------------------------------------------------- dispatch

  /**
   * Claims every delivery due now (up to the in-flight caps) and sends it, resolving when those
   * attempts are recorded. The running dispatcher (`start()`) calls it in a loop; tests call it
   * after moving a fake clock, so no test sleeps.
   *
   * @returns how many deliveries were attempted.
   */
  processDue(): Promise<number> {
    return this.#dispatcher.processDue();
  }

  /**
   * Starts the dispatcher loop: it sends due deliveries as they fall due, sleeping at most
   * `pollIntervalMs` between checks, and wakes at once on `publish`. Idempotent.
   *
   * With a storage that has a change feed (`SenderStorage.watch`: `PostgresStorage`), it also
   * listens to the changes of every process on that storage: work another process stores wakes
   * the loop at once, and another process's endpoint change reaches the next `publish` without
   * waiting out `endpointCacheTtlMs`. Polling stays the backstop; a dropped feed reconnects with
   * backoff, then claims once. `stop()` closes the feed.
   */
  start(): void {
    this.#dispatcher.start();
    this.#changes.start();
  }

  /**
   * Stops the loop and waits for in-flight attempts up to `deadlineMs` (default 10 s); attempts
   * still running then are aborted and their claims released, so another worker (or the next
   * start) sends them again. Nothing is lost. Closes the transport and the storage's change feed.
   */
  async stop(options?: { readonly deadlineMs?: number }): Promise<void> {
    await Promise.all([this.#changes.stop(), this.#dispatcher.stop(options?.deadlineMs ?? 10_000)]);
  }

  /**
   * Subscribes to an observability hook; returns the unsubscribe function.
   *
   * @example
   * ```ts
   * sender.on('delivery.failed', ({ delivery }) => metrics.increment('webhook.failed'));
   * ```
   */
  on<K extends SenderEventName>(name: K, listener: SenderListener<K>): () => void {
    return this.#context.hooks.on(name, listener);
  }

  /**
   * How long the oldest waiting delivery has been due, in seconds (≥ 0, millisecond precision, by
   * the sender's `clock`): the `webhooks_backlog_age_seconds` gauge (docs/observability.md). 0
   * when no delivery is PENDING, or when the next one falls due in the future.
   *
   * What counts is what the storage's `nextDueAtMs()` reports: a PENDING delivery that is not
   * claimed counts from its due time (a first attempt from its publish, a retry from its retry
   * time). A claimed one (in flight, or claimed ahead and waiting in a dispatcher) counts at its
   * lease expiry, which is in the future while the claim is live, so in-flight work never ages
   * the backlog; a claim whose worker died counts again once its lease has lapsed.
   * `MemoryStorage` and `PostgresStorage` (whose claim moves the row's due time to the lease
   * expiry) agree on this. A delivery that waits because its endpoint is at its in-flight cap is
   * due and unclaimed: it counts.
   *
   * One storage read (`nextDueAtMs`) per call: call it when metrics are collected, not per event.
   *
   * @returns the age in seconds, 0 when nothing waits.
   * @throws the storage's error when `nextDueAtMs` fails (`WebhookStorageError` from
   *   `PostgresStorage`).
   * @example
   * ```ts
   * const age = await sender.backlogAgeSeconds(); // 0 while the dispatcher keeps up
   * ```
   */
  async backlogAgeSeconds(): Promise<number> {
    const nextDueAtMs = await this.#context.storage.nextDueAtMs();
    return backlogAgeFrom(nextDueAtMs, this.#context.clock.now());
  }
}
