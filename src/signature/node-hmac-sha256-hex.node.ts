import type { HmacSha256Hex } from '../core/signature/hmac-sha256-hex.js';
import { hmacViaCreateHmac, hmacViaOneShotHash, oneShotHash } from './internal/node-hmac.node.js';

/**
 * HMAC-SHA256 on `node:crypto`, as 64 lowercase hex characters: the primitive behind
 * `signNovatradePayload`, `verifyNovatradeSignature` and the EUDR functions on Node, and the one
 * to inject into the core builders (`buildNovatradeSignatureHeader`, `buildEudrSignature`).
 *
 * The key is the secret string as UTF-8 (docs/design.md §5.6). Key material is derived once per secret
 * and cached (64 secrets, least recently used evicted). On Node >= 20.12 it computes RFC 2104
 * HMAC from two one-shot `crypto.hash('sha256')` calls over a reused buffer, which is faster than
 * `createHmac` at every body size; on older Node 20 it uses `createHmac` with a cached `KeyObject`.
 * Both give identical digests (tested). String parts are written as UTF-8 (lone surrogates become
 * U+FFFD); byte parts are used exactly, view bounds respected.
 *
 * @param key - the secret, used as-is as UTF-8 (`whsec_` prefix included). Non-empty.
 * @param message - the parts to authenticate, in order.
 * @returns the digest as 64 lowercase hex characters.
 * @example
 * ```ts
 * nodeHmacSha256Hex('whsec_test_secret', ['1729684200.', rawBody]); // 'a96fdb02…'
 * ```
 */
export const nodeHmacSha256Hex: HmacSha256Hex = /* @__PURE__ */ pick(oneShotHash);

function pick(hash: typeof oneShotHash): HmacSha256Hex {
  return hash === undefined
    ? hmacViaCreateHmac
    : (key, message) => hmacViaOneShotHash(hash, key, message);
}
