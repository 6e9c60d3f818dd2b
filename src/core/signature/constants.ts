/** Name of the Novatrade24 signature header (docs/design.md §6.5). */
export const NOVATRADE_SIGNATURE_HEADER = 'X-Novatrade-Signature';

/** The only signature scheme this version understands in `X-Novatrade-Signature` (docs/design.md §6.5). */
export const NOVATRADE_SIGNATURE_SCHEME = 'v1';

/** Name of the N'entropy EUDR signature header (docs/design.md §6.10). */
export const EUDR_SIGNATURE_HEADER = 'X-Webhook-Signature';

/** Name of the N'entropy EUDR timestamp header, an ISO-8601 instant (docs/design.md §6.10, docs/design.md §7, N-2). */
export const EUDR_TIMESTAMP_HEADER = 'X-Webhook-Timestamp';

/**
 * Default replay window, in seconds, applied in both directions (docs/design.md §5.6, docs/design.md §7, A-10):
 * a timestamp more than this far in the past or in the future is rejected.
 */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * Longest signature header accepted, in characters (8 KiB). A longer value is rejected with
 * `malformed_header` before it is parsed, so a hostile header costs bounded work.
 */
export const MAX_SIGNATURE_HEADER_LENGTH = 8192;

/**
 * Most `v1=` entries accepted in one `X-Novatrade-Signature` header. Each entry costs one
 * constant-time comparison per secret; a header with more is rejected with `malformed_header`.
 */
export const MAX_SIGNATURES_PER_HEADER = 16;

/**
 * Most secrets accepted by one sign or verify call. Verification costs one HMAC per secret, so a
 * receiver that must choose among many secrets should route to the right one instead (docs/design.md §7, A-12).
 */
export const MAX_SECRETS = 8;

/**
 * Largest Unix timestamp accepted, in seconds (12 digits, year 33658). A 13-digit value is
 * almost always milliseconds passed by mistake, so it is rejected instead of trusted.
 */
export const MAX_TIMESTAMP_SECONDS = 999_999_999_999;

/**
 * Header names of the Standard Webhooks format, lowercase as its specification writes them (HTTP
 * header names are case-insensitive): `webhook-id` (the message id, stable across retries, the
 * receiver's dedupe key), `webhook-timestamp` (the attempt's time in Unix seconds) and
 * `webhook-signature` (space-separated `v1,<base64>` entries). See docs/design.md §5.22.
 */
export const STANDARD_WEBHOOKS_HEADERS = Object.freeze({
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const);
