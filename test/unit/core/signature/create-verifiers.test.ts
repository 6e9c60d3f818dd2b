import { describe, expect, it, vi } from 'vitest';
import { WebhookValidationError, WebhookVerificationError } from '../../../../src/core/errors.js';
import { buildEudrSignature } from '../../../../src/core/signature/build-eudr-signature.js';
import { buildNovatradeSignatureHeader } from '../../../../src/core/signature/build-novatrade-signature-header.js';
import {
  createEudrVerifier,
  createEudrVerifierAsync,
} from '../../../../src/core/signature/create-eudr-verifier.js';
import {
  createNovatradeVerifier,
  createNovatradeVerifierAsync,
} from '../../../../src/core/signature/create-novatrade-verifier.js';
import { referenceHmac } from '../../../helpers/reference-hmac.js';
import { errorOf } from '../../../helpers/thrown.js';

const T = 1729684200;
const now = () => T * 1000;
const header = buildNovatradeSignatureHeader('body', {
  secret: 's2',
  timestampSeconds: T,
  hmac: referenceHmac,
});

describe('createNovatradeVerifier', () => {
  it('computes one HMAC per secret and stops at the first that matches', () => {
    const hmac = vi.fn(referenceHmac);
    const verify = createNovatradeVerifier({ hmac, now });
    expect(verify('body', header, ['s1', 's2', 's3'])).toEqual({ timestamp: T });
    expect(hmac.mock.calls.map(([key]) => key)).toEqual(['s1', 's2']);
    expect(hmac.mock.calls[0]?.[1]).toEqual([`${T}.`, 'body']);
  });

  it('computes no HMAC when the header, the window or an input is rejected first', () => {
    const hmac = vi.fn(referenceHmac);
    const verify = createNovatradeVerifier({ hmac, now });
    const failures = [
      () => verify({} as never, header, 's2'),
      () => verify('body', header, ''),
      () => verify('body', header, 's2', { toleranceSeconds: 0 }),
      () => verify('body', undefined, 's2'),
      () => verify('body', `t=${T},v1=abc`, 's2'),
      () => verify('body', `t=${T},v2=${'a'.repeat(64)}`, 's2'),
      () => verify('body', header, 's2', { now: () => (T + 301) * 1000 }),
    ];
    for (const failure of failures) expect(failure).toThrow();
    expect(hmac).not.toHaveBeenCalled();
  });

  it('reads the clock once per call, and only the per-call clock when one is given', () => {
    const platformNow = vi.fn(now);
    const callNow = vi.fn(now);
    const verify = createNovatradeVerifier({ hmac: referenceHmac, now: platformNow });
    verify('body', header, 's2');
    verify('body', header, 's2', { now: callNow });
    expect(platformNow).toHaveBeenCalledTimes(1);
    expect(callNow).toHaveBeenCalledTimes(1);
  });

  it('reports a primitive that returns uppercase hex as invalid_option, not as a mismatch', () => {
    const verify = createNovatradeVerifier({
      hmac: (k, m) => referenceHmac(k, m).toUpperCase(),
      now,
    });
    const error = errorOf(() => verify('body', header, 's2'));
    expect(error).toBeInstanceOf(WebhookValidationError);
    expect((error as WebhookValidationError).issues[0]?.path).toBe('hmac');
  });

  it.each([
    ['no platform', undefined, 'platform'],
    ['no hmac', { now }, 'hmac'],
    ['no clock', { hmac: referenceHmac }, 'now'],
  ])('rejects %s at construction with invalid_option', (_label, platform, path) => {
    const error = errorOf(() => createNovatradeVerifier(platform as never));
    expect((error as WebhookValidationError).code).toBe('invalid_option');
    expect((error as WebhookValidationError).issues[0]?.path).toBe(path);
  });
});

describe('createNovatradeVerifierAsync', () => {
  it('gives the same result as the sync factory with the same primitive', async () => {
    const verify = createNovatradeVerifierAsync({ hmac: async (k, m) => referenceHmac(k, m), now });
    await expect(verify('body', header, ['s1', 's2'])).resolves.toEqual({ timestamp: T });
    await expect(verify('body!', header, 's2')).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it('turns a synchronous validation failure into a rejection', async () => {
    const verify = createNovatradeVerifierAsync({ hmac: async (k, m) => referenceHmac(k, m), now });
    const result = verify('body', header, '');
    await expect(result).rejects.toMatchObject({ code: 'invalid_secret' });
  });
});

describe('createEudrVerifier', () => {
  const signature = buildEudrSignature('body', { secret: 's2', hmac: referenceHmac });

  it('signs the raw body alone and tries the secrets in order until one matches', () => {
    const hmac = vi.fn(referenceHmac);
    const verify = createEudrVerifier({ hmac, now });
    expect(verify('body', signature, ['s1', 's2', 's3'])).toEqual({ timestamp: null });
    expect(hmac.mock.calls.map(([key, message]) => [key, message])).toEqual([
      ['s1', ['body']],
      ['s2', ['body']],
    ]);
  });

  it('computes no HMAC when the requested timestamp is missing', () => {
    const hmac = vi.fn(referenceHmac);
    const verify = createEudrVerifier({ hmac, now });
    expect(() => verify('body', signature, 's2', { timestamp: undefined })).toThrow(/fails closed/);
    expect(hmac).not.toHaveBeenCalled();
  });

  it('does not read the clock when no window is requested', () => {
    const clock = vi.fn(now);
    createEudrVerifier({ hmac: referenceHmac, now: clock })('body', signature, 's2');
    expect(clock).not.toHaveBeenCalled();
  });

  it('has an async twin with the same result', async () => {
    const verify = createEudrVerifierAsync({ hmac: async (k, m) => referenceHmac(k, m), now });
    await expect(
      verify('body', signature, 's2', { timestamp: '2024-10-23T11:50:00Z' }),
    ).resolves.toEqual({
      timestamp: T,
    });
  });
});
