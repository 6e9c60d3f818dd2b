import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EUDR_EVENT_TYPES, EVENT_TYPES } from '../../../../src/core/catalog/event-types.js';
import { parseEudrEventJson, parseEventJson } from '../../../../src/core/catalog/index.js';
import {
  createSampleEudrEvent,
  createSampleEvent,
} from '../../../../src/core/catalog/sample-events.js';
import {
  buildDeliveryRequest,
  EUDR_PROFILE,
  NOVATRADE_PROFILE,
  type OutboundEvent,
  type SigningContext,
} from '../../../../src/core/profiles/index.js';
import {
  EUDR_HEALTH_POLICY,
  NOVATRADE_HEALTH_POLICY,
} from '../../../../src/core/retry/health-policy.js';
import {
  EUDR_RETRY_POLICY,
  NOVATRADE_RETRY_POLICY,
} from '../../../../src/core/retry/retry-policy.js';
import { VERSION } from '../../../../src/core/version.js';
import { nodeHmacSha256Hex } from '../../../../src/signature/node-hmac-sha256-hex.node.js';
import { verifyEudrSignature } from '../../../../src/signature/verify-eudr-signature.node.js';
import { verifyNovatradeSignature } from '../../../../src/signature/verify-novatrade-signature.node.js';

// The docs/design.md §6.5 vector, reproduced end to end through the profile.
const VECTOR_BODY =
  '{"id":"evt_test_0001","type":"compliance.decision_made","schemaVersion":1,"source":"SYSTEM","createdAt":"2026-04-22T10:30:00Z","organizationUuid":"550e8400-e29b-41d4-a716-446655440000","partnerUuid":"11111111-2222-3333-4444-555555555555","data":{"orderUuid":"00000000-0000-0000-0000-000000000000","decision":"VALID_EXPORT"}}';
const VECTOR_EVENT: OutboundEvent = {
  id: 'evt_test_0001',
  type: 'compliance.decision_made',
  schemaVersion: 1,
  source: 'SYSTEM',
  createdAtMs: Date.parse('2026-04-22T10:30:00Z'),
  organizationUuid: '550e8400-e29b-41d4-a716-446655440000',
  partnerUuid: '11111111-2222-3333-4444-555555555555',
  data: { orderUuid: '00000000-0000-0000-0000-000000000000', decision: 'VALID_EXPORT' },
};

function context(event: OutboundEvent, overrides: Partial<SigningContext> = {}): SigningContext {
  return {
    event,
    endpointId: 'wh_test',
    deliveryId: 'del_test',
    secrets: ['whsec_test_secret'],
    nowMs: 1_729_684_200_000,
    hmac: nodeHmacSha256Hex,
    ...overrides,
  };
}

/** An OutboundEvent from a catalog sample. */
function outbound(type: (typeof EVENT_TYPES)[number], createdAtMs: number): OutboundEvent {
  const sample = createSampleEvent(type);
  return {
    id: sample.id,
    type: sample.type,
    schemaVersion: sample.schemaVersion,
    source: sample.source,
    createdAtMs,
    organizationUuid: sample.organizationUuid,
    partnerUuid: sample.partnerUuid,
    data: sample.data as Record<string, unknown>,
  };
}

