// Payloads exactly as the vendors' docs show them (the vendors' pages, docs/design.md §6). Placeholders such as
// "o1p2q3r4-..." are the docs' own (docs/design.md §7, A-26): ids are not validated as UUIDs.

/** the Novatrade24 setup page (docs/design.md §6.15) "Delivery request format": the documented envelope, verbatim. */
export const DOC_ENVELOPE_JSON = `{
  "id": "evt_a1b2c3d4e5f6",
  "type": "compliance.status_changed",
  "schemaVersion": 1,
  "source": "SYSTEM",
  "createdAt": "2026-04-22T10:30:00Z",
  "organizationUuid": "550e8400-...",
  "partnerUuid": "11111111-...",
  "data": {
    "orderUuid": "o1p2q3r4-...",
    "previousStatus": "INCOMPLETE",
    "currentStatus": "VALID",
    "blockers": []
  }
}`;

/** The signature page's computed vector (docs/design.md §6.5): its body, 324 bytes, no whitespace. */
export const VECTOR_BODY =
  '{"id":"evt_test_0001","type":"compliance.decision_made","schemaVersion":1,"source":"SYSTEM","createdAt":"2026-04-22T10:30:00Z","organizationUuid":"550e8400-e29b-41d4-a716-446655440000","partnerUuid":"11111111-2222-3333-4444-555555555555","data":{"orderUuid":"00000000-0000-0000-0000-000000000000","decision":"VALID_EXPORT"}}';

const envelope = {
  id: 'evt_a1b2c3d4e5f6',
  schemaVersion: 1,
  source: 'SYSTEM',
  createdAt: '2026-04-22T10:30:00Z',
  organizationUuid: '550e8400-...',
  partnerUuid: '11111111-...',
};

/** The `data` examples of the event catalog (docs/design.md §6.9), wrapped in the envelope. */
export const DOC_EVENTS: readonly { readonly type: string; readonly data: object }[] = [
  {
    // the Novatrade24 setup page (docs/design.md §6.15), the test-fire body's data
    type: 'compliance.status_changed',
    data: {
      orderUuid: '00000000-0000-0000-0000-000000000000',
      previousStatus: 'INCOMPLETE',
      currentStatus: 'VALID',
      blockers: [],
    },
  },
  {
    // §1.18: moving out of VALID lists the blockers now active (rollup element shape, §1.17)
    type: 'compliance.status_changed',
    data: {
      orderUuid: 'o1p2q3r4-...',
      previousStatus: 'VALID',
      currentStatus: 'INVALID',
      blockers: [{ module: 'transport', code: 'VIES_PENDING', message: 'VIES re-check failed.' }],
    },
  },
  {
    type: 'compliance.decision_made',
    data: { orderUuid: 'o1p2q3r4-...', decision: 'VAT_APPLICABLE' },
  },
  {
    type: 'kyc.vies_check_failed',
    data: {
      buyerUuid: 'b1c2d3e4-...',
      vatNumber: 'DE123456789',
      previousResult: 'VALID',
      currentResult: 'INVALID',
      checkedAt: '2026-04-22T10:30:00Z',
      reason: 'VIES service returned NOT_VALID for the specified VAT number.',
    },
  },
  {
    // the example omits the documented `reason` (docs/design.md §7, A-25)
    type: 'kyc.verification_completed',
    data: {
      buyerUuid: 'b1c2d3e4-...',
      outcome: 'VERIFIED',
      sessionId: 'idenfy_abc123',
      completedAt: '2026-04-22T10:30:00Z',
    },
  },
  {
    type: 'kyc.verification_completed',
    data: {
      buyerUuid: 'b1c2d3e4-...',
      outcome: 'REJECTED',
      sessionId: 'idenfy_abc123',
      completedAt: '2026-04-22T10:30:00Z',
      reason: 'Document could not be verified.',
    },
  },
  // the documented fields only of the truncated examples (docs/design.md §7, A-25)
  {
    type: 'export_file.generated',
    data: { downloadUrl: '/v1/partners/11111111-.../orders/o1p2q3r4-.../finalization/export-file' },
  },
  { type: 'prospect.submitted', data: { type: 'CONSUMER' } },
  { type: 'self_service_invitation.used', data: { kind: 'KYC', buyerUuid: 'b1c2d3e4-...' } },
  {
    type: 'self_service_invitation.used',
    data: { kind: 'PROSPECT', prospectUuid: 'p1q2r3s4-...' },
  },
].map(({ type, data }) => ({ type, data: { ...envelope, type, data } }));

/** N'entropy's webhook overview (docs/design.md §6.10) "Webhook Payload": the EUDR envelope, verbatim. */
export const DOC_EUDR_JSON =
  '{ "event": "supplier.created", "timestamp": "2024-01-15T10:30:00.000Z", "integrationId": "int_abc123", "data": { "externalId": "VENDOR-001", "internalId": "clx..." }}';

/** The EUDR data examples of docs/design.md §6.13, wrapped in the envelope. */
export const DOC_EUDR_EVENTS: readonly object[] = [
  { event: 'sync.completed', data: { entityType: 'SUPPLIER', created: 5, updated: 2, errors: 0 } },
  {
    event: 'dds.status_changed',
    data: {
      batchExternalId: 'BATCH-001',
      ddsNumber: 'DDS-2024-00042',
      previousStatus: 'DRAFT',
      newStatus: 'SUBMITTED',
    },
  },
  // DdsStatus includes null: no DDS yet
  {
    event: 'dds.status_changed',
    data: {
      batchExternalId: 'BATCH-001',
      ddsNumber: null,
      previousStatus: null,
      newStatus: 'DRAFT',
    },
  },
  { event: 'product.deleted', data: { externalId: 'PROD-001', internalId: 'clx...' } },
].map((e) => ({ timestamp: '2024-01-15T10:30:00.000Z', integrationId: 'int_abc', ...e }));
