// The copy of an Idempotency-Key response (docs/design.md §5.10) that the guard and the memory
// store each make: the one place that says which fields a stored response has.

import type { IdempotencyResponse } from '../records.js';

/**
 * A copy of `response` with the fields of an `IdempotencyResponse` only (status, headers, body),
 * its headers copied too: what `execute` returned is the caller's object and may carry more, and
 * nothing the caller holds (what went in, what came out) may share an object with a stored record.
 * No `headers` in, no `headers` out.
 *
 * @param response - the response to copy; it is not changed.
 * @returns a new response sharing no object with `response`.
 * @example
 * ```ts
 * const stored = copyIdempotencyResponse(await execute());
 * ```
 */
export function copyIdempotencyResponse(response: IdempotencyResponse): IdempotencyResponse {
  const { status, headers, body } = response;
  return headers === undefined ? { status, body } : { status, headers: { ...headers }, body };
}
