import { base32Encode, base64UrlEncode } from './internal/bytes.js';
import type { RandomSource } from './random.js';

/** Prefix of each kind of identifier (docs/design.md §5.12). */
export const ID_PREFIXES = { event: 'evt_', endpoint: 'wh_', delivery: 'del_' } as const;

/** The kinds of identifier this library mints. */
export type IdKind = keyof typeof ID_PREFIXES;

/** Random bytes in an id: 128 bits, above the 96-bit floor of docs/design.md §5.12. */
export const ID_RANDOM_BYTES = 16;

/**
 * A new identifier: the kind's prefix and 128 random bits in lowercase Crockford base32
 * (26 characters), e.g. `evt_01hx3k…`. URL-safe and case-insensitive.
 *
 * @param kind - `event` (`evt_`), `endpoint` (`wh_`) or `delivery` (`del_`).
 * @param random - a cryptographically secure random source.
 * @example
 * ```ts
 * const id = createId('event', (n) => crypto.getRandomValues(new Uint8Array(n)));
 * ```
 */
export function createId(kind: IdKind, random: RandomSource): string {
  return base32Encode(random(ID_RANDOM_BYTES), ID_PREFIXES[kind]);
}

/** Prefix of every secret that {@link createWebhookSecret} mints. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** Random bytes in a generated secret: 256 bits, the HMAC-SHA256 block-size guidance. */
export const WEBHOOK_SECRET_BYTES = 32;

/**
 * A new signing secret from the given random source: `whsec_` + 32 random bytes in base64url
 * (43 characters). The secret is used as-is (UTF-8, prefix included) as the HMAC key
 * (docs/design.md §5.6).
 */
export function createWebhookSecret(random: RandomSource): string {
  return WEBHOOK_SECRET_PREFIX + base64UrlEncode(random(WEBHOOK_SECRET_BYTES));
}
