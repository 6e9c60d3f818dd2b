import {
  createNovatradeVerifier,
  type NovatradeVerificationResult,
  type NovatradeVerifyOptions,
} from '../core/signature/create-novatrade-verifier.js';
import { nodeHmacSha256Hex } from './node-hmac-sha256-hex.node.js';

const verify = /* @__PURE__ */ createNovatradeVerifier({
  hmac: nodeHmacSha256Hex,
  // Read Date.now at call time, so fake timers (vi.setSystemTime) apply.
  now: () => Date.now(),
});

/**
 * Verifies an `X-Novatrade-Signature` header against the raw request body, synchronously on
 * `node:crypto`, and returns the signed timestamp. For edge runtimes use
 * `verifyNovatradeSignatureAsync` (WebCrypto, same semantics).
 *
 * Checks, in order (the first failure throws): the payload is a string or a Uint8Array; the
 * secrets are valid; the options are valid; the header is present, at most 8 KiB, and parses as
 * `t=<unix seconds>,v1=<64 hex>[,v1=…]` (unknown `vN` entries skipped); `t` is within
 * `toleranceSeconds` of now in **both** directions (docs/design.md §5.6, docs/design.md §7, A-10); and one `v1`
 * equals `HMAC-SHA256(secret, "<t>.<raw body>")` for one of the secrets, compared in constant time.
 *
 * @param payload - the raw request body exactly as received: a string or bytes (a Node `Buffer`
 *   works). Never parsed JSON.
 * @param header - the `X-Novatrade-Signature` value; `null`/`undefined` when absent.
 * @param secret - the endpoint's signing secret (as-is, `whsec_` prefix included), or up to 8
 *   secrets during a rotation: any one verifying is enough (docs/design.md §7, A-11, A-12).
 * @param options - `toleranceSeconds` (default 300, positive and finite) and `now` (a clock in epoch
 *   **milliseconds**, default `Date.now`).
 * @returns `{ timestamp }`: the header's `t` in Unix seconds.
 * @throws WebhookVerificationError `invalid_payload_type` (payload not a string or Uint8Array),
 *   `missing_header` (absent or blank), `malformed_header` (bad syntax, too long, more than 16
 *   `v1`), `no_supported_signature` (no `v1` entry), `timestamp_too_old`, `timestamp_too_new`,
 *   `signature_mismatch` (wrong secret or altered body).
 * @throws WebhookValidationError `invalid_secret` (empty, not a string, more than 8) or
 *   `invalid_option` naming `options`, `toleranceSeconds` or `now`.
 * @example
 * ```ts
 * app.post('/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
 *   const { timestamp } = verifyNovatradeSignature(
 *     req.body, // Buffer: the raw bytes
 *     req.get('X-Novatrade-Signature'),
 *     process.env.NOVATRADE_WEBHOOK_SECRET!,
 *   );
 *   res.sendStatus(200);
 * });
 * ```
 */
export function verifyNovatradeSignature(
  payload: string | Uint8Array,
  header: string | null | undefined,
  secret: string | readonly string[],
  options?: NovatradeVerifyOptions,
): NovatradeVerificationResult {
  return verify(payload, header, secret, options);
}
