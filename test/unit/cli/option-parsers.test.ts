// The parsers of option values (src/cli/internal/option-parsers.ts): known answers, and properties
// over arbitrary text: each accepts exactly its form and returns the value it denotes, and refuses
// everything else with commander's InvalidArgumentError (exit status 2).
import { InvalidArgumentError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  collect,
  integerParser,
  listParser,
  MAX_TOLERANCE_SECONDS,
  parseEventPattern,
  parseHttpUrl,
  parsePositiveSeconds,
  parseRfc3339,
  parseTimeoutMs,
  parseUnixSeconds,
  parseUuid,
} from '../../../src/cli/internal/option-parsers.js';

/** What `parse(value)` does: its value, or the InvalidArgumentError's message. */
function attempt<T>(parse: (value: string) => T, value: string): { ok: T } | { refused: string } {
  try {
    return { ok: parse(value) };
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return { refused: (error as Error).message };
  }
}

describe('parseUnixSeconds', () => {
  it('reads 1 to 12 digits as Unix seconds', () => {
    expect(parseUnixSeconds('1729684200')).toBe(1729684200);
    expect(parseUnixSeconds('1')).toBe(1);
    expect(parseUnixSeconds('999999999999')).toBe(999_999_999_999);
  });

  it('refuses 0, signs, decimals, spaces and milliseconds (with a hint)', () => {
    for (const value of ['0', '-1', '+1', '1.5', ' 1', '1e9', '', 'now']) {
      expect(attempt(parseUnixSeconds, value)).toEqual({
        refused: 'Expected Unix seconds: a positive integer of at most 12 digits.',
      });
    }
    expect(attempt(parseUnixSeconds, '1729684200000')).toEqual({
      refused: 'Expected Unix seconds; this looks like milliseconds (divide by 1000).',
    });
  });

  it('property: every positive integer of at most 12 digits reads back as itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999_999 }), (seconds) => {
        expect(parseUnixSeconds(String(seconds))).toBe(seconds);
      }),
    );
  });

  it('property: any text that is not 1 to 12 digits (or is all zeros) is refused', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!/^\d{1,12}$/.test(text) || /^0+$/.test(text));
        expect(attempt(parseUnixSeconds, text)).toHaveProperty('refused');
      }),
    );
  });
});

describe('parsePositiveSeconds', () => {
  it('reads whole and decimal seconds', () => {
    expect(parsePositiveSeconds('300')).toBe(300);
    expect(parsePositiveSeconds('0.5')).toBe(0.5);
  });

  it('refuses 0, negatives, exponents, infinity and more than a year', () => {
    for (const value of [
      '0',
      '0.0',
      '-5',
      '1e3',
      'Infinity',
      '',
      '.5',
      '5.',
      String(MAX_TOLERANCE_SECONDS + 1),
    ]) {
      expect(attempt(parsePositiveSeconds, value)).toHaveProperty('refused');
    }
  });

  it('property: a positive decimal within a year reads back as Number(text)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_TOLERANCE_SECONDS }),
        fc.option(fc.stringMatching(/^\d{1,9}$/), { nil: undefined }),
        (whole, fraction) => {
          const text = fraction === undefined ? String(whole) : `${whole}.${fraction}`;
          const value = Number(text);
          const result = attempt(parsePositiveSeconds, text);
          if (value > 0 && value <= MAX_TOLERANCE_SECONDS) expect(result).toEqual({ ok: value });
          else expect(result).toHaveProperty('refused');
        },
      ),
    );
  });
});

describe('integerParser', () => {
  it('reads digits within the range and names the range when refusing', () => {
    const parseSize = integerParser({ min: 1, max: 100 });
    expect(parseSize('100')).toBe(100);
    expect(attempt(parseSize, '0')).toEqual({ refused: 'Expected an integer from 1 to 100.' });
    expect(attempt(parseSize, '101')).toHaveProperty('refused');
    expect(attempt(parseSize, '1.0')).toHaveProperty('refused');
    expect(attempt(parseSize, '-1')).toHaveProperty('refused');
    expect(parseTimeoutMs('2147483647')).toBe(2_147_483_647);
    expect(attempt(parseTimeoutMs, '2147483648')).toHaveProperty('refused');
  });

  it('property: accepts exactly the decimal integers within [min, max]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.oneof(fc.integer({ min: -10, max: 2000 }).map(String), fc.string()),
        (a, b, text) => {
          const range = { min: Math.min(a, b), max: Math.max(a, b) };
          const result = attempt(integerParser(range), text);
          const n = Number(text);
          if (/^\d+$/.test(text) && n >= range.min && n <= range.max) {
            expect(result).toEqual({ ok: n });
          } else {
            expect(result).toHaveProperty('refused');
          }
        },
      ),
    );
  });
});

describe('parseUuid', () => {
  it('returns a UUID in lowercase and refuses other text', () => {
    expect(parseUuid('3F1C9A2E-0B4D-4E8A-9C71-5D2F8B6A1E03')).toBe(
      '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03',
    );
    for (const value of [
      '',
      '3f1c9a2e0b4d4e8a9c715d2f8b6a1e03',
      '{3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03}',
      'g'.repeat(36),
    ]) {
      expect(attempt(parseUuid, value)).toHaveProperty('refused');
    }
  });

  it('property: every UUID, in any case, reads as its lowercase form', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.boolean(), (uuid, upper) => {
        expect(parseUuid(upper ? uuid.toUpperCase() : uuid)).toBe(uuid.toLowerCase());
      }),
    );
  });

  it('property: text with a character outside the UUID form is refused', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.nat(35),
        fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !/[0-9a-fA-F-]/.test(c)),
        (uuid, at, c) => {
          const broken = uuid.slice(0, at) + c + uuid.slice(at + 1);
          expect(attempt(parseUuid, broken)).toHaveProperty('refused');
        },
      ),
    );
  });
});

