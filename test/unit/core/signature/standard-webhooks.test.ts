// The runtime-neutral Standard Webhooks pieces (docs/design.md §5.22): base64, secrets, the
// signature header codec, the signer and the verifier factories with injected primitives.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildStandardWebhookSignature } from '../../../../src/core/signature/build-standard-webhook-signature.js';
import {
  createStandardWebhookVerifier,
  createStandardWebhookVerifierAsync,
} from '../../../../src/core/signature/create-standard-webhook-verifier.js';
import type { HmacSha256Base64 } from '../../../../src/core/signature/hmac-sha256-base64.js';
import {
  base64Decode,
  base64DigestEquals,
  base64Encode,
  isBase64Digest,
} from '../../../../src/core/signature/internal/base64.js';
import {
  createStandardWebhookSecret,
  decodeStandardSecrets,
  standardSecretProblem,
} from '../../../../src/core/signature/internal/standard-secret.js';
import {
  formatStandardWebhookSignatureHeader,
  parseStandardWebhookSignatureHeader,
} from '../../../../src/core/signature/standard-webhook-signature-header.js';
import { nodeHmacSha256Base64 } from '../../../../src/signature/node-hmac-sha256-base64.node.js';
import { expectValidationError, expectVerificationError } from '../../signature/helpers.js';
import { SPEC_VECTOR, standardVectors, vectorHeaders } from '../../signature/standard-helpers.js';

const digestArb = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => Buffer.from(bytes).toString('base64'));

