// Entry point `@novatrade24/webhooks/sender`: the embeddable delivery engine (docs/design.md §1).
// Explicit names, grouped by section (CONTRIBUTING.md). Guide: docs/sender.md.

// Errors, re-exported for convenience
export {
  isWebhooksError,
  WebhookConflictError,
  WebhookStorageError,
  WebhooksError,
  WebhookValidationError,
} from '../core/errors.js';
// Wire profiles: a sender speaks one (docs/profiles.md)
export { EUDR_PROFILE } from '../core/profiles/eudr-profile.js';
export { NOVATRADE_PROFILE } from '../core/profiles/novatrade-profile.js';
export { STANDARD_WEBHOOKS_PROFILE } from '../core/profiles/standard-webhooks-profile.js';
export type { WireProfile } from '../core/profiles/wire-profile.js';
export type { AttemptView, DeliveryView } from './delivery-view.js';
export type { EndpointView } from './endpoint-view.js';
export {
  type HostLookup,
  HttpTransport,
  type HttpTransportOptions,
  type ResolvedAddress,
} from './http-transport.node.js';
export type {
  CreateEndpointInput,
  UpdateEndpointInput,
} from './internal/endpoint-input.js';
export type { DeliveryHistoryQuery } from './internal/history-query.js';
export { MemoryIdempotencyStore } from './memory-idempotency-store.js';
export { MemoryStorage, type MemoryStorageOptions } from './memory-storage.js';
// For storage adapters: the key of the per-origin room in `claimDue`
export { originOf } from './origin-of.js';
// Ports and their default adapters
export type { Clock } from './ports/clock.js';
export type {
  BeginIdempotentInput,
  CompleteIdempotentInput,
  IdempotencyBegin,
  IdempotencyStore,
} from './ports/idempotency-store.js';
export type { Logger } from './ports/logger.js';
export type { EndpointPausedNotice, Notifier } from './ports/notifier.js';
export type {
  AttemptDecision,
  ClaimDueInput,
  ClaimedDelivery,
  DeliveryPage,
  DeliveryQuery,
  EndpointChanges,
  EndpointUpdate,
  RecordAttemptInput,
  RecordAttemptResult,
  SenderStorage,
} from './ports/sender-storage.js';
export type {
  EndpointChange,
  StorageChangeListener,
  StorageWatch,
  StorageWatcher,
  StorageWatchFailure,
  StorageWatchOptions,
} from './ports/storage-changes.js';
export type { Transport, TransportRequest, TransportResult } from './ports/transport.js';
// Metrics in the Prometheus text format (docs/observability.md)
export {
  createPrometheusExporter,
  type PrometheusExporter,
  type PrometheusExporterOptions,
} from './prometheus-exporter.js';
// Stored records
export type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  EndpointRecord,
  EndpointSecret,
  EndpointStatus,
  EventRecord,
  IdempotencyResponse,
  StoredFailureReason,
} from './records.js';
// Observability
export type {
  DeliveryAttemptPayload,
  SenderEventMap,
  SenderEventName,
  SenderListener,
} from './sender-events.js';
// The engine
export {
  type CreatedEndpoint,
  type DeliveryHistoryPage,
  type PublishInput,
  type PublishResult,
  type TestEndpointInput,
  WebhookSender,
  type WebhookSenderOptions,
} from './webhook-sender.js';
