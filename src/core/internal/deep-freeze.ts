/**
 * Freezes `value` and every object and array reachable from it, then returns it. For values that
 * are shared instead of copied: test fixtures, and the events a storage hands to every delivery.
 */
export function deepFreeze<V>(value: V): V {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
