// constructEventAsync, constructEudrEventAsync and constructStandardEventAsync of the built /web
// entry: the cases of test/unit/receiver/construct-event.test.ts (verify, then parse and type one
// request), with the runtime's Headers.
import {
  constructEudrEventAsync,
  constructEventAsync,
  constructStandardEventAsync,
  isKnownEvent,
  WebhookValidationError,
  WebhookVerificationError,
} from '@novatrade24/webhooks/web';
import { codeOf, equal, includes, ok, rejectsWith } from '../assert.js';
import { decisionEvent, prospectEvent, supplierCreatedEvent, viesEvent } from '../events.js';
import type { Harness } from '../harness.js';
import { eudrHeader, novatradeHeader, offsetView, standardHeaders, utf8 } from '../reference.js';

const SECRET = 'whsec_receiver_test';
const STANDARD_SECRET = 'whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=';
const T = 1_790_000_000;
const now = () => T * 1000;

async function signed(event: unknown, options: { secret?: string; timestamp?: number } = {}) {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const header = await novatradeHeader(body, options.secret ?? SECRET, options.timestamp ?? T);
  return { body, headers: { 'x-novatrade-signature': header }, header };
}

export function constructEventSuite({ test }: Harness): void {
  const name = (text: string) => `constructEventAsync: ${text}`;

  test(name('a valid signed event is the typed event, equal to what was sent'), async () => {
    const event = decisionEvent({ id: 'evt_1' });
    const { body, header } = await signed(event);
    const result = await constructEventAsync(body, { 'X-Novatrade-Signature': header }, SECRET, {
      now,
    });
    equal(result, event);
    ok(isKnownEvent(result) && result.type === 'compliance.decision_made', 'a known event');
  });

  test(
    name("headers as the runtime's Headers, a record in any case, a repeated header array"),
    async () => {
      const { body, header } = await signed(viesEvent());
      for (const headers of [
        new Headers({ 'x-novatrade-signature': header }),
        { 'x-novatrade-signature': header, host: 'x' },
        { 'X-NOVATRADE-Signature': header },
        { 'x-novatrade-signature': [header] },
      ]) {
        equal(
          (await constructEventAsync(body, headers, SECRET, { now })).type,
          'kyc.vies_check_failed',
        );
      }
    },
  );

  test(name('a Uint8Array body with an offset is verified over exactly those bytes'), async () => {
    const { body, headers } = await signed(prospectEvent());
    const event = await constructEventAsync(offsetView(utf8(body)), headers, SECRET, { now });
    equal(event.type, 'prospect.submitted');
  });

  test(
    name('a parsed object is invalid_payload_type naming Express, Fastify, Next.js, Hono'),
    async () => {
      const { headers } = await signed(prospectEvent());
      const error = await rejectsWith(
        () => constructEventAsync({ id: 'evt' } as never, headers, SECRET, { now }),
        WebhookVerificationError,
        'invalid_payload_type',
      );
      for (const word of ['express.raw', 'Fastify', 'Next.js', 'Hono', 'got an object']) {
        includes(error.message, word);
      }
    },
  );

  test(name('tampered, unsigned, wrong secret, stale, future: the verifier codes'), async () => {
    const event = decisionEvent();
    const good = await signed(event);
    const tampered = good.body.replace('VALID_EXPORT', 'VAT_APPLICABLE');
    equal(
      await codeOf(() => constructEventAsync(tampered, good.headers, SECRET, { now })),
      'signature_mismatch',
    );
    equal(
      await codeOf(() => constructEventAsync(good.body, {}, SECRET, { now })),
      'missing_header',
    );
    const other = await signed(event, { secret: 'whsec_other' });
    equal(
      await codeOf(() => constructEventAsync(other.body, other.headers, SECRET, { now })),
      'signature_mismatch',
    );
    const stale = await signed(event, { timestamp: T - 301 });
    equal(
      await codeOf(() => constructEventAsync(stale.body, stale.headers, SECRET, { now })),
      'timestamp_too_old',
    );
    const future = await signed(event, { timestamp: T + 301 });
    equal(
      await codeOf(() => constructEventAsync(future.body, future.headers, SECRET, { now })),
      'timestamp_too_new',
    );
  });

  test(name('rotation: either of two secrets verifies'), async () => {
    const event = decisionEvent();
    for (const secret of ['whsec_new', 'whsec_old']) {
      const { body, headers } = await signed(event, { secret });
      equal(await constructEventAsync(body, headers, ['whsec_new', 'whsec_old'], { now }), event);
    }
  });

  test(name('signed but not JSON is invalid_json; a bad envelope is invalid_event'), async () => {
    const notJson = await signed('{"id":');
    equal(
      await codeOf(() => constructEventAsync(notJson.body, notJson.headers, SECRET, { now })),
      'invalid_json',
    );
    const bad = await signed({ ...decisionEvent(), organizationUuid: 7 });
    equal(
      await codeOf(() => constructEventAsync(bad.body, bad.headers, SECRET, { now })),
      'invalid_event',
    );
    // The signature is checked first: an unsigned bad body fails 401-style.
    equal(
      await codeOf(() =>
        constructEventAsync('{"id":', { 'x-novatrade-signature': 't=1,v1=00' }, SECRET, { now }),
      ),
      'malformed_header',
    );
  });

  test(
    name('an unknown type is an unknown event (lenient) or unknown_event_type (strict)'),
    async () => {
      const { body, headers } = await signed({ ...prospectEvent(), type: 'order.created' });
      const event = await constructEventAsync(body, headers, SECRET, { now });
      equal(event.type, 'order.created');
      ok(!isKnownEvent(event), 'an unknown event');
      equal(
        await codeOf(() => constructEventAsync(body, headers, SECRET, { now, strict: true })),
        'unknown_event_type',
      );
    },
  );

  test(
    name('acceptedSchemaVersions: a version outside the list is unsupported_schema_version'),
    async () => {
      const v2 = await signed({ ...prospectEvent(), schemaVersion: 2 });
      const error = await rejectsWith(
        () =>
          constructEventAsync(v2.body, v2.headers, SECRET, { now, acceptedSchemaVersions: [1] }),
        WebhookValidationError,
        'unsupported_schema_version',
      );
      includes(error.message, 'acceptedSchemaVersions [1]');
      const v1 = await signed(prospectEvent());
      equal(
        (
          await constructEventAsync(v1.body, v1.headers, SECRET, {
            now,
            acceptedSchemaVersions: [1, 2],
          })
        ).schemaVersion,
        1,
      );
    },
  );

  test(
    name('bad options and headers are invalid_option, checked before the signature'),
    async () => {
      const { body, headers } = await signed(prospectEvent(), { timestamp: T - 10_000 });
      for (const [h, options] of [
        [null, { now }],
        [headers, { now, acceptedSchemaVersions: [] }],
        [headers, { now, acceptedSchemaVersions: [0] }],
        [headers, { now, toleranceSeconds: 0 }],
        [headers, { strict: 'yes' }],
        [headers, 'strict'],
      ] as const) {
        equal(
          await codeOf(() => constructEventAsync(body, h as never, SECRET, options as never)),
          'invalid_option',
          JSON.stringify(options),
        );
      }
    },
  );

  test(name('never puts the secret, the signature or the body in an error message'), async () => {
    const { body, headers, header } = await signed(decisionEvent());
    const v1 = header.split('v1=')[1] ?? '';
    for (const run of [
      () => constructEventAsync(body, headers, 'whsec_wrong_secret_value', { now }),
      () => constructEventAsync(`${body} `, headers, SECRET, { now }),
      () => constructEventAsync({ body } as never, headers, SECRET, { now }),
    ]) {
      const error = (await run().then(
        () => {
          throw new Error('expected a failure');
        },
        (e: unknown) => e,
      )) as Error;
      for (const value of ['whsec_wrong_secret_value', SECRET, v1, 'VALID_EXPORT']) {
        ok(!error.message.includes(value), `message leaks ${value}: ${error.message}`);
      }
    }
  });

  const eudr = (text: string) => `constructEudrEventAsync: ${text}`;
  const supplier = supplierCreatedEvent();
  const supplierBody = JSON.stringify(supplier);

  test(eudr('sha256= and bare hex signatures give the typed EUDR event'), async () => {
    const header = await eudrHeader(supplierBody, SECRET);
    equal(
      await constructEudrEventAsync(supplierBody, { 'X-Webhook-Signature': header }, SECRET),
      supplier,
    );
    equal(
      await constructEudrEventAsync(
        supplierBody,
        new Headers({ 'x-webhook-signature': header.slice('sha256='.length) }),
        SECRET,
      ),
      supplier,
    );
  });

  test(eudr('tampered body is signature_mismatch; parsed body invalid_payload_type'), async () => {
    const headers = { 'x-webhook-signature': await eudrHeader(supplierBody, SECRET) };
    equal(
      await codeOf(() => constructEudrEventAsync(`${supplierBody} `, headers, SECRET)),
      'signature_mismatch',
    );
    equal(
      await codeOf(() => constructEudrEventAsync(supplier as never, headers, SECRET)),
      'invalid_payload_type',
    );
  });

  test(
    eudr('toleranceSeconds turns on the X-Webhook-Timestamp window, failing closed'),
    async () => {
      const signature = await eudrHeader(supplierBody, SECRET);
      const at = (iso: string) => ({
        'x-webhook-signature': signature,
        'x-webhook-timestamp': iso,
      });
      const nowMs = () => Date.parse('2026-04-22T10:30:00.000Z');
      const window = { toleranceSeconds: 300, now: nowMs };
      equal(
        await constructEudrEventAsync(supplierBody, at('2026-04-22T10:29:00.000Z'), SECRET, window),
        supplier,
      );
      equal(
        await codeOf(() =>
          constructEudrEventAsync(supplierBody, at('2026-04-22T10:00:00.000Z'), SECRET, window),
        ),
        'timestamp_too_old',
      );
      equal(
        await codeOf(() =>
          constructEudrEventAsync(
            supplierBody,
            { 'x-webhook-signature': signature },
            SECRET,
            window,
          ),
        ),
        'missing_header',
      );
      // Without the option the (unsigned) timestamp is not checked at all.
      equal(
        await constructEudrEventAsync(supplierBody, at('2020-01-01T00:00:00.000Z'), SECRET),
        supplier,
      );
    },
  );

  const standard = (text: string) => `constructStandardEventAsync: ${text}`;

  test(
    standard("a Standard Webhooks request with the runtime's Headers gives the typed event"),
    async () => {
      const event = decisionEvent();
      const body = JSON.stringify(event);
      const signed = await standardHeaders(body, {
        id: event.id,
        secret: STANDARD_SECRET,
        timestamp: T,
      });
      equal(
        await constructStandardEventAsync(body, new Headers(signed), STANDARD_SECRET, { now }),
        event,
      );
      equal(
        await constructStandardEventAsync(utf8(body), signed, [STANDARD_SECRET], { now }),
        event,
      );
    },
  );

  test(standard('verifier codes first, then the parsing codes'), async () => {
    const event = decisionEvent();
    const body = JSON.stringify(event);
    const signed = await standardHeaders(body, {
      id: event.id,
      secret: STANDARD_SECRET,
      timestamp: T,
    });
    equal(
      await codeOf(() => constructStandardEventAsync(`${body} `, signed, STANDARD_SECRET, { now })),
      'signature_mismatch',
    );
    const { 'webhook-id': _id, ...noId } = signed;
    const missing = await rejectsWith(
      () => constructStandardEventAsync(body, noId, STANDARD_SECRET, { now }),
      WebhookVerificationError,
      'missing_header',
    );
    includes(missing.message, 'webhook-id');
    const stale = { now: () => (T + 301) * 1000 };
    equal(
      await codeOf(() => constructStandardEventAsync(body, signed, STANDARD_SECRET, stale)),
      'timestamp_too_old',
    );
    const notJson = await standardHeaders('{"id":', {
      id: 'msg_1',
      secret: STANDARD_SECRET,
      timestamp: T,
    });
    equal(
      await codeOf(() => constructStandardEventAsync('{"id":', notJson, STANDARD_SECRET, { now })),
      'invalid_json',
    );
    const unknownBody = JSON.stringify({ ...event, type: 'order.created' });
    const unknown = await standardHeaders(unknownBody, {
      id: event.id,
      secret: STANDARD_SECRET,
      timestamp: T,
    });
    equal(
      await codeOf(() =>
        constructStandardEventAsync(unknownBody, unknown, STANDARD_SECRET, { now, strict: true }),
      ),
      'unknown_event_type',
    );
  });
}
