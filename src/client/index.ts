// Entry point `@novatrade24/webhooks/client`: the typed clients of the Novatrade24 management API
// and of N'entropy's EUDR registration API (docs/design.md §5.36, §5.37). No `node:` import: it
// runs wherever the global `fetch` does. Explicit names, grouped by section (CONTRIBUTING.md).
// Guide: docs/client.md.

// Sorted by module path (biome): catalog types and errors (re-exported), the answer, authentication and retries,
// the factories and their clients, the API errors, the resource and input types.
export type { OpenEnum } from '../core/catalog/enum-values.js';
export type { EventDataMap } from '../core/catalog/event-data.js';
export {
  type ClientErrorCode,
  isWebhooksError,
  WebhookClientError,
  WebhooksError,
  WebhookValidationError,
} from '../core/errors.js';
export type { ApiResponse, RateLimitInfo } from './api-response.js';
export type { BearerTokenProvider, ClientAuth, ClientCredentials } from './client-auth.js';
export { type ClientRetryOptions, DEFAULT_CLIENT_RETRY_OPTIONS } from './client-retry-options.js';
export type { ClientTransportOptions } from './client-transport-options.js';
export {
  createEudrWebhooksClient,
  type EudrWebhooksClientOptions,
} from './create-eudr-webhooks-client.js';
export { createWebhooksClient, type WebhooksClientOptions } from './create-webhooks-client.js';
export {
  EUDR_API_ERROR_CODES,
  EudrApiError,
  type EudrApiErrorCode,
  type EudrApiErrorDetail,
  type EudrApiErrorInit,
  isEudrApiError,
} from './eudr-api-error.js';
export type {
  CreatedEudrWebhook,
  EudrWebhook,
  EudrWebhookListQuery,
  EudrWebhookPage,
  RegisterEudrWebhookInput,
  UpdateEudrWebhookInput,
} from './eudr-types.js';
export type { EudrWebhooksClient } from './eudr-webhooks-client.js';
export type {
  ClientEventType,
  CreateWebhookEndpointInput,
  DeliveryListQuery,
  DeliverySort,
  PublishEventInput,
  RecoverDeliveriesInput,
  RotateSecretInput,
  TestFireInput,
  UntypedEventDataMap,
  UpdateWebhookEndpointInput,
} from './input-types.js';
export {
  isNovatradeApiError,
  NOVATRADE_PROBLEM_TYPES,
  NovatradeApiError,
  type NovatradeApiErrorInit,
  type NovatradeApiProblemType,
  type NovatradeProblemFieldError,
  type NovatradeProblemType,
  problemTypeOf,
} from './novatrade-api-error.js';
export type { RequestOptions, WriteRequestOptions } from './request-options.js';
export type {
  CreatedWebhookEndpoint,
  DeliveryAttempt,
  DeliveryDetail,
  DeliveryPage,
  Pagination,
  PublishedEvent,
  RecoverResult,
  RotatedSecret,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookEndpoint,
  WebhookEndpointStatus,
} from './resource-types.js';
export {
  OAUTH_ERROR_CODES,
  type OAuthErrorCode,
  TokenRequestError,
  type TokenRequestErrorInit,
  type TokenRequestFailure,
} from './token-request-error.js';
export type {
  WebhookDeliveriesApi,
  WebhookEndpointsApi,
  WebhookEventsApi,
  WebhooksClient,
} from './webhooks-client.js';
