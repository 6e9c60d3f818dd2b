import {
  createStandardWebhookVerifier,
  type StandardWebhookVerificationResult,
  type StandardWebhookVerifyOptions,
} from '../core/signature/create-standard-webhook-verifier.js';
import type { HeadersInput } from '../receiver/headers.js';
import { readStandardHeaders } from './internal/read-standard-headers.js';
import { nodeHmacSha256Base64 } from './node-hmac-sha256-base64.node.js';

const verify = /* @__PURE__ */ createStandardWebhookVerifier({
  hmac: nodeHmacSha256Base64,
  // Read Date.now at call time, so fake timers (vi.setSystemTime) apply.
  now: () => Date.now(),
});

/**
 * Verifies a Standard Webhooks request (standardwebhooks.com; what Svix-based senders and
 * `STANDARD_WEBHOOKS_PROFILE` send) against the raw body, synchronously on `node:crypto`, and
 * returns its message id and timestamp. For edge runtimes use `verifyStandardWebhookAsync`
 * (WebCrypto, same semantics).
 *
 * Checks, in order (the first failure throws): the payload is a string or a Uint8Array; each
 * secret is `whsec_<base64>` or bare base64; the options are valid; `webhook-id` is present
 * (1 to 256 visible ASCII characters); `webhook-timestamp` is Unix seconds; `webhook-signature`
 * holds space-separated `v1,<base64>` entries (other versions skipped); the timestamp is within
 * `toleranceSeconds` of now in **both** directions; and one `v1` equals
 * `base64(HMAC-SHA256(base64-decoded secret, "<id>.<timestamp>.<raw body>"))` for one of the
 * secrets, compared in constant time (docs/design.md §5.22).
 *
 * @param payload - the raw request body exactly as received: a string or bytes (a Node `Buffer`
 *   works). Never parsed JSON.
 * @param headers - the request headers: a `Headers`, Node's `req.headers` or a plain record, any
 *   case.
 * @param secret - the endpoint's secret (`whsec_` + base64, or bare base64), or up to 8 during a
 *   rotation: any one verifying is enough.
 * @param options - `toleranceSeconds` (default 300, positive and finite) and `now` (a clock in
 *   epoch **milliseconds**, default `Date.now`).
 * @returns `{ id, timestamp }`: `webhook-id` (deduplicate on it) and `webhook-timestamp` in Unix
 *   seconds.
 * @throws WebhookVerificationError `invalid_payload_type`, `missing_header` and
 *   `malformed_header` (naming the header), `no_supported_signature` (no `v1` entry),
 *   `timestamp_too_old`, `timestamp_too_new`, `signature_mismatch`.
 * @throws WebhookValidationError `invalid_secret` (empty, not base64, more than 8) or
 *   `invalid_option` naming `headers`, `options`, `toleranceSeconds` or `now`.
 * @example
 * ```ts
 * app.post('/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
 *   const { id } = verifyStandardWebhook(req.body, req.headers, process.env.WEBHOOK_SECRET!);
 *   if (!seen.add(id)) return res.sendStatus(200); // a retry of a processed message
 *   res.sendStatus(204);
 * });
 * ```
 */
export function verifyStandardWebhook(
  payload: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options?: StandardWebhookVerifyOptions,
): StandardWebhookVerificationResult {
  return verify(payload, readStandardHeaders(headers), secret, options);
}
