import { createStandardWebhookSecret } from '../core/signature/internal/standard-secret.js';
import { webCryptoRandom } from '../platform-random.js';

/**
 * A new Standard Webhooks signing secret: `whsec_` followed by 32 random bytes (256 bits) from
 * WebCrypto's `getRandomValues`, in standard, padded base64 (50 characters in all), the format
 * every Standard Webhooks library decodes (docs/design.md §5.22). Unlike `generateWebhookSecret`
 * (base64url, used as-is as UTF-8), the HMAC key is the decoded bytes. `WebhookSender` mints
 * these itself for `STANDARD_WEBHOOKS_PROFILE`; never log one.
 *
 * @returns the secret, e.g. `whsec_3q2+7w…=` (50 characters).
 * @example
 * ```ts
 * const secret = generateStandardWebhookSecret();
 * new Webhook(secret); // standardwebhooks (or Svix) accepts it as it is
 * ```
 */
export function generateStandardWebhookSecret(): string {
  return createStandardWebhookSecret(webCryptoRandom);
}
