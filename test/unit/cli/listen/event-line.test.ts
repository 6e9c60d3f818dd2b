// The one-line view of an event that `listen` prints: terminal-safe, bounded, in a fixed order.
import fc from 'fast-check';
import picocolors from 'picocolors';
import { describe, expect, it } from 'vitest';
import {
  compactData,
  DATA_VIEW_MAX_CHARS,
  escapeForTerminal,
  formatClock,
  formatDataValue,
  formatEventLine,
} from '../../../../src/cli/listen/event-line.js';
import { createSampleEvent } from '../../../../src/testing/index.js';

/** What a terminal would interpret: C0, DEL, C1, line separators and bidirectional controls. */
const TERMINAL_CONTROLS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** picocolors' SGR sequences (ESC [ n m), the one kind of control a line may hold. */
const COLOUR_CODE = new RegExp(`${String.fromCharCode(0x1b)}\\[\\d+m`, 'g');

const plain = picocolors.createColors(false);
const coloured = picocolors.createColors(true);

/**
 * Text of any UTF-16 code units, drawn often from the controls: C0, DEL, C1 (and U+00A0), and the
 * line separators and bidirectional marks. (fast-check's `unit: 'binary'` is as wide but takes
 * seconds per hundred strings.)
 */
const anyText = fc.string({
  unit: fc
    .oneof(
      fc.integer({ min: 0, max: 0xa0 }),
      fc.constantFrom(0x061c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202e, 0x2066, 0x2069),
      fc.integer({ min: 0, max: 0xffff }),
    )
    .map((code) => String.fromCharCode(code)),
});

/** Any JSON-like value, full Unicode strings included. */
const jsonValue = fc.jsonValue({ maxDepth: 3 });

describe('escapeForTerminal', () => {
  it('leaves no character a terminal interprets, and changes nothing else (each control becomes 6 characters)', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const escaped = escapeForTerminal(text);
        expect(escaped).not.toMatch(TERMINAL_CONTROLS);
        const controls = [...text].filter((c) => TERMINAL_CONTROLS.test(c)).length;
        expect(escaped.length).toBe(text.length + 5 * controls);
        if (controls === 0) expect(escaped).toBe(text);
      }),
    );
  });

  it('writes ESC and the C1 CSI as \\u escapes', () => {
    expect(escapeForTerminal('\u001b[2Jx\u009b31m')).toBe('\\u001b[2Jx\\u009b31m');
    expect(escapeForTerminal('a\u202eb\nc')).toBe('a\\u202eb\\u000ac');
  });
});

describe('compactData', () => {
  it('is never longer than the width, never holds a terminal control, and ends with … only when cut', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          anyText.map((key) => key.slice(0, 8)),
          jsonValue,
          { maxKeys: 8 },
        ),
        fc.integer({ min: 1, max: 120 }),
        (data, width) => {
          const view = compactData(data, width);
          const full = compactData(data, Number.MAX_SAFE_INTEGER);
          expect(view.length).toBeLessThanOrEqual(width);
          expect(view).not.toMatch(TERMINAL_CONTROLS);
          if (full.length <= width) expect(view).toBe(full);
          else {
            expect(view.endsWith('…')).toBe(true);
            expect(full.startsWith(view.slice(0, -1))).toBe(true);
          }
        },
      ),
    );
  });

  it('shows key=value pairs in order: bare words bare, other strings quoted, containers summarized', () => {
    expect(
      compactData({
        orderUuid: 'a1',
        decision: 'VAT_APPLICABLE',
        note: 'two words',
        count: 3,
        ok: true,
        none: null,
        list: [1, 2],
        nested: { a: 1 },
      }),
    ).toBe(
      'orderUuid=a1 decision=VAT_APPLICABLE note="two words" count=3 ok=true none=null list=[2] nested={…}',
    );
    expect(compactData({})).toBe('');
    expect(compactData('text')).toBe('text');
  });

  it('cuts at the default width of 100 characters', () => {
    const view = compactData({ a: 'x'.repeat(300) });
    expect(view).toHaveLength(DATA_VIEW_MAX_CHARS);
    expect(view.endsWith('…')).toBe(true);
  });

  it('formatDataValue quotes any string that is not one bare word, so a value cannot pose as a pair', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const shown = formatDataValue(text);
        if (/[\s"=,\\]/.test(text) || text === '') expect(shown.startsWith('"')).toBe(true);
      }),
    );
  });
});

describe('formatEventLine', () => {
  const receivedAt = new Date(2026, 3, 22, 9, 5, 7);
  const event = createSampleEvent('compliance.decision_made');

  it('shows the time, the type, the id, the partner and the data, two spaces apart', () => {
    const line = formatEventLine(
      {
        type: event.type,
        id: event.id,
        labels: [['partner', event.partnerUuid ?? '-']],
        data: event.data,
      },
      { receivedAt, colors: plain },
    );
    expect(line).toBe(
      `09:05:07  compliance.decision_made  ${event.id}  partner=${event.partnerUuid}  ${compactData(event.data)}`,
    );
  });

  it('escapes controls in every field from the body, coloured or not', () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, fc.boolean(), (type, id, partner, colour) => {
        const line = formatEventLine(
          { type, id, labels: [['partner', partner]], data: { [type]: id } },
          { receivedAt, colors: colour ? coloured : plain },
        );
        // The colours' own ESC sequences are the only ones.
        const withoutColours = line.replaceAll(COLOUR_CODE, '');
        expect(withoutColours).not.toMatch(TERMINAL_CONTROLS);
      }),
    );
  });

  it('formatClock pads hours, minutes and seconds to two digits', () => {
    expect(formatClock(new Date(2026, 0, 1, 0, 0, 0))).toBe('00:00:00');
    expect(formatClock(new Date(2026, 0, 1, 23, 59, 9))).toBe('23:59:09');
  });
});
