// Values the client puts into request headers: visible ASCII only, so `Headers` never throws over
// them (a TypeError that could quote the value) and no value can split a header.

/** Visible ASCII without spaces: a bearer token, an Idempotency-Key, a request id. */
const VISIBLE_ASCII = /^[\x21-\x7E]+$/;

/** The longest bearer token accepted (Keycloak access tokens with many roles run to kilobytes). */
export const MAX_TOKEN_LENGTH = 16_384;

/** True when `value` is 1 to `maxLength` visible ASCII characters (no space, no control). */
export function isHeaderToken(value: unknown, maxLength: number): boolean {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= maxLength &&
    VISIBLE_ASCII.test(value)
  );
}

/** True when `value` is a non-empty string without control characters (a client id, a scope). */
export function isPrintableText(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    !/[\u0000-\u001F\u007F]/.test(value)
  );
}
