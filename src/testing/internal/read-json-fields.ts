const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The top-level fields of a raw body when it is a UTF-8 JSON object, else `undefined`. Only read
 * to fill informational headers; the bytes themselves are signed and sent untouched.
 */
export function readJsonFields(payload: string | Uint8Array): Record<string, unknown> | undefined {
  try {
    const text = typeof payload === 'string' ? payload : decoder.decode(payload);
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
