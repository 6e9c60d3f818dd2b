import type { ValidationIssueCode } from '../errors.js';
import { describeNumberOption as describe } from '../internal/describe-value.js';
import { integerIssueCode } from '../internal/integer-option.js';
import { invalidOption } from '../internal/invalid-option.js';
import { positiveNumberIssueCode } from '../internal/number-option.js';
import { typeIssueCode } from '../internal/type-issue-code.js';

/**
 * When retries happen, as data (CONTRIBUTING.md, "Retry engine").
 *
 * - `offsets`: each retry at a fixed offset from the FIRST attempt (Novatrade24, docs/design.md §5.1).
 * - `intervals`: each retry a fixed delay after the PREVIOUS attempt (N'entropy EUDR, docs/design.md §7, N-4).
 *
 * The list's length is the number of retries; a delivery makes at most `length + 1` attempts.
 */
export type RetrySchedule =
  | { readonly kind: 'offsets'; readonly offsetsMs: readonly number[] }
  | { readonly kind: 'intervals'; readonly intervalsMs: readonly number[] };

/** Optional random spread added to each retry delay. Off in both built-in presets. */
export interface RetryJitter {
  /**
   * Largest fraction of the retry's own gap that may be added (never subtracted, so a retry is
   * never earlier than its schedule): `0.1` adds up to 10 % of the gap. In (0, 1].
   */
  readonly maxRatio: number;
}

