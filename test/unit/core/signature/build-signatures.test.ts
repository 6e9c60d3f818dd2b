import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { WebhookValidationError, WebhookVerificationError } from '../../../../src/core/errors.js';
import { buildEudrSignature } from '../../../../src/core/signature/build-eudr-signature.js';
import { buildNovatradeSignatureHeader } from '../../../../src/core/signature/build-novatrade-signature-header.js';
import type { HmacSha256Hex } from '../../../../src/core/signature/hmac-sha256-hex.js';
import { referenceHmac } from '../../../helpers/reference-hmac.js';
import { errorOf } from '../../../helpers/thrown.js';

// A reference primitive written independently of src/: createHmac over the concatenated parts.
describe('buildNovatradeSignatureHeader', () => {
  it('signs "<t>.<body>" with each secret and writes one v1 per secret, in order', () => {
    const header = buildNovatradeSignatureHeader('{"a":1}', {
      secret: ['whsec_one', 'whsec_two'],
      timestampSeconds: 1729684200,
      hmac: referenceHmac,
    });
    const one = createHmac('sha256', 'whsec_one').update('1729684200.{"a":1}').digest('hex');
    const two = createHmac('sha256', 'whsec_two').update('1729684200.{"a":1}').digest('hex');
    expect(header).toBe(`t=1729684200,v1=${one},v1=${two}`);
  });

  it('passes the primitive the timestamp prefix and the payload untouched (no copy, no decode)', () => {
    const payload = new Uint8Array([1, 2, 3, 250]).subarray(1);
    const hmac = vi.fn<HmacSha256Hex>(() => 'f'.repeat(64));
    buildNovatradeSignatureHeader(payload, { secret: 'k', timestampSeconds: 5, hmac });
    expect(hmac).toHaveBeenCalledTimes(1);
    const [key, message] = hmac.mock.calls[0] ?? [];
    expect(key).toBe('k');
    expect(message).toEqual(['5.', payload]);
    expect(message?.[1]).toBe(payload);
  });

  it.each([
    ['uppercase hex', () => 'F'.repeat(64)],
    ['a short digest', () => 'abc'],
    ['bytes', () => new Uint8Array(32) as never],
  ])('rejects a primitive returning %s with invalid_option naming hmac', (_label, hmac) => {
    const error = errorOf(() =>
      buildNovatradeSignatureHeader('x', {
        secret: 'k',
        timestampSeconds: 1,
        hmac: hmac as HmacSha256Hex,
      }),
    );
    expect(error).toBeInstanceOf(WebhookValidationError);
    expect((error as WebhookValidationError).code).toBe('invalid_option');
    expect((error as WebhookValidationError).issues[0]?.path).toBe('hmac');
  });

  it.each([
    ['a missing hmac', { secret: 'k', timestampSeconds: 1 }, 'invalid_option', 'hmac'],
    [
      'timestamp 0',
      { secret: 'k', timestampSeconds: 0, hmac: referenceHmac },
      'invalid_option',
      'timestampSeconds',
    ],
    [
      'a string timestamp',
      { secret: 'k', timestampSeconds: '1', hmac: referenceHmac },
      'invalid_option',
      'timestampSeconds',
    ],
    [
      'an empty secret',
      { secret: '', timestampSeconds: 1, hmac: referenceHmac },
      'invalid_secret',
      'secret',
    ],
    ['no options', undefined, 'invalid_option', 'options'],
  ])('rejects %s', (_label, options, code, path) => {
    const error = errorOf(() => buildNovatradeSignatureHeader('x', options as never));
    expect(error).toBeInstanceOf(WebhookValidationError);
    expect((error as WebhookValidationError).code).toBe(code);
    expect((error as WebhookValidationError).issues[0]?.path).toBe(path);
  });

  it('rejects a parsed object as the payload with invalid_payload_type', () => {
    const error = errorOf(() =>
      buildNovatradeSignatureHeader({ a: 1 } as never, {
        secret: 'k',
        timestampSeconds: 1,
        hmac: referenceHmac,
      }),
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect((error as WebhookVerificationError).code).toBe('invalid_payload_type');
  });
});

describe('buildEudrSignature', () => {
  it('returns sha256= and the HMAC of the raw body alone', () => {
    expect(buildEudrSignature('{"event":"x"}', { secret: 'whsec_e', hmac: referenceHmac })).toBe(
      `sha256=${createHmac('sha256', 'whsec_e').update('{"event":"x"}').digest('hex')}`,
    );
  });

  it('rejects a list of secrets with invalid_secret: the header holds one signature', () => {
    const error = errorOf(() =>
      buildEudrSignature('x', { secret: ['a', 'b'] as never, hmac: referenceHmac }),
    );
    expect(error).toBeInstanceOf(WebhookValidationError);
    expect((error as WebhookValidationError).code).toBe('invalid_secret');
    expect((error as Error).message).toContain('one secret');
  });

  it('rejects a primitive that returns uppercase hex with invalid_option', () => {
    const error = errorOf(() =>
      buildEudrSignature('x', { secret: 'k', hmac: () => 'A'.repeat(64) }),
    );
    expect((error as WebhookValidationError).code).toBe('invalid_option');
  });
});
