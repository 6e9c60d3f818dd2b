// The deadline on store calls (withDeadline) and the storeTimeoutMs option parser, with fake
// timers: outcomes before the deadline pass through, a silent call fails at exactly the deadline,
// and a late outcome goes to onLate, never to an unhandled rejection.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebhookStorageError } from '../../../src/core/errors.js';
import { MAX_TIMER_MS } from '../../../src/core/internal/timer-delay.js';
import { readStoreTimeoutMs } from '../../../src/receiver/internal/check-receiver-options.js';
import { type LateOutcome, withDeadline } from '../../../src/receiver/internal/store-deadline.js';
import { thrown } from '../../helpers/thrown.js';

/** A promise that settles (as `outcome` says) after `delayMs` on the (fake) clock. */
function settleAfter(delayMs: number, outcome: 'fulfilled' | 'rejected'): Promise<string> {
  return new Promise((resolve, reject) =>
    setTimeout(
      () => (outcome === 'fulfilled' ? resolve('value') : reject(new Error('store error'))),
      delayMs,
    ),
  );
}

/** Tracks a promise's outcome without ever leaving a rejection unhandled. */
function watch<T>(promise: Promise<T>): { readonly outcome: LateOutcome<T> | undefined } {
  const watched: { outcome: LateOutcome<T> | undefined } = { outcome: undefined };
  promise.then(
    (value) => {
      watched.outcome = { status: 'fulfilled', value };
    },
    (reason: unknown) => {
      watched.outcome = { status: 'rejected', reason };
    },
  );
  return watched;
}

describe('withDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a call that answers before the deadline -> its value, and no timer is left', async () => {
    const result = watch(withDeadline(() => settleAfter(100, 'fulfilled'), opts(200)));
    await vi.advanceTimersByTimeAsync(100);
    expect(result.outcome).toEqual({ status: 'fulfilled', value: 'value' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a call that rejects before the deadline -> its error, unchanged', async () => {
    const result = watch(withDeadline(() => settleAfter(10, 'rejected'), opts(200)));
    await vi.advanceTimersByTimeAsync(10);
    expect(result.outcome).toMatchObject({
      status: 'rejected',
      reason: { message: 'store error' },
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a call that throws synchronously -> a rejection with that error', async () => {
    const boom = new Error('sync');
    await expect(
      withDeadline(() => {
        throw boom;
      }, opts(200)),
    ).rejects.toBe(boom);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a call that never answers -> pending until the deadline, then storage_unavailable naming the call and the deadline', async () => {
    const result = watch(withDeadline(() => new Promise<never>(() => {}), opts(250)));
    await vi.advanceTimersByTimeAsync(249);
    expect(result.outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(result.outcome?.status).toBe('rejected');
    const error = (result.outcome as { reason: unknown }).reason;
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error).message).toBe(
      'DedupeStore.reserve did not answer within storeTimeoutMs (250 ms); the store is slow or unreachable.',
    );
  });

  it('a late answer -> onLate hears it once; a late rejection without onLate is swallowed', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const late: LateOutcome<string>[] = [];
      const first = watch(
        withDeadline(() => settleAfter(500, 'fulfilled'), {
          ...opts(100),
          onLate: (outcome) => late.push(outcome),
        }),
      );
      const second = watch(withDeadline(() => settleAfter(500, 'rejected'), opts(100)));
      const third = watch(
        withDeadline(() => settleAfter(500, 'rejected'), {
          ...opts(100),
          onLate: () => {
            throw new Error('onLate bug');
          },
        }),
      );
      await vi.advanceTimersByTimeAsync(100);
      expect([first, second, third].map((w) => w.outcome?.status)).toEqual([
        'rejected',
        'rejected',
        'rejected',
      ]);
      await vi.advanceTimersByTimeAsync(400);
      expect(late).toEqual([{ status: 'fulfilled', value: 'value' }]);
      // Let Node run its unhandled-rejection check (it runs after the microtask queue drains).
      await vi.advanceTimersByTimeAsync(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('property: the outcome passes through iff it comes before the deadline; otherwise storage_unavailable, then onLate with it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.constantFrom('fulfilled' as const, 'rejected' as const),
        async (timeoutMs, delayMs, settles) => {
          fc.pre(delayMs !== timeoutMs); // equal times: timer order decides, not the contract
          const late: LateOutcome<string>[] = [];
          const result = watch(
            withDeadline(() => settleAfter(delayMs, settles), {
              ...opts(timeoutMs),
              onLate: (outcome) => late.push(outcome),
            }),
          );
          await vi.advanceTimersByTimeAsync(Math.max(delayMs, timeoutMs));
          if (delayMs < timeoutMs) {
            expect(result.outcome?.status).toBe(settles);
            expect(late).toEqual([]);
          } else {
            expect(result.outcome).toMatchObject({
              status: 'rejected',
              reason: { code: 'storage_unavailable' },
            });
            expect(late).toHaveLength(1);
            expect(late[0]?.status).toBe(settles);
          }
          expect(vi.getTimerCount()).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});

function opts(timeoutMs: number) {
  return { timeoutMs, operation: 'DedupeStore.reserve' };
}

describe('readStoreTimeoutMs', () => {
  it('absent -> the fallback', () => {
    expect(readStoreTimeoutMs(undefined, 2_000)).toBe(2_000);
  });

  it('property: every whole number of ms from 1 to 2^31 - 1 is accepted unchanged', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_TIMER_MS }), (ms) => {
        expect(readStoreTimeoutMs(ms, 2_000)).toBe(ms);
      }),
    );
  });

  it('property: anything else -> invalid_option naming storeTimeoutMs', () => {
    const bad = fc.oneof(
      fc.integer({ max: 0 }),
      fc.maxSafeNat().map((n) => Math.max(n, MAX_TIMER_MS + 1)),
      fc.integer({ min: 1, max: 1_000 }).map((n) => MAX_TIMER_MS + n),
      fc.double().filter((n) => !Number.isInteger(n)),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, null, '200', true),
      fc.anything().filter((v) => typeof v !== 'number' && v !== undefined),
    );
    fc.assert(
      fc.property(bad, (value) => {
        const error = thrown(() => readStoreTimeoutMs(value, 2_000));
        expect(error.code).toBe('invalid_option');
        // The issue code of the one integer-option check: the wrong type, or out of range.
        const code = !Number.isSafeInteger(value)
          ? 'invalid_type'
          : (value as number) < 1
            ? 'too_small'
            : 'too_big';
        expect(error.issues).toEqual([{ path: 'storeTimeoutMs', code, message: error.message }]);
        expect(error.message).toContain('`storeTimeoutMs` must be an integer from 1 to');
      }),
    );
  });
});
