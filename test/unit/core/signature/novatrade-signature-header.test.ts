import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebhookValidationError, WebhookVerificationError } from '../../../../src/core/errors.js';
import {
  MAX_SIGNATURE_HEADER_LENGTH,
  MAX_SIGNATURES_PER_HEADER,
  MAX_TIMESTAMP_SECONDS,
} from '../../../../src/core/signature/constants.js';
import {
  formatNovatradeSignatureHeader,
  parseNovatradeSignatureHeader,
} from '../../../../src/core/signature/novatrade-signature-header.js';

const HEX_A = 'a'.repeat(64);
const HEX_B = '0123456789abcdef'.repeat(4);

const hexArb = fc.stringMatching(/^[0-9a-f]{64}$/);
const mixedCaseHexArb = fc.stringMatching(/^[0-9a-fA-F]{64}$/);
const headerValueArb = fc.record({
  timestamp: fc.integer({ min: 1, max: MAX_TIMESTAMP_SECONDS }),
  signatures: fc.array(hexArb, { minLength: 1, maxLength: MAX_SIGNATURES_PER_HEADER }),
});

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.code;
    throw error;
  }
}

describe('parseNovatradeSignatureHeader', () => {
  it('parses t and one v1', () => {
    expect(parseNovatradeSignatureHeader(`t=1729684200,v1=${HEX_A}`)).toEqual({
      timestamp: 1729684200,
      signatures: [HEX_A],
    });
  });

  it('keeps every v1 in order, keeps their case and skips unknown schemes', () => {
    const upper = HEX_B.toUpperCase();
    expect(parseNovatradeSignatureHeader(`v2=zzz,v1=${HEX_A}, t=42 ,v0=1,v1=${upper}`)).toEqual({
      timestamp: 42,
      signatures: [HEX_A, upper],
    });
  });

  it('accepts the largest 12-digit timestamp and rejects 13 digits', () => {
    expect(parseNovatradeSignatureHeader(`t=${MAX_TIMESTAMP_SECONDS},v1=${HEX_A}`).timestamp).toBe(
      MAX_TIMESTAMP_SECONDS,
    );
    expect(codeOf(() => parseNovatradeSignatureHeader(`t=1000000000000,v1=${HEX_A}`))).toBe(
      'malformed_header',
    );
  });

  it('accepts a header of exactly 8 KiB and rejects one character more', () => {
    const base = `t=1,v1=${HEX_A},x=`;
    const exact = base + 'y'.repeat(MAX_SIGNATURE_HEADER_LENGTH - base.length);
    expect(exact).toHaveLength(MAX_SIGNATURE_HEADER_LENGTH);
    expect(parseNovatradeSignatureHeader(exact).signatures).toEqual([HEX_A]);
    expect(codeOf(() => parseNovatradeSignatureHeader(`${exact}y`))).toBe('malformed_header');
  });

  it.each([
    [undefined, 'missing_header'],
    [null, 'missing_header'],
    ['', 'missing_header'],
    ['  ', 'missing_header'],
    ['t=1', 'no_supported_signature'],
    [`v1=${HEX_A}`, 'malformed_header'],
    [`t=1,v1=${HEX_A},`, 'malformed_header'],
    [`t=1,v1=${HEX_A}0`, 'malformed_header'],
    [`t=01,v1=${HEX_A}`, 'malformed_header'],
    [`t=-1,v1=${HEX_A}`, 'malformed_header'],
    [`t=1,t=1,v1=${HEX_A}`, 'malformed_header'],
    [`t=1;v1=${HEX_A}`, 'malformed_header'],
    [`t = 1,v1=${HEX_A}`, 'malformed_header'],
  ])('rejects %j with %s', (header, code) => {
    expect(codeOf(() => parseNovatradeSignatureHeader(header))).toBe(code);
  });

  it('never throws anything but WebhookVerificationError, on any string', () => {
    const alphabet = fc.constantFrom(
      't',
      'v',
      '1',
      '2',
      '=',
      ',',
      ' ',
      '\t',
      '0',
      '9',
      'a',
      'F',
      'g',
      '-',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.string({ unit: alphabet, maxLength: 200 }),
          headerValueArb.map((value) => formatNovatradeSignatureHeader(value)),
          fc
            .tuple(headerValueArb, fc.nat(), fc.string({ unit: alphabet, maxLength: 3 }))
            .map(([value, at, insert]) => {
              const header = formatNovatradeSignatureHeader(value);
              const index = at % (header.length + 1);
              return header.slice(0, index) + insert + header.slice(index + 1);
            }),
        ),
        (header) => {
          try {
            const parsed = parseNovatradeSignatureHeader(header);
            expect(parsed.signatures.length).toBeGreaterThanOrEqual(1);
            expect(Number.isSafeInteger(parsed.timestamp) && parsed.timestamp > 0).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(WebhookVerificationError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('round-trips with formatNovatradeSignatureHeader: parse(format(x)) equals x', () => {
    fc.assert(
      fc.property(
        fc.record({
          timestamp: fc.integer({ min: 1, max: MAX_TIMESTAMP_SECONDS }),
          signatures: fc.array(mixedCaseHexArb, {
            minLength: 1,
            maxLength: MAX_SIGNATURES_PER_HEADER,
          }),
        }),
        (value) => {
          expect(parseNovatradeSignatureHeader(formatNovatradeSignatureHeader(value))).toEqual(
            value,
          );
        },
      ),
    );
  });

  it('round-trips canonical headers: format(parse(h)) equals h', () => {
    fc.assert(
      fc.property(headerValueArb, (value) => {
        const header = `t=${value.timestamp}${value.signatures.map((s) => `,v1=${s}`).join('')}`;
        expect(formatNovatradeSignatureHeader(parseNovatradeSignatureHeader(header))).toBe(header);
      }),
    );
  });
});

describe('formatNovatradeSignatureHeader', () => {
  it('writes t first, then one v1 per signature in order', () => {
    expect(formatNovatradeSignatureHeader({ timestamp: 7, signatures: [HEX_A, HEX_B] })).toBe(
      `t=7,v1=${HEX_A},v1=${HEX_B}`,
    );
  });

  it.each([
    ['timestamp 0', { timestamp: 0, signatures: [HEX_A] }, 'timestamp'],
    ['a fractional timestamp', { timestamp: 1.5, signatures: [HEX_A] }, 'timestamp'],
    ['a millisecond timestamp', { timestamp: 1729684200000, signatures: [HEX_A] }, 'timestamp'],
    ['no signatures', { timestamp: 1, signatures: [] }, 'signatures'],
    ['17 signatures', { timestamp: 1, signatures: Array(17).fill(HEX_A) }, 'signatures'],
    ['a short signature', { timestamp: 1, signatures: ['abc'] }, 'signatures'],
    ['a non-hex signature', { timestamp: 1, signatures: ['z'.repeat(64)] }, 'signatures'],
    [
      'a signature with a comma',
      { timestamp: 1, signatures: [`${HEX_A.slice(1)},`] },
      'signatures',
    ],
  ])('rejects %s with invalid_option naming %s', (_label, value, path) => {
    try {
      formatNovatradeSignatureHeader(value);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WebhookValidationError);
      expect((error as WebhookValidationError).code).toBe('invalid_option');
      expect((error as WebhookValidationError).issues[0]?.path).toBe(path);
    }
  });

  it('hints at milliseconds for a 13-digit timestamp', () => {
    expect(() =>
      formatNovatradeSignatureHeader({ timestamp: 1729684200000, signatures: [HEX_A] }),
    ).toThrow(/milliseconds/);
  });
});
