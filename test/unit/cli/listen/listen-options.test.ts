// The parsers of `listen --port` and `--path`, and the shell quoting of the --print-secret hint.
import { execFileSync } from 'node:child_process';
import { InvalidArgumentError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_PATH_LENGTH,
  parsePath,
  parsePort,
  shellQuote,
} from '../../../../src/cli/listen/listen-options.js';

describe('parsePort', () => {
  it('takes every port 0 to 65535 written in decimal, leading zeros included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65_535 }), fc.nat({ max: 2 }), (port, zeros) => {
        const text = `${'0'.repeat(zeros)}${port}`.slice(-Math.max(String(port).length, 5));
        expect(parsePort(text)).toBe(port);
      }),
    );
  });

  it('refuses anything else: out of range, signs, spaces, exponents, fractions, hex', () => {
    fc.assert(
      fc.property(fc.integer({ min: 65_536, max: 99_999 }), (port) => {
        expect(() => parsePort(String(port))).toThrow(InvalidArgumentError);
      }),
    );
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^\d{1,5}$/.test(s)),
        (text) => {
          expect(() => parsePort(text)).toThrow(InvalidArgumentError);
        },
      ),
    );
    for (const bad of ['', '-1', '+80', ' 80', '80 ', '8e3', '80.0', '0x50', '123456']) {
      expect(() => parsePort(bad), bad).toThrow(InvalidArgumentError);
    }
  });
});

describe('parsePath', () => {
  const pathCharacter = fc
    .integer({ min: 0x21, max: 0x7e })
    .map((code) => String.fromCharCode(code))
    .filter((c) => c !== '?' && c !== '#');

  it('takes a path of printable ASCII starting with / and returns it unchanged', () => {
    fc.assert(
      fc.property(fc.array(pathCharacter, { maxLength: MAX_PATH_LENGTH - 1 }), (characters) => {
        const path = `/${characters.join('')}`;
        expect(parsePath(path)).toBe(path);
      }),
    );
  });

  it('refuses a path without the leading /, with a query, a fragment, a space or a control character, or too long', () => {
    fc.assert(
      fc.property(
        fc.array(pathCharacter, { maxLength: 20 }),
        fc.constantFrom('?', '#', ' ', '\t', '\n', '\u0000', 'é'),
        (characters, bad) => {
          const path = `/${characters.join('')}`;
          expect(() => parsePath(`${path}${bad}x`)).toThrow(InvalidArgumentError);
          expect(() => parsePath(`x${path}`)).toThrow(InvalidArgumentError);
        },
      ),
    );
    expect(() => parsePath(`/${'a'.repeat(MAX_PATH_LENGTH)}`)).toThrow(InvalidArgumentError);
  });
});

describe('shellQuote', () => {
  it('gives a word sh reads back as the same string', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !s.includes('\u0000')),
        (value) => {
          const echoed = execFileSync('sh', ['-c', `printf '%s' ${shellQuote(value)}`], {
            encoding: 'utf8',
          });
          expect(echoed).toBe(value);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('leaves a plain path bare', () => {
    expect(shellQuote('/home/me/.config/novatrade-webhooks/listen-secret')).toBe(
      '/home/me/.config/novatrade-webhooks/listen-secret',
    );
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
  });
});
