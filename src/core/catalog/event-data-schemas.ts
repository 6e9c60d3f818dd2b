/**
 * zod schemas for the `data` of the 10 Novatrade24 event types, schema version 1.
 *
 * Every object is loose: unknown fields pass through unchanged (docs/design.md §6.1). The exported
 * schemas are lenient (unknown enum values accepted); the strict twins used by
 * `parseEvent(…, { strict: true })` live in {@link NOVATRADE_CATALOG}.
 */

import { buildEventDataSchemasV1 } from './internal/novatrade-data-schemas.js';

/** The lenient schemas, by type: unknown enum values accepted, unknown fields kept. */
type EventDataSchemas = ReturnType<typeof buildEventDataSchemasV1>;

/**
 * The lenient version-1 `data` schema of each of the 10 Novatrade24 event types, by type. Unknown
 * fields pass through; unknown enum values are accepted (docs/design.md §6.1). Use it to validate a
 * payload you build, or to compose your own schema (`.extend()`).
 *
 * @example
 * ```ts
 * const data = EVENT_DATA_SCHEMAS['compliance.decision_made'].parse(json.data);
 * ```
 */
export const EVENT_DATA_SCHEMAS: EventDataSchemas = Object.freeze(buildEventDataSchemasV1(false));

/** Lenient `data` schema of `compliance.status_changed`, version 1. */
export const complianceStatusChangedDataSchema = EVENT_DATA_SCHEMAS['compliance.status_changed'];
/** Lenient `data` schema of `compliance.decision_made`, version 1. */
export const complianceDecisionMadeDataSchema = EVENT_DATA_SCHEMAS['compliance.decision_made'];
/** Lenient `data` schema of `kyc.vies_check_failed`, version 1. */
export const kycViesCheckFailedDataSchema = EVENT_DATA_SCHEMAS['kyc.vies_check_failed'];
/** Lenient `data` schema of `kyc.verification_completed`, version 1. */
export const kycVerificationCompletedDataSchema = EVENT_DATA_SCHEMAS['kyc.verification_completed'];
/** Lenient `data` schema of `export_file.generated`, version 1. */
export const exportFileGeneratedDataSchema = EVENT_DATA_SCHEMAS['export_file.generated'];
/** Lenient `data` schema of `prospect.submitted`, version 1. */
export const prospectSubmittedDataSchema = EVENT_DATA_SCHEMAS['prospect.submitted'];
/** Lenient `data` schema of `self_service_invitation.used`, version 1. */
export const selfServiceInvitationUsedDataSchema =
  EVENT_DATA_SCHEMAS['self_service_invitation.used'];
/** Lenient `data` schema of `self_service_invitation.expired`, version 1. */
export const selfServiceInvitationExpiredDataSchema =
  EVENT_DATA_SCHEMAS['self_service_invitation.expired'];
/** Lenient `data` schema of `webhook.endpoint_auto_paused`, version 1. */
export const webhookEndpointAutoPausedDataSchema =
  EVENT_DATA_SCHEMAS['webhook.endpoint_auto_paused'];
/** Lenient `data` schema of `webhook.delivery_failed_terminal`, version 1. */
export const webhookDeliveryFailedTerminalDataSchema =
  EVENT_DATA_SCHEMAS['webhook.delivery_failed_terminal'];
