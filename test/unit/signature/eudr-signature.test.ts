import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  EudrVerificationResult,
  EudrVerifyOptions,
} from '../../../src/core/signature/create-eudr-verifier.js';
import { signEudrPayload } from '../../../src/signature/sign-eudr-payload.node.js';
import { verifyEudrSignature } from '../../../src/signature/verify-eudr-signature.node.js';
import { verifyEudrSignatureAsync } from '../../../src/signature/verify-eudr-signature.web.js';
import {
  expectValidationError,
  expectVerificationError,
  offsetView,
  outcome,
  utf8,
  vectors,
} from './helpers.js';

type Verify = (
  payload: string | Uint8Array,
  header: string | null | undefined,
  secret: string | readonly string[],
  options?: EudrVerifyOptions,
) => Promise<EudrVerificationResult>;

const variants: readonly (readonly [string, Verify])[] = [
  ['verifyEudrSignature (node:crypto, sync)', async (...args) => verifyEudrSignature(...args)],
  ['verifyEudrSignatureAsync (WebCrypto)', verifyEudrSignatureAsync],
];

const SECRET = 'whsec_eudr_test_secret';
const BODY = '{"event":"supplier.created","timestamp":"2024-01-15T10:30:00.000Z","data":{}}';
const ISO = '2024-01-15T10:30:00.000Z';
const ISO_MS = Date.UTC(2024, 0, 15, 10, 30);
const ISO_S = ISO_MS / 1000;

describe('signEudrPayload', () => {
  for (const vector of vectors.eudr) {
    it(`reproduces the openssl vector "${vector.name}" from a string and from bytes`, () => {
      expect(signEudrPayload(vector.body, vector.secret)).toBe(vector.header);
      expect(signEudrPayload(offsetView(utf8(vector.body)), vector.secret)).toBe(vector.header);
    });
  }

  it('rejects a list of secrets and an empty secret with invalid_secret', async () => {
    await expectValidationError(() => signEudrPayload(BODY, ['a', 'b'] as never), 'invalid_secret');
    await expectValidationError(() => signEudrPayload(BODY, ''), 'invalid_secret');
  });
});

