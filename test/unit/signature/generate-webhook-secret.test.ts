import { describe, expect, it } from 'vitest';
import { generateWebhookSecret } from '../../../src/signature/generate-webhook-secret.js';
import { signNovatradePayload } from '../../../src/signature/sign-novatrade-payload.node.js';
import { verifyNovatradeSignature } from '../../../src/signature/verify-novatrade-signature.node.js';

describe('generateWebhookSecret', () => {
  it('returns whsec_ and 43 base64url characters (32 bytes)', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const decoded = Buffer.from(secret.slice('whsec_'.length), 'base64url');
    expect(decoded).toHaveLength(32);
  });

  it('returns a different secret on every call', () => {
    const secrets = new Set(Array.from({ length: 200 }, () => generateWebhookSecret()));
    expect(secrets.size).toBe(200);
  });

  it('returns a secret that signs and verifies as-is', () => {
    const secret = generateWebhookSecret();
    const header = signNovatradePayload('{}', secret, { timestamp: 100 });
    expect(verifyNovatradeSignature('{}', header, secret, { now: () => 100_000 })).toEqual({
      timestamp: 100,
    });
  });
});
