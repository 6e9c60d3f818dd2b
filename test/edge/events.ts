// Event bodies for the edge suites: valid envelopes of the catalog, as createSampleEvent (from the
// Node-only /testing entry) makes them, written out so the bundles need nothing from `node:`.

const ZERO = '00000000-0000-0000-0000-000000000000';

let sequence = 0;
/** A fresh event id per call: no two requests of a run collide in a dedupe store. */
export function uniqueEventId(): string {
  sequence += 1;
  return `evt_edge_${sequence}`;
}

const envelope = (type: string, id: string) => ({
  id,
  type,
  schemaVersion: 1,
  source: 'SYSTEM',
  createdAt: '2026-04-22T10:30:00Z',
  organizationUuid: ZERO,
  partnerUuid: ZERO,
});

export function decisionEvent(
  overrides: { id?: string; partnerUuid?: string; decision?: string } = {},
) {
  return {
    ...envelope('compliance.decision_made', overrides.id ?? uniqueEventId()),
    ...(overrides.partnerUuid === undefined ? {} : { partnerUuid: overrides.partnerUuid }),
    data: { orderUuid: ZERO, decision: overrides.decision ?? 'VALID_EXPORT' },
  };
}

export function prospectEvent(id = uniqueEventId()) {
  return {
    ...envelope('prospect.submitted', id),
    data: { type: 'COMPANY', prospectUuid: ZERO, invitationUuid: ZERO },
  };
}

export function viesEvent(id = uniqueEventId()) {
  return {
    ...envelope('kyc.vies_check_failed', id),
    data: {
      buyerUuid: '33333333-3333-4333-8333-333333333333',
      vatNumber: 'DE123456789',
      previousResult: 'VALID',
      currentResult: 'INVALID',
      checkedAt: '2026-04-22T10:30:00Z',
      reason: 'VIES service returned NOT_VALID for the specified VAT number.',
    },
  };
}

export function supplierCreatedEvent(externalId = ZERO) {
  return {
    event: 'supplier.created',
    timestamp: '2024-01-15T10:30:00.000Z',
    integrationId: 'int_00000000000000000000000000',
    data: { externalId, internalId: ZERO },
  };
}

export function syncCompletedEvent() {
  return {
    event: 'sync.completed',
    timestamp: '2024-01-15T10:30:00.000Z',
    integrationId: 'int_00000000000000000000000000',
    data: { entityType: 'SUPPLIER', created: 1, updated: 0, errors: 0 },
  };
}
