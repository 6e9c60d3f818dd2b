/**
 * Reading request headers from whatever a framework hands over: a Fetch `Headers` (Hono, Next.js,
 * Workers), a Node `IncomingHttpHeaders` (node:http, Express, Fastify: lowercase keys, arrays for
 * repeated headers) or a plain record in any case.
 */

/** Anything with a case-insensitive `get`, like the Fetch API's `Headers`. */
export interface HeadersLike {
  get(name: string): string | null;
}

/** A header record: Node's `IncomingHttpHeaders` or a plain object, keys in any case. */
export type HeadersRecord = Readonly<
  Record<string, string | readonly string[] | number | undefined>
>;

/** Request headers as any framework gives them. */
export type HeadersInput = HeadersLike | HeadersRecord;

function isHeadersLike(headers: HeadersInput): headers is HeadersLike {
  return typeof (headers as { get?: unknown }).get === 'function';
}

/**
 * Reads one header, case-insensitively. A repeated header (an array in Node) reads as its values
 * joined with `, `, as the Fetch API does; a number (Node's `content-length` in some typings)
 * reads as its decimal text.
 *
 * @param headers - the request headers.
 * @param name - the header name, any case.
 * @returns the value, or `undefined` when absent.
 * @example
 * ```ts
 * readHeader(req.headers, 'X-Novatrade-Signature'); // Node: keys are lowercase
 * readHeader(request.headers, 'x-novatrade-signature'); // Fetch Headers
 * ```
 */
export function readHeader(headers: HeadersInput, name: string): string | undefined {
  if (isHeadersLike(headers)) return headers.get(name) ?? undefined;
  const lower = name.toLowerCase();
  let value = headers[lower];
  if (value === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.length === lower.length && key.toLowerCase() === lower) {
        value = headers[key];
        break;
      }
    }
  }
  if (value === undefined) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  return value.length === 0 ? undefined : value.join(', ');
}
