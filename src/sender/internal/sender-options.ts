// The options of `WebhookSender`, checked eagerly at construction (each error names its option)
// and filled with their defaults.

import type { EventCatalog } from '../../core/catalog/event-catalog.js';
import { createId } from '../../core/ids.js';
import { describeValue } from '../../core/internal/describe-value.js';
import {
  integerOption,
  integerOptionOr,
  requiredIntegerOption,
} from '../../core/internal/integer-option.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { TIMER_OPTION_RANGE } from '../../core/internal/timer-delay.js';
import { NOVATRADE_PROFILE } from '../../core/profiles/novatrade-profile.js';
import type { WireProfile } from '../../core/profiles/wire-profile.js';
import type { RandomSource } from '../../core/random.js';
import { assertHealthPolicy } from '../../core/retry/health-policy.js';
import { assertRetryPolicy } from '../../core/retry/retry-policy.js';
import { createStderrLogger } from '../../logging/create-stderr-logger.node.js';
import { resolveLogger } from '../../logging/internal/resolve-logger.js';
import { webCryptoRandom } from '../../platform-random.js';
import { MemoryIdempotencyStore } from '../memory-idempotency-store.js';
import { MemoryStorage } from '../memory-storage.js';
import type { Clock } from '../ports/clock.js';
import type { IdempotencyStore } from '../ports/idempotency-store.js';
import type { Logger } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';
import type { SenderStorage } from '../ports/sender-storage.js';
import type { Transport } from '../ports/transport.js';
import type { WebhookSenderOptions } from '../webhook-sender.js';
import { LEASE_MARGIN_MS } from './claim-ahead.js';
import { assertProfilePolicyKeys, checkProfilePart } from './profile-policy-keys.js';
import { catalogForProfile } from './sender-catalog.js';

/** The options of a sender, checked, with every default filled in. */
export interface SenderSettings {
  readonly storage: SenderStorage;
  /** Where Idempotency-Key records live (docs/design.md §5.10). */
  readonly idempotencyStore: IdempotencyStore;
  readonly transport: Transport;
  readonly profile: WireProfile;
  /** The `catalog` option, or the profile's catalog. */
  readonly catalog: EventCatalog;
  /** The types endpoints may subscribe to: the `catalog` option's, or the profile's. */
  readonly eventTypes: readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly notifier: Notifier | undefined;
  readonly random: RandomSource;
  readonly allowInsecureUrls: boolean;
  /** Publish and test fire accept enum values outside the catalog (docs/design.md §5.24). */
  readonly allowUnknownEnumValues: boolean;
  readonly leaseMs: number;
  readonly retentionMs: number;
  readonly endpointCacheTtlMs: number;
  readonly maxInFlight: number;
  readonly reservedInFlight: number;
  readonly maxInFlightPerEndpoint: number;
  /** The transport's connections per origin (`Infinity`: no cap). */
  readonly maxInFlightPerOrigin: number;
  /** Deliveries per endpoint claimed beyond the free slots (docs/design.md §5.33). */
  readonly claimAhead: number;
  readonly pollIntervalMs: number;
  readonly purgeIntervalMs: number;
  /** This worker's name in claims. */
  readonly workerId: string;
}

/** The class named in option messages. */
const OWNER = 'WebhookSender';

