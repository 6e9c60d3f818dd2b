// Root entry (`@novatrade24/webhooks`): the framework-agnostic core plus the Node signing
// functions. Each section barrel under src/core/ lists its names explicitly; this file picks the
// sections, and test/package/exports.test.ts pins the resulting runtime export list, so every API
// change shows in review (CONTRIBUTING.md, "Modules").

// Event envelope and catalog (docs/events.md)
export * from './core/catalog/index.js';
// Errors
export {
  type ClientErrorCode,
  type ConflictErrorCode,
  isWebhooksError,
  type StorageErrorCode,
  type ValidationErrorCode,
  type ValidationIssue,
  type ValidationIssueCode,
  type VerificationErrorCode,
  WebhookClientError,
  WebhookConflictError,
  WebhookStorageError,
  WebhooksError,
  type WebhooksErrorCode,
  type WebhooksErrorOptions,
  WebhookValidationError,
  WebhookVerificationError,
} from './core/errors.js';
// Ids, secrets and version
export { createId, createWebhookSecret, ID_PREFIXES, type IdKind } from './core/ids.js';
// Wire profiles (docs/profiles.md)
export * from './core/profiles/index.js';
export type { RandomSource } from './core/random.js';
// Retries and endpoint health (docs/retries.md)
export {
  assertHealthPolicy,
  type EndpointHealth,
  EUDR_HEALTH_POLICY,
  evaluateEndpointHealth,
  HEALTHY,
  type HealthAttempt,
  type HealthEvaluation,
  type HealthPolicy,
  NOVATRADE_HEALTH_POLICY,
} from './core/retry/health-policy.js';
export {
  assertRetryPolicy,
  EUDR_RETRY_POLICY,
  isSuccessStatus,
  maxAttempts,
  type NextAttemptInput,
  NOVATRADE_RETRY_POLICY,
  nextAttemptAt,
  parseRetryAfter,
  RETRY_AFTER_STATUSES,
  type RetryJitter,
  type RetryPolicy,
  type RetrySchedule,
} from './core/retry/retry-policy.js';

// Signatures (docs/signature.md): runtime-neutral pieces, then the Node (node:crypto) functions
// and the WebCrypto verifiers
export * from './core/signature/index.js';
// Subscriptions (docs/subscriptions.md)
export * from './core/subscription/index.js';
export { VERSION } from './core/version.js';
export { generateStandardWebhookSecret } from './signature/generate-standard-webhook-secret.js';
export { generateWebhookSecret } from './signature/generate-webhook-secret.js';
export { nodeHmacSha256Base64 } from './signature/node-hmac-sha256-base64.node.js';
export { nodeHmacSha256Hex } from './signature/node-hmac-sha256-hex.node.js';
export { signEudrPayload } from './signature/sign-eudr-payload.node.js';
export {
  type SignNovatradeOptions,
  signNovatradePayload,
} from './signature/sign-novatrade-payload.node.js';
export {
  type SignStandardWebhookOptions,
  type StandardWebhookHeaders,
  signStandardWebhook,
} from './signature/sign-standard-webhook.node.js';
export { verifyEudrSignature } from './signature/verify-eudr-signature.node.js';
export { verifyEudrSignatureAsync } from './signature/verify-eudr-signature.web.js';
export { verifyNovatradeSignature } from './signature/verify-novatrade-signature.node.js';
export { verifyNovatradeSignatureAsync } from './signature/verify-novatrade-signature.web.js';
export { verifyStandardWebhook } from './signature/verify-standard-webhook.node.js';
export { verifyStandardWebhookAsync } from './signature/verify-standard-webhook.web.js';
export {
  createWebCryptoHmacSha256Base64,
  webCryptoHmacSha256Base64,
} from './signature/web-crypto-hmac-sha256-base64.web.js';
export {
  createWebCryptoHmacSha256Hex,
  type WebCryptoHmacOptions,
  webCryptoHmacSha256Hex,
} from './signature/web-crypto-hmac-sha256-hex.web.js';