describe('base64 (internal)', () => {
  it('base64Encode equals Buffer base64 and base64Decode inverts it, padded or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = base64Encode(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(base64Decode(text)).toEqual(bytes);
        expect(base64Decode(text.replace(/=+$/, ''))).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('base64Decode names what is wrong instead of guessing', () => {
    expect(base64Decode('ab c')).toBe('whitespace');
    expect(base64Decode('ab-_')).toBe('base64url');
    expect(base64Decode('ab*c')).toBe('alphabet');
    expect(base64Decode('ab=c')).toBe('padding');
    expect(base64Decode('A===')).toBe('padding');
    expect(base64Decode('AB=')).toBe('padding'); // padded but not a multiple of 4
    expect(base64Decode('ABCDE')).toBe('length');
    expect(base64Decode('é')).toBe('alphabet');
  });

  it('isBase64Digest accepts exactly 43 alphabet characters and "="; equality is exact', () => {
    fc.assert(
      fc.property(digestArb, digestArb, (a, b) => {
        expect(isBase64Digest(a, 0, a.length)).toBe(true);
        expect(base64DigestEquals(a, b)).toBe(a === b);
        expect(base64DigestEquals(a, a)).toBe(true);
      }),
    );
    const digest = SPEC_VECTOR.signature.slice(3);
    expect(isBase64Digest(digest.slice(0, -1), 0, 43)).toBe(false);
    expect(isBase64Digest(`${digest.slice(0, -1)}A`, 0, 44)).toBe(false);
    expect(isBase64Digest(`-${digest.slice(1)}`, 0, 44)).toBe(false);
    expect(base64DigestEquals(digest, digest.toLowerCase())).toBe(false); // base64 is case-sensitive
  });
});

describe('Standard Webhooks secrets (internal)', () => {
  it('decodeStandardSecrets: whsec_ or bare, padded or not, to the same key bytes', () => {
    const bare = SPEC_VECTOR.secret.slice(6);
    const expected = new Uint8Array(Buffer.from(bare, 'base64'));
    expect(decodeStandardSecrets(SPEC_VECTOR.secret).keys).toEqual([expected]);
    expect(decodeStandardSecrets([bare, `whsec_${bare}`]).keys).toEqual([expected, expected]);
    const padded = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    expect(decodeStandardSecrets(padded.replace(/=$/, '')).keys[0]).toEqual(
      new Uint8Array(32).fill(1),
    );
  });

  it('createStandardWebhookSecret: whsec_ + padded base64 of 32 bytes from the random source', () => {
    const secret = createStandardWebhookSecret((n) => new Uint8Array(n).fill(0xfb));
    expect(secret).toBe(`whsec_${Buffer.alloc(32, 0xfb).toString('base64')}`);
    expect(secret).toHaveLength(50);
    expect(standardSecretProblem(secret)).toBeNull();
  });

  it('standardSecretProblem: prefix, canonical padded base64, 24 to 64 bytes; never quotes the secret', () => {
    const of = (bytes: number) => `whsec_${Buffer.alloc(bytes, 0xab).toString('base64')}`;
    expect(standardSecretProblem(of(24))).toBeNull();
    expect(standardSecretProblem(of(64))).toBeNull();
    const rejected = [
      of(23),
      of(65),
      of(32).slice(6), // no prefix
      of(32).replace(/=$/, ''), // unpadded: Go and Python refuse it
      `whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}`,
      'whsec_not base64 at all, is it?',
    ];
    for (const secret of rejected) {
      const problem = standardSecretProblem(secret);
      expect(problem).toMatch(/^expected "whsec_" followed by 24 to 64 random bytes/);
      expect(problem).not.toContain(secret.slice(6, 20));
    }
    expect(standardSecretProblem(of(16))).toContain('decodes to 16 bytes');
    expect(
      standardSecretProblem(`whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}`),
    ).toContain('base64url');
  });
});

describe('parseStandardWebhookSignatureHeader / formatStandardWebhookSignatureHeader', () => {
  it('round-trip any list of 1 to 16 signatures', () => {
    fc.assert(
      fc.property(fc.array(digestArb, { minLength: 1, maxLength: 16 }), (signatures) => {
        const header = formatStandardWebhookSignatureHeader({ signatures });
        expect(header).toBe(signatures.map((s) => `v1,${s}`).join(' '));
        expect(parseStandardWebhookSignatureHeader(header)).toEqual({ signatures });
      }),
      { numRuns: 200 },
    );
  });

  it('parse skips other versions and tolerates extra spaces and tabs', () => {
    const [a, b] = ['A', 'B'].map((c) => `${c.repeat(43)}=`) as [string, string];
    expect(parseStandardWebhookSignatureHeader(`  v1a,xyz v1,${a}\t\tv2,${b}  v1,${b} `)).toEqual({
      signatures: [a, b],
    });
  });

  it('parse reports what the verifiers report', async () => {
    await expectVerificationError(
      () => parseStandardWebhookSignatureHeader(undefined),
      'missing_header',
    );
    await expectVerificationError(
      () => parseStandardWebhookSignatureHeader('v1,abc'),
      'malformed_header',
    );
    await expectVerificationError(
      () => parseStandardWebhookSignatureHeader('v1a,abc'),
      'no_supported_signature',
    );
  });

  it('format refuses anything but 1 to 16 signatures of 44 base64 characters', async () => {
    const cases: unknown[] = [
      [],
      Array(17).fill(`${'A'.repeat(43)}=`),
      ['ab'.repeat(32)],
      [42],
      'A'.repeat(44),
    ];
    for (const signatures of cases) {
      const error = await expectValidationError(
        () => formatStandardWebhookSignatureHeader({ signatures } as never),
        'invalid_option',
      );
      expect(error.issues[0]?.path).toBe('signatures');
    }
  });
});

describe('buildStandardWebhookSignature', () => {
  it('reproduces every vector', () => {
    for (const vector of standardVectors) {
      expect(
        buildStandardWebhookSignature(vector.body, {
          id: vector.id,
          timestampSeconds: vector.timestamp,
          secret: vector.secret,
          hmac: nodeHmacSha256Base64,
        }),
      ).toBe(vector.signature);
    }
  });

  it('writes one v1 entry per secret, in order, separated by one space', () => {
    const other = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;
    const header = buildStandardWebhookSignature(SPEC_VECTOR.body, {
      id: SPEC_VECTOR.id,
      timestampSeconds: SPEC_VECTOR.timestamp,
      secret: [other, SPEC_VECTOR.secret],
      hmac: nodeHmacSha256Base64,
    });
    const [first, second] = header.split(' ');
    expect(second).toBe(SPEC_VECTOR.signature);
    expect(first).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('refuses ids with ".", spaces or non-ASCII, empty or too long, naming id', async () => {
    for (const id of ['evt.1', 'evt 1', 'évt', '', 'x'.repeat(257), 42]) {
      const error = await expectValidationError(
        () =>
          buildStandardWebhookSignature('{}', {
            id: id as string,
            timestampSeconds: 1,
            secret: SPEC_VECTOR.secret,
            hmac: nodeHmacSha256Base64,
          }),
        'invalid_option',
      );
      expect(error.issues[0]?.path).toBe('id');
    }
  });

  it('refuses a millisecond timestamp, a missing primitive, one that breaks its contract, and bad input', async () => {
    const base = {
      id: 'evt_1',
      timestampSeconds: 1,
      secret: SPEC_VECTOR.secret,
      hmac: nodeHmacSha256Base64,
    };
    const ms = await expectValidationError(
      () => buildStandardWebhookSignature('{}', { ...base, timestampSeconds: Date.now() }),
      'invalid_option',
    );
    expect(ms.message).toContain('milliseconds');
    for (const hmac of [undefined, (() => 'ab'.repeat(32)) as HmacSha256Base64]) {
      const error = await expectValidationError(
        () => buildStandardWebhookSignature('{}', { ...base, hmac: hmac as HmacSha256Base64 }),
        'invalid_option',
      );
      expect(error.issues[0]?.path).toBe('hmac');
    }
    await expectVerificationError(
      () => buildStandardWebhookSignature({} as never, base),
      'invalid_payload_type',
    );
    await expectValidationError(
      () => buildStandardWebhookSignature('{}', null as never),
      'invalid_option',
    );
    await expectValidationError(
      () => buildStandardWebhookSignature('{}', { ...base, secret: 'whsec_a-b_' }),
      'invalid_secret',
    );
  });
});

describe('createStandardWebhookVerifier / createStandardWebhookVerifierAsync', () => {
  const values = {
    id: SPEC_VECTOR.id,
    timestamp: String(SPEC_VECTOR.timestamp),
    signature: SPEC_VECTOR.signature,
  };
  const now = () => SPEC_VECTOR.timestamp * 1000;

  it('verify the three header values with any injected primitive and clock', async () => {
    const plain: HmacSha256Base64 = (key, message) => {
      const hmac = createHmac('sha256', key);
      for (const part of message) hmac.update(part);
      return hmac.digest('base64');
    };
    const expected = { id: SPEC_VECTOR.id, timestamp: SPEC_VECTOR.timestamp };
    expect(
      createStandardWebhookVerifier({ hmac: plain, now })(
        SPEC_VECTOR.body,
        values,
        SPEC_VECTOR.secret,
      ),
    ).toEqual(expected);
    const async = createStandardWebhookVerifierAsync({ hmac: async (k, m) => plain(k, m), now });
    await expect(async(SPEC_VECTOR.body, values, SPEC_VECTOR.secret)).resolves.toEqual(expected);
    expect(vectorHeaders(SPEC_VECTOR)['webhook-signature']).toBe(values.signature);
  });

  it('refuse a bad platform at construction and a primitive that breaks its contract at call time', async () => {
    for (const platform of [null, { hmac: 1, now }, { hmac: nodeHmacSha256Base64, now: 1 }]) {
      await expectValidationError(
        () => createStandardWebhookVerifier(platform as never),
        'invalid_option',
      );
    }
    for (const broken of [() => 'ab'.repeat(32), () => 42]) {
      const verify = createStandardWebhookVerifier({ hmac: broken as never, now });
      const error = await expectValidationError(
        () => verify(SPEC_VECTOR.body, values, SPEC_VECTOR.secret),
        'invalid_option',
      );
      expect(error.issues[0]?.path).toBe('hmac');
    }
  });
});
