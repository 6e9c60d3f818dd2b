import { type ValidationIssue, WebhookValidationError } from '../errors.js';

/**
 * The option names of `Options` missing from the list `Names`: `never` when the list is complete.
 * A type test asserts it is `never` for each constructor's list, so adding an option without
 * listing it fails `tsc` (the list is the one place a class reads its known names from).
 */
export type UnlistedOptionNames<Options, Names extends readonly PropertyKey[]> = Exclude<
  keyof Options,
  Names[number]
>;

/** Longest key quoted in a message; a longer or odder one is described by its length. */
const MAX_QUOTED_LENGTH = 64;

/** Keys the message may quote: a plain identifier, as option names in code are. */
const QUOTABLE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Past this length a key is not compared with the known names (no suggestion). */
const MAX_COMPARED_LENGTH = 128;

/**
 * Refuses unknown keys in a constructor's options object, so a misspelt option fails at start-up
 * instead of being silently ignored (`allowInsecureURLs` for `allowInsecureUrls`). Every unknown
 * own enumerable string key is named, each with the nearest known name when one is close: first a
 * case-insensitive match, then the closest by Damerau-Levenshtein distance (adjacent swaps count
 * as one edit) of at most 2 and at most a third of the longer name. A known key is accepted
 * whatever its value (`undefined` included: the option is then absent). A value that is not an
 * object is left to the caller's own check.
 *
 * Keys come from the developer's code, not from request bodies; still, a key is quoted only when
 * it is an identifier of at most 64 characters, and otherwise described by its length.
 *
 * @param options - the options object as passed.
 * @param known - every option name the caller accepts.
 * @param caller - the constructor's name, for the message (`WebhookReceiver`).
 * @throws WebhookValidationError `invalid_option`, one issue per unknown key (its path is the key
 *   when quotable).
 * @example
 * ```ts
 * assertKnownOptions({ maxEntrys: 10 }, ['maxEntries', 'now'], 'MemoryDedupeStore');
 * // throws: MemoryDedupeStore: unknown option `maxEntrys` (did you mean `maxEntries`?).
 * ```
 */
export function assertKnownOptions(
  options: unknown,
  known: readonly string[],
  caller: string,
): void {
  if (typeof options !== 'object' || options === null) return;
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  const described = unknown.map((key) => {
    const suggestion = nearestOptionName(key, known);
    const hint = suggestion === undefined ? '' : ` (did you mean \`${suggestion}\`?)`;
    return { key, text: `${labelOf(key)}${hint}` };
  });
  const issues: ValidationIssue[] = described.map(({ key, text }) => ({
    path: isQuotable(key) ? key : '',
    code: 'unrecognized_key',
    message: `unknown option ${text}`,
  }));
  throw new WebhookValidationError(
    'invalid_option',
    `${caller}: unknown option${described.length === 1 ? '' : 's'} ` +
      `${described.map(({ text }) => text).join(', ')}. ` +
      (known.length === 0 ? 'It takes no options.' : `Known options: ${known.join(', ')}.`),
    { issues },
  );
}

/**
 * The known name closest to `key`, or `undefined` when none is close: a case-insensitive match
 * first, then the smallest Damerau-Levenshtein distance within the limit (ties: the first listed).
 *
 * @param key - an option name that is not in `known`.
 * @param known - the accepted names.
 * @returns one of `known`, or `undefined`.
 * @example
 * ```ts
 * nearestOptionName('allowInsecureURLs', ['allowInsecureUrls']); // 'allowInsecureUrls'
 * nearestOptionName('colour', ['now']); // undefined
 * ```
 */
export function nearestOptionName(key: string, known: readonly string[]): string | undefined {
  if (key.length > MAX_COMPARED_LENGTH) return undefined;
  const lower = key.toLowerCase();
  const sameLetters = known.find((name) => name.toLowerCase() === lower);
  if (sameLetters !== undefined) return sameLetters;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of known) {
    const limit = Math.min(2, Math.floor(Math.max(name.length, key.length) / 3));
    if (Math.abs(name.length - key.length) > limit) continue;
    const distance = editDistance(lower, name.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

function isQuotable(key: string): boolean {
  return key.length <= MAX_QUOTED_LENGTH && QUOTABLE.test(key);
}

/** The key in backticks, or its length when it is not a short identifier. */
function labelOf(key: string): string {
  return isQuotable(key) ? `\`${key}\`` : `(a name of ${key.length} characters)`;
}

/**
 * Damerau-Levenshtein distance in its optimal-string-alignment form: insertions, deletions,
 * substitutions and swaps of two adjacent characters each cost 1 (UTF-16 code units).
 */
function editDistance(a: string, b: string): number {
  // Three rows: the one before the previous (for swaps), the previous and the current.
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (before[j - 2] as number) + 1);
      }
      current.push(value);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] as number;
}
