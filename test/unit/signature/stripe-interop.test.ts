// Stripe's header format (t=…,v1=…) and key handling are the same as Novatrade24's (docs/design.md
// §5.6), so Stripe's verifier accepts our headers and ours accepts Stripe's test headers.
import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { signNovatradePayload } from '../../../src/signature/sign-novatrade-payload.node.js';
import { verifyNovatradeSignature } from '../../../src/signature/verify-novatrade-signature.node.js';
import { verifyNovatradeSignatureAsync } from '../../../src/signature/verify-novatrade-signature.web.js';
import { vectors } from './helpers.js';

// Stripe compares against Date.now(); a tolerance this large makes the test clock-independent.
const ANY_AGE = Number.MAX_SAFE_INTEGER;

describe('Stripe interoperability', () => {
  it('stripe.webhooks.signature.verifyHeader accepts every pinned vector header', () => {
    for (const vector of vectors.novatrade) {
      expect(
        Stripe.webhooks.signature.verifyHeader(vector.body, vector.header, vector.secret, ANY_AGE),
      ).toBe(true);
    }
  });

  it('stripe verifyHeader accepts signNovatradePayload output for any body, secret and timestamp', () => {
    fc.assert(
      fc.property(
        // Stripe refuses an empty payload outright ("No webhook payload was provided").
        fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 99_999_999_999 }),
        (body, secret, timestamp) => {
          const header = signNovatradePayload(body, secret, { timestamp });
          expect(Stripe.webhooks.signature.verifyHeader(body, header, secret, ANY_AGE)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('stripe verifyHeader accepts a rotation header signed with several secrets', () => {
    const header = signNovatradePayload('{"a":1}', ['whsec_new', 'whsec_old'], {
      timestamp: 1729684200,
    });
    expect(Stripe.webhooks.signature.verifyHeader('{"a":1}', header, 'whsec_old', ANY_AGE)).toBe(
      true,
    );
    expect(Stripe.webhooks.signature.verifyHeader('{"a":1}', header, 'whsec_new', ANY_AGE)).toBe(
      true,
    );
  });

  it('our verifiers accept the test headers Stripe generates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 99_999_999_999 }),
        async (payload, secret, timestamp) => {
          const header = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
          const options = { now: () => timestamp * 1000 };
          expect(verifyNovatradeSignature(payload, header, secret, options)).toEqual({ timestamp });
          await expect(
            verifyNovatradeSignatureAsync(payload, header, secret, options),
          ).resolves.toEqual({
            timestamp,
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});
