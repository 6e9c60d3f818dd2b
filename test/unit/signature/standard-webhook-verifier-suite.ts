// One suite, run over every Standard Webhooks verifier variant (CONTRIBUTING.md, "Tests"): the sync
// node:crypto verifier and the async WebCrypto verifier must behave identically, case for case.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  StandardWebhookVerificationResult,
  StandardWebhookVerifyOptions,
} from '../../../src/core/signature/create-standard-webhook-verifier.js';
import type { HeadersInput } from '../../../src/receiver/headers.js';
import { signStandardWebhook } from '../../../src/signature/sign-standard-webhook.node.js';
import {
  expectClean,
  expectValidationError,
  expectVerificationError,
  offsetView,
  utf8,
} from './helpers.js';
import {
  bodyArb,
  idArb,
  SPEC_VECTOR,
  secretArb,
  standardVectors,
  timestampArb,
  vectorHeaders,
} from './standard-helpers.js';

export interface StandardVerifierVariant {
  readonly name: string;
  /** The verifier; sync variants are wrapped so that a throw becomes a rejection. */
  readonly verify: (
    payload: string | Uint8Array,
    headers: HeadersInput,
    secret: string | readonly string[],
    options?: StandardWebhookVerifyOptions,
  ) => Promise<StandardWebhookVerificationResult>;
}

const T = SPEC_VECTOR.timestamp;
const AT_T = { now: () => T * 1000 };
const SECRET = SPEC_VECTOR.secret;
const BODY = SPEC_VECTOR.body;
const ID = SPEC_VECTOR.id;
const SIGNATURE = SPEC_VECTOR.signature.slice(3);
const FORBIDDEN = [SECRET, SECRET.slice(6), SIGNATURE, BODY, ID];

