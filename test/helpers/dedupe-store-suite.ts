// One suite, run over every DedupeStore adapter (CONTRIBUTING.md, "Tests"): the memory store and the
// Redis store with each client library must behave identically, case for case.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebhookValidationError } from '../../src/core/errors.js';
import type { DedupeReservation, DedupeStore } from '../../src/receiver/ports/dedupe-store.js';

/** A fresh store for one test, with its clock control and cleanup. */
export interface DedupeStoreFixture {
  readonly store: DedupeStore;
  /**
   * Moves the store's clock forward by `ms` milliseconds. Absent for stores on a real clock
   * (Redis): the expiry cases then use a short real TTL and poll.
   */
  readonly advance?: (ms: number) => void;
  /** Removes whatever the store left behind (Redis keys). */
  readonly cleanup?: () => Promise<void>;
}

/** Long enough never to expire during a test. */
const LONG_TTL_MS = 60_000;
/** The real TTL of the expiry cases on stores without a fake clock. */
const SHORT_TTL_MS = 60;
const POLL_EVERY_MS = 10;
const POLL_FOR_MS = 3_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Status = DedupeReservation['status'];

/** Every answer of `results`, counted by status. */
function tally(results: readonly DedupeReservation[]): Record<Status, number> {
  const counts = { reserved: 0, in_progress: 0, done: 0 };
  for (const result of results) counts[result.status] += 1;
  return counts;
}

/** The token of `found`; fails the test unless it is `'reserved'` with a non-empty token. */
function tokenOf(found: DedupeReservation): string {
  expect(found.status).toBe('reserved');
  const token = found.status === 'reserved' ? found.token : undefined;
  expect(typeof token).toBe('string');
  expect(token).not.toBe('');
  return token as string;
}

/** Takes `key` and returns its token; fails the test unless the reservation succeeds. */
async function reserveToken(store: DedupeStore, key: string, ttlMs: number): Promise<string> {
  return tokenOf(await store.reserve(key, ttlMs));
}

/** Status of `store.reserve(key, ttlMs)`. */
async function statusOf(store: DedupeStore, key: string, ttlMs = LONG_TTL_MS): Promise<Status> {
  return (await store.reserve(key, ttlMs)).status;
}

/**
 * Reserves `key` every few milliseconds until that answers `'reserved'`; returns how long after
 * `startedMs` (a `performance.now()` reading) it did and the new token, or undefined if it never
 * did. Polling instead of sleeping a fixed time: the first `'reserved'` is the expiry.
 */
async function untilReserved(
  store: DedupeStore,
  key: string,
  startedMs: number,
): Promise<{ afterMs: number; token: string } | undefined> {
  while (performance.now() - startedMs < POLL_FOR_MS) {
    await sleep(POLL_EVERY_MS);
    const found = await store.reserve(key, LONG_TTL_MS);
    if (found.status === 'reserved') {
      return { afterMs: performance.now() - startedMs, token: found.token };
    }
  }
  return undefined;
}

