import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  EUDR_EVENT_TYPES,
  EVENT_TYPES,
  isKnownEvent,
  parseEudrEventJson,
  parseEventJson,
} from '../../../src/core/catalog/index.js';
import {
  createSampleEudrEvent,
  createSampleEvent,
} from '../../../src/core/catalog/sample-events.js';
import { WebhookValidationError, WebhookVerificationError } from '../../../src/core/errors.js';
import {
  buildDeliveryRequest,
  EUDR_PROFILE,
  NOVATRADE_PROFILE,
  type OutboundEvent,
} from '../../../src/core/profiles/index.js';
import { VERSION } from '../../../src/core/version.js';
import { nodeHmacSha256Hex } from '../../../src/signature/node-hmac-sha256-hex.node.js';
import { verifyEudrSignature } from '../../../src/signature/verify-eudr-signature.node.js';
import { verifyEudrSignatureAsync } from '../../../src/signature/verify-eudr-signature.web.js';
import { verifyNovatradeSignature } from '../../../src/signature/verify-novatrade-signature.node.js';
import { verifyNovatradeSignatureAsync } from '../../../src/signature/verify-novatrade-signature.web.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { createSignedRequest } from '../../../src/testing/create-signed-request.node.js';
import { EUDR_EVENT_FIXTURES } from '../../../src/testing/eudr-event-fixtures.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import { generateTestHeader } from '../../../src/testing/generate-test-header.node.js';
import { errorOf, thrown } from '../../helpers/thrown.js';

const SECRET = 'whsec_test_secret';
const OTHER_SECRET = 'whsec_other_secret';
const ZERO_IDS = { deliveryId: `del_${'0'.repeat(26)}`, endpointId: `wh_${'0'.repeat(26)}` };

const NOVATRADE_HEADER_NAMES = [
  'Content-Type',
  'X-Novatrade-Signature',
  'X-Novatrade-Event-Id',
  'X-Novatrade-Event-Type',
  'X-Novatrade-Schema-Version',
  'X-Novatrade-Delivery-Id',
  'X-Novatrade-Endpoint-Id',
  'User-Agent',
];
const EUDR_HEADER_NAMES = [
  'Content-Type',
  'X-Webhook-Signature',
  'X-Webhook-Event',
  'X-Webhook-Id',
  'X-Webhook-Timestamp',
  'User-Agent',
];

/** The sender's view of a Novatrade24 envelope, mapped independently of the code under test. */
function outboundOf(event: ReturnType<typeof createSampleEvent>): OutboundEvent {
  return {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    source: event.source,
    createdAtMs: Date.parse(event.createdAt),
    organizationUuid: event.organizationUuid,
    partnerUuid: event.partnerUuid,
    data: event.data as Record<string, unknown>,
  };
}

function verificationCode(run: () => unknown): string {
  const error = errorOf(run);
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as WebhookVerificationError).code;
}

