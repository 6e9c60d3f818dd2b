/**
 * The Novatrade24 Phase 1 event catalog: the 10 types of the `POST /v1/webhooks/{id}/test`
 * `eventType` enum (docs/design.md §6.9), in catalog order.
 */
export const EVENT_TYPES = [
  'compliance.status_changed',
  'compliance.decision_made',
  'kyc.vies_check_failed',
  'kyc.verification_completed',
  'export_file.generated',
  'prospect.submitted',
  'self_service_invitation.used',
  'self_service_invitation.expired',
  'webhook.endpoint_auto_paused',
  'webhook.delivery_failed_terminal',
] as const;

/** One of the 10 Novatrade24 catalog event types. */
export type EventType = (typeof EVENT_TYPES)[number];

/** The meta-event types the sender itself emits (docs/design.md §5.4). */
export const META_EVENT_TYPES = [
  'webhook.endpoint_auto_paused',
  'webhook.delivery_failed_terminal',
] as const satisfies readonly EventType[];

/** One of the two meta-event types. */
export type MetaEventType = (typeof META_EVENT_TYPES)[number];

/**
 * The 14 N'entropy EUDR event types (docs/design.md §6.13).
 */
export const EUDR_EVENT_TYPES = [
  'supplier.created',
  'supplier.updated',
  'supplier.deleted',
  'product.created',
  'product.updated',
  'product.deleted',
  'batch.created',
  'batch.updated',
  'batch.deleted',
  'sync.completed',
  'sync.failed',
  'dds.status_changed',
  'dds.submitted',
  'dds.approved',
] as const;

/** One of the 14 N'entropy EUDR event types. */
export type EudrEventType = (typeof EUDR_EVENT_TYPES)[number];

/** True when `value` is one of the 10 Novatrade24 catalog types. */
export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/** True when `value` is one of the 14 EUDR types. */
export function isEudrEventType(value: unknown): value is EudrEventType {
  return typeof value === 'string' && (EUDR_EVENT_TYPES as readonly string[]).includes(value);
}
