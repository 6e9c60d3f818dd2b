// A deep, frozen copy of plain data, for the values a storage shares instead of copying per read
// (the stored events: see memory/stored-records.ts). Built in one pass from fresh objects and
// arrays: `structuredClone` followed by a deep freeze costs about ten times as much for an event's
// data, and freezing an object made by spread syntax is slow in V8 (it moves the object to a map of
// its own), which the literals built here avoid.

import { deepFreeze } from '../../core/internal/deep-freeze.js';

/** Deeper than any event data; past it the value is copied by `structuredClone` (cycles too). */
const MAX_DEPTH = 64;

/** Thrown inside {@link frozenCopy} when its fast path does not apply. */
const NOT_PLAIN: unique symbol = Symbol('not plain data');

/**
 * A deep copy of `value`, deep-frozen: what `deepFreeze(structuredClone(value))` returns for plain
 * data (primitives, plain objects and dense arrays, possibly nested), without the serialiser.
 * Anything else anywhere inside (a Date, a Map, a typed array, a class instance, a sparse array,
 * an own `__proto__` key, a function, a cycle, nesting deeper than 64) makes the whole value go through
 * `structuredClone` and `deepFreeze`, so the result (or the error) is the same as theirs.
 *
 * @param value - the value to copy; it is not changed.
 * @returns a frozen copy sharing nothing mutable with `value`.
 * @throws DOMException `DataCloneError` as `structuredClone` does (a function, a symbol).
 */
export function frozenCopy<V>(value: V): V {
  try {
    return copyPlain(value, 0) as V;
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    return deepFreeze(structuredClone(value));
  }
}

function copyPlain(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || typeof value === 'symbol') throw NOT_PLAIN;
    return value;
  }
  if (depth >= MAX_DEPTH) throw NOT_PLAIN;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw NOT_PLAIN;
    const length = value.length;
    // A hole or a named property on the array: structuredClone keeps them, this copy would not.
    if (Object.keys(value).length !== length) throw NOT_PLAIN;
    const out = new Array<unknown>(length);
    for (let i = 0; i < length; i++) out[i] = copyPlain(value[i], depth + 1);
    return Object.freeze(out);
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // An own `__proto__` key (JSON.parse makes one) would set the copy's prototype here.
    if (key === '__proto__') throw NOT_PLAIN;
    out[key] = copyPlain((value as Record<string, unknown>)[key], depth + 1);
  }
  return Object.freeze(out);
}
