// Root entry (`@novatrade24/webhooks`): the framework-agnostic core. Sections are filled in as the
// core lands; every export is named explicitly (STYLE.md, "Modules").

// Catalog
export {
  EUDR_EVENT_TYPES,
  type EudrEventType,
  EVENT_TYPES,
  type EventType,
  isEudrEventType,
  isEventType,
  META_EVENT_TYPES,
  type MetaEventType,
} from './core/catalog/event-types.js';
// Errors
export {
  type ConflictErrorCode,
  type DeliveryErrorCode,
  isWebhooksError,
  type StorageErrorCode,
  type ValidationErrorCode,
  type ValidationIssue,
  type VerificationErrorCode,
  WebhookConflictError,
  WebhookDeliveryError,
  WebhookStorageError,
  WebhooksError,
  type WebhooksErrorCode,
  type WebhooksErrorOptions,
  WebhookValidationError,
  WebhookVerificationError,
} from './core/errors.js';
// Ids
export { createId, ID_PREFIXES, type IdKind } from './core/ids.js';
export type { RandomSource } from './core/random.js';
