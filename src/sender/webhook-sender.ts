import { createHash } from 'node:crypto';
import type { EventSource } from '../core/catalog/enum-values.js';
import type { EventCatalog } from '../core/catalog/event-catalog.js';
import { getCatalogEntry } from '../core/catalog/event-catalog.js';
import { negotiateSchemaVersion } from '../core/catalog/negotiate-schema-version.js';
import { parseEventData } from '../core/catalog/parse-event-data.js';
import { ZERO_UUID } from '../core/catalog/sample-events.js';
import {
  type ValidationIssue,
  WebhookConflictError,
  WebhookValidationError,
} from '../core/errors.js';
import { createId, createWebhookSecret } from '../core/ids.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { NOVATRADE_PROFILE } from '../core/profiles/novatrade-profile.js';
import type { WireProfile } from '../core/profiles/wire-profile.js';
import type { RandomSource } from '../core/random.js';
import { HEALTHY } from '../core/retry/health-policy.js';
import { SubscriptionIndex } from '../core/subscription/subscription-index.js';
import { webCryptoRandom } from '../platform-random.js';
import {
  type AttemptView,
  type DeliveryView,
  toAttemptView,
  toDeliveryView,
} from './delivery-view.js';
import { type EndpointView, toEndpointView } from './endpoint-view.js';
import { Dispatcher } from './internal/dispatcher.js';
import {
  assertCreateEndpointInput,
  assertSecretInput,
  assertUpdateEndpointInput,
  type CreateEndpointInput,
  type EndpointRules,
  isLiveSecret,
  type UpdateEndpointInput,
} from './internal/endpoint-input.js';
import { type DeliveryHistoryQuery, parseHistoryQuery } from './internal/history-query.js';
import { HookBus } from './internal/hook-bus.js';
import { newDeliveryRecord } from './internal/new-delivery-record.js';
import { catalogForProfile } from './internal/sender-catalog.js';
import { MemoryStorage } from './memory-storage.js';
import type { Clock } from './ports/clock.js';
import type { Logger } from './ports/logger.js';
import type { Notifier } from './ports/notifier.js';
import type { EndpointChanges, SenderStorage } from './ports/sender-storage.js';
import type { Transport } from './ports/transport.js';
import type {
  DeliveryRecord,
  EndpointRecord,
  EventRecord,
  IdempotencyResponse,
  StoredFailureReason,
} from './records.js';
import type { SenderEventName, SenderListener } from './sender-events.js';

/** Options of {@link WebhookSender}. */
export interface WebhookSenderOptions {
  /**
   * Where endpoints, events, deliveries and attempts live.
   * @default new MemoryStorage()
   */
  readonly storage?: SenderStorage | undefined;
  /**
   * How requests are sent. Required: pass `new HttpTransport()` (from this entry point) in
   * production, with `allowPrivateNetworks: true` only for local development and tests.
   */
  readonly transport: Transport;
  /**
   * The wire profile: body, headers, signature, retry and health policies, timeout (DESIGN.md §4).
   * @default NOVATRADE_PROFILE
   */
  readonly profile?: WireProfile | undefined;
  /**
   * The time, in epoch ms. Tests pass a fake clock and drive the dispatcher with `processDue()`.
   * @default { now: () => Date.now() }
   */
  readonly clock?: Clock | undefined;
  /** Where the sender logs. @default silent */
  readonly logger?: Logger | undefined;
  /** Who hears about auto-paused endpoints (the "email to the admin"). @default none */
  readonly notifier?: Notifier | undefined;
  /** Random bytes for ids and secrets. @default WebCrypto */
  readonly random?: RandomSource | undefined;
  /**
   * Accept `http:` endpoint URLs (local development). @default false: `https:` only (§5.14)
   */
  readonly allowInsecureUrls?: boolean | undefined;
  /**
   * How long a claimed delivery stays claimed, ms. Must exceed the profile's timeout plus 5 s, so
   * a live worker's claim never lapses mid-request (DESIGN.md §2).
   * @default profile.timeoutMs + 30_000
   */
  readonly leaseMs?: number | undefined;
  /** In-flight deliveries per endpoint (DESIGN.md §5.15). @default 10 */
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
  /** Longest the running dispatcher sleeps between checks for due work, ms. @default 1000 */
  readonly pollIntervalMs?: number | undefined;
  /** This worker's name in claims. @default a random `worker_…` id */
  readonly workerId?: string | undefined;
  /**
   * How long this process trusts its cached subscription index of an organization before reading
   * the endpoints from storage again, ms. Changes made through this sender apply at once; the TTL
   * bounds how long another process's changes (several senders on one storage, DESIGN.md §6) can
   * go unseen: a new endpoint may miss events, a resumed one may get them parked, for that long.
   * Storage re-checks each endpoint's status when deliveries are stored, so a stale cache never
   * sends to a paused endpoint. `0` reads storage on every publish.
   * @default 5000
   */
  readonly endpointCacheTtlMs?: number | undefined;
  /**
   * How long delivery history is kept and replayable, ms (DESIGN.md §5.11).
   * @default 2_592_000_000 (30 days)
   */
  readonly retentionMs?: number | undefined;
  /** How often the running dispatcher purges expired history, ms. @default 3_600_000 (1 h) */
  readonly purgeIntervalMs?: number | undefined;
}

/** One page of delivery history (DESIGN.md §5.11). */
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

/** Input of {@link WebhookSender.publish}. */
export interface PublishInput {
  readonly organizationUuid: string;
  /** A type of the profile's catalog. */
  readonly type: string;
  /** The payload, valid for the type's latest schema version. */
  readonly data: Readonly<Record<string, unknown>>;
  /** The partner the event concerns; required for partner events, `null` for organization ones. */
  readonly partnerUuid?: string | null | undefined;
  /** @default 'SYSTEM' */
  readonly source?: EventSource | undefined;
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
  /** The signing secret. Store it now: no later call returns it (spec digest §1.10). */
  readonly secret: string;
}

