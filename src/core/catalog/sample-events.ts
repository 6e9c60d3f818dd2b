/**
 * A valid example event of every Novatrade24 and EUDR type, built from fixed values with all-zero
 * test UUIDs, so a handler can recognise it as synthetic and skip side effects (docs/design.md
 * §6.4). Used by tests, the demo, the test fire and the `/testing` entry.
 */

import { WebhookValidationError } from '../errors.js';
import type { EudrEventData } from './eudr-event-data.js';
import type { EudrWebhookEvent } from './eudr-webhook-event.js';
import type { EventData } from './event-data.js';
import {
  type EudrEventType,
  type EventType,
  isEudrEventType,
  isEventType,
  META_EVENT_TYPES,
} from './event-types.js';
import { quoteType } from './internal/schema-kit.js';
import type { WebhookEvent } from './webhook-event.js';

/** The all-zero UUID that marks synthetic test data (docs/design.md §6.4, docs/design.md §5.8). */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

const ZEROS = '0'.repeat(26);
const SAMPLE_EVENT_ID = `evt_${ZEROS}`;
const SAMPLE_ENDPOINT_ID = `wh_${ZEROS}`;
const SAMPLE_DELIVERY_ID = `del_${ZEROS}`;
const SAMPLE_TIME = '2026-04-22T10:30:00Z';
const SAMPLE_URL = 'https://example.com/webhooks/novatrade';

const NOVATRADE_SAMPLE_DATA: { readonly [T in EventType]: EventData<T> } = {
  'compliance.status_changed': {
    orderUuid: ZERO_UUID,
    previousStatus: 'INCOMPLETE',
    currentStatus: 'VALID',
    blockers: [],
  },
  'compliance.decision_made': { orderUuid: ZERO_UUID, decision: 'VALID_EXPORT' },
  'kyc.vies_check_failed': {
    buyerUuid: ZERO_UUID,
    vatNumber: 'DE123456789',
    previousResult: 'VALID',
    currentResult: 'INVALID',
    checkedAt: SAMPLE_TIME,
    reason: 'VIES service returned NOT_VALID for the specified VAT number.',
  },
  'kyc.verification_completed': {
    buyerUuid: ZERO_UUID,
    outcome: 'VERIFIED',
    sessionId: 'idenfy_test_0000',
    completedAt: SAMPLE_TIME,
  },
  'export_file.generated': {
    downloadUrl: `/v1/partners/${ZERO_UUID}/orders/${ZERO_UUID}/finalization/export-file/download`,
    orderUuid: ZERO_UUID,
    version: 1,
    generatedAt: SAMPLE_TIME,
    decision: 'VALID_EXPORT',
  },
  'prospect.submitted': { type: 'COMPANY', prospectUuid: ZERO_UUID, invitationUuid: ZERO_UUID },
  'self_service_invitation.used': {
    kind: 'KYC',
    buyerUuid: ZERO_UUID,
    invitationUuid: ZERO_UUID,
    usedAt: SAMPLE_TIME,
  },
  'self_service_invitation.expired': {
    invitationUuid: ZERO_UUID,
    kind: 'KYC',
    expiresAt: SAMPLE_TIME,
    buyerUuid: ZERO_UUID,
  },
  'webhook.endpoint_auto_paused': {
    endpointId: SAMPLE_ENDPOINT_ID,
    endpointUrl: SAMPLE_URL,
    pauseReason: 'CONSECUTIVE_FAILURES',
    consecutiveFailures: 20,
    firstFailureAt: '2026-04-21T10:30:00Z',
    lastFailureAt: SAMPLE_TIME,
    pausedAt: SAMPLE_TIME,
    lastHttpStatus: 503,
    lastFailureReason: 'HTTP_ERROR',
  },
  'webhook.delivery_failed_terminal': {
    endpointId: SAMPLE_ENDPOINT_ID,
    endpointUrl: SAMPLE_URL,
    deliveryId: SAMPLE_DELIVERY_ID,
    eventId: SAMPLE_EVENT_ID,
    eventType: 'compliance.status_changed',
    attempts: 11,
    lastHttpStatus: 503,
    failureReason: 'HTTP_ERROR',
    firstAttemptAt: '2026-04-20T10:30:00Z',
    lastAttemptAt: SAMPLE_TIME,
  },
};

const entity = { externalId: ZERO_UUID, internalId: ZERO_UUID } as const;
const dds = { batchExternalId: ZERO_UUID, ddsNumber: 'DDS-0000-00000' } as const;

