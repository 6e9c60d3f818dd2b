// `Retry-After` (RFC 9110 §10.2.3): delta seconds or an HTTP-date. The client waits for it after a
// 429 or a 503 (docs/design.md §5.34: the server sends whole seconds to the end of the window that
// refused). The value comes from the network, so this never throws and accepts only the grammar:
// `Date.parse` would read "1" as the year 2001, and reads forms RFC 9110 does not have. That is
// why the client does not reuse the sender's `parseRetryAfter` (src/core/retry/retry-policy.ts),
// which takes what `Date.parse` takes and answers `null`: a receiver's header there only moves a
// schedule later, here it decides how long a caller waits. Delta seconds are at most 9 digits
// (almost 32 years): a longer value reads as absent, so no wait is ever Infinity.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Delta seconds: digits only, at most 9 of them. */
const DELTA_SECONDS = /^\d{1,9}$/;
// IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// obsolete RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`
const RFC_850 =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// obsolete asctime: `Sun Nov  6 08:49:37 1994`
const ASCTIME =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * How long a `Retry-After` value asks to wait, in milliseconds from `nowMs`: delta seconds
 * (`"120"`, at most 9 digits), or an HTTP-date in any of the three forms RFC 9110 §5.6.7 lists
 * (IMF-fixdate, RFC 850 with a two-digit year, asctime). A date in the past waits 0. The weekday
 * of a date is not checked. Never throws, and never answers more than a finite number.
 *
 * @param value - the header value (`Headers.get('Retry-After')`), or `null`/`undefined` when absent.
 * @param nowMs - the current time, epoch milliseconds (the client's `now()`).
 * @returns the wait in milliseconds (0 or more, finite), or `undefined` when the value is absent,
 *   not in the grammar or longer than 9 digits (the client then backs off exponentially).
 * @example
 * ```ts
 * retryAfterMsOf('12', Date.now()); // 12000
 * retryAfterMsOf('Thu, 01 Jan 2026 00:01:00 GMT', Date.UTC(2026, 0, 1)); // 60000
 * retryAfterMsOf('soon', Date.now()); // undefined
 * retryAfterMsOf('9'.repeat(400), Date.now()); // undefined (not Infinity)
 * ```
 */
export function retryAfterMsOf(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (typeof value !== 'string') return undefined;
  // Headers.get() already strips the optional whitespace; a hand-made value may still carry it.
  const text = value.trim();
  if (DELTA_SECONDS.test(text)) return Number(text) * 1000;
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) return undefined;
  const dateMs = httpDateMs(text, nowMs);
  return dateMs === undefined ? undefined : Math.max(0, dateMs - nowMs);
}

/** An HTTP-date as epoch milliseconds, or `undefined` when `text` is not one. */
function httpDateMs(text: string, nowMs: number): number | undefined {
  let match = IMF_FIXDATE.exec(text);
  if (match !== null) {
    const [, day, month, year, hours, minutes, seconds] = match;
    return utc({ year: Number(year), month, day, hours, minutes, seconds });
  }
  match = RFC_850.exec(text);
  if (match !== null) {
    const [, day, month, year, hours, minutes, seconds] = match;
    return utc({ year: fullYear(Number(year), nowMs), month, day, hours, minutes, seconds });
  }
  match = ASCTIME.exec(text);
  if (match !== null) {
    const [, month, day, hours, minutes, seconds, year] = match;
    return utc({ year: Number(year), month, day: day?.trim(), hours, minutes, seconds });
  }
  return undefined;
}

/**
 * RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century.
 */
function fullYear(twoDigits: number, nowMs: number): number {
  const thisYear = new Date(nowMs).getUTCFullYear();
  const century = Math.floor(thisYear / 100) * 100;
  const candidate = century + twoDigits;
  return candidate > thisYear + 50 ? candidate - 100 : candidate;
}

interface DateParts {
  readonly year: number;
  readonly month: string | undefined;
  readonly day: string | undefined;
  readonly hours: string | undefined;
  readonly minutes: string | undefined;
  readonly seconds: string | undefined;
}

/** The parts as epoch milliseconds, or `undefined` for an impossible date (Feb 30, 25:00). */
function utc(parts: DateParts): number | undefined {
  const month = MONTHS.indexOf(parts.month ?? '');
  const day = Number(parts.day);
  const hours = Number(parts.hours);
  const minutes = Number(parts.minutes);
  const seconds = Number(parts.seconds);
  if (month === -1 || day < 1 || hours > 23 || minutes > 59 || seconds > 60) return undefined;
  const midnight = new Date(0);
  midnight.setUTCFullYear(parts.year, month, day);
  // Date.UTC rolls Feb 30 over into March: an impossible day is refused, not moved.
  if (midnight.getUTCDate() !== day || midnight.getUTCMonth() !== month) return undefined;
  return midnight.getTime() + ((hours * 60 + minutes) * 60 + seconds) * 1000;
}
