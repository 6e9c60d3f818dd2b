import {
  createStandardWebhookVerifierAsync,
  type StandardWebhookVerificationResult,
  type StandardWebhookVerifyOptions,
} from '../core/signature/create-standard-webhook-verifier.js';
import type { HeadersInput } from '../receiver/headers.js';
import { readStandardHeaders } from './internal/read-standard-headers.js';
import { webCryptoHmacSha256Base64 } from './web-crypto-hmac-sha256-base64.web.js';

const verify = /* @__PURE__ */ createStandardWebhookVerifierAsync({
  hmac: webCryptoHmacSha256Base64,
  now: () => Date.now(),
});

/**
 * Verifies a Standard Webhooks request on WebCrypto only (no `node:` import): for Cloudflare
 * Workers, Deno, Bun, Vercel Edge, browsers and Node. Same parameters, checks, order and error
 * codes as `verifyStandardWebhook`; it shares its parsers and window code and only the HMAC
 * differs. Every failure is a rejected promise. Keys are imported once per secret and cached.
 *
 * @param payload - the raw body exactly as received: `await request.text()` or
 *   `new Uint8Array(await request.arrayBuffer())`. Never parsed JSON.
 * @param headers - the request headers (`request.headers`, or a record), any case.
 * @param secret - the endpoint's secret (`whsec_` + base64, or bare base64), or up to 8.
 * @param options - `toleranceSeconds` (default 300, positive and finite) and `now` (a clock in
 *   epoch **milliseconds**, default `Date.now`).
 * @returns a promise of `{ id, timestamp }`: `webhook-id` and `webhook-timestamp` (Unix seconds).
 * @throws WebhookVerificationError (as a rejection) `invalid_payload_type`, `missing_header`,
 *   `malformed_header`, `no_supported_signature`, `timestamp_too_old`, `timestamp_too_new`,
 *   `signature_mismatch`.
 * @throws WebhookValidationError (as a rejection) `invalid_secret`, or `invalid_option` naming
 *   `headers`, `options`, `toleranceSeconds` or `now`.
 * @example
 * ```ts
 * export default {
 *   async fetch(request: Request, env: { WEBHOOK_SECRET: string }) {
 *     const body = await request.text();
 *     const { id } = await verifyStandardWebhookAsync(body, request.headers, env.WEBHOOK_SECRET);
 *     return new Response(null, { status: 204 });
 *   },
 * };
 * ```
 */
export async function verifyStandardWebhookAsync(
  payload: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options?: StandardWebhookVerifyOptions,
): Promise<StandardWebhookVerificationResult> {
  return verify(payload, readStandardHeaders(headers), secret, options);
}
