// Entry point `@novatrade24/webhooks/receiver`: everything a team receiving Novatrade24 or
// N'entropy EUDR webhooks needs on Node (node:crypto, fastest there), plus the WebCrypto
// functions for code shared with edge runtimes. Explicit names, grouped by section (CONTRIBUTING.md).
// Guide: docs/receiver.md.

export type {
  AnyEudrWebhookEvent,
  EudrWebhookEvent,
  UnknownEudrWebhookEvent,
} from '../core/catalog/eudr-webhook-event.js';
export type { EudrEventType, EventType } from '../core/catalog/event-types.js';
// Events and errors, re-exported for convenience
export { isKnownEudrEvent } from '../core/catalog/parse-eudr-event.js';
export { isKnownEvent } from '../core/catalog/parse-event.js';
export type {
  AnyWebhookEvent,
  UnknownWebhookEvent,
  WebhookEvent,
} from '../core/catalog/webhook-event.js';
export {
  isWebhooksError,
  WebhookStorageError,
  WebhooksError,
  WebhookValidationError,
  WebhookVerificationError,
} from '../core/errors.js';
// Logging (docs/receiver.md, "Logging")
export { createStderrLogger } from '../logging/create-stderr-logger.node.js';
export type { LogFields, Logger, LogLevel, StderrLoggerOptions } from '../logging/logger.js';
// Signatures
export { verifyEudrSignature } from '../signature/verify-eudr-signature.node.js';
export { verifyEudrSignatureAsync } from '../signature/verify-eudr-signature.web.js';
export { verifyNovatradeSignature } from '../signature/verify-novatrade-signature.node.js';
export { verifyNovatradeSignatureAsync } from '../signature/verify-novatrade-signature.web.js';
export { verifyStandardWebhook } from '../signature/verify-standard-webhook.node.js';
export { verifyStandardWebhookAsync } from '../signature/verify-standard-webhook.web.js';
// Framework adapters
export {
  type ExpressLikeHandler,
  type ExpressLikeNext,
  type ExpressLikeRequest,
  type ExpressLikeResponse,
  expressHandler,
} from './adapters/express-handler.js';
export {
  type FastifyLikeError,
  type FastifyLikeInstance,
  type FastifyLikeParserDone,
  type FastifyLikeReply,
  type FastifyLikeRequest,
  type FastifyWebhooksOptions,
  fastifyWebhooks,
} from './adapters/fastify-plugin.js';
export { fetchHandler } from './adapters/fetch-handler.js';
export {
  type NodeRequestLike,
  type NodeResponseLike,
  toNodeListener,
} from './adapters/node-listener.js';
export type { WebhookHandlerTarget } from './adapters/webhook-handler-target.js';
// Verify and parse one request
export type {
  ConstructEudrEventOptions,
  StrictConstructEudrEventOptions,
} from './construct-eudr-event.js';
export { constructEudrEvent } from './construct-eudr-event.node.js';
export { constructEudrEventAsync } from './construct-eudr-event.web.js';
export type { ConstructEventOptions, StrictConstructEventOptions } from './construct-event.js';
export { constructEvent } from './construct-event.node.js';
export { constructEventAsync } from './construct-event.web.js';
export { constructStandardEvent } from './construct-standard-event.node.js';
export { constructStandardEventAsync } from './construct-standard-event.web.js';
// Receivers (node:crypto)
export type {
  EudrEventFor,
  EudrHandlerPattern,
  EudrWebhookReceiverOptions,
} from './eudr-webhook-receiver.js';
export { EudrWebhookReceiver } from './eudr-webhook-receiver.node.js';
// Requests, responses, headers
export { type HeadersInput, type HeadersLike, type HeadersRecord, readHeader } from './headers.js';
// Dedupe and inbox
export { MemoryDedupeStore, type MemoryDedupeStoreOptions } from './memory-dedupe-store.js';
export { MemoryInbox, type MemoryInboxOptions } from './memory-inbox.js';
export type { DedupeReservation, DedupeStore } from './ports/dedupe-store.js';
export type { Inbox, InboxEntry, InboxFailure } from './ports/inbox.js';
export {
  RECEIVER_PROBLEM_TYPE_PREFIX,
  type ReceiverProblem,
  type ReceiverProblemCode,
} from './problem.js';
export {
  type AckMode,
  DEFAULT_DEDUPE_TTL_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_INBOX_ATTEMPTS,
  DEFAULT_PROCESSING_LEASE_MS,
  DEFAULT_STORE_TIMEOUT_MS,
  type DrainResult,
  type ErrorListener,
  type Handler,
  type HandlerContext,
  type ReceiverBaseOptions,
  type ReceiverErrorContext,
  type ReceiverErrorStage,
} from './receiver-options.js';
export type { ReceiverRequest, ReceiverResponse } from './receiver-request.js';
export {
  type IoRedisDedupeClient,
  type NodeRedisDedupeClient,
  type RedisDedupeClient,
  RedisDedupeStore,
  type RedisDedupeStoreOptions,
} from './redis-dedupe-store.js';
export type {
  NovatradeEventFor,
  NovatradeHandlerPattern,
  NovatradeRouteOptions,
  WebhookReceiverOptions,
} from './webhook-receiver.js';
export { WebhookReceiver } from './webhook-receiver.node.js';
