// The IdempotencyStore contract (src/sender/ports/idempotency-store.ts, docs/design.md §5.10), as
// one suite that runs against every adapter (CONTRIBUTING.md "Tests"): MemoryIdempotencyStore
// now, a PostgreSQL one later. Times are passed in (`nowMs`), so no case depends on a clock.
// `complete` and `abandon` carry the token of their `begin`: the cases where a request outlives its
// in-flight record and another one begins the same key and body pin that a token fences its record.
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
  // What the HTTP API replays besides status and body: names in their case, in their order.
  const CREATED_WITH_HEADERS = {
    ...CREATED,
    headers: {
      Location: '/v1/webhooks/wh_000001',
      'Content-Type': 'application/json',
      'x-request-id': 'req_1',
    },
  };
  /** `begin`'s answer when it began a record: a token of the store's making. */
  const STARTED = { outcome: 'started', token: expect.any(String) };

  /** Begins `scope` at `nowMs` with the suite's time-to-live values. */
  const begin = (
    store: IdempotencyStore,
    scope: string,
    hash: string,
    nowMs: number,
  ): Promise<IdempotencyBegin> =>
    store.begin({ scope, bodyHash: hash, nowMs, ttlMs: TTL_MS, inFlightTtlMs: IN_FLIGHT_TTL_MS });

  /** Begins `scope`, expects `started`, and returns its token. */
  async function start(
    store: IdempotencyStore,
    scope: string,
    hash: string,
    nowMs: number,
  ): Promise<string> {
    const begun = await begin(store, scope, hash, nowMs);
    expect(begun).toEqual(STARTED);
    return (begun as { token: string }).token;
  }

  /** Completes the record `token` began (of {@link SCOPE} with {@link BODY} unless overridden). */
  const complete = (
    store: IdempotencyStore,
    token: string,
    nowMs: number,
    overrides: Partial<CompleteIdempotentInput> = {},
  ) =>
    store.complete({
      scope: SCOPE,
      token,
      bodyHash: BODY,
      response: CREATED,
      nowMs,
      ttlMs: TTL_MS,
      ...overrides,
    });

  describe(`${name} — IdempotencyStore contract`, () => {
    describe('begin, complete, abandon', () => {
      itWith(
        'begin on a new scope -> started with a token; again with the same body -> in_flight; with another body -> mismatch',
        async (store) => {
          const begun = await begin(store, SCOPE, BODY, T0);
          expect(begun).toEqual(STARTED);
          expect((begun as { token: string }).token).not.toBe('');
          expect(await begin(store, SCOPE, BODY, T0 + 1)).toEqual({ outcome: 'in_flight' });
          expect(await begin(store, SCOPE, OTHER_BODY, T0 + 2)).toEqual({ outcome: 'mismatch' });
          expect(await begin(store, SCOPE, BODY, T0 + 3)).toEqual({ outcome: 'in_flight' });
        },
      );

      itWith(
        'every started begin gets a token of its own: other scopes, the same scope begun again after abandon or expiry',
        async (store) => {
          const tokens = [
            await start(store, SCOPE, BODY, T0),
            await start(store, idempotencyScope('key-2'), BODY, T0),
            await start(store, idempotencyScope('key-1', ORG_B), BODY, T0),
          ];
          await store.abandon(SCOPE, at(tokens, 0));
          tokens.push(await start(store, SCOPE, BODY, T0 + 1));
          tokens.push(await start(store, SCOPE, BODY, T0 + 1 + IN_FLIGHT_TTL_MS));
          expect(new Set(tokens).size).toBe(tokens.length);
        },
      );

      itWith(
        'complete -> the same body replays the stored response (one-time secret included), every time; another body -> mismatch',
        async (store) => {
          const token = await start(store, SCOPE, BODY, T0);
          await complete(store, token, T0 + 100);
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
          const token = await start(store, SCOPE, BODY, T0);
          await complete(store, token, T0 + 1, { response });
          response.status = 500;
          response.body = 'changed';
          expect(await begin(store, SCOPE, BODY, T0 + 2)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });
        },
      );

      itWith(
        'headers round-trip verbatim (names, case, order); none stored -> none replayed',
        async (store) => {
          const token = await start(store, SCOPE, BODY, T0);
          await complete(store, token, T0 + 1, { response: CREATED_WITH_HEADERS });
          const replayed = await begin(store, SCOPE, BODY, T0 + 2);
          expect(replayed).toStrictEqual({ outcome: 'replay', response: CREATED_WITH_HEADERS });
          if (replayed.outcome !== 'replay') return;
          expect(Object.keys(replayed.response.headers ?? {})).toEqual(
            Object.keys(CREATED_WITH_HEADERS.headers),
          );

          const bare = idempotencyScope('key-2');
          const bareToken = await start(store, bare, BODY, T0);
          await complete(store, bareToken, T0 + 1, { scope: bare });
          const without = await begin(store, bare, BODY, T0 + 2);
          expect(without).toStrictEqual({ outcome: 'replay', response: CREATED });
          if (without.outcome === 'replay') expect('headers' in without.response).toBe(false);
        },
      );

      itWith(
        'headers are copied both ways: changing what went in or what came out changes nothing',
        async (store) => {
          const headers: Record<string, string> = { ...CREATED_WITH_HEADERS.headers };
          const token = await start(store, SCOPE, BODY, T0);
          await complete(store, token, T0 + 1, {
            response: { status: 201, headers, body: CREATED.body },
          });
          headers.Location = '/v1/webhooks/changed';
          headers['X-Added'] = 'added';
          const first = await begin(store, SCOPE, BODY, T0 + 2);
          expect(first).toStrictEqual({ outcome: 'replay', response: CREATED_WITH_HEADERS });
          if (first.outcome === 'replay') {
            const out = first.response.headers as Record<string, string>;
            out.Location = '/v1/webhooks/changed';
            delete out['Content-Type'];
          }
          expect(await begin(store, SCOPE, BODY, T0 + 3)).toStrictEqual({
            outcome: 'replay',
            response: CREATED_WITH_HEADERS,
          });
        },
      );

      itWith(
        'a completed record lives until completion + ttlMs: replayed just before, started again (any body) from then on',
        async (store) => {
          const token = await start(store, SCOPE, BODY, T0);
          await complete(store, token, T0 + 100);
          const expiresAtMs = T0 + 100 + TTL_MS;
          expect(await begin(store, SCOPE, OTHER_BODY, expiresAtMs - 1)).toEqual({
            outcome: 'mismatch',
          });
          expect(await begin(store, SCOPE, BODY, expiresAtMs - 1)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });
          expect(await begin(store, SCOPE, OTHER_BODY, expiresAtMs)).toEqual(STARTED);
          expect(await begin(store, SCOPE, BODY, expiresAtMs + 1)).toEqual({
            outcome: 'mismatch',
          });
        },
      );

      itWith(
        'an in-flight record never completed (a crashed request) expires at begin + inFlightTtlMs -> started',
        async (store) => {
          await start(store, SCOPE, BODY, T0);
          expect(await begin(store, SCOPE, BODY, T0 + IN_FLIGHT_TTL_MS - 1)).toEqual({
            outcome: 'in_flight',
          });
          expect(await begin(store, SCOPE, BODY, T0 + IN_FLIGHT_TTL_MS)).toEqual(STARTED);
          expect(await begin(store, SCOPE, OTHER_BODY, T0 + IN_FLIGHT_TTL_MS + 1)).toEqual({
            outcome: 'mismatch',
          });
        },
      );

      itWith(
        'abandon with its token -> the key is free again: started, with any body',
        async (store) => {
          const token = await start(store, SCOPE, BODY, T0);
          await store.abandon(SCOPE, token);
          expect(await begin(store, SCOPE, OTHER_BODY, T0 + 1)).toEqual(STARTED);
        },
      );

      itWith(
        'abandon or complete with a token that did not begin the record, abandon of a completed record or of an unknown scope -> nothing changes',
        async (store) => {
          const token = await start(store, SCOPE, BODY, T0);
          const otherScopeToken = await start(store, idempotencyScope('key-2'), BODY, T0);
          await store.abandon(SCOPE, otherScopeToken);
          await store.abandon(SCOPE, `${token}-not`);
          await store.abandon(idempotencyScope('unknown'), token);
          await complete(store, otherScopeToken, T0 + 1);
          expect(await begin(store, SCOPE, BODY, T0 + 2)).toEqual({ outcome: 'in_flight' });
          await complete(store, token, T0 + 3);
          await store.abandon(SCOPE, token);
          expect(await begin(store, SCOPE, BODY, T0 + 4)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });
        },
      );

      itWith('complete on a completed record -> the first response wins', async (store) => {
        const token = await start(store, SCOPE, BODY, T0);
        await complete(store, token, T0 + 1);
        await complete(store, token, T0 + 2, { response: { status: 500, body: 'late' } });
        expect(await begin(store, SCOPE, BODY, T0 + 3)).toEqual({
          outcome: 'replay',
          response: CREATED,
        });
        // …and its expiry is still the first completion's.
        expect(await begin(store, SCOPE, OTHER_BODY, T0 + 1 + TTL_MS)).toEqual(STARTED);
      });

      itWith(
        'complete after its in-flight record expired and nobody began the key again -> stored; unless another request began it meanwhile',
        async (store) => {
          const late = T0 + IN_FLIGHT_TTL_MS + 1;
          const token = await start(store, SCOPE, BODY, T0);
          await complete(store, token, late);
          expect(await begin(store, SCOPE, BODY, late + 1)).toEqual({
            outcome: 'replay',
            response: CREATED,
          });

          const other = idempotencyScope('key-2');
          const first = await start(store, other, BODY, T0);
          await start(store, other, OTHER_BODY, late);
          await complete(store, first, late + 1, { scope: other });
          expect(await begin(store, other, OTHER_BODY, late + 2)).toEqual({
            outcome: 'in_flight',
          });
          expect(await begin(store, other, BODY, late + 2)).toEqual({ outcome: 'mismatch' });
        },
      );

      describe('a request A that outlives its in-flight record, and a request B with the same key and body', () => {
        const B_RESPONSE = { status: 201, body: '{"id":"wh_000002","secret":"whsec_b-secret"}' };
        /** When A's in-flight record expires, and B begins. */
        const A_EXPIRED = T0 + IN_FLIGHT_TTL_MS;
        /** After B's begin: A's token, B's token. A began at T0, B as A's record expired. */
        async function overtaken(store: IdempotencyStore): Promise<[string, string]> {
          const a = await start(store, SCOPE, BODY, T0);
          expect(await begin(store, SCOPE, BODY, A_EXPIRED - 1)).toEqual({
            outcome: 'in_flight',
          });
          const b = await start(store, SCOPE, BODY, A_EXPIRED);
          return [a, b];
        }

        itWith(
          "A fails, then abandons -> B's record stays in flight, and B's complete is stored",
          async (store) => {
            const [a, b] = await overtaken(store);
            await store.abandon(SCOPE, a);
            expect(await begin(store, SCOPE, BODY, A_EXPIRED + 1)).toEqual({
              outcome: 'in_flight',
            });
            await complete(store, b, A_EXPIRED + 2, { response: B_RESPONSE });
            expect(await begin(store, SCOPE, BODY, A_EXPIRED + 3)).toEqual({
              outcome: 'replay',
              response: B_RESPONSE,
            });
          },
        );

        itWith(
          "A completes late -> B's record stays in flight, then B's complete is stored (not A's response) and its expiry is B's",
          async (store) => {
            const [a, b] = await overtaken(store);
            await complete(store, a, A_EXPIRED + 1);
            expect(await begin(store, SCOPE, BODY, A_EXPIRED + 2)).toEqual({
              outcome: 'in_flight',
            });
            await complete(store, b, A_EXPIRED + 3, { response: B_RESPONSE });
            expect(await begin(store, SCOPE, BODY, A_EXPIRED + 4)).toEqual({
              outcome: 'replay',
              response: B_RESPONSE,
            });
            expect(await begin(store, SCOPE, BODY, A_EXPIRED + 3 + TTL_MS - 1)).toEqual({
              outcome: 'replay',
              response: B_RESPONSE,
            });
            expect(await begin(store, SCOPE, OTHER_BODY, A_EXPIRED + 3 + TTL_MS)).toEqual(STARTED);
          },
        );

        itWith(
          "B completes first, then A completes or abandons late -> B's response stays",
          async (store) => {
            const [a, b] = await overtaken(store);
            await complete(store, b, A_EXPIRED + 1, { response: B_RESPONSE });
            await complete(store, a, A_EXPIRED + 2);
            await store.abandon(SCOPE, a);
            expect(await begin(store, SCOPE, BODY, A_EXPIRED + 3)).toEqual({
              outcome: 'replay',
              response: B_RESPONSE,
            });
          },
        );

        itWith(
          "B abandons, then A completes late -> no live record: A's response is stored",
          async (store) => {
            const [a, b] = await overtaken(store);
            await store.abandon(SCOPE, b);
            await complete(store, a, A_EXPIRED + 1);
            expect(await begin(store, SCOPE, BODY, A_EXPIRED + 2)).toEqual({
              outcome: 'replay',
              response: CREATED,
            });
          },
        );
      });

      itWith('scopes are independent: organizations, routes and keys', async (store) => {
        const scopes = [
          SCOPE,
          idempotencyScope('key-1', ORG_B),
          idempotencyScope('key-2'),
          `${ORG_A} PATCH /v1/webhooks/wh_000001 key-1`,
        ];
        const tokens: string[] = [];
        for (const scope of scopes) tokens.push(await start(store, scope, BODY, T0));
        await complete(store, at(tokens, 0), T0 + 1);
        await store.abandon(at(scopes, 1), at(tokens, 1));
        expect(await begin(store, at(scopes, 0), BODY, T0 + 2)).toEqual({
          outcome: 'replay',
          response: CREATED,
        });
        expect(await begin(store, at(scopes, 1), OTHER_BODY, T0 + 2)).toEqual(STARTED);
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
        const token = await start(store, scope, BODY, nowMs);
        await complete(store, token, nowMs, { scope });
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
          ).toEqual(STARTED);
          expect(await begin(store, idempotencyScope('crashed'), OTHER_BODY, before)).toEqual(
            STARTED,
          );
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

      itWith(
        'counts completed and in-flight records against one limit, a whole number from 0 to limit',
        async (store) => {
          for (let k = 0; k < 4; k++) {
            await completed(store, idempotencyScope(`done-${k}`), T0 + k);
            await begin(store, idempotencyScope(`crashed-${k}`), BODY, T0 + k);
          }
          const NOW = T0 + TTL_MS + 10;
          const batches: number[] = [];
          for (let calls = 0; calls < 10; calls++) {
            const deleted = await store.purgeExpired(NOW, 3);
            batches.push(deleted);
            if (deleted < 3) break;
          }
          expect(batches).toEqual([3, 3, 2]);
        },
      );

      itWith('on an empty store -> 0', async (store) => {
        expect(await store.purgeExpired(T0, 100)).toBe(0);
      });
    });
  });
}
