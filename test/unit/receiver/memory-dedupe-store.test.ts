import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebhookStorageError, WebhookValidationError } from '../../../src/core/errors.js';
import {
  MemoryDedupeStore,
  type MemoryDedupeStoreOptions,
} from '../../../src/receiver/memory-dedupe-store.js';
import type { DedupeReservation } from '../../../src/receiver/ports/dedupe-store.js';
import { describeDedupeStore } from '../../helpers/dedupe-store-suite.js';
import { thrown } from '../../helpers/thrown.js';

const T0 = 1_729_684_200_000;

/** A store on a fake clock starting at T0. */
function fakeClockStore(options: Omit<MemoryDedupeStoreOptions, 'now'> = {}) {
  let nowMs = T0;
  const store = new MemoryDedupeStore({ ...options, now: () => nowMs });
  return {
    store,
    advance: (ms: number) => {
      nowMs += ms;
    },
    setNow: (ms: number) => {
      nowMs = ms;
    },
  };
}

/** A store on a fake clock with counter tokens `tok_1`, `tok_2`, … */
function countingStore(options: Omit<MemoryDedupeStoreOptions, 'now' | 'token'> = {}) {
  let issued = 0;
  return fakeClockStore({
    ...options,
    token: () => {
      issued += 1;
      return `tok_${issued}`;
    },
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** The status `store.reserve(key, ttlMs)` answers. */
async function statusOf(store: MemoryDedupeStore, key: string, ttlMs = 1_000) {
  return (await store.reserve(key, ttlMs)).status;
}

/** Takes `key` and returns its token; throws unless the reservation succeeds. */
async function reserveToken(store: MemoryDedupeStore, key: string, ttlMs: number) {
  const found = await store.reserve(key, ttlMs);
  if (found.status !== 'reserved') throw new Error(`expected 'reserved', got '${found.status}'`);
  return found.token;
}

/** Reserves `key` and completes it at once, done for `windowMs`. */
async function reserveDone(store: MemoryDedupeStore, key: string, windowMs: number) {
  const token = await reserveToken(store, key, 1_000);
  expect(await store.complete(key, token, windowMs)).toBe(true);
}

/** Fails unless `error` is the full-of-in-progress storage_unavailable rejection. */
function expectFull(error: unknown): void {
  expect(error).toBeInstanceOf(WebhookStorageError);
  expect(error).toMatchObject({ code: 'storage_unavailable' });
  expect((error as Error).message).toContain('full of in-progress reservations');
  expect((error as Error).message).toContain('raise maxEntries');
}

describeDedupeStore('MemoryDedupeStore', async () => fakeClockStore());

describe('MemoryDedupeStore — options', () => {
  it('new MemoryDedupeStore() -> defaults work', async () => {
    const store = new MemoryDedupeStore();
    const token = await reserveToken(store, 'evt_1', 1_000);
    await reserveToken(store, 'evt_2', 1_000);
    expect(await store.complete('evt_1', token, 1_000)).toBe(true);
    expect(store.size).toBe(2);
  });

  it('default tokens -> 22 base64url characters (16 random bytes), all distinct', async () => {
    const store = new MemoryDedupeStore();
    const tokens = new Set<string>();
    for (let i = 0; i < 1_000; i += 1) {
      const token = await reserveToken(store, `evt_${i}`, 1_000);
      expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
      tokens.add(token);
    }
    expect(tokens.size).toBe(1_000);
  });

  it('new MemoryDedupeStore({ token }) -> reserve answers the injected tokens', async () => {
    const { store } = countingStore();
    expect(await store.reserve('a', 1_000)).toEqual({ status: 'reserved', token: 'tok_1' });
    expect(await store.reserve('b', 1_000)).toEqual({ status: 'reserved', token: 'tok_2' });
    expect(await store.complete('a', 'tok_2', 1_000)).toBe(false);
    expect(await store.complete('a', 'tok_1', 1_000)).toBe(true);
  });

  for (const [maxEntries, code] of [
    [0, 'too_small'],
    [-1, 'too_small'],
    [1.5, 'invalid_type'],
    [Number.NaN, 'invalid_type'],
    [Number.POSITIVE_INFINITY, 'invalid_type'],
    ['10', 'invalid_type'],
  ] as const) {
    it(`new MemoryDedupeStore({ maxEntries: ${String(maxEntries)} }) -> invalid_option naming maxEntries (${code})`, () => {
      const error = thrown(() => new MemoryDedupeStore({ maxEntries: maxEntries as number }));
      expect(error.code).toBe('invalid_option');
      expect(error.issues).toEqual([{ path: 'maxEntries', code, message: error.message }]);
    });
  }

  it('new MemoryDedupeStore({ now: 5 }) -> invalid_option naming now', () => {
    const error = thrown(() => new MemoryDedupeStore({ now: 5 as never }));
    expect(error.code).toBe('invalid_option');
    expect(error.issues[0]?.path).toBe('now');
  });

  it("new MemoryDedupeStore({ token: 'abc' }) -> invalid_option naming token", () => {
    const error = thrown(() => new MemoryDedupeStore({ token: 'abc' as never }));
    expect(error.code).toBe('invalid_option');
    expect(error.issues[0]?.path).toBe('token');
    expect(error.message).not.toContain('abc');
  });

  it('new MemoryDedupeStore(null) -> invalid_option naming options', () => {
    const error = thrown(() => new MemoryDedupeStore(null as never));
    expect(error.issues[0]?.path).toBe('options');
  });

  for (const bad of ['', 42, undefined]) {
    it(`reserve() with a token function returning ${JSON.stringify(bad)} -> invalid_option naming token, records and evicts nothing`, async () => {
      let next: unknown = 'tok_ok';
      const { store } = fakeClockStore({ maxEntries: 1, token: () => next as string });
      await reserveDone(store, 'held', 60_000);
      next = bad;
      const error = await rejectionOf(store.reserve('evt_1', 1_000));
      expect(error).toBeInstanceOf(WebhookValidationError);
      expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'token' }] });
      expect(store.size).toBe(1);
      expect(await statusOf(store, 'held')).toBe('done');
    });
  }

  for (const [method, run] of [
    ['reserve', (s: MemoryDedupeStore) => s.reserve('evt_1', 1_000)],
    ['complete', (s: MemoryDedupeStore) => s.complete('evt_1', 'tok', 1_000)],
  ] as const) {
    it(`${method}() with a clock returning NaN -> rejects with invalid_option naming now`, async () => {
      const store = new MemoryDedupeStore({ now: () => Number.NaN });
      const error = await rejectionOf(run(store));
      expect(error).toBeInstanceOf(WebhookValidationError);
      expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'now' }] });
    });
  }

  describe('default clock', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('Date.now mocked after construction -> the store reads the mocked time', async () => {
      const store = new MemoryDedupeStore();
      const now = vi.spyOn(Date, 'now').mockReturnValue(T0);
      await reserveToken(store, 'evt_1', 1_000);
      await reserveDone(store, 'evt_2', 1_000);
      now.mockReturnValue(T0 + 1_000);
      expect(await statusOf(store, 'evt_1')).toBe('reserved');
      expect(await statusOf(store, 'evt_2')).toBe('reserved');
    });
  });
});

