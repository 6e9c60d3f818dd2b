// Entry point `@novatrade24/webhooks/web`: the receiver on WebCrypto only, for Cloudflare Workers,
// Deno, Bun, Vercel Edge and Next.js edge routes. Nothing here (or in what it imports) touches a
// `node:` module; test/package/web-entry.test.ts reads the built files and proves it.
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
// Logging (console.error: edge runtimes have no process.stderr)
export { createStderrLogger } from '../logging/create-stderr-logger.web.js';
export type { LogFields, Logger, LogLevel, StderrLoggerOptions } from '../logging/logger.js';
// Fetch adapter
export { fetchHandler } from '../receiver/adapters/fetch-handler.js';
export type { WebhookHandlerTarget } from '../receiver/adapters/webhook-handler-target.js';
// Verify and parse one request
export type {
  ConstructEudrEventOptions,
  StrictConstructEudrEventOptions,
} from '../receiver/construct-eudr-event.js';
export { constructEudrEventAsync } from '../receiver/construct-eudr-event.web.js';
export type {
  ConstructEventOptions,
  StrictConstructEventOptions,
} from '../receiver/construct-event.js';
export { constructEventAsync } from '../receiver/construct-event.web.js';
export { constructStandardEventAsync } from '../receiver/construct-standard-event.web.js';
// Receivers (WebCrypto)
export {
  type EudrEventFor,
  type EudrHandlerPattern,
  EudrWebhookReceiver,
  type EudrWebhookReceiverOptions,
} from '../receiver/eudr-webhook-receiver.js';
// Requests, responses, headers
export {
  type HeadersInput,
  type HeadersLike,
  type HeadersRecord,
  readHeader,
} from '../receiver/headers.js';
// Dedupe and inbox
export {
  MemoryDedupeStore,
  type MemoryDedupeStoreOptions,
} from '../receiver/memory-dedupe-store.js';
export { MemoryInbox, type MemoryInboxOptions } from '../receiver/memory-inbox.js';
export type { DedupeReservation, DedupeStore } from '../receiver/ports/dedupe-store.js';
export type { Inbox, InboxEntry, InboxFailure } from '../receiver/ports/inbox.js';
export {
  RECEIVER_PROBLEM_TYPE_PREFIX,
  type ReceiverProblem,
  type ReceiverProblemCode,
} from '../receiver/problem.js';
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
} from '../receiver/receiver-options.js';
export type { ReceiverPlatform } from '../receiver/receiver-platform.js';
export type { ReceiverRequest, ReceiverResponse } from '../receiver/receiver-request.js';
export {
  type NovatradeEventFor,
  type NovatradeHandlerPattern,
  type NovatradeRouteOptions,
  WebhookReceiver,
  type WebhookReceiverOptions,
} from '../receiver/webhook-receiver.js';
// Signatures
export { verifyEudrSignatureAsync } from '../signature/verify-eudr-signature.web.js';
export { verifyNovatradeSignatureAsync } from '../signature/verify-novatrade-signature.web.js';
export { verifyStandardWebhookAsync } from '../signature/verify-standard-webhook.web.js';