/** A retry policy: a schedule plus how `Retry-After` and jitter modify it. */
export interface RetryPolicy {
  readonly schedule: RetrySchedule;
  /** Random spread; omitted = none. */
  readonly jitter?: RetryJitter;
  /**
   * Longest `Retry-After` honoured, ms. A receiver's `Retry-After` can move a retry later than
   * its schedule, never earlier, and never by more than this (a hostile or buggy receiver must not
   * park a delivery for a month).
   */
  readonly maxRetryAfterMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Novatrade24: the first attempt, then 10 retries at 1m, 5m, 15m, 1h, 4h, 8h, 16h, 24h, 36h and
 * 48h after the first attempt (offsets, docs/design.md §5.1, docs/design.md §7, A-1, A-2): at most 11 HTTP attempts, all
 * within 48 h, inside the documented 72 h. `Retry-After` honoured up to 12 h.
 */
export const NOVATRADE_RETRY_POLICY: RetryPolicy = Object.freeze({
  schedule: Object.freeze({
    kind: 'offsets',
    offsetsMs: Object.freeze([
      MINUTE,
      5 * MINUTE,
      15 * MINUTE,
      HOUR,
      4 * HOUR,
      8 * HOUR,
      16 * HOUR,
      24 * HOUR,
      36 * HOUR,
      48 * HOUR,
    ]),
  }),
  maxRetryAfterMs: 12 * HOUR,
});

/**
 * N'entropy EUDR: the first attempt, then 3 retries 1 s, 5 s and 30 s after the previous one
 * (intervals, docs/design.md §7, N-4): 4 attempts at +0, +1 s, +6 s, +36 s. `Retry-After` honoured up to 60 s.
 */
export const EUDR_RETRY_POLICY: RetryPolicy = Object.freeze({
  schedule: Object.freeze({
    kind: 'intervals',
    intervalsMs: Object.freeze([1_000, 5_000, 30_000]),
  }),
  maxRetryAfterMs: 60_000,
});

/** The facts about a delivery that decide its next attempt. All times are epoch ms. */
export interface NextAttemptInput {
  /** Attempts made so far, including the one that just failed (>= 1). */
  readonly attempts: number;
  /** When the first attempt was made. */
  readonly firstAttemptAtMs: number;
  /** When the attempt that just failed was made. */
  readonly lastAttemptAtMs: number;
  /** The receiver's `Retry-After`, already converted to ms (see {@link parseRetryAfter}). */
  readonly retryAfterMs?: number | null;
  /** Uniform random number in [0, 1) for jitter; required only when the policy has jitter. */
  readonly random?: () => number;
}

/**
 * When the next attempt is due, or `null` when the schedule is exhausted.
 *
 * Pure: the same input always gives the same answer (randomness, for jitter, is injected).
 * The result is never earlier than `lastAttemptAtMs` nor than the scheduled slot.
 *
 * @param policy - the retry policy (e.g. {@link NOVATRADE_RETRY_POLICY}).
 * @param input - attempts made and their times, in epoch ms.
 * @returns the next attempt's due time in epoch ms, or `null` for "no more retries".
 * @throws WebhookValidationError `invalid_option` when the input is not well formed
 *   (attempts < 1, non-finite times, jitter without `random`).
 * @example
 * ```ts
 * nextAttemptAt(NOVATRADE_RETRY_POLICY, { attempts: 1, firstAttemptAtMs: 0, lastAttemptAtMs: 0 });
 * // → 60_000 (the first retry, one minute after the first attempt)
 * ```
 */
export function nextAttemptAt(policy: RetryPolicy, input: NextAttemptInput): number | null {
  const { attempts, firstAttemptAtMs, lastAttemptAtMs } = input;
  const attemptsProblem = attempts === undefined ? 'required' : integerIssueCode(attempts);
  if (attemptsProblem !== undefined) {
    throw invalid('attempts', `a whole number >= 1, got ${describe(attempts)}`, attemptsProblem);
  }
  if (!Number.isFinite(firstAttemptAtMs) || !Number.isFinite(lastAttemptAtMs)) {
    throw invalid('firstAttemptAtMs/lastAttemptAtMs', 'finite epoch milliseconds', 'invalid_type');
  }
  const retryIndex = attempts - 1; // the retry to schedule now: 0 = first retry
  const { schedule } = policy;
  let scheduledMs: number;
  let gapMs: number; // the retry's own gap, the base for jitter
  if (schedule.kind === 'offsets') {
    const offset = schedule.offsetsMs[retryIndex];
    if (offset === undefined) return null;
    const previousOffset = retryIndex === 0 ? 0 : (schedule.offsetsMs[retryIndex - 1] as number);
    scheduledMs = firstAttemptAtMs + offset;
    gapMs = offset - previousOffset;
  } else {
    const interval = schedule.intervalsMs[retryIndex];
    if (interval === undefined) return null;
    scheduledMs = lastAttemptAtMs + interval;
    gapMs = interval;
  }
  if (policy.jitter) {
    if (!input.random) {
      throw invalid('random', 'a random source when the policy has jitter', 'required');
    }
    scheduledMs += Math.floor(gapMs * policy.jitter.maxRatio * input.random());
  }
  let dueMs = Math.max(scheduledMs, lastAttemptAtMs);
  const retryAfterMs = input.retryAfterMs;
  if (retryAfterMs != null && Number.isFinite(retryAfterMs) && retryAfterMs > 0) {
    // Retry-After moves a retry later, never earlier than the schedule (docs/design.md §5.1).
    dueMs = Math.max(dueMs, lastAttemptAtMs + Math.min(retryAfterMs, policy.maxRetryAfterMs));
  }
  return dueMs;
}

/** The most attempts a delivery can make under `policy` (first attempt plus every retry). */
export function maxAttempts(policy: RetryPolicy): number {
  const { schedule } = policy;
  return (
    1 + (schedule.kind === 'offsets' ? schedule.offsetsMs.length : schedule.intervalsMs.length)
  );
}

/**
 * Checks a policy once, at construction time, so that a bad custom schedule fails early with the
 * option named (CONTRIBUTING.md, "Validate options eagerly").
 *
 * @throws WebhookValidationError `invalid_option` — a policy or schedule that is not an object
 *   (at `policy`, `schedule`), a `kind` other than `offsets` or `intervals`, a list of delays that
 *   is not an array, offsets not strictly increasing, delays and `maxRetryAfterMs` that are not
 *   positive, finite numbers (the positive-number rule's codes), a `jitter` that is not an object
 *   (at `jitter`, `invalid_type`) or a `jitter.maxRatio` outside (0, 1]. An empty list is a policy
 *   of no retries.
 * @example
 * ```ts
 * assertRetryPolicy({ schedule: { kind: 'intervals', intervalsMs: [1000, 5000] }, maxRetryAfterMs: 60_000 });
 * ```
 */
export function assertRetryPolicy(policy: RetryPolicy): void {
  // The shape first: a policy written by hand in JavaScript gets an issue, not a TypeError.
  if (typeof policy !== 'object' || policy === null) {
    throw invalid('policy', `a RetryPolicy object, got ${describe(policy)}`, typeIssueCode(policy));
  }
  const { schedule } = policy;
  if (typeof schedule !== 'object' || schedule === null) {
    throw invalid(
      'schedule',
      `{ kind: 'offsets', offsetsMs } or { kind: 'intervals', intervalsMs }, got ${describe(schedule)}`,
      typeIssueCode(schedule),
    );
  }
  const kind: unknown = schedule.kind;
  if (kind !== 'offsets' && kind !== 'intervals') {
    throw invalid(
      'schedule.kind',
      `'offsets' or 'intervals', got ${describe(kind)}`,
      typeof kind === 'string' ? 'invalid_value' : typeIssueCode(kind),
    );
  }
  const delays: unknown = schedule.kind === 'offsets' ? schedule.offsetsMs : schedule.intervalsMs;
  const name = schedule.kind === 'offsets' ? 'schedule.offsetsMs' : 'schedule.intervalsMs';
  if (!Array.isArray(delays)) {
    throw invalid(name, `an array of ms, got ${describe(delays)}`, typeIssueCode(delays));
  }
  let previous = 0;
  for (const [i, delay] of delays.entries()) {
    const code = positiveNumberIssueCode(delay);
    if (code !== undefined) {
      throw invalid(`${name}[${i}]`, `a positive number of ms, got ${describe(delay)}`, code);
    }
    if (schedule.kind === 'offsets' && delay <= previous) {
      throw invalid(
        `${name}[${i}]`,
        'offsets strictly increasing from the first attempt',
        'invalid_value',
      );
    }
    previous = delay;
  }
  const { maxRetryAfterMs } = policy;
  const maxCode =
    maxRetryAfterMs === undefined ? 'required' : positiveNumberIssueCode(maxRetryAfterMs);
  if (maxCode !== undefined) {
    throw invalid(
      'maxRetryAfterMs',
      `a positive number of ms, got ${describe(maxRetryAfterMs)}`,
      maxCode,
    );
  }
  assertJitter(policy.jitter);
}

/**
 * `jitter`: absent (no jitter), or `{ maxRatio }` with a ratio in (0, 1]. Anything else is refused,
 * never read as "no jitter": `jitter: 5` or `jitter: {}` must not turn jitter off (or make the
 * schedule NaN) without a word.
 */
function assertJitter(jitter: unknown): void {
  if (jitter === undefined) return;
  if (typeof jitter !== 'object' || jitter === null || Array.isArray(jitter)) {
    throw invalid('jitter', `an object { maxRatio }, got ${describe(jitter)}`, 'invalid_type');
  }
  const ratio: unknown = (jitter as { maxRatio?: unknown }).maxRatio;
  const code = ratio === undefined ? 'required' : positiveNumberIssueCode(ratio, { max: 1 });
  if (code !== undefined) {
    throw invalid('jitter.maxRatio', `a number in (0, 1], got ${describe(ratio)}`, code);
  }
}

/**
 * `Retry-After` as milliseconds from `nowMs`, or `null` when absent or unusable. Accepts both
 * forms of RFC 9110 §10.2.3: delay-seconds (`120`) and an HTTP-date. A date in the past gives 0.
 *
 * @param value - the header value (or `null`/`undefined`).
 * @param nowMs - the current time, epoch ms (for the HTTP-date form).
 * @example
 * ```ts
 * parseRetryAfter('120', Date.now()); // → 120_000
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value == null) return null;
  const text = value.trim();
  if (text === '' || text.length > 64) return null;
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : null;
  }
  // HTTP-date (IMF-fixdate and the obsolete forms Date.parse understands). Digits-only was
  // handled above, so a bare number is never mistaken for a date.
  if (!/[a-z]/i.test(text)) return null;
  const dateMs = Date.parse(text);
  if (Number.isNaN(dateMs)) return null;
  return Math.max(0, dateMs - nowMs);
}

/**
 * HTTP statuses whose `Retry-After` is honoured (docs/design.md §5.1). Every failed attempt is retried
 * while the schedule lasts — any non-2xx, a redirect (not followed, §5.13), a timeout or a
 * network error (§5.2) — so the only question per status is whether the receiver may push the
 * next attempt later.
 */
export const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** True for a 2xx status: the only successful outcome of an attempt (docs/design.md §5.13). */
export function isSuccessStatus(status: number | null | undefined): boolean {
  return status != null && status >= 200 && status <= 299;
}

/** `invalid_option` naming `option`, saying what was expected (CONTRIBUTING.md, "Errors"). */
function invalid(option: string, expected: string, code: ValidationIssueCode) {
  return invalidOption(option, `Invalid retry ${option}: expected ${expected}.`, code);
}
