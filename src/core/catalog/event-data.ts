/**
 * The `data` payloads of the 10 Novatrade24 Phase 1 event types, schema version 1 (docs/design.md
 * §6.9). Fields the docs show are typed exactly as documented; fields the docs cut off (docs/design.md §7, A-25)
 * are "defined by this SDK" and optional unless a meta-event is useless without them. Unknown
 * extra fields arrive at runtime but are not typed (docs/design.md §6.1). See docs/events.md.
 *
 * Ids are plain strings: the docs call them uuids, but their own examples are not (docs/design.md §7, A-26).
 */

import type {
  AutoPauseReason,
  ComplianceDecision,
  ComplianceStatus,
  DeliveryFailureReason,
  InvitationKind,
  OpenEnum,
  ProspectType,
  VerificationOutcome,
  ViesResult,
} from './enum-values.js';
import type { EventType } from './event-types.js';

/**
 * A compliance blocker, as in the compliance rollup (docs/design.md §6.8). The event's element type
 * is not shown in the docs (docs/design.md §7, A-25), so every field is optional.
 */
export type ComplianceBlocker = {
  /** Rollup module the blocker belongs to, e.g. `transport`. */
  readonly module?: string | undefined;
  /** Stable blocker code, e.g. `MISSING_CMR`, `VIES_PENDING`. */
  readonly code?: string | undefined;
  /** Human-readable explanation. */
  readonly message?: string | undefined;
};

/** `compliance.status_changed`: an order's compliance rollup moved between statuses. [spec] */
export type ComplianceStatusChangedData = {
  /** The order. */
  readonly orderUuid: string;
  readonly previousStatus: OpenEnum<ComplianceStatus>;
  readonly currentStatus: OpenEnum<ComplianceStatus>;
  /** Blockers now active; empty when none (e.g. on a move to `VALID`). */
  readonly blockers: readonly ComplianceBlocker[];
};

/** `compliance.decision_made`: the final verdict for an order (may repeat, docs/design.md §7, A-31). [spec] */
export type ComplianceDecisionMadeData = {
  readonly orderUuid: string;
  /** `VALID_EXPORT`: VAT exemption applies. `VAT_APPLICABLE`: VAT on the final invoice. */
  readonly decision: OpenEnum<ComplianceDecision>;
};

/** `kyc.vies_check_failed`: a VIES check on a buyer's VAT number failed. Urgent. [spec] */
export type KycViesCheckFailedData = {
  readonly buyerUuid: string;
  /** E.g. `DE123456789`. */
  readonly vatNumber: string;
  /**
   * Result before this check. Optional and nullable: a buyer's first check also fails this way,
   * so there may be no previous result (docs/design.md §7, A-30).
   */
  readonly previousResult?: OpenEnum<ViesResult> | null | undefined;
  readonly currentResult: OpenEnum<ViesResult>;
  /** ISO 8601 date-time of the check. */
  readonly checkedAt: string;
  /** E.g. "VIES service returned NOT_VALID for the specified VAT number." */
  readonly reason: string;
};

/** `kyc.verification_completed`: an NT24-led (Mode B) verification finished. [spec] */
export type KycVerificationCompletedData = {
  readonly buyerUuid: string;
  readonly outcome: OpenEnum<VerificationOutcome>;
  /** The `sessionId` returned by `POST …/kyc/verify`, e.g. `idenfy_abc123`. */
  readonly sessionId: string;
  /** ISO 8601 date-time. */
  readonly completedAt: string;
  /** For `REJECTED`: a summary from iDenfy / AML. Absent or null otherwise. */
  readonly reason?: string | null | undefined;
};

/** `export_file.generated`: an Export File PDF is ready (fires on every (re)generation). */
export type ExportFileGeneratedData = {
  /** [spec] Download path relative to `https://api.novatrade24.com`; prefix it yourself. */
  readonly downloadUrl: string;
  /** Defined by this SDK: the order the file belongs to. */
  readonly orderUuid?: string | undefined;
  /** Defined by this SDK: the file's version (1 for the first generation). */
  readonly version?: number | undefined;
  /** Defined by this SDK: ISO 8601 date-time of generation. */
  readonly generatedAt?: string | undefined;
  /** Defined by this SDK: the decision the file documents, if one was made. */
  readonly decision?: OpenEnum<ComplianceDecision> | null | undefined;
};

/** `prospect.submitted`: a prospect submitted through a public self-service link. */
export type ProspectSubmittedData = {
  /** [spec] */
  readonly type: OpenEnum<ProspectType>;
  /** Defined by this SDK: the new prospect. */
  readonly prospectUuid?: string | undefined;
  /** Defined by this SDK: the public invitation link that was used. */
  readonly invitationUuid?: string | undefined;
};