function headers(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...vectorHeaders(SPEC_VECTOR), ...overrides })) {
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export function describeStandardVerifier(variant: StandardVerifierVariant): void {
  const { verify } = variant;

  describe(`${variant.name} — known answers`, () => {
    for (const vector of standardVectors) {
      const options = { now: () => vector.timestamp * 1000 };
      const expected = { id: vector.id, timestamp: vector.timestamp };

      it(`verifies the "${vector.name}" vector and returns { id, timestamp }`, async () => {
        await expect(
          verify(vector.body, vectorHeaders(vector), vector.secret, options),
        ).resolves.toEqual(expected);
      });

      it(`verifies the "${vector.name}" vector as bytes, a Buffer and an offset view`, async () => {
        const bytes = utf8(vector.body);
        expect(bytes.byteLength).toBe(vector.bodyBytes);
        for (const payload of [bytes, Buffer.from(vector.body), offsetView(bytes)]) {
          await expect(
            verify(payload, vectorHeaders(vector), vector.secret, options),
          ).resolves.toEqual(expected);
        }
      });

      it(`rejects the "${vector.name}" vector with one more body character as signature_mismatch`, async () => {
        const error = await expectVerificationError(
          () => verify(`${vector.body} `, vectorHeaders(vector), vector.secret, options),
          'signature_mismatch',
          [vector.secret, vector.signature, vector.body, vector.id],
        );
        expect(error.message).toContain('webhook-signature');
        expect(error.message).toContain('raw request body');
      });
    }

    it('reads the headers from a Fetch Headers, a Node-style record and a record in any case', async () => {
      const record = headers();
      const upper = Object.fromEntries(
        Object.entries(record).map(([k, v]) => [k.toUpperCase(), v]),
      );
      for (const input of [new Headers(record), record, upper]) {
        await expect(verify(BODY, input, SECRET, AT_T)).resolves.toEqual({ id: ID, timestamp: T });
      }
    });

    it('accepts the secret with and without whsec_, and a list in which any one matches', async () => {
      const bare = SECRET.slice(6);
      await expect(verify(BODY, headers(), bare, AT_T)).resolves.toEqual({ id: ID, timestamp: T });
      const other = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
      await expect(verify(BODY, headers(), [other, SECRET], AT_T)).resolves.toEqual({
        id: ID,
        timestamp: T,
      });
      await expectVerificationError(
        () => verify(BODY, headers(), [other], AT_T),
        'signature_mismatch',
        FORBIDDEN,
      );
    });
  });

  describe(`${variant.name} — properties`, () => {
    it('verifies what signStandardWebhook signs, with any of the signing secrets', async () => {
      await fc.assert(
        fc.asyncProperty(
          bodyArb,
          idArb,
          timestampArb,
          fc.array(secretArb, { minLength: 1, maxLength: 3 }),
          async (body, id, timestamp, secrets) => {
            const signed = signStandardWebhook(body, { id, secret: secrets, timestamp });
            expect(signed['webhook-signature'].split(' ')).toHaveLength(secrets.length);
            for (const secret of secrets) {
              await expect(
                verify(body, signed, secret, { now: () => timestamp * 1000 }),
              ).resolves.toEqual({ id, timestamp });
            }
          },
        ),
        { numRuns: 60 },
      );
    });

    it('any change to the body, the id or the signature fails', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 1, maxLength: 200 }),
          idArb,
          secretArb,
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          fc.constantFrom('body', 'id', 'signature'),
          async (body, id, secret, at, flip, what) => {
            const signed = signStandardWebhook(body, { id, secret, timestamp: T });
            const tampered = { ...signed } as Record<string, string>;
            let payload = body;
            if (what === 'body') {
              payload = new Uint8Array(body);
              const i = at % body.length;
              payload[i] = (payload[i] as number) ^ flip;
            } else if (what === 'id') {
              tampered['webhook-id'] = `${id}x`;
            } else {
              const value = signed['webhook-signature'];
              const i = 3 + (at % 43); // one of the 43 base64 characters before '='
              const swapped = value[i] === 'A' ? 'B' : 'A';
              tampered['webhook-signature'] = value.slice(0, i) + swapped + value.slice(i + 1);
            }
            const error = await expectVerificationError(
              () => verify(payload, tampered, secret, AT_T),
              'signature_mismatch',
              [secret],
            );
            expect(error.message).not.toContain(signed['webhook-signature'].slice(3));
          },
        ),
        { numRuns: 80 },
      );
    });

    it('a signature moved to another timestamp inside the window fails as signature_mismatch', async () => {
      const signed = signStandardWebhook(BODY, { id: ID, secret: SECRET, timestamp: T });
      const moved = { ...signed, 'webhook-timestamp': String(T + 1) };
      await expectVerificationError(() => verify(BODY, moved, SECRET, AT_T), 'signature_mismatch');
    });
  });

  describe(`${variant.name} — replay window`, () => {
    const at = (offsetSeconds: number) => ({ now: () => (T + offsetSeconds) * 1000 });

    it('accepts 300 s either way (whole seconds) and rejects 301 s', async () => {
      await expect(verify(BODY, headers(), SECRET, at(300))).resolves.toEqual({
        id: ID,
        timestamp: T,
      });
      await expect(
        verify(BODY, headers(), SECRET, { now: () => (T + 300) * 1000 + 999 }),
      ).resolves.toBeDefined();
      await expect(verify(BODY, headers(), SECRET, at(-300))).resolves.toBeDefined();
      const old = await expectVerificationError(
        () => verify(BODY, headers(), SECRET, at(301)),
        'timestamp_too_old',
      );
      expect(old.message).toContain('webhook-timestamp');
      await expectVerificationError(
        () => verify(BODY, headers(), SECRET, at(-301)),
        'timestamp_too_new',
      );
    });

    it('honours toleranceSeconds and checks the window before any HMAC', async () => {
      await expectVerificationError(
        () => verify(BODY, headers(), SECRET, { ...at(11), toleranceSeconds: 10 }),
        'timestamp_too_old',
      );
      const forged = headers({ 'webhook-signature': `v1,${'A'.repeat(43)}=` });
      await expectVerificationError(
        () => verify(BODY, forged, SECRET, at(3600)),
        'timestamp_too_old',
      );
    });

    it('rejects a tolerance that is not positive and finite: no value turns the check off', async () => {
      for (const toleranceSeconds of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '300']) {
        const error = await expectValidationError(
          () => verify(BODY, headers(), SECRET, { ...AT_T, toleranceSeconds } as never),
          'invalid_option',
        );
        expect(error.issues[0]?.path).toBe('toleranceSeconds');
      }
      await expectValidationError(
        () => verify(BODY, headers(), SECRET, { now: 5 } as never),
        'invalid_option',
      );
      await expectValidationError(
        () => verify(BODY, headers(), SECRET, { now: () => Number.NaN }),
        'invalid_option',
      );
    });

    it('names a clock in seconds instead of blaming NTP, and still fails', async () => {
      const error = await expectValidationError(
        () => verify(BODY, headers(), SECRET, { now: () => T + 5 }),
        'invalid_option',
        FORBIDDEN,
      );
      expect(error.issues[0]?.path).toBe('now');
      expect(error.message).toContain(`\`now\` returned ${T + 5}, which looks like seconds`);
      expect(error.message).toContain('webhook-timestamp');
    });
  });

  describe(`${variant.name} — errors`, () => {
    it('refuses a parsed body, an ArrayBuffer and null as invalid_payload_type', async () => {
      for (const payload of [JSON.parse(BODY), new ArrayBuffer(4), null]) {
        await expectVerificationError(
          () => verify(payload as never, headers(), SECRET, AT_T),
          'invalid_payload_type',
        );
      }
    });

    it('refuses secrets that are not base64 as invalid_secret, naming the cause, never the value', async () => {
      const cases: [unknown, RegExp][] = [
        ['', /empty/],
        [[], /empty/],
        ['whsec_', /no key/],
        [`${SECRET}\n`, /whitespace/],
        ['whsec_abc-def_ghi', /base64url.*generateStandardWebhookSecret/],
        ['whsec_abc*def', /not base64/],
        ['whsec_ab=c', /padding/],
        ['whsec_abcde', /length/],
        [[SECRET, 'whsec_%%%%'], /secret\[1\]/],
        [Array(9).fill(SECRET), /at most 8/],
        [42, /string/],
      ];
      for (const [secret, message] of cases) {
        const error = await expectValidationError(
          () => verify(BODY, headers(), secret as never, AT_T),
          'invalid_secret',
          [SECRET, SECRET.slice(6), 'abc-def_ghi'],
        );
        expect(error.message).toMatch(message);
      }
    });

    it('refuses headers that are not an object as invalid_option naming headers', async () => {
      for (const input of [null, 'webhook-id: x', 42]) {
        const error = await expectValidationError(
          () => verify(BODY, input as never, SECRET, AT_T),
          'invalid_option',
        );
        expect(error.issues[0]?.path).toBe('headers');
      }
    });

    it('names each missing or blank header: missing_header', async () => {
      for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
        for (const value of [undefined, '', '  \t ']) {
          const error = await expectVerificationError(
            () => verify(BODY, headers({ [name]: value }), SECRET, AT_T),
            'missing_header',
            FORBIDDEN,
          );
          expect(error.message).toContain(`The ${name} header`);
        }
      }
    });

    it('webhook-id: visible ASCII, at most 256 characters, as received (a "." is accepted)', async () => {
      for (const id of ['a'.repeat(257), 'msg 1', 'msg_é', ' msg_1', 'msg\t1']) {
        const error = await expectVerificationError(
          () => verify(BODY, headers({ 'webhook-id': id }), SECRET, AT_T),
          'malformed_header',
        );
        expect(error.message).toContain('webhook-id');
      }
      const dotted = signStandardWebhook(BODY, { id: 'x', secret: SECRET, timestamp: T });
      // A sender other than this library may put "." in its ids; the signature still decides.
      const key = Buffer.from(SECRET.slice(6), 'base64');
      const signature = createHmac('sha256', key).update(`msg.1.${T}.${BODY}`).digest('base64');
      const withDot = { ...dotted, 'webhook-id': 'msg.1', 'webhook-signature': `v1,${signature}` };
      await expect(verify(BODY, withDot, SECRET, AT_T)).resolves.toEqual({
        id: 'msg.1',
        timestamp: T,
      });
    });

    it('webhook-timestamp: 1 to 12 digits, no sign or leading zero; spaces around are ignored', async () => {
      const cases: [string, RegExp][] = [
        ['abc', /digits only/],
        ['-1614265330', /digits only/],
        ['1614265330.5', /digits only/],
        ['01614265330', /leading zeros/],
        ['0', /leading zeros/],
        ['1614265330000', /13 digits looks like milliseconds/],
      ];
      for (const [value, message] of cases) {
        const error = await expectVerificationError(
          () => verify(BODY, headers({ 'webhook-timestamp': value }), SECRET, AT_T),
          'malformed_header',
        );
        expect(error.message).toMatch(message);
        expect(error.message).toContain('webhook-timestamp');
      }
      await expect(
        verify(BODY, headers({ 'webhook-timestamp': ` ${T}\t` }), SECRET, AT_T),
      ).resolves.toEqual({
        id: ID,
        timestamp: T,
      });
    });

    it('webhook-signature: malformed entries are reported, unknown versions skipped', async () => {
      const good = SPEC_VECTOR.signature;
      const malformed: [string, RegExp][] = [
        ['v1', /Entry 1 has no ","/],
        [`${good} ,abc`, /Entry 2 has an empty version/],
        [`v1,${SIGNATURE.slice(0, -1)}`, /44 characters of base64; got 43/],
        [`v1,${'ab'.repeat(32)}`, /of hex/],
        [`v1,${SIGNATURE.replace('=', 'A')}`, /44 characters of base64/],
        [Array(17).fill(good).join(' '), /More than 16/],
        [`${good} `.repeat(200), /at most 8192/],
      ];
      for (const [value, message] of malformed) {
        const error = await expectVerificationError(
          () => verify(BODY, headers({ 'webhook-signature': value }), SECRET, AT_T),
          'malformed_header',
          [SECRET, BODY],
        );
        expect(error.message).toMatch(message);
        expect(error.message).toContain('webhook-signature');
      }
      const other = `v1a,${'A'.repeat(86)}== v2,${SIGNATURE}`;
      await expectVerificationError(
        () => verify(BODY, headers({ 'webhook-signature': other }), SECRET, AT_T),
        'no_supported_signature',
      );
      const novatrade = await expectVerificationError(
        () =>
          verify(
            BODY,
            headers({ 'webhook-signature': `t=${T},v1=${'ab'.repeat(32)}` }),
            SECRET,
            AT_T,
          ),
        'no_supported_signature',
      );
      expect(novatrade.message).toContain('verifyNovatradeSignature');
      const mixed = `v1a,xyz  v2,${SIGNATURE}\tv1,${'A'.repeat(43)}= ${good}  v3,anything`;
      await expect(
        verify(BODY, headers({ 'webhook-signature': mixed }), SECRET, AT_T),
      ).resolves.toEqual({
        id: ID,
        timestamp: T,
      });
    });

    it('checks in the documented order: payload, secrets, options, headers, window, signature', async () => {
      const bad = { now: 'x' } as never;
      await expectVerificationError(
        () => verify({} as never, null as never, '', bad),
        'invalid_payload_type',
      );
      await expectValidationError(() => verify(BODY, null as never, '', bad), 'invalid_secret');
      const options = await expectValidationError(
        () => verify(BODY, null as never, SECRET, bad),
        'invalid_option',
      );
      expect(options.issues[0]?.path).toBe('now');
      const none = await expectVerificationError(
        () => verify(BODY, {}, SECRET, AT_T),
        'missing_header',
      );
      expect(none.message).toContain('webhook-id');
    });

    it('keeps messages free of the secret, the signatures, the body and the id', async () => {
      const error = await expectVerificationError(
        () => verify(BODY, headers(), `whsec_${Buffer.alloc(32, 9).toString('base64')}`, AT_T),
        'signature_mismatch',
        FORBIDDEN,
      );
      expectClean(error.message, [Buffer.alloc(32, 9).toString('base64')]);
    });
  });
}
