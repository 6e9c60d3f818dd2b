// A header value given on the command line, bare (`t=…,v1=…`) or as the line a request shows
// (`X-Novatrade-Signature: t=…,v1=…`, what `sign --header` prints), so either pastes into
// `verify --header`. No signature scheme's value contains a colon, so a colon marks a name.

/** A header value and the name typed before it, if any. */
export interface HeaderValue {
  /** The header name typed before the colon, as typed; `undefined` for a bare value. */
  readonly name: string | undefined;
  /** The value, without the spaces that follow the colon. */
  readonly value: string;
}

const NAMED = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*/;

/**
 * Splits `Name: value` into its name and value; a text without a leading `token:` is a bare
 * value, returned whole.
 *
 * @example
 * ```ts
 * splitHeaderValue('X-Novatrade-Signature: t=1,v1=ab'); // { name: 'X-Novatrade-Signature', value: 't=1,v1=ab' }
 * splitHeaderValue('t=1,v1=ab'); // { name: undefined, value: 't=1,v1=ab' }
 * ```
 */
export function splitHeaderValue(text: string): HeaderValue {
  const match = NAMED.exec(text);
  if (match === null) return { name: undefined, value: text };
  return { name: match[1], value: text.slice(match[0].length) };
}