function assertPort(value: unknown, name: string, methods: readonly string[]): void {
  if (
    typeof value !== 'object' ||
    value === null ||
    !methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function')
  ) {
    throw invalidOption(
      name,
      `WebhookSender: \`${name}\` must implement ${methods.join(', ')}, got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
}

/**
 * A sender's rule on top of `assertRetryPolicy` (for which an empty list is a policy of no
 * retries): its profile retries at least once. Every failed attempt is retried while the schedule
 * lasts (docs/design.md §5.1), and an empty list would turn that off without a word, each delivery
 * FAILED after one attempt. `policy` has passed `assertRetryPolicy`.
 *
 * @throws WebhookValidationError `invalid_option`, `too_small` at the schedule's list.
 */
function assertSomeRetry(policy: WireProfile['retryPolicy']): void {
  const { schedule } = policy;
  const delays = schedule.kind === 'offsets' ? schedule.offsetsMs : schedule.intervalsMs;
  if (delays.length > 0) return;
  const path = `profile.retryPolicy.schedule.${schedule.kind === 'offsets' ? 'offsetsMs' : 'intervalsMs'}`;
  throw invalidOption(
    path,
    `WebhookSender: \`${path}\` must hold at least one retry, got an empty list; a sender ` +
      'retries every failed attempt while the schedule lasts.',
    'too_small',
  );
}

/**
 * Checks a sender's options and fills in the defaults.
 *
 * @throws WebhookValidationError `invalid_option` naming the first bad option.
 */
export function parseSenderOptions(options: WebhookSenderOptions<unknown>): SenderSettings {
  // The static data types of `catalog` and `profile` only type `publish`; the checks and the
  // run time see plain catalogs and profiles (the casts below).
  if (typeof options !== 'object' || options === null) {
    throw invalidOption(
      'options',
      `WebhookSender: expected an options object, got ${describeValue(options)}.`,
      'invalid_type',
    );
  }
  assertPort(options.transport, 'transport', ['send']);
  if (options.storage !== undefined) {
    assertPort(options.storage, 'storage', ['insertEndpoint', 'claimDue', 'recordAttempt']);
  }
  if (options.idempotencyStore !== undefined) {
    assertPort(options.idempotencyStore, 'idempotencyStore', [
      'begin',
      'complete',
      'abandon',
      'purgeExpired',
    ]);
  }
  if (options.clock !== undefined) assertPort(options.clock, 'clock', ['now']);
  if (options.notifier !== undefined) {
    assertPort(options.notifier, 'notifier', ['endpointPaused']);
  }
  if (options.random !== undefined && typeof options.random !== 'function') {
    throw invalidOption(
      'random',
      'WebhookSender: `random` must be a function (byteLength) => Uint8Array.',
      'invalid_type',
    );
  }
  const profile: WireProfile = (options.profile as WireProfile | undefined) ?? NOVATRADE_PROFILE;
  if (typeof profile !== 'object' || typeof profile.serializeBody !== 'function') {
    throw invalidOption(
      'profile',
      'WebhookSender: `profile` must be a WireProfile such as NOVATRADE_PROFILE.',
      'invalid_type',
    );
  }
  // A custom profile's hand-written parts: the keys first (a misspelt key is named as such, not as
  // a missing value), then the values by the core's own checks, the one home of each rule.
  assertProfilePolicyKeys(profile);
  checkProfilePart('profile.retryPolicy', () => assertRetryPolicy(profile.retryPolicy));
  assertSomeRetry(profile.retryPolicy);
  checkProfilePart('profile.healthPolicy', () => assertHealthPolicy(profile.healthPolicy));
  // Required: the lease is derived from it (a missing one made the lease NaN).
  // A timer option: a whole number of ms up to MAX_TIMER_MS; a longer timer fires at once, and the
  // attempt would time out the moment it starts (`HttpTransport` has the same ends).
  const timeoutMs = requiredIntegerOption(
    OWNER,
    'profile.timeoutMs',
    profile.timeoutMs,
    TIMER_OPTION_RANGE,
  );
  const { secretFormat } = profile;
  if (
    secretFormat !== undefined &&
    (typeof secretFormat?.create !== 'function' || typeof secretFormat.check !== 'function')
  ) {
    throw invalidOption(
      'profile.secretFormat',
      'WebhookSender: `profile.secretFormat` must have `create(random)` and `check(secret)` ' +
        'functions.',
      'invalid_type',
    );
  }
  const catalog = (options.catalog as EventCatalog | undefined) ?? catalogForProfile(profile);
  if (
    typeof catalog !== 'object' ||
    catalog === null ||
    !Array.isArray(catalog.types) ||
    typeof catalog.entries?.get !== 'function'
  ) {
    throw invalidOption(
      'catalog',
      `WebhookSender: \`catalog\` must be an EventCatalog from createEventCatalog, got ${describeValue(catalog)}.`,
      'invalid_type',
    );
  }
  const leaseMs = integerOptionOr(OWNER, 'leaseMs', options.leaseMs, timeoutMs + 30_000);
  if (leaseMs < timeoutMs + LEASE_MARGIN_MS) {
    throw invalidOption(
      'leaseMs',
      `WebhookSender: \`leaseMs\` (${leaseMs}) must exceed the transport timeout ` +
        `(${timeoutMs} ms) plus a 5,000 ms margin, or a live worker's claim could ` +
        'lapse mid-request and the delivery be sent twice.',
      'too_small',
    );
  }
  for (const flag of ['allowInsecureUrls', 'allowUnknownEnumValues'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
      throw invalidOption(flag, `WebhookSender: \`${flag}\` must be a boolean.`, 'invalid_type');
    }
  }
  if (
    options.workerId !== undefined &&
    (typeof options.workerId !== 'string' || options.workerId === '')
  ) {
    throw invalidOption(
      'workerId',
      'WebhookSender: `workerId` must be a non-empty string.',
      typeof options.workerId === 'string' ? 'too_small' : 'invalid_type',
    );
  }

  const retentionMs = integerOptionOr(
    OWNER,
    'retentionMs',
    options.retentionMs,
    30 * 24 * 60 * 60 * 1000,
  );
  const endpointCacheTtlMs = integerOptionOr(
    OWNER,
    'endpointCacheTtlMs',
    options.endpointCacheTtlMs,
    5000,
    { min: 0 },
  );
  const random = options.random ?? webCryptoRandom;
  const maxInFlight = integerOptionOr(OWNER, 'maxInFlight', options.maxInFlight, 100);
  const reservedInFlight =
    integerOption(OWNER, 'reservedInFlight', options.reservedInFlight, { min: 0 }) ??
    Math.floor(maxInFlight / 10);
  if (reservedInFlight >= maxInFlight) {
    // A rule between two options, not of one integer: at least one slot stays open to any endpoint.
    throw invalidOption(
      'reservedInFlight',
      `WebhookSender: \`reservedInFlight\` (${reservedInFlight}) must be below \`maxInFlight\` ` +
        `(${maxInFlight}), so that an endpoint with work in flight can still take a slot: ` +
        `at most ${maxInFlight - 1}.`,
      'too_big',
    );
  }
  const maxInFlightPerEndpoint = integerOptionOr(
    OWNER,
    'maxInFlightPerEndpoint',
    options.maxInFlightPerEndpoint,
    10,
  );
  // One number with the transport's pool (docs/design.md §5.18).
  const maxInFlightPerOrigin = integerOptionOr(
    OWNER,
    'transport.connectionsPerOrigin',
    options.transport.connectionsPerOrigin,
    Number.POSITIVE_INFINITY,
  );
  const storage: SenderStorage = options.storage ?? new MemoryStorage();
  const claimAhead = integerOptionOr(
    OWNER,
    'claimAhead',
    options.claimAhead,
    storage.claimCost === 'round-trip' ? 4 * maxInFlightPerEndpoint : 0,
    { min: 0 },
  );
  const pollIntervalMs = integerOptionOr(OWNER, 'pollIntervalMs', options.pollIntervalMs, 1000);
  const workerId = options.workerId ?? `worker_${createId('delivery', random).slice(4)}`;
  const purgeIntervalMs = integerOptionOr(
    OWNER,
    'purgeIntervalMs',
    options.purgeIntervalMs,
    60 * 60 * 1000,
  );
  return {
    storage,
    idempotencyStore: options.idempotencyStore ?? new MemoryIdempotencyStore(),
    transport: options.transport,
    profile,
    catalog,
    eventTypes: options.catalog === undefined ? profile.eventTypes : catalog.types,
    clock: options.clock ?? { now: () => Date.now() },
    // Warnings and errors on stderr unless told otherwise (docs/design.md §5.23).
    logger: resolveLogger(options.logger, () => createStderrLogger()),
    notifier: options.notifier,
    random,
    allowInsecureUrls: options.allowInsecureUrls ?? false,
    allowUnknownEnumValues: options.allowUnknownEnumValues ?? false,
    leaseMs,
    retentionMs,
    endpointCacheTtlMs,
    maxInFlight,
    reservedInFlight,
    maxInFlightPerEndpoint,
    maxInFlightPerOrigin,
    claimAhead,
    pollIntervalMs,
    purgeIntervalMs,
    workerId,
  };
}
