// Interoperability with `standardwebhooks` (the reference JavaScript library of the Standard
// Webhooks specification), both ways (docs/design.md §5.22): what this library signs, the reference
// verifies; what the reference signs, this library verifies, sync and on WebCrypto.
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateStandardWebhookSecret } from '../../../src/signature/generate-standard-webhook-secret.js';
import { generateWebhookSecret } from '../../../src/signature/generate-webhook-secret.js';
import { signStandardWebhook } from '../../../src/signature/sign-standard-webhook.node.js';
import { verifyStandardWebhook } from '../../../src/signature/verify-standard-webhook.node.js';
import { verifyStandardWebhookAsync } from '../../../src/signature/verify-standard-webhook.web.js';
import { expectValidationError } from './helpers.js';
import {
  anyIdArb,
  bodyArb,
  idArb,
  SPEC_VECTOR,
  secretArb,
  standardVectors,
  timestampArb,
  vectorHeaders,
} from './standard-helpers.js';

// The reference reads Date.now() for its 5-minute window: pin the clock to each case's timestamp.
const at = (timestamp: number) => vi.setSystemTime(timestamp * 1000);

describe('standardwebhooks interoperability', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('the reference verifies every pinned vector, and signs each one identically', () => {
    for (const vector of standardVectors) {
      at(vector.timestamp);
      const webhook = new Webhook(vector.secret);
      expect(() =>
        webhook.verify(vector.body, vectorHeaders(vector), { jsonParse: false }),
      ).not.toThrow();
      expect(webhook.sign(vector.id, new Date(vector.timestamp * 1000), vector.body)).toBe(
        vector.signature,
      );
    }
  });

  it('ours → theirs: new Webhook(secret).verify accepts signStandardWebhook for any body, id, timestamp and secret', () => {
    fc.assert(
      fc.property(bodyArb, idArb, timestampArb, secretArb, (body, id, timestamp, secret) => {
        const headers = signStandardWebhook(body, { id, secret, timestamp });
        at(timestamp);
        expect(() =>
          new Webhook(secret).verify(body, { ...headers }, { jsonParse: false }),
        ).not.toThrow();
        expect(new Webhook(secret).sign(id, new Date(timestamp * 1000), body)).toBe(
          headers['webhook-signature'],
        );
      }),
      { numRuns: 200 },
    );
  });

  it('ours → theirs: a rotation header verifies with each of its secrets', () => {
    fc.assert(
      fc.property(fc.array(secretArb, { minLength: 2, maxLength: 3 }), (secrets) => {
        const headers = signStandardWebhook(SPEC_VECTOR.body, {
          id: SPEC_VECTOR.id,
          secret: secrets,
          timestamp: SPEC_VECTOR.timestamp,
        });
        at(SPEC_VECTOR.timestamp);
        for (const secret of secrets) {
          expect(() => new Webhook(secret).verify(SPEC_VECTOR.body, { ...headers })).not.toThrow();
        }
      }),
      { numRuns: 50 },
    );
  });

  it('theirs → ours: verifyStandardWebhook and verifyStandardWebhookAsync accept Webhook.sign for any body, id and secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        bodyArb,
        anyIdArb,
        timestampArb,
        secretArb,
        async (body, id, timestamp, secret) => {
          const headers = {
            'webhook-id': id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': new Webhook(secret).sign(id, new Date(timestamp * 1000), body),
          };
          const options = { now: () => timestamp * 1000 };
          expect(verifyStandardWebhook(body, headers, secret, options)).toEqual({ id, timestamp });
          await expect(
            verifyStandardWebhookAsync(body, new Headers(headers), secret, options),
          ).resolves.toEqual({ id, timestamp });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("theirs → ours: the reference's multi-signature header (other versions, stale v1) passes", () => {
    at(SPEC_VECTOR.timestamp);
    const valid = new Webhook(SPEC_VECTOR.secret).sign(
      SPEC_VECTOR.id,
      new Date(SPEC_VECTOR.timestamp * 1000),
      SPEC_VECTOR.body,
    );
    const signature = [
      'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
      'v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
      valid,
      'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
    ].join(' ');
    const headers = { ...vectorHeaders(SPEC_VECTOR), 'webhook-signature': signature };
    expect(verifyStandardWebhook(SPEC_VECTOR.body, headers, SPEC_VECTOR.secret)).toEqual({
      id: SPEC_VECTOR.id,
      timestamp: SPEC_VECTOR.timestamp,
    });
  });

  it('generateStandardWebhookSecret() secrets work on both sides', () => {
    at(SPEC_VECTOR.timestamp);
    for (let i = 0; i < 50; i++) {
      const secret = generateStandardWebhookSecret();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const headers = signStandardWebhook('{}', { id: 'evt_1', secret });
      expect(() => new Webhook(secret).verify('{}', { ...headers })).not.toThrow();
    }
  });

  it('base64url secrets (generateWebhookSecret) break the reference, so this library refuses them with a hint', async () => {
    // The reason docs/design.md §5.22 gives this profile its own secret format: a base64url secret
    // with "-" or "_" cannot be decoded by the reference (nor by Go's or Python's libraries).
    let secret = generateWebhookSecret();
    while (!/[-_]/.test(secret.slice('whsec_'.length))) secret = generateWebhookSecret();
    expect(() => new Webhook(secret)).toThrow();
    const error = await expectValidationError(
      () => signStandardWebhook('{}', { id: 'evt_1', secret }),
      'invalid_secret',
      [secret],
    );
    expect(error.message).toContain('generateStandardWebhookSecret');
  });
});