describe('parseHttpUrl', () => {
  it('keeps http(s) URLs as typed and refuses other schemes, relative URLs and credentials', () => {
    expect(parseHttpUrl('http://127.0.0.1:3000/hooks?x=1')).toBe('http://127.0.0.1:3000/hooks?x=1');
    expect(parseHttpUrl('https://partner.example')).toBe('https://partner.example');
    expect(attempt(parseHttpUrl, 'ftp://example.com')).toEqual({
      refused: 'Expected an http: or https: URL; got ftp:.',
    });
    expect(attempt(parseHttpUrl, '/hooks')).toHaveProperty('refused');
    expect(attempt(parseHttpUrl, 'https://user:pass@example.com')).toEqual({
      refused: 'Expected a URL without user:password@.',
    });
  });

  it('property: every http(s) URL without credentials is accepted unchanged', () => {
    const url = fc
      .record({
        scheme: fc.constantFrom('http', 'https'),
        host: fc.oneof(fc.ipV4(), fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(\.[a-z]{2,6}){1,2}$/)),
        port: fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined }),
        path: fc.array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/), { maxLength: 3 }),
        query: fc.option(fc.stringMatching(/^[a-z]{1,5}=[A-Za-z0-9]{0,8}$/), { nil: undefined }),
      })
      .map(
        ({ scheme, host, port, path, query }) =>
          `${scheme}://${host}${port === undefined ? '' : `:${port}`}/${path.join('/')}` +
          (query === undefined ? '' : `?${query}`),
      );
    fc.assert(
      fc.property(url, (text) => {
        expect(parseHttpUrl(text)).toBe(text);
      }),
    );
  });

  it('property: any other scheme is refused, naming it', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9+.-]{0,8}$/), (scheme) => {
        fc.pre(scheme !== 'http' && scheme !== 'https');
        expect(attempt(parseHttpUrl, `${scheme}://example.com/x`)).toEqual({
          refused: `Expected an http: or https: URL; got ${scheme}:.`,
        });
      }),
    );
  });
});

describe('parseRfc3339', () => {
  it('accepts RFC 3339 times with an offset and refuses dates, local times and bad fields', () => {
    for (const value of [
      '2026-05-01T00:00:00Z',
      '2026-05-01t10:30:00.123456789+02:00',
      '2026-05-01T00:00:00-05:30',
    ]) {
      expect(parseRfc3339(value)).toBe(value);
    }
    for (const value of [
      '2026-05-01',
      '2026-05-01T00:00:00',
      '2026-13-01T00:00:00Z',
      '2026-05-01T24:00:00Z',
      '2026-05-01T00:00:00.1234567890Z',
      'yesterday',
    ]) {
      expect(attempt(parseRfc3339, value)).toHaveProperty('refused');
    }
  });

  it('property: toISOString of any date in years 1000-9999 is accepted unchanged', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1000-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const text = date.toISOString();
          expect(parseRfc3339(text)).toBe(text);
        },
      ),
    );
  });
});

describe('listParser and parseEventPattern', () => {
  const parseEvents = listParser(parseEventPattern);

  it('splits on commas, trims, keeps the first of duplicates and accumulates repeats', () => {
    expect(parseEvents(' kyc.* ,compliance.decision_made', undefined)).toEqual([
      'kyc.*',
      'compliance.decision_made',
    ]);
    expect(parseEvents('kyc.*,export_file.generated', ['kyc.*'])).toEqual([
      'kyc.*',
      'export_file.generated',
    ]);
    expect(attempt((v) => parseEvents(v, undefined), 'kyc.*,,x')).toEqual({
      refused: 'Expected a comma-separated list without empty entries.',
    });
    expect(attempt((v) => parseEvents(v, undefined), 'kyc. *')).toHaveProperty('refused');
  });

  it('property: joining distinct entries with commas (and spaces) parses back to them', () => {
    const entry = fc.stringMatching(/^[a-z_]{1,12}(\.[a-z_*]{1,12})?$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(entry, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (entries, spaced) => {
          expect(parseEvents(entries.join(spaced ? ', ' : ','), undefined)).toEqual(entries);
        },
      ),
    );
  });

  it('property: splitting a list over several options gives the same as one option', () => {
    const parseUuids = listParser(parseUuid);
    fc.assert(
      fc.property(fc.array(fc.uuid(), { minLength: 1, maxLength: 6 }), fc.nat(6), (uuids, cut) => {
        const at = Math.min(cut, uuids.length);
        const once = parseUuids(uuids.join(','), undefined);
        const first = at === 0 ? undefined : parseUuids(uuids.slice(0, at).join(','), undefined);
        const twice = at === uuids.length ? first : parseUuids(uuids.slice(at).join(','), first);
        expect(twice).toEqual(once);
        expect(new Set(once).size).toBe(once.length);
      }),
    );
  });

  it('collect appends each value as given', () => {
    expect(collect('a,b', undefined)).toEqual(['a,b']);
    expect(collect('c', ['a'])).toEqual(['a', 'c']);
  });
});
