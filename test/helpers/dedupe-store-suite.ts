// One suite, run over every DedupeStore adapter (STYLE.md, "Tests"): the memory store and the
// Redis store with each client library must behave identically, case for case.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebhookValidationError } from '../../src/core/errors.js';
import type { DedupeStore } from '../../src/receiver/ports/dedupe-store.js';

/** A fresh store for one test, with its clock control and cleanup. */
export interface DedupeStoreFixture {
  readonly store: DedupeStore;
  /**
   * Moves the store's clock forward by `ms` milliseconds. Absent for stores on a real clock
   * (Redis): the expiry case then uses a short real TTL and polls.
   */
  readonly advance?: (ms: number) => void;
  /** Removes whatever the store left behind (Redis keys). */
  readonly cleanup?: () => Promise<void>;
}

/** Long enough never to expire during a test. */
const LONG_TTL_MS = 60_000;
/** The real TTL of the expiry case on stores without a fake clock. */
const SHORT_TTL_MS = 60;
const POLL_EVERY_MS = 10;
const POLL_FOR_MS = 3_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
    it('reserve(key) twice -> true, then false', () =>
      withStore(async ({ store }) => {
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe(true);
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe(false);
      }));

    it('reserve(a), reserve(b) -> both true: keys are independent', () =>
      withStore(async ({ store }) => {
        expect(await store.reserve('evt_a', LONG_TTL_MS)).toBe(true);
        expect(await store.reserve('evt_b', LONG_TTL_MS)).toBe(true);
        expect(await store.reserve('evt_a', LONG_TTL_MS)).toBe(false);
        expect(await store.reserve('evt_b', LONG_TTL_MS)).toBe(false);
      }));

    it('release(key) after reserve -> the next reserve(key) is true again', () =>
      withStore(async ({ store }) => {
        await store.reserve('evt_1', LONG_TTL_MS);
        await store.release('evt_1');
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe(true);
        expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe(false);
      }));

    it('release(unknown key) -> resolves and leaves other keys held', () =>
      withStore(async ({ store }) => {
        await store.reserve('evt_held', LONG_TTL_MS);
        await expect(store.release('evt_never_reserved')).resolves.toBeUndefined();
        expect(await store.reserve('evt_held', LONG_TTL_MS)).toBe(false);
      }));

    it('reserve(key, fractional ttlMs) -> accepted (floored) and held', () =>
      withStore(async ({ store }) => {
        expect(await store.reserve('evt_1', LONG_TTL_MS + 0.75)).toBe(true);
        expect(await store.reserve('evt_1', 1.5)).toBe(false);
      }));

    it('reserve(key, ttlMs) after ttlMs -> true again; before it -> false', () =>
      withStore(async ({ store, advance }) => {
        if (advance !== undefined) {
          expect(await store.reserve('evt_1', 1_000)).toBe(true);
          advance(999);
          expect(await store.reserve('evt_1', 1_000)).toBe(false);
          advance(1);
          expect(await store.reserve('evt_1', 1_000)).toBe(true);
          return;
        }
        const started = performance.now();
        expect(await store.reserve('evt_1', SHORT_TTL_MS)).toBe(true);
        expect(await store.reserve('evt_1', SHORT_TTL_MS)).toBe(false);
        // Poll instead of sleeping a fixed time: the first `true` is the expiry.
        let reservedAgainAfterMs: number | undefined;
        while (performance.now() - started < POLL_FOR_MS) {
          await sleep(POLL_EVERY_MS);
          if (await store.reserve('evt_1', LONG_TTL_MS)) {
            reservedAgainAfterMs = performance.now() - started;
            break;
          }
        }
        expect(reservedAgainAfterMs).toBeDefined();
        // Not before the TTL (a few ms of slack for the server's and our clocks).
        expect(reservedAgainAfterMs).toBeGreaterThanOrEqual(SHORT_TTL_MS - 10);
      }));

    it('50 concurrent reserve(key) -> exactly one true', () =>
      withStore(async ({ store }) => {
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.reserve('evt_race', LONG_TTL_MS)),
        );
        expect(results.filter((won) => won)).toHaveLength(1);
      }));

    it('20 keys x 5 concurrent reserves, interleaved -> each key wins exactly once', () =>
      withStore(async ({ store }) => {
        const keys = Array.from({ length: 20 }, (_, i) => `evt_${i}`);
        const attempts = Array.from({ length: 5 }, () => keys).flat();
        const results = await Promise.all(
          attempts.map(async (key) => ({ key, won: await store.reserve(key, LONG_TTL_MS) })),
        );
        for (const key of keys) {
          expect(results.filter((r) => r.key === key && r.won)).toHaveLength(1);
        }
      }));

    for (const [label, run] of [
      ['reserve("", ttl)', (s: DedupeStore) => s.reserve('', LONG_TTL_MS)],
      ['reserve(non-string, ttl)', (s: DedupeStore) => s.reserve(42 as never, LONG_TTL_MS)],
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
      it(`reserve(key, ${String(ttlMs)}) -> rejects with invalid_option naming ttlMs`, () =>
        withStore(async ({ store }) => {
          const error = await store.reserve('evt_1', ttlMs as number).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(WebhookValidationError);
          expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'ttlMs' }] });
          // Nothing was reserved by the rejected call.
          expect(await store.reserve('evt_1', LONG_TTL_MS)).toBe(true);
        }));
    }

    it('any sequence of reserve/release on a few keys -> same answers as a Set model', async () => {
      const op = fc.record({
        kind: fc.constantFrom('reserve', 'release'),
        key: fc.constantFrom('evt_a', 'evt_b', 'evt_c'),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 25 }), (ops) =>
          withStore(async ({ store }) => {
            const model = new Set<string>();
            for (const { kind, key } of ops) {
              if (kind === 'release') {
                await store.release(key);
                model.delete(key);
              } else {
                const expected = !model.has(key);
                model.add(key);
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
