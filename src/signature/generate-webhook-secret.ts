import { createWebhookSecret } from '../core/ids.js';
import { webCryptoRandom } from '../platform-random.js';

/**
 * A new signing secret: `whsec_` followed by 32 random bytes (256 bits) from WebCrypto's
 * `getRandomValues`, in unpadded base64url (49 characters in all). Use it as-is as the HMAC key on
 * both sides; never log it. Works on Node, Workers, Deno, Bun and browsers.
 *
 * @returns the secret, e.g. `whsec_3q2-7w…` (49 characters).
 * @example
 * ```ts
 * const secret = generateWebhookSecret();
 * await db.endpoints.update(id, { secret }); // show it to the user once
 * ```
 */
export function generateWebhookSecret(): string {
  return createWebhookSecret(webCryptoRandom);
}
