import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertKnownOptions,
  nearestOptionName,
} from '../../../../src/core/internal/assert-known-options.js';
import { thrown } from '../../../helpers/thrown.js';

/** An option name as code spells one: a letter, then letters and digits. */
const nameArb = fc.stringMatching(/^[a-z][A-Za-z0-9]{0,19}$/);

/** Option lists whose names differ even ignoring case (as real option lists do). */
const knownArb = fc.uniqueArray(nameArb, {
  minLength: 1,
  maxLength: 12,
  selector: (name) => name.toLowerCase(),
});

/** Any own key an options object can have, identifiers or not. */
const keyArb = fc.oneof(nameArb, fc.string({ maxLength: 80 }), fc.string({ unit: 'binary' }));

describe('assertKnownOptions', () => {
  it('refuses a case slip with the known spelling (allowInsecureURLs -> allowInsecureUrls)', () => {
    const error = thrown(() =>
      assertKnownOptions({ allowInsecureURLs: true }, ['allowInsecureUrls', 'timeoutMs'], 'X'),
    );
    expect(error.code).toBe('invalid_option');
    expect(error.message).toBe(
      'X: unknown option `allowInsecureURLs` (did you mean `allowInsecureUrls`?). ' +
        'Known options: allowInsecureUrls, timeoutMs.',
    );
    expect(error.issues).toEqual([
      {
        path: 'allowInsecureURLs',
        code: 'unrecognized_key',
        message: 'unknown option `allowInsecureURLs` (did you mean `allowInsecureUrls`?)',
      },
    ]);
  });

  it.each([
    ['maxEntrys', 'maxEntries'], // a letter changed, one missing: 2 edits
    ['maxEntires', 'maxEntries'], // two letters swapped: 1 edit
    ['tokn', 'token'],
    ['storeTimeout', 'storeTimeoutMs'],
    ['NOW', 'now'],
    ['nowMs', undefined], // 2 edits from a 3-letter name: too far
    ['colour', undefined],
  ])('nearestOptionName(%j) is %j', (key, expected) => {
    expect(nearestOptionName(key, ['maxEntries', 'now', 'token', 'storeTimeoutMs'])).toBe(expected);
  });

  it('names every unknown key, in order, and accepts known keys whatever their value', () => {
    const error = thrown(() =>
      assertKnownOptions(
        { now: undefined, maxEntries: 'not checked here', tokn: 1, zzz: 2 },
        ['maxEntries', 'now', 'token'],
        'MemoryDedupeStore',
      ),
    );
    expect(error.message).toBe(
      'MemoryDedupeStore: unknown options `tokn` (did you mean `token`?), `zzz`. ' +
        'Known options: maxEntries, now, token.',
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['tokn', 'zzz']);
    expect(() => assertKnownOptions({ now: undefined }, ['now'], 'X')).not.toThrow();
  });

  it('with no known options, says the constructor takes none', () => {
    expect(thrown(() => assertKnownOptions({ size: 1 }, [], 'MemoryStorage')).message).toBe(
      'MemoryStorage: unknown option `size`. It takes no options.',
    );
    expect(() => assertKnownOptions({}, [], 'MemoryStorage')).not.toThrow();
  });

  it('quotes only short identifiers; any other key is described by its length', () => {
    const long = `a${'b'.repeat(64)}`;
    for (const key of ['max-entries', 'a b', '`x`', 'x\ny', long, '']) {
      const error = thrown(() => assertKnownOptions({ [key]: 1 }, ['maxEntries'], 'X'));
      expect(error.message).not.toContain(key === '' ? '``' : key);
      expect(error.message).toContain(`(a name of ${key.length} characters)`);
      expect(error.issues[0]?.path).toBe('');
    }
    // Still suggested when close, since the suggestion is the library's own name.
    expect(
      thrown(() => assertKnownOptions({ 'max-entries': 1 }, ['maxEntries'], 'X')).message,
    ).toContain('(did you mean `maxEntries`?)');
  });

  it('leaves values that are not objects, and inherited or symbol keys, alone', () => {
    for (const value of [undefined, null, 5, 'x', () => {}]) {
      expect(() => assertKnownOptions(value, ['a'], 'X')).not.toThrow();
    }
    const inherited = Object.create({ stray: 1 }) as object;
    expect(() => assertKnownOptions(inherited, ['a'], 'X')).not.toThrow();
    expect(() => assertKnownOptions({ [Symbol('s')]: 1 }, ['a'], 'X')).not.toThrow();
    const parsed = JSON.parse('{"__proto__": 1}') as object;
    expect(thrown(() => assertKnownOptions(parsed, ['a'], 'X')).issues[0]?.path).toBe('__proto__');
  });

  describe('properties', () => {
    it('a known key is never reported; any unknown key is', () => {
      fc.assert(
        fc.property(knownArb, fc.array(keyArb, { maxLength: 5 }), (known, extra) => {
          const options: Record<string, unknown> = {};
          for (const name of known) options[name] = 1;
          for (const key of extra)
            Object.defineProperty(options, key, { value: 1, enumerable: true });
          const unknown = [...new Set(extra)].filter((key) => !known.includes(key));
          if (unknown.length === 0) {
            expect(() => assertKnownOptions(options, known, 'X')).not.toThrow();
            return;
          }
          const error = thrown(() => assertKnownOptions(options, known, 'X'));
          expect(error.issues).toHaveLength(Object.keys(options).length - known.length);
          for (const issue of error.issues) expect(known).not.toContain(issue.path);
        }),
      );
    });

    it('the suggestion is always a known name, and never far from the key', () => {
      fc.assert(
        fc.property(knownArb, keyArb, (known, key) => {
          const suggestion = nearestOptionName(key, known);
          if (suggestion === undefined) return;
          expect(known).toContain(suggestion);
          expect(
            suggestion.toLowerCase() === key.toLowerCase() ||
              Math.abs(suggestion.length - key.length) <= 2,
          ).toBe(true);
        }),
      );
    });

    it('a known name with its case changed suggests itself', () => {
      fc.assert(
        fc.property(
          knownArb.chain((known) => fc.tuple(fc.constant(known), fc.constantFrom(...known))),
          fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
          ([known, name], flips) => {
            const changed = [...name]
              .map((c, i) => (flips[i] === true ? c.toUpperCase() : c.toLowerCase()))
              .join('');
            expect(nearestOptionName(changed, known)).toBe(name);
          },
        ),
      );
    });

    it('one edit away from a name of 6 or more characters suggests a name at most that far', () => {
      fc.assert(
        fc.property(
          knownArb.filter((known) => known.some((name) => name.length >= 6)),
          fc.nat(),
          fc.constantFrom('drop', 'double', 'swap'),
          (known, at, edit) => {
            const name = known.find((n) => n.length >= 6) as string;
            const i = at % (name.length - 1);
            const typo =
              edit === 'drop'
                ? name.slice(0, i) + name.slice(i + 1)
                : edit === 'double'
                  ? name.slice(0, i) + (name[i] as string) + name.slice(i)
                  : name.slice(0, i) +
                    (name[i + 1] as string) +
                    (name[i] as string) +
                    name.slice(i + 2);
            if (known.includes(typo)) return;
            expect(nearestOptionName(typo, known)).toBeDefined();
          },
        ),
      );
    });
  });
});