describe('createSignedRequest with a Novatrade24 event', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(EVENT_TYPES)('%s: the body and headers are exactly the profile request', (type) => {
    const clock = createFakeClock();
    const event = EVENT_FIXTURES[type];
    const request = createSignedRequest(event, { secret: SECRET, now: clock.now });
    const expected = buildDeliveryRequest(NOVATRADE_PROFILE, {
      event: outboundOf(event),
      ...ZERO_IDS,
      secrets: [SECRET],
      nowMs: clock.now(),
      hmac: nodeHmacSha256Hex,
    });
    expect(request.body).toBe(expected.body);
    expect(request.body).toBe(JSON.stringify(event));
    expect(request.headers).toEqual(expected.headers);
    expect(Object.keys(request.headers)).toEqual(NOVATRADE_HEADER_NAMES);
    expect(parseEventJson(request.body, { strict: true })).toEqual(event);
  });

  it.each(EVENT_TYPES)('%s: verifies with the node and the web verifier', async (type) => {
    const clock = createFakeClock();
    const request = createSignedRequest(EVENT_FIXTURES[type], { secret: SECRET, now: clock.now });
    const header = request.headers['X-Novatrade-Signature'];
    const expected = { timestamp: clock.nowSeconds() };
    expect(verifyNovatradeSignature(request.body, header, SECRET, { now: clock.now })).toEqual(
      expected,
    );
    await expect(
      verifyNovatradeSignatureAsync(request.body, header, SECRET, { now: clock.now }),
    ).resolves.toEqual(expected);
  });

  it('sends the documented defaults', () => {
    vi.useFakeTimers();
    vi.setSystemTime(1_800_000_000_999);
    const request = createSignedRequest(EVENT_FIXTURES['compliance.decision_made'], {
      secret: SECRET,
    });
    expect(request.method).toBe('POST');
    expect(request.url).toBe('http://127.0.0.1/webhooks');
    expect(request.headers).toMatchObject({
      'Content-Type': 'application/json',
      'X-Novatrade-Event-Id': 'evt_00000000000000000000000000',
      'X-Novatrade-Event-Type': 'compliance.decision_made',
      'X-Novatrade-Schema-Version': '1',
      'X-Novatrade-Delivery-Id': ZERO_IDS.deliveryId,
      'X-Novatrade-Endpoint-Id': ZERO_IDS.endpointId,
      'User-Agent': `novatrade24-webhooks/${VERSION}`,
    });
    expect(request.headers['X-Novatrade-Signature']).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
  });

  it('uses url, deliveryId and endpointId from the options', () => {
    const request = createSignedRequest(EVENT_FIXTURES['prospect.submitted'], {
      secret: SECRET,
      url: 'https://receiver.test/hooks?x=1',
      deliveryId: 'del_abc',
      endpointId: 'wh_abc',
    });
    expect(request.url).toBe('https://receiver.test/hooks?x=1');
    expect(request.headers['X-Novatrade-Delivery-Id']).toBe('del_abc');
    expect(request.headers['X-Novatrade-Endpoint-Id']).toBe('wh_abc');
  });

  it('signs at timestampSeconds, which wins over now', () => {
    const request = createSignedRequest(EVENT_FIXTURES['prospect.submitted'], {
      secret: SECRET,
      timestampSeconds: 1729684200,
      now: () => 5_000_000,
    });
    expect(request.headers['X-Novatrade-Signature']).toBe(
      generateTestHeader({ payload: request.body, secret: SECRET, timestampSeconds: 1729684200 }),
    );
  });

  it('writes one v1 per secret; each secret alone verifies', () => {
    const clock = createFakeClock();
    const request = createSignedRequest(EVENT_FIXTURES['kyc.vies_check_failed'], {
      secret: [SECRET, OTHER_SECRET],
      now: clock.now,
    });
    const header = request.headers['X-Novatrade-Signature'];
    expect(header?.match(/v1=/g)).toHaveLength(2);
    for (const secret of [SECRET, OTHER_SECRET]) {
      expect(verifyNovatradeSignature(request.body, header, secret, { now: clock.now })).toEqual({
        timestamp: clock.nowSeconds(),
      });
    }
  });

  it('normalises createdAt to UTC as the sender formats it, keeping milliseconds', () => {
    const whole = createSignedRequest(
      createSampleEvent('prospect.submitted', { createdAt: '2026-04-22T12:30:00.000+02:00' }),
      { secret: SECRET },
    );
    expect(JSON.parse(whole.body).createdAt).toBe('2026-04-22T10:30:00Z');
    const fraction = createSignedRequest(
      createSampleEvent('prospect.submitted', { createdAt: '2026-04-22T10:30:00.250Z' }),
      { secret: SECRET },
    );
    expect(JSON.parse(fraction.body).createdAt).toBe('2026-04-22T10:30:00.250Z');
  });

  it('sends the envelope fields only, in the documented order', () => {
    const event = { extra: true, ...createSampleEvent('compliance.decision_made') };
    const request = createSignedRequest(event, { secret: SECRET });
    expect(Object.keys(JSON.parse(request.body))).toEqual([
      'id',
      'type',
      'schemaVersion',
      'source',
      'createdAt',
      'organizationUuid',
      'partnerUuid',
      'data',
    ]);
  });

  it('signs an unknown type and data outside the catalog, for lenient-parsing tests', () => {
    const event = {
      ...createSampleEvent('prospect.submitted'),
      type: 'future.thing',
      data: { a: 1 },
    };
    const request = createSignedRequest(event, { secret: SECRET });
    expect(request.headers['X-Novatrade-Event-Type']).toBe('future.thing');
    const parsed = parseEventJson(request.body);
    expect(isKnownEvent(parsed)).toBe(false);
    expect(parsed.data).toEqual({ a: 1 });
  });

  it('rejects an envelope it cannot serialize with invalid_event listing every bad field', () => {
    const event = {
      ...createSampleEvent('prospect.submitted'),
      id: '',
      schemaVersion: 0,
      createdAt: '2026-02-30T00:00:00Z',
      partnerUuid: undefined,
      data: [],
    };
    const error = thrown(() => createSignedRequest(event as never, { secret: SECRET }));
    expect(error.code).toBe('invalid_event');
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'id',
      'schemaVersion',
      'createdAt',
      'partnerUuid',
      'data',
    ]);
  });

  it('rejects an EUDR event without profile: eudr, and says so', () => {
    const error = thrown(() =>
      createSignedRequest(EUDR_EVENT_FIXTURES['supplier.created'], { secret: SECRET }),
    );
    expect(error.code).toBe('invalid_event');
    expect(error.message).toContain("profile: 'eudr'");
  });
});

