import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from '../../../../src/server/internal/rate-limit/memory-rate-limit-store.js';
import type { RateLimitHitOptions } from '../../../../src/server/internal/rate-limit/rate-limit-store.js';

const MINUTE = { windowMs: 60_000, limit: 10 };
const BURST = { windowMs: 10_000, limit: 3 };

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('MemoryRateLimitStore', () => {
  it('hit(key) -> counts each window; at a limit refused with the counts unchanged', async () => {
    const store = new MemoryRateLimitStore();
    const windows = [MINUTE, BURST];
    expect(await store.hit('k', { windows, nowMs: 0 })).toEqual({ allowed: true, counts: [1, 1] });
    expect(await store.hit('k', { windows, nowMs: 1 })).toEqual({ allowed: true, counts: [2, 2] });
    expect(await store.hit('k', { windows, nowMs: 9_999 })).toEqual({
      allowed: true,
      counts: [3, 3],
    });
    expect(await store.hit('k', { windows, nowMs: 9_999 })).toEqual({
      allowed: false,
      counts: [3, 3],
    });
    expect(await store.hit('k', { windows, nowMs: 10_000 })).toEqual({
      allowed: true,
      counts: [4, 1],
    });
    expect(await store.hit('other', { windows, nowMs: 10_000 })).toEqual({
      allowed: true,
      counts: [1, 1],
    });
  });

  it('window ends -> expired counters are dropped on the next hit (memory bounded)', async () => {
    const store = new MemoryRateLimitStore();
    const windows = [MINUTE, BURST];
    for (let key = 0; key < 1_000; key += 1) {
      await store.hit(`org-${key}:read`, { windows, nowMs: 5_000 });
    }
    expect(store.size).toBe(2_000);
    await store.hit('org-0:read', { windows, nowMs: 10_000 }); // the burst windows ended
    expect(store.size).toBe(1_001);
    await store.hit('org-0:read', { windows, nowMs: 60_000 }); // the minute windows ended
    expect(store.size).toBe(2);
  });

  it('a key whose counter expired -> starts from zero in the next window', async () => {
    const store = new MemoryRateLimitStore();
    const windows = [{ windowMs: 1_000, limit: 1 }];
    expect((await store.hit('k', { windows, nowMs: 999 })).allowed).toBe(true);
    expect((await store.hit('k', { windows, nowMs: 999 })).allowed).toBe(false);
    expect(await store.hit('k', { windows, nowMs: 1_000 })).toEqual({ allowed: true, counts: [1] });
  });

  it.each<[string, string, RateLimitHitOptions, string]>([
    ['an empty key', '', { windows: [MINUTE], nowMs: 0 }, 'key'],
    ['no windows', 'k', { windows: [], nowMs: 0 }, 'windows'],
    ['five windows', 'k', { windows: Array(5).fill(MINUTE), nowMs: 0 }, 'windows'],
    ['windowMs 0', 'k', { windows: [{ windowMs: 0, limit: 1 }], nowMs: 0 }, 'windows[0].windowMs'],
    [
      'limit 1.5',
      'k',
      { windows: [MINUTE, { windowMs: 10, limit: 1.5 }], nowMs: 0 },
      'windows[1].limit',
    ],
    ['nowMs -1', 'k', { windows: [MINUTE], nowMs: -1 }, 'nowMs'],
    ['nowMs missing', 'k', { windows: [MINUTE] } as unknown as RateLimitHitOptions, 'nowMs'],
  ])('hit(%s) -> rejects with invalid_option at %s', async (_, key, options, path) => {
    const store = new MemoryRateLimitStore();
    expect(await rejectionOf(store.hit(key, options))).toMatchObject({
      code: 'invalid_option',
      issues: [{ path }],
    });
    expect(store.size).toBe(0);
  });

  it('property: random hits over random time steps -> the same answers as a naive reference, and only current counters kept', async () => {
    const step = fc.record({
      advanceMs: fc.oneof(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 0, max: 40_000 })),
      key: fc.constantFrom('a', 'b', 'c'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10 ** 12 }),
        fc.array(step, { maxLength: 80 }),
        async (startMs, steps) => {
          const store = new MemoryRateLimitStore();
          const windows = [
            { windowMs: 60_000, limit: 7 },
            { windowMs: 10_000, limit: 3 },
          ];
          const accepted = new Map<string, number[]>(); // the reference: every allowed hit's time
          let nowMs = startMs;
          for (const { advanceMs, key } of steps) {
            nowMs += advanceMs;
            const times = accepted.get(key) ?? [];
            const counts = windows.map(({ windowMs }) => {
              const start = nowMs - (nowMs % windowMs);
              return times.filter((t) => t >= start).length;
            });
            const allowed = counts.every((count, i) => count < (windows[i]?.limit ?? 0));
            if (allowed) accepted.set(key, [...times, nowMs]);
            const expected = allowed ? counts.map((count) => count + 1) : counts;
            expect(await store.hit(key, { windows, nowMs })).toEqual({ allowed, counts: expected });
            // Only the counters of windows holding nowMs remain.
            let live = 0;
            for (const keyTimes of accepted.values()) {
              for (const { windowMs } of windows) {
                const start = nowMs - (nowMs % windowMs);
                if (keyTimes.some((t) => t >= start)) live += 1;
              }
            }
            expect(store.size).toBe(live);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
