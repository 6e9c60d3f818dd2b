import { assertOptionsObject } from '../core/internal/assert-options-object.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';

/** `2026-01-01T00:00:00Z` in epoch ms: where a fake clock starts unless told otherwise. */
const DEFAULT_NOW_MS = Date.UTC(2026, 0, 1);

/** Options of {@link createFakeClock}. */
export interface FakeClockOptions {
  /**
   * The starting time in epoch **milliseconds**. Finite.
   * @default 1767225600000 (2026-01-01T00:00:00Z)
   */
  readonly nowMs?: number | undefined;
}

/**
 * A manual clock for tests. Every member is a plain function that does not use `this`, so each
 * can be passed on its own: `verifyNovatradeSignature(body, header, secret, { now: clock.now })`.
 */
export interface FakeClock {
  /** The current time in epoch milliseconds, like `Date.now`. */
  readonly now: () => number;
  /** The current time in Unix seconds: `Math.floor(now() / 1000)`, the Novatrade24 `t=`. */
  readonly nowSeconds: () => number;
  /**
   * Moves the clock forward by `ms` milliseconds (finite, `>= 0`) and returns the new time in
   * epoch ms. Time never runs backwards through `advance`; use `set` for that.
   *
   * @throws WebhookValidationError `invalid_option` naming `ms`.
   */
  readonly advance: (ms: number) => number;
  /**
   * Sets the clock to `nowMs` (epoch milliseconds, finite), earlier or later than now.
   *
   * @throws WebhookValidationError `invalid_option` naming `nowMs`.
   */
  readonly set: (nowMs: number) => void;
}

function assertFiniteMs(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidOption(
      name,
      `${name} must be a finite number of milliseconds; got ${
        typeof value === 'number' ? String(value) : describeValue(value)
      }.`,
      'invalid_type',
    );
  }
}

/**
 * Creates a fake clock that only moves when told to, for deterministic signing, verification
 * windows and retry schedules. It is a value passed through `now` options, not a global patch:
 * unlike `vi.useFakeTimers()` it leaves timers and `Date` alone.
 *
 * @param options - `nowMs`, the start time in epoch ms.
 * @returns a {@link FakeClock}.
 * @throws WebhookValidationError `invalid_option` naming `options` or `nowMs`.
 * @example
 * ```ts
 * import { createFakeClock, createSignedRequest } from '@novatrade24/webhooks/testing';
 * import { verifyNovatradeSignature } from '@novatrade24/webhooks';
 *
 * const clock = createFakeClock(); // 2026-01-01T00:00:00Z
 * const request = createSignedRequest('{}', { secret: 'whsec_test', now: clock.now });
 * clock.advance(301_000); // past the 300 s tolerance
 * verifyNovatradeSignature(request.body, request.headers['X-Novatrade-Signature'], 'whsec_test', {
 *   now: clock.now,
 * }); // throws WebhookVerificationError 'timestamp_too_old'
 * ```
 */
export function createFakeClock(options: FakeClockOptions = {}): FakeClock {
  assertOptionsObject(options);
  let current = DEFAULT_NOW_MS;
  if (options.nowMs !== undefined) {
    assertFiniteMs(options.nowMs, 'nowMs');
    current = options.nowMs;
  }
  return Object.freeze({
    now: () => current,
    nowSeconds: () => Math.floor(current / 1000),
    advance: (ms: number): number => {
      assertFiniteMs(ms, 'ms');
      if (ms < 0) {
        throw invalidOption(
          'ms',
          `ms must not be negative; got ${String(ms)}. A clock does not run backwards: use set(nowMs).`,
          'too_small',
        );
      }
      const next = current + ms;
      if (!Number.isFinite(next)) {
        throw invalidOption(
          'ms',
          `Advancing by ${String(ms)} ms leaves the finite range.`,
          'too_big',
        );
      }
      current = next;
      return current;
    },
    set: (nowMs: number): void => {
      assertFiniteMs(nowMs, 'nowMs');
      current = nowMs;
    },
  });
}
