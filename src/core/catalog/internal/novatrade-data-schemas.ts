// The builder of the Novatrade24 version-1 data schemas. Internal: the public maps are built from
// it in ../event-data-schemas.ts (lenient) and ../novatrade-catalog.ts (lenient and strict).

import { z } from 'zod';
import {
  AUTO_PAUSE_REASONS,
  COMPLIANCE_DECISIONS,
  COMPLIANCE_STATUSES,
  DELIVERY_FAILURE_REASONS,
  INVITATION_KINDS,
  PROSPECT_TYPES,
  VERIFICATION_OUTCOMES,
  VIES_RESULTS,
} from '../enum-values.js';
import type {
  ComplianceDecisionMadeData,
  ComplianceStatusChangedData,
  EventData,
  ExportFileGeneratedData,
  KycVerificationCompletedData,
  KycViesCheckFailedData,
  ProspectSubmittedData,
  SelfServiceInvitationExpiredData,
  SelfServiceInvitationUsedData,
  WebhookDeliveryFailedTerminalData,
  WebhookEndpointAutoPausedData,
} from '../event-data.js';
import type { EventType } from '../event-types.js';
import {
  countSchema,
  dateTimeSchema,
  enumSchema,
  httpStatusSchema,
  idSchema,
} from './schema-kit.js';

/**
 * Builds the 10 version-1 data schemas, lenient or strict (enum fields are the only difference).
 * `satisfies` ties each schema to its hand-written type in event-data.ts.
 */
export function buildEventDataSchemasV1(strict: boolean) {
  const complianceStatus = () => enumSchema(COMPLIANCE_STATUSES, strict);
  const decision = () => enumSchema(COMPLIANCE_DECISIONS, strict);
  const viesResult = () => enumSchema(VIES_RESULTS, strict);
  const invitationKind = () => enumSchema(INVITATION_KINDS, strict);
  const failureReason = () => enumSchema(DELIVERY_FAILURE_REASONS, strict);

  return {
    'compliance.status_changed': z.looseObject({
      orderUuid: idSchema(),
      previousStatus: complianceStatus(),
      currentStatus: complianceStatus(),
      blockers: z.array(
        z.looseObject({
          module: z.string().optional(),
          code: z.string().optional(),
          message: z.string().optional(),
        }),
      ),
    }) satisfies z.ZodType<ComplianceStatusChangedData>,

    'compliance.decision_made': z.looseObject({
      orderUuid: idSchema(),
      decision: decision(),
    }) satisfies z.ZodType<ComplianceDecisionMadeData>,

    'kyc.vies_check_failed': z.looseObject({
      buyerUuid: idSchema(),
      vatNumber: z.string(),
      previousResult: viesResult().nullish(),
      currentResult: viesResult(),
      checkedAt: dateTimeSchema(),
      reason: z.string(),
    }) satisfies z.ZodType<KycViesCheckFailedData>,

    'kyc.verification_completed': z.looseObject({
      buyerUuid: idSchema(),
      outcome: enumSchema(VERIFICATION_OUTCOMES, strict),
      sessionId: z.string(),
      completedAt: dateTimeSchema(),
      reason: z.string().nullish(),
    }) satisfies z.ZodType<KycVerificationCompletedData>,

    'export_file.generated': z.looseObject({
      downloadUrl: z.string(),
      orderUuid: idSchema().optional(),
      version: z.int().min(1).optional(),
      generatedAt: dateTimeSchema().optional(),
      decision: decision().nullish(),
    }) satisfies z.ZodType<ExportFileGeneratedData>,

    'prospect.submitted': z.looseObject({
      type: enumSchema(PROSPECT_TYPES, strict),
      prospectUuid: idSchema().optional(),
      invitationUuid: idSchema().optional(),
    }) satisfies z.ZodType<ProspectSubmittedData>,

    'self_service_invitation.used': z.looseObject({
      kind: invitationKind(),
      buyerUuid: idSchema().nullish(),
      prospectUuid: idSchema().nullish(),
      invitationUuid: idSchema().optional(),
      usedAt: dateTimeSchema().optional(),
    }) satisfies z.ZodType<SelfServiceInvitationUsedData>,

    'self_service_invitation.expired': z.looseObject({
      invitationUuid: idSchema().optional(),
      kind: invitationKind().optional(),
      expiresAt: dateTimeSchema().optional(),
      buyerUuid: idSchema().nullish(),
      prospectUuid: idSchema().nullish(),
    }) satisfies z.ZodType<SelfServiceInvitationExpiredData>,

    'webhook.endpoint_auto_paused': z.looseObject({
      endpointId: idSchema(),
      endpointUrl: z.string().optional(),
      pauseReason: enumSchema(AUTO_PAUSE_REASONS, strict).optional(),
      consecutiveFailures: countSchema().optional(),
      firstFailureAt: dateTimeSchema().optional(),
      lastFailureAt: dateTimeSchema().optional(),
      pausedAt: dateTimeSchema().optional(),
      lastHttpStatus: httpStatusSchema().optional(),
      lastFailureReason: failureReason().optional(),
    }) satisfies z.ZodType<WebhookEndpointAutoPausedData>,

    'webhook.delivery_failed_terminal': z.looseObject({
      endpointId: idSchema(),
      endpointUrl: z.string().optional(),
      deliveryId: idSchema(),
      eventId: idSchema(),
      // Any type: the undelivered event may be of a type newer than this SDK (docs/design.md §7, A-24).
      eventType: z.string() as z.ZodType<EventType | (string & {})>,
      attempts: countSchema().optional(),
      lastHttpStatus: httpStatusSchema().optional(),
      failureReason: failureReason().optional(),
      firstAttemptAt: dateTimeSchema().optional(),
      lastAttemptAt: dateTimeSchema().optional(),
    }) satisfies z.ZodType<WebhookDeliveryFailedTerminalData>,
  } as const satisfies { readonly [T in EventType]: z.ZodType<EventData<T>> };
}
