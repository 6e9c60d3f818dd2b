import { describe, expect, it } from 'vitest';
import { standardSecretProblem } from '../../../src/core/signature/internal/standard-secret.js';
import { generateStandardWebhookSecret } from '../../../src/signature/generate-standard-webhook-secret.js';
import { signStandardWebhook } from '../../../src/signature/sign-standard-webhook.node.js';
import { verifyStandardWebhook } from '../../../src/signature/verify-standard-webhook.node.js';

describe('generateStandardWebhookSecret', () => {
  it('returns whsec_ and the standard, padded base64 of 32 bytes (50 characters)', () => {
    const secret = generateStandardWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(standardSecretProblem(secret)).toBeNull();
  });

  it('returns a different secret on every call', () => {
    const secrets = new Set(Array.from({ length: 200 }, () => generateStandardWebhookSecret()));
    expect(secrets.size).toBe(200);
  });

  it('returns a secret that signs and verifies as-is', () => {
    const secret = generateStandardWebhookSecret();
    const headers = signStandardWebhook('{}', { id: 'evt_1', secret, timestamp: 100 });
    expect(verifyStandardWebhook('{}', headers, secret, { now: () => 100_000 })).toEqual({
      id: 'evt_1',
      timestamp: 100,
    });
  });
});
