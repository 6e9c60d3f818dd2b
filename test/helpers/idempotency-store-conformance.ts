// The IdempotencyStore contract (src/sender/ports/idempotency-store.ts, docs/design.md §5.10), as
// one suite that runs against every adapter (CONTRIBUTING.md "Tests"): MemoryIdempotencyStore
// now, a PostgreSQL one later. Times are passed in (`nowMs`), so no case depends on a clock.
import { describe, expect, it } from 'vitest';
import type {
  CompleteIdempotentInput,
  IdempotencyBegin,
  IdempotencyStore,
} from '../../src/sender/ports/idempotency-store.js';
import { bodyHash, idempotencyScope, ORG_A, ORG_B, T0 } from './sender-records.js';

/** A fresh, empty store for one test, and how to clean up after it. */
export interface IdempotencyStoreFixture {
  readonly store: IdempotencyStore;
  readonly cleanup?: () => Promise<void>;
}

/** How long a completed record lives (docs/design.md §5.10: 24 h). */
const TTL_MS = 24 * 60 * 60 * 1000;
/** How long an in-flight record holds its key. */
const IN_FLIGHT_TTL_MS = 5 * 60 * 1000;

/** Item `index` of `items`; fails the test when there is none. */
function at<T>(items: readonly T[], index: number): T {
  expect(items.length).toBeGreaterThan(index);
  return items[index] as T;
}

/**
 * Runs the shared IdempotencyStore contract against the stores `make` creates.
 *
 * @example
 * ```ts
 * describeIdempotencyStore('PostgresIdempotencyStore', async () => {
 *   const store = await createTestStore(); // a fresh, empty store for every case
 *   return { store, cleanup: () => store.dropAll() };
 * });
 * ```
 */