describe("createSignedRequest with profile: 'eudr'", () => {
  it.each(EUDR_EVENT_TYPES)('%s: body, headers and both verifiers', async (type) => {
    const event = EUDR_EVENT_FIXTURES[type];
    const request = createSignedRequest(event, { secret: SECRET, profile: 'eudr' });
    expect(request.body).toBe(JSON.stringify(event));
    expect(request.body).toBe(
      EUDR_PROFILE.serializeBody({
        id: '',
        type: event.event,
        schemaVersion: 1,
        source: 'SYSTEM',
        createdAtMs: Date.parse(event.timestamp),
        organizationUuid: event.integrationId,
        partnerUuid: null,
        data: event.data,
      }),
    );
    expect(Object.keys(request.headers)).toEqual(EUDR_HEADER_NAMES);
    expect(request.headers).toMatchObject({
      'Content-Type': 'application/json',
      'X-Webhook-Event': type,
      'X-Webhook-Id': ZERO_IDS.endpointId,
      'X-Webhook-Timestamp': event.timestamp,
      'User-Agent': 'EUDR-Platform-Webhook/1.0',
    });
    expect(parseEudrEventJson(request.body, { strict: true })).toEqual(event);

    const header = request.headers['X-Webhook-Signature'];
    const windowed = {
      timestamp: request.headers['X-Webhook-Timestamp'],
      now: () => Date.parse(event.timestamp),
    };
    const expected = { timestamp: Date.parse(event.timestamp) / 1000 };
    expect(verifyEudrSignature(request.body, header, SECRET, windowed)).toEqual(expected);
    await expect(verifyEudrSignatureAsync(request.body, header, SECRET, windowed)).resolves.toEqual(
      expected,
    );
  });

  it('serializes a Novatrade24 envelope as the sender maps it onto the EUDR body', () => {
    const event = createSampleEvent('prospect.submitted');
    const request = createSignedRequest(event, { secret: SECRET, profile: 'eudr' });
    expect(request.body).toBe(EUDR_PROFILE.serializeBody(outboundOf(event)));
    expect(JSON.parse(request.body)).toEqual({
      event: 'prospect.submitted',
      timestamp: '2026-04-22T10:30:00.000Z',
      integrationId: event.organizationUuid,
      data: event.data,
    });
  });

  it('writes the timestamp with milliseconds, as the EUDR profile does', () => {
    const event = createSampleEudrEvent('sync.completed', { timestamp: '2024-01-15T10:30:00Z' });
    const request = createSignedRequest(event, { secret: SECRET, profile: 'eudr' });
    expect(JSON.parse(request.body).timestamp).toBe('2024-01-15T10:30:00.000Z');
    expect(request.headers['X-Webhook-Timestamp']).toBe('2024-01-15T10:30:00.000Z');
  });

  it('signs with the first of several secrets, as the profile does', () => {
    const request = createSignedRequest(EUDR_EVENT_FIXTURES['dds.approved'], {
      secret: [SECRET, OTHER_SECRET],
      profile: 'eudr',
      endpointId: 'wh_eudr',
    });
    const header = request.headers['X-Webhook-Signature'];
    expect(request.headers['X-Webhook-Id']).toBe('wh_eudr');
    expect(verifyEudrSignature(request.body, header, SECRET)).toEqual({ timestamp: null });
    expect(verificationCode(() => verifyEudrSignature(request.body, header, OTHER_SECRET))).toBe(
      'signature_mismatch',
    );
  });

  it('rejects an EUDR event with a bad timestamp with invalid_event', () => {
    const event = { ...createSampleEudrEvent('sync.completed'), timestamp: 'yesterday' };
    const error = thrown(() => createSignedRequest(event, { secret: SECRET, profile: 'eudr' }));
    expect(error.code).toBe('invalid_event');
    expect(error.issues.map((issue) => issue.path)).toEqual(['timestamp']);
  });
});

