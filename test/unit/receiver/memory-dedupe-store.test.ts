import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebhookValidationError } from '../../../src/core/errors.js';
import {
  MemoryDedupeStore,
  type MemoryDedupeStoreOptions,
} from '../../../src/receiver/memory-dedupe-store.js';
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
    expect(await store.reserve('evt_1', 1_000)).toBe(true);
    expect(store.size).toBe(1);
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

  it('reserve() with a clock returning NaN -> rejects with invalid_option naming now', async () => {
    const store = new MemoryDedupeStore({ now: () => Number.NaN });
    const error = await rejectionOf(store.reserve('evt_1', 1_000));
    expect(error).toBeInstanceOf(WebhookValidationError);
    expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'now' }] });
  });

  describe('default clock', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('Date.now mocked after construction -> the store reads the mocked time', async () => {
      const store = new MemoryDedupeStore();
      const now = vi.spyOn(Date, 'now').mockReturnValue(T0);
      expect(await store.reserve('evt_1', 1_000)).toBe(true);
      now.mockReturnValue(T0 + 1_000);
      expect(await store.reserve('evt_1', 1_000)).toBe(true);
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
    expect(await store.reserve('d', 10_000)).toBe(true);
    expect(store.size).toBe(3);
    expect(await store.reserve('b', 10_000)).toBe(false);
    expect(await store.reserve('c', 10_000)).toBe(false);
    expect(await store.reserve('d', 10_000)).toBe(false);
    expect(await store.reserve('a', 10_000)).toBe(true); // it was evicted
  });

  it('reserve() on a full store with mixed TTLs -> evicts the key closest to expiry', async () => {
    const { store } = fakeClockStore({ maxEntries: 3 });
    await store.reserve('long', 50_000);
    await store.reserve('short', 1_000);
    await store.reserve('middle', 3_000);
    expect(await store.reserve('new', 10_000)).toBe(true);
    expect(await store.reserve('long', 50_000)).toBe(false);
    expect(await store.reserve('middle', 50_000)).toBe(false);
    expect(await store.reserve('new', 50_000)).toBe(false);
    expect(store.size).toBe(3);
  });

  it('reserve() on a full store holding an expired key -> drops that key, evicts nothing live', async () => {
    const { store, advance } = fakeClockStore({ maxEntries: 2 });
    await store.reserve('long', 50_000);
    await store.reserve('short', 100);
    advance(100);
    expect(await store.reserve('new', 50_000)).toBe(true);
    expect(await store.reserve('long', 50_000)).toBe(false);
    expect(await store.reserve('new', 50_000)).toBe(false);
    expect(store.size).toBe(2);
  });

  it('any reserve/release/advance sequence -> size never exceeds maxEntries', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('reserve' as const),
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
          else if (o.kind === 'release') await store.release(`evt_${o.key}`);
          else advance(o.ms);
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
    expect(await store.reserve('short', 100)).toBe(true);
    expect(await store.reserve('long', 10_000)).toBe(false);
  });

  it('a key re-reserved with another TTL after expiry -> held for the new TTL', async () => {
    const { store, advance } = fakeClockStore();
    await store.reserve('evt_1', 100);
    advance(100);
    expect(await store.reserve('evt_1', 5_000)).toBe(true);
    advance(4_999);
    expect(await store.reserve('evt_1', 100)).toBe(false);
    advance(1);
    expect(await store.reserve('evt_1', 100)).toBe(true);
  });

  it('the clock steps backwards -> answers still follow each key’s own expiry time', async () => {
    const { store, setNow } = fakeClockStore();
    await store.reserve('a', 1_000); // expires at T0 + 1000
    setNow(T0 - 5_000);
    await store.reserve('b', 1_000); // expires at T0 - 4000, queued behind a
    setNow(T0);
    expect(await store.reserve('b', 1_000)).toBe(true); // expired though not at the queue front
    expect(await store.reserve('a', 1_000)).toBe(false);
  });

  it('any reserve/release/advance sequence with mixed TTLs -> same answers as an expiry-time model', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('reserve' as const),
        key: fc.constantFrom('a', 'b', 'c', 'd'),
        ttlMs: fc.constantFrom(1, 50, 100, 1_000),
      }),
      fc.record({ kind: fc.constant('release' as const), key: fc.constantFrom('a', 'b', 'c') }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 200 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const { store, advance } = fakeClockStore();
        let nowMs = T0;
        const expiresAt = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === 'advance') {
            advance(o.ms);
            nowMs += o.ms;
          } else if (o.kind === 'release') {
            await store.release(o.key);
            expiresAt.delete(o.key);
          } else {
            const held = (expiresAt.get(o.key) ?? Number.NEGATIVE_INFINITY) > nowMs;
            if (!held) expiresAt.set(o.key, nowMs + o.ttlMs);
            expect(await store.reserve(o.key, o.ttlMs)).toBe(!held);
          }
          const live = [...expiresAt.values()].filter((at) => at > nowMs).length;
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
    await store.reserve('b', 2_000);
    store.clear();
    expect(store.size).toBe(0);
    expect(await store.reserve('a', 1_000)).toBe(true);
    expect(await store.reserve('b', 1_000)).toBe(true);
  });
});
