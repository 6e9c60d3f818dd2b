// Section barrel of the catalog: envelopes, event types and payloads, schema versions, parsers and
// samples, for Novatrade24 and N'entropy EUDR. Every export is named (CONTRIBUTING.md, "Modules");
// nothing from ./internal is re-exported.

export { type ConvertEventDataOptions, convertEventData } from './convert-event-data.js';
// Enum values
export {
  AUTO_PAUSE_REASONS,
  type AutoPauseReason,
  COMPLIANCE_DECISIONS,
  COMPLIANCE_STATUSES,
  type ComplianceDecision,
  type ComplianceStatus,
  DDS_STATUSES,
  type DdsStatus,
  DELIVERY_FAILURE_REASONS,
  type DeliveryFailureReason,
  EUDR_ENTITY_TYPES,
  type EudrEntityType,
  EVENT_SOURCES,
  type EventSource,
  INVITATION_KINDS,
  type InvitationKind,
  type OpenEnum,
  PROSPECT_TYPES,
  type ProspectType,
  VERIFICATION_OUTCOMES,
  type VerificationOutcome,
  VIES_RESULTS,
  type ViesResult,
} from './enum-values.js';
export type {
  EudrDdsEventData,
  EudrDdsStatusChangedData,
  EudrEntityData,
  EudrEntityDeletedData,
  EudrEventData,
  EudrEventDataMap,
  EudrSyncCompletedData,
  EudrSyncFailedData,
} from './eudr-event-data.js';
export { EUDR_EVENT_DATA_SCHEMAS } from './eudr-event-data-schemas.js';
// N'entropy EUDR
export { type EudrEventEnvelope, eudrEventEnvelopeSchema } from './eudr-event-envelope.js';
export type {
  AnyEudrWebhookEvent,
  EudrWebhookEvent,
  UnknownEudrWebhookEvent,
} from './eudr-webhook-event.js';
// Schema versions
export {
  type CatalogEventType,
  createEventCatalog,
  type DefinitionsDataMap,
  type EventCatalog,
  type EventCatalogEntry,
  type EventCatalogVersion,
  type EventDataConverter,
  type EventDataMapOf,
  type EventSchemaVersion,
  type EventScope,
  type EventTypeDefinition,
  getCatalogEntry,
  type UntypedEventDataMap,
} from './event-catalog.js';
export type {
  ComplianceBlocker,
  ComplianceDecisionMadeData,
  ComplianceStatusChangedData,
  EventData,
  EventDataMap,
  ExportFileGeneratedData,
  KycVerificationCompletedData,
  KycViesCheckFailedData,
  ProspectSubmittedData,
  SelfServiceInvitationExpiredData,
  SelfServiceInvitationUsedData,
  WebhookDeliveryFailedTerminalData,
  WebhookEndpointAutoPausedData,
} from './event-data.js';
export {
  complianceDecisionMadeDataSchema,
  complianceStatusChangedDataSchema,
  EVENT_DATA_SCHEMAS,
  exportFileGeneratedDataSchema,
  kycVerificationCompletedDataSchema,
  kycViesCheckFailedDataSchema,
  prospectSubmittedDataSchema,
  selfServiceInvitationExpiredDataSchema,
  selfServiceInvitationUsedDataSchema,
  webhookDeliveryFailedTerminalDataSchema,
  webhookEndpointAutoPausedDataSchema,
} from './event-data-schemas.js';
// Novatrade24 envelope and events
export { type EventEnvelope, eventEnvelopeSchema } from './event-envelope.js';
// Event types
export {
  EUDR_EVENT_TYPES,
  type EudrEventType,
  EVENT_TYPES,
  type EventType,
  isEudrEventType,
  isEventType,
  META_EVENT_TYPES,
  type MetaEventType,
} from './event-types.js';
export {
  type NegotiateSchemaVersionOptions,
  negotiateSchemaVersion,
} from './negotiate-schema-version.js';
export { NOVATRADE_CATALOG } from './novatrade-catalog.js';
export {
  isKnownEudrEvent,
  parseEudrEvent,
  parseEudrEventJson,
  type SafeParseEudrEventResult,
  safeParseEudrEvent,
  safeParseEudrEventJson,
} from './parse-eudr-event.js';
export {
  isKnownEvent,
  type ParseEventOptions,
  parseEvent,
  parseEventJson,
  type SafeParseEventResult,
  type StrictParseEventOptions,
  safeParseEvent,
  safeParseEventJson,
} from './parse-event.js';
export { type ParseEventDataOptions, parseEventData } from './parse-event-data.js';
// Samples
export {
  createSampleEudrEvent,
  createSampleEvent,
  type SampleEudrEventOverrides,
  type SampleEventOverrides,
  ZERO_UUID,
} from './sample-events.js';
export type { AnyWebhookEvent, UnknownWebhookEvent, WebhookEvent } from './webhook-event.js';
