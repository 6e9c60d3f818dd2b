import { WebhookVerificationError } from '../../errors.js';
import { assertOptionsObject } from '../../internal/assert-options-object.js';
import { describeNumberOption, describeValue } from '../../internal/describe-value.js';
import { invalidOption } from '../../internal/invalid-option.js';
import { positiveNumberIssueCode } from '../../internal/number-option.js';
import { DEFAULT_TOLERANCE_SECONDS } from '../constants.js';

/** The replay-window options shared by every verifier (docs/design.md §5.6). */
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
 * `toleranceSeconds`, absent (`undefined`, for the caller's default) or a positive, finite number
 * of seconds: the one check of the option, for the verifiers, `constructEvent` and the receivers'
 * constructors alike. Its issue code is the positive-number rule's ({@link positiveNumberIssueCode}:
 * `invalid_type`, `too_small`, `too_big` for `+Infinity`). No value turns the window off.
 *
 * @throws WebhookValidationError `invalid_option` with one issue at `toleranceSeconds`.
 */
export function toleranceSecondsOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const code = positiveNumberIssueCode(value);
  if (code === undefined) return value as number;
  throw invalidOption(
    'toleranceSeconds',
    `options.toleranceSeconds must be a positive, finite number of seconds; got ${describeNumberOption(
      value,
    )}. There is no value that turns the replay check off.`,
    code,
  );
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
  assertOptionsObject(options);
  const { now = defaultNow } = options;
  const toleranceSeconds =
    toleranceSecondsOption(options.toleranceSeconds) ?? DEFAULT_TOLERANCE_SECONDS;
  if (typeof now !== 'function') {
    throw invalidOption(
      'now',
      `options.now must be a function returning epoch milliseconds; got ${describeValue(now)}.`,
      'invalid_type',
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
      'invalid_value',
    );
  }
  return { toleranceSeconds: options.toleranceSeconds, nowMs };
}

/**
 * Epoch milliseconds below this are before March 1973, while Unix seconds below it run to the
 * year 5138: a clock under it that agrees with a header's Unix seconds is counting seconds.
 */
const SECONDS_CLOCK_BELOW = 1e11;

/** How near `now()`, read as Unix seconds, must be to the header's timestamp: a day. */
const SECONDS_CLOCK_SLACK_SECONDS = 86_400;

/**
 * True when a clock reading that failed the window is Unix seconds passed for epoch
 * milliseconds (`now: () => Math.floor(Date.now() / 1000)`): below 1e11, and within a day (or
 * the tolerance, if wider) of the header's timestamp when read as seconds. A real millisecond
 * clock after March 1973 never matches, nor does one before it unless it agrees with the header
 * only when read as seconds.
 *
 * @param nowMs - what `now()` returned.
 * @param timestampSeconds - the header's Unix seconds.
 * @param toleranceSeconds - the window's tolerance.
 */
export function looksLikeSecondsClock(
  nowMs: number,
  timestampSeconds: number,
  toleranceSeconds: number,
): boolean {
  return (
    nowMs < SECONDS_CLOCK_BELOW &&
    Math.abs(nowMs - timestampSeconds) <= Math.max(toleranceSeconds, SECONDS_CLOCK_SLACK_SECONDS)
  );
}

/**
 * Checks `timestampSeconds` against the window, in whole seconds: the age is
 * `floor(nowMs / 1000) - timestampSeconds`, and it passes when `-tolerance <= age <= tolerance`
 * (so exactly 300 s off passes and 301 s fails with the default). A failure caused by a clock in
 * seconds ({@link looksLikeSecondsClock}) is reported as that mistake; it fails all the same
 * (the window is never passed on a guess).
 *
 * @throws WebhookVerificationError `timestamp_too_old` or `timestamp_too_new`
 * @throws WebhookValidationError `invalid_option` naming `now` when `now()` returned Unix seconds
 */
export function assertWithinWindow(
  timestampSeconds: number,
  window: TimestampWindow,
  headerName: string,
): void {
  const ageSeconds = Math.floor(window.nowMs / 1000) - timestampSeconds;
  if (Math.abs(ageSeconds) <= window.toleranceSeconds) return;
  if (looksLikeSecondsClock(window.nowMs, timestampSeconds, window.toleranceSeconds)) {
    throw invalidOption(
      'now',
      `\`now\` returned ${window.nowMs}, which looks like seconds; pass epoch milliseconds ` +
        `(Date.now()). Read as seconds it is close to the ${headerName} timestamp: the clock ` +
        'is right, its unit is not.',
      'invalid_value',
    );
  }
  if (ageSeconds > 0) {
    throw new WebhookVerificationError(
      'timestamp_too_old',
      `The ${headerName} timestamp is ${ageSeconds} s in the past; the tolerance is ` +
        `${window.toleranceSeconds} s. This is a replay or a delayed delivery; if your clock is ` +
        'wrong, fix NTP rather than widening the tolerance.',
    );
  }
  throw new WebhookVerificationError(
    'timestamp_too_new',
    `The ${headerName} timestamp is ${-ageSeconds} s in the future; the tolerance is ` +
      `${window.toleranceSeconds} s. The sender's or this receiver's clock is off; fix NTP.`,
  );
}
