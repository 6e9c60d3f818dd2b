// verifyEudrSignatureAsync of the built /web entry: the cases of
// test/unit/signature/eudr-signature.test.ts (vector, header forms, error codes, the optional
// X-Webhook-Timestamp window), on the runtime's WebCrypto.
import {
  verifyEudrSignatureAsync as verify,
  WebhookValidationError,
  WebhookVerificationError,
} from '@novatrade24/webhooks/web';
import fc from 'fast-check';
import { equal, includes, rejectsWith } from '../assert.js';
import { eudrVectors } from '../fixtures.js';
import type { Harness } from '../harness.js';
import { eudrHeader, toBase64, utf8 } from '../reference.js';

const SECRET = 'whsec_eudr_test_secret';
const BODY = '{"event":"supplier.created","timestamp":"2024-01-15T10:30:00.000Z","data":{}}';
const ISO = '2024-01-15T10:30:00.000Z';
const ISO_MS = Date.UTC(2024, 0, 15, 10, 30);
const ISO_S = ISO_MS / 1000;

export function verifyEudrSuite({ test }: Harness): void {
  const name = (text: string) => `verifyEudrSignatureAsync: ${text}`;

  for (const vector of eudrVectors) {
    test(name(`verifies the "${vector.name}" vector, with the window on`), async () => {
      equal(utf8(vector.body).byteLength, vector.bodyBytes, 'UTF-8 length');
      equal(
        await verify(utf8(vector.body), vector.header, vector.secret, {
          timestamp: vector.timestamp,
          now: () => Date.parse(vector.timestamp),
        }),
        { timestamp: Date.parse(vector.timestamp) / 1000 },
      );
      equal(await verify(vector.body, vector.header, vector.secret), { timestamp: null });
    });
  }

  test(
    name('accepts sha256=<hex>, bare hex, uppercase and blanks; any of several secrets'),
    async () => {
      const header = await eudrHeader(BODY, SECRET);
      const hex = header.slice('sha256='.length);
      for (const value of [header, hex, hex.toUpperCase(), `SHA256=${hex}`, `  ${header} `]) {
        equal(await verify(BODY, value, SECRET), { timestamp: null }, value);
      }
      equal(await verify(BODY, header, ['whsec_old', SECRET]), { timestamp: null });
    },
  );

  test(
    name('a changed body and a wrong secret are signature_mismatch, leaking nothing'),
    async () => {
      const header = await eudrHeader(BODY, SECRET);
      const hex = header.slice('sha256='.length);
      await rejectsWith(
        () => verify(`${BODY} `, header, SECRET),
        WebhookVerificationError,
        'signature_mismatch',
        [SECRET, hex, BODY],
      );
      await rejectsWith(
        () => verify(BODY, header, 'whsec_wrong_secret'),
        WebhookVerificationError,
        'signature_mismatch',
        ['whsec_wrong_secret', hex],
      );
    },
  );

  test(
    name('rejects missing, malformed and other-algorithm headers with their codes'),
    async () => {
      const hex = (await eudrHeader(BODY, SECRET)).slice('sha256='.length);
      const cases: [string | undefined, string][] = [
        [undefined, 'missing_header'],
        ['', 'missing_header'],
        [hex.slice(1), 'malformed_header'],
        ['z'.repeat(64), 'malformed_header'],
        [`t=1,v1=${hex}`, 'malformed_header'],
        [`${hex},${hex}`, 'malformed_header'],
        [`sha1=${hex.slice(0, 40)}`, 'no_supported_signature'],
        [`sha512=${hex}${hex}`, 'no_supported_signature'],
      ];
      for (const [value, code] of cases) {
        await rejectsWith(() => verify(BODY, value, SECRET), WebhookVerificationError, code, [
          SECRET,
          hex,
        ]);
      }
      const base64 = toBase64(
        Uint8Array.from(hex.match(/../g) ?? [], (b) => Number.parseInt(b, 16)),
      );
      const error = await rejectsWith(
        () => verify(BODY, `sha256=${base64}`, SECRET),
        WebhookVerificationError,
        'malformed_header',
      );
      includes(error.message, 'base64');
    },
  );

  test(name('rejects a parsed object with invalid_payload_type'), async () => {
    await rejectsWith(
      async () => verify(JSON.parse(BODY) as never, await eudrHeader(BODY, SECRET), SECRET),
      WebhookVerificationError,
      'invalid_payload_type',
    );
  });

  const at = (offsetSeconds: number, extra: Record<string, unknown> = {}) => ({
    timestamp: ISO,
    now: () => ISO_MS + offsetSeconds * 1000,
    ...extra,
  });
  for (const [label, offset, expected] of [
    ['300 s after', 300, 'ok'],
    ['301 s after', 301, 'timestamp_too_old'],
    ['300 s before', -300, 'ok'],
    ['301 s before', -301, 'timestamp_too_new'],
  ] as const) {
    test(name(`window: now ${label} the timestamp gives ${expected}`), async () => {
      const header = await eudrHeader(BODY, SECRET);
      const run = () => verify(BODY, header, SECRET, at(offset));
      if (expected === 'ok') equal(await run(), { timestamp: ISO_S });
      else await rejectsWith(run, WebhookVerificationError, expected);
    });
  }

  test(name('window: a custom tolerance, checked before the signature'), async () => {
    const header = await eudrHeader(BODY, SECRET);
    equal(await verify(BODY, header, SECRET, at(30, { toleranceSeconds: 30 })), {
      timestamp: ISO_S,
    });
    await rejectsWith(
      () => verify(BODY, header, SECRET, at(31, { toleranceSeconds: 30 })),
      WebhookVerificationError,
      'timestamp_too_old',
    );
    await rejectsWith(
      () => verify(`${BODY}x`, header, SECRET, at(10_000)),
      WebhookVerificationError,
      'timestamp_too_old',
    );
  });

  test(
    name('window: fails closed with missing_header when the timestamp is absent or blank'),
    async () => {
      const header = await eudrHeader(BODY, SECRET);
      for (const options of [
        { timestamp: undefined },
        { timestamp: null },
        { timestamp: '  ' },
        { toleranceSeconds: 60 },
      ]) {
        const error = await rejectsWith(
          () => verify(BODY, header, SECRET, { ...options, now: () => ISO_MS }),
          WebhookVerificationError,
          'missing_header',
        );
        includes(error.message, 'X-Webhook-Timestamp');
      }
    },
  );

  test(
    name('window: a timestamp that is not ISO 8601 with an offset is malformed_header'),
    async () => {
      const header = await eudrHeader(BODY, SECRET);
      for (const timestamp of [
        String(ISO_S),
        '2024-01-15T10:30:00',
        '2024-02-30T10:30:00Z',
        'Mon, 15 Jan 2024 10:30:00 GMT',
      ]) {
        await rejectsWith(
          () => verify(BODY, header, SECRET, { timestamp, now: () => ISO_MS }),
          WebhookVerificationError,
          'malformed_header',
        );
      }
    },
  );

  test(name('window: names a clock in seconds; toleranceSeconds 0 is invalid_option'), async () => {
    const header = await eudrHeader(BODY, SECRET);
    const error = await rejectsWith(
      () => verify(BODY, header, SECRET, { timestamp: ISO, now: () => ISO_S - 30 }),
      WebhookValidationError,
      'invalid_option',
      [SECRET, header],
    );
    equal(error.issues[0]?.path, 'now', 'issues[0].path');
    includes(error.message, `\`now\` returned ${ISO_S - 30}, which looks like seconds`);
    await rejectsWith(
      () => verify(BODY, header, SECRET, at(0, { toleranceSeconds: 0 })),
      WebhookValidationError,
      'invalid_option',
    );
  });

  test(name('property: verifies what this runtime signed; any byte change fails'), async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.uint8Array({ minLength: 1, maxLength: 200 }),
        ),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
        fc.nat(),
        async (body, secret, index) => {
          const signature = await eudrHeader(body, secret);
          equal(await verify(body, signature, secret), { timestamp: null });
          const bytes = typeof body === 'string' ? utf8(body) : body.slice();
          if (bytes.length === 0) return;
          const i = index % bytes.length;
          bytes[i] = (bytes[i] as number) ^ 0x01;
          await rejectsWith(
            () => verify(bytes, signature, secret),
            WebhookVerificationError,
            'signature_mismatch',
          );
        },
      ),
      { numRuns: 60 },
    );
  });
}
