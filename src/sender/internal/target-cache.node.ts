// What HttpTransport.send needs of a URL, parsed once per URL string, in a cache that each
// transport owns (docs/design.md §5.14): nothing about one transport's destinations outlives it or
// crowds out another's, and a transport's own settings are the only ones applied to its URLs.

import { isIP } from 'node:net';
import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { isInternalAddress } from './ip-address.js';

/** What `send` needs of a URL. */
export interface Target {
  /** `scheme://host[:port]`, as undici keys its pools. */
  readonly origin: string;
  /** Path and query (never the fragment), as undici would derive them from the URL. */
  readonly path: string;
  /** The host is an IP literal in an internal range: refused unless private networks are allowed. */
  readonly internalLiteral: boolean;
}

/** How many URLs a transport keeps parsed: a sender posts to a few endpoint URLs over and over. */
export const DEFAULT_TARGET_CACHE_SIZE = 512;

/**
 * Parsed targets by URL string, bounded: when full, the entry stored first goes. One per
 * `HttpTransport`, never shared.
 */
export class TargetCache {
  readonly #targets = new Map<string, Target>();
  readonly #capacity: number;

  /** @param capacity - How many URLs to keep; at least 1. */
  constructor(capacity: number = DEFAULT_TARGET_CACHE_SIZE) {
    this.#capacity = Math.max(1, capacity);
  }

  /** How many URLs are cached. */
  get size(): number {
    return this.#targets.size;
  }

  /**
   * The target of `url`, parsed on first sight.
   *
   * @throws WebhookValidationError `invalid_option` at `url` for a value that is not an absolute
   *   http: or https: URL (issue code `required`, `invalid_type`, `invalid_format` or
   *   `invalid_value` for another scheme).
   */
  targetOf(url: unknown): Target {
    if (typeof url !== 'string') throw badUrl(url);
    const cached = this.#targets.get(url);
    if (cached !== undefined) return cached;
    const target = parseTarget(url);
    if (this.#targets.size >= this.#capacity) {
      const oldest = this.#targets.keys().next();
      if (oldest.done !== true) this.#targets.delete(oldest.value);
    }
    this.#targets.set(url, target);
    return target;
  }
}

function parseTarget(value: string): Target {
  if (!URL.canParse(value)) throw badUrl(value);
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidOption(
      'url',
      `HttpTransport.send: \`url\` must be an absolute http: or https: URL, got the scheme ${url.protocol}.`,
      'invalid_value',
    );
  }
  // Node connects to IP literals without calling `lookup`, so the guard checks them in `send`.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    origin: url.origin,
    path: url.search ? `${url.pathname}${url.search}` : url.pathname,
    internalLiteral: isIP(host) !== 0 && isInternalAddress(host),
  };
}

function badUrl(value: unknown): Error {
  return invalidOption(
    'url',
    `HttpTransport.send: \`url\` must be an absolute http: or https: URL, got ${describeValue(value)}.`,
    value === undefined
      ? 'required'
      : typeof value === 'string'
        ? 'invalid_format'
        : 'invalid_type',
  );
}
