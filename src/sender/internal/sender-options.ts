// The options of `WebhookSender`, checked eagerly at construction (each error names its option)
// and filled with their defaults.

import type { EventCatalog } from '../../core/catalog/event-catalog.js';
import { createId } from '../../core/ids.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { NOVATRADE_PROFILE } from '../../core/profiles/novatrade-profile.js';
import type { WireProfile } from '../../core/profiles/wire-profile.js';
import type { RandomSource } from '../../core/random.js';
import { createStderrLogger } from '../../logging/create-stderr-logger.node.js';
import { resolveLogger } from '../../logging/internal/resolve-logger.js';
import { webCryptoRandom } from '../../platform-random.js';
import { MemoryStorage } from '../memory-storage.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';
import type { SenderStorage } from '../ports/sender-storage.js';
import type { Transport } from '../ports/transport.js';
import type { WebhookSenderOptions } from '../webhook-sender.js';
import { assertProfilePolicyKeys } from './profile-policy-keys.js';
import { catalogForProfile } from './sender-catalog.js';

/** The options of a sender, checked, with every default filled in. */
export interface SenderSettings {
  readonly storage: SenderStorage;
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
  readonly pollIntervalMs: number;
  readonly purgeIntervalMs: number;
  /** This worker's name in claims. */
  readonly workerId: string;
}

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
    );
  }
  assertPort(options.transport, 'transport', ['send']);
  if (options.storage !== undefined) {
    assertPort(options.storage, 'storage', ['insertEndpoint', 'claimDue', 'recordAttempt']);
  }
  if (options.clock !== undefined) assertPort(options.clock, 'clock', ['now']);
  if (options.notifier !== undefined) {
    assertPort(options.notifier, 'notifier', ['endpointPaused']);
  }
  if (options.random !== undefined && typeof options.random !== 'function') {
    throw invalidOption(
      'random',
      'WebhookSender: `random` must be a function (byteLength) => Uint8Array.',
    );
  }
  const profile: WireProfile = (options.profile as WireProfile | undefined) ?? NOVATRADE_PROFILE;
  if (typeof profile !== 'object' || typeof profile.serializeBody !== 'function') {
    throw invalidOption(
      'profile',
      'WebhookSender: `profile` must be a WireProfile such as NOVATRADE_PROFILE.',
    );
  }
  assertProfilePolicyKeys(profile);
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
  for (const flag of ['allowInsecureUrls', 'allowUnknownEnumValues'] as const) {
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

  const retentionMs = positiveInteger(options.retentionMs, 'retentionMs', 30 * 24 * 60 * 60 * 1000);
  if (
    options.endpointCacheTtlMs !== undefined &&
    (!Number.isSafeInteger(options.endpointCacheTtlMs) || options.endpointCacheTtlMs < 0)
  ) {
    throw invalidOption(
      'endpointCacheTtlMs',
      'WebhookSender: `endpointCacheTtlMs` must be an integer number of milliseconds >= 0.',
    );
  }
  const random = options.random ?? webCryptoRandom;
  const maxInFlight = positiveInteger(options.maxInFlight, 'maxInFlight', 100);
  const reservedInFlight = reservedInFlightOption(options.reservedInFlight, maxInFlight);
  const maxInFlightPerEndpoint = positiveInteger(
    options.maxInFlightPerEndpoint,
    'maxInFlightPerEndpoint',
    10,
  );
  // One number with the transport's pool (docs/design.md §5.18).
  const maxInFlightPerOrigin = positiveInteger(
    options.transport.connectionsPerOrigin,
    'transport.connectionsPerOrigin',
    Number.POSITIVE_INFINITY,
  );
  const pollIntervalMs = positiveInteger(options.pollIntervalMs, 'pollIntervalMs', 1000);
  const workerId = options.workerId ?? `worker_${createId('delivery', random).slice(4)}`;
  const purgeIntervalMs = positiveInteger(
    options.purgeIntervalMs,
    'purgeIntervalMs',
    60 * 60 * 1000,
  );
  return {
    storage: options.storage ?? new MemoryStorage(),
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
    endpointCacheTtlMs: options.endpointCacheTtlMs ?? 5000,
    maxInFlight,
    reservedInFlight,
    maxInFlightPerEndpoint,
    maxInFlightPerOrigin,
    pollIntervalMs,
    purgeIntervalMs,
    workerId,
  };
}