export function describeIdempotencyStore(
  name: string,
  make: () => Promise<IdempotencyStoreFixture>,
): void {
  /** A case with a fresh store, always cleaned up. */
  const itWith = (title: string, body: (store: IdempotencyStore) => Promise<void>) =>
    it(title, async () => {
      const fixture = await make();
      try {
        await body(fixture.store);
      } finally {
        await fixture.cleanup?.();
      }
    });

  const SCOPE = idempotencyScope('key-1');
  const BODY = bodyHash('{"url":"https://receiver.example/webhooks","events":["order.*"]}');
  const OTHER_BODY = bodyHash('{"url":"https://other.example/webhooks","events":["order.*"]}');
  // A create response carries the endpoint's one-time secret: it must replay verbatim.
  const CREATED = {
    status: 201,
    body: '{"id":"wh_000001","secret":"whsec_one-time-secret"}',
  };

  /** Begins `scope` at `nowMs` with the suite's time-to-live values. */
  const begin = (
    store: IdempotencyStore,
    scope: string,
    hash: string,
    nowMs: number,
  ): Promise<IdempotencyBegin> =>
    store.begin({ scope, bodyHash: hash, nowMs, ttlMs: TTL_MS, inFlightTtlMs: IN_FLIGHT_TTL_MS });

  const complete = (
    store: IdempotencyStore,
    nowMs: number,
    overrides: Partial<CompleteIdempotentInput> = {},
  ) =>
    store.complete({
      scope: SCOPE,
      bodyHash: BODY,
      response: CREATED,
      nowMs,
      ttlMs: TTL_MS,
      ...overrides,
    });

  describe(`${name} — IdempotencyStore contract`, () => {
    describe('begin, complete, abandon', () => {
      itWith(
        'begin on a new scope -> started; again with the same body -> in_flight; with another body -> mismatch',
        async (store) => {
          expect(await begin(store, SCOPE, BODY, T0)).toEqual({ outcome: 'started' });
          expect(await begin(store, SCOPE, BODY, T0 + 1)).toEqual({ outcome: 'in_flight' });
          expect(await begin(store, SCOPE, OTHER_BODY, T0 + 2)).toEqual({ outcome: 'mismatch' });
          expect(await begin(store, SCOPE, BODY, T0 + 3)).toEqual({ outcome: 'in_flight' });
        },
      );

      itWith(
        'complete -> the same body replays the stored response (one-time secret included), every time; another body -> mismatch',
        async (store) => {
          await begin(store, SCOPE, BODY, T0);
          await complete(store, T0 + 100);
          expect(await begin(store, SCOPE, BODY, T0 + 200)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });
          expect(await begin(store, SCOPE, OTHER_BODY, T0 + 300)).toEqual({
            outcome: 'mismatch',
          });
          const again = await begin(store, SCOPE, BODY, T0 + 400);
          expect(again).toEqual({ outcome: 'replay', response: CREATED });
          // What came out is a copy.
          if (again.outcome === 'replay') (again.response as { status: number }).status = 500;
          expect(await begin(store, SCOPE, BODY, T0 + 500)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });
        },
      );

      itWith(
        'what went in is copied: changing it after complete changes nothing',
        async (store) => {
          const response = { status: 201, body: CREATED.body };
          await begin(store, SCOPE, BODY, T0);
          await complete(store, T0 + 1, { response });
          response.status = 500;
          response.body = 'changed';
          expect(await begin(store, SCOPE, BODY, T0 + 2)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });
        },
      );

      itWith(
        'a completed record lives until completion + ttlMs: replayed just before, started again (any body) from then on',
        async (store) => {
          await begin(store, SCOPE, BODY, T0);
          await complete(store, T0 + 100);
          const expiresAtMs = T0 + 100 + TTL_MS;
          expect(await begin(store, SCOPE, OTHER_BODY, expiresAtMs - 1)).toEqual({
            outcome: 'mismatch',
          });
          expect(await begin(store, SCOPE, BODY, expiresAtMs - 1)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });
          expect(await begin(store, SCOPE, OTHER_BODY, expiresAtMs)).toEqual({
            outcome: 'started',
          });
          expect(await begin(store, SCOPE, BODY, expiresAtMs + 1)).toEqual({
            outcome: 'mismatch',
          });
        },
      );

      itWith(
        'an in-flight record never completed (a crashed request) expires at begin + inFlightTtlMs -> started',
        async (store) => {
          await begin(store, SCOPE, BODY, T0);
          expect(await begin(store, SCOPE, BODY, T0 + IN_FLIGHT_TTL_MS - 1)).toEqual({
            outcome: 'in_flight',
          });
          expect(await begin(store, SCOPE, BODY, T0 + IN_FLIGHT_TTL_MS)).toEqual({
            outcome: 'started',
          });
          expect(await begin(store, SCOPE, OTHER_BODY, T0 + IN_FLIGHT_TTL_MS + 1)).toEqual({
            outcome: 'mismatch',
          });
        },
      );

      itWith('abandon -> the key is free again: started, with any body', async (store) => {
        await begin(store, SCOPE, BODY, T0);
        await store.abandon(SCOPE, BODY);
        expect(await begin(store, SCOPE, OTHER_BODY, T0 + 1)).toEqual({ outcome: 'started' });
      });

      itWith(
        'abandon with another body, of a completed record or of an unknown scope -> nothing changes',
        async (store) => {
          await begin(store, SCOPE, BODY, T0);
          await store.abandon(SCOPE, OTHER_BODY);
          await store.abandon(idempotencyScope('unknown'), BODY);
          expect(await begin(store, SCOPE, BODY, T0 + 1)).toEqual({ outcome: 'in_flight' });
          await complete(store, T0 + 2);
          await store.abandon(SCOPE, BODY);
          expect(await begin(store, SCOPE, BODY, T0 + 3)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });
        },
      );

      itWith('complete on a completed record -> the first response wins', async (store) => {
        await begin(store, SCOPE, BODY, T0);
        await complete(store, T0 + 1);
        await complete(store, T0 + 2, { response: { status: 500, body: 'late' } });
        expect(await begin(store, SCOPE, BODY, T0 + 3)).toEqual({
          outcome: 'replay',
          response: CREATED,
        });
        // …and its expiry is still the first completion's.
        expect(await begin(store, SCOPE, OTHER_BODY, T0 + 1 + TTL_MS)).toEqual({
          outcome: 'started',
        });
      });

      itWith(
        'complete after its in-flight record expired -> stored; unless another body began the key meanwhile',
        async (store) => {
          const late = T0 + IN_FLIGHT_TTL_MS + 1;
          await begin(store, SCOPE, BODY, T0);
          await complete(store, late);
          expect(await begin(store, SCOPE, BODY, late + 1)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });

          const other = idempotencyScope('key-2');
          await begin(store, other, BODY, T0);
          expect(await begin(store, other, OTHER_BODY, late)).toEqual({ outcome: 'started' });
          await complete(store, late + 1, { scope: other });
          expect(await begin(store, other, OTHER_BODY, late + 2)).toEqual({
            outcome: 'in_flight',
          });
          expect(await begin(store, other, BODY, late + 2)).toEqual({ outcome: 'mismatch' });
        },
      );

      itWith('scopes are independent: organizations, routes and keys', async (store) => {
        const scopes = [
          SCOPE,
          idempotencyScope('key-1', ORG_B),
          idempotencyScope('key-2'),
          `${ORG_A} PATCH /v1/webhooks/wh_000001 key-1`,
        ];
        for (const scope of scopes) {
          expect(await begin(store, scope, BODY, T0)).toEqual({ outcome: 'started' });
        }
        await complete(store, T0 + 1);
        await store.abandon(at(scopes, 1), BODY);
        expect(await begin(store, at(scopes, 0), BODY, T0 + 2)).toEqual({
          outcome: 'replay',
          response: CREATED,
        });
        expect(await begin(store, at(scopes, 1), OTHER_BODY, T0 + 2)).toEqual({
          outcome: 'started',
        });
        expect(await begin(store, at(scopes, 2), BODY, T0 + 2)).toEqual({ outcome: 'in_flight' });
        expect(await begin(store, at(scopes, 3), OTHER_BODY, T0 + 2)).toEqual({
          outcome: 'mismatch',
        });
      });

      itWith(
        '20 concurrent begin with the same scope and body -> exactly one started, the others in_flight',
        async (store) => {
          const results = await Promise.all(
            Array.from({ length: 20 }, () => begin(store, SCOPE, BODY, T0)),
          );
          const outcomes = results.map((r) => r.outcome);
          expect(outcomes.filter((o) => o === 'started')).toHaveLength(1);
          expect(outcomes.filter((o) => o === 'in_flight')).toHaveLength(19);
        },
      );
    });

    describe('purgeExpired', () => {
      /** Completes `scope` at `nowMs`: it expires at `nowMs + TTL_MS`. */
      async function completed(store: IdempotencyStore, scope: string, nowMs: number) {
        await begin(store, scope, BODY, nowMs);
        await store.complete({ scope, bodyHash: BODY, response: CREATED, nowMs, ttlMs: TTL_MS });
      }

      itWith(
        'deletes the records expired at nowMs (completed and in flight, expiry included) and keeps live ones',
        async (store) => {
          const NOW = T0 + 2 * TTL_MS;
          await completed(store, idempotencyScope('completed-expired'), NOW - TTL_MS);
          await completed(store, idempotencyScope('completed-live'), NOW - TTL_MS + 1);
          await begin(store, idempotencyScope('crashed'), BODY, NOW - IN_FLIGHT_TTL_MS);
          await begin(store, idempotencyScope('running'), BODY, NOW - IN_FLIGHT_TTL_MS + 1);
          expect(await store.purgeExpired(NOW, 100)).toBe(2);
          expect(await store.purgeExpired(NOW, 100)).toBe(0);
          // Seen from a time before every expiry, only the purged records are missing.
          const before = NOW - IN_FLIGHT_TTL_MS + 2;
          expect(await begin(store, idempotencyScope('completed-live'), BODY, before)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });
          expect(await begin(store, idempotencyScope('running'), BODY, before)).toEqual({
            outcome: 'in_flight',
          });
          expect(
            await begin(store, idempotencyScope('completed-expired'), OTHER_BODY, before),
          ).toEqual({ outcome: 'started' });
          expect(await begin(store, idempotencyScope('crashed'), OTHER_BODY, before)).toEqual({
            outcome: 'started',
          });
        },
      );

      itWith(
        'deletes at most limit records per call; repeated until a call returns less, every expired one is gone',
        async (store) => {
          for (let k = 0; k < 7; k++) await completed(store, idempotencyScope(`old-${k}`), T0 + k);
          await completed(store, idempotencyScope('live'), T0 + 100);
          const NOW = T0 + TTL_MS + 10;
          const batches: number[] = [];
          for (;;) {
            const deleted = await store.purgeExpired(NOW, 3);
            batches.push(deleted);
            if (deleted < 3) break;
          }
          expect(batches).toEqual([3, 3, 1]);
          expect(await begin(store, idempotencyScope('live'), BODY, NOW)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });
        },
      );

      itWith('on an empty store -> 0', async (store) => {
        expect(await store.purgeExpired(T0, 100)).toBe(0);
      });
    });
  });
}
