// The `data` of each Novatrade24 catalog type, schema version 1, field by field as
// src/core/catalog/internal/novatrade-data-schemas.ts defines it: required fields always,
// optional ones sometimes, `null` where the schema allows it, every enum value. A new catalog type
// fails `tsc` here until its builder is added (CONTRIBUTING.md, "Add an event type").

import type { Arbitrary } from 'fast-check';
import {
  AUTO_PAUSE_REASONS,
  COMPLIANCE_DECISIONS,
  COMPLIANCE_STATUSES,
  DELIVERY_FAILURE_REASONS,
  INVITATION_KINDS,
  PROSPECT_TYPES,
  VERIFICATION_OUTCOMES,
  VIES_RESULTS,
} from '../../core/catalog/enum-values.js';
import type {
  ComplianceBlocker,
  EventData,
  WebhookDeliveryFailedTerminalData,
  WebhookEndpointAutoPausedData,
} from '../../core/catalog/event-data.js';
import { EVENT_TYPES, type EventType, META_EVENT_TYPES } from '../../core/catalog/event-types.js';
import {
  type ArbitraryKit,
  code,
  dateTime,
  enumValue,
  inTimeOrder,
  mintedId,
  nullable,
  objectOf,
  text,
  uuid,
} from './arbitrary-kit.js';

/** Country prefixes of generated VAT numbers (EU member states). */
const VAT_COUNTRIES = ['DE', 'AT', 'BE', 'CZ', 'DK', 'ES', 'FR', 'IE', 'IT', 'NL', 'PL', 'SE'];
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** Compliance rollup modules a blocker names (docs/design.md §6.8). */
const BLOCKER_MODULES = ['transport', 'kyc', 'vat', 'documents', 'customs'];
/** The types whose delivery can fail terminally: a meta-event's failure emits nothing (§5.4). */
const DELIVERABLE_TYPES = EVENT_TYPES.filter(
  (type) => !(META_EVENT_TYPES as readonly string[]).includes(type),
);

function vatNumber(kit: ArbitraryKit): Arbitrary<string> {
  const { fc } = kit;
  return fc
    .tuple(
      fc.constantFrom(...VAT_COUNTRIES),
      fc.string({ unit: fc.constantFrom(...DIGITS), minLength: 8, maxLength: 12 }),
    )
    .map(([country, digits]) => country + digits);
}

/** Domains of generated endpoint URLs: reserved for examples (RFC 2606). */
const URL_DOMAINS = ['example.com', 'partner.example', 'hooks.example.org'];

/**
 * An endpoint URL such as `https://acme.example.com/webhooks/novatrade`. Built here rather than
 * with `fc.webUrl()`, whose first use costs over a second to set up.
 */
function endpointUrl(kit: ArbitraryKit): Arbitrary<string> {
  const { fc } = kit;
  return fc
    .tuple(
      fc.stringMatching(/^[a-z0-9]{1,20}$/),
      fc.constantFrom(...URL_DOMAINS),
      fc.stringMatching(/^(?:\/[a-z0-9_-]{1,12}){0,3}$/),
    )
    .map(([host, domain, path]) => `https://${host}.${domain}${path}`);
}

function httpStatus(kit: ArbitraryKit): Arbitrary<number | null> {
  return nullable(kit, kit.fc.integer({ min: 100, max: 599 }));
}

function blocker(kit: ArbitraryKit): Arbitrary<ComplianceBlocker> {
  return objectOf<object, { module: string; code: string; message: string }>(
    kit,
    {},
    { module: kit.fc.constantFrom(...BLOCKER_MODULES), code: code(kit), message: text(kit, 60) },
  );
}

type DataBuilders = {
  readonly [T in EventType]: (kit: ArbitraryKit) => Arbitrary<EventData<T>>;
};

