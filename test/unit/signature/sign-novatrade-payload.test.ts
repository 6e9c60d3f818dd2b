import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signNovatradePayload } from '../../../src/signature/sign-novatrade-payload.node.js';
import {
  expectValidationError,
  expectVerificationError,
  offsetView,
  utf8,
  vectors,
} from './helpers.js';

describe('signNovatradePayload', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const vector of vectors.novatrade) {
    it(`reproduces the openssl vector "${vector.name}" from a string and from bytes`, () => {
      const options = { timestamp: vector.timestamp };
      expect(signNovatradePayload(vector.body, vector.secret, options)).toBe(vector.header);
      expect(signNovatradePayload(utf8(vector.body), vector.secret, options)).toBe(vector.header);
      expect(signNovatradePayload(offsetView(utf8(vector.body)), vector.secret, options)).toBe(
        vector.header,
      );
    });
  }

  it('signs the exact bytes of a view, not the whole underlying buffer', () => {
    const view = offsetView(utf8('{"a":1}'));
    const expected = createHmac('sha256', 'whsec_k').update('5.{"a":1}').digest('hex');
    expect(signNovatradePayload(view, 'whsec_k', { timestamp: 5 })).toBe(`t=5,v1=${expected}`);
  });

  it('writes one v1 per secret, in the given order', () => {
    const header = signNovatradePayload('{}', ['whsec_new', 'whsec_old'], { timestamp: 9 });
    const sig = (key: string) => createHmac('sha256', key).update('9.{}').digest('hex');
    expect(header).toBe(`t=9,v1=${sig('whsec_new')},v1=${sig('whsec_old')}`);
  });

  it('defaults t to the current Unix second', () => {
    vi.useFakeTimers();
    vi.setSystemTime(1729684200_999);
    expect(signNovatradePayload('{}', 'whsec_k')).toMatch(/^t=1729684200,v1=[0-9a-f]{64}$/);
  });

  it.each([
    ['0', 0],
    ['a negative number', -1],
    ['a fraction', 1729684200.5],
    ['a string', '1729684200'],
    ['NaN', Number.NaN],
  ])('rejects timestamp %s with invalid_option naming timestamp', async (_label, timestamp) => {
    const error = await expectValidationError(
      () => signNovatradePayload('{}', 'whsec_k', { timestamp: timestamp as number }),
      'invalid_option',
    );
    expect(error.issues[0]?.path).toBe('timestamp');
  });

  it('rejects a millisecond timestamp and says so', async () => {
    const error = await expectValidationError(
      () => signNovatradePayload('{}', 'whsec_k', { timestamp: 1729684200000 }),
      'invalid_option',
    );
    expect(error.message).toContain('milliseconds');
  });

  it('rejects options that are not an object with invalid_option', async () => {
    await expectValidationError(
      () => signNovatradePayload('{}', 'whsec_k', null as never),
      'invalid_option',
    );
  });

  it('rejects an empty secret with invalid_secret and never echoes a secret', async () => {
    await expectValidationError(() => signNovatradePayload('{}', ''), 'invalid_secret');
    await expectValidationError(
      () => signNovatradePayload('{}', ['whsec_valid_secret_1', 3 as never]),
      'invalid_secret',
      ['whsec_valid_secret_1'],
    );
  });

  it('rejects an object payload with invalid_payload_type', async () => {
    await expectVerificationError(
      () => signNovatradePayload({ id: 1 } as never, 'whsec_k'),
      'invalid_payload_type',
    );
  });
});
