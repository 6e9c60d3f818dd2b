/**
 * The request id of the management API: the caller's `X-Request-Id` when it is sane, else a new
 * `req_…` id. It is echoed as `X-Request-Id` on every response and is a problem's `traceId`.
 *
 * "Sane" is 1 to {@link MAX_REQUEST_ID_LENGTH} visible ASCII characters (`!` to `~`): no spaces,
 * control characters or non-ASCII, so the id is safe to echo in a header and to log. A header
 * sent twice arrives joined by `, ` and is therefore replaced too.
 */

import { base32Encode } from '../../core/internal/bytes.js';
import type { RandomSource } from '../../core/random.js';
import { webCryptoRandom } from '../../platform-random.js';

/** The header that carries the request id, both ways. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** The longest request id echoed; a longer one is replaced. */
export const MAX_REQUEST_ID_LENGTH = 128;

/** Prefix of a generated request id, as in the spec's `traceId` example (`req_a1b2c3d4`). */
export const REQUEST_ID_PREFIX = 'req_';

/** Random bytes in a generated request id: 128 bits, as in the other ids (docs/design.md §5.12). */
export const REQUEST_ID_RANDOM_BYTES = 16;

const SANE_REQUEST_ID = /^[\x21-\x7e]+$/;

/**
 * True when `value` may be echoed as a request id: a string of 1 to 128 visible ASCII characters.
 *
 * @param value - the candidate, e.g. an `X-Request-Id` header value.
 * @example
 * ```ts
 * isSaneRequestId('3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03'); // true
 * isSaneRequestId('a b'); // false
 * ```
 */
export function isSaneRequestId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= MAX_REQUEST_ID_LENGTH &&
    SANE_REQUEST_ID.test(value)
  );
}

/** Options of {@link requestIdOf} and {@link createRequestId}. */
export interface RequestIdOptions {
  /** Where random bytes come from. @default WebCrypto's `getRandomValues` */
  readonly random?: RandomSource;
}

/**
 * A new request id: `req_` and 128 random bits in lowercase Crockford base32 (30 characters).
 *
 * @param options - the random source.
 * @example
 * ```ts
 * createRequestId(); // 'req_01hx3k…'
 * ```
 */
export function createRequestId(options?: RequestIdOptions): string {
  const random = options?.random ?? webCryptoRandom;
  return base32Encode(random(REQUEST_ID_RANDOM_BYTES), REQUEST_ID_PREFIX);
}

/**
 * The id of `request`: its `X-Request-Id` when {@link isSaneRequestId} accepts it, else a new one.
 *
 * @param request - the incoming request (only its headers are read).
 * @param options - the random source for a new id.
 * @example
 * ```ts
 * const requestId = requestIdOf(request);
 * response.headers.set(REQUEST_ID_HEADER, requestId);
 * ```
 */
export function requestIdOf(
  request: { readonly headers: Headers },
  options?: RequestIdOptions,
): string {
  const sent = request.headers.get(REQUEST_ID_HEADER);
  return isSaneRequestId(sent) ? sent : createRequestId(options);
}