/** Runs the shared DedupeStore contract against the stores `makeStore` creates. */
export function describeDedupeStore(
  name: string,
  makeStore: () => Promise<DedupeStoreFixture>,
): void {
  /** Runs `body` with a fresh store and always cleans it up. */
  async function withStore(body: (fixture: DedupeStoreFixture) => Promise<void>): Promise<void> {
    const fixture = await makeStore();
    try {
      await body(fixture);
    } finally {
      await fixture.cleanup?.();
    }
  }

  /**
   * Lets the lease of `key` (taken for `leaseMs`, the short TTL on a real clock) lapse and has a
   * second attempt reserve it; returns that attempt's token.
   */
  async function lapseAndReserveAgain(
    { store, advance }: DedupeStoreFixture,
    key: string,
    startedMs: number,
  ): Promise<string> {
    if (advance !== undefined) {
      advance(1_000);
      return reserveToken(store, key, LONG_TTL_MS);
    }
    const again = await untilReserved(store, key, startedMs);
    expect(again).toBeDefined();
    return again?.token ?? '';
  }

  describe(`${name} — DedupeStore contract`, () => {
    it("reserve(key) twice -> 'reserved' with a token, then 'in_progress'", () =>
      withStore(async ({ store }) => {
        const found = await store.reserve('evt_1', LONG_TTL_MS);
        expect(found).toEqual({ status: 'reserved', token: expect.any(String) });
        tokenOf(found);
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toEqual({ status: 'in_progress' });
      }));

    it("reserve, complete(token) -> true, then reserve -> 'done'", () =>
      withStore(async ({ store }) => {
        const token = await reserveToken(store, 'evt_1', LONG_TTL_MS);
        expect(await store.complete('evt_1', token, LONG_TTL_MS)).toBe(true);
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toEqual({ status: 'done' });
        expect(await statusOf(store, 'evt_1')).toBe('done');
      }));

    it("reserve(a), reserve(b) -> both 'reserved' with distinct tokens: keys are independent", () =>
      withStore(async ({ store }) => {
        const a = await reserveToken(store, 'evt_a', LONG_TTL_MS);
        const b = await reserveToken(store, 'evt_b', LONG_TTL_MS);
        expect(a).not.toBe(b);
        expect(await store.complete('evt_b', b, LONG_TTL_MS)).toBe(true);
        expect(await statusOf(store, 'evt_a')).toBe('in_progress');
        expect(await statusOf(store, 'evt_b')).toBe('done');
        // The token of one key does not act on another.
        expect(await store.complete('evt_a', b, LONG_TTL_MS)).toBe(false);
        expect(await statusOf(store, 'evt_a')).toBe('in_progress');
      }));

    it("release(key, token) after reserve -> the next reserve(key) is 'reserved' with a new token", () =>
      withStore(async ({ store }) => {
        const first = await reserveToken(store, 'evt_1', LONG_TTL_MS);
        await expect(store.release('evt_1', first)).resolves.toBeUndefined();
        const second = await reserveToken(store, 'evt_1', LONG_TTL_MS);
        expect(second).not.toBe(first);
        expect(await statusOf(store, 'evt_1')).toBe('in_progress');
      }));

    it('release(key, old token) of a done key -> stays done', () =>
      withStore(async ({ store }) => {
        const token = await reserveToken(store, 'evt_1', LONG_TTL_MS);
        expect(await store.complete('evt_1', token, LONG_TTL_MS)).toBe(true);
        await store.release('evt_1', token);
        expect(await statusOf(store, 'evt_1')).toBe('done');
      }));

    it('complete(key, wrong token) -> false, nothing changes; the right token still completes', () =>
      withStore(async ({ store }) => {
        const token = await reserveToken(store, 'evt_1', LONG_TTL_MS);
        expect(await store.complete('evt_1', `${token}x`, LONG_TTL_MS)).toBe(false);
        expect(await store.complete('evt_1', 'not-a-token', LONG_TTL_MS)).toBe(false);
        expect(await statusOf(store, 'evt_1')).toBe('in_progress');
        expect(await store.complete('evt_1', token, LONG_TTL_MS)).toBe(true);
        expect(await statusOf(store, 'evt_1')).toBe('done');
      }));

    it('release(key, wrong token) -> the key stays in progress; the right token still releases', () =>
      withStore(async ({ store }) => {
        const token = await reserveToken(store, 'evt_1', LONG_TTL_MS);
        await expect(store.release('evt_1', `${token}x`)).resolves.toBeUndefined();
        expect(await statusOf(store, 'evt_1')).toBe('in_progress');
        await store.release('evt_1', token);
        expect(await statusOf(store, 'evt_1')).toBe('reserved');
      }));

    it("a lapsed lease -> the old attempt's release and complete leave the new reservation alone", () =>
      withStore(async (fixture) => {
        const { store, advance } = fixture;
        const started = performance.now();
        const a = await reserveToken(store, 'evt_1', advance === undefined ? SHORT_TTL_MS : 1_000);
        const b = await lapseAndReserveAgain(fixture, 'evt_1', started);
        expect(b).not.toBe(a);
        await store.release('evt_1', a);
        expect(await statusOf(store, 'evt_1')).toBe('in_progress');
        expect(await store.complete('evt_1', a, LONG_TTL_MS)).toBe(false);
        expect(await statusOf(store, 'evt_1')).toBe('in_progress');
        expect(await store.complete('evt_1', b, LONG_TTL_MS)).toBe(true);
        expect(await statusOf(store, 'evt_1')).toBe('done');
      }));

    it('complete(key, token) after its lease lapsed, nobody else reserving -> false, the key stays free', () =>
      withStore(async ({ store, advance }) => {
        const token = await reserveToken(
          store,
          'evt_1',
          advance === undefined ? SHORT_TTL_MS : 1_000,
        );
        if (advance !== undefined) advance(1_000);
        else await sleep(SHORT_TTL_MS * 3);
        expect(await store.complete('evt_1', token, LONG_TTL_MS)).toBe(false);
        expect(await statusOf(store, 'evt_1')).toBe('reserved');
      }));

    it('release(unknown key, token) -> resolves and leaves other keys held', () =>
      withStore(async ({ store }) => {
        const held = await reserveToken(store, 'evt_held', LONG_TTL_MS);
        const done = await reserveToken(store, 'evt_done', LONG_TTL_MS);
        await store.complete('evt_done', done, LONG_TTL_MS);
        await expect(store.release('evt_never_reserved', held)).resolves.toBeUndefined();
        expect(await statusOf(store, 'evt_held')).toBe('in_progress');
        expect(await statusOf(store, 'evt_done')).toBe('done');
      }));

    it("complete(unknown key, token) -> false, and a later reserve(key) is 'reserved'", () =>
      withStore(async ({ store }) => {
        await expect(store.complete('evt_1', 'some-token', LONG_TTL_MS)).resolves.toBe(false);
        expect(await statusOf(store, 'evt_1')).toBe('reserved');
      }));

    it('complete(key, token) twice -> true, then false; still done', () =>
      withStore(async ({ store }) => {
        const token = await reserveToken(store, 'evt_1', LONG_TTL_MS);
        expect(await store.complete('evt_1', token, LONG_TTL_MS)).toBe(true);
        expect(await store.complete('evt_1', token, LONG_TTL_MS)).toBe(false);
        expect(await statusOf(store, 'evt_1')).toBe('done');
      }));

    it('reserve(key, fractional ttlMs) and complete(key, token, fractional ttlMs) -> accepted (floored)', () =>
      withStore(async ({ store }) => {
        const token = await reserveToken(store, 'evt_1', LONG_TTL_MS + 0.75);
        expect(await statusOf(store, 'evt_1', 1.5)).toBe('in_progress');
        expect(await store.complete('evt_1', token, LONG_TTL_MS + 0.25)).toBe(true);
        expect(await statusOf(store, 'evt_1', 1.5)).toBe('done');
      }));

    it("reserve(key, lease) after the lease with no complete -> 'reserved' again; before it -> 'in_progress'", () =>
      withStore(async ({ store, advance }) => {
        if (advance !== undefined) {
          await reserveToken(store, 'evt_1', 1_000);
          advance(999);
          expect(await statusOf(store, 'evt_1', 1_000)).toBe('in_progress');
          advance(1);
          expect(await statusOf(store, 'evt_1', 1_000)).toBe('reserved');
          return;
        }
        const started = performance.now();
        await reserveToken(store, 'evt_1', SHORT_TTL_MS);
        expect(await statusOf(store, 'evt_1', SHORT_TTL_MS)).toBe('in_progress');
        const again = await untilReserved(store, 'evt_1', started);
        expect(again).toBeDefined();
      }));

    it("reserve(key) after the done window -> 'reserved' again; before it -> 'done'", () =>
      withStore(async ({ store, advance }) => {
        if (advance !== undefined) {
          const token = await reserveToken(store, 'evt_1', 100);
          await store.complete('evt_1', token, 1_000);
          advance(999);
          expect(await statusOf(store, 'evt_1', 100)).toBe('done');
          advance(1);
          expect(await statusOf(store, 'evt_1', 100)).toBe('reserved');
          return;
        }
        const token = await reserveToken(store, 'evt_1', LONG_TTL_MS);
        const started = performance.now();
        expect(await store.complete('evt_1', token, SHORT_TTL_MS)).toBe(true);
        expect(await statusOf(store, 'evt_1')).toBe('done');
        const again = await untilReserved(store, 'evt_1', started);
        expect(again).toBeDefined();
      }));

    it('complete(key, token, window) -> done past the original lease, for the window counted from complete', () =>
      withStore(async ({ store, advance }) => {
        if (advance !== undefined) {
          const token = await reserveToken(store, 'evt_1', 1_000);
          advance(500);
          await store.complete('evt_1', token, 2_000); // done until 2,500 ms after the reserve
          advance(1_000); // the lease alone would have expired at 1,000
          expect(await statusOf(store, 'evt_1', 1_000)).toBe('done');
          advance(999);
          expect(await statusOf(store, 'evt_1', 1_000)).toBe('done');
          advance(1);
          expect(await statusOf(store, 'evt_1', 1_000)).toBe('reserved');
          return;
        }
        const token = await reserveToken(store, 'evt_1', SHORT_TTL_MS);
        expect(await store.complete('evt_1', token, LONG_TTL_MS)).toBe(true);
        // Sleeping longer only makes the check stricter: the lease alone would be long gone.
        await sleep(SHORT_TTL_MS * 3);
        expect(await statusOf(store, 'evt_1', SHORT_TTL_MS)).toBe('done');
      }));

    it("50 concurrent reserve(key) -> exactly one 'reserved' (with a token) and 49 'in_progress'", () =>
      withStore(async ({ store }) => {
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.reserve('evt_race', LONG_TTL_MS)),
        );
        expect(tally(results)).toEqual({ reserved: 1, in_progress: 49, done: 0 });
        const [token] = results.flatMap((found) =>
          found.status === 'reserved' ? [found.token] : [],
        );
        expect(token).toBeTypeOf('string');
        // The winner's token is the one that holds the key.
        expect(await store.complete('evt_race', token ?? '', LONG_TTL_MS)).toBe(true);
      }));

    it("complete(key, token), then 50 concurrent reserve(key) -> all 'done'", () =>
      withStore(async ({ store }) => {
        const token = await reserveToken(store, 'evt_race', LONG_TTL_MS);
        await store.complete('evt_race', token, LONG_TTL_MS);
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.reserve('evt_race', LONG_TTL_MS)),
        );
        expect(tally(results)).toEqual({ reserved: 0, in_progress: 0, done: 50 });
      }));

    it("20 keys x 5 concurrent reserves, interleaved -> each key 'reserved' exactly once, tokens distinct", () =>
      withStore(async ({ store }) => {
        const keys = Array.from({ length: 20 }, (_, i) => `evt_${i}`);
        const attempts = Array.from({ length: 5 }, () => keys).flat();
        const results = await Promise.all(
          attempts.map(async (key) => ({ key, found: await store.reserve(key, LONG_TTL_MS) })),
        );
        for (const key of keys) {
          const answers = results.filter((r) => r.key === key).map((r) => r.found);
          expect(tally(answers)).toEqual({ reserved: 1, in_progress: 4, done: 0 });
        }
        const tokens = results.flatMap((r) =>
          r.found.status === 'reserved' ? [r.found.token] : [],
        );
        expect(new Set(tokens).size).toBe(keys.length);
      }));

    for (const [label, run] of [
      ['reserve("", ttl)', (s: DedupeStore) => s.reserve('', LONG_TTL_MS)],
      ['reserve(non-string, ttl)', (s: DedupeStore) => s.reserve(42 as never, LONG_TTL_MS)],
      ['complete("", token, ttl)', (s: DedupeStore) => s.complete('', 'tok', LONG_TTL_MS)],
      [
        'complete(non-string, token, ttl)',
        (s: DedupeStore) => s.complete(null as never, 'tok', LONG_TTL_MS),
      ],
      ['release("", token)', (s: DedupeStore) => s.release('', 'tok')],
      ['release(non-string, token)', (s: DedupeStore) => s.release(7 as never, 'tok')],
    ] as const) {
      it(`${label} -> rejects with invalid_option naming key`, () =>
        withStore(async ({ store }) => {
          const error = await run(store).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(WebhookValidationError);
          expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'key' }] });
        }));
    }

    for (const [label, run] of [
      ['complete(key, "", ttl)', (s: DedupeStore) => s.complete('evt_1', '', LONG_TTL_MS)],
      [
        'complete(key, non-string, ttl)',
        (s: DedupeStore) => s.complete('evt_1', 42 as never, LONG_TTL_MS),
      ],
      ['release(key, "")', (s: DedupeStore) => s.release('evt_1', '')],
      ['release(key, undefined)', (s: DedupeStore) => s.release('evt_1', undefined as never)],
    ] as const) {
      it(`${label} -> rejects with invalid_option naming token, the key stays in progress`, () =>
        withStore(async ({ store }) => {
          await reserveToken(store, 'evt_1', LONG_TTL_MS);
          const error = await run(store).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(WebhookValidationError);
          expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'token' }] });
          expect(await statusOf(store, 'evt_1')).toBe('in_progress');
        }));
    }

    for (const ttlMs of [0, 0.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '100']) {
      it(`reserve(key, ${String(ttlMs)}) -> rejects with invalid_option naming ttlMs, records nothing`, () =>
        withStore(async ({ store }) => {
          const error = await store.reserve('evt_1', ttlMs as number).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(WebhookValidationError);
          expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'ttlMs' }] });
          expect(await statusOf(store, 'evt_1')).toBe('reserved');
        }));

      it(`complete(key, token, ${String(ttlMs)}) -> rejects with invalid_option naming ttlMs, the key stays in progress`, () =>
        withStore(async ({ store }) => {
          const token = await reserveToken(store, 'evt_1', LONG_TTL_MS);
          const error = await store.complete('evt_1', token, ttlMs as number).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(WebhookValidationError);
          expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'ttlMs' }] });
          expect(await statusOf(store, 'evt_1')).toBe('in_progress');
        }));
    }

    it('any sequence of reserve/complete/release with current, stale or foreign tokens -> same answers as a Map model', async () => {
      const op = fc.record({
        kind: fc.constantFrom('reserve', 'complete', 'release'),
        key: fc.constantFrom('evt_a', 'evt_b', 'evt_c'),
        // Which token complete and release pass: the key's latest, an older one, another key's.
        token: fc.constantFrom('latest', 'stale', 'foreign'),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 25 }), (ops) =>
          withStore(async ({ store }) => {
            // No expiry in the model: every TTL here outlives the test.
            type Held =
              | { readonly state: 'in_progress'; readonly token: string }
              | { readonly state: 'done' };
            const model = new Map<string, Held>();
            /** Every token `reserve` returned per key, oldest first. */
            const issued = new Map<string, string[]>();
            const pick = (key: string, which: 'latest' | 'stale' | 'foreign'): string => {
              if (which === 'foreign') {
                const other = [...issued].find(([k]) => k !== key)?.[1];
                return other?.at(-1) ?? 'foreign-token';
              }
              const mine = issued.get(key) ?? [];
              return (which === 'latest' ? mine.at(-1) : mine.at(-2)) ?? 'never-issued';
            };
            for (const { kind, key, token: which } of ops) {
              const held = model.get(key);
              if (kind === 'reserve') {
                const found = await store.reserve(key, LONG_TTL_MS);
                if (held === undefined) {
                  const token = tokenOf(found);
                  expect(Object.values(Object.fromEntries(issued)).flat()).not.toContain(token);
                  issued.set(key, [...(issued.get(key) ?? []), token]);
                  model.set(key, { state: 'in_progress', token });
                } else {
                  expect(found).toEqual({ status: held.state });
                }
                continue;
              }
              const token = pick(key, which);
              const holds = held?.state === 'in_progress' && held.token === token;
              if (kind === 'complete') {
                expect(await store.complete(key, token, LONG_TTL_MS)).toBe(holds);
                if (holds) model.set(key, { state: 'done' });
              } else {
                await store.release(key, token);
                if (holds) model.delete(key);
              }
            }
            for (const [key, held] of model) {
              expect(await statusOf(store, key)).toBe(held.state);
            }
          }),
        ),
        { numRuns: 60 },
      );
    });
  });
}
