// verifyStandardWebhookAsync of the built /web entry: the cases of
// test/unit/signature/standard-webhook-verifier-suite.ts (vectors, Fetch Headers, the secret's
// forms, every error code and the order of checks), on the runtime's WebCrypto and Headers.
import {
  verifyStandardWebhookAsync as verify,
  WebhookValidationError,
  WebhookVerificationError,
} from '@novatrade24/webhooks/web';
import fc from 'fast-check';
import { clean, equal, includes, matches, rejectsWith } from '../assert.js';
import { type StandardVector, standardVectors, vectorHeaders } from '../fixtures.js';
import type { Harness } from '../harness.js';
import { offsetView, standardHeaders, toBase64, utf8 } from '../reference.js';

const SPEC = standardVectors[0] as StandardVector;
const T = SPEC.timestamp;
const AT_T = { now: () => T * 1000 };
const SECRET = SPEC.secret;
const BODY = SPEC.body;
const ID = SPEC.id;
const SIGNATURE = SPEC.signature.slice(3);
const FORBIDDEN = [SECRET, SECRET.slice(6), SIGNATURE, BODY, ID];

function headers(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...vectorHeaders(SPEC), ...overrides })) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Any key size the specification allows (24 to 64 bytes), in the three forms of a secret. */
const secretArb = fc
  .tuple(
    fc.uint8Array({ minLength: 24, maxLength: 64 }),
    fc.constantFrom('prefixed', 'bare', 'unpadded'),
  )
  .map(([key, form]) => {
    const base64 = toBase64(key);
    if (form === 'bare') return base64;
    if (form === 'unpadded') return `whsec_${base64.replace(/=+$/, '')}`;
    return `whsec_${base64}`;
  });

const idArb = fc.string({
  unit: fc.constantFrom(
    ...[...Array(94)].map((_, i) => String.fromCharCode(0x21 + i)).filter((c) => c !== '.'),
  ),
  minLength: 1,
  maxLength: 64,
});

