import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebhookVerificationError } from '../../../src/core/errors.js';
import { signEudrPayload } from '../../../src/signature/sign-eudr-payload.node.js';
import { signNovatradePayload } from '../../../src/signature/sign-novatrade-payload.node.js';
import { verifyEudrSignature } from '../../../src/signature/verify-eudr-signature.node.js';
import { verifyNovatradeSignature } from '../../../src/signature/verify-novatrade-signature.node.js';
import { generateEudrTestHeader } from '../../../src/testing/generate-eudr-test-header.node.js';
import { generateTestHeader } from '../../../src/testing/generate-test-header.node.js';
import { errorOf, thrown } from '../../helpers/thrown.js';

const SECRET = 'whsec_test_secret';

/** The docs/design.md §6.5 vector (also pinned by the signature and profile tests). */
const VECTOR = {
  body: '{"id":"evt_test_0001","type":"compliance.decision_made","schemaVersion":1,"source":"SYSTEM","createdAt":"2026-04-22T10:30:00Z","organizationUuid":"550e8400-e29b-41d4-a716-446655440000","partnerUuid":"11111111-2222-3333-4444-555555555555","data":{"orderUuid":"00000000-0000-0000-0000-000000000000","decision":"VALID_EXPORT"}}',
  timestampSeconds: 1729684200,
  header: 't=1729684200,v1=a96fdb027b1688776bfb4179510ae51f6a2a27ca9f0b21374b9a738cb15b0d96',
};

const secretArb = fc.string({ minLength: 1, maxLength: 40 });
const timestampArb = fc.integer({ min: 1, max: 999_999_999_999 });
const payloadArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
);