const EUDR_SAMPLE_DATA: { readonly [T in EudrEventType]: EudrEventData<T> } = {
  'supplier.created': entity,
  'supplier.updated': entity,
  'supplier.deleted': entity,
  'product.created': entity,
  'product.updated': entity,
  'product.deleted': entity,
  'batch.created': entity,
  'batch.updated': entity,
  'batch.deleted': entity,
  'sync.completed': { entityType: 'SUPPLIER', created: 1, updated: 0, errors: 0 },
  'sync.failed': {
    entityType: 'SUPPLIER',
    created: 0,
    updated: 0,
    errors: 1,
    error: 'SYNC_FAILED',
    message: 'Synthetic test failure.',
  },
  'dds.status_changed': { ...dds, previousStatus: 'DRAFT', newStatus: 'SUBMITTED' },
  'dds.submitted': { ...dds, previousStatus: 'DRAFT', newStatus: 'SUBMITTED' },
  'dds.approved': { ...dds, previousStatus: 'SUBMITTED', newStatus: 'APPROVED' },
};

/** Envelope fields and `data` fields to replace in a sample (`data` is merged shallowly). */
export type SampleEventOverrides<T extends EventType> = {
  readonly id?: string;
  readonly source?: WebhookEvent<T>['source'];
  readonly createdAt?: string;
  readonly organizationUuid?: string;
  readonly partnerUuid?: WebhookEvent<T>['partnerUuid'];
  readonly data?: Partial<EventData<T>>;
};

/** Envelope fields and `data` fields to replace in an EUDR sample (`data` is merged shallowly). */
export type SampleEudrEventOverrides<T extends EudrEventType> = {
  readonly timestamp?: string;
  readonly integrationId?: string;
  readonly data?: Partial<EudrEventData<T>>;
};

// Samples are plain JSON: a JSON round trip is a deep copy the caller may mutate freely.
function copy<V>(value: V): V {
  return JSON.parse(JSON.stringify(value)) as V;
}

function unknownType(fnName: string, type: unknown): WebhookValidationError {
  return new WebhookValidationError(
    'unknown_event_type',
    `${fnName}: ${typeof type === 'string' ? quoteType(type) : typeof type} is not a known type.`,
    { issues: [{ path: 'type', code: 'invalid_value', message: 'unknown event type' }] },
  );
}

/**
 * A valid, synthetic Novatrade24 event of `type`, schema version 1: id `evt_000…`, source
 * `SYSTEM`, created `2026-04-22T10:30:00Z`, all-zero organization, partner (null on meta-events)
 * and entity UUIDs. A fresh deep copy on every call.
 *
 * @param type - one of the 10 catalog types.
 * @param overrides - envelope fields to replace, and `data` fields to merge in.
 * @throws WebhookValidationError `unknown_event_type` for a type outside the catalog.
 * @example
 * ```ts
 * const event = createSampleEvent('compliance.decision_made', { data: { decision: 'VAT_APPLICABLE' } });
 * const body = JSON.stringify(event);
 * ```
 */
export function createSampleEvent<T extends EventType>(
  type: T,
  overrides: SampleEventOverrides<T> = {},
): WebhookEvent<T> {
  if (!isEventType(type)) throw unknownType('createSampleEvent', type);
  const isMeta = (META_EVENT_TYPES as readonly string[]).includes(type);
  return copy({
    id: overrides.id ?? SAMPLE_EVENT_ID,
    type,
    schemaVersion: 1,
    source: overrides.source ?? 'SYSTEM',
    createdAt: overrides.createdAt ?? SAMPLE_TIME,
    organizationUuid: overrides.organizationUuid ?? ZERO_UUID,
    partnerUuid:
      overrides.partnerUuid !== undefined ? overrides.partnerUuid : isMeta ? null : ZERO_UUID,
    data: { ...NOVATRADE_SAMPLE_DATA[type], ...overrides.data },
  }) as unknown as WebhookEvent<T>;
}

/**
 * A valid, synthetic N'entropy EUDR event of `type`: timestamp `2024-01-15T10:30:00.000Z`,
 * integration `int_000…`, all-zero external and internal ids. A fresh deep copy on every call.
 *
 * @param type - one of the 14 EUDR types.
 * @param overrides - envelope fields to replace, and `data` fields to merge in.
 * @throws WebhookValidationError `unknown_event_type` for a type outside the 14.
 * @example
 * ```ts
 * const event = createSampleEudrEvent('sync.completed', { data: { errors: 2 } });
 * ```
 */
export function createSampleEudrEvent<T extends EudrEventType>(
  type: T,
  overrides: SampleEudrEventOverrides<T> = {},
): EudrWebhookEvent<T> {
  if (!isEudrEventType(type)) throw unknownType('createSampleEudrEvent', type);
  return copy({
    event: type,
    timestamp: overrides.timestamp ?? '2024-01-15T10:30:00.000Z',
    integrationId: overrides.integrationId ?? `int_${ZEROS}`,
    data: { ...EUDR_SAMPLE_DATA[type], ...overrides.data },
  }) as unknown as EudrWebhookEvent<T>;
}
