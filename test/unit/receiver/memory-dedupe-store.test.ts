import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebhookValidationError } from '../../../src/core/errors.js';
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

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describeDedupeStore('MemoryDedupeStore', async () => fakeClockStore());

describe('MemoryDedupeStore — options', () => {
  it('new MemoryDedupeStore() -> defaults work', async () => {
    const store = new MemoryDedupeStore();
    expect(await store.reserve('evt_1', 1_000)).toBe('reserved');
    await store.complete('evt_2', 1_000);
    expect(store.size).toBe(2);
  });

  for (const maxEntries of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10']) {
    it(`new MemoryDedupeStore({ maxEntries: ${String(maxEntries)} }) -> invalid_option naming maxEntries`, () => {
      const error = thrown(() => new MemoryDedupeStore({ maxEntries: maxEntries as number }));
      expect(error.code).toBe('invalid_option');
      expect(error.issues).toEqual([{ path: 'maxEntries', message: error.message }]);
    });
  }

  it('new MemoryDedupeStore({ now: 5 }) -> invalid_option naming now', () => {
    const error = thrown(() => new MemoryDedupeStore({ now: 5 as never }));
    expect(error.code).toBe('invalid_option');
    expect(error.issues[0]?.path).toBe('now');
  });

  it('new MemoryDedupeStore(null) -> invalid_option naming options', () => {
    const error = thrown(() => new MemoryDedupeStore(null as never));
    expect(error.issues[0]?.path).toBe('options');
  });

  for (const method of ['reserve', 'complete'] as const) {
    it(`${method}() with a clock returning NaN -> rejects with invalid_option naming now`, async () => {
      const store = new MemoryDedupeStore({ now: () => Number.NaN });
      const error = await rejectionOf(store[method]('evt_1', 1_000));
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
      expect(await store.reserve('evt_1', 1_000)).toBe('reserved');
      await store.complete('evt_2', 1_000);
      now.mockReturnValue(T0 + 1_000);
      expect(await store.reserve('evt_1', 1_000)).toBe('reserved');
      expect(await store.reserve('evt_2', 1_000)).toBe('reserved');
    });
  });
});

describe('MemoryDedupeStore — bounded size', () => {
  it('reserve() on a full store with one TTL -> evicts the oldest key, size stays maxEntries', async () => {
    const { store, advance } = fakeClockStore({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) {
      await store.reserve(key, 10_000);
      advance(1);
    }
    expect(await store.reserve('d', 10_000)).toBe('reserved');
    expect(store.size).toBe(3);
    expect(await store.reserve('b', 10_000)).toBe('in_progress');
    expect(await store.reserve('c', 10_000)).toBe('in_progress');
    expect(await store.reserve('d', 10_000)).toBe('in_progress');
    expect(await store.reserve('a', 10_000)).toBe('reserved'); // it was evicted
  });

  it('reserve() on a full store with mixed TTLs -> evicts the key closest to expiry', async () => {
    const { store } = fakeClockStore({ maxEntries: 3 });
    await store.reserve('long', 50_000);
    await store.reserve('short', 1_000);
    await store.reserve('middle', 3_000);
    expect(await store.reserve('new', 10_000)).toBe('reserved');
    expect(await store.reserve('long', 50_000)).toBe('in_progress');
    expect(await store.reserve('middle', 50_000)).toBe('in_progress');
    expect(await store.reserve('new', 50_000)).toBe('in_progress');
    expect(store.size).toBe(3);
  });

  it('reserve() on a full store holding an expired key -> drops that key, evicts nothing live', async () => {
    const { store, advance } = fakeClockStore({ maxEntries: 2 });
    await store.reserve('long', 50_000);
    await store.reserve('short', 100);
    advance(100);
    expect(await store.reserve('new', 50_000)).toBe('reserved');
    expect(await store.reserve('long', 50_000)).toBe('in_progress');
    expect(await store.reserve('new', 50_000)).toBe('in_progress');
    expect(store.size).toBe(2);
  });

  it('complete(unknown key) on a full store -> evicts the key closest to expiry, size stays maxEntries', async () => {
    const { store } = fakeClockStore({ maxEntries: 2 });
    await store.reserve('short', 1_000);
    await store.reserve('long', 50_000);
    await store.complete('new', 10_000);
    expect(store.size).toBe(2);
    expect(await store.reserve('new', 1_000)).toBe('done');
    expect(await store.reserve('long', 1_000)).toBe('in_progress');
    expect(await store.reserve('short', 1_000)).toBe('reserved'); // it was evicted
  });

  it('complete(held key) on a full store -> evicts nothing', async () => {
    const { store } = fakeClockStore({ maxEntries: 2 });
    await store.reserve('a', 1_000);
    await store.reserve('b', 1_000);
    await store.complete('b', 50_000);
    await store.complete('a', 50_000);
    expect(store.size).toBe(2);
    expect(await store.reserve('a', 1_000)).toBe('done');
    expect(await store.reserve('b', 1_000)).toBe('done');
  });

  it('a full store of leases and completions -> an in-progress key close to expiry is evicted before a done key', async () => {
    const { store } = fakeClockStore({ maxEntries: 2 });
    await store.reserve('a', 1_000);
    await store.reserve('b', 1_000);
    await store.complete('a', 60_000); // a leaves the lease queue for the window queue
    expect(await store.reserve('c', 1_000)).toBe('reserved');
    expect(await store.reserve('a', 1_000)).toBe('done');
    expect(await store.reserve('b', 1_000)).toBe('reserved'); // it was evicted
  });

  it('any reserve/complete/release/advance sequence -> size never exceeds maxEntries', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constantFrom('reserve' as const, 'complete' as const),
        key: fc.integer({ min: 0, max: 30 }),
        ttlMs: fc.integer({ min: 1, max: 500 }),
      }),
      fc.record({ kind: fc.constant('release' as const), key: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 300 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.array(op), async (maxEntries, ops) => {
        const { store, advance } = fakeClockStore({ maxEntries });
        for (const o of ops) {
          if (o.kind === 'reserve') await store.reserve(`evt_${o.key}`, o.ttlMs);
          else if (o.kind === 'complete') await store.complete(`evt_${o.key}`, o.ttlMs);
          else if (o.kind === 'release') await store.release(`evt_${o.key}`);
          else if (o.kind === 'advance') advance(o.ms);
          expect(store.size).toBeLessThanOrEqual(maxEntries);
        }
      }),
    );
  });
});

