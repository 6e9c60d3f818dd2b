// Signature section of the core: runtime-neutral signing and verification with an injected HMAC
// primitive. The Node (`*.node.ts`) and WebCrypto (`*.web.ts`) functions in src/signature/ are
// these pieces composed with a platform primitive and clock.

export { type BuildEudrSignatureOptions, buildEudrSignature } from './build-eudr-signature.js';
// Signing with an injected primitive (wire profiles)
export {
  type BuildNovatradeSignatureOptions,
  buildNovatradeSignatureHeader,
} from './build-novatrade-signature-header.js';
export {
  type BuildStandardWebhookSignatureOptions,
  buildStandardWebhookSignature,
} from './build-standard-webhook-signature.js';
// Constants
export {
  DEFAULT_TOLERANCE_SECONDS,
  EUDR_SIGNATURE_HEADER,
  EUDR_TIMESTAMP_HEADER,
  MAX_SECRETS,
  MAX_SIGNATURE_HEADER_LENGTH,
  MAX_SIGNATURES_PER_HEADER,
  MAX_TIMESTAMP_SECONDS,
  NOVATRADE_SIGNATURE_HEADER,
  NOVATRADE_SIGNATURE_SCHEME,
  STANDARD_WEBHOOKS_HEADERS,
} from './constants.js';
export {
  createEudrVerifier,
  createEudrVerifierAsync,
  type EudrVerificationResult,
  type EudrVerifier,
  type EudrVerifierAsync,
  type EudrVerifyOptions,
} from './create-eudr-verifier.js';
// Verifier factories
export {
  createNovatradeVerifier,
  createNovatradeVerifierAsync,
  type NovatradeVerificationResult,
  type NovatradeVerifier,
  type NovatradeVerifierAsync,
  type NovatradeVerifyOptions,
} from './create-novatrade-verifier.js';
export {
  createStandardWebhookVerifier,
  createStandardWebhookVerifierAsync,
  type StandardWebhookHeaderValues,
  type StandardWebhookVerificationResult,
  type StandardWebhookVerifier,
  type StandardWebhookVerifierAsync,
  type StandardWebhookVerifyOptions,
} from './create-standard-webhook-verifier.js';
// HMAC primitive contracts
export type { HmacSha256Base64, HmacSha256Base64Async } from './hmac-sha256-base64.js';
export type { HmacMessage, HmacSha256Hex, HmacSha256HexAsync } from './hmac-sha256-hex.js';
// Novatrade24 header codec
export {
  formatNovatradeSignatureHeader,
  type NovatradeSignatureHeader,
  parseNovatradeSignatureHeader,
} from './novatrade-signature-header.js';
// Standard Webhooks signature header codec
export {
  formatStandardWebhookSignatureHeader,
  parseStandardWebhookSignatureHeader,
  type StandardWebhookSignatureHeader,
} from './standard-webhook-signature-header.js';
export type { VerifierPlatform } from './verifier-platform.js';