describe('NOVATRADE_PROFILE', () => {
  it('reproduces the docs/design.md §6.5 vector: exact 324-byte body and signature header', () => {
    const { body, headers } = buildDeliveryRequest(NOVATRADE_PROFILE, context(VECTOR_EVENT));
    expect(body).toBe(VECTOR_BODY);
    expect(Buffer.byteLength(body)).toBe(324);
    expect(headers['X-Novatrade-Signature']).toBe(
      't=1729684200,v1=a96fdb027b1688776bfb4179510ae51f6a2a27ca9f0b21374b9a738cb15b0d96',
    );
  });

  it('sends every documented header and the delivery/endpoint ids (docs/design.md §4)', () => {
    const { headers } = buildDeliveryRequest(NOVATRADE_PROFILE, context(VECTOR_EVENT));
    expect(headers).toEqual({
      'Content-Type': 'application/json',
      'X-Novatrade-Signature': expect.stringMatching(/^t=1729684200,v1=[0-9a-f]{64}$/),
      'X-Novatrade-Event-Id': 'evt_test_0001',
      'X-Novatrade-Event-Type': 'compliance.decision_made',
      'X-Novatrade-Schema-Version': '1',
      'X-Novatrade-Delivery-Id': 'del_test',
      'X-Novatrade-Endpoint-Id': 'wh_test',
      'User-Agent': `novatrade24-webhooks/${VERSION}`,
    });
  });

  it('signs with every live secret during a rotation; each secret alone verifies', () => {
    const secrets = ['whsec_new', 'whsec_old'];
    const { body, headers } = buildDeliveryRequest(
      NOVATRADE_PROFILE,
      context(VECTOR_EVENT, { secrets }),
    );
    const header = headers['X-Novatrade-Signature'] as string;
    expect(header.split(',').filter((part) => part.startsWith('v1='))).toHaveLength(2);
    for (const secret of secrets) {
      expect(
        verifyNovatradeSignature(body, header, secret, { now: () => 1_729_684_200_000 }),
      ).toEqual({
        timestamp: 1_729_684_200,
      });
    }
  });

  it('prints whole-second times as the docs do and keeps milliseconds otherwise', () => {
    const whole = JSON.parse(NOVATRADE_PROFILE.serializeBody(VECTOR_EVENT));
    expect(whole.createdAt).toBe('2026-04-22T10:30:00Z');
    const precise = JSON.parse(
      NOVATRADE_PROFILE.serializeBody({
        ...VECTOR_EVENT,
        createdAtMs: VECTOR_EVENT.createdAtMs + 250,
      }),
    );
    expect(precise.createdAt).toBe('2026-04-22T10:30:00.250Z');
  });

  it('rejects a non-finite createdAtMs with invalid_event', () => {
    expect(() =>
      NOVATRADE_PROFILE.serializeBody({ ...VECTOR_EVENT, createdAtMs: Number.NaN }),
    ).toThrow(expect.objectContaining({ code: 'invalid_event' }));
  });

  it('carries the Novatrade retry and health policies and a 10 s timeout', () => {
    expect(NOVATRADE_PROFILE.retryPolicy).toBe(NOVATRADE_RETRY_POLICY);
    expect(NOVATRADE_PROFILE.healthPolicy).toBe(NOVATRADE_HEALTH_POLICY);
    expect(NOVATRADE_PROFILE.timeoutMs).toBe(10_000);
    expect(NOVATRADE_PROFILE.eventTypes).toEqual(EVENT_TYPES);
  });

  it('property: for every catalog type, the body parses (strict) back to the event and the header verifies', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EVENT_TYPES),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        fc.integer({ min: 1_000_000_000_000, max: 4_102_444_800_000 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        (type, createdAtMs, nowMs, secret) => {
          const event = outbound(type, createdAtMs);
          const { body, headers } = buildDeliveryRequest(
            NOVATRADE_PROFILE,
            context(event, { nowMs, secrets: [secret] }),
          );
          const parsed = parseEventJson(body, { strict: true });
          expect(parsed.id).toBe(event.id);
          expect(parsed.type).toBe(type);
          expect(Date.parse(parsed.createdAt)).toBe(createdAtMs);
          expect(parsed.data).toEqual(event.data);
          expect(headers['X-Novatrade-Event-Type']).toBe(type);
          expect(
            verifyNovatradeSignature(body, headers['X-Novatrade-Signature'], secret, {
              now: () => nowMs,
            }),
          ).toEqual({
            timestamp: Math.floor(nowMs / 1000),
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('serializes deterministically (one body per event and version serves every endpoint)', () => {
    const event = outbound('compliance.status_changed', 1_700_000_000_123);
    expect(NOVATRADE_PROFILE.serializeBody(event)).toBe(
      NOVATRADE_PROFILE.serializeBody({ ...event }),
    );
  });
});

describe('EUDR_PROFILE', () => {
  const sample = createSampleEudrEvent('supplier.created');
  const event: OutboundEvent = {
    id: 'evt_eudr',
    type: 'supplier.created',
    schemaVersion: 1,
    source: 'SYSTEM',
    createdAtMs: Date.parse('2024-01-15T10:30:00.000Z'),
    organizationUuid: 'int_abc123',
    partnerUuid: null,
    data: sample.data as Record<string, unknown>,
  };

  it('builds the documented body {event, timestamp, integrationId, data}', () => {
    const body = EUDR_PROFILE.serializeBody(event);
    expect(JSON.parse(body)).toEqual({
      event: 'supplier.created',
      timestamp: '2024-01-15T10:30:00.000Z',
      integrationId: 'int_abc123',
      data: sample.data,
    });
    expect(Object.keys(JSON.parse(body))).toEqual(['event', 'timestamp', 'integrationId', 'data']);
    expect(parseEudrEventJson(body, { strict: true }).event).toBe('supplier.created');
  });

  it('sends the documented headers; X-Webhook-Id is the endpoint id; signature verifies', () => {
    const { body, headers } = buildDeliveryRequest(
      EUDR_PROFILE,
      context(event, { secrets: ['whsec_eudr'] }),
    );
    expect(headers).toEqual({
      'Content-Type': 'application/json',
      'X-Webhook-Signature': expect.stringMatching(/^sha256=[0-9a-f]{64}$/),
      'X-Webhook-Event': 'supplier.created',
      'X-Webhook-Id': 'wh_test',
      'X-Webhook-Timestamp': '2024-01-15T10:30:00.000Z',
      'User-Agent': 'EUDR-Platform-Webhook/1.0',
    });
    expect(() =>
      verifyEudrSignature(body, headers['X-Webhook-Signature'], 'whsec_eudr'),
    ).not.toThrow();
  });

  it('signs with the newest secret during a rotation', () => {
    const { body, headers } = buildDeliveryRequest(
      EUDR_PROFILE,
      context(event, { secrets: ['whsec_new', 'whsec_old'] }),
    );
    expect(() =>
      verifyEudrSignature(body, headers['X-Webhook-Signature'], 'whsec_new'),
    ).not.toThrow();
    expect(() => verifyEudrSignature(body, headers['X-Webhook-Signature'], 'whsec_old')).toThrow(
      expect.objectContaining({ code: 'signature_mismatch' }),
    );
  });

  it('refuses to sign without a secret (invalid_secret)', () => {
    expect(() => buildDeliveryRequest(EUDR_PROFILE, context(event, { secrets: [] }))).toThrow(
      expect.objectContaining({ code: 'invalid_secret' }),
    );
  });

  it('carries the EUDR retry and health policies and a 10 s timeout', () => {
    expect(EUDR_PROFILE.retryPolicy).toBe(EUDR_RETRY_POLICY);
    expect(EUDR_PROFILE.healthPolicy).toBe(EUDR_HEALTH_POLICY);
    expect(EUDR_PROFILE.timeoutMs).toBe(10_000);
    expect(EUDR_PROFILE.eventTypes).toEqual(EUDR_EVENT_TYPES);
  });

  it('property: every EUDR type serializes to a body the EUDR parser accepts (strict)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EUDR_EVENT_TYPES),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (type, createdAtMs) => {
          const s = createSampleEudrEvent(type);
          const body = EUDR_PROFILE.serializeBody({
            ...event,
            type,
            createdAtMs,
            data: s.data as Record<string, unknown>,
          });
          const parsed = parseEudrEventJson(body, { strict: true });
          expect(parsed.event).toBe(type);
          expect(Date.parse(parsed.timestamp)).toBe(createdAtMs);
          expect(parsed.data).toEqual(s.data);
        },
      ),
    );
  });
});
