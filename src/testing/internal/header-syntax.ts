// HTTP field syntax (RFC 9110 §5.1, §5.5), checked up front so that a bad test header fails with
// the option's name instead of a TypeError from the Request constructor later.

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** True when `name` is a valid header name (an RFC 9110 token). */
export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

/** True when `value` can be sent as a header value: no CR, LF, NUL or other control characters. */
export function isHeaderValue(value: unknown): value is string {
  return typeof value === 'string' && FIELD_VALUE.test(value);
}
