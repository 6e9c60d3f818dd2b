import { base64UrlEncode } from '../../core/internal/bytes.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { requiredIntegerOption } from '../../core/internal/integer-option.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { webCryptoRandom } from '../../platform-random.js';

/** The issue code of a value that should have been a non-empty string. */
export function stringIssueCode(value: unknown): 'required' | 'invalid_type' | 'too_small' {
  if (value === undefined) return 'required';
  return typeof value === 'string' ? 'too_small' : 'invalid_type';
}

/** Throws `invalid_option` naming `key` unless it is a non-empty string. */
export function assertDedupeKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') {
    throw invalidOption(
      'key',
      `key must be a non-empty string; got ${describeValue(key)}.`,
      stringIssueCode(key),
    );
  }
}

/**
 * The TTL floored to whole milliseconds, checked by the shared integer check (at least 1).
 *
 * @param owner - the store method, named in the message (`MemoryDedupeStore.reserve`).
 * @throws WebhookValidationError `invalid_option` naming `ttlMs`.
 */
export function checkDedupeTtlMs(ttlMs: unknown, owner: string): number {
  return requiredIntegerOption(
    owner,
    'ttlMs',
    typeof ttlMs === 'number' ? Math.floor(ttlMs) : ttlMs,
  );
}

/** 16 random bytes (128 bits) as unpadded base64url: no two reservations share one. */
export function randomToken(): string {
  return base64UrlEncode(webCryptoRandom(16));
}

/** Throws `invalid_option` naming `token` unless it is a non-empty string. */
export function assertDedupeToken(token: unknown): asserts token is string {
  if (typeof token !== 'string' || token === '') {
    throw invalidOption(
      'token',
      `token must be the non-empty string that reserve returned; got ${describeValue(token)}.`,
      stringIssueCode(token),
    );
  }
}

/**
 * The token maker of a dedupe store: the caller's `token` option (checked now, and its every
 * result checked when used) or {@link randomToken}.
 *
 * @throws WebhookValidationError `invalid_option` naming `token` when the option is not a function
 *   (at construction) or returns anything but a non-empty string (when called).
 */
export function tokenSource(option: unknown): () => string {
  if (option === undefined) return randomToken;
  if (typeof option !== 'function') {
    throw invalidOption(
      'token',
      `token must be a function returning a non-empty string; got ${describeValue(option)}.`,
      'invalid_type',
    );
  }
  return () => {
    const token: unknown = option();
    if (typeof token !== 'string' || token === '') {
      throw invalidOption(
        'token',
        `token() must return a non-empty string; got ${describeValue(token)}.`,
        typeof token === 'string' ? 'too_small' : 'invalid_type',
      );
    }
    return token;
  };
}
