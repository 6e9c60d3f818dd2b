import type { HmacSha256Base64 } from '../core/signature/hmac-sha256-base64.js';
import {
  hmacBytesKeyViaCreateHmac,
  hmacBytesKeyViaOneShotHash,
  oneShotHash,
} from './internal/node-hmac.node.js';

/**
 * HMAC-SHA256 on `node:crypto` with a **byte** key and a standard, padded **base64** digest (44
 * characters): the primitive behind `verifyStandardWebhook` and `signStandardWebhook`, and the
 * `hmacBase64` that `WebhookSender` passes to `STANDARD_WEBHOOKS_PROFILE` (docs/design.md §5.22).
 *
 * Same engine as `nodeHmacSha256Hex`: key material derived once per key and cached (64 keys,
 * least recently used evicted, apart from the string keys), RFC 2104 over one-shot
 * `crypto.hash('sha256')` calls on Node >= 20.12, `createHmac` on older Node 20. String parts are
 * written as UTF-8; byte parts are used exactly, view bounds respected.
 *
 * @param key - the HMAC key bytes (for Standard Webhooks, the base64-decoded secret). Non-empty.
 * @param message - the parts to authenticate, in order.
 * @returns the digest as 44 characters of standard, padded base64.
 * @example
 * ```ts
 * const key = new Uint8Array(Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'));
 * nodeHmacSha256Base64(key, ['msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.', '{"test": 2432232314}']);
 * // 'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
 * ```
 */
export const nodeHmacSha256Base64: HmacSha256Base64 = /* @__PURE__ */ pick(oneShotHash);

function pick(hash: typeof oneShotHash): HmacSha256Base64 {
  return hash === undefined
    ? hmacBytesKeyViaCreateHmac
    : (key, message) => hmacBytesKeyViaOneShotHash(hash, key, message);
}