describe.each(variants)('%s', (_name, verify) => {
  const header = signEudrPayload(BODY, SECRET);
  const hex = header.slice('sha256='.length);

  for (const vector of vectors.eudr) {
    it(`verifies the "${vector.name}" vector with the window on`, async () => {
      await expect(
        verify(utf8(vector.body), vector.header, vector.secret, {
          timestamp: vector.timestamp,
          now: () => Date.parse(vector.timestamp),
        }),
      ).resolves.toEqual({ timestamp: Date.parse(vector.timestamp) / 1000 });
    });
  }

  it.each([
    ['sha256=<hex>', `sha256=${hex}`],
    ['bare hex', hex],
    ['uppercase hex', hex.toUpperCase()],
    ['an uppercase prefix', `SHA256=${hex}`],
    ['surrounding spaces', `  sha256=${hex} `],
  ])('accepts %s and returns a null timestamp without a window', async (_label, value) => {
    await expect(verify(BODY, value, SECRET)).resolves.toEqual({ timestamp: null });
  });

  it('accepts when any of several secrets matches', async () => {
    await expect(verify(BODY, header, ['whsec_old', SECRET])).resolves.toEqual({ timestamp: null });
  });

  it('rejects a changed body and a wrong secret with signature_mismatch, leaking nothing', async () => {
    await expectVerificationError(() => verify(`${BODY} `, header, SECRET), 'signature_mismatch', [
      SECRET,
      hex,
      BODY,
    ]);
    await expectVerificationError(
      () => verify(BODY, header, 'whsec_wrong_secret'),
      'signature_mismatch',
      ['whsec_wrong_secret', hex],
    );
  });

  it.each([
    ['undefined', undefined, 'missing_header'],
    ['an empty string', '', 'missing_header'],
    ['63 hex characters', hex.slice(1), 'malformed_header'],
    ['non-hex characters', 'z'.repeat(64), 'malformed_header'],
    ['a t=,v1= header', `t=1,v1=${hex}`, 'malformed_header'],
    ['two signatures', `${hex},${hex}`, 'malformed_header'],
    ['another algorithm', `sha1=${hex.slice(0, 40)}`, 'no_supported_signature'],
    ['sha512', `sha512=${hex}${hex}`, 'no_supported_signature'],
  ])('rejects a signature header with %s as %s', async (_label, value, code) => {
    await expectVerificationError(() => verify(BODY, value, SECRET), code as 'missing_header', [
      SECRET,
      hex,
    ]);
  });

  it('hints at base64 when the signature looks like it', async () => {
    const base64 = Buffer.from(hex, 'hex').toString('base64');
    const error = await expectVerificationError(
      () => verify(BODY, `sha256=${base64}`, SECRET),
      'malformed_header',
    );
    expect(error.message).toContain('base64');
  });

  it('rejects a parsed object with invalid_payload_type', async () => {
    await expectVerificationError(
      () => verify(JSON.parse(BODY) as never, header, SECRET),
      'invalid_payload_type',
    );
  });

  describe('timestamp window', () => {
    const at = (offsetSeconds: number, extra: EudrVerifyOptions = {}) => ({
      timestamp: ISO,
      now: () => ISO_MS + offsetSeconds * 1000,
      ...extra,
    });

    it.each([
      ['300 s after', 300, 'ok'],
      ['301 s after', 301, 'timestamp_too_old'],
      ['300 s before', -300, 'ok'],
      ['301 s before', -301, 'timestamp_too_new'],
    ])('with the default tolerance, now %s the timestamp gives %s', async (_label, offset, expected) => {
      const run = () => verify(BODY, header, SECRET, at(offset));
      if (expected === 'ok') await expect(run()).resolves.toEqual({ timestamp: ISO_S });
      else await expectVerificationError(run, expected as 'timestamp_too_old');
    });

    it('applies a custom tolerance', async () => {
      await expect(verify(BODY, header, SECRET, at(30, { toleranceSeconds: 30 }))).resolves.toEqual(
        {
          timestamp: ISO_S,
        },
      );
      await expectVerificationError(
        () => verify(BODY, header, SECRET, at(31, { toleranceSeconds: 30 })),
        'timestamp_too_old',
      );
    });

    it.each([
      ['undefined (header absent)', { timestamp: undefined }],
      ['null (header absent)', { timestamp: null }],
      ['blank', { timestamp: '  ' }],
      ['absent while toleranceSeconds is set', { toleranceSeconds: 60 }],
    ])('fails closed with missing_header when the timestamp is %s', async (_label, options) => {
      const error = await expectVerificationError(
        () => verify(BODY, header, SECRET, { ...options, now: () => ISO_MS }),
        'missing_header',
      );
      expect(error.message).toContain('X-Webhook-Timestamp');
    });

    it.each([
      ['Unix seconds', String(ISO_S)],
      ['a local time without offset', '2024-01-15T10:30:00'],
      ['an impossible date', '2024-02-30T10:30:00Z'],
      ['an RFC 1123 date', 'Mon, 15 Jan 2024 10:30:00 GMT'],
    ])('rejects %s as malformed_header', async (_label, timestamp) => {
      await expectVerificationError(
        () => verify(BODY, header, SECRET, { timestamp, now: () => ISO_MS }),
        'malformed_header',
      );
    });

    it('checks the window before the signature', async () => {
      await expectVerificationError(
        () => verify(`${BODY}x`, header, SECRET, at(10_000)),
        'timestamp_too_old',
      );
    });

    it('names a clock in seconds instead of blaming NTP, and still fails', async () => {
      const error = await expectValidationError(
        () => verify(BODY, header, SECRET, { timestamp: ISO, now: () => ISO_S - 30 }),
        'invalid_option',
        [SECRET, header],
      );
      expect(error.issues[0]?.path).toBe('now');
      expect(error.message).toContain(`\`now\` returned ${ISO_S - 30}, which looks like seconds`);
      // No window requested: the clock is not read, so there is nothing to report.
      await expect(verify(BODY, header, SECRET, { now: () => ISO_S })).resolves.toEqual({
        timestamp: null,
      });
    });

    it('rejects toleranceSeconds 0 with invalid_option', async () => {
      await expectValidationError(
        () => verify(BODY, header, SECRET, at(0, { toleranceSeconds: 0 })),
        'invalid_option',
      );
    });
  });

  it('verifies what signEudrPayload signed, for any body and secret; any byte change fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.uint8Array({ minLength: 1, maxLength: 200 }),
        ),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
        fc.nat(),
        async (body, secret, index) => {
          const signature = signEudrPayload(body, secret);
          await expect(verify(body, signature, secret)).resolves.toEqual({ timestamp: null });
          const bytes = typeof body === 'string' ? utf8(body) : body.slice();
          if (bytes.length === 0) return;
          const at = index % bytes.length;
          bytes[at] = (bytes[at] as number) ^ 0x01;
          await expectVerificationError(
            () => verify(bytes, signature, secret),
            'signature_mismatch',
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('EUDR sync and async verifiers', () => {
  it('agree (same result or same error code) on every generated input', async () => {
    const header = signEudrPayload(BODY, SECRET);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(header),
          fc.constant(header.slice(7)),
          fc.string({ maxLength: 80 }),
          fc.constantFrom(undefined, null),
        ),
        fc.oneof(fc.constant(SECRET), fc.constant(['whsec_x', SECRET]), fc.constant('whsec_other')),
        fc.option(fc.oneof(fc.constant(ISO), fc.string({ maxLength: 30 }), fc.constant(null)), {
          nil: undefined,
        }),
        fc.integer({ min: -400, max: 400 }),
        async (value, secret, timestamp, skew) => {
          const options: EudrVerifyOptions = {
            now: () => ISO_MS + skew * 1000,
            ...(timestamp === undefined ? {} : { timestamp }),
          };
          const sync = await outcome(() => verifyEudrSignature(BODY, value, secret, options));
          const async = await outcome(() => verifyEudrSignatureAsync(BODY, value, secret, options));
          expect(async).toBe(sync);
        },
      ),
      { numRuns: 200 },
    );
  });
});
