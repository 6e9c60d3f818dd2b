// RFC 3339 / ISO-8601 instants as N'entropy sends them in X-Webhook-Timestamp, e.g.
// `2024-01-15T10:30:00.000Z` (docs/design.md §6.10). Date.parse is not used: it accepts `2024-02-30` and
// reads a value without an offset as local time, both of which would make the replay check lie.

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Longest accepted value: 35 characters is the longest RFC 3339 instant with 9 fraction digits. */
const MAX_LENGTH = 40;

/**
 * Epoch milliseconds of an RFC 3339 instant with a mandatory `Z` or `±hh:mm` offset, or `null`
 * when `text` is not one (wrong shape, impossible date such as February 30, hour 24, second 60).
 */
export function parseIsoTimestampMs(text: string): number | null {
  if (text.length > MAX_LENGTH) return null;
  const m = ISO_INSTANT.exec(text);
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(`${m[7]}00`.slice(0, 3)); // truncate to whole ms
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  if (date.getUTCDate() !== day) return null; // e.g. 2024-02-30 rolled over to March
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const offsetHours = Number(m[9]);
    const offsetMins = Number(m[10]);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  return date.getTime() - offsetMinutes * 60_000;
}
