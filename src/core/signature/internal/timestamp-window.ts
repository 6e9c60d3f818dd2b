import { WebhookVerificationError } from '../../errors.js';
import { describeValue } from '../../internal/describe-value.js';
import { invalidOption } from '../../internal/invalid-option.js';
import { DEFAULT_TOLERANCE_SECONDS } from '../constants.js';

/** The replay-window options shared by every verifier (DESIGN.md §5.6). */
export interface TimestampWindowOptions {
  /** Allowed distance from now, in seconds, in both directions. @default 300 */
  readonly toleranceSeconds?: number;
  /** Current time in epoch milliseconds (like `Date.now`). */
  readonly now?: () => number;
}

/** A validated window: the tolerance in seconds and the current time in epoch milliseconds. */
export interface TimestampWindow {
  readonly toleranceSeconds: number;
  readonly nowMs: number;
}

/** Validated window options; the clock is not read yet. */
export interface CheckedWindowOptions {
  readonly toleranceSeconds: number;
  readonly now: () => number;
}

/**
 * Validates the window options without reading the clock.
 *
 * @param options - the caller's options (may be `undefined`).
 * @param defaultNow - the platform clock in epoch milliseconds, used when `options.now` is absent.
 * @throws WebhookValidationError `invalid_option` naming `options`, `toleranceSeconds` or `now`.
 */
export function checkWindowOptions(
  options: TimestampWindowOptions | undefined,
  defaultNow: () => number,
): CheckedWindowOptions {
  if (options === undefined) {
    return { toleranceSeconds: DEFAULT_TOLERANCE_SECONDS, now: defaultNow };
  }
  if (typeof options !== 'object' || options === null) {
    throw invalidOption('options', `options must be an object; got ${describeValue(options)}.`);
  }
  const { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = defaultNow } = options;
  if (
    typeof toleranceSeconds !== 'number' ||
    !(toleranceSeconds > 0) ||
    toleranceSeconds === Number.POSITIVE_INFINITY
  ) {
    throw invalidOption(
      'toleranceSeconds',
      `options.toleranceSeconds must be a positive, finite number of seconds; got ${
        typeof toleranceSeconds === 'number'
          ? String(toleranceSeconds)
          : describeValue(toleranceSeconds)
      }. There is no value that turns the replay check off (DESIGN.md §5.6).`,
    );
  }
  if (typeof now !== 'function') {
    throw invalidOption(
      'now',
      `options.now must be a function returning epoch milliseconds; got ${describeValue(now)}.`,
    );
  }
  return { toleranceSeconds, now };
}

/**
 * Reads the clock once and checks what it returned.
 *
 * @throws WebhookValidationError `invalid_option` naming `now`.
 */
export function readWindow(options: CheckedWindowOptions): TimestampWindow {
  const nowMs = options.now();
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
    throw invalidOption(
      'now',
      `options.now() must return a finite number of epoch milliseconds; got ${
        typeof nowMs === 'number' ? String(nowMs) : describeValue(nowMs)
      }.`,
    );
  }
  return { toleranceSeconds: options.toleranceSeconds, nowMs };
}

/**
 * Checks `timestampSeconds` against the window, in whole seconds: the age is
 * `floor(nowMs / 1000) - timestampSeconds`, and it passes when `-tolerance <= age <= tolerance`
 * (so exactly 300 s off passes and 301 s fails with the default).
 *
 * @throws WebhookVerificationError `timestamp_too_old` or `timestamp_too_new`
 */
export function assertWithinWindow(
  timestampSeconds: number,
  window: TimestampWindow,
  headerName: string,
): void {
  const ageSeconds = Math.floor(window.nowMs / 1000) - timestampSeconds;
  if (ageSeconds > window.toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp_too_old',
      `The ${headerName} timestamp is ${ageSeconds} s in the past; the tolerance is ` +
        `${window.toleranceSeconds} s. This is a replay or a delayed delivery; if your clock is ` +
        'wrong, fix NTP rather than widening the tolerance.',
    );
  }
  if (-ageSeconds > window.toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp_too_new',
      `The ${headerName} timestamp is ${-ageSeconds} s in the future; the tolerance is ` +
        `${window.toleranceSeconds} s. The sender's or this receiver's clock is off; fix NTP.`,
    );
  }
}