describe('MemoryDedupeStore — bounded size', () => {
  it('reserve() on a full store of done keys with one window -> evicts the oldest done key', async () => {
    const { store, advance } = countingStore({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) {
      await reserveDone(store, key, 10_000);
      advance(1);
    }
    expect(await statusOf(store, 'd')).toBe('reserved');
    expect(store.size).toBe(3);
    expect(await statusOf(store, 'b')).toBe('done');
    expect(await statusOf(store, 'c')).toBe('done');
    expect(await statusOf(store, 'd')).toBe('in_progress');
    expect(store.size).toBe(3);
    // `a` was evicted: reserving it now evicts `b`, the oldest done key left.
    expect(await statusOf(store, 'a')).toBe('reserved');
    expect(await statusOf(store, 'c')).toBe('done');
    expect(await statusOf(store, 'b')).toBe('reserved'); // evicts c
  });

  it('reserve() on a full store of done keys with mixed windows -> evicts the done key closest to expiry', async () => {
    const { store } = countingStore({ maxEntries: 3 });
    await reserveDone(store, 'long', 50_000);
    await reserveDone(store, 'short', 1_000);
    await reserveDone(store, 'middle', 3_000);
    expect(await statusOf(store, 'new', 10_000)).toBe('reserved');
    expect(await statusOf(store, 'long')).toBe('done');
    expect(await statusOf(store, 'middle')).toBe('done');
    expect(await statusOf(store, 'new')).toBe('in_progress');
    expect(store.size).toBe(3);
    expect(await statusOf(store, 'short')).toBe('reserved'); // it was evicted (evicting `middle`)
    expect(await statusOf(store, 'long')).toBe('done');
  });

  it('reserve() on a full store holding in-progress keys closer to expiry -> evicts a done key, never an in-progress one', async () => {
    const { store } = countingStore({ maxEntries: 3 });
    await reserveToken(store, 'running_1', 1_000); // the closest to expiry
    await reserveDone(store, 'finished', 60_000);
    await reserveToken(store, 'running_2', 1_000);
    expect(await statusOf(store, 'new', 1_000)).toBe('reserved');
    expect(store.size).toBe(3);
    expect(await statusOf(store, 'running_1')).toBe('in_progress');
    expect(await statusOf(store, 'running_2')).toBe('in_progress');
    expect(await statusOf(store, 'new')).toBe('in_progress');
    // `finished` was evicted; now every held key is in progress, so it cannot come back.
    expectFull(await rejectionOf(store.reserve('finished', 1_000)));
  });

  it('reserve(new key) on a store full of in-progress keys -> rejects with storage_unavailable and holds what it held', async () => {
    const { store } = countingStore({ maxEntries: 2 });
    await reserveToken(store, 'a', 1_000);
    await reserveToken(store, 'b', 1_000);
    expectFull(await rejectionOf(store.reserve('c', 1_000)));
    expect(store.size).toBe(2);
    // Held keys still answer; the refused key was not recorded.
    expect(await statusOf(store, 'a')).toBe('in_progress');
    expect(await statusOf(store, 'b')).toBe('in_progress');
    expectFull(await rejectionOf(store.reserve('c', 1_000)));
  });

  it('a store full of in-progress keys -> accepts a new key once one completes', async () => {
    const { store } = countingStore({ maxEntries: 2 });
    const a = await reserveToken(store, 'a', 1_000);
    await reserveToken(store, 'b', 1_000);
    expectFull(await rejectionOf(store.reserve('c', 1_000)));
    expect(await store.complete('a', a, 60_000)).toBe(true); // complete needs no room
    expect(await statusOf(store, 'c')).toBe('reserved'); // evicts the done `a`
    expect(await statusOf(store, 'b')).toBe('in_progress');
    expect(store.size).toBe(2);
  });

  it('a store full of in-progress keys -> accepts a new key once one lease expires or one is released', async () => {
    const { store, advance } = countingStore({ maxEntries: 2 });
    await reserveToken(store, 'a', 1_000);
    advance(10);
    const b = await reserveToken(store, 'b', 1_000);
    advance(989);
    expectFull(await rejectionOf(store.reserve('c', 1_000)));
    advance(1); // a's lease is up
    expect(await statusOf(store, 'c')).toBe('reserved');
    expectFull(await rejectionOf(store.reserve('d', 1_000)));
    await store.release('b', b);
    expect(await statusOf(store, 'd')).toBe('reserved');
    expect(store.size).toBe(2);
  });

  it('reserve() on a full store holding an expired key -> drops that key, evicts nothing live', async () => {
    const { store, advance } = countingStore({ maxEntries: 2 });
    await reserveDone(store, 'long', 50_000);
    await reserveToken(store, 'short', 100);
    advance(100);
    expect(await statusOf(store, 'new', 50_000)).toBe('reserved');
    expect(await statusOf(store, 'long')).toBe('done');
    expect(await statusOf(store, 'new')).toBe('in_progress');
    expect(store.size).toBe(2);
  });

  it('complete(unknown key) on a full store -> false, evicts and records nothing', async () => {
    const { store } = countingStore({ maxEntries: 2 });
    await reserveDone(store, 'a', 50_000);
    await reserveToken(store, 'b', 1_000);
    expect(await store.complete('new', 'tok_1', 10_000)).toBe(false);
    expect(store.size).toBe(2);
    expect(await statusOf(store, 'a')).toBe('done');
    expect(await statusOf(store, 'b')).toBe('in_progress');
  });

  it('complete(held key) on a full store -> evicts nothing', async () => {
    const { store } = countingStore({ maxEntries: 2 });
    const a = await reserveToken(store, 'a', 1_000);
    const b = await reserveToken(store, 'b', 1_000);
    expect(await store.complete('b', b, 50_000)).toBe(true);
    expect(await store.complete('a', a, 50_000)).toBe(true);
    expect(store.size).toBe(2);
    expect(await statusOf(store, 'a')).toBe('done');
    expect(await statusOf(store, 'b')).toBe('done');
  });

  it('the clock stepped backwards, a store full of in-progress keys -> an expired one hidden behind a live one is dropped, not refused', async () => {
    const { store, setNow } = countingStore({ maxEntries: 2 });
    await reserveToken(store, 'a', 1_000); // until T0 + 1000, at the queue front
    setNow(T0 - 5_000);
    await reserveToken(store, 'b', 1_000); // until T0 - 4000, queued behind a
    setNow(T0);
    expect(await statusOf(store, 'c')).toBe('reserved');
    expect(await statusOf(store, 'a')).toBe('in_progress');
    expect(await statusOf(store, 'c')).toBe('in_progress');
    expect(store.size).toBe(2);
  });

  it('any reserve/complete/release/advance sequence -> size never exceeds maxEntries, no in-progress key is evicted, and reserve refuses exactly when every place is in progress', async () => {
    const key = fc.integer({ min: 0, max: 12 });
    const op = fc.oneof(
      fc.record({
        kind: fc.constantFrom('reserve' as const, 'complete' as const),
        key,
        ttlMs: fc.integer({ min: 1, max: 500 }),
      }),
      fc.record({ kind: fc.constant('release' as const), key }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 300 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.array(op), async (maxEntries, ops) => {
        const { store, advance } = countingStore({ maxEntries });
        let nowMs = T0;
        /** The in-progress keys the store must still hold: key -> token and lease end. */
        const running = new Map<string, { token: string; expiresAtMs: number }>();
        /** Last token issued per key, live or not: complete and release pass it. */
        const lastToken = new Map<string, string>();
        /** Done keys -> end of their window (the store may have evicted them). */
        const doneUntil = new Map<string, number>();
        const liveRunning = () => [...running.values()].filter((r) => r.expiresAtMs > nowMs);
        for (const o of ops) {
          if (o.kind === 'advance') {
            advance(o.ms);
            nowMs += o.ms;
            continue;
          }
          const k = `evt_${o.key}`;
          const held = running.get(k);
          const isRunning = held !== undefined && held.expiresAtMs > nowMs;
          if (o.kind === 'reserve') {
            const found = await store.reserve(k, o.ttlMs).catch((error: unknown) => error);
            if (isRunning) {
              expect(found).toEqual({ status: 'in_progress' });
            } else if (liveRunning().length >= maxEntries) {
              expectFull(found);
            } else {
              const answer = found as DedupeReservation;
              if (answer.status === 'done') {
                expect(doneUntil.get(k) ?? Number.NEGATIVE_INFINITY).toBeGreaterThan(nowMs);
              } else {
                expect(answer.status).toBe('reserved');
                if (answer.status === 'reserved') {
                  running.set(k, { token: answer.token, expiresAtMs: nowMs + o.ttlMs });
                  lastToken.set(k, answer.token);
                  doneUntil.delete(k);
                }
              }
            }
          } else if (o.kind === 'complete') {
            const token = lastToken.get(k) ?? 'tok_never';
            const completed = await store.complete(k, token, o.ttlMs);
            expect(completed).toBe(isRunning && held.token === token);
            if (completed) {
              running.delete(k);
              doneUntil.set(k, nowMs + o.ttlMs);
            }
          } else {
            await store.release(k, lastToken.get(k) ?? 'tok_never');
            if (isRunning) running.delete(k);
          }
          expect(store.size).toBeLessThanOrEqual(maxEntries);
          expect(store.size).toBeGreaterThanOrEqual(liveRunning().length);
        }
        // Every in-progress key the model expects is still held (none was evicted).
        for (const [k, r] of running) {
          if (r.expiresAtMs > nowMs) expect(await statusOf(store, k)).toBe('in_progress');
        }
      }),
    );
  });
});

describe('MemoryDedupeStore — expiry with mixed TTLs', () => {
  it('a short-TTL key reserved after a long-TTL key -> expires on time, size counts it out', async () => {
    const { store, advance } = countingStore();
    await reserveToken(store, 'long', 10_000);
    await reserveToken(store, 'short', 100);
    expect(store.size).toBe(2);
    advance(100);
    expect(store.size).toBe(1);
    expect(await statusOf(store, 'short', 100)).toBe('reserved');
    expect(await statusOf(store, 'long', 10_000)).toBe('in_progress');
  });

  it('a key re-reserved with another TTL after expiry -> held for the new TTL', async () => {
    const { store, advance } = countingStore();
    await reserveToken(store, 'evt_1', 100);
    advance(100);
    expect(await statusOf(store, 'evt_1', 5_000)).toBe('reserved');
    advance(4_999);
    expect(await statusOf(store, 'evt_1', 100)).toBe('in_progress');
    advance(1);
    expect(await statusOf(store, 'evt_1', 100)).toBe('reserved');
  });

  it('complete() with the lease TTL -> the key moves behind younger keys, so they expire on time', async () => {
    // Updating the expiry in place would leave `a` (now expiring last) at a queue front,
    // hiding the expired `b` behind it from the front-only sweep.
    const { store, advance } = countingStore();
    const a = await reserveToken(store, 'a', 1_000); // lease until T0 + 1000
    advance(10);
    await reserveToken(store, 'b', 1_000); // lease until T0 + 1010
    advance(10);
    expect(await store.complete('a', a, 1_000)).toBe(true); // done until T0 + 1020
    advance(990); // T0 + 1010
    expect(store.size).toBe(1);
    expect(await statusOf(store, 'a')).toBe('done');
    expect(await statusOf(store, 'b')).toBe('reserved');
  });

  it('complete() with a window shorter than the remaining lease -> done only until the window ends', async () => {
    const { store, advance } = countingStore();
    const token = await reserveToken(store, 'evt_1', 10_000);
    expect(await store.complete('evt_1', token, 100)).toBe(true);
    advance(100);
    expect(store.size).toBe(0);
    expect(await statusOf(store, 'evt_1', 10_000)).toBe('reserved');
  });

  it('complete(key, token) exactly when its lease ends -> false, the key is free', async () => {
    const { store, advance } = countingStore();
    const token = await reserveToken(store, 'evt_1', 1_000);
    advance(1_000);
    expect(await store.complete('evt_1', token, 60_000)).toBe(false);
    expect(await statusOf(store, 'evt_1')).toBe('reserved');
  });

  it('the clock steps backwards -> answers still follow each key’s own expiry time', async () => {
    const { store, setNow } = countingStore();
    await reserveToken(store, 'a', 1_000); // expires at T0 + 1000
    setNow(T0 - 5_000);
    await reserveToken(store, 'b', 1_000); // expires at T0 - 4000, queued behind a
    await reserveDone(store, 'c', 1_000); // done until T0 - 4000
    setNow(T0 - 10_000);
    await reserveDone(store, 'd', 1_000); // done until T0 - 9000, queued behind c
    setNow(T0);
    expect(await statusOf(store, 'b')).toBe('reserved'); // expired though not at the queue front
    expect(await statusOf(store, 'd')).toBe('reserved');
    expect(await statusOf(store, 'a')).toBe('in_progress');
  });

  it('the clock steps backwards -> complete(key, token) of a lapsed lease behind a live one is false', async () => {
    const { store, setNow } = countingStore();
    await reserveToken(store, 'a', 1_000); // until T0 + 1000
    setNow(T0 - 5_000);
    const b = await reserveToken(store, 'b', 1_000); // until T0 - 4000, behind a
    setNow(T0);
    expect(await store.complete('b', b, 60_000)).toBe(false);
  });

  it('any reserve/complete/release/advance sequence with mixed TTLs -> same answers as an expiry-time model', async () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd');
    const op = fc.oneof(
      fc.record({
        kind: fc.constantFrom('reserve' as const, 'complete' as const),
        key,
        ttlMs: fc.constantFrom(1, 50, 100, 1_000),
      }),
      fc.record({ kind: fc.constant('release' as const), key }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 200 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const { store, advance } = countingStore();
        let nowMs = T0;
        type Held =
          | { state: 'in_progress'; token: string; expiresAtMs: number }
          | { state: 'done'; expiresAtMs: number };
        const model = new Map<string, Held>();
        /** Last token issued per key: complete and release pass it, live or lapsed. */
        const lastToken = new Map<string, string>();
        for (const o of ops) {
          if (o.kind === 'advance') {
            advance(o.ms);
            nowMs += o.ms;
            continue;
          }
          const held = model.get(o.key);
          const live = held !== undefined && held.expiresAtMs > nowMs ? held : undefined;
          const token = lastToken.get(o.key) ?? 'tok_never';
          const holds = live?.state === 'in_progress' && live.token === token;
          if (o.kind === 'release') {
            await store.release(o.key, token);
            if (holds) model.delete(o.key);
          } else if (o.kind === 'complete') {
            expect(await store.complete(o.key, token, o.ttlMs)).toBe(holds);
            if (holds) model.set(o.key, { state: 'done', expiresAtMs: nowMs + o.ttlMs });
          } else {
            const found = await store.reserve(o.key, o.ttlMs);
            if (live !== undefined) {
              expect(found).toEqual({ status: live.state });
            } else {
              expect(found.status).toBe('reserved');
              const issued = found.status === 'reserved' ? found.token : '';
              lastToken.set(o.key, issued);
              model.set(o.key, {
                state: 'in_progress',
                token: issued,
                expiresAtMs: nowMs + o.ttlMs,
              });
            }
          }
          const liveCount = [...model.values()].filter((e) => e.expiresAtMs > nowMs).length;
          expect(store.size).toBe(liveCount);
        }
      }),
    );
  });
});

describe('MemoryDedupeStore — clear', () => {
  it('clear() -> every key can be reserved again and size is 0', async () => {
    const { store } = countingStore();
    await reserveToken(store, 'a', 1_000);
    await reserveDone(store, 'b', 2_000);
    store.clear();
    expect(store.size).toBe(0);
    expect(await statusOf(store, 'a')).toBe('reserved');
    expect(await statusOf(store, 'b')).toBe('reserved');
  });

  it('clear() -> a token from before clear no longer completes', async () => {
    const { store } = countingStore();
    const token = await reserveToken(store, 'a', 1_000);
    store.clear();
    expect(await store.complete('a', token, 2_000)).toBe(false);
  });
});
