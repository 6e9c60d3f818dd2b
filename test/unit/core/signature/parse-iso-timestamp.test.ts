import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIsoTimestampMs } from '../../../../src/core/signature/internal/parse-iso-timestamp.js';

describe('parseIsoTimestampMs', () => {
  it.each([
    ['2024-01-15T10:30:00.000Z', Date.UTC(2024, 0, 15, 10, 30, 0, 0)],
    ['2024-01-15T10:30:00Z', Date.UTC(2024, 0, 15, 10, 30)],
    ['2024-01-15t10:30:00.5z', Date.UTC(2024, 0, 15, 10, 30, 0, 500)],
    ['2024-01-15T10:30:00.123456789Z', Date.UTC(2024, 0, 15, 10, 30, 0, 123)],
    ['2024-01-15T11:30:00+01:00', Date.UTC(2024, 0, 15, 10, 30)],
    ['2024-01-15T05:00:00-05:30', Date.UTC(2024, 0, 15, 10, 30)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['0001-01-01T00:00:00Z', -62_135_596_800_000], // year 1, not 1901 (Date.UTC maps 0–99 to 19xx)
  ])('reads %s', (text, expected) => {
    expect(parseIsoTimestampMs(text)).toBe(expected);
  });

  it.each([
    '2024-01-15T10:30:00', // no offset: would be local time
    '2024-01-15 10:30:00Z',
    '2024-02-30T10:30:00Z',
    '2023-02-29T10:30:00Z',
    '2024-13-01T10:30:00Z',
    '2024-01-15T24:00:00Z',
    '2024-01-15T10:60:00Z',
    '2024-01-15T10:30:60Z',
    '2024-01-15T10:30:00+24:00',
    '2024-01-15T10:30:00.Z',
    '2024-01-15T10:30:00.0000000000Z',
    '1705314600',
    '',
  ])('rejects %j', (text) => {
    expect(parseIsoTimestampMs(text)).toBeNull();
  });

  it('agrees with Date.prototype.toISOString for any instant in years 1970–9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        expect(parseIsoTimestampMs(new Date(ms).toISOString())).toBe(ms);
      }),
    );
  });
});
