// Entry point `@novatrade24/webhooks/server`: the management HTTP API as a Fetch handler, with
// its OpenAPI 3.1 document (docs/design.md §5.35). Explicit names, grouped by section
// (CONTRIBUTING.md). Guide: docs/server.md.

// Sorted by module path (biome): errors (re-exported), the authenticators, problems, rate limits,
// and the API factories.
export {
  isWebhooksError,
  WebhookConflictError,
  WebhookStorageError,
  WebhooksError,
  WebhookValidationError,
} from '../core/errors.js';
export { apiKeyAuthenticator } from './api-key-authenticator.js';
export {
  createEudrManagementApi,
  type EudrManagementApi,
  type EudrManagementApiOptions,
} from './eudr-management-api.js';
export type { RouteDeprecation } from './internal/api-env.js';
export type { ApiKey } from './internal/auth/api-key-authenticator.js';
export type {
  JwtAlgorithm,
  JwtAuthenticatorKeySet,
  JwtAuthenticatorOptions,
} from './internal/auth/jwt-authenticator.js';
export {
  DEFAULT_PROBLEM_BASE_URL,
  PROBLEM_TYPES,
  type ProblemBody,
  type ProblemTypeSuffix,
} from './internal/problem.js';
export { MemoryRateLimitStore } from './internal/rate-limit/memory-rate-limit-store.js';
export {
  type CategoryRateLimit,
  type CategoryRateLimitInput,
  DEFAULT_RATE_LIMITS,
  RATE_LIMIT_CATEGORIES,
  RATE_LIMIT_TIERS,
  type RateLimitCategory,
  type RateLimitTableInput,
  type RateLimitTier,
} from './internal/rate-limit/rate-limit-policy.js';
export type { RateLimitStore } from './internal/rate-limit/rate-limit-store.js';
export {
  type RedisRateLimitClient,
  RedisRateLimitStore,
  type RedisRateLimitStoreOptions,
} from './internal/rate-limit/redis-rate-limit-store.js';
export { jwtAuthenticator } from './jwt-authenticator.js';
export {
  type Authenticate,
  type AuthenticatedCaller,
  createManagementApi,
  type ManagementApi,
  type ManagementApiOptions,
  type ManagementRateLimitOptions,
} from './management-api.js';
