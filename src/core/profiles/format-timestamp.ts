import { WebhookValidationError } from '../errors.js';

// The last result: events published in a burst share their creation time to the millisecond, and
// each body (and each EUDR header) formats it again. NaN matches no time.
let lastMs = Number.NaN;
let lastStyle: 'seconds-when-whole' | 'millis' = 'millis';
let lastText = '';

/**
 * RFC 3339 UTC text of an epoch-ms time, for wire bodies and headers.
 *
 * `seconds-when-whole`: `2026-04-22T10:30:00Z` as the Novatrade24 docs print it, and
 * `2026-04-22T10:30:00.250Z` when the time has milliseconds, so ordering by `createdAt`
 * (last write wins, docs/design.md §7, A-21, A-31) keeps sub-second precision. `millis`: always three fraction digits,
 * as N'entropy prints it (`2024-01-15T10:30:00.000Z`).
 *
 * @throws WebhookValidationError `invalid_event` when `ms` is not a representable time.
 */
export function formatTimestamp(ms: number, style: 'seconds-when-whole' | 'millis'): string {
  if (ms === lastMs && style === lastStyle) return lastText;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    throw new WebhookValidationError(
      'invalid_event',
      `Expected createdAtMs as finite epoch milliseconds; got ${String(ms)}.`,
      {
        issues: [
          {
            path: 'createdAtMs',
            // NaN and ±Infinity are numbers; a finite time past ±8.64e15 ms is out of range.
            code: Number.isFinite(ms) ? (ms > 0 ? 'too_big' : 'too_small') : 'invalid_type',
            message: 'expected finite epoch milliseconds',
          },
        ],
      },
    );
  }
  const iso = new Date(ms).toISOString();
  const text =
    style === 'seconds-when-whole' && iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
  lastMs = ms;
  lastStyle = style;
  lastText = text;
  return text;
}
