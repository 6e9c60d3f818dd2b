/**
 * Freezes `value` and every object and array reachable from it, then returns it. Fixtures are
 * shared by every test in a process, so a test that mutates one must fail loudly instead of
 * changing what the next test sees.
 */
export function deepFreeze<V>(value: V): V {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
