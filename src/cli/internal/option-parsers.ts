// The parsers of option values that commander calls while reading the command line (`.option(
// flags, description, parser)`). Each takes the text as typed and returns the value, or throws
// commander's `InvalidArgumentError`, which commander prints after the option's name and turns
// into exit status 2. They quote only what the developer typed, and are never used for a value
// that may be secret (`--secret`, `--token`, `--data`): those are checked in the command itself.
import { InvalidArgumentError } from 'commander';
import { describeIntegerRange } from '../../core/internal/integer-option.js';
import { MAX_TIMER_MS } from '../../core/internal/timer-delay.js';
import { MAX_TIMESTAMP_SECONDS } from '../../core/signature/constants.js';

/**
 * A Unix timestamp in seconds: 1 to 12 digits, not zero. A value of 13 or more digits is refused
 * with a hint that it looks like milliseconds.
 *
 * @example
 * ```ts
 * parseUnixSeconds('1729684200'); // 1729684200
 * ```
 */
export function parseUnixSeconds(value: string): number {
  if (/^\d{13,}$/.test(value)) {
    throw new InvalidArgumentError(
      'Expected Unix seconds; this looks like milliseconds (divide by 1000).',
    );
  }
  const seconds = /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_TIMESTAMP_SECONDS)) {
    throw new InvalidArgumentError(
      'Expected Unix seconds: a positive integer of at most 12 digits.',
    );
  }
  return seconds;
}

/** The longest tolerance `verify --tolerance` takes, seconds (a year): anything longer is a typo. */
export const MAX_TOLERANCE_SECONDS = 31_536_000;

/**
 * A positive number of seconds, decimals allowed (`300`, `0.5`), at most a year.
 *
 * @example
 * ```ts
 * parsePositiveSeconds('90'); // 90
 * ```
 */
export function parsePositiveSeconds(value: string): number {
  const seconds = /^\d{1,9}(\.\d{1,9})?$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds > 0 && seconds <= MAX_TOLERANCE_SECONDS)) {
    throw new InvalidArgumentError(
      `Expected a positive number of seconds, at most ${MAX_TOLERANCE_SECONDS}.`,
    );
  }
  return seconds;
}

/**
 * A parser of whole numbers in `[min, max]`, written in decimal digits only (no sign, exponent,
 * spaces or fraction).
 *
 * @example
 * ```ts
 * const parseSize = integerParser({ min: 1, max: 100 });
 * parseSize('50'); // 50
 * ```
 */
export function integerParser(range: {
  readonly min: number;
  readonly max: number;
}): (value: string) => number {
  return (value) => {
    const parsed = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
    if (!(Number.isSafeInteger(parsed) && parsed >= range.min && parsed <= range.max)) {
      throw new InvalidArgumentError(`Expected ${describeIntegerRange(range)}.`);
    }
    return parsed;
  };
}

/** Milliseconds for a timer: 1 to 2^31 − 1. */
export const parseTimeoutMs: (value: string) => number = integerParser({
  min: 1,
  max: MAX_TIMER_MS,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A UUID in its 8-4-4-4-12 hexadecimal form, returned in lowercase.
 *
 * @example
 * ```ts
 * parseUuid('3F1C9A2E-0B4D-4E8A-9C71-5D2F8B6A1E03'); // '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03'
 * ```
 */
export function parseUuid(value: string): string {
  if (!UUID.test(value)) {
    throw new InvalidArgumentError('Expected a UUID such as 3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03.');
  }
  return value.toLowerCase();
}

/**
 * An absolute `http:` or `https:` URL without credentials, returned as typed.
 *
 * @example
 * ```ts
 * parseHttpUrl('http://127.0.0.1:3000/hooks'); // 'http://127.0.0.1:3000/hooks'
 * ```
 */
export function parseHttpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('Expected an absolute URL such as http://127.0.0.1:3000/hooks.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`Expected an http: or https: URL; got ${url.protocol}.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new InvalidArgumentError('Expected a URL without user:password@.');
  }
  return value;
}

const RFC_3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 instant with an offset and at most nine fractional digits, the form the management
 * API takes for `since` and `until` (docs/design.md §5.35), returned as typed.
 *
 * @example
 * ```ts
 * parseRfc3339('2026-05-01T00:00:00Z'); // '2026-05-01T00:00:00Z'
 * ```
 */
export function parseRfc3339(value: string): string {
  const match = RFC_3339.exec(value);
  const valid =
    match !== null &&
    Number.isFinite(Date.parse(value)) &&
    Number(match[2]) >= 1 &&
    Number(match[2]) <= 12 &&
    Number(match[3]) >= 1 &&
    Number(match[3]) <= 31 &&
    Number(match[4]) <= 23 &&
    Number(match[5]) <= 59 &&
    Number(match[6]) <= 59;
  if (!valid) {
    throw new InvalidArgumentError(
      'Expected an RFC 3339 time with an offset, such as 2026-05-01T00:00:00Z.',
    );
  }
  return value;
}

/**
 * A parser of a repeatable option whose values are comma-separated lists (`--events a,b
 * --events c`): each entry is trimmed and parsed by `item`; entries already given are dropped, so
 * the order of first appearance is kept. An empty entry (`a,,b`) is refused.
 *
 * @example
 * ```ts
 * const parseEvents = listParser((entry) => entry);
 * parseEvents('kyc.*, compliance.*', []); // ['kyc.*', 'compliance.*']
 * ```
 */
export function listParser<T>(
  item: (entry: string) => T,
): (value: string, previous: readonly T[] | undefined) => T[] {
  return (value, previous) => {
    const result = [...(previous ?? [])];
    for (const raw of value.split(',')) {
      const entry = raw.trim();
      if (entry === '') {
        throw new InvalidArgumentError('Expected a comma-separated list without empty entries.');
      }
      const parsed = item(entry);
      if (!result.includes(parsed)) result.push(parsed);
    }
    return result;
  };
}

/**
 * A subscription pattern as typed: an event type or a `<segment>.*` wildcard, without spaces. The
 * API checks it against its catalog.
 *
 * @example
 * ```ts
 * parseEventPattern('kyc.*'); // 'kyc.*'
 * ```
 */
export function parseEventPattern(entry: string): string {
  if (!/^[\x21-\x7e]{1,200}$/.test(entry)) {
    throw new InvalidArgumentError(
      'Expected event types or wildcards such as compliance.decision_made or kyc.*.',
    );
  }
  return entry;
}

/**
 * Collects the values of a repeatable option given as is (`--secret a --secret b`).
 *
 * @example
 * ```ts
 * collect('b', ['a']); // ['a', 'b']
 * ```
 */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
