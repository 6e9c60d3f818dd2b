import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EVENT_TYPES } from '../../../../src/core/catalog/event-types.js';
import { parseEventJson } from '../../../../src/core/catalog/index.js';
import { createSampleEvent } from '../../../../src/core/catalog/sample-events.js';
import {
  buildDeliveryRequest,
  NOVATRADE_PROFILE,
  type OutboundEvent,
  type SigningContext,
  STANDARD_WEBHOOKS_PROFILE,
} from '../../../../src/core/profiles/index.js';
import { NOVATRADE_HEALTH_POLICY } from '../../../../src/core/retry/health-policy.js';
import { NOVATRADE_RETRY_POLICY } from '../../../../src/core/retry/retry-policy.js';
import { STANDARD_WEBHOOKS_HEADERS } from '../../../../src/core/signature/constants.js';
import { VERSION } from '../../../../src/core/version.js';
import { nodeHmacSha256Base64 } from '../../../../src/signature/node-hmac-sha256-base64.node.js';
import { nodeHmacSha256Hex } from '../../../../src/signature/node-hmac-sha256-hex.node.js';
import { verifyStandardWebhook } from '../../../../src/signature/verify-standard-webhook.node.js';
import { expectValidationError } from '../../signature/helpers.js';
import { standardVectors } from '../../signature/standard-helpers.js';

// The vector whose body is the Novatrade24 envelope of docs/design.md §6.5, and that event.
const VECTOR = standardVectors.find((v) => v.id === 'evt_test_0001');
const envelope = parseEventJson(VECTOR?.body ?? '');
const VECTOR_EVENT: OutboundEvent = { ...envelope, createdAtMs: Date.parse(envelope.createdAt) };
const SECRET = VECTOR?.secret ?? '';

function context(overrides: Partial<SigningContext> = {}): SigningContext {
  return {
    event: VECTOR_EVENT,
    endpointId: 'wh_test',
    deliveryId: 'del_test',
    secrets: [SECRET],
    nowMs: 1_729_684_200_250,
    hmac: nodeHmacSha256Hex,
    hmacBase64: nodeHmacSha256Base64,
    ...overrides,
  };
}

describe('STANDARD_WEBHOOKS_PROFILE', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is frozen data: the Novatrade24 catalog, retry and health policies and 10 s timeout', () => {
    expect(Object.isFrozen(STANDARD_WEBHOOKS_PROFILE)).toBe(true);
    expect(STANDARD_WEBHOOKS_PROFILE).toMatchObject({
      name: 'standard-webhooks',
      eventTypes: EVENT_TYPES,
      retryPolicy: NOVATRADE_RETRY_POLICY,
      healthPolicy: NOVATRADE_HEALTH_POLICY,
      timeoutMs: 10_000,
    });
  });

  it('reproduces the pinned vector end to end: the envelope body and its v1 signature', () => {
    const { body, headers } = buildDeliveryRequest(STANDARD_WEBHOOKS_PROFILE, context());
    expect(body).toBe(VECTOR?.body);
    expect(headers).toEqual({
      'content-type': 'application/json',
      'webhook-id': 'evt_test_0001',
      'webhook-timestamp': '1729684200',
      'webhook-signature': VECTOR?.signature,
      'user-agent': `novatrade24-webhooks/${VERSION}`,
    });
    expect(Object.keys(headers)).toEqual([
      'content-type',
      STANDARD_WEBHOOKS_HEADERS.id,
      STANDARD_WEBHOOKS_HEADERS.timestamp,
      STANDARD_WEBHOOKS_HEADERS.signature,
      'user-agent',
    ]);
  });

  it('serializes every catalog event byte for byte as NOVATRADE_PROFILE, and it parses back', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EVENT_TYPES),
        fc.integer({ min: 0, max: 4e12 }),
        (type, createdAtMs) => {
          const sample = createSampleEvent(type);
          const event: OutboundEvent = { ...sample, createdAtMs } as never;
          const body = STANDARD_WEBHOOKS_PROFILE.serializeBody(event);
          expect(body).toBe(NOVATRADE_PROFILE.serializeBody(event));
          expect(parseEventJson(body).id).toBe(sample.id);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('signs at send time: a retry keeps webhook-id and gets a new webhook-timestamp', () => {
    const first = STANDARD_WEBHOOKS_PROFILE.buildHeaders(
      '{}',
      context({ nowMs: 1_000_000_000_999 }),
    );
    const retry = STANDARD_WEBHOOKS_PROFILE.buildHeaders(
      '{}',
      context({ nowMs: 1_000_000_060_000 }),
    );
    expect(first['webhook-id']).toBe(retry['webhook-id']);
    expect(first['webhook-timestamp']).toBe('1000000000');
    expect(retry['webhook-timestamp']).toBe('1000000060');
    expect(first['webhook-signature']).not.toBe(retry['webhook-signature']);
  });

  it('signs with every live secret; our verifier and the reference accept each', () => {
    const old = `whsec_${Buffer.alloc(32, 0x11).toString('base64')}`;
    const { body, headers } = buildDeliveryRequest(
      STANDARD_WEBHOOKS_PROFILE,
      context({ secrets: [SECRET, old], nowMs: 1_729_684_200_000 }),
    );
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    vi.useFakeTimers();
    vi.setSystemTime(1_729_684_200_000);
    for (const secret of [SECRET, old]) {
      expect(verifyStandardWebhook(body, headers, secret)).toEqual({
        id: 'evt_test_0001',
        timestamp: 1_729_684_200,
      });
      expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    }
  });

  it('needs the byte-key primitive, and a base64 secret', async () => {
    const missing = await expectValidationError(
      () => STANDARD_WEBHOOKS_PROFILE.buildHeaders('{}', context({ hmacBase64: undefined })),
      'invalid_option',
    );
    expect(missing.issues[0]?.path).toBe('hmacBase64');
    expect(missing.message).toContain('nodeHmacSha256Base64');
    await expectValidationError(
      () =>
        STANDARD_WEBHOOKS_PROFILE.buildHeaders(
          '{}',
          context({ secrets: ['whsec_a-very_url-safe'] }),
        ),
      'invalid_secret',
      ['whsec_a-very_url-safe'],
    );
  });

  it("has a secret format: mints whsec_ + padded base64 of 32 bytes, and checks callers' secrets", () => {
    const format = STANDARD_WEBHOOKS_PROFILE.secretFormat;
    expect(format).toBeDefined();
    const secret = format?.create((n) => new Uint8Array(n).fill(0xfe)) ?? '';
    expect(secret).toBe(`whsec_${Buffer.alloc(32, 0xfe).toString('base64')}`);
    expect(format?.check(secret)).toBeNull();
    expect(format?.check(`whsec_${Buffer.alloc(32, 0xfe).toString('base64url')}`)).toContain(
      'base64url',
    );
    expect(() => new Webhook(secret)).not.toThrow();
    expect(NOVATRADE_PROFILE.secretFormat).toBeUndefined();
  });
});