const PARK_REASON: Record<'PAUSED' | 'DISABLED', 'ENDPOINT_PAUSED' | 'ENDPOINT_DISABLED'> = {
  PAUSED: 'ENDPOINT_PAUSED',
  DISABLED: 'ENDPOINT_DISABLED',
};
const MAX_LIVE_SECRETS = 3;
const PURGE_BATCH = 1000;
/** DESIGN.md §5.10: records are kept 24 h. */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A request that crashed mid-way frees its key after this long. */
const IDEMPOTENCY_IN_FLIGHT_TTL_MS = 5 * 60 * 1000;
const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalidOption(
      name,
      `WebhookSender: \`${name}\` must be a positive integer, got ${typeof value === 'number' ? value : describeValue(value)}.`,
    );
  }
  return value;
}

function reservedInFlightOption(value: unknown, maxInFlight: number): number {
  if (value === undefined) return Math.floor(maxInFlight / 10);
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    value < 0 ||
    value >= maxInFlight
  ) {
    throw invalidOption(
      'reservedInFlight',
      `WebhookSender: \`reservedInFlight\` must be an integer from 0 to maxInFlight - 1 (${maxInFlight - 1}), got ${typeof value === 'number' ? value : describeValue(value)}.`,
    );
  }
  return value;
}

function assertPort(value: unknown, name: string, methods: readonly string[]): void {
  if (
    typeof value !== 'object' ||
    value === null ||
    !methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function')
  ) {
    throw invalidOption(
      name,
      `WebhookSender: \`${name}\` must implement ${methods.join(', ')}, got ${describeValue(value)}.`,
    );
  }
}

interface OrganizationIndex {
  readonly index: SubscriptionIndex;
  readonly endpoints: Map<string, EndpointRecord>;
  /** When it was read from storage (the sender's clock), epoch ms. */
  readonly loadedAtMs: number;
}

