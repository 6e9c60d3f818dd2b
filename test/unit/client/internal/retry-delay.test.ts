import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_JITTER_MS,
  type RetryPolicy,
  retryDelayMs,
} from '../../../../src/client/internal/retry-delay.js';
import { MAX_TIMER_MS } from '../../../../src/core/internal/timer-delay.js';

const POLICY: RetryPolicy = {
  attempts: 5,
  minDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

describe('retryDelayMs', () => {
  it('waits for Retry-After plus 0-500 ms of jitter', () => {
    const input = { retryNumber: 1, retryAfterMs: 2000, policy: POLICY };
    expect(retryDelayMs({ ...input, random: 0 })).toBe(2000);
    expect(retryDelayMs({ ...input, random: 0.5 })).toBe(2250);
    expect(retryDelayMs({ ...input, random: 0.999999 })).toBe(2500);
  });

  it('doubles from minDelayMs without Retry-After, up to maxDelayMs', () => {
    const waits = [1, 2, 3, 4, 10, 2000].map((retryNumber) =>
      retryDelayMs({ retryNumber, retryAfterMs: undefined, policy: POLICY, random: 0 }),
    );
    expect(waits).toEqual([500, 1000, 2000, 4000, 30_000, 30_000]);
  });

  it('does not wait for a Retry-After over maxRetryAfterMs', () => {
    const input = { retryNumber: 1, policy: POLICY, random: 0 };
    expect(retryDelayMs({ ...input, retryAfterMs: 60_000 })).toBe(60_000);
    expect(retryDelayMs({ ...input, retryAfterMs: 60_001 })).toBeUndefined();
    expect(retryDelayMs({ ...input, retryAfterMs: Number.NaN })).toBeUndefined();
  });

  it('clamps a random number outside [0, 1)', () => {
    const input = { retryNumber: 1, retryAfterMs: 0, policy: POLICY };
    expect(retryDelayMs({ ...input, random: -3 })).toBe(0);
    expect(retryDelayMs({ ...input, random: 7 })).toBe(MAX_JITTER_MS);
    expect(retryDelayMs({ ...input, random: Number.NaN })).toBe(0);
  });

  it('stays within [base, base + 500] for any retry, policy and random number', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.option(fc.nat({ max: 120_000 }), { nil: undefined }),
        fc.nat({ max: 10_000 }),
        fc.nat({ max: 100_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retryNumber, retryAfterMs, minDelayMs, extra, random) => {
          const policy = { ...POLICY, minDelayMs, maxDelayMs: minDelayMs + extra };
          const wait = retryDelayMs({ retryNumber, retryAfterMs, policy, random });
          if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) {
            expect(wait).toBeUndefined();
            return;
          }
          const base =
            retryAfterMs ?? Math.min(policy.maxDelayMs, minDelayMs * 2 ** (retryNumber - 1));
          expect(wait).toBeGreaterThanOrEqual(base);
          expect(wait).toBeLessThanOrEqual(base + MAX_JITTER_MS);
          expect(Number.isInteger(wait)).toBe(true);
        },
      ),
    );
  });

  it('waits 0, not NaN, with minDelayMs 0 after more than 1023 retries', () => {
    const policy = { ...POLICY, minDelayMs: 0, maxDelayMs: 0 };
    expect(retryDelayMs({ retryNumber: 1025, retryAfterMs: undefined, policy, random: 0 })).toBe(0);
  });

  it('never waits longer than a timer holds, jitter included', () => {
    const longest = { ...POLICY, maxDelayMs: MAX_TIMER_MS, maxRetryAfterMs: MAX_TIMER_MS };
    const input = { retryNumber: 40, policy: longest, random: 0.999 };
    expect(retryDelayMs({ ...input, retryAfterMs: undefined })).toBe(MAX_TIMER_MS);
    expect(retryDelayMs({ ...input, retryAfterMs: MAX_TIMER_MS - 1 })).toBe(MAX_TIMER_MS);
  });

  it('is a whole number of milliseconds in [0, MAX_TIMER_MS] for any policy the options allow', () => {
    const ms = fc.integer({ min: 0, max: MAX_TIMER_MS });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.option(ms, { nil: undefined }),
        fc.tuple(ms, ms).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const),
        ms,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retryNumber, retryAfterMs, [minDelayMs, maxDelayMs], maxRetryAfterMs, random) => {
          const policy = { attempts: 10, minDelayMs, maxDelayMs, maxRetryAfterMs };
          const wait = retryDelayMs({ retryNumber, retryAfterMs, policy, random });
          if (wait === undefined) {
            expect(retryAfterMs).toBeGreaterThan(maxRetryAfterMs);
            return;
          }
          expect(Number.isInteger(wait)).toBe(true);
          expect(wait).toBeGreaterThanOrEqual(0);
          expect(wait).toBeLessThanOrEqual(MAX_TIMER_MS);
        },
      ),
    );
  });
});
