// verifyNovatradeSignatureAsync of the built /web entry: the cases of
// test/unit/signature/novatrade-verifier-suite.ts that matter on another runtime (vectors, every
// error code, the replay window's edges, rotation), on that runtime's WebCrypto.
import {
  verifyNovatradeSignatureAsync as verify,
  WebhookValidationError,
  WebhookVerificationError,
} from '@novatrade24/webhooks/web';
import fc from 'fast-check';
import { equal, includes, matches, rejectsWith } from '../assert.js';
import { novatradeVectors } from '../fixtures.js';
import type { Harness } from '../harness.js';
import { novatradeHeader, offsetView, utf8 } from '../reference.js';

const T = 1729684200;
const AT_T = { now: () => T * 1000 };
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw9dQ3XL0f2qY';
const BODY = '{"id":"evt_1","type":"compliance.decision_made","data":{"note":"Grüße 🌍"}}';
const HEX = 'a'.repeat(64);

const mismatch = (run: () => unknown, forbidden: readonly string[] = []) =>
  rejectsWith(run, WebhookVerificationError, 'signature_mismatch', forbidden);

export function verifyNovatradeSuite({ test }: Harness): void {
  const name = (text: string) => `verifyNovatradeSignatureAsync: ${text}`;
  const signed = () => novatradeHeader(BODY, SECRET, T);

  for (const vector of novatradeVectors) {
    const options = { now: () => vector.timestamp * 1000 };
    test(
      name(`verifies the "${vector.name}" vector as a string, bytes and an offset view`),
      async () => {
        equal(await verify(vector.body, vector.header, vector.secret, options), {
          timestamp: vector.timestamp,
        });
        const bytes = utf8(vector.body);
        equal(bytes.byteLength, vector.bodyBytes, 'UTF-8 length');
        for (const payload of [bytes, offsetView(bytes)]) {
          equal(await verify(payload, vector.header, vector.secret, options), {
            timestamp: vector.timestamp,
          });
        }
      },
    );

    test(name(`rejects the "${vector.name}" vector with one more body character`), async () => {
      const error = await mismatch(
        () => verify(`${vector.body} `, vector.header, vector.secret, options),
        [vector.secret, vector.signature, vector.body],
      );
      includes(error.message, 'raw request body');
    });
  }

  test(
    name('a signature made by this runtime verifies; wrong secret and tampered body do not'),
    async () => {
      const header = await signed();
      equal(await verify(BODY, header, SECRET, AT_T), { timestamp: T });
      await mismatch(() => verify(BODY, header, 'whsec_wrong', AT_T), [SECRET, header.slice(16)]);
      await mismatch(() => verify(BODY.replace('evt_1', 'evt_2'), header, SECRET, AT_T));
    },
  );

  test(name('accepts an uppercase v1 and blanks around entries'), async () => {
    const header = await signed();
    const upper = `t=${T},v1=${header.slice(`t=${T},v1=`.length).toUpperCase()}`;
    equal(await verify(BODY, upper, SECRET, AT_T), { timestamp: T });
    equal(await verify(BODY, ` ${header.replace(',', ' ,\t ')} `, SECRET, AT_T), {
      timestamp: T,
    });
  });

  const payloads: [string, unknown][] = [
    ['a parsed object', { id: 'evt_1' }],
    ['an ArrayBuffer', new ArrayBuffer(4)],
    ['a number', 42],
    ['null', null],
    ['a Uint16Array', new Uint16Array(2)],
  ];
  for (const [label, payload] of payloads) {
    test(name(`rejects ${label} as the payload with invalid_payload_type`), async () => {
      const header = await signed();
      const error = await rejectsWith(
        () => verify(payload as never, header, SECRET, AT_T),
        WebhookVerificationError,
        'invalid_payload_type',
        [SECRET, header],
      );
      matches(error.message, /string or a Uint8Array/);
    });
  }

  const secrets: [string, unknown][] = [
    ['an empty string', ''],
    ['an empty list', []],
    ['a list with an empty string', [SECRET, '']],
    ['a number', 7],
    ['undefined', undefined],
    ['a Uint8Array', utf8(SECRET)],
    ['nine secrets', Array.from({ length: 9 }, (_, i) => `${SECRET}${i}`)],
  ];
  for (const [label, secret] of secrets) {
    test(name(`rejects ${label} as the secret with invalid_secret`), async () => {
      await rejectsWith(
        async () => verify(BODY, await signed(), secret as never, AT_T),
        WebhookValidationError,
        'invalid_secret',
        [SECRET],
      );
    });
  }

  const badOptions: [string, unknown, string][] = [
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
    ['options that are not an object', 300, 'options'],
  ];
  for (const [label, options, path] of badOptions) {
    test(name(`rejects ${label} with invalid_option naming ${path}`), async () => {
      const error = await rejectsWith(
        async () => verify(BODY, await signed(), SECRET, options as never),
        WebhookValidationError,
        'invalid_option',
        [SECRET],
      );
      equal(error.issues[0]?.path, path, 'issues[0].path');
      includes(error.message, path);
    });
  }

  for (const [label, header] of [
    ['undefined', undefined],
    ['null', null],
    ['an empty string', ''],
    ['blanks only', ' \t '],
  ] as const) {
    test(name(`rejects ${label} as the header with missing_header`), async () => {
      await rejectsWith(
        () => verify(BODY, header, SECRET, AT_T),
        WebhookVerificationError,
        'missing_header',
      );
    });
  }

  test(name('rejects each malformed header as malformed_header, leaking nothing'), async () => {
    const v1 = (await signed()).slice(`t=${T},`.length);
    const malformed: [string, string][] = [
      ['no t', v1],
      ['a duplicate t', `t=${T},t=${T},${v1}`],
      ['t with a leading zero', `t=0${T},${v1}`],
      ['t = 0', `t=0,${v1}`],
      ['t with a sign', `t=+${T},${v1}`],
      ['t with a fraction', `t=${T}.5,${v1}`],
      ['t in milliseconds', `t=${T}000,${v1}`],
      ['an empty t', `t=,${v1}`],
      ['a v1 that is too short', `t=${T},v1=abcdef`],
      ['a v1 that is not hex', `t=${T},v1=${'g'.repeat(64)}`],
      ['an entry without "="', `t=${T},${v1},garbage`],
      ['a trailing comma', `t=${T},${v1},`],
      ['an empty key', `t=${T},=abc,${v1}`],
      ['17 v1 entries', `t=${T}${`,v1=${HEX}`.repeat(17)}`],
      ['more than 8 KiB', `t=${T},${v1},x=${'y'.repeat(8192)}`],
    ];
    for (const [label, header] of malformed) {
      const error = await rejectsWith(
        () => verify(BODY, header, SECRET, AT_T),
        WebhookVerificationError,
        'malformed_header',
        [SECRET, v1.slice(3)],
      ).catch((cause: Error) => {
        throw new Error(`${label}: ${cause.message}`);
      });
      if (label === 't in milliseconds') includes(error.message, 'milliseconds');
    }
  });

  test(name('rejects headers without a v1 as no_supported_signature'), async () => {
    for (const header of [`t=${T},v2=${HEX}`, `t=${T},v0=${HEX},scheme=hmac`, `t=${T},V1=${HEX}`]) {
      await rejectsWith(
        () => verify(BODY, header, SECRET, AT_T),
        WebhookVerificationError,
        'no_supported_signature',
      );
    }
  });

  test(name('accepts 16 v1 entries when the last one matches'), async () => {
    const v1 = (await signed()).slice(`t=${T},`.length);
    equal(await verify(BODY, `t=${T}${`,v1=${HEX}`.repeat(15)},${v1}`, SECRET, AT_T), {
      timestamp: T,
    });
  });

  const window: [string, number, string][] = [
    ['exactly 300 s old', (T + 300) * 1000 + 999, 'ok'],
    ['301 s old', (T + 301) * 1000, 'timestamp_too_old'],
    ['exactly 300 s ahead', (T - 300) * 1000, 'ok'],
    ['300 s and 1 ms ahead', (T - 300) * 1000 - 1, 'timestamp_too_new'],
  ];
  for (const [label, nowMs, expected] of window) {
    test(name(`with the default tolerance, a timestamp ${label} gives ${expected}`), async () => {
      const header = await signed();
      const run = () => verify(BODY, header, SECRET, { now: () => nowMs });
      if (expected === 'ok') equal(await run(), { timestamp: T });
      else await rejectsWith(run, WebhookVerificationError, expected, [SECRET, header]);
    });
  }

  test(
    name('applies a custom tolerance at its edges and checks it before the signature'),
    async () => {
      const header = await signed();
      const at = (seconds: number) => ({ toleranceSeconds: 30, now: () => seconds * 1000 });
      equal(await verify(BODY, header, SECRET, at(T + 30)), { timestamp: T });
      await rejectsWith(
        () => verify(BODY, header, SECRET, at(T + 31)),
        WebhookVerificationError,
        'timestamp_too_old',
      );
      // A stale request with a wrong secret reports its age, not the signature.
      await rejectsWith(
        () => verify(`${BODY}x`, header, 'whsec_wrong', at(T + 10_000)),
        WebhookVerificationError,
        'timestamp_too_old',
      );
    },
  );

  test(name('names a clock in seconds instead of blaming NTP'), async () => {
    const error = await rejectsWith(
      async () => verify(BODY, await signed(), SECRET, { now: () => T }),
      WebhookValidationError,
      'invalid_option',
    );
    equal(error.issues[0]?.path, 'now', 'issues[0].path');
    includes(error.message, `\`now\` returned ${T}, which looks like seconds`);
  });

  test(
    name('checks payload, secret, options, header syntax, then window, in that order'),
    async () => {
      const header = await signed();
      const stale = { now: () => (T + 10_000) * 1000 };
      await rejectsWith(
        () => verify({} as never, header, '', AT_T),
        WebhookVerificationError,
        'invalid_payload_type',
      );
      await rejectsWith(
        () => verify(BODY, header, '', { toleranceSeconds: 0 }),
        WebhookValidationError,
        'invalid_secret',
      );
      await rejectsWith(
        () => verify(BODY, undefined, SECRET, { toleranceSeconds: -5 }),
        WebhookValidationError,
        'invalid_option',
      );
      await rejectsWith(
        () => verify(BODY, `t=${T},v1=zz`, SECRET, stale),
        WebhookVerificationError,
        'malformed_header',
      );
    },
  );

  test(name('rotation: any of the receiver secrets, any of the sender signatures'), async () => {
    const secrets = ['whsec_new_one', 'whsec_old_one'];
    for (const secret of secrets) {
      equal(await verify(BODY, await novatradeHeader(BODY, secret, T), secrets, AT_T), {
        timestamp: T,
      });
    }
    const both = await novatradeHeader(BODY, secrets, T);
    equal(both.split(',v1=').length, 3, 'v1 entries + 1');
    for (const secret of secrets) equal(await verify(BODY, both, secret, AT_T), { timestamp: T });
    const error = await mismatch(
      () => verify(BODY, both, ['whsec_x', 'whsec_y'], AT_T),
      [...secrets],
    );
    includes(error.message, '2 secrets');
  });

  test(name('hints at whitespace around a secret and at an empty (consumed) body'), async () => {
    const header = await signed();
    includes(
      (await mismatch(() => verify(BODY, header, `${SECRET}\n`, AT_T), [SECRET])).message,
      'whitespace',
    );
    includes((await mismatch(() => verify('', header, SECRET, AT_T))).message, 'empty');
  });

  test(name('property: verifies any body, secret and timestamp this runtime signed'), async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.uint8Array({ maxLength: 200 })),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 99_999_999_999 }),
        async (body, secret, t) => {
          const header = await novatradeHeader(body, secret, t);
          const payload = body instanceof Uint8Array ? offsetView(body) : body;
          equal(await verify(payload, header, secret, { now: () => t * 1000 }), { timestamp: t });
        },
      ),
      { numRuns: 60 },
    );
  });

  test(name('property: any single-byte change of the body is signature_mismatch'), async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (body, index, delta) => {
          const header = await novatradeHeader(body, SECRET, T);
          const tampered = body.slice();
          const at = index % tampered.length;
          tampered[at] = ((tampered[at] as number) + delta) & 0xff;
          await mismatch(() => verify(tampered, header, SECRET, AT_T), [header.slice(16)]);
        },
      ),
      { numRuns: 60 },
    );
  });
}
