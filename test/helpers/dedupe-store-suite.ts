// One suite, run over every DedupeStore adapter (STYLE.md, "Tests"): the memory store and the
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

/** Every answer of `results`, counted. */
function tally(results: readonly DedupeReservation[]): Record<DedupeReservation, number> {
  const counts = { reserved: 0, in_progress: 0, done: 0 };
  for (const result of results) counts[result] += 1;
  return counts;
}

/**
 * Reserves `key` every few milliseconds until that answers `'reserved'`; returns how long after
 * `startedMs` (a `performance.now()` reading) it did, or undefined if it never did. Polling
 * instead of sleeping a fixed time: the first `'reserved'` is the expiry.
 */
async function msUntilReserved(
  store: DedupeStore,
  key: string,
  startedMs: number,
): Promise<number | undefined> {
  while (performance.now() - startedMs < POLL_FOR_MS) {
    await sleep(POLL_EVERY_MS);
    if ((await store.reserve(key, LONG_TTL_MS)) === 'reserved') {
      return performance.now() - startedMs;
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

  describe(`${name} — DedupeStore contract`, () => {
    it("reserve(key) twice -> 'reserved', then 'in_progress'", () =>
      withStore(async ({ store }) => {
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe('reserved');
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe('in_progress');
      }));

    it("reserve, complete, reserve -> 'done'", () =>
      withStore(async ({ store }) => {
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe('reserved');
        await expect(store.complete('evt_1', LONG_TTL_MS)).resolves.toBeUndefined();
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe('done');
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe('done');
      }));

    it("reserve(a), reserve(b) -> both 'reserved': keys are independent", () =>
      withStore(async ({ store }) => {
        expect(await store.reserve('evt_a', LONG_TTL_MS)).toBe('reserved');
        expect(await store.reserve('evt_b', LONG_TTL_MS)).toBe('reserved');
        await store.complete('evt_b', LONG_TTL_MS);
        expect(await store.reserve('evt_a', LONG_TTL_MS)).toBe('in_progress');
        expect(await store.reserve('evt_b', LONG_TTL_MS)).toBe('done');
      }));

    it("release(key) after reserve -> the next reserve(key) is 'reserved' again", () =>
      withStore(async ({ store }) => {
        await store.reserve('evt_1', LONG_TTL_MS);
        await store.release('evt_1');
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe('reserved');
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe('in_progress');
      }));

    it("release(key) of a done key -> the next reserve(key) is 'reserved' again", () =>
      withStore(async ({ store }) => {
        await store.reserve('evt_1', LONG_TTL_MS);
        await store.complete('evt_1', LONG_TTL_MS);
        await store.release('evt_1');
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe('reserved');
      }));

    it('release(unknown key) -> resolves and leaves other keys held', () =>
      withStore(async ({ store }) => {
        await store.reserve('evt_held', LONG_TTL_MS);
        await store.complete('evt_done', LONG_TTL_MS);
        await expect(store.release('evt_never_reserved')).resolves.toBeUndefined();
        expect(await store.reserve('evt_held', LONG_TTL_MS)).toBe('in_progress');
        expect(await store.reserve('evt_done', LONG_TTL_MS)).toBe('done');
      }));

    it("complete(unknown key) -> a later reserve(key) is 'done'", () =>
      withStore(async ({ store }) => {
        await expect(store.complete('evt_1', LONG_TTL_MS)).resolves.toBeUndefined();
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe('done');
      }));

    it('complete(key) twice -> still done', () =>
      withStore(async ({ store }) => {
        await store.reserve('evt_1', LONG_TTL_MS);
        await store.complete('evt_1', LONG_TTL_MS);
        await store.complete('evt_1', LONG_TTL_MS);
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe('done');
      }));

    it('reserve(key, fractional ttlMs) and complete(key, fractional ttlMs) -> accepted (floored)', () =>
      withStore(async ({ store }) => {
        expect(await store.reserve('evt_1', LONG_TTL_MS + 0.75)).toBe('reserved');
        expect(await store.reserve('evt_1', 1.5)).toBe('in_progress');
        await store.complete('evt_1', LONG_TTL_MS + 0.25);
        expect(await store.reserve('evt_1', 1.5)).toBe('done');
      }));

    it("reserve(key, lease) after the lease with no complete -> 'reserved' again; before it -> 'in_progress'", () =>
      withStore(async ({ store, advance }) => {
        if (advance !== undefined) {
          expect(await store.reserve('evt_1', 1_000)).toBe('reserved');
          advance(999);
          expect(await store.reserve('evt_1', 1_000)).toBe('in_progress');
          advance(1);
          expect(await store.reserve('evt_1', 1_000)).toBe('reserved');
          return;
        }
        const started = performance.now();
        expect(await store.reserve('evt_1', SHORT_TTL_MS)).toBe('reserved');
        expect(await store.reserve('evt_1', SHORT_TTL_MS)).toBe('in_progress');
        const reservedAgainAfterMs = await msUntilReserved(store, 'evt_1', started);
        expect(reservedAgainAfterMs).toBeDefined();
        // Not before the lease (a few ms of slack for the server's and our clocks).
        expect(reservedAgainAfterMs).toBeGreaterThanOrEqual(SHORT_TTL_MS - 10);
      }));

    it("reserve(key) after the done window -> 'reserved' again; before it -> 'done'", () =>
      withStore(async ({ store, advance }) => {
        if (advance !== undefined) {
          await store.reserve('evt_1', 100);
          await store.complete('evt_1', 1_000);
          advance(999);
          expect(await store.reserve('evt_1', 100)).toBe('done');
          advance(1);
          expect(await store.reserve('evt_1', 100)).toBe('reserved');
          return;
        }
        await store.reserve('evt_1', LONG_TTL_MS);
        const started = performance.now();
        await store.complete('evt_1', SHORT_TTL_MS);
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe('done');
        const reservedAgainAfterMs = await msUntilReserved(store, 'evt_1', started);
        expect(reservedAgainAfterMs).toBeDefined();
        expect(reservedAgainAfterMs).toBeGreaterThanOrEqual(SHORT_TTL_MS - 10);
      }));

    it('complete(key, window) -> done past the original lease, for the window counted from complete', () =>
      withStore(async ({ store, advance }) => {
        if (advance !== undefined) {
          await store.reserve('evt_1', 1_000);
          advance(500);
          await store.complete('evt_1', 2_000); // done until 2,500 ms after the reserve
          advance(1_000); // the lease alone would have expired at 1,000
          expect(await store.reserve('evt_1', 1_000)).toBe('done');
          advance(999);
          expect(await store.reserve('evt_1', 1_000)).toBe('done');
          advance(1);
          expect(await store.reserve('evt_1', 1_000)).toBe('reserved');
          return;
        }
        await store.reserve('evt_1', SHORT_TTL_MS);
        await store.complete('evt_1', LONG_TTL_MS);
        // Sleeping longer only makes the check stricter: the lease alone would be long gone.
        await sleep(SHORT_TTL_MS * 3);
        expect(await store.reserve('evt_1', SHORT_TTL_MS)).toBe('done');
      }));

    it("50 concurrent reserve(key) -> exactly one 'reserved' and 49 'in_progress'", () =>
      withStore(async ({ store }) => {
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.reserve('evt_race', LONG_TTL_MS)),
        );
        expect(tally(results)).toEqual({ reserved: 1, in_progress: 49, done: 0 });
      }));

    it("complete(key), then 50 concurrent reserve(key) -> all 'done'", () =>
      withStore(async ({ store }) => {
        await store.reserve('evt_race', LONG_TTL_MS);
        await store.complete('evt_race', LONG_TTL_MS);
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.reserve('evt_race', LONG_TTL_MS)),
        );
        expect(tally(results)).toEqual({ reserved: 0, in_progress: 0, done: 50 });
      }));

    it("20 keys x 5 concurrent reserves, interleaved -> each key 'reserved' exactly once", () =>
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
      }));

    for (const [label, run] of [
      ['reserve("", ttl)', (s: DedupeStore) => s.reserve('', LONG_TTL_MS)],
      ['reserve(non-string, ttl)', (s: DedupeStore) => s.reserve(42 as never, LONG_TTL_MS)],
      ['complete("", ttl)', (s: DedupeStore) => s.complete('', LONG_TTL_MS)],
      ['complete(non-string, ttl)', (s: DedupeStore) => s.complete(null as never, LONG_TTL_MS)],
      ['release("")', (s: DedupeStore) => s.release('')],
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

    for (const ttlMs of [0, 0.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '100']) {
      for (const method of ['reserve', 'complete'] as const) {
        it(`${method}(key, ${String(ttlMs)}) -> rejects with invalid_option naming ttlMs`, () =>
          withStore(async ({ store }) => {
            const error = await store[method]('evt_1', ttlMs as number).then(
              () => undefined,
              (e: unknown) => e,
            );
            expect(error).toBeInstanceOf(WebhookValidationError);
            expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'ttlMs' }] });
            // Nothing was recorded by the rejected call.
            expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe('reserved');
          }));
      }
    }

    it('any sequence of reserve/complete/release on a few keys -> same answers as a Map model', async () => {
      const op = fc.record({
        kind: fc.constantFrom('reserve', 'complete', 'release'),
        key: fc.constantFrom('evt_a', 'evt_b', 'evt_c'),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 25 }), (ops) =>
          withStore(async ({ store }) => {
            // No expiry in the model: every TTL here outlives the test.
            const model = new Map<string, 'in_progress' | 'done'>();
            for (const { kind, key } of ops) {
              if (kind === 'release') {
                await store.release(key);
                model.delete(key);
              } else if (kind === 'complete') {
                await store.complete(key, LONG_TTL_MS);
                model.set(key, 'done');
              } else {
                const expected = model.get(key) ?? 'reserved';
                if (expected === 'reserved') model.set(key, 'in_progress');
                expect(await store.reserve(key, LONG_TTL_MS)).toBe(expected);
              }
            }
          }),
        ),
        { numRuns: 60 },
      );
    });
  });
}
