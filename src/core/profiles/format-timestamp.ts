import { WebhookValidationError } from '../errors.js';

/**
 * RFC 3339 UTC text of an epoch-ms time, for wire bodies and headers.
 *
 * `seconds-when-whole`: `2026-04-22T10:30:00Z` as the Novatrade24 docs print it, and
 * `2026-04-22T10:30:00.250Z` when the time has milliseconds, so ordering by `createdAt`
 * (last write wins, A-21, A-31) keeps sub-second precision. `millis`: always three fraction digits,
 * as N'entropy prints it (`2024-01-15T10:30:00.000Z`).
 *
 * @throws WebhookValidationError `invalid_event` when `ms` is not a representable time.
 */
export function formatTimestamp(ms: number, style: 'seconds-when-whole' | 'millis'): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    throw new WebhookValidationError(
      'invalid_event',
      `Expected createdAtMs as finite epoch milliseconds; got ${String(ms)}.`,
      {
        issues: [{ path: 'createdAtMs', message: 'expected finite epoch milliseconds' }],
      },
    );
  }
  const iso = new Date(ms).toISOString();
  return style === 'seconds-when-whole' && iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
