// The CLI's small text functions: splitting `Name: value` header text, the nearest known name,
// printable text from another program, and tables. Known answers plus properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitHeaderValue } from '../../../../src/cli/internal/header-value.js';
import { levenshtein, nearestName } from '../../../../src/cli/internal/nearest-name.js';
import { printableText } from '../../../../src/cli/internal/printable-text.js';
import { renderTable } from '../../../../src/cli/internal/render-table.js';
import { EUDR_EVENT_TYPES, EVENT_TYPES } from '../../../../src/core/catalog/event-types.js';

const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,30}$/);
/** A value of any of the three schemes: no colon in any of them. */
const headerValue = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 1e11 }), fc.stringMatching(/^[0-9a-f]{64}$/))
    .map(([t, hex]) => `t=${t},v1=${hex}`),
  fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256=${hex}`),
  fc.base64String({ minLength: 4, maxLength: 64 }).map((b64) => `v1,${b64}`),
);

describe('splitHeaderValue', () => {
  it('splits "Name: value" and leaves a bare value whole', () => {
    expect(splitHeaderValue('X-Novatrade-Signature: t=1,v1=ab')).toEqual({
      name: 'X-Novatrade-Signature',
      value: 't=1,v1=ab',
    });
    expect(splitHeaderValue('x-webhook-signature:sha256=ab')).toEqual({
      name: 'x-webhook-signature',
      value: 'sha256=ab',
    });
    expect(splitHeaderValue('t=1,v1=ab')).toEqual({ name: undefined, value: 't=1,v1=ab' });
    expect(splitHeaderValue('')).toEqual({ name: undefined, value: '' });
  });

  it('property: a signature value is bare, and "Name: value" splits back into both', () => {
    fc.assert(
      fc.property(
        headerName,
        headerValue,
        fc.constantFrom(': ', ':', ':\t'),
        (name, value, sep) => {
          expect(splitHeaderValue(value)).toEqual({ name: undefined, value });
          expect(splitHeaderValue(`${name}${sep}${value}`)).toEqual({ name, value });
        },
      ),
    );
  });
});

describe('nearestName', () => {
  it('suggests the catalog type a shortened or misspelt type means', () => {
    expect(nearestName('compliance.decision', EVENT_TYPES)).toBe('compliance.decision_made');
    expect(nearestName('kyc.vies', EVENT_TYPES)).toBe('kyc.vies_check_failed');
    expect(nearestName('SUPPLIER.CREATED', EUDR_EVENT_TYPES)).toBe('supplier.created');
    expect(nearestName('x', [])).toBeUndefined();
  });

  it('property: the answer is a known name, the typed name itself when known, and no other known name is closer', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (typed) => {
        const nearest = nearestName(typed, EVENT_TYPES) as string;
        expect(EVENT_TYPES).toContain(nearest);
        const best = levenshtein(typed.toLowerCase(), nearest.toLowerCase());
        for (const other of EVENT_TYPES) {
          expect(levenshtein(typed.toLowerCase(), other)).toBeGreaterThanOrEqual(
            other.toLowerCase() === typed.toLowerCase() ? 0 : best,
          );
        }
      }),
    );
    for (const type of EVENT_TYPES) expect(nearestName(type, EVENT_TYPES)).toBe(type);
  });

  it('property: levenshtein is a metric (zero only for equal strings, symmetric, triangle)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.string({ maxLength: 12 }),
        fc.string({ maxLength: 12 }),
        (a, b, c) => {
          expect(levenshtein(a, b) === 0).toBe(a === b);
          expect(levenshtein(a, b)).toBe(levenshtein(b, a));
          expect(levenshtein(a, c)).toBeLessThanOrEqual(levenshtein(a, b) + levenshtein(b, c));
          expect(levenshtein(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
        },
      ),
    );
  });
});

describe('printableText', () => {
  it('shows escapes and other control characters as ?, keeps tabs and line ends', () => {
    expect(printableText('ok\u001b[2J\r\nnext\tcol\u0007\u009b')).toBe('ok?[2J\nnext\tcol??');
  });

  it('property: the result holds no control character but tab and line feed, and printable text is unchanged', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.nat(0x2ff).map((code) => String.fromCharCode(code)), maxLength: 80 }),
        (text) => {
          const shown = printableText(text);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters that must be gone
          expect(shown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.constantFrom('\n', '\t'))).map((parts) => parts.join('')),
        (text) => {
          expect(printableText(text)).toBe(text);
        },
      ),
    );
  });
});

describe('renderTable', () => {
  it('pads each column to its widest cell, two spaces apart, the last unpadded', () => {
    expect(
      renderTable(
        [{ heading: 'ID' }, { heading: 'STATUS' }, { heading: 'URL' }],
        [
          ['wh_1', 'ACTIVE', 'https://a.example'],
          ['wh_22222', 'PAUSED', 'https://b.example/x'],
        ],
      ),
    ).toEqual([
      'ID        STATUS  URL',
      'wh_1      ACTIVE  https://a.example',
      'wh_22222  PAUSED  https://b.example/x',
    ]);
  });

  it('colours after padding, so columns line up with or without colour', () => {
    const plain = renderTable([{ heading: 'A' }, { heading: 'B' }], [['x', 'y']]);
    const coloured = renderTable(
      [{ heading: 'A', color: (padded) => `<${padded}>` }, { heading: 'B' }],
      [['x', 'y']],
      (heading) => `[${heading}]`,
    );
    expect(plain).toEqual(['A  B', 'x  y']);
    expect(coloured).toEqual(['[A]  [B]', '<x>  y']);
  });

  it('property: every cell of every non-last column starts at the same offset on each line', () => {
    const cell = fc.stringMatching(/^[a-z0-9_]{0,12}$/);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((columns) =>
          fc.tuple(
            fc.constant(columns),
            fc.array(fc.array(cell, { minLength: columns, maxLength: columns }), {
              maxLength: 6,
            }),
          ),
        ),
        ([columns, rows]) => {
          const headings = Array.from({ length: columns }, (_, i) => `H${i}`);
          const lines = renderTable(
            headings.map((heading) => ({ heading })),
            rows,
          );
          expect(lines).toHaveLength(rows.length + 1);
          let offset = 0;
          for (let i = 0; i < columns; i++) {
            const all = [headings, ...rows];
            for (const [index, line] of lines.entries()) {
              expect(line.slice(offset).startsWith(all[index]?.[i] as string)).toBe(true);
            }
            offset += Math.max(...all.map((r) => (r[i] as string).length)) + 2;
          }
        },
      ),
    );
  });
});
