// One suite, run over every Novatrade24 verifier variant (CONTRIBUTING.md, "Tests"): the sync node:crypto
// verifier and the async WebCrypto verifier must behave identically, case for case.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  NovatradeVerificationResult,
  NovatradeVerifyOptions,
} from '../../../src/core/signature/create-novatrade-verifier.js';
import { signNovatradePayload } from '../../../src/signature/sign-novatrade-payload.node.js';
import {
  expectClean,
  expectValidationError,
  expectVerificationError,
  offsetView,
  utf8,
  vectors,
} from './helpers.js';

export interface NovatradeVerifierVariant {
  readonly name: string;
  /** The verifier; sync variants are wrapped so that a throw becomes a rejection. */
  readonly verify: (
    payload: string | Uint8Array,
    header: string | null | undefined,
    secret: string | readonly string[],
    options?: NovatradeVerifyOptions,
  ) => Promise<NovatradeVerificationResult>;
}

const T = 1729684200;
const AT_T = { now: () => T * 1000 };
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw9dQ3XL0f2qY';
const BODY = '{"id":"evt_1","type":"compliance.decision_made","data":{"note":"Grüße 🌍"}}';
const HEX = 'a'.repeat(64);

/** Arbitrary non-empty secrets: any Unicode, including astral characters. */
const secretArb = fc.string({ unit: 'binary', minLength: 1, maxLength: 80 });
/** Arbitrary bodies: any Unicode string, or any bytes. */
const bodyArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }),
);
const timestampArb = fc.integer({ min: 1, max: 99_999_999_999 });