describe('createSignedRequest with a raw body', () => {
  it('gives a profile body the same headers as the event it came from (both profiles)', () => {
    const clock = createFakeClock();
    const event = EVENT_FIXTURES['export_file.generated'];
    const fromEvent = createSignedRequest(event, { secret: SECRET, now: clock.now });
    const fromBody = createSignedRequest(fromEvent.body, { secret: SECRET, now: clock.now });
    expect(fromBody.body).toBe(fromEvent.body);
    expect(fromBody.headers).toEqual(fromEvent.headers);
    expect(Object.keys(fromBody.headers)).toEqual(NOVATRADE_HEADER_NAMES);

    const eudr = EUDR_EVENT_FIXTURES['sync.failed'];
    const eudrFromEvent = createSignedRequest(eudr, { secret: SECRET, profile: 'eudr' });
    const eudrFromBody = createSignedRequest(eudrFromEvent.body, {
      secret: SECRET,
      profile: 'eudr',
    });
    expect(eudrFromBody.headers).toEqual(eudrFromEvent.headers);
    expect(Object.keys(eudrFromBody.headers)).toEqual(EUDR_HEADER_NAMES);
  });

  it('signs a string exactly as given, without re-serialising it', () => {
    const body = '{ "type" : "kyc.vies_check_failed",\n  "id": "evt_1", "schemaVersion": 2 }';
    const request = createSignedRequest(body, { secret: SECRET, timestampSeconds: 1729684200 });
    expect(request.body).toBe(body);
    expect(request.headers['X-Novatrade-Signature']).toBe(
      generateTestHeader({ payload: body, secret: SECRET, timestampSeconds: 1729684200 }),
    );
    expect(request.headers).toMatchObject({
      'X-Novatrade-Event-Id': 'evt_1',
      'X-Novatrade-Event-Type': 'kyc.vies_check_failed',
      'X-Novatrade-Schema-Version': '2',
    });
  });

  it.each([
    ['not JSON', 'hello'],
    ['a JSON array', '[1,2]'],
    ['JSON without the fields', '{"a":1}'],
    ['fields of the wrong type', '{"id":1,"type":null,"schemaVersion":"1"}'],
    ['a field with a line break', '{"id":"evt\\r\\nX-Evil: 1"}'],
  ])('omits the event-derived headers for %s', (_, body) => {
    const request = createSignedRequest(body, { secret: SECRET });
    expect(Object.keys(request.headers)).toEqual([
      'Content-Type',
      'X-Novatrade-Signature',
      'X-Novatrade-Delivery-Id',
      'X-Novatrade-Endpoint-Id',
      'User-Agent',
    ]);
    const eudr = createSignedRequest(body, { secret: SECRET, profile: 'eudr' });
    expect(Object.keys(eudr.headers)).toEqual([
      'Content-Type',
      'X-Webhook-Signature',
      'X-Webhook-Id',
      'User-Agent',
    ]);
  });

  it('copies a byte view at creation and signs exactly its bytes', async () => {
    const backing = new Uint8Array([0x41, 0xff, 0xfe, 0x00, 0x7b, 0x42]);
    const view = backing.subarray(1, 5); // not valid UTF-8
    const clock = createFakeClock();
    const request = createSignedRequest(view, { secret: SECRET, now: clock.now });
    backing.fill(0);
    expect(request.body).toEqual(new Uint8Array([0xff, 0xfe, 0x00, 0x7b]));
    expect(request.body.byteLength).toBe(4);
    const header = request.headers['X-Novatrade-Signature'];
    expect(verifyNovatradeSignature(request.body, header, SECRET, { now: clock.now })).toEqual({
      timestamp: clock.nowSeconds(),
    });
    const sent = new Uint8Array(await request.toRequest().arrayBuffer());
    expect(sent).toEqual(request.body);
    expect(
      verifyNovatradeSignature(
        sent,
        request.toRequest().headers.get('x-novatrade-signature'),
        SECRET,
        {
          now: clock.now,
        },
      ),
    ).toEqual({ timestamp: clock.nowSeconds() });
  });

  it('reads the EUDR headers of a byte body from its JSON', () => {
    const body = new TextEncoder().encode(
      '{"event":"dds.submitted","timestamp":"2024-01-15T10:30:00Z"}',
    );
    const request = createSignedRequest(body, { secret: SECRET, profile: 'eudr' });
    expect(request.headers['X-Webhook-Event']).toBe('dds.submitted');
    expect(request.headers['X-Webhook-Timestamp']).toBe('2024-01-15T10:30:00Z');
    expect(
      verifyEudrSignature(request.body, request.headers['X-Webhook-Signature'], SECRET, {
        timestamp: request.headers['X-Webhook-Timestamp'],
        now: () => Date.parse('2024-01-15T10:31:00Z'),
      }),
    ).toEqual({ timestamp: Date.parse('2024-01-15T10:30:00Z') / 1000 });
  });

  it('property: any body, secret and time verifies, and a flipped byte fails', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 120 }),
          fc.uint8Array({ minLength: 0, maxLength: 120 }),
        ),
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 99_999_999_999 }),
        fc.nat(),
        (body, secret, timestampSeconds, position) => {
          const request = createSignedRequest(body, { secret, timestampSeconds });
          const header = request.headers['X-Novatrade-Signature'];
          const now = () => timestampSeconds * 1000;
          expect(verifyNovatradeSignature(request.body, header, secret, { now })).toEqual({
            timestamp: timestampSeconds,
          });
          const bytes =
            typeof request.body === 'string'
              ? new TextEncoder().encode(request.body)
              : new Uint8Array(request.body);
          if (bytes.length === 0) return;
          const i = position % bytes.length;
          bytes[i] = (bytes[i] as number) ^ 0x01;
          expect(
            verificationCode(() => verifyNovatradeSignature(bytes, header, secret, { now })),
          ).toBe('signature_mismatch');
        },
      ),
    );
  });
});

