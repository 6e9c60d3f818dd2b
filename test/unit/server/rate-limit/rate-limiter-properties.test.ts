// The limiter against a naive reference model: the list of every allowed request's time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  RateLimitCategory,
  RateLimitTier,
} from '../../../../src/server/internal/rate-limit/rate-limit-policy.js';
import {
  type RateLimitDecision,
  RateLimiter,
} from '../../../../src/server/internal/rate-limit/rate-limiter.js';
import { createFakeClock } from '../../../../src/testing/create-fake-clock.js';

const LIMITS: Record<RateLimitTier, Record<RateLimitCategory, [number, number]>> = {
  STANDARD: { read: [300, 100], write: [60, 20], webhook: [10, 3] },
  HIGH_VOLUME: { read: [1000, 333], write: [200, 66], webhook: [30, 10] },
  ENTERPRISE: { read: [1000, 333], write: [200, 66], webhook: [30, 10] },
};

/** What the limiter must answer, from the times of the requests it allowed so far. */
function expected(
  times: readonly number[],
  [perMinute, burst]: [number, number],
  category: RateLimitCategory,
  nowMs: number,
): RateLimitDecision {
  const minuteStart = nowMs - (nowMs % 60_000);
  const burstStart = nowMs - (nowMs % 10_000);
  const inMinute = times.filter((t) => t >= minuteStart).length;
  const inBurst = times.filter((t) => t >= burstStart).length;
  const allowed = inMinute < perMinute && inBurst < burst;
  const headers = {
    'X-RateLimit-Limit': String(perMinute),
    // The smaller of the two windows' budgets left after this request (counted if allowed).
    'X-RateLimit-Remaining': String(
      Math.min(perMinute - inMinute, burst - inBurst) - (allowed ? 1 : 0),
    ),
    'X-RateLimit-Reset': String((minuteStart + 60_000) / 1000),
    'X-RateLimit-Category': category,
  };
  if (allowed) return { allowed, headers };
  const exceeded = inMinute >= perMinute ? 'minute' : 'burst';
  const endMs = exceeded === 'minute' ? minuteStart + 60_000 : burstStart + 10_000;
  return {
    allowed,
    headers,
    exceeded,
    retryAfterSeconds: Math.ceil((endMs - nowMs) / 1000),
    limit: { perMinute, burstPer10s: burst },
  };
}

const step = fc.record({
  advanceMs: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 0, max: 2_000 }),
    fc.integer({ min: 0, max: 30_000 }),
  ),
  organizationUuid: fc.constantFrom('org-a', 'org-b'),
  category: fc.constantFrom<RateLimitCategory>('webhook', 'webhook', 'write'),
});

describe('RateLimiter properties (memory store, fake clock)', () => {
  it('random (advance, check) sequences -> the reference model; Remaining = min(left in the minute, left in the burst window), never negative, 0 on every 429, and above 0 only if a request at once is allowed; Reset in the next 60 s; at most Limit allowed per minute', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10 ** 12 }),
        fc.array(step, { maxLength: 120 }),
        async (startMs, steps) => {
          const clock = createFakeClock({ nowMs: startMs });
          const limiter = new RateLimiter({ now: clock.now });
          const allowedTimes = new Map<string, number[]>();
          for (const { advanceMs, organizationUuid, category } of steps) {
            const nowMs = clock.advance(advanceMs);
            // Each organization has its tier (the counters are per organization and category).
            const orgTier: RateLimitTier =
              organizationUuid === 'org-a' ? 'STANDARD' : 'HIGH_VOLUME';
            const key = `${organizationUuid}:${orgTier}:${category}`;
            const times = allowedTimes.get(key) ?? [];
            const limits = LIMITS[orgTier][category];
            const decision = await limiter.check({ organizationUuid, tier: orgTier, category });
            expect(decision).toEqual(expected(times, limits, category, nowMs));
            const remaining = Number(decision.headers['X-RateLimit-Remaining']);
            expect(remaining).toBeGreaterThanOrEqual(0);
            const resetMs = Number(decision.headers['X-RateLimit-Reset']) * 1000;
            expect(resetMs).toBeGreaterThan(nowMs);
            expect(resetMs - nowMs).toBeLessThanOrEqual(60_000);
            if (!decision.allowed) expect(decision.retryAfterSeconds).toBeGreaterThanOrEqual(1);
            if (!decision.allowed) expect(remaining).toBe(0);
            const allowedAfter = decision.allowed ? [...times, nowMs] : times;
            // What the next request of this key at the same instant would get.
            expect(remaining > 0).toBe(expected(allowedAfter, limits, category, nowMs).allowed);
            if (decision.allowed) allowedTimes.set(key, [...times, nowMs]);
          }
          for (const [key, times] of allowedTimes) {
            const [, tier, category] = key.split(':') as [string, RateLimitTier, RateLimitCategory];
            const [perMinute, burst] = LIMITS[tier][category];
            const perWindow = (windowMs: number) => {
              const counts = new Map<number, number>();
              for (const t of times)
                counts.set(t - (t % windowMs), (counts.get(t - (t % windowMs)) ?? 0) + 1);
              return Math.max(0, ...counts.values());
            };
            expect(perWindow(60_000)).toBeLessThanOrEqual(perMinute);
            expect(perWindow(10_000)).toBeLessThanOrEqual(burst);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a refusal -> Retry-After is exact: refused one second earlier, allowed at it (no other traffic)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10 ** 12 }),
        fc.array(fc.integer({ min: 0, max: 4_000 }), { minLength: 1, maxLength: 30 }),
        async (startMs, gaps) => {
          const clock = createFakeClock({ nowMs: startMs });
          const limiter = new RateLimiter({ now: clock.now });
          const request = {
            organizationUuid: 'org',
            tier: 'STANDARD',
            category: 'webhook',
          } as const;
          for (const gap of gaps) {
            clock.advance(gap);
            const decision = await limiter.check(request);
            if (decision.allowed) continue;
            const refusedAt = clock.now();
            if (decision.retryAfterSeconds > 1) {
              clock.set(refusedAt + (decision.retryAfterSeconds - 1) * 1000);
              expect((await limiter.check(request)).allowed).toBe(false);
            }
            clock.set(refusedAt + decision.retryAfterSeconds * 1000);
            expect((await limiter.check(request)).allowed).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