/** `self_service_invitation.used`: a buyer or prospect finished a self-service flow. */
export type SelfServiceInvitationUsedData = {
  /** [spec] */
  readonly kind: OpenEnum<InvitationKind>;
  /** [spec] Set when `kind` is `KYC`. */
  readonly buyerUuid?: string | null | undefined;
  /** [spec] Set when `kind` is `PROSPECT`. */
  readonly prospectUuid?: string | null | undefined;
  /** Defined by this SDK: the invitation. */
  readonly invitationUuid?: string | undefined;
  /** Defined by this SDK: ISO 8601 date-time the flow was completed. */
  readonly usedAt?: string | undefined;
};

/** `self_service_invitation.expired`: an invitation's TTL ran out unused. Defined by this SDK. */
export type SelfServiceInvitationExpiredData = {
  readonly invitationUuid?: string | undefined;
  readonly kind?: OpenEnum<InvitationKind> | undefined;
  /** ISO 8601 date-time the invitation expired. */
  readonly expiresAt?: string | undefined;
  /** Set when `kind` is `KYC`. */
  readonly buyerUuid?: string | null | undefined;
  /** Set when `kind` is `PROSPECT`. */
  readonly prospectUuid?: string | null | undefined;
};

/**
 * `webhook.endpoint_auto_paused` (meta): one of the organization's endpoints was paused by the
 * health policy (docs/design.md §5.2, §5.4). Defined by this SDK; only `endpointId` is required.
 */
export type WebhookEndpointAutoPausedData = {
  /** The paused endpoint (`wh_…`). */
  readonly endpointId: string;
  /** Its URL. */
  readonly endpointUrl?: string | undefined;
  /** Which health rule tripped. */
  readonly pauseReason?: OpenEnum<AutoPauseReason> | undefined;
  /** Failed attempts in a row when it was paused. */
  readonly consecutiveFailures?: number | undefined;
  /** ISO 8601 date-time of the first failure of the streak. */
  readonly firstFailureAt?: string | undefined;
  /** ISO 8601 date-time of the last failure. */
  readonly lastFailureAt?: string | undefined;
  /** ISO 8601 date-time of the pause. */
  readonly pausedAt?: string | undefined;
  /** Status of the last response; null when none arrived (timeout, network error). */
  readonly lastHttpStatus?: number | null | undefined;
  /** Why the last attempt failed. */
  readonly lastFailureReason?: OpenEnum<DeliveryFailureReason> | undefined;
};

/**
 * `webhook.delivery_failed_terminal` (meta): one event's delivery to one endpoint ran out of
 * retries (docs/design.md §5.4). Defined by this SDK, mirroring the delivery resource (docs/design.md
 * §6.4); the endpoint, delivery, event id and event type are required.
 */
export type WebhookDeliveryFailedTerminalData = {
  /** The endpoint the delivery was for (`wh_…`). */
  readonly endpointId: string;
  readonly endpointUrl?: string | undefined;
  /** The failed delivery (`del_…`); replay it from history. */
  readonly deliveryId: string;
  /** Envelope `id` of the undelivered event (`evt_…`). */
  readonly eventId: string;
  /** Envelope `type` of the undelivered event. */
  readonly eventType: EventType | (string & {});
  /** HTTP attempts made. */
  readonly attempts?: number | undefined;
  /** Status of the last response; null when none arrived (timeout, network error). */
  readonly lastHttpStatus?: number | null | undefined;
  /** Why the last attempt failed. */
  readonly failureReason?: OpenEnum<DeliveryFailureReason> | undefined;
  /** ISO 8601 date-time of the first attempt. */
  readonly firstAttemptAt?: string | undefined;
  /** ISO 8601 date-time of the last attempt. */
  readonly lastAttemptAt?: string | undefined;
};

/**
 * The `data` type of each catalog event type: the static types of {@link NOVATRADE_CATALOG} and of
 * a `WebhookSender` on it. A type alias, not an interface, so it is assignable to
 * `UntypedEventDataMap` (the catalog without static types); augmenting it is not supported.
 */
export type EventDataMap = {
  'compliance.status_changed': ComplianceStatusChangedData;
  'compliance.decision_made': ComplianceDecisionMadeData;
  'kyc.vies_check_failed': KycViesCheckFailedData;
  'kyc.verification_completed': KycVerificationCompletedData;
  'export_file.generated': ExportFileGeneratedData;
  'prospect.submitted': ProspectSubmittedData;
  'self_service_invitation.used': SelfServiceInvitationUsedData;
  'self_service_invitation.expired': SelfServiceInvitationExpiredData;
  'webhook.endpoint_auto_paused': WebhookEndpointAutoPausedData;
  'webhook.delivery_failed_terminal': WebhookDeliveryFailedTerminalData;
};

/**
 * The `data` of one event type (or the union for several).
 *
 * @example
 * ```ts
 * function onDecision(data: EventData<'compliance.decision_made'>) { return data.decision; }
 * ```
 */
export type EventData<T extends EventType = EventType> = EventDataMap[T];