export function describeNovatradeVerifier(variant: NovatradeVerifierVariant): void {
  const { verify } = variant;

  describe(`${variant.name} — known answers`, () => {
    for (const vector of vectors.novatrade) {
      it(`verifies the "${vector.name}" vector as a string and returns t`, async () => {
        const result = await verify(vector.body, vector.header, vector.secret, {
          now: () => vector.timestamp * 1000,
        });
        expect(result).toEqual({ timestamp: vector.timestamp });
      });

      it(`verifies the "${vector.name}" vector as bytes, a Buffer and an offset view`, async () => {
        const bytes = utf8(vector.body);
        expect(bytes.byteLength).toBe(vector.bodyBytes);
        const options = { now: () => vector.timestamp * 1000 };
        for (const payload of [bytes, Buffer.from(vector.body), offsetView(bytes)]) {
          await expect(verify(payload, vector.header, vector.secret, options)).resolves.toEqual({
            timestamp: vector.timestamp,
          });
        }
      });

      it(`rejects the "${vector.name}" vector with a one-character body change as signature_mismatch`, async () => {
        const error = await expectVerificationError(
          () =>
            verify(`${vector.body} `, vector.header, vector.secret, {
              now: () => vector.timestamp * 1000,
            }),
          'signature_mismatch',
          [vector.secret, vector.signature, vector.body],
        );
        expect(error.message).toContain('raw request body');
      });
    }

    it('accepts an uppercase v1 (the comparison is on the decoded value)', async () => {
      const vector = vectors.novatrade[0];
      if (vector === undefined) throw new Error('no vector');
      const header = `t=${vector.timestamp},v1=${vector.signature.toUpperCase()}`;
      await expect(
        verify(vector.body, header, vector.secret, { now: () => vector.timestamp * 1000 }),
      ).resolves.toEqual({
        timestamp: vector.timestamp,
      });
    });

    it('accepts spaces or tabs around entries', async () => {
      const header = signNovatradePayload(BODY, SECRET, { timestamp: T }).replace(',', ' ,\t ');
      await expect(verify(BODY, ` ${header} `, SECRET, AT_T)).resolves.toEqual({ timestamp: T });
    });
  });

  describe(`${variant.name} — payload, secret and option errors`, () => {
    const header = signNovatradePayload(BODY, SECRET, { timestamp: T });

    it.each([
      ['a parsed object', { id: 'evt_1' }],
      ['an ArrayBuffer', new ArrayBuffer(4)],
      ['a number', 42],
      ['null', null],
      ['a Uint16Array', new Uint16Array(2)],
    ])('rejects %s as the payload with invalid_payload_type', async (_label, payload) => {
      const error = await expectVerificationError(
        () => verify(payload as never, header, SECRET, AT_T),
        'invalid_payload_type',
        [SECRET, header],
      );
      expect(error.message).toMatch(/string or a Uint8Array/);
    });

    it('tells the user to pass the raw body, not parsed JSON', async () => {
      const error = await expectVerificationError(
        () => verify(JSON.parse(BODY) as never, header, SECRET, AT_T),
        'invalid_payload_type',
      );
      expect(error.message).toContain('raw request body');
      expect(error.message).toContain('not parsed JSON');
    });

    it.each([
      ['an empty string', ''],
      ['an empty list', []],
      ['a list with an empty string', [SECRET, '']],
      ['a list with a number', [SECRET, 7]],
      ['a number', 7],
      ['undefined', undefined],
      ['a Uint8Array', utf8(SECRET)],
      ['nine secrets', Array.from({ length: 9 }, (_, i) => `${SECRET}${i}`)],
    ])('rejects %s as the secret with invalid_secret', async (_label, secret) => {
      await expectValidationError(
        () => verify(BODY, header, secret as never, AT_T),
        'invalid_secret',
        [SECRET],
      );
    });

    it.each([
      ['toleranceSeconds 0', { toleranceSeconds: 0 }, 'toleranceSeconds'],
      ['toleranceSeconds -1', { toleranceSeconds: -1 }, 'toleranceSeconds'],
      ['toleranceSeconds NaN', { toleranceSeconds: Number.NaN }, 'toleranceSeconds'],
      [
        'toleranceSeconds Infinity',
        { toleranceSeconds: Number.POSITIVE_INFINITY },
        'toleranceSeconds',
      ],
      ['toleranceSeconds as a string', { toleranceSeconds: '300' }, 'toleranceSeconds'],
      ['now that is not a function', { now: 1729684200000 }, 'now'],
      ['now returning NaN', { now: () => Number.NaN }, 'now'],
      ['now returning a string', { now: () => '1729684200000' }, 'now'],
      ['options that are not an object', 300, 'options'],
      ['null options', null, 'options'],
    ])('rejects %s with invalid_option naming the option', async (_label, options, path) => {
      const error = await expectValidationError(
        () => verify(BODY, header, SECRET, options as never),
        'invalid_option',
        [SECRET],
      );
      expect(error.issues[0]?.path).toBe(path);
      expect(error.message).toContain(path);
    });

    it('says that no tolerance value disables the check', async () => {
      const error = await expectValidationError(
        () => verify(BODY, header, SECRET, { toleranceSeconds: 0 }),
        'invalid_option',
      );
      expect(error.message).toMatch(/no value that turns the replay check off/);
    });
  });

  describe(`${variant.name} — header errors`, () => {
    const v1 = signNovatradePayload(BODY, SECRET, { timestamp: T }).slice(`t=${T},`.length);

    it.each([
      ['undefined', undefined],
      ['null', null],
      ['an empty string', ''],
      ['blanks only', ' \t '],
    ])('rejects %s as the header with missing_header', async (_label, header) => {
      await expectVerificationError(() => verify(BODY, header, SECRET, AT_T), 'missing_header', [
        SECRET,
      ]);
    });

    it.each([
      ['no t', `${v1}`],
      ['a duplicate t', `t=${T},t=${T},${v1}`],
      ['t with a leading zero', `t=0${T},${v1}`],
      ['t = 0', `t=0,${v1}`],
      ['t with a sign', `t=+${T},${v1}`],
      ['t with a fraction', `t=${T}.5,${v1}`],
      ['t in milliseconds (13 digits)', `t=${T}000,${v1}`],
      ['an empty t', `t=,${v1}`],
      ['a v1 that is too short', `t=${T},v1=abcdef`],
      ['a v1 that is not hex', `t=${T},v1=${'g'.repeat(64)}`],
      ['an empty v1', `t=${T},v1=`],
      ['an entry without "="', `t=${T},${v1},garbage`],
      ['a trailing comma', `t=${T},${v1},`],
      ['a doubled comma', `t=${T},,${v1}`],
      ['an empty key', `t=${T},=abc,${v1}`],
      ['17 v1 entries', `t=${T}${`,v1=${HEX}`.repeat(17)}`],
      ['more than 8 KiB', `t=${T},${v1},x=${'y'.repeat(8192)}`],
    ])('rejects a header with %s as malformed_header', async (_label, header) => {
      await expectVerificationError(() => verify(BODY, header, SECRET, AT_T), 'malformed_header', [
        SECRET,
        v1.slice(3),
      ]);
    });

    it('rejects a non-string header (e.g. a header array) as malformed_header', async () => {
      await expectVerificationError(
        () => verify(BODY, [`t=${T},${v1}`] as never, SECRET, AT_T),
        'malformed_header',
      );
    });

    it('hints at milliseconds when t has 13 digits', async () => {
      const error = await expectVerificationError(
        () => verify(BODY, `t=${T}000,${v1}`, SECRET, AT_T),
        'malformed_header',
      );
      expect(error.message).toContain('milliseconds');
    });

    it.each([
      ['only v2', `t=${T},v2=${HEX}`],
      ['only v0 and an unknown key', `t=${T},v0=${HEX},scheme=hmac`],
      ['uppercase V1 (keys are case-sensitive)', `t=${T},V1=${HEX}`],
    ])('rejects a header with %s as no_supported_signature', async (_label, header) => {
      await expectVerificationError(
        () => verify(BODY, header, SECRET, AT_T),
        'no_supported_signature',
      );
    });

    it('accepts 16 v1 entries when the last one matches', async () => {
      const header = `t=${T}${`,v1=${HEX}`.repeat(15)},${v1}`;
      await expect(verify(BODY, header, SECRET, AT_T)).resolves.toEqual({ timestamp: T });
    });
  });

  describe(`${variant.name} — replay window`, () => {
    const header = signNovatradePayload(BODY, SECRET, { timestamp: T });

    it.each([
      ['exactly 300 s old', (T + 300) * 1000 + 999, 'ok'],
      ['301 s old', (T + 301) * 1000, 'timestamp_too_old'],
      ['exactly 300 s ahead', (T - 300) * 1000, 'ok'],
      ['300 s and 1 ms ahead', (T - 300) * 1000 - 1, 'timestamp_too_new'],
      ['301 s ahead', (T - 301) * 1000, 'timestamp_too_new'],
    ])('with the default tolerance, a timestamp %s gives %s', async (_label, nowMs, expected) => {
      const run = () => verify(BODY, header, SECRET, { now: () => nowMs });
      if (expected === 'ok') await expect(run()).resolves.toEqual({ timestamp: T });
      else await expectVerificationError(run, expected as 'timestamp_too_old', [SECRET, header]);
    });

    it('applies a custom tolerance at its exact edges, in both directions', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 1_000_000 }),
          fc.integer({ min: 0, max: 999 }),
          async (tolerance, ms) => {
            const at = (seconds: number) => ({
              toleranceSeconds: tolerance,
              now: () => seconds * 1000 + ms,
            });
            await expect(verify(BODY, header, SECRET, at(T + tolerance))).resolves.toEqual({
              timestamp: T,
            });
            await expect(verify(BODY, header, SECRET, at(T - tolerance))).resolves.toEqual({
              timestamp: T,
            });
            await expectVerificationError(
              () => verify(BODY, header, SECRET, at(T + tolerance + 1)),
              'timestamp_too_old',
            );
            await expectVerificationError(
              () => verify(BODY, header, SECRET, at(T - tolerance - 1)),
              'timestamp_too_new',
            );
          },
        ),
        { numRuns: 50 },
      );
    });

    it('reads the clock option in epoch milliseconds: a clock in seconds is named as such', async () => {
      // Seconds passed by mistake look like 1970, the header far in the future: the error says
      // what happened instead of "fix NTP", and verification fails all the same.
      const error = await expectValidationError(
        () => verify(BODY, header, SECRET, { now: () => T }),
        'invalid_option',
      );
      expect(error.issues[0]?.path).toBe('now');
      expect(error.message).toContain(
        `\`now\` returned ${T}, which looks like seconds; pass epoch milliseconds (Date.now())`,
      );
      // A stale or early header read against a clock in seconds still reports the unit.
      await expectValidationError(
        () => verify(BODY, header, SECRET, { now: () => T + 3_600 }),
        'invalid_option',
      );
      await expectValidationError(
        () => verify(BODY, header, SECRET, { now: () => T - 60 }),
        'invalid_option',
      );
    });

    it('a clock in seconds is reported whatever the header time, and a millisecond clock never is', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1_000_000_000, max: 99_999_000_000 }),
          fc.integer({ min: -86_400, max: 86_400 }),
          fc.integer({ min: -10_000_000, max: 10_000_000 }),
          async (t, skewSeconds, skewMs) => {
            const signed = signNovatradePayload(BODY, SECRET, { timestamp: t });
            // Seconds: within a day of the header when read as seconds -> invalid_option `now`.
            const seconds = await expectValidationError(
              () => verify(BODY, signed, SECRET, { now: () => t + skewSeconds }),
              'invalid_option',
            );
            expect(seconds.issues[0]?.path).toBe('now');
            // Milliseconds, right or wrong by up to ~2.8 h: passes or fails on the window only.
            const run = () => verify(BODY, signed, SECRET, { now: () => t * 1000 + skewMs });
            if (Math.abs(Math.floor((t * 1000 + skewMs) / 1000) - t) <= 300) {
              await expect(run()).resolves.toEqual({ timestamp: t });
            } else {
              const error = await expectVerificationError(
                run,
                skewMs > 0 ? 'timestamp_too_old' : 'timestamp_too_new',
              );
              expect(error.message).not.toContain('seconds;');
            }
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  describe(`${variant.name} — order of checks`, () => {
    const header = signNovatradePayload(BODY, SECRET, { timestamp: T });
    const stale = { now: () => (T + 10_000) * 1000 };

    it('checks the payload type before the secret', async () => {
      await expectVerificationError(
        () => verify({} as never, header, '', AT_T),
        'invalid_payload_type',
      );
    });
    it('checks the secret before the options', async () => {
      await expectValidationError(
        () => verify(BODY, header, '', { toleranceSeconds: 0 }),
        'invalid_secret',
      );
    });
    it('checks the options before the header', async () => {
      const error = await expectValidationError(
        () => verify(BODY, undefined, SECRET, { toleranceSeconds: -5 }),
        'invalid_option',
      );
      expect(error.issues[0]?.path).toBe('toleranceSeconds');
    });
    it('checks the header syntax before the timestamp window', async () => {
      await expectVerificationError(
        () => verify(BODY, `t=${T},v1=zz`, SECRET, stale),
        'malformed_header',
      );
    });
    it('checks the timestamp window before the signature', async () => {
      await expectVerificationError(
        () => verify(`${BODY}x`, header, 'whsec_wrong', stale),
        'timestamp_too_old',
      );
    });
  });

  describe(`${variant.name} — multiple secrets and signatures`, () => {
    it('accepts when any of N secrets signed the body', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(secretArb, { minLength: 1, maxLength: 8 }),
          fc.nat(),
          async (secrets, pick) => {
            const signer = secrets[pick % secrets.length] as string;
            const header = signNovatradePayload(BODY, signer, { timestamp: T });
            await expect(verify(BODY, header, secrets, AT_T)).resolves.toEqual({ timestamp: T });
          },
        ),
        { numRuns: 40 },
      );
    });

    it('accepts a header with several v1 entries when one matches the single secret', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(secretArb, { minLength: 2, maxLength: 8 }),
          fc.nat(),
          async (secrets, pick) => {
            const header = signNovatradePayload(BODY, secrets, { timestamp: T });
            expect(header.split(',v1=')).toHaveLength(secrets.length + 1);
            const receiver = secrets[pick % secrets.length] as string;
            await expect(verify(BODY, header, receiver, AT_T)).resolves.toEqual({ timestamp: T });
          },
        ),
        { numRuns: 40 },
      );
    });

    it('rejects when no secret of the list signed the body, naming how many were tried', async () => {
      const header = signNovatradePayload(BODY, SECRET, { timestamp: T });
      const error = await expectVerificationError(
        () => verify(BODY, header, ['whsec_old_one', 'whsec_new_one'], AT_T),
        'signature_mismatch',
        ['whsec_old_one', 'whsec_new_one', SECRET, header.slice(16)],
      );
      expect(error.message).toContain('2 secrets');
    });

    it('ignores unknown schemes and keys anywhere in the header', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.tuple(
              fc.constantFrom('v0', 'v2', 'v3', 'x', 'scheme', 'V1', 'tt'),
              fc.stringMatching(/^[A-Za-z0-9+/]{1,80}$/),
            ),
            { maxLength: 5 },
          ),
          fc.nat(),
          async (extras, seed) => {
            const entries = signNovatradePayload(BODY, SECRET, { timestamp: T }).split(',');
            for (const [index, [key, value]] of extras.entries()) {
              entries.splice((seed + index) % (entries.length + 1), 0, `${key}=${value}`);
            }
            await expect(verify(BODY, entries.join(','), SECRET, AT_T)).resolves.toEqual({
              timestamp: T,
            });
          },
        ),
        { numRuns: 60 },
      );
    });

    it('hints at whitespace around a secret on a mismatch, without printing it', async () => {
      const header = signNovatradePayload(BODY, SECRET, { timestamp: T });
      const error = await expectVerificationError(
        () => verify(BODY, header, `${SECRET}\n`, AT_T),
        'signature_mismatch',
        [SECRET],
      );
      expect(error.message).toContain('whitespace');
    });

    it('hints at a consumed body when the payload is empty', async () => {
      const header = signNovatradePayload(BODY, SECRET, { timestamp: T });
      const error = await expectVerificationError(
        () => verify('', header, SECRET, AT_T),
        'signature_mismatch',
      );
      expect(error.message).toContain('empty');
    });
  });

  describe(`${variant.name} — properties`, () => {
    it('verifies what signNovatradePayload signed, for any body, secret and timestamp', async () => {
      await fc.assert(
        fc.asyncProperty(
          bodyArb,
          secretArb,
          timestampArb,
          fc.boolean(),
          async (body, secret, t, asView) => {
            const header = signNovatradePayload(body, secret, { timestamp: t });
            const payload = asView && body instanceof Uint8Array ? offsetView(body) : body;
            await expect(verify(payload, header, secret, { now: () => t * 1000 })).resolves.toEqual(
              {
                timestamp: t,
              },
            );
          },
        ),
        { numRuns: 150 },
      );
    });

    it('verifies a string body and its UTF-8 bytes alike', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ unit: 'binary', maxLength: 200 }),
          secretArb,
          async (body, secret) => {
            const header = signNovatradePayload(utf8(body), secret, { timestamp: T });
            await expect(verify(body, header, secret, AT_T)).resolves.toEqual({ timestamp: T });
          },
        ),
        { numRuns: 80 },
      );
    });

    it('rejects any single-byte change of the body as signature_mismatch', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 1, maxLength: 300 }),
          secretArb,
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          async (body, secret, index, delta) => {
            const header = signNovatradePayload(body, secret, { timestamp: T });
            const tampered = body.slice();
            const at = index % tampered.length;
            tampered[at] = ((tampered[at] as number) + delta) & 0xff;
            await expectVerificationError(
              () => verify(tampered, header, secret, AT_T),
              'signature_mismatch',
              [header.slice(16)],
            );
          },
        ),
        { numRuns: 100 },
      );
    });

    it('rejects any single-digit change of the timestamp as signature_mismatch', async () => {
      await fc.assert(
        fc.asyncProperty(
          timestampArb,
          fc.nat(),
          fc.integer({ min: 1, max: 9 }),
          async (t, position, delta) => {
            const header = signNovatradePayload(BODY, SECRET, { timestamp: t });
            const digits = String(t).split('');
            const at = position % digits.length;
            digits[at] = String((Number(digits[at]) + delta) % 10);
            fc.pre(digits[0] !== '0');
            const changed = Number(digits.join(''));
            const forged = header.replace(`t=${t}`, `t=${changed}`);
            // The clock follows the forged t, so only the signature can catch the change.
            await expectVerificationError(
              () => verify(BODY, forged, SECRET, { now: () => changed * 1000 }),
              'signature_mismatch',
            );
          },
        ),
        { numRuns: 100 },
      );
    });

    it('rejects any single-character change of the signature as signature_mismatch', async () => {
      const header = signNovatradePayload(BODY, SECRET, { timestamp: T });
      const signature = header.slice(`t=${T},v1=`.length);
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: 63 }),
          fc.integer({ min: 1, max: 15 }),
          async (position, delta) => {
            const nibble = Number.parseInt(signature.charAt(position), 16);
            const changed =
              signature.slice(0, position) +
              ((nibble + delta) % 16).toString(16) +
              signature.slice(position + 1);
            await expectVerificationError(
              () => verify(BODY, `t=${T},v1=${changed}`, SECRET, AT_T),
              'signature_mismatch',
              [signature, changed],
            );
          },
        ),
        { numRuns: 100 },
      );
    });

    it('never leaks the secret, the signature or the body in an error message', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ unit: 'binary', minLength: 8, maxLength: 40 }),
          fc.string({ minLength: 8, maxLength: 60 }),
          fc.oneof(
            fc.constant('ok'),
            fc.constant('stale'),
            fc.constant('tampered'),
            fc.constant('garbage'),
          ),
          async (secret, body, mode) => {
            const header = signNovatradePayload(body, secret, { timestamp: T });
            const sent =
              mode === 'garbage' ? `t=${T},v1=${header.slice(-64).slice(0, 63)}` : header;
            const payload = mode === 'tampered' ? `${body}!` : body;
            const now = mode === 'stale' ? () => (T + 1000) * 1000 : () => T * 1000;
            try {
              await verify(payload, sent, secret, { now });
            } catch (error) {
              expectClean((error as Error).message, [secret, body, header.slice(-64)]);
            }
          },
        ),
        { numRuns: 80 },
      );
    });
  });
}
