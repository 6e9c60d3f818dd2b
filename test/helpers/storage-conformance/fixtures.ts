// Shared fixtures of the SenderStorage contract suite: the storage factory's types, the suite's
// lease, and the steps its cases are written in. Times are passed in (`nowMs`,
// attempt times), so no case depends on a clock or sleeps.
import { expect, it } from 'vitest';
import {
  type HealthPolicy,
  NOVATRADE_HEALTH_POLICY,
} from '../../../src/core/retry/health-policy.js';
import type {
  AttemptDecision,
  ClaimedDelivery,
  RecordAttemptResult,
  SenderStorage,
} from '../../../src/sender/ports/sender-storage.js';
import type { DeliveryRecord, EndpointRecord, EventRecord } from '../../../src/sender/records.js';
import {
  attemptRecord,
  deliveryRecord,
  endpointRecord,
  eventRecord,
  MINUTE_MS,
  ORG_A,
  retryAt,
  T0,
} from '../sender-records.js';

/** A fresh, empty storage for one test, and how to clean up after it. */
export interface SenderStorageFixture {
  readonly storage: SenderStorage;
  readonly cleanup?: () => Promise<void>;
}

/** Creates a fresh, empty storage for every case. */
export type SenderStorageFactory = () => Promise<SenderStorageFixture>;

export const LEASE_MS = 30_000;

/** The one item of `items`; fails the test otherwise. */
export function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

/** Item `index` of `items`; fails the test when there is none. */
export function at<T>(items: readonly T[], index: number): T {
  expect(items.length).toBeGreaterThan(index);
  return items[index] as T;
}

export function idsOf(items: readonly { readonly delivery: DeliveryRecord }[]): string[] {
  return items.map((item) => item.delivery.id);
}

/** How the cases of one area get a storage: `withStorage(body)`, and `itWith`, a case with a fresh one. */
export function storageCases(make: SenderStorageFactory) {
  /** Runs `body` with a fresh storage and always cleans it up. */
  async function withStorage(body: (storage: SenderStorage) => Promise<void>): Promise<void> {
    const fixture = await make();
    try {
      await body(fixture.storage);
    } finally {
      await fixture.cleanup?.();
    }
  }

  /** A case with a fresh storage. */
  const itWith = (title: string, body: (storage: SenderStorage) => Promise<void>) =>
    it(title, () => withStorage(body));

  return { withStorage, itWith };
}

export async function addEndpoint(
  storage: SenderStorage,
  overrides: Partial<EndpointRecord> = {},
): Promise<EndpointRecord> {
  const endpoint = endpointRecord(overrides);
  await storage.insertEndpoint(endpoint);
  return endpoint;
}

/** Stores one event with one PENDING delivery per endpoint, all due at `atMs`. */
export async function publish(
  storage: SenderStorage,
  endpoints: readonly EndpointRecord[],
  atMs = T0,
  deliveryOverrides: Partial<DeliveryRecord> = {},
): Promise<{ event: EventRecord; deliveries: DeliveryRecord[] }> {
  const event = eventRecord({
    organizationUuid: endpoints[0]?.organizationUuid ?? ORG_A,
    createdAtMs: atMs,
  });
  const deliveries = endpoints.map((endpoint) =>
    deliveryRecord(event, endpoint, { nextAttemptAtMs: atMs, ...deliveryOverrides }),
  );
  await storage.insertEvent(event, deliveries);
  return { event, deliveries };
}

/**
 * The lease token of the latest claim of each delivery made through {@link claim}, per storage:
 * what {@link record} sends unless told otherwise, as the worker that claimed would.
 */
const latestTokens = new WeakMap<SenderStorage, Map<string, string>>();

/** A token no claim ever returns (the suite's stand-in for "never claimed"). */
export const NEVER_ISSUED_TOKEN = 'never-issued';

/** Claims through `claimDue`, and remembers each claimed delivery's lease token for {@link record}. */
export async function claim(
  storage: SenderStorage,
  nowMs: number,
  owner = 'worker-a',
  options: { limit?: number; skip?: readonly string[] } = {},
): Promise<readonly ClaimedDelivery[]> {
  const claimed = await storage.claimDue({
    nowMs,
    limit: options.limit ?? 100,
    leaseMs: LEASE_MS,
    owner,
    skipEndpointIds: options.skip === undefined ? undefined : new Set(options.skip),
  });
  remember(storage, claimed);
  return claimed;
}

/** Remembers the lease tokens of claims made without {@link claim} (a direct `claimDue`). */
export function remember(storage: SenderStorage, claimed: readonly ClaimedDelivery[]): void {
  let tokens = latestTokens.get(storage);
  if (tokens === undefined) {
    tokens = new Map();
    latestTokens.set(storage, tokens);
  }
  for (const item of claimed) tokens.set(item.delivery.id, item.leaseToken);
}

/**
 * Records one attempt of a claimed delivery (a 204 when `ok`, else a 500) at `atMs`, with
 * `leaseToken` or else the token of the delivery's latest claim through {@link claim}.
 */
export function record(
  storage: SenderStorage,
  claimed: DeliveryRecord,
  input: {
    leaseToken?: string;
    atMs: number;
    ok: boolean;
    decision: AttemptDecision;
    healthPolicy?: HealthPolicy | null;
  },
): Promise<RecordAttemptResult | null> {
  return storage.recordAttempt({
    deliveryId: claimed.id,
    leaseToken:
      input.leaseToken ?? latestTokens.get(storage)?.get(claimed.id) ?? NEVER_ISSUED_TOKEN,
    attempt: attemptRecord(claimed, input.atMs, input.ok),
    decision: input.decision,
    healthPolicy: input.healthPolicy === undefined ? NOVATRADE_HEALTH_POLICY : input.healthPolicy,
  });
}

/** The token of the delivery's latest claim through {@link claim} (fails the test without one). */
export function tokenOf(storage: SenderStorage, deliveryId: string): string {
  const token = latestTokens.get(storage)?.get(deliveryId);
  expect(token).toBeTypeOf('string');
  return token as string;
}

/** Claims `delivery` (it must be the only one due) and records a failed attempt with a retry. */
export async function failOnce(
  storage: SenderStorage,
  atMs: number,
  healthPolicy: HealthPolicy,
): Promise<RecordAttemptResult | null> {
  const claimed = only(await claim(storage, atMs, 'worker-a', { limit: 1 }));
  return record(storage, claimed.delivery, {
    atMs,
    ok: false,
    decision: retryAt(atMs + MINUTE_MS),
    healthPolicy,
  });
}

export async function delivery(storage: SenderStorage, id: string, org = ORG_A) {
  const found = await storage.getDelivery(org, id);
  expect(found).not.toBeNull();
  return found as DeliveryRecord;
}

export async function endpointOf(storage: SenderStorage, id: string, org = ORG_A) {
  const found = await storage.getEndpoint(org, id);
  expect(found).not.toBeNull();
  return found as EndpointRecord;
}
