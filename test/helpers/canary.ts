// Canaries for the "messages never carry body values" properties (docs/security.md, "Receiver-side
// protections"): a random token planted in one field of a body must not surface in any error
// message, issue, onError report or problem body, whatever else is wrong with the body.

import fc from 'fast-check';
import { EUDR_EVENT_TYPES, EVENT_TYPES } from '../../src/core/catalog/event-types.js';
import { createSampleEudrEvent, createSampleEvent } from '../../src/core/catalog/sample-events.js';

/** A path into a JSON value: property names and array indexes. */
export type JsonPath = readonly (string | number)[];

/** A body with a canary in it, and the token that must not leak. */
export interface PlantedBody {
  /** The body as JSON text, ready to be signed. */
  readonly json: string;
  /** The planted token: a string, or a number's decimal digits. */
  readonly token: string;
  /** Where it was planted, for the failure report. */
  readonly where: string;
}

/**
 * A distinctive random token: 12 to 32 letters and digits with at least 8 distinct characters,
 * so that none of its 8-character windows occurs in fixed message text by chance.
 */
export const canaryArbitrary = fc
  .stringMatching(/^[A-Za-z0-9]{12,32}$/)
  .filter((s) => new Set(s).size >= 8);

/** A number whose decimal digits are the token (a `schemaVersion` or a count, say). */
const numericCanary = fc.integer({ min: 1_000_000_000, max: 2 ** 31 - 1 });

/** Every path in `value`: each property and array element, at any depth, containers included. */
export function fieldPaths(value: unknown, prefix: JsonPath = []): JsonPath[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [i, item])
    : Object.entries(value);
  return entries.flatMap(([key, item]) => [
    [...prefix, key],
    ...fieldPaths(item, [...prefix, key]),
  ]);
}

/**
 * A deep copy of `value` with `replace(old)` at `path` (the root when the path is empty); `value`
 * itself when the path runs through something that is not an object or an array.
 */
export function plantAt(
  value: unknown,
  path: JsonPath,
  replace: (old: unknown) => unknown,
): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replace(value);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    return value.map((item, i) => (i === head ? plantAt(item, rest, replace) : item));
  }
  const record = value as Record<string, unknown>;
  return { ...record, [head]: plantAt(record[head], rest, replace) };
}

/** True when `text` contains any 8-character window of `token` (so any longer substring too). */
export function leaks(text: string, token: string): boolean {
  for (let i = 0; i + 8 <= token.length; i++) {
    if (text.includes(token.slice(i, i + 8))) return true;
  }
  return false;
}

/**
 * Every text an error exposes: `String(error)`, its message and name, its own enumerable fields
 * as JSON (`code`, `issues`, any structured field) and the same for each `cause`.
 */
export function errorTexts(error: unknown): string[] {
  const texts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    texts.push(String(current));
    if (current instanceof Error) texts.push(current.name, current.message);
    if (typeof current === 'object') texts.push(JSON.stringify(current) ?? '');
    current = (current as { cause?: unknown }).cause;
  }
  return texts;
}

/** Failing every text in `texts` that contains a window of `planted.token`. */
export function assertNoLeak(planted: PlantedBody, texts: readonly string[], seen: string): void {
  const leaked = texts.find((text) => leaks(text, planted.token));
  if (leaked !== undefined) {
    throw new Error(
      `${seen} quotes the canary planted at ${planted.where}: ${leaked.slice(0, 300)}`,
    );
  }
}

/** Shapes the canary takes: the bare token, a type-like `<segment>.<token>`, or digits. */
function plantedValue(segment: string): fc.Arbitrary<{ value: unknown; token: string }> {
  return fc.oneof(
    canaryArbitrary.map((token) => ({ value: token, token })),
    canaryArbitrary.map((token) => ({ value: `${segment}.${token}`, token })),
    numericCanary.map((n) => ({ value: n, token: String(n) })),
  );
}

/**
 * A body built from `base`: something else may be broken first (a field set to a wrong type, so
 * that an error happens while the canary is in the body), then the canary goes into one field's
 * value, or becomes the name of an extra field of one object.
 */
function plantedBody(base: Record<string, unknown>, segment: string): fc.Arbitrary<PlantedBody> {
  const paths = fieldPaths(base);
  const objectPaths: JsonPath[] = [
    [],
    ...paths.filter((p) => {
      const found = p.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], base);
      return typeof found === 'object' && found !== null && !Array.isArray(found);
    }),
  ];
  const spoiler = fc.option(
    fc.record({
      path: fc.constantFrom(...paths),
      value: fc.constantFrom<unknown>(null, 5, true, [], {}, '', -1),
    }),
    { freq: 2 },
  );
  const inValue = fc
    .record({ spoiler, path: fc.constantFrom(...paths), planted: plantedValue(segment) })
    .map(({ spoiler: s, path, planted }) => {
      const spoiled = s === null ? base : plantAt(base, s.path, () => s.value);
      return {
        json: JSON.stringify(plantAt(spoiled, path, () => planted.value)),
        token: planted.token,
        where: path.join('.') || '(root)',
      };
    });
  const asKey = fc
    .record({ spoiler, path: fc.constantFrom(...objectPaths), token: canaryArbitrary })
    .map(({ spoiler: s, path, token }) => {
      const spoiled = s === null ? base : plantAt(base, s.path, () => s.value);
      const body = plantAt(spoiled, path, (old) =>
        typeof old === 'object' && old !== null && !Array.isArray(old)
          ? { ...old, [token]: token }
          : old,
      );
      return { json: JSON.stringify(body), token, where: `a key in ${path.join('.') || '(root)'}` };
    });
  return fc.oneof({ arbitrary: inValue, weight: 4 }, { arbitrary: asKey, weight: 1 });
}

/** A sample of one of `types`, with a canary planted somewhere (type-like: that type's segment). */
function plantedSample<T extends string>(
  types: readonly T[],
  sample: (type: T) => object,
): fc.Arbitrary<PlantedBody> {
  return fc
    .constantFrom(...types)
    .chain((type) =>
      plantedBody(sample(type) as Record<string, unknown>, type.slice(0, type.indexOf('.'))),
    );
}

/** A Novatrade24 sample event of any catalog type, with a canary planted somewhere. */
export const plantedNovatradeBody = plantedSample(EVENT_TYPES, (type) => createSampleEvent(type));

/** An EUDR sample event of any of the 14 types, with a canary planted somewhere. */
export const plantedEudrBody = plantedSample(EUDR_EVENT_TYPES, (type) =>
  createSampleEudrEvent(type),
);