describe('createSignedRequest headers option', () => {
  const event = EVENT_FIXTURES['compliance.status_changed'];

  it('replaces a header to tamper: verification fails with signature_mismatch', () => {
    const clock = createFakeClock();
    const forged = generateTestHeader({
      payload: JSON.stringify(event),
      secret: OTHER_SECRET,
      now: clock.now,
    });
    const request = createSignedRequest(event, {
      secret: SECRET,
      now: clock.now,
      headers: { 'X-Novatrade-Signature': forged },
    });
    expect(request.headers['X-Novatrade-Signature']).toBe(forged);
    expect(
      verificationCode(() =>
        verifyNovatradeSignature(request.body, request.headers['X-Novatrade-Signature'], SECRET, {
          now: clock.now,
        }),
      ),
    ).toBe('signature_mismatch');
  });

  it('matches names case-insensitively, so a header is never sent twice', () => {
    const request = createSignedRequest(event, {
      secret: SECRET,
      headers: { 'x-novatrade-signature': 't=1,v1=00', 'user-agent': 'probe/1' },
    });
    expect(request.headers['X-Novatrade-Signature']).toBeUndefined();
    expect(request.headers['x-novatrade-signature']).toBe('t=1,v1=00');
    expect(request.toRequest().headers.get('User-Agent')).toBe('probe/1');
    expect(Object.keys(request.headers)).toHaveLength(NOVATRADE_HEADER_NAMES.length);
  });

  it('removes a header given null, and adds new ones', () => {
    const request = createSignedRequest(event, {
      secret: SECRET,
      headers: { 'X-Novatrade-Signature': null, 'X-Trace': 'abc' },
    });
    expect('X-Novatrade-Signature' in request.headers).toBe(false);
    expect(request.headers['X-Trace']).toBe('abc');
    expect(
      verificationCode(() =>
        verifyNovatradeSignature(request.body, request.headers['X-Novatrade-Signature'], SECRET),
      ),
    ).toBe('missing_header');
  });

  it('tampers an EUDR timestamp: the replay window rejects it', () => {
    const fixture = EUDR_EVENT_FIXTURES['batch.updated'];
    const request = createSignedRequest(fixture, {
      secret: SECRET,
      profile: 'eudr',
      headers: { 'X-Webhook-Timestamp': '2024-01-15T09:00:00.000Z' },
    });
    expect(
      verificationCode(() =>
        verifyEudrSignature(request.body, request.headers['X-Webhook-Signature'], SECRET, {
          timestamp: request.headers['X-Webhook-Timestamp'],
          now: () => Date.parse(fixture.timestamp),
        }),
      ),
    ).toBe('timestamp_too_old');
  });
});