export function verifyStandardSuite({ test }: Harness): void {
  const name = (text: string) => `verifyStandardWebhookAsync: ${text}`;

  for (const vector of standardVectors) {
    const options = { now: () => vector.timestamp * 1000 };
    const expected = { id: vector.id, timestamp: vector.timestamp };
    test(
      name(`verifies the "${vector.name}" vector as a string, bytes and an offset view`),
      async () => {
        equal(await verify(vector.body, vectorHeaders(vector), vector.secret, options), expected);
        const bytes = utf8(vector.body);
        equal(bytes.byteLength, vector.bodyBytes, 'UTF-8 length');
        for (const payload of [bytes, offsetView(bytes)]) {
          equal(await verify(payload, vectorHeaders(vector), vector.secret, options), expected);
        }
      },
    );

    test(name(`rejects the "${vector.name}" vector with one more body character`), async () => {
      const error = await rejectsWith(
        () => verify(`${vector.body} `, vectorHeaders(vector), vector.secret, options),
        WebhookVerificationError,
        'signature_mismatch',
        [vector.secret, vector.signature, vector.body, vector.id],
      );
      includes(error.message, 'webhook-signature');
      includes(error.message, 'raw request body');
    });
  }

  test(name("reads the runtime's Headers, a record and a record in any case"), async () => {
    const record = headers();
    const upper = Object.fromEntries(Object.entries(record).map(([k, v]) => [k.toUpperCase(), v]));
    for (const input of [new Headers(record), record, upper]) {
      equal(await verify(BODY, input, SECRET, AT_T), { id: ID, timestamp: T });
    }
  });

  test(
    name('accepts the secret with and without whsec_, and a list in which one matches'),
    async () => {
      equal(await verify(BODY, headers(), SECRET.slice(6), AT_T), { id: ID, timestamp: T });
      const other = `whsec_${toBase64(new Uint8Array(32).fill(7))}`;
      equal(await verify(BODY, headers(), [other, SECRET], AT_T), { id: ID, timestamp: T });
      await rejectsWith(
        () => verify(BODY, headers(), [other], AT_T),
        WebhookVerificationError,
        'signature_mismatch',
        FORBIDDEN,
      );
    },
  );

  test(name('property: verifies what this runtime signed, in every secret form'), async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.uint8Array({ maxLength: 200 })),
        idArb,
        fc.integer({ min: 1, max: 99_999_999_999 }),
        secretArb,
        async (body, id, timestamp, secret) => {
          const signed = await standardHeaders(body, { id, secret, timestamp });
          equal(await verify(body, signed, secret, { now: () => timestamp * 1000 }), {
            id,
            timestamp,
          });
        },
      ),
      { numRuns: 50 },
    );
  });

  test(name('property: any change to the body, the id or the signature fails'), async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        idArb,
        secretArb,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom('body', 'id', 'signature'),
        async (body, id, secret, at, flip, what) => {
          const signed = await standardHeaders(body, { id, secret, timestamp: T });
          const tampered = { ...signed };
          let payload = body;
          if (what === 'body') {
            payload = new Uint8Array(body);
            const i = at % body.length;
            payload[i] = (payload[i] as number) ^ flip;
          } else if (what === 'id') {
            tampered['webhook-id'] = `${id}x`;
          } else {
            const value = signed['webhook-signature'] as string;
            const i = 3 + (at % 43);
            tampered['webhook-signature'] =
              value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
          }
          await rejectsWith(
            () => verify(payload, tampered, secret, AT_T),
            WebhookVerificationError,
            'signature_mismatch',
            [secret],
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  test(
    name('window: 300 s either way, 301 s rejected; a moved timestamp is a mismatch'),
    async () => {
      const at = (offset: number) => ({ now: () => (T + offset) * 1000 });
      equal(await verify(BODY, headers(), SECRET, at(300)), { id: ID, timestamp: T });
      equal(await verify(BODY, headers(), SECRET, at(-300)), { id: ID, timestamp: T });
      const old = await rejectsWith(
        () => verify(BODY, headers(), SECRET, at(301)),
        WebhookVerificationError,
        'timestamp_too_old',
      );
      includes(old.message, 'webhook-timestamp');
      await rejectsWith(
        () => verify(BODY, headers(), SECRET, at(-301)),
        WebhookVerificationError,
        'timestamp_too_new',
      );
      const forged = headers({ 'webhook-signature': `v1,${'A'.repeat(43)}=` });
      await rejectsWith(
        () => verify(BODY, forged, SECRET, at(3600)),
        WebhookVerificationError,
        'timestamp_too_old',
      );
      await rejectsWith(
        () => verify(BODY, headers({ 'webhook-timestamp': String(T + 1) }), SECRET, AT_T),
        WebhookVerificationError,
        'signature_mismatch',
      );
    },
  );

  test(name('options: no tolerance turns the check off; a clock in seconds is named'), async () => {
    for (const toleranceSeconds of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '300']) {
      const error = await rejectsWith(
        () => verify(BODY, headers(), SECRET, { ...AT_T, toleranceSeconds } as never),
        WebhookValidationError,
        'invalid_option',
      );
      equal(error.issues[0]?.path, 'toleranceSeconds', 'issues[0].path');
    }
    const error = await rejectsWith(
      () => verify(BODY, headers(), SECRET, { now: () => T + 5 }),
      WebhookValidationError,
      'invalid_option',
      FORBIDDEN,
    );
    equal(error.issues[0]?.path, 'now', 'issues[0].path');
    includes(error.message, `\`now\` returned ${T + 5}, which looks like seconds`);
  });

  test(name('refuses a parsed body, an ArrayBuffer and null as invalid_payload_type'), async () => {
    for (const payload of [JSON.parse(BODY), new ArrayBuffer(4), null]) {
      await rejectsWith(
        () => verify(payload as never, headers(), SECRET, AT_T),
        WebhookVerificationError,
        'invalid_payload_type',
      );
    }
  });

  test(
    name('refuses secrets that are not base64 as invalid_secret, naming the cause'),
    async () => {
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
        const error = await rejectsWith(
          () => verify(BODY, headers(), secret as never, AT_T),
          WebhookValidationError,
          'invalid_secret',
          [SECRET, SECRET.slice(6), 'abc-def_ghi'],
        );
        matches(error.message, message);
      }
    },
  );

  test(name('refuses headers that are not an object, naming headers'), async () => {
    for (const input of [null, 'webhook-id: x', 42]) {
      const error = await rejectsWith(
        () => verify(BODY, input as never, SECRET, AT_T),
        WebhookValidationError,
        'invalid_option',
      );
      equal(error.issues[0]?.path, 'headers', 'issues[0].path');
    }
  });

  test(name('names each missing or blank header: missing_header'), async () => {
    for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      for (const value of [undefined, '', '  \t ']) {
        const error = await rejectsWith(
          () => verify(BODY, headers({ [header]: value }), SECRET, AT_T),
          WebhookVerificationError,
          'missing_header',
          FORBIDDEN,
        );
        includes(error.message, `The ${header} header`);
      }
    }
  });

  test(name('webhook-id and webhook-timestamp syntax is malformed_header'), async () => {
    for (const id of ['a'.repeat(257), 'msg 1', 'msg_é', ' msg_1', 'msg\t1']) {
      const error = await rejectsWith(
        () => verify(BODY, headers({ 'webhook-id': id }), SECRET, AT_T),
        WebhookVerificationError,
        'malformed_header',
      );
      includes(error.message, 'webhook-id');
    }
    const timestamps: [string, RegExp][] = [
      ['abc', /digits only/],
      ['-1614265330', /digits only/],
      ['1614265330.5', /digits only/],
      ['01614265330', /leading zeros/],
      ['1614265330000', /13 digits looks like milliseconds/],
    ];
    for (const [value, message] of timestamps) {
      const error = await rejectsWith(
        () => verify(BODY, headers({ 'webhook-timestamp': value }), SECRET, AT_T),
        WebhookVerificationError,
        'malformed_header',
      );
      matches(error.message, message);
    }
    // A sender other than this library may put "." in its ids; the signature still decides.
    const dotted = await standardHeaders(BODY, { id: 'msg.1', secret: SECRET, timestamp: T });
    equal(await verify(BODY, dotted, SECRET, AT_T), { id: 'msg.1', timestamp: T });
  });

  test(
    name('webhook-signature: malformed entries reported, unknown versions skipped'),
    async () => {
      const good = SPEC.signature;
      const malformed: [string, RegExp][] = [
        ['v1', /Entry 1 has no ","/],
        [`${good} ,abc`, /Entry 2 has an empty version/],
        [`v1,${SIGNATURE.slice(0, -1)}`, /44 characters of base64; got 43/],
        [`v1,${'ab'.repeat(32)}`, /of hex/],
        [Array(17).fill(good).join(' '), /More than 16/],
        [`${good} `.repeat(200), /at most 8192/],
      ];
      for (const [value, message] of malformed) {
        const error = await rejectsWith(
          () => verify(BODY, headers({ 'webhook-signature': value }), SECRET, AT_T),
          WebhookVerificationError,
          'malformed_header',
          [SECRET, BODY],
        );
        matches(error.message, message);
      }
      await rejectsWith(
        () =>
          verify(
            BODY,
            headers({ 'webhook-signature': `v1a,${'A'.repeat(86)}== v2,${SIGNATURE}` }),
            SECRET,
            AT_T,
          ),
        WebhookVerificationError,
        'no_supported_signature',
      );
      const mixed = `v1a,xyz  v2,${SIGNATURE}\tv1,${'A'.repeat(43)}= ${good}  v3,anything`;
      equal(await verify(BODY, headers({ 'webhook-signature': mixed }), SECRET, AT_T), {
        id: ID,
        timestamp: T,
      });
    },
  );

  test(
    name('checks payload, secrets, options, headers, window, signature in that order'),
    async () => {
      const bad = { now: 'x' } as never;
      await rejectsWith(
        () => verify({} as never, null as never, '', bad),
        WebhookVerificationError,
        'invalid_payload_type',
      );
      await rejectsWith(
        () => verify(BODY, null as never, '', bad),
        WebhookValidationError,
        'invalid_secret',
      );
      const options = await rejectsWith(
        () => verify(BODY, null as never, SECRET, bad),
        WebhookValidationError,
        'invalid_option',
      );
      equal(options.issues[0]?.path, 'now', 'issues[0].path');
      const none = await rejectsWith(
        () => verify(BODY, {}, SECRET, AT_T),
        WebhookVerificationError,
        'missing_header',
      );
      includes(none.message, 'webhook-id');
    },
  );

  test(name('keeps messages free of the secret, the signatures, the body and the id'), async () => {
    const wrong = toBase64(new Uint8Array(32).fill(9));
    const error = await rejectsWith(
      () => verify(BODY, headers(), `whsec_${wrong}`, AT_T),
      WebhookVerificationError,
      'signature_mismatch',
      FORBIDDEN,
    );
    clean(error.message, [wrong]);
  });
}
