// `X-RateLimit-*` (docs/server.md, "Rate limits"; docs/design.md §5.34): every authenticated answer
// of the management API carries them. They come from the network, so the reader never throws (a
// `read*`, not a `parse*`: CONTRIBUTING.md, "Modules") and reports a malformed set as absent
// rather than guessing.

import type { RateLimitInfo } from '../api-response.js';

/** Digits only, as the server writes them: no sign, exponent, fraction or spaces. */
const COUNT = /^\d{1,15}$/;
/** A category name (`read`, `write`, `webhook`); anything else is dropped, not the whole set. */
const CATEGORY = /^[A-Za-z0-9_.-]{1,64}$/;

/** What the reader reads from: `Headers`, or anything with the same `get`. */
export interface HeaderSource {
  get(name: string): string | null;
}

/**
 * The rate-limit state an answer reported: `X-RateLimit-Limit`, `-Remaining` and `-Reset` (Unix
 * seconds) as non-negative integers written in digits, and `X-RateLimit-Category` when it is a
 * plain name. Never throws.
 *
 * @param headers - the answer's headers (names are matched in any case, as `Headers` does).
 * @returns the state, or `undefined` when one of the three numbers is absent or not digits (an
 *   answer without a budget, such as a 401, carries none).
 * @example
 * ```ts
 * readRateLimitHeaders(new Headers({ 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '59',
 *   'X-RateLimit-Reset': '1767225660', 'X-RateLimit-Category': 'write' }));
 * // { limit: 60, remaining: 59, resetSeconds: 1767225660, category: 'write' }
 * ```
 */
export function readRateLimitHeaders(headers: HeaderSource): RateLimitInfo | undefined {
  const limit = count(read(headers, 'X-RateLimit-Limit'));
  const remaining = count(read(headers, 'X-RateLimit-Remaining'));
  const resetSeconds = count(read(headers, 'X-RateLimit-Reset'));
  if (limit === undefined || remaining === undefined || resetSeconds === undefined) {
    return undefined;
  }
  const category = read(headers, 'X-RateLimit-Category')?.trim();
  return {
    limit,
    remaining,
    resetSeconds,
    category: category !== undefined && CATEGORY.test(category) ? category : undefined,
  };
}

/** One header's value, or `undefined` when absent or when the source throws. */
function read(headers: HeaderSource, name: string): string | undefined {
  try {
    const value = headers.get(name);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function count(value: string | undefined): number | undefined {
  const text = value?.trim();
  return text !== undefined && COUNT.test(text) ? Number(text) : undefined;
}
