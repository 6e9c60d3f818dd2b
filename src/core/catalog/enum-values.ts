/**
 * The closed value lists that appear in event payloads, as data.
 *
 * Novatrade24 clients "must tolerate unknown enum values" (docs/design.md §6.1), so a field typed with
 * one of these lists is an {@link OpenEnum}: the known values for autocompletion and exhaustive
 * `switch`es, plus any other string. Lenient parsing accepts an unknown value; strict parsing
 * (`{ strict: true }`) rejects it. See docs/events.md, "Lenient and strict parsing".
 */

/**
 * The known values of an enum field plus any other string, so that a value added by a later
 * release still type-checks: `OpenEnum<'A' | 'B'>` autocompletes `'A'` and `'B'` and accepts
 * `'C'`. Handle unknown values in a `default:` branch.
 *
 * @example
 * ```ts
 * function label(status: OpenEnum<ComplianceStatus>): string {
 *   switch (status) {
 *     case 'VALID': return 'ok';
 *     case 'INVALID': return 'blocked';
 *     case 'INCOMPLETE': return 'waiting';
 *     default: return `unknown (${status})`;
 *   }
 * }
 * ```
 *
 * `string & {}` keeps the literal members visible to the editor; plain `string` would absorb them.
 */
export type OpenEnum<Known extends string> = Known | (string & {});

/** Envelope `source` values (docs/design.md §6.6): what caused the event. */
export const EVENT_SOURCES = ['API', 'WEB_APP', 'SYSTEM'] as const;
/** One of {@link EVENT_SOURCES}. */
export type EventSource = (typeof EVENT_SOURCES)[number];

/** An order's compliance rollup status (docs/design.md §6.8, §6.9). */
export const COMPLIANCE_STATUSES = ['INCOMPLETE', 'VALID', 'INVALID'] as const;
/** One of {@link COMPLIANCE_STATUSES}. */
export type ComplianceStatus = (typeof COMPLIANCE_STATUSES)[number];

/** The final compliance verdict (docs/design.md §6.9, `compliance.decision_made`). */
export const COMPLIANCE_DECISIONS = ['VALID_EXPORT', 'VAT_APPLICABLE'] as const;
/** One of {@link COMPLIANCE_DECISIONS}. */
export type ComplianceDecision = (typeof COMPLIANCE_DECISIONS)[number];

/** Result of a VIES VAT-number check (docs/design.md §6.9, KYC `viesResult`). */
export const VIES_RESULTS = ['VALID', 'INVALID', 'PENDING', 'UNKNOWN'] as const;
/** One of {@link VIES_RESULTS}. */
export type ViesResult = (typeof VIES_RESULTS)[number];

/** Outcome of an NT24-led (Mode B) KYC verification (docs/design.md §6.9). */
export const VERIFICATION_OUTCOMES = ['VERIFIED', 'REJECTED'] as const;
/** One of {@link VERIFICATION_OUTCOMES}. */
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

/** Kind of prospect submitted through a public self-service link (docs/design.md §6.9). */
export const PROSPECT_TYPES = ['COMPANY', 'CONSUMER'] as const;
/** One of {@link PROSPECT_TYPES}. */
export type ProspectType = (typeof PROSPECT_TYPES)[number];

/** Kind of self-service invitation (docs/design.md §6.9, Invitation resource). */
export const INVITATION_KINDS = ['KYC', 'PROSPECT'] as const;
/** One of {@link INVITATION_KINDS}. */
export type InvitationKind = (typeof INVITATION_KINDS)[number];

/**
 * Which health rule paused an endpoint (docs/design.md §4, §5.2): 20 consecutive failed attempts, or
 * 72 h since the first failure of the streak. Defined by this SDK (the spec's payload is cut off,
 * docs/design.md §7, A-25).
 */
export const AUTO_PAUSE_REASONS = ['CONSECUTIVE_FAILURES', 'FAILURE_DURATION'] as const;
/** One of {@link AUTO_PAUSE_REASONS}. */
export type AutoPauseReason = (typeof AUTO_PAUSE_REASONS)[number];

/**
 * Why a delivery failed, as reported in meta-events. Defined by this SDK (docs/design.md §7, A-25): the transport
 * outcomes (non-2xx answer, timeout, network error, refused destination, unusable response), a
 * request the sender could not build (`INTERNAL_ERROR`: signing, body serialisation or schema
 * conversion threw, so nothing was sent; docs/design.md §5.2) and the "park, don't drop" reasons
 * of docs/design.md §5.3 and §5.7. An open enum: receivers tolerate values added later.
 */
export const DELIVERY_FAILURE_REASONS = [
  'HTTP_ERROR',
  'TIMEOUT',
  'NETWORK_ERROR',
  'BLOCKED_DESTINATION',
  'INVALID_RESPONSE',
  'INTERNAL_ERROR',
  'ENDPOINT_PAUSED',
  'ENDPOINT_DISABLED',
  'SCHEMA_VERSION_UNSUPPORTED',
] as const;
/** One of {@link DELIVERY_FAILURE_REASONS}. */
export type DeliveryFailureReason = (typeof DELIVERY_FAILURE_REASONS)[number];

/** N'entropy EUDR entity kinds of a sync run (docs/design.md §6.13, the `entityType` of a sync run). */
export const EUDR_ENTITY_TYPES = ['SUPPLIER', 'PRODUCT', 'BATCH'] as const;
/** One of {@link EUDR_ENTITY_TYPES}. */
export type EudrEntityType = (typeof EUDR_ENTITY_TYPES)[number];

/**
 * Status of an EUDR due-diligence statement (docs/design.md §6.13, DDS-status API). A field of this
 * type may also be `null`: no DDS exists yet.
 */
export const DDS_STATUSES = ['DRAFT', 'SUBMITTED', 'APPROVED', 'REJECTED'] as const;
/** One of {@link DDS_STATUSES}. */
export type DdsStatus = (typeof DDS_STATUSES)[number];
