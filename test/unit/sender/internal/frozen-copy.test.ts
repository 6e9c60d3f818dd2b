import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frozenCopy } from '../../../../src/sender/internal/frozen-copy.js';

/** Every object reachable from `value`, `value` included. */
function objectsIn(value: unknown, into = new Set<object>()): Set<object> {
  if (typeof value !== 'object' || value === null || into.has(value)) return into;
  into.add(value);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      objectsIn(k, into);
      objectsIn(v, into);
    }
  } else if (value instanceof Set) {
    for (const v of value) objectsIn(v, into);
  } else {
    for (const key of Reflect.ownKeys(value)) {
      objectsIn((value as Record<PropertyKey, unknown>)[key], into);
    }
  }
  return into;
}

/** Every object reachable through own properties is frozen (as far as deepFreeze reaches). */
function isDeepFrozen(value: unknown, seen = new Set<object>()): boolean {
  if (typeof value !== 'object' || value === null || seen.has(value)) return true;
  seen.add(value);
  return (
    Object.isFrozen(value) &&
    Reflect.ownKeys(value).every((key) =>
      isDeepFrozen((value as Record<PropertyKey, unknown>)[key], seen),
    )
  );
}

describe('frozenCopy', () => {
  it('frozenCopy(plain data) -> an equal, deep-frozen copy that shares no object with it', () => {
    const data = { a: 1, b: ['x', { c: null, d: [true, -0] }], e: { f: 'g' } };
    const copy = frozenCopy(data);
    expect(copy).toStrictEqual(structuredClone(data));
    expect(isDeepFrozen(copy)).toBe(true);
    const originals = objectsIn(data);
    for (const object of objectsIn(copy)) expect(originals.has(object)).toBe(false);
    expect(Object.isFrozen(data)).toBe(false);
  });

  it('frozenCopy(any JSON value) -> what deepFreeze(structuredClone(value)) gives', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = frozenCopy(value);
        expect(copy).toStrictEqual(structuredClone(value));
        expect(isDeepFrozen(copy)).toBe(true);
      }),
    );
  });

  it('frozenCopy(anything freezable: dates, maps, sparse arrays, null prototypes, boxed values) -> equal to structuredClone, deep-frozen', () => {
    const anything = fc.anything({
      withDate: true,
      withMap: true,
      withSet: true,
      withSparseArray: true,
      withNullPrototype: true,
      withBoxedValues: true,
      withBigInt: true,
      withObjectString: true,
    });
    fc.assert(
      fc.property(anything, (value) => {
        const copy = frozenCopy(value);
        expect(copy).toStrictEqual(structuredClone(value));
        expect(isDeepFrozen(copy)).toBe(true);
      }),
    );
  });

  it('frozenCopy(an own __proto__ key, a cycle, a named array property) -> the structuredClone copy', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as object;
    const copy = frozenCopy(parsed);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'x']);
    expect(copy).toStrictEqual(structuredClone(parsed));

    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const cyclicCopy = frozenCopy(cyclic);
    expect(cyclicCopy.self).toBe(cyclicCopy);
    expect(Object.isFrozen(cyclicCopy)).toBe(true);

    const named = Object.assign([1, 2], { extra: 'kept' });
    expect(frozenCopy(named)).toStrictEqual(structuredClone(named));
  });

  it('frozenCopy(data holding a function or a symbol) -> throws DataCloneError, as structuredClone does', () => {
    expect(() => frozenCopy({ f: () => 1 })).toThrow(
      expect.objectContaining({ name: 'DataCloneError' }),
    );
    expect(() => frozenCopy([Symbol('s')])).toThrow(
      expect.objectContaining({ name: 'DataCloneError' }),
    );
  });
});
