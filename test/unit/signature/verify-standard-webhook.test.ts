import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signStandardWebhook } from '../../../src/signature/sign-standard-webhook.node.js';
import { verifyStandardWebhook } from '../../../src/signature/verify-standard-webhook.node.js';
import { verifyStandardWebhookAsync } from '../../../src/signature/verify-standard-webhook.web.js';
import { outcome } from './helpers.js';
import { anyIdArb, bodyArb, SPEC_VECTOR, secretArb, vectorHeaders } from './standard-helpers.js';
import { describeStandardVerifier } from './standard-webhook-verifier-suite.js';

describeStandardVerifier({
  name: 'verifyStandardWebhook (node:crypto, sync)',
  verify: async (payload, headers, secret, options) =>
    verifyStandardWebhook(payload, headers, secret, options),
});

describeStandardVerifier({
  name: 'verifyStandardWebhookAsync (WebCrypto)',
  verify: verifyStandardWebhookAsync,
});

const T = SPEC_VECTOR.timestamp;
const SECRET = SPEC_VECTOR.secret;

describe('verifyStandardWebhook — sync and async twins', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('verifyStandardWebhook returns and throws synchronously', () => {
    const headers = vectorHeaders(SPEC_VECTOR);
    expect(
      verifyStandardWebhook(SPEC_VECTOR.body, headers, SECRET, { now: () => T * 1000 }),
    ).toEqual({
      id: SPEC_VECTOR.id,
      timestamp: T,
    });
    expect(() => verifyStandardWebhook(SPEC_VECTOR.body, {}, SECRET)).toThrow(
      /webhook-id header is missing/,
    );
  });

  it('verifyStandardWebhookAsync rejects instead of throwing synchronously, even for bad headers', async () => {
    const throwing = {
      get() {
        throw new Error('boom');
      },
    };
    const promise = verifyStandardWebhookAsync('{}', throwing, SECRET);
    expect(promise).toBeInstanceOf(Promise);
    await expect(promise).rejects.toThrow('boom');
    await expect(verifyStandardWebhookAsync({} as never, {}, '')).rejects.toMatchObject({
      code: 'invalid_payload_type',
    });
  });

  it('both default to Date.now and follow fake timers set after import', async () => {
    vi.useFakeTimers();
    const headers = vectorHeaders(SPEC_VECTOR);
    vi.setSystemTime((T + 300) * 1000);
    expect(verifyStandardWebhook(SPEC_VECTOR.body, headers, SECRET).timestamp).toBe(T);
    await expect(
      verifyStandardWebhookAsync(SPEC_VECTOR.body, headers, SECRET),
    ).resolves.toMatchObject({
      timestamp: T,
    });
    vi.setSystemTime((T + 301) * 1000);
    expect(() => verifyStandardWebhook(SPEC_VECTOR.body, headers, SECRET)).toThrow(/in the past/);
    await expect(
      verifyStandardWebhookAsync(SPEC_VECTOR.body, headers, SECRET),
    ).rejects.toMatchObject({
      code: 'timestamp_too_old',
    });
  });

  it('agree (same result or same error code) on every generated input', async () => {
    const signed = (body: string | Uint8Array, secret: string) =>
      signStandardWebhook(body, { id: 'evt_1', secret, timestamp: T });
    const headerValueArb = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 60 }),
      anyIdArb,
      fc.integer({ min: 0, max: 2 * T }).map(String),
    );
    await fc.assert(
      fc.asyncProperty(
        bodyArb,
        fc.oneof(secretArb, fc.string({ maxLength: 20 })),
        fc.record({
          id: headerValueArb,
          timestamp: headerValueArb,
          signature: fc.oneof(headerValueArb, fc.constant('v1,')),
        }),
        fc.boolean(),
        fc.integer({ min: -400, max: 400 }),
        async (body, secret, values, useSigned, offset) => {
          let headers: Record<string, string | undefined> = {
            'webhook-id': values.id,
            'webhook-timestamp': values.timestamp,
            'webhook-signature': values.signature,
          };
          if (useSigned) {
            try {
              headers = { ...signed(body, secret) };
            } catch {
              // an invalid secret: keep the generated headers
            }
          }
          const options = { now: () => (T + offset) * 1000 };
          const sync = await outcome(() =>
            verifyStandardWebhook(body, headers as never, secret, options),
          );
          const async = await outcome(() =>
            verifyStandardWebhookAsync(body, headers as never, secret, options),
          );
          expect(async).toBe(sync);
        },
      ),
      { numRuns: 200 },
    );
  });
});
