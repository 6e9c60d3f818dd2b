import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signNovatradePayload } from '../../../src/signature/sign-novatrade-payload.node.js';
import { verifyNovatradeSignature } from '../../../src/signature/verify-novatrade-signature.node.js';
import { verifyNovatradeSignatureAsync } from '../../../src/signature/verify-novatrade-signature.web.js';
import { outcome } from './helpers.js';
import { describeNovatradeVerifier } from './novatrade-verifier-suite.js';

describeNovatradeVerifier({
  name: 'verifyNovatradeSignature (node:crypto, sync)',
  verify: async (payload, header, secret, options) =>
    verifyNovatradeSignature(payload, header, secret, options),
});

describeNovatradeVerifier({
  name: 'verifyNovatradeSignatureAsync (WebCrypto)',
  verify: verifyNovatradeSignatureAsync,
});

const T = 1729684200;
const SECRET = 'whsec_test_secret';

describe('verifyNovatradeSignature — sync and async twins', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('verifyNovatradeSignature returns synchronously and throws synchronously', () => {
    const header = signNovatradePayload('{}', SECRET, { timestamp: T });
    expect(verifyNovatradeSignature('{}', header, SECRET, { now: () => T * 1000 })).toEqual({
      timestamp: T,
    });
    expect(() => verifyNovatradeSignature('{}', undefined, SECRET)).toThrow(/missing or empty/);
  });

  it('verifyNovatradeSignatureAsync rejects instead of throwing synchronously', async () => {
    const promise = verifyNovatradeSignatureAsync({} as never, undefined, '');
    expect(promise).toBeInstanceOf(Promise);
    await expect(promise).rejects.toMatchObject({ code: 'invalid_payload_type' });
  });

  it('both default to Date.now and follow fake timers set after import', async () => {
    vi.useFakeTimers();
    vi.setSystemTime((T + 299) * 1000);
    const header = signNovatradePayload('{}', SECRET, { timestamp: T });
    expect(verifyNovatradeSignature('{}', header, SECRET)).toEqual({ timestamp: T });
    await expect(verifyNovatradeSignatureAsync('{}', header, SECRET)).resolves.toEqual({
      timestamp: T,
    });
    vi.setSystemTime((T + 301) * 1000);
    expect(() => verifyNovatradeSignature('{}', header, SECRET)).toThrow(/in the past/);
    await expect(verifyNovatradeSignatureAsync('{}', header, SECRET)).rejects.toMatchObject({
      code: 'timestamp_too_old',
    });
  });

  it('agree (same result or same error code) on every generated input', async () => {
    const secretArb = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
    const headerArb = (body: string | Uint8Array, secret: string) =>
      fc.oneof(
        fc.constant(signNovatradePayload(body, secret, { timestamp: T })),
        fc
          .tuple(fc.nat(), fc.constantFrom('0', 'f', ',', '=', ' ', 'v2=1', 't=1'))
          .map(([at, insert]) => {
            const header = signNovatradePayload(body, secret, { timestamp: T });
            const index = at % (header.length + 1);
            return header.slice(0, index) + insert + header.slice(index);
          }),
        fc.string({ maxLength: 120 }),
        fc.constantFrom(undefined, null, ''),
      );
    await fc.assert(
      fc.asyncProperty(
        fc
          .record({
            body: fc.oneof(
              fc.string({ unit: 'binary', maxLength: 120 }),
              fc.uint8Array({ maxLength: 120 }),
              // Lone surrogates: both runtimes hash them as U+FFFD.
              fc.string({ unit: fc.constantFrom('\ud800', '\udfff', 'a', '😀'), maxLength: 10 }),
            ),
            signer: secretArb,
            receivers: fc.oneof(secretArb, fc.array(secretArb, { minLength: 1, maxLength: 3 })),
            skewSeconds: fc.integer({ min: -400, max: 400 }),
            tolerance: fc.option(fc.integer({ min: -1, max: 400 }), { nil: undefined }),
          })
          .chain((input) =>
            headerArb(input.body, input.signer).map((header) => ({ ...input, header })),
          ),
        async ({ body, signer, receivers, skewSeconds, tolerance, header }) => {
          const secrets =
            typeof receivers === 'string'
              ? ([receivers, signer][skewSeconds & 1] ?? signer)
              : receivers;
          const options = {
            now: () => (T + skewSeconds) * 1000,
            ...(tolerance === undefined ? {} : { toleranceSeconds: tolerance }),
          };
          const sync = await outcome(() =>
            verifyNovatradeSignature(body, header, secrets, options),
          );
          const async = await outcome(() =>
            verifyNovatradeSignatureAsync(body, header, secrets, options),
          );
          expect(async).toBe(sync);
        },
      ),
      { numRuns: 250 },
    );
  });
});