describe('MemoryDedupeStore — expiry with mixed TTLs', () => {
  it('a short-TTL key reserved after a long-TTL key -> expires on time, size counts it out', async () => {
    const { store, advance } = fakeClockStore();
    await store.reserve('long', 10_000);
    await store.reserve('short', 100);
    expect(store.size).toBe(2);
    advance(100);
    expect(store.size).toBe(1);
    expect(await store.reserve('short', 100)).toBe('reserved');
    expect(await store.reserve('long', 10_000)).toBe('in_progress');
  });

  it('a key re-reserved with another TTL after expiry -> held for the new TTL', async () => {
    const { store, advance } = fakeClockStore();
    await store.reserve('evt_1', 100);
    advance(100);
    expect(await store.reserve('evt_1', 5_000)).toBe('reserved');
    advance(4_999);
    expect(await store.reserve('evt_1', 100)).toBe('in_progress');
    advance(1);
    expect(await store.reserve('evt_1', 100)).toBe('reserved');
  });

  it('complete() with the lease TTL -> the key moves behind younger leases, so they expire on time', async () => {
    // Updating the expiry in place would leave `a` (now expiring last) at the queue front,
    // hiding the expired `b` behind it from the front-only sweep.
    const { store, advance } = fakeClockStore();
    await store.reserve('a', 1_000); // lease until T0 + 1000
    advance(10);
    await store.reserve('b', 1_000); // lease until T0 + 1010
    advance(10);
    await store.complete('a', 1_000); // done until T0 + 1020
    advance(990); // T0 + 1010
    expect(store.size).toBe(1);
    expect(await store.reserve('a', 1_000)).toBe('done');
    expect(await store.reserve('b', 1_000)).toBe('reserved');
  });

  it('complete() with a window shorter than the remaining lease -> done only until the window ends', async () => {
    const { store, advance } = fakeClockStore();
    await store.reserve('evt_1', 10_000);
    await store.complete('evt_1', 100);
    advance(100);
    expect(store.size).toBe(0);
    expect(await store.reserve('evt_1', 10_000)).toBe('reserved');
  });

  it('the clock steps backwards -> answers still follow each key’s own expiry time', async () => {
    const { store, setNow } = fakeClockStore();
    await store.reserve('a', 1_000); // expires at T0 + 1000
    setNow(T0 - 5_000);
    await store.reserve('b', 1_000); // expires at T0 - 4000, queued behind a
    await store.complete('c', 1_000); // done until T0 - 4000
    setNow(T0 - 10_000);
    await store.complete('d', 1_000); // done until T0 - 9000, queued behind c
    setNow(T0);
    expect(await store.reserve('b', 1_000)).toBe('reserved'); // expired though not at the queue front
    expect(await store.reserve('d', 1_000)).toBe('reserved');
    expect(await store.reserve('a', 1_000)).toBe('in_progress');
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
        const { store, advance } = fakeClockStore();
        let nowMs = T0;
        const model = new Map<string, { expiresAtMs: number; found: DedupeReservation }>();
        for (const o of ops) {
          if (o.kind === 'advance') {
            advance(o.ms);
            nowMs += o.ms;
          } else if (o.kind === 'release') {
            await store.release(o.key);
            model.delete(o.key);
          } else if (o.kind === 'complete') {
            await store.complete(o.key, o.ttlMs);
            model.set(o.key, { expiresAtMs: nowMs + o.ttlMs, found: 'done' });
          } else {
            const held = model.get(o.key);
            const live = held !== undefined && held.expiresAtMs > nowMs;
            if (!live) model.set(o.key, { expiresAtMs: nowMs + o.ttlMs, found: 'in_progress' });
            expect(await store.reserve(o.key, o.ttlMs)).toBe(live ? held.found : 'reserved');
          }
          const live = [...model.values()].filter((entry) => entry.expiresAtMs > nowMs).length;
          expect(store.size).toBe(live);
        }
      }),
    );
  });
});

describe('MemoryDedupeStore — clear', () => {
  it('clear() -> every key can be reserved again and size is 0', async () => {
    const { store } = fakeClockStore();
    await store.reserve('a', 1_000);
    await store.complete('b', 2_000);
    store.clear();
    expect(store.size).toBe(0);
    expect(await store.reserve('a', 1_000)).toBe('reserved');
    expect(await store.reserve('b', 1_000)).toBe('reserved');
  });
});