describe('generateTestHeader', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reproduces the docs/design.md §6.5 vector with an explicit timestampSeconds', () => {
    expect(
      generateTestHeader({
        payload: VECTOR.body,
        secret: SECRET,
        timestampSeconds: VECTOR.timestampSeconds,
      }),
    ).toBe(VECTOR.header);
  });

  it('returns what signNovatradePayload returns for the same input', () => {
    const bytes = new TextEncoder().encode('{"a":"é"}');
    expect(generateTestHeader({ payload: bytes, secret: ['k1', 'k2'], timestampSeconds: 7 })).toBe(
      signNovatradePayload(bytes, ['k1', 'k2'], { timestamp: 7 }),
    );
  });

  it('writes one v1 per secret, in order', () => {
    const header = generateTestHeader({
      payload: '{}',
      secret: ['new', 'old'],
      timestampSeconds: 9,
    });
    const sig = (key: string) => createHmac('sha256', key).update('9.{}').digest('hex');
    expect(header).toBe(`t=9,v1=${sig('new')},v1=${sig('old')}`);
  });

  it('defaults t to floor(now() / 1000) with an injected clock', () => {
    const header = generateTestHeader({ payload: '{}', secret: SECRET, now: () => 1729684200_999 });
    expect(header.startsWith('t=1729684200,v1=')).toBe(true);
  });

  it('defaults now to Date.now', () => {
    vi.useFakeTimers();
    vi.setSystemTime(1_800_000_000_500);
    expect(generateTestHeader({ payload: '{}', secret: SECRET })).toMatch(
      /^t=1800000000,v1=[0-9a-f]{64}$/,
    );
  });

  it('prefers timestampSeconds over now and does not call now', () => {
    const now = vi.fn(() => 5_000);
    const header = generateTestHeader({ payload: '{}', secret: SECRET, timestampSeconds: 42, now });
    expect(header.startsWith('t=42,')).toBe(true);
    expect(now).not.toHaveBeenCalled();
  });

  it.each([
    ['0', 0],
    ['a fraction', 1.5],
    ['milliseconds', 1_729_684_200_000],
    ['a string', '1729684200'],
  ])('rejects timestampSeconds %s with invalid_option naming timestampSeconds', (_, value) => {
    const error = thrown(() =>
      generateTestHeader({ payload: '{}', secret: SECRET, timestampSeconds: value as number }),
    );
    expect(error.code).toBe('invalid_option');
    expect(error.issues[0]?.path).toBe('timestampSeconds');
  });

  it.each([
    ['not a function', 123],
    ['returning NaN', () => Number.NaN],
    ['returning a string', () => '1'],
    ['returning a time before 1970-01-01T00:00:01Z', () => 999],
  ])('rejects now %s with invalid_option naming now', (_, now) => {
    const error = thrown(() =>
      generateTestHeader({ payload: '{}', secret: SECRET, now: now as () => number }),
    );
    expect(error.code).toBe('invalid_option');
    expect(error.issues[0]?.path).toBe('now');
  });

  it('rejects a missing options object with invalid_option naming options', () => {
    const error = thrown(() => generateTestHeader(undefined as never));
    expect(error.issues[0]?.path).toBe('options');
  });

  it('rejects an empty secret with invalid_secret', () => {
    expect(thrown(() => generateTestHeader({ payload: '{}', secret: '' })).code).toBe(
      'invalid_secret',
    );
  });

  it('rejects a parsed object payload with invalid_payload_type', () => {
    const error = errorOf(() => generateTestHeader({ payload: {} as never, secret: SECRET }));
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect((error as WebhookVerificationError).code).toBe('invalid_payload_type');
  });

  it('property: the header verifies at its own time and fails for another secret', () => {
    fc.assert(
      fc.property(
        payloadArb,
        secretArb,
        secretArb,
        timestampArb,
        (payload, secret, other, timestampSeconds) => {
          fc.pre(other !== secret);
          const header = generateTestHeader({ payload, secret, timestampSeconds });
          const now = () => timestampSeconds * 1000;
          expect(verifyNovatradeSignature(payload, header, secret, { now })).toEqual({
            timestamp: timestampSeconds,
          });
          const error = errorOf(() => verifyNovatradeSignature(payload, header, other, { now }));
          expect(error).toBeInstanceOf(WebhookVerificationError);
          expect((error as WebhookVerificationError).code).toBe('signature_mismatch');
        },
      ),
    );
  });

  it('property: signing through now equals signing at floor(now / 1000)', () => {
    fc.assert(
      fc.property(
        payloadArb,
        secretArb,
        fc.integer({ min: 1000, max: 999_999_999_999_999 }),
        (payload, secret, nowMs) => {
          expect(generateTestHeader({ payload, secret, now: () => nowMs })).toBe(
            generateTestHeader({ payload, secret, timestampSeconds: Math.floor(nowMs / 1000) }),
          );
        },
      ),
    );
  });
});

describe('generateEudrTestHeader', () => {
  it('returns sha256=<hex HMAC-SHA256(secret, body)>', () => {
    const expected = createHmac('sha256', SECRET).update('{"event":"x"}').digest('hex');
    expect(generateEudrTestHeader({ payload: '{"event":"x"}', secret: SECRET })).toBe(
      `sha256=${expected}`,
    );
  });

  it('equals signEudrPayload', () => {
    const bytes = new Uint8Array([0xff, 0x00, 0x7b]);
    expect(generateEudrTestHeader({ payload: bytes, secret: SECRET })).toBe(
      signEudrPayload(bytes, SECRET),
    );
  });

  it('rejects options that are not an object, and a secret list (one signature only)', () => {
    expect(thrown(() => generateEudrTestHeader(null as never)).issues[0]?.path).toBe('options');
    expect(
      thrown(() => generateEudrTestHeader({ payload: '{}', secret: ['a', 'b'] as never })).code,
    ).toBe('invalid_secret');
  });

  it('property: the header verifies and fails for another secret', () => {
    fc.assert(
      fc.property(payloadArb, secretArb, secretArb, (payload, secret, other) => {
        fc.pre(other !== secret);
        const header = generateEudrTestHeader({ payload, secret });
        expect(verifyEudrSignature(payload, header, secret)).toEqual({ timestamp: null });
        const error = errorOf(() => verifyEudrSignature(payload, header, other));
        expect((error as WebhookVerificationError).code).toBe('signature_mismatch');
      }),
    );
  });
});
