import {
  createNovatradeVerifierAsync,
  type NovatradeVerificationResult,
  type NovatradeVerifyOptions,
} from '../core/signature/create-novatrade-verifier.js';
import { webCryptoHmacSha256Hex } from './web-crypto-hmac-sha256-hex.web.js';

const verify = /* @__PURE__ */ createNovatradeVerifierAsync({
  hmac: webCryptoHmacSha256Hex,
  now: () => Date.now(),
});

/**
 * Verifies an `X-Novatrade-Signature` header on WebCrypto only (no `node:` import): for Cloudflare
 * Workers, Deno, Bun, Vercel Edge, browsers and Node. Same parameters, checks, order and error
 * codes as `verifyNovatradeSignature`; it shares its parser and window code and only the HMAC
 * differs. Every failure is a rejected promise. Keys are imported once per secret and cached.
 *
 * @param payload - the raw body exactly as received: `await request.text()` or
 *   `new Uint8Array(await request.arrayBuffer())`. Never parsed JSON.
 * @param header - the `X-Novatrade-Signature` value; `null`/`undefined` when absent.
 * @param secret - the endpoint's signing secret (as-is), or up to 8 secrets during a rotation.
 * @param options - `toleranceSeconds` (default 300, positive and finite) and `now` (a clock in epoch
 *   **milliseconds**, default `Date.now`).
 * @returns a promise of `{ timestamp }`: the header's `t` in Unix seconds.
 * @throws WebhookVerificationError (as a rejection) `invalid_payload_type`, `missing_header`,
 *   `malformed_header`, `no_supported_signature`, `timestamp_too_old`, `timestamp_too_new`,
 *   `signature_mismatch`.
 * @throws WebhookValidationError (as a rejection) `invalid_secret`, or `invalid_option` naming
 *   `options`, `toleranceSeconds` or `now`.
 * @example
 * ```ts
 * export default {
 *   async fetch(request: Request, env: { SECRET: string }) {
 *     const body = await request.text();
 *     await verifyNovatradeSignatureAsync(body, request.headers.get('X-Novatrade-Signature'), env.SECRET);
 *     return new Response(null, { status: 204 });
 *   },
 * };
 * ```
 */
export function verifyNovatradeSignatureAsync(
  payload: string | Uint8Array,
  header: string | null | undefined,
  secret: string | readonly string[],
  options?: NovatradeVerifyOptions,
): Promise<NovatradeVerificationResult> {
  return verify(payload, header, secret, options);
}