describe('SignedRequest', () => {
  const event = EVENT_FIXTURES['self_service_invitation.used'];

  it('toRequest returns a fresh Fetch Request whose text() is the body', async () => {
    const signed = createSignedRequest(event, { secret: SECRET, url: 'https://r.test/wh' });
    const first = signed.toRequest();
    const second = signed.toRequest();
    expect(first).toBeInstanceOf(Request);
    expect(first).not.toBe(second);
    expect(first.method).toBe('POST');
    expect(first.url).toBe('https://r.test/wh');
    for (const name of NOVATRADE_HEADER_NAMES) {
      expect(first.headers.get(name)).toBe(signed.headers[name]);
    }
    expect(await first.text()).toBe(signed.body);
    expect(await second.text()).toBe(signed.body);
  });

  it('toFetchInit returns fresh copies the caller may change', () => {
    const signed = createSignedRequest(new Uint8Array([1, 2, 3]), { secret: SECRET });
    const init = signed.toFetchInit();
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual(signed.headers);
    expect(init.headers).not.toBe(signed.headers);
    (init.headers as Record<string, string>)['X-Novatrade-Signature'] = 'changed';
    (init.body as Uint8Array)[0] = 9;
    expect(signed.headers['X-Novatrade-Signature']).not.toBe('changed');
    expect(signed.body).toEqual(new Uint8Array([1, 2, 3]));
    expect(signed.toFetchInit().body).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('is frozen, headers included', () => {
    const signed = createSignedRequest(event, { secret: SECRET });
    expect(Object.isFrozen(signed)).toBe(true);
    expect(Object.isFrozen(signed.headers)).toBe(true);
  });

  it('reaches a real loopback server byte for byte and verifies there', async () => {
    let received: { body: Buffer; headers: IncomingMessage['headers'] } | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received = { body: Buffer.concat(chunks), headers: req.headers };
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const signed = createSignedRequest(event, {
        secret: SECRET,
        url: `http://127.0.0.1:${port}/webhooks`,
      });
      const response = await fetch(signed.url, signed.toFetchInit());
      expect(response.status).toBe(204);
      expect(received?.body.toString('utf8')).toBe(signed.body);
      expect(received?.headers['x-novatrade-event-type']).toBe('self_service_invitation.used');
      expect(received?.headers['user-agent']).toBe(`novatrade24-webhooks/${VERSION}`);
      expect(
        verifyNovatradeSignature(
          received?.body ?? '',
          received?.headers['x-novatrade-signature'] as string,
          SECRET,
        ).timestamp,
      ).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('createSignedRequest validation', () => {
  const event = EVENT_FIXTURES['prospect.submitted'];

  it.each([
    ['profile', { profile: 'stripe' }],
    ['url', { url: 'not a url' }],
    ['url', { url: 'ftp://example.com/' }],
    ['url', { url: 42 }],
    ['deliveryId', { deliveryId: '' }],
    ['deliveryId', { deliveryId: 'del_1\r\nX-Evil: 1' }],
    ['endpointId', { endpointId: 7 }],
    ['headers', { headers: 'X-A: 1' }],
    ['headers', { headers: [] }],
    ['headers.bad name', { headers: { 'bad name': 'x' } }],
    ['headers.X-A', { headers: { 'X-A': 'a\nb' } }],
    ['headers.X-A', { headers: { 'X-A': 1 } }],
    ['timestampSeconds', { timestampSeconds: 1_729_684_200_000 }],
    ['now', { now: Date.now() }],
  ])('rejects a bad %s with invalid_option naming it', (path, extra) => {
    const error = thrown(() => createSignedRequest(event, { secret: SECRET, ...extra } as never));
    expect(error.code).toBe('invalid_option');
    expect(error.issues[0]?.path).toBe(path);
  });

  it('rejects options that are not an object', () => {
    expect(thrown(() => createSignedRequest(event, null as never)).issues[0]?.path).toBe('options');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['an empty list', []],
  ])('rejects a %s secret with invalid_secret', (_, secret) => {
    expect(thrown(() => createSignedRequest(event, { secret } as never)).code).toBe(
      'invalid_secret',
    );
  });

  it.each([
    ['a number', 42],
    ['null', null],
    ['an array', [1]],
    ['an ArrayBuffer', new ArrayBuffer(2)],
    ['a DataView', new DataView(new ArrayBuffer(2))],
    ['an Int16Array', new Int16Array(2)],
  ])('rejects %s as the event with invalid_event_input', (_, input) => {
    const error = thrown(() => createSignedRequest(input as never, { secret: SECRET }));
    expect(error).toBeInstanceOf(WebhookValidationError);
    expect(error.code).toBe('invalid_event_input');
    expect(error.issues[0]).toMatchObject({ path: 'event', code: 'invalid_type' });
  });

  it('never puts the secret or the body in an error message', () => {
    const secret = 'whsec_super_secret_value';
    const body = '{"confidential":"payload-content"}';
    const messages = [
      thrown(() => createSignedRequest(body, { secret, url: 'nope' })).message,
      thrown(() => createSignedRequest(body, { secret, headers: { 'X-A': '\n' } })).message,
      thrown(() => createSignedRequest({ ...event, createdAt: body }, { secret })).message,
    ];
    for (const message of messages) {
      expect(message).not.toContain(secret);
      expect(message).not.toContain('payload-content');
    }
  });
});