/** One builder per catalog type: `data` at schema version 1. */
export const NOVATRADE_DATA_ARBITRARIES: DataBuilders = {
  'compliance.status_changed': (kit) =>
    objectOf(kit, {
      orderUuid: uuid(kit),
      previousStatus: enumValue(kit, COMPLIANCE_STATUSES),
      currentStatus: enumValue(kit, COMPLIANCE_STATUSES),
      blockers: kit.fc.array(blocker(kit), { maxLength: 3 }),
    }),

  'compliance.decision_made': (kit) =>
    objectOf(kit, { orderUuid: uuid(kit), decision: enumValue(kit, COMPLIANCE_DECISIONS) }),

  'kyc.vies_check_failed': (kit) =>
    objectOf(
      kit,
      {
        buyerUuid: uuid(kit),
        vatNumber: vatNumber(kit),
        currentResult: enumValue(kit, VIES_RESULTS),
        checkedAt: dateTime(kit),
        reason: text(kit, 80),
      },
      { previousResult: nullable(kit, enumValue(kit, VIES_RESULTS)) },
    ),

  'kyc.verification_completed': (kit) =>
    objectOf(
      kit,
      {
        buyerUuid: uuid(kit),
        outcome: enumValue(kit, VERIFICATION_OUTCOMES),
        sessionId: kit.fc.stringMatching(/^idenfy_[a-z0-9]{6,24}$/),
        completedAt: dateTime(kit),
      },
      { reason: nullable(kit, text(kit, 80)) },
    ),

  'export_file.generated': (kit) => {
    const { fc } = kit;
    const rest = objectOf<
      object,
      { version: number; generatedAt: string; decision: string | null }
    >(
      kit,
      {},
      {
        version: fc.integer({ min: 1, max: 50 }),
        generatedAt: dateTime(kit),
        decision: nullable(kit, enumValue(kit, COMPLIANCE_DECISIONS)),
      },
    );
    // The download path names the order; `orderUuid`, when present, is that order.
    return fc
      .tuple(uuid(kit), uuid(kit), fc.boolean(), rest)
      .map(([partner, order, withOrderUuid, others]) => ({
        downloadUrl: `/v1/partners/${partner}/orders/${order}/finalization/export-file/download`,
        ...(withOrderUuid ? { orderUuid: order } : {}),
        ...others,
      }));
  },

  'prospect.submitted': (kit) =>
    objectOf(
      kit,
      { type: enumValue(kit, PROSPECT_TYPES) },
      { prospectUuid: uuid(kit), invitationUuid: uuid(kit) },
    ),

  'self_service_invitation.used': (kit) =>
    objectOf(
      kit,
      { kind: enumValue(kit, INVITATION_KINDS) },
      {
        buyerUuid: nullable(kit, uuid(kit)),
        prospectUuid: nullable(kit, uuid(kit)),
        invitationUuid: uuid(kit),
        usedAt: dateTime(kit),
      },
    ),

  'self_service_invitation.expired': (kit) =>
    objectOf<object, EventData<'self_service_invitation.expired'>>(
      kit,
      {},
      {
        invitationUuid: uuid(kit),
        kind: enumValue(kit, INVITATION_KINDS),
        expiresAt: dateTime(kit),
        buyerUuid: nullable(kit, uuid(kit)),
        prospectUuid: nullable(kit, uuid(kit)),
      },
    ),

  'webhook.endpoint_auto_paused': (kit) =>
    objectOf<
      Pick<WebhookEndpointAutoPausedData, 'endpointId'>,
      Omit<WebhookEndpointAutoPausedData, 'endpointId'>
    >(
      kit,
      { endpointId: mintedId(kit, 'endpoint') },
      {
        endpointUrl: endpointUrl(kit),
        pauseReason: enumValue(kit, AUTO_PAUSE_REASONS),
        consecutiveFailures: kit.fc.integer({ min: 0, max: 10_000 }),
        firstFailureAt: dateTime(kit),
        lastFailureAt: dateTime(kit),
        pausedAt: dateTime(kit),
        lastHttpStatus: httpStatus(kit),
        lastFailureReason: enumValue(kit, DELIVERY_FAILURE_REASONS),
      },
    ).map((data) => inTimeOrder(data, ['firstFailureAt', 'lastFailureAt', 'pausedAt'])),

  'webhook.delivery_failed_terminal': (kit) =>
    objectOf<
      Pick<
        WebhookDeliveryFailedTerminalData,
        'endpointId' | 'deliveryId' | 'eventId' | 'eventType'
      >,
      Omit<WebhookDeliveryFailedTerminalData, 'endpointId' | 'deliveryId' | 'eventId' | 'eventType'>
    >(
      kit,
      {
        endpointId: mintedId(kit, 'endpoint'),
        deliveryId: mintedId(kit, 'delivery'),
        eventId: mintedId(kit, 'event'),
        eventType: kit.fc.constantFrom(...DELIVERABLE_TYPES),
      },
      {
        endpointUrl: endpointUrl(kit),
        attempts: kit.fc.integer({ min: 0, max: 50 }),
        lastHttpStatus: httpStatus(kit),
        failureReason: enumValue(kit, DELIVERY_FAILURE_REASONS),
        firstAttemptAt: dateTime(kit),
        lastAttemptAt: dateTime(kit),
      },
    ).map((data) => inTimeOrder(data, ['firstAttemptAt', 'lastAttemptAt'])),
};