/**
 * The embeddable delivery engine (DESIGN.md §1, §2): an endpoint registry with subscriptions and
 * partner filters, fan-out of published events, signed HTTP delivery on a persistent retry
 * schedule, auto-pause with meta-events and a notifier, "park, don't drop" for paused endpoints.
 * Storage and transport are ports; the defaults keep everything in memory.
 *
 * Endpoints are scoped by `organizationUuid`: every call names the organization, and another
 * organization's ids are not found.
 *
 * @throws WebhookValidationError at construction: `invalid_option` naming the option.
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
export class WebhookSender {
  readonly #storage: SenderStorage;
  readonly #profile: WireProfile;
  readonly #catalog: EventCatalog;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #random: RandomSource;
  readonly #rules: EndpointRules;
  readonly #hooks: HookBus;
  readonly #dispatcher: Dispatcher;
  readonly #organizations = new Map<string, Promise<OrganizationIndex>>();
  /** The loaded value of each current `#organizations` entry, for a synchronous look-up. */
  readonly #loaded = new Map<string, OrganizationIndex>();
  readonly #retentionMs: number;
  readonly #cacheTtlMs: number;

  constructor(options: WebhookSenderOptions) {
    if (typeof options !== 'object' || options === null) {
      throw invalidOption(
        'options',
        `WebhookSender: expected an options object, got ${describeValue(options)}.`,
      );
    }
    assertPort(options.transport, 'transport', ['send']);
    if (options.storage !== undefined) {
      assertPort(options.storage, 'storage', ['insertEndpoint', 'claimDue', 'recordAttempt']);
    }
    if (options.clock !== undefined) assertPort(options.clock, 'clock', ['now']);
    if (options.logger !== undefined) {
      assertPort(options.logger, 'logger', ['debug', 'info', 'warn', 'error']);
    }
    if (options.notifier !== undefined) {
      assertPort(options.notifier, 'notifier', ['endpointPaused']);
    }
    if (options.random !== undefined && typeof options.random !== 'function') {
      throw invalidOption(
        'random',
        'WebhookSender: `random` must be a function (byteLength) => Uint8Array.',
      );
    }
    const profile = options.profile ?? NOVATRADE_PROFILE;
    if (typeof profile !== 'object' || typeof profile.serializeBody !== 'function') {
      throw invalidOption(
        'profile',
        'WebhookSender: `profile` must be a WireProfile such as NOVATRADE_PROFILE.',
      );
    }
    const { secretFormat } = profile;
    if (
      secretFormat !== undefined &&
      (typeof secretFormat?.create !== 'function' || typeof secretFormat.check !== 'function')
    ) {
      throw invalidOption(
        'profile.secretFormat',
        'WebhookSender: `profile.secretFormat` must have `create(random)` and `check(secret)` ' +
          'functions.',
      );
    }
    const leaseMs = positiveInteger(options.leaseMs, 'leaseMs', profile.timeoutMs + 30_000);
    if (leaseMs < profile.timeoutMs + 5_000) {
      throw invalidOption(
        'leaseMs',
        `WebhookSender: \`leaseMs\` (${leaseMs}) must exceed the transport timeout ` +
          `(${profile.timeoutMs} ms) plus a 5,000 ms margin, or a live worker's claim could ` +
          'lapse mid-request and the delivery be sent twice.',
      );
    }
    for (const flag of ['allowInsecureUrls'] as const) {
      if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
        throw invalidOption(flag, `WebhookSender: \`${flag}\` must be a boolean.`);
      }
    }
    if (
      options.workerId !== undefined &&
      (typeof options.workerId !== 'string' || options.workerId === '')
    ) {
      throw invalidOption('workerId', 'WebhookSender: `workerId` must be a non-empty string.');
    }

    this.#retentionMs = positiveInteger(
      options.retentionMs,
      'retentionMs',
      30 * 24 * 60 * 60 * 1000,
    );
    if (
      options.endpointCacheTtlMs !== undefined &&
      (!Number.isSafeInteger(options.endpointCacheTtlMs) || options.endpointCacheTtlMs < 0)
    ) {
      throw invalidOption(
        'endpointCacheTtlMs',
        'WebhookSender: `endpointCacheTtlMs` must be an integer number of milliseconds >= 0.',
      );
    }
    this.#cacheTtlMs = options.endpointCacheTtlMs ?? 5000;
    this.#storage = options.storage ?? new MemoryStorage();
    this.#profile = profile;
    this.#catalog = catalogForProfile(profile);
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#logger = options.logger ?? SILENT;
    this.#random = options.random ?? webCryptoRandom;
    this.#rules = {
      eventTypes: profile.eventTypes,
      allowInsecureUrls: options.allowInsecureUrls ?? false,
      secretFormat: profile.secretFormat,
    };
    this.#hooks = new HookBus(this.#logger);
    const maxInFlight = positiveInteger(options.maxInFlight, 'maxInFlight', 100);
    this.#dispatcher = new Dispatcher({
      storage: this.#storage,
      transport: options.transport,
      profile,
      catalog: this.#catalog,
      clock: this.#clock,
      logger: this.#logger,
      hooks: this.#hooks,
      notifier: options.notifier,
      leaseMs,
      maxInFlight,
      reservedInFlight: reservedInFlightOption(options.reservedInFlight, maxInFlight),
      maxInFlightPerEndpoint: positiveInteger(
        options.maxInFlightPerEndpoint,
        'maxInFlightPerEndpoint',
        10,
      ),
      // One number with the transport's pool (docs/design.md §5.18).
      maxInFlightPerOrigin: positiveInteger(
        options.transport.connectionsPerOrigin,
        'transport.connectionsPerOrigin',
        Number.POSITIVE_INFINITY,
      ),
      pollIntervalMs: positiveInteger(options.pollIntervalMs, 'pollIntervalMs', 1000),
      owner: options.workerId ?? `worker_${createId('delivery', this.#random).slice(4)}`,
      purge: () => this.purgeExpired(),
      purgeIntervalMs: positiveInteger(options.purgeIntervalMs, 'purgeIntervalMs', 60 * 60 * 1000),
      randomFloat: () => {
        const [a = 0, b = 0, c = 0, d = 0] = this.#random(4);
        return (((a << 24) | (b << 16) | (c << 8) | d) >>> 0) / 2 ** 32;
      },
      // Most attempts return the very record already cached (a storage may share one frozen copy
      // until the endpoint changes): nothing to do, not even a wait.
      onEndpointChanged: (endpoint) =>
        this.#isCached(endpoint) ? undefined : this.#cacheEndpoint(endpoint),
      emitMeta: (input) => this.#emitMeta(input),
    });
  }

  /** The wire profile in use. */
  get profile(): WireProfile {
    return this.#profile;
  }

  /** A new signing secret in the profile's format (docs/design.md §5.22). */
  #newSecret(): string {
    return this.#profile.secretFormat?.create(this.#random) ?? createWebhookSecret(this.#random);
  }

  // ---------------------------------------------------------------- endpoints

  /**
   * Registers an endpoint (spec digest §1.12.1). The URL must be `https:` (DESIGN.md §5.14), the
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
  async createEndpoint(
    organizationUuid: string,
    input: CreateEndpointInput,
  ): Promise<CreatedEndpoint> {
    assertOrganization(organizationUuid);
    assertCreateEndpointInput(input, this.#rules);
    const nowMs = this.#clock.now();
    const secret = input.secret ?? this.#newSecret();
    const record: EndpointRecord = {
      id: createId('endpoint', this.#random),
      organizationUuid,
      url: input.url,
      description: input.description ?? null,
      events: [...input.events],
      partnerIds: input.partnerIds == null ? null : [...input.partnerIds],
      acceptedSchemaVersions: [...(input.acceptedSchemaVersions ?? [1])],
      status: 'ACTIVE',
      secrets: [{ secret, createdAtMs: nowMs, expiresAtMs: null }],
      health: HEALTHY,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    };
    await this.#storage.insertEndpoint(record);
    await this.#cacheEndpoint(record);
    return { endpoint: toEndpointView(record, this.#clock.now()), secret };
  }

  /**
   * One endpoint, without its secret; `null` if unknown in this organization.
   *
   * @throws WebhookValidationError `invalid_option` naming `organizationUuid`.
   */
  async getEndpoint(organizationUuid: string, endpointId: string): Promise<EndpointView | null> {
    assertOrganization(organizationUuid);
    const record = await this.#storage.getEndpoint(organizationUuid, endpointId);
    return record === null ? null : toEndpointView(record, this.#clock.now());
  }

  /**
   * The organization's endpoints, oldest first, without secrets (spec digest §1.12.2).
   *
   * @throws WebhookValidationError `invalid_option` naming `organizationUuid`.
   */
  async listEndpoints(organizationUuid: string): Promise<EndpointView[]> {
    assertOrganization(organizationUuid);
    return (await this.#storage.listEndpoints(organizationUuid)).map((record) =>
      toEndpointView(record, this.#clock.now()),
    );
  }

  /**
   * Updates an endpoint with a JSON merge patch (spec digest §1.12.4): supplied fields replace
   * whole values, `partnerIds: null` clears the filter. `status: PAUSED` or `DISABLED` parks the
   * endpoint's pending deliveries (FAILED `ENDPOINT_PAUSED` / `ENDPOINT_DISABLED`, replayable);
   * `status: ACTIVE` resumes it with a fresh failure streak (DESIGN.md §5.3).
   *
   * @returns the updated view.
   * @throws WebhookValidationError `invalid_endpoint` (with `issues`).
   * @throws WebhookConflictError `not_found` when the endpoint is not in this organization.
   * @example
   * ```ts
   * await sender.updateEndpoint(org, endpointId, { status: 'ACTIVE' }); // resume after a pause
   * ```
   */
  async updateEndpoint(
    organizationUuid: string,
    endpointId: string,
    patch: UpdateEndpointInput,
  ): Promise<EndpointView> {
    assertOrganization(organizationUuid);
    assertUpdateEndpointInput(patch, this.#rules);
    const current = await this.#storage.getEndpoint(organizationUuid, endpointId);
    if (current === null) throw notFound(endpointId);
    const changes: { -readonly [K in keyof EndpointChanges]: EndpointChanges[K] } = {};
    if (patch.url !== undefined) changes.url = patch.url;
    if (patch.events !== undefined) changes.events = [...patch.events];
    if (patch.partnerIds !== undefined) {
      changes.partnerIds = patch.partnerIds === null ? null : [...patch.partnerIds];
    }
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.acceptedSchemaVersions !== undefined) {
      changes.acceptedSchemaVersions = [...patch.acceptedSchemaVersions];
    }
    let parkPending: 'ENDPOINT_PAUSED' | 'ENDPOINT_DISABLED' | undefined;
    let resetHealth = false;
    if (patch.status !== undefined && patch.status !== current.status) {
      changes.status = patch.status;
      if (patch.status === 'ACTIVE') resetHealth = true;
      else parkPending = PARK_REASON[patch.status];
    }
    const updated = await this.#storage.updateEndpoint({
      organizationUuid,
      endpointId,
      changes,
      nowMs: this.#clock.now(),
      parkPending,
      resetHealth,
    });
    if (updated === null) throw notFound(endpointId);
    await this.#cacheEndpoint(updated);
    if (resetHealth) this.#dispatcher.wake();
    return toEndpointView(updated, this.#clock.now());
  }

  /**
   * Deletes an endpoint (spec digest §1.12.5); its pending deliveries stop (FAILED
   * `ENDPOINT_DELETED`).
   *
   * @returns whether it existed.
   * @throws WebhookValidationError `invalid_option` naming `organizationUuid`.
   */
  async deleteEndpoint(organizationUuid: string, endpointId: string): Promise<boolean> {
    assertOrganization(organizationUuid);
    const deleted = await this.#storage.deleteEndpoint(
      organizationUuid,
      endpointId,
      this.#clock.now(),
    );
    if (deleted) {
      const org = await this.#organization(organizationUuid);
      org.index.remove(endpointId);
      org.endpoints.delete(endpointId);
    }
    return deleted;
  }

  // ---------------------------------------------------------------- publish

  /**
   * Publishes an event: validates it against the catalog, assigns an `evt_…` id and `createdAt`,
   * stores it once with one delivery per matching endpoint (organization, type, partner), and
   * wakes the dispatcher. An endpoint that is PAUSED or DISABLED gets a parked delivery (FAILED
   * `ENDPOINT_PAUSED` / `ENDPOINT_DISABLED`, DESIGN.md §5.3); one that accepts no producible
   * schema version gets FAILED `SCHEMA_VERSION_UNSUPPORTED` (§5.7).
   *
   * @returns the stored event and how many deliveries were created.
   * @throws WebhookValidationError `invalid_event_input` (unknown type, bad partner) or
   *   `invalid_event` (bad `data`, with `issues`).
   * @example
   * ```ts
   * await sender.publish({ organizationUuid: org, type: 'kyc.vies_check_failed',
   *   partnerUuid, data: { buyerUuid, vatNumber, previousResult: 'VALID', currentResult: 'INVALID',
   *   checkedAt: new Date().toISOString(), reason: 'VIES returned NOT_VALID' } });
   * ```
   */
  async publish(input: PublishInput): Promise<PublishResult> {
    const event = this.#buildEvent(input);
    const org =
      this.#freshLoaded(event.organizationUuid) ??
      (await this.#organization(event.organizationUuid, true));
    const ids = org.index.match(event.type, event.partnerUuid);
    const deliveries = ids.flatMap((endpointId) => {
      const endpoint = org.endpoints.get(endpointId);
      return endpoint === undefined ? [] : [this.#newDelivery(event, endpoint)];
    });
    await this.#storage.insertEvent(event, deliveries);
    this.#hooks.emit('event.published', { event, deliveries: deliveries.length });
    this.#dispatcher.wake();
    return { event, deliveries: deliveries.length };
  }

  #buildEvent(input: PublishInput): EventRecord {
    if (typeof input !== 'object' || input === null) {
      throw invalidEventInput([
        { path: '', message: `expected an object, got ${describeValue(input)}` },
      ]);
    }
    assertOrganization(input.organizationUuid);
    if (typeof input.type !== 'string' || !this.#catalog.entries.has(input.type)) {
      throw invalidEventInput([
        {
          path: 'type',
          message: `expected one of the ${this.#catalog.types.length} catalog types, got ${describeValue(input.type)}`,
        },
      ]);
    }
    const entry = getCatalogEntry(this.#catalog, input.type);
    const partnerUuid = input.partnerUuid ?? null;
    if (entry.scope === 'partner' && (typeof partnerUuid !== 'string' || partnerUuid === '')) {
      throw invalidEventInput([
        {
          path: 'partnerUuid',
          message: `a ${entry.type} event concerns a partner: pass its partnerUuid`,
        },
      ]);
    }
    if (partnerUuid !== null && typeof partnerUuid !== 'string') {
      throw invalidEventInput([{ path: 'partnerUuid', message: 'expected a string or null' }]);
    }
    const data = parseEventData(this.#catalog, {
      type: entry.type,
      schemaVersion: entry.latestVersion,
      data: input.data,
    });
    const event: EventRecord = {
      id: createId('event', this.#random),
      organizationUuid: input.organizationUuid,
      type: entry.type,
      schemaVersion: entry.latestVersion,
      source: input.source ?? 'SYSTEM',
      partnerUuid: entry.scope === 'organization' ? null : partnerUuid,
      createdAtMs: this.#clock.now(),
      data,
    };
    return event;
  }

  #newDelivery(event: EventRecord, endpoint: EndpointRecord): DeliveryRecord {
    const nowMs = event.createdAtMs;
    const version = negotiateSchemaVersion(this.#catalog, {
      type: event.type,
      acceptedSchemaVersions: endpoint.acceptedSchemaVersions,
      fromVersion: event.schemaVersion,
    });
    let parked: StoredFailureReason | null = null;
    if (endpoint.status !== 'ACTIVE') parked = PARK_REASON[endpoint.status];
    else if (version === null) parked = 'SCHEMA_VERSION_UNSUPPORTED';
    return newDeliveryRecord({
      id: createId('delivery', this.#random),
      event,
      endpointId: endpoint.id,
      schemaVersion: version ?? event.schemaVersion,
      nowMs,
      parked,
    });
  }

  /**
   * Sends a meta-event to the organization's other ACTIVE endpoints that subscribe to it, never
   * to the endpoint concerned; `partnerUuid` null (DESIGN.md §5.4).
   */
  async #emitMeta(input: {
    organizationUuid: string;
    type: string;
    data: Record<string, unknown>;
    excludeEndpointId: string;
  }): Promise<void> {
    if (!this.#catalog.entries.has(input.type)) return; // the EUDR catalog has no meta-events
    const event = this.#buildEvent({
      organizationUuid: input.organizationUuid,
      type: input.type,
      data: input.data,
      partnerUuid: null,
      source: 'SYSTEM',
    });
    const org = await this.#organization(event.organizationUuid, true);
    const deliveries = org.index
      .match(event.type, null)
      .filter((id) => id !== input.excludeEndpointId)
      .flatMap((id) => {
        const endpoint = org.endpoints.get(id);
        return endpoint?.status === 'ACTIVE' ? [this.#newDelivery(event, endpoint)] : [];
      });
    await this.#storage.insertEvent(event, deliveries);
    this.#hooks.emit('event.published', { event, deliveries: deliveries.length });
    this.#dispatcher.wake();
  }

  // ---------------------------------------------------------------- history, replay, test fire

  /**
   * An endpoint's delivery history (spec digest §1.12.7, DESIGN.md §5.11): `status`, `since`
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
  async listDeliveries(
    organizationUuid: string,
    endpointId: string,
    query?: DeliveryHistoryQuery,
  ): Promise<DeliveryHistoryPage> {
    assertOrganization(organizationUuid);
    const parsed = parseHistoryQuery(query);
    await this.#requireEndpoint(organizationUuid, endpointId);
    const page = await this.#storage.listDeliveries({
      organizationUuid,
      endpointId,
      status: parsed.status,
      sinceMs: parsed.sinceMs,
      page: parsed.page,
      size: parsed.size,
      sortField: parsed.sortField,
      sortDirection: parsed.sortDirection,
    });
    const totalPages = Math.ceil(page.totalElements / parsed.size);
    return {
      data: page.items.map(toDeliveryView),
      pagination: {
        page: parsed.page,
        size: parsed.size,
        totalElements: page.totalElements,
        totalPages,
        hasNext: parsed.page + 1 < totalPages,
        hasPrevious: parsed.page > 0,
      },
    };
  }

  /**
   * One delivery of an endpoint with its attempts, or `null`.
   *
   * @throws WebhookConflictError `not_found` for an endpoint not in this organization.
   */
  async getDelivery(
    organizationUuid: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<{ delivery: DeliveryView; attempts: AttemptView[] } | null> {
    assertOrganization(organizationUuid);
    await this.#requireEndpoint(organizationUuid, endpointId);
    const record = await this.#storage.getDelivery(organizationUuid, deliveryId);
    if (record === null || record.endpointId !== endpointId) return null;
    const attempts = await this.#storage.listAttempts(deliveryId);
    return { delivery: toDeliveryView(record), attempts: attempts.map(toAttemptView) };
  }

  /**
   * Replays a delivery (DESIGN.md §5.9): a new delivery (`replayOf` = the original) of the
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
  async replayDelivery(
    organizationUuid: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<DeliveryView> {
    assertOrganization(organizationUuid);
    const endpoint = await this.#requireEndpoint(organizationUuid, endpointId);
    const original = await this.#storage.getDelivery(organizationUuid, deliveryId);
    if (original === null || original.endpointId !== endpointId) {
      throw new WebhookConflictError('not_found', 'No such delivery for this endpoint.');
    }
    const replay = this.#replayOf(endpoint, original);
    await this.#storage.insertDeliveries([replay]);
    this.#dispatcher.wake();
    return toDeliveryView(replay);
  }

  /**
   * Replays every FAILED delivery of an endpoint created in `[since, until)` (DESIGN.md §5.9
   * extension: recover what was missed while the endpoint was down or paused). The endpoint must
   * be ACTIVE.
   *
   * @param range - `since` (inclusive) and optional `until` (exclusive, default now), ISO 8601 or
   *   epoch ms.
   * @returns how many replays were created.
   * @throws WebhookConflictError `not_found`, `invalid_state` (endpoint not ACTIVE).
   * @throws WebhookValidationError `invalid_option` for a bad range.
   */
  async recoverDeliveries(
    organizationUuid: string,
    endpointId: string,
    range: { readonly since: string | number; readonly until?: string | number | undefined },
  ): Promise<{ replayed: number }> {
    assertOrganization(organizationUuid);
    const endpoint = await this.#requireEndpoint(organizationUuid, endpointId);
    const sinceMs = readTime(range?.since, 'since');
    const untilMs = range?.until === undefined ? this.#clock.now() : readTime(range.until, 'until');
    this.#assertReplayable(endpoint);
    // Every delivery of the endpoint since the range start: a delivery that already has a replay
    // is not replayed again (a second recover of the same range replays nothing new), and each
    // chain of failed replays gets one new replay, of its latest link.
    const replayed = new Set<string>();
    const candidates: DeliveryRecord[] = [];
    for (let page = 0; ; page++) {
      const batch = await this.#storage.listDeliveries({
        organizationUuid,
        endpointId,
        sinceMs: sinceMs - 1,
        page,
        size: 100,
        sortField: 'createdAt',
        sortDirection: 'asc',
      });
      for (const delivery of batch.items) {
        if (delivery.replayOf !== null) replayed.add(delivery.replayOf);
        if (delivery.status === 'FAILED' && delivery.createdAtMs < untilMs) {
          candidates.push(delivery);
        }
      }
      if ((page + 1) * 100 >= batch.totalElements) break;
    }
    const replays: DeliveryRecord[] = [];
    for (const delivery of candidates) {
      if (replayed.has(delivery.id)) continue;
      // Skipped, not fatal: test fires, deliveries outside retention (not purged yet), and
      // deliveries whose version the endpoint does not accept.
      const replay = this.#tryReplayOf(endpoint, delivery);
      if (replay !== null) replays.push(replay);
    }
    if (replays.length > 0) {
      await this.#storage.insertDeliveries(replays);
      this.#dispatcher.wake();
    }
    return { replayed: replays.length };
  }

  #assertReplayable(endpoint: EndpointRecord): void {
    if (endpoint.status !== 'ACTIVE') {
      throw new WebhookConflictError(
        'invalid_state',
        `The endpoint is ${endpoint.status}; resume it (status ACTIVE) before replaying.`,
      );
    }
  }

  /** Why `original` cannot be replayed to `endpoint` now, or the version to replay it at. */
  #replayVersion(endpoint: EndpointRecord, original: DeliveryRecord): string | number {
    if (original.status === 'PENDING') {
      return 'The delivery is still PENDING; only DELIVERED or FAILED deliveries can be replayed.';
    }
    if (original.test) return 'A test fire cannot be replayed; fire a new test instead.';
    if (original.createdAtMs < this.#clock.now() - this.#retentionMs) {
      return 'The delivery is outside the retention window.';
    }
    // The endpoint's accepted versions may have changed since (DESIGN.md §5.7): negotiate again.
    const entry = this.#catalog.entries.get(original.eventType);
    const version =
      entry === undefined
        ? original.schemaVersion
        : negotiateSchemaVersion(this.#catalog, {
            type: original.eventType,
            acceptedSchemaVersions: endpoint.acceptedSchemaVersions,
          });
    return version ?? 'The endpoint accepts no schema version this event can be sent at.';
  }

  #tryReplayOf(endpoint: EndpointRecord, original: DeliveryRecord): DeliveryRecord | null {
    const version = this.#replayVersion(endpoint, original);
    return typeof version === 'number' ? this.#newReplay(original, version) : null;
  }

  #replayOf(endpoint: EndpointRecord, original: DeliveryRecord): DeliveryRecord {
    this.#assertReplayable(endpoint);
    const version = this.#replayVersion(endpoint, original);
    if (typeof version === 'string') throw new WebhookConflictError('invalid_state', version);
    return this.#newReplay(original, version);
  }

  #newReplay(original: DeliveryRecord, schemaVersion: number): DeliveryRecord {
    const nowMs = this.#clock.now();
    return {
      ...original,
      id: createId('delivery', this.#random),
      schemaVersion,
      status: 'PENDING',
      attempts: 0,
      nextAttemptAtMs: nowMs,
      firstAttemptAtMs: null,
      lastAttemptAtMs: null,
      lastStatusCode: null,
      failureReason: null,
      test: false,
      replayOf: original.id,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    };
  }

  /**
   * Fires a synthetic test event at one endpoint (spec digest §1.12.6, DESIGN.md §5.8): a fresh
   * event (`source: SYSTEM`, the endpoint's organization, `partnerUuid` from the input or the
   * all-zero UUID, `data` verbatim) delivered to this endpoint regardless of its filters and of
   * PAUSED status; one attempt, no retries, not counted for health, `test: true` in history.
   *
   * @returns the test delivery (PENDING, due now).
   * @throws WebhookConflictError `not_found`; `invalid_state` for a DISABLED endpoint.
   * @throws WebhookValidationError `invalid_event_input` (unknown `eventType`, `data` not an object).
   * @example
   * ```ts
   * await sender.testEndpoint(org, endpointId, {
   *   eventType: 'compliance.decision_made',
   *   data: { orderUuid: '00000000-0000-0000-0000-000000000000', decision: 'VALID_EXPORT' },
   * });
   * ```
   */
  async testEndpoint(
    organizationUuid: string,
    endpointId: string,
    input: {
      readonly eventType: string;
      readonly data: Readonly<Record<string, unknown>>;
      readonly partnerUuid?: string | undefined;
    },
  ): Promise<DeliveryView> {
    assertOrganization(organizationUuid);
    const endpoint = await this.#requireEndpoint(organizationUuid, endpointId);
    if (endpoint.status === 'DISABLED') {
      throw new WebhookConflictError(
        'invalid_state',
        'The endpoint is DISABLED; enable it to test it.',
      );
    }
    const issues: ValidationIssue[] = [];
    if (typeof input?.eventType !== 'string' || !this.#catalog.entries.has(input.eventType)) {
      issues.push({ path: 'eventType', message: 'expected a catalog event type' });
    }
    if (typeof input?.data !== 'object' || input.data === null || Array.isArray(input.data)) {
      issues.push({ path: 'data', message: 'expected an object' });
    }
    if (input?.partnerUuid !== undefined && typeof input.partnerUuid !== 'string') {
      issues.push({ path: 'partnerUuid', message: 'expected a string' });
    }
    if (issues.length > 0) throw invalidEventInput(issues);
    const entry = getCatalogEntry(this.#catalog, input.eventType);
    const nowMs = this.#clock.now();
    const event: EventRecord = {
      id: createId('event', this.#random),
      organizationUuid,
      type: entry.type,
      schemaVersion: entry.latestVersion,
      source: 'SYSTEM',
      partnerUuid: input.partnerUuid ?? ZERO_UUID,
      createdAtMs: nowMs,
      data: { ...input.data },
    };
    const delivery = newDeliveryRecord({
      id: createId('delivery', this.#random),
      event,
      endpointId,
      nowMs,
      test: true,
    });
    await this.#storage.insertEvent(event, [delivery]);
    this.#dispatcher.wake();
    return toDeliveryView(delivery);
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
  async rotateSecret(
    organizationUuid: string,
    endpointId: string,
    options: { readonly overlapMs?: number | undefined; readonly secret?: string | undefined } = {},
  ): Promise<{ secret: string }> {
    assertOrganization(organizationUuid);
    const overlapMs = options.overlapMs ?? 24 * 60 * 60 * 1000;
    if (!Number.isSafeInteger(overlapMs) || overlapMs < 0) {
      throw invalidOption(
        'overlapMs',
        '`overlapMs` must be an integer number of milliseconds >= 0.',
      );
    }
    assertSecretInput(options.secret, 'rotateSecret', this.#profile.secretFormat);
    const endpoint = await this.#requireEndpoint(organizationUuid, endpointId);
    const nowMs = this.#clock.now();
    const live = endpoint.secrets.filter((s) => s.expiresAtMs === null || s.expiresAtMs > nowMs);
    if (options.secret !== undefined && isLiveSecret(options.secret, live)) {
      throw new WebhookConflictError(
        'invalid_state',
        `rotateSecret: the secret passed is already live on this endpoint (one of its ${live.length} ` +
          'live secrets); rotating to it would sign every delivery twice with it. Pass a new ' +
          'secret, or omit `secret` to have one generated.',
      );
    }
    if (live.length >= MAX_LIVE_SECRETS) {
      throw new WebhookConflictError(
        'invalid_state',
        `The endpoint already has ${MAX_LIVE_SECRETS} live secrets; wait for an overlap to end.`,
      );
    }
    const secret = options.secret ?? this.#newSecret();
    const ending = nowMs + overlapMs;
    const secrets = [
      { secret, createdAtMs: nowMs, expiresAtMs: null },
      ...live.map((s) => ({
        ...s,
        expiresAtMs: s.expiresAtMs === null ? ending : Math.min(s.expiresAtMs, ending),
      })),
    ].filter((s) => s.expiresAtMs === null || s.expiresAtMs > nowMs);
    const updated = await this.#storage.updateEndpoint({
      organizationUuid,
      endpointId,
      changes: { secrets },
      nowMs,
    });
    if (updated === null) throw notFound(endpointId);
    await this.#cacheEndpoint(updated);
    return { secret };
  }

  /**
   * Deletes delivery history older than `retentionMs` (DESIGN.md §5.11: purged rows are gone and
   * can no longer be replayed), in batches of 1,000, with the attempts and the events left without
   * deliveries; PENDING deliveries are never purged. The running dispatcher calls it every
   * `purgeIntervalMs`; call it yourself when you drive the sender with `processDue()`.
   *
   * @returns how many deliveries were deleted.
   * @example
   * ```ts
   * const purged = await sender.purgeExpired();
   * ```
   */
  async purgeExpired(): Promise<number> {
    const cutoffMs = this.#clock.now() - this.#retentionMs;
    let total = 0;
    for (;;) {
      const deleted = await this.#storage.purgeBefore(cutoffMs, PURGE_BATCH);
      total += deleted;
      if (deleted < PURGE_BATCH) return total;
    }
  }

  /**
   * Runs a write at most once per Idempotency-Key (spec digest §1.4, DESIGN.md §5.10), for the
   * management HTTP layer: scope = organization + method + route + key; the raw body is kept as
   * a SHA-256 for 24 h. The same key and body return the stored response (a create's one-time
   * secret included) without running `execute` again; a different body is refused; the same key
   * still in flight is a conflict. If `execute` throws, the key is released and the error
   * rethrown, so the client may retry with the same key.
   *
   * @param request - `organizationUuid`, `method`, `route` (the path template, e.g.
   *   `/v1/webhooks/{id}`), `key` (1–255 characters) and the raw `body`.
   * @param execute - performs the write and returns the response to store.
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
  async withIdempotencyKey(
    request: {
      readonly organizationUuid: string;
      readonly method: string;
      readonly route: string;
      readonly key: string;
      readonly body: string | Uint8Array;
    },
    execute: () => Promise<IdempotencyResponse>,
  ): Promise<IdempotencyResponse & { readonly replayed: boolean }> {
    assertOrganization(request.organizationUuid);
    const { key } = request;
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      throw invalidOption(
        'idempotencyKey',
        `The Idempotency-Key must be 1 to 255 characters, got ${describeValue(key)}.`,
      );
    }
    // Newlines cannot occur in a method or a route template, so the scope is unambiguous.
    const scope = [request.organizationUuid, request.method.toUpperCase(), request.route, key].join(
      '\n',
    );
    const bodyHash = createHash('sha256').update(request.body).digest('hex');
    const begun = await this.#storage.beginIdempotent({
      scope,
      bodyHash,
      nowMs: this.#clock.now(),
      ttlMs: IDEMPOTENCY_TTL_MS,
      inFlightTtlMs: IDEMPOTENCY_IN_FLIGHT_TTL_MS,
    });
    if (begun.outcome === 'replay') return { ...begun.response, replayed: true };
    if (begun.outcome === 'mismatch') {
      throw new WebhookConflictError(
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request body; use a new key for a new request.',
      );
    }
    if (begun.outcome === 'in_flight') {
      throw new WebhookConflictError(
        'idempotency_key_in_flight',
        'A request with this Idempotency-Key is still being processed; retry shortly.',
      );
    }
    let response: IdempotencyResponse;
    try {
      response = await execute();
    } catch (error) {
      await this.#storage.abandonIdempotent(scope, bodyHash);
      throw error;
    }
    await this.#storage.completeIdempotent({
      scope,
      bodyHash,
      response: { status: response.status, body: response.body },
      nowMs: this.#clock.now(),
      ttlMs: IDEMPOTENCY_TTL_MS,
    });
    return { status: response.status, body: response.body, replayed: false };
  }

  async #requireEndpoint(organizationUuid: string, endpointId: string): Promise<EndpointRecord> {
    const endpoint = await this.#storage.getEndpoint(organizationUuid, endpointId);
    if (endpoint === null) throw notFound(endpointId);
    return endpoint;
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
   */
  start(): void {
    this.#dispatcher.start();
  }

  /**
   * Stops the loop and waits for in-flight attempts up to `deadlineMs` (default 10 s); attempts
   * still running then are aborted and their claims released, so another worker (or the next
   * start) sends them again. Nothing is lost. Closes the transport.
   */
  stop(options?: { readonly deadlineMs?: number }): Promise<void> {
    return this.#dispatcher.stop(options?.deadlineMs ?? 10_000);
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
    return this.#hooks.on(name, listener);
  }

  // ---------------------------------------------------------------- indexes

  /** The organization's subscription index, read from storage on first use and after its TTL. */
  async #organization(organizationUuid: string, fresh = false): Promise<OrganizationIndex> {
    const cached = this.#organizations.get(organizationUuid);
    if (cached !== undefined) {
      const org = await cached;
      if (!fresh || this.#clock.now() - org.loadedAtMs < this.#cacheTtlMs) return org;
      if (this.#organizations.get(organizationUuid) !== cached) {
        return this.#organization(organizationUuid, fresh);
      }
    }
    const loadedAtMs = this.#clock.now();
    this.#loaded.delete(organizationUuid);
    const loading = this.#storage.listEndpoints(organizationUuid).then((records) => {
      const org: OrganizationIndex = {
        index: new SubscriptionIndex({ eventTypes: this.#profile.eventTypes }),
        endpoints: new Map(),
        loadedAtMs,
      };
      for (const record of records) addToIndex(org, record);
      return org;
    });
    this.#organizations.set(organizationUuid, loading);
    loading.then(
      (org) => {
        if (this.#organizations.get(organizationUuid) === loading) {
          this.#loaded.set(organizationUuid, org);
        }
      },
      () => this.#organizations.delete(organizationUuid),
    );
    return loading;
  }

  /**
   * The loaded index of the organization while within its TTL: what `#organization(uuid, true)`
   * resolves to then, without a wait (publish is the hot path).
   */
  #freshLoaded(organizationUuid: string): OrganizationIndex | undefined {
    const org = this.#loaded.get(organizationUuid);
    return org !== undefined && this.#clock.now() - org.loadedAtMs < this.#cacheTtlMs
      ? org
      : undefined;
  }

  /** Whether this very record object is the one the organization's loaded index holds. */
  #isCached(record: EndpointRecord): boolean {
    return this.#loaded.get(record.organizationUuid)?.endpoints.get(record.id) === record;
  }

  async #cacheEndpoint(record: EndpointRecord): Promise<void> {
    const org = await this.#organization(record.organizationUuid);
    const cached = org.endpoints.get(record.id);
    if (
      cached !== undefined &&
      sameList(cached.events, record.events) &&
      (cached.partnerIds === record.partnerIds ||
        (cached.partnerIds !== null &&
          record.partnerIds !== null &&
          sameList(cached.partnerIds, record.partnerIds)))
    ) {
      // Only the status or health changed (every attempt changes health): the index stays.
      org.endpoints.set(record.id, record);
      return;
    }
    org.index.remove(record.id);
    addToIndex(org, record);
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function addToIndex(org: OrganizationIndex, record: EndpointRecord): void {
  org.index.add(record.id, { events: record.events, partnerIds: record.partnerIds });
  org.endpoints.set(record.id, record);
}

function assertOrganization(value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) {
    throw invalidOption(
      'organizationUuid',
      `\`organizationUuid\` must be a non-empty string, got ${describeValue(value)}.`,
    );
  }
}

function notFound(endpointId: string): WebhookConflictError {
  return new WebhookConflictError(
    'not_found',
    `No endpoint ${typeof endpointId === 'string' ? endpointId.slice(0, 40) : ''} in this organization.`,
  );
}

function invalidEventInput(issues: readonly ValidationIssue[]): WebhookValidationError {
  return new WebhookValidationError(
    'invalid_event_input',
    `publish: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`,
    { issues },
  );
}

function readTime(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  throw invalidOption(name, `\`${name}\` must be an ISO 8601 date-time or epoch milliseconds.`);
}
