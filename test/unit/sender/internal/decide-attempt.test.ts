// decideAttempt: one attempt's outcome -> the delivery's next state (docs/design.md §5.1, §5.8,
// §5.13), a pure function pinned by the Novatrade24 schedule's numbers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EUDR_RETRY_POLICY,
  NOVATRADE_RETRY_POLICY,
} from '../../../../src/core/retry/retry-policy.js';
import { decideAttempt } from '../../../../src/sender/internal/decide-attempt.js';
import type { TransportResult } from '../../../../src/sender/ports/transport.js';
import { T0 } from '../../../helpers/sender-records.js';

const MINUTE_MS = 60_000;

function result(statusCode: number | null, retryAfter: string | null = null): TransportResult {
  const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
  return {
    statusCode,
    failureReason: ok ? null : statusCode === null ? 'TIMEOUT' : 'HTTP_ERROR',
    responseBody: '',
    retryAfter,
    durationMs: 1,
  };
}

const base = {
  test: false,
  attempts: 1,
  firstAttemptAtMs: T0,
  lastAttemptAtMs: T0,
  retryPolicy: NOVATRADE_RETRY_POLICY,
  random: () => 0.5,
};

describe('decideAttempt', () => {
  it('any 2xx -> DELIVERED, whatever the attempt number or test flag', () => {
    for (const statusCode of [200, 202, 204, 299]) {
      for (const test of [false, true]) {
        expect(decideAttempt({ ...base, test, attempts: 11, result: result(statusCode) })).toEqual({
          status: 'DELIVERED',
          nextAttemptAtMs: null,
          failureReason: null,
        });
      }
    }
  });

  it('a failed test fire -> FAILED with its reason at once (one attempt, no retries)', () => {
    expect(decideAttempt({ ...base, test: true, result: result(null) })).toEqual({
      status: 'FAILED',
      nextAttemptAtMs: null,
      failureReason: 'TIMEOUT',
    });
  });

  it('a first failure -> PENDING at the first offset (1 min); the 11th attempt -> FAILED, the schedule ran out', () => {
    expect(decideAttempt({ ...base, result: result(500) })).toEqual({
      status: 'PENDING',
      nextAttemptAtMs: T0 + MINUTE_MS,
      failureReason: null,
    });
    expect(decideAttempt({ ...base, attempts: 11, result: result(500) })).toEqual({
      status: 'FAILED',
      nextAttemptAtMs: null,
      failureReason: 'HTTP_ERROR',
    });
  });

  it('Retry-After is honoured on 429 and 503 only, never earlier than the schedule', () => {
    const later = (statusCode: number, retryAfter: string) =>
      decideAttempt({ ...base, result: result(statusCode, retryAfter) }).nextAttemptAtMs;
    expect(later(429, '3600')).toBe(T0 + 3_600_000);
    expect(later(503, '3600')).toBe(T0 + 3_600_000);
    expect(later(500, '3600')).toBe(T0 + MINUTE_MS);
    expect(later(503, '1')).toBe(T0 + MINUTE_MS);
  });

  it('property: a failure is PENDING no earlier than the attempt, or FAILED with its reason; never DELIVERED', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(NOVATRADE_RETRY_POLICY, EUDR_RETRY_POLICY),
        fc.constantFrom(408, 429, 500, 503),
        fc.option(fc.integer({ min: 0, max: 100_000 }).map(String)),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (attempts, retryPolicy, statusCode, retryAfter, r) => {
          const lastAttemptAtMs = T0 + attempts * MINUTE_MS;
          const decision = decideAttempt({
            ...base,
            attempts,
            lastAttemptAtMs,
            retryPolicy,
            random: () => r,
            result: result(statusCode, retryAfter),
          });
          if (decision.status === 'PENDING') {
            expect(decision.nextAttemptAtMs).toBeGreaterThanOrEqual(lastAttemptAtMs);
            expect(decision.failureReason).toBeNull();
          } else {
            expect(decision).toEqual({
              status: 'FAILED',
              nextAttemptAtMs: null,
              failureReason: 'HTTP_ERROR',
            });
          }
        },
      ),
    );
  });
});
