/**
 * A short, value-free description of `value` for error messages: its type, and for strings and
 * byte arrays their length. Never the content (CONTRIBUTING.md, "Errors").
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (value instanceof Uint8Array) return `a Uint8Array of ${value.byteLength} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  if (value instanceof ArrayBuffer) return `an ArrayBuffer of ${value.byteLength} bytes`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} view`;
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object'
      ? `an instance of ${name}`
      : 'an object';
  }
  return `a ${typeof value}`;
}

/**
 * What arrived for a numeric option, for its message: a number as it is (an option is the
 * developer's own argument, docs/design.md §5.20, and a number is never a secret), anything else
 * by {@link describeValue}. Never for a value read from a request body.
 */
export function describeNumberOption(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeValue(value);
}
