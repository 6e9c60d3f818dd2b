// What both receiver entry points export: `@novatrade24/webhooks/receiver` (src/receiver/index.ts,
// Node) and `@novatrade24/webhooks/web` (src/web/index.ts, edge runtimes) re-export this module
// and add only their own platform's names (the receiver classes, the stderr logger, the node:crypto
// functions and the Node adapters). Platform-neutral: nothing here, or in what it imports, touches
// a `node:` module (test/package/web-entry.test.ts reads the built `/web` files and proves it).
// Explicit names, grouped by section (CONTRIBUTING.md, "Modules"); never imported by src/ itself.

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
// Logging (docs/receiver.md, "Logging"); each entry adds its own `createStderrLogger`
export type { LogFields, Logger, LogLevel, StderrLoggerOptions } from '../logging/logger.js';
// Signatures (WebCrypto; `/receiver` adds the node:crypto ones)
export { verifyEudrSignatureAsync } from '../signature/verify-eudr-signature.web.js';
export { verifyNovatradeSignatureAsync } from '../signature/verify-novatrade-signature.web.js';
export { verifyStandardWebhookAsync } from '../signature/verify-standard-webhook.web.js';
// Fetch adapter (`/receiver` adds the Node ones)
export { fetchHandler } from './adapters/fetch-handler.js';
export type {
  WebhookHandleOptions,
  WebhookHandlerTarget,
} from './adapters/webhook-handler-target.js';
// Verify and parse one request (WebCrypto; `/receiver` adds the node:crypto ones)
export type {
  ConstructEudrEventOptions,
  StrictConstructEudrEventOptions,
} from './construct-eudr-event.js';
export { constructEudrEventAsync } from './construct-eudr-event.web.js';
export type { ConstructEventOptions, StrictConstructEventOptions } from './construct-event.js';
export { constructEventAsync } from './construct-event.web.js';
export { constructStandardEventAsync } from './construct-standard-event.web.js';
// Receivers: their types (each entry adds its own classes)
export type {
  EudrEventFor,
  EudrHandlerPattern,
  EudrWebhookReceiverOptions,
} from './eudr-webhook-receiver.js';
// Requests, responses, headers
export { type HeadersInput, type HeadersLike, type HeadersRecord, readHeader } from './headers.js';
// Dedupe and inbox
export { MemoryDedupeStore, type MemoryDedupeStoreOptions } from './memory-dedupe-store.js';
export { MemoryInbox, type MemoryInboxOptions } from './memory-inbox.js';
export type { DedupeReservation, DedupeStore } from './ports/dedupe-store.js';
export type {
  Inbox,
  InboxClaim,
  InboxClaimOptions,
  InboxEntry,
  InboxFailure,
} from './ports/inbox.js';
export {
  type ProblemCode,
  RECEIVER_PROBLEM_TYPE_PREFIX,
  type ReceiverProblem,
  type ReceiverProblemCode,
} from './problem.js';
// Options, handlers, results
export {
  type AckMode,
  type AsyncAckOptions,
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
  type ReceiverCommonOptions,
  type ReceiverErrorContext,
  type ReceiverErrorStage,
  type SyncAckOptions,
} from './receiver-options.js';
export type { ReceiverRequest, ReceiverResponse } from './receiver-request.js';
export type {
  NovatradeEventFor,
  NovatradeHandlerPattern,
  NovatradeRouteOptions,
  WebhookReceiverOptions,
} from './webhook-receiver.js';
