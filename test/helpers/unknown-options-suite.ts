// One suite for every constructor that refuses unknown options (CONTRIBUTING.md, "Tests": one suite
// factory over every variant): a misspelt name, a case slip and a stranger are refused, each
// named with the nearest known option when one is close; a known option set to undefined is
// accepted as absent.
import { describe, expect, it } from 'vitest';
import { thrown } from './thrown.js';

/** `[label, make(extraOptions), the caller's name in messages, one known option name]`. */
export type UnknownOptionsCase = readonly [
  label: string,
  make: (extra: Record<string, unknown>) => unknown,
  caller: string,
  known: string,
];

/** Runs the unknown-option cases over each constructor of `cases`. */
export function describeUnknownOptions(cases: readonly UnknownOptionsCase[]): void {
  describe.each(cases)('%s', (_label, make, caller, known) => {
    it('refuses a misspelt option with the known spelling', () => {
      const typo = `${known.slice(0, -2)}${known.at(-1)}${known.at(-2)}`; // last two swapped
      const error = thrown(() => make({ [typo]: 1 }));
      expect(error.code).toBe('invalid_option');
      expect(error.message).toContain(
        `${caller}: unknown option \`${typo}\` (did you mean \`${known}\`?)`,
      );
      expect(error.issues).toEqual([
        {
          path: typo,
          code: 'unrecognized_key',
          message: `unknown option \`${typo}\` (did you mean \`${known}\`?)`,
        },
      ]);
    });

    it('refuses a case slip with the exact name, and a stranger without a suggestion', () => {
      expect(thrown(() => make({ [known.toUpperCase()]: 1 })).message).toContain(
        `(did you mean \`${known}\`?)`,
      );
      const error = thrown(() => make({ colourScheme: true }));
      expect(error.message).toContain('unknown option `colourScheme`.');
    });

    it('accepts its known options set to undefined, as if absent', () => {
      expect(() => make({ [known]: undefined })).not.toThrow();
    });
  });
}
