// The management API end to end, as a client of the spec uses it (docs/design.md §6.4, §6.7):
// every call goes through `api.fetch(new Request(...))`, every answer is checked against the
// OpenAPI document the API serves, and deliveries go from the real WebhookSender over the real
// HttpTransport to a receiver on 127.0.0.1 whose answer the test switches. Time is a fake clock
// the test moves along the retry schedule; `sender.processDue()` sends what is due (no sleeps).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../../src/sender/http-transport.node.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { apiKeyAuthenticator, createManagementApi } from '../../../src/server/index.js';
import { verifyNovatradeSignature } from '../../../src/signature/verify-novatrade-signature.node.js';
import { createFakeClock, type FakeClock } from '../../../src/testing/create-fake-clock.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import {
  type CheckedAnswer,
  createOpenApiResponseValidator,
  createValidatingClient,
  fetchOpenApiDocument,
  type ProblemBody,
  type ValidatingClient,
} from '../../helpers/openapi-response-validator.js';

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const TOKEN = 'tok_flows_0123456789abcdef';
const PARTNER = '11111111-2222-3333-4444-555555555555';
const OTHER_PARTNER = '99999999-8888-7777-6666-555555555555';
const START_MS = Date.parse('2026-05-01T00:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The first five offsets of the Novatrade24 schedule (docs/design.md §5.1), in ms. */
const FIRST_FIVE_OFFSETS = [0, 1, 5, 15, 60].map((m) => m * MINUTE);

interface Endpoint {
  readonly id: string;
  readonly url: string;
  readonly events: string[];
  readonly partnerIds: string[] | null;
  readonly status: 'ACTIVE' | 'PAUSED' | 'DISABLED';
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly consecutiveFailures: number;
  readonly failingSince: string | null;
  readonly liveSecrets: number;
  readonly secret?: string;
}

interface Delivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: 'PENDING' | 'DELIVERED' | 'FAILED';
  readonly httpStatus: number | null;
  readonly attempts: number;
  readonly lastAttemptAt: string | null;
  readonly nextRetryAt: string | null;
  readonly createdAt: string;
  readonly failureReason: string | null;
  readonly lastFailureReason: string | null;
  readonly test: boolean;
  readonly replayOf: string | null;
}

interface DeliveryPage {
  readonly data: Delivery[];
  readonly pagination: {
    readonly page: number;
    readonly size: number;
    readonly totalElements: number;
    readonly totalPages: number;
    readonly hasNext: boolean;
    readonly hasPrevious: boolean;
  };
}

interface Published {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly createdAt: string;
  readonly deliveries: number;
}

/** One request the receiver got. */
interface Received {
  readonly atMs: number;
  readonly headers: IncomingHttpHeaders;
  readonly raw: Buffer;
  readonly body: Record<string, unknown>;
  readonly signature: string;
}

/** A receiver on 127.0.0.1 that records every request and answers `status`. */
class LoopbackReceiver {
  readonly received: Received[] = [];
  status = 200;
  url = '';
  readonly #server: Server;

  constructor(clock: FakeClock) {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        this.received.push({
          atMs: clock.now(),
          headers: req.headers,
          raw,
          body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
          signature: String(req.headers['x-novatrade-signature'] ?? ''),
        });
        res.writeHead(this.status, { 'content-type': 'text/plain' }).end('ok');
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks/novatrade`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** The `t=` and every `v1=` of an `X-Novatrade-Signature` header. */
function signatureParts(header: string): { t: number; v1: string[] } {
  const parts = header.split(',').map((part) => part.split('=', 2) as [string, string]);
  return {
    t: Number(parts.find(([name]) => name === 't')?.[1]),
    v1: parts.filter(([name]) => name === 'v1').map(([, value]) => value),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function setup() {
  const clock = createFakeClock({ nowMs: START_MS });
  const sender = new WebhookSender({
    storage: new MemoryStorage(),
    transport: new HttpTransport({ allowPrivateNetworks: true }),
    clock,
    logger: 'silent',
    allowInsecureUrls: true,
  });
  cleanups.push(() => sender.stop({ deadlineMs: 1000 }));
  // Rate limits on, with room for the flows: every answer carries the X-RateLimit-* headers the
  // document describes, and the validator checks them.
  const roomy = { perMinute: 100_000 };
  const api = createManagementApi(sender, {
    authenticate: apiKeyAuthenticator([{ token: TOKEN, organizationUuid: ORG }]),
    rateLimit: { tiers: { STANDARD: { read: roomy, write: roomy, webhook: roomy } } },
    now: clock.now,
    logger: 'silent',
  });
  const validator = createOpenApiResponseValidator(await fetchOpenApiDocument(api));
  const client = createValidatingClient(api, validator, { token: TOKEN });
  const receiver = await new LoopbackReceiver(clock).listen();
  cleanups.push(() => receiver.close());
  /** Runs the dispatcher until nothing more is due now; returns how many attempts it made. */
  const drain = async (): Promise<number> => {
    let total = 0;
    for (let n = await sender.processDue(); n > 0; n = await sender.processDue()) total += n;
    return total;
  };
  return { clock, sender, api, client, receiver, drain };
}

type Context = Awaited<ReturnType<typeof setup>>;

async function register(
  client: ValidatingClient,
  body: Record<string, unknown>,
): Promise<CheckedAnswer<Endpoint>> {
  const answer = await client.send<Endpoint>('POST', '/v1/webhooks', { json: body });
  expect(answer.status).toBe(201);
  return answer;
}

async function publish(
  client: ValidatingClient,
  body: Record<string, unknown> = {
    type: 'compliance.decision_made',
    partnerUuid: PARTNER,
    data: { ...EVENT_FIXTURES['compliance.decision_made'].data },
  },
): Promise<Published> {
  const answer = await client.send<Published>('POST', '/v1/events', { json: body });
  expect(answer.status).toBe(202);
  expect(answer.headers.get('x-ratelimit-category')).toBe('write');
  return answer.body;
}

async function history(client: ValidatingClient, endpointId: string, query = '') {
  const answer = await client.send<DeliveryPage>(
    'GET',
    `/v1/webhooks/${endpointId}/deliveries${query}`,
  );
  expect(answer.status).toBe(200);
  return answer.body;
}

/**
 * Registers an endpoint at the receiver, makes the receiver answer 503, publishes 4 events and
 * walks the clock along the first five offsets of the schedule: 4 × 5 = 20 consecutive failed
 * attempts, the auto-pause threshold.
 */
async function driveToAutoPause({ client, clock, receiver, drain }: Context) {
  const created = await register(client, { url: receiver.url, events: ['compliance.*'] });
  const secret = created.body.secret as string;
  receiver.status = 503;
  const events: Published[] = [];
  for (let i = 0; i < 4; i++) events.push(await publish(client));
  for (const offset of FIRST_FIVE_OFFSETS) {
    clock.set(START_MS + offset);
    await drain();
  }
  return { endpoint: created.body, secret, events };
}

describe('management API flows end to end (real sender, loopback receiver, fake clock)', () => {
  it('(a) POST /v1/webhooks answers 201 with the one-time secret (never shown by GET or list); an event published with POST /v1/events arrives signed with that secret', async () => {
    const { client, receiver, drain, clock } = await setup();
    const key = 'flow-a-create';
    const body = { url: receiver.url, events: ['compliance.*'], partnerIds: [PARTNER] };
    const created = await client.send<Endpoint>('POST', '/v1/webhooks', {
      json: body,
      idempotencyKey: key,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^wh_/),
      url: receiver.url,
      events: ['compliance.*'],
      partnerIds: [PARTNER],
      status: 'ACTIVE',
      createdAt: new Date(START_MS).toISOString(),
      updatedAt: new Date(START_MS).toISOString(),
      secret: expect.any(String),
    });
    expect(created.headers.get('location')).toBe(`/v1/webhooks/${created.body.id}`);
    expect(created.headers.get('x-ratelimit-category')).toBe('webhook');
    const secret = created.body.secret as string;

    // The same Idempotency-Key and body replay the stored answer, one-time secret included.
    const again = await client.send<Endpoint>('POST', '/v1/webhooks', {
      json: body,
      idempotencyKey: key,
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(created.body);

    const got = await client.send<Endpoint>('GET', `/v1/webhooks/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('secret');
    const { secret: _secret, ...view } = created.body;
    expect(got.body).toEqual(view);
    const list = await client.send<Endpoint[]>('GET', '/v1/webhooks');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([view]);
    expect(JSON.stringify(list.body)).not.toContain(secret);

    const published = await publish(client);
    expect(published).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      type: 'compliance.decision_made',
      schemaVersion: 1,
      deliveries: 1,
    });
    expect(await drain()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-novatrade-event-id': published.id,
      'x-novatrade-event-type': 'compliance.decision_made',
      'x-novatrade-schema-version': '1',
    });
    expect(request?.body).toMatchObject({
      id: published.id,
      type: 'compliance.decision_made',
      organizationUuid: ORG,
      partnerUuid: PARTNER,
      data: EVENT_FIXTURES['compliance.decision_made'].data,
    });
    const verified = verifyNovatradeSignature(request?.raw ?? '', request?.signature, secret, {
      now: clock.now,
    });
    expect(verified.timestamp).toBe(clock.nowSeconds());
    expect(() =>
      verifyNovatradeSignature(request?.raw ?? '', request?.signature, 'whsec_wrong_secret_0000', {
        now: clock.now,
      }),
    ).toThrow();

    const page = await history(client, created.body.id);
    expect(page.data).toEqual([
      expect.objectContaining({
        eventId: published.id,
        status: 'DELIVERED',
        httpStatus: 200,
        attempts: 1,
        test: false,
        replayOf: null,
      }),
    ]);
  });

  it('(b) a receiver answering 503 gets 20 failed attempts (4 events × the 0, 1m, 5m, 15m, 1h offsets), then GET shows PAUSED and ?status=FAILED lists the failures', async () => {
    const context = await setup();
    const { client, receiver, drain, clock } = context;
    const { endpoint, events } = await driveToAutoPause(context);
    expect(receiver.received).toHaveLength(20);
    expect(receiver.received.map((r) => r.atMs - START_MS)).toEqual(
      FIRST_FIVE_OFFSETS.flatMap((offset) => [offset, offset, offset, offset]),
    );

    const got = await client.send<Endpoint>('GET', `/v1/webhooks/${endpoint.id}`);
    expect(got.body).toMatchObject({
      status: 'PAUSED',
      consecutiveFailures: 20,
      failingSince: new Date(START_MS).toISOString(),
    });
    const failed = await history(client, endpoint.id, '?status=FAILED');
    expect(failed.pagination).toMatchObject({ totalElements: 4, page: 0, hasNext: false });
    expect(failed.data.map((d) => d.eventId).sort()).toEqual(events.map((e) => e.id).sort());
    for (const delivery of failed.data) {
      // The last attempt failed with a 503; the pause parked the delivery (docs/design.md §5.3).
      expect(delivery).toMatchObject({
        status: 'FAILED',
        attempts: 5,
        httpStatus: 503,
        failureReason: 'ENDPOINT_PAUSED',
        lastFailureReason: 'HTTP_ERROR',
        nextRetryAt: null,
        lastAttemptAt: new Date(START_MS + HOUR).toISOString(),
      });
    }
    expect((await history(client, endpoint.id, '?status=PENDING')).data).toEqual([]);

    // Paused: new events are parked, never sent.
    const parked = await publish(client);
    expect(parked.deliveries).toBe(1);
    clock.advance(HOUR);
    expect(await drain()).toBe(0);
    expect(receiver.received).toHaveLength(20);
    expect((await history(client, endpoint.id, '?status=FAILED')).data[0]).toMatchObject({
      eventId: parked.id,
      attempts: 0,
      failureReason: 'ENDPOINT_PAUSED',
    });
  });

  it('(c) PATCH {"status":"ACTIVE"} resumes a paused endpoint (200, a fresh streak) and replays nothing by itself', async () => {
    const context = await setup();
    const { client, receiver, drain, clock } = context;
    const { endpoint } = await driveToAutoPause(context);
    receiver.status = 200;
    clock.advance(HOUR);
    const resumed = await client.send<Endpoint>('PATCH', `/v1/webhooks/${endpoint.id}`, {
      json: { status: 'ACTIVE' },
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({
      id: endpoint.id,
      status: 'ACTIVE',
      consecutiveFailures: 0,
      failingSince: null,
    });
    expect(resumed.body).not.toHaveProperty('secret');
    clock.advance(48 * HOUR);
    expect(await drain()).toBe(0);
    expect(receiver.received).toHaveLength(20);
    expect((await history(client, endpoint.id, '?status=FAILED')).pagination.totalElements).toBe(4);
  });

  it('(d) replaying a failed delivery answers 202 with a new delivery (replayOf); the receiver gets the same event id with a fresh signature, and history shows the replay', async () => {
    const context = await setup();
    const { client, receiver, drain, clock } = context;
    const { endpoint, secret } = await driveToAutoPause(context);
    receiver.status = 200;
    await client.send('PATCH', `/v1/webhooks/${endpoint.id}`, { json: { status: 'ACTIVE' } });
    // Replay needs an ACTIVE endpoint: resumed above. Two hours later, a fresh t=.
    clock.advance(2 * HOUR);
    const [original] = (await history(client, endpoint.id, '?status=FAILED&size=1')).data;
    if (original === undefined) throw new Error('no failed delivery');
    const replay = await client.send<Delivery>(
      'POST',
      `/v1/webhooks/${endpoint.id}/deliveries/${original.id}/replay`,
    );
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({
      id: expect.not.stringMatching(original.id),
      endpointId: endpoint.id,
      eventId: original.eventId,
      status: 'PENDING',
      attempts: 0,
      replayOf: original.id,
      test: false,
    });
    expect(await drain()).toBe(1);
    expect(receiver.received).toHaveLength(21);
    const sent = receiver.received.at(-1);
    const earlier = receiver.received.filter(
      (r) => r.headers['x-novatrade-event-id'] === original.eventId,
    );
    expect(earlier).toHaveLength(6);
    expect(sent?.headers['x-novatrade-event-id']).toBe(original.eventId);
    expect(sent?.body.id).toBe(original.eventId);
    // The same event body, signed anew at send time.
    expect(sent?.raw.equals(earlier[0]?.raw ?? Buffer.alloc(0))).toBe(true);
    const verified = verifyNovatradeSignature(sent?.raw ?? '', sent?.signature, secret, {
      now: clock.now,
    });
    expect(verified.timestamp).toBe(clock.nowSeconds());
    const earlierTimes = earlier.slice(0, 5).map((r) => signatureParts(r.signature).t);
    expect(earlierTimes).not.toContain(signatureParts(sent?.signature ?? '').t);

    const page = await history(client, endpoint.id);
    expect(page.data[0]).toMatchObject({
      id: replay.body.id,
      eventId: original.eventId,
      status: 'DELIVERED',
      httpStatus: 200,
      attempts: 1,
      replayOf: original.id,
    });
    // The original stays as it was.
    expect(page.data.find((d) => d.id === original.id)).toMatchObject({ status: 'FAILED' });
  });

  it('(e) POST …/test with an eventType the endpoint does not subscribe to and a partner outside its partnerIds answers 202 and is delivered anyway, test: true in history', async () => {
    const { client, receiver, drain, clock } = await setup();
    const created = await register(client, {
      url: receiver.url,
      events: ['compliance.*'],
      partnerIds: [PARTNER],
    });
    const secret = created.body.secret as string;
    const data = { ...EVENT_FIXTURES['kyc.vies_check_failed'].data };
    // A real event of that type and partner matches nothing.
    const unmatched = await publish(client, {
      type: 'kyc.vies_check_failed',
      partnerUuid: OTHER_PARTNER,
      data,
    });
    expect(unmatched.deliveries).toBe(0);

    const fired = await client.send<Delivery>('POST', `/v1/webhooks/${created.body.id}/test`, {
      json: { eventType: 'kyc.vies_check_failed', data, partnerUuid: OTHER_PARTNER },
    });
    expect(fired.status).toBe(202);
    expect(fired.body).toMatchObject({
      endpointId: created.body.id,
      eventType: 'kyc.vies_check_failed',
      status: 'PENDING',
      test: true,
      replayOf: null,
    });
    expect(await drain()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.body).toMatchObject({
      id: fired.body.eventId,
      type: 'kyc.vies_check_failed',
      source: 'SYSTEM',
      organizationUuid: ORG,
      partnerUuid: OTHER_PARTNER,
      data,
    });
    expect(request?.headers['x-novatrade-event-id']).toBe(fired.body.eventId);
    expect(
      verifyNovatradeSignature(request?.raw ?? '', request?.signature, secret, {
        now: clock.now,
      }).timestamp,
    ).toBe(clock.nowSeconds());
    const page = await history(client, created.body.id);
    expect(page.data).toEqual([
      expect.objectContaining({ id: fired.body.id, status: 'DELIVERED', test: true }),
    ]);
  });

  it('(f) history pages with page, size and sort: zero-based pages, totalElements, totalPages, hasNext, hasPrevious; since is exclusive; a bad size is a 422', async () => {
    const { client, receiver, drain, clock } = await setup();
    const created = await register(client, { url: receiver.url, events: ['compliance.*'] });
    const id = created.body.id;
    // 23 deliveries, one a second; the first fails once and succeeds on its retry a minute
    // later, so it is the oldest by createdAt and the newest by lastAttemptAt.
    const events: Published[] = [];
    for (let i = 0; i < 23; i++) {
      receiver.status = i === 0 ? 503 : 200;
      events.push(await publish(client));
      expect(await drain()).toBe(1);
      clock.advance(1000);
    }
    clock.set(START_MS + MINUTE);
    expect(await drain()).toBe(1);

    // Default: page 0, size 20, newest first.
    const first = await history(client, id);
    expect(first.pagination).toEqual({
      page: 0,
      size: 20,
      totalElements: 23,
      totalPages: 2,
      hasNext: true,
      hasPrevious: false,
    });
    expect(first.data.map((d) => d.eventId)).toEqual(
      events
        .slice(3)
        .map((e) => e.id)
        .reverse(),
    );

    // Oldest first, 10 a page: 10, 10, 3.
    const pages: DeliveryPage[] = [];
    for (let page = 0; page < 3; page++) {
      pages.push(await history(client, id, `?page=${page}&size=10&sort=createdAt,asc`));
    }
    expect(pages.map((p) => p.pagination)).toEqual([
      { page: 0, size: 10, totalElements: 23, totalPages: 3, hasNext: true, hasPrevious: false },
      { page: 1, size: 10, totalElements: 23, totalPages: 3, hasNext: true, hasPrevious: true },
      { page: 2, size: 10, totalElements: 23, totalPages: 3, hasNext: false, hasPrevious: true },
    ]);
    expect(pages.flatMap((p) => p.data.map((d) => d.eventId))).toEqual(events.map((e) => e.id));
    const past = await history(client, id, '?page=3&size=10&sort=createdAt,asc');
    expect(past.data).toEqual([]);
    expect(past.pagination).toMatchObject({ page: 3, hasNext: false, hasPrevious: true });

    // `since` is exclusive: after the 5th delivery, 18 remain.
    const fifth = pages[0]?.data[4];
    const since = await history(
      client,
      id,
      `?since=${encodeURIComponent(fifth?.createdAt ?? '')}&sort=createdAt,asc&size=100`,
    );
    expect(since.pagination.totalElements).toBe(18);
    expect(since.data[0]?.eventId).toBe(events[5]?.id);
    expect(since.data.map((d) => d.id)).not.toContain(fifth?.id);

    // Sorting by the last attempt: the retried first event is the newest.
    const byAttempt = await history(client, id, '?sort=lastAttemptAt,desc&size=2');
    expect(byAttempt.data.map((d) => d.eventId)).toEqual([events[0]?.id, events[22]?.id]);
    expect(byAttempt.data[0]).toMatchObject({ status: 'DELIVERED', attempts: 2 });
    const byAttemptAsc = await history(client, id, '?sort=lastAttemptAt,asc&size=1');
    expect(byAttemptAsc.data[0]?.eventId).toBe(events[1]?.id);

    const refused = await client.send<ProblemBody>('GET', `/v1/webhooks/${id}/deliveries?size=0`);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      type: 'https://api.novatrade24.com/problems/validation-error',
      errors: [expect.objectContaining({ field: 'size' })],
    });
  });

  it('(g) GET …/deliveries/{deliveryId} returns the delivery and its attempts; rotate-secret signs the next delivery with two v1= entries; recover replays the FAILED deliveries of a range; DELETE answers 204, then GET 404', async () => {
    const context = await setup();
    const { client, receiver, drain, clock } = context;
    const { endpoint, secret } = await driveToAutoPause(context);
    const [failed] = (await history(client, endpoint.id, '?status=FAILED&size=1')).data;
    if (failed === undefined) throw new Error('no failed delivery');

    const detail = await client.send<{ delivery: Delivery; attempts: Record<string, unknown>[] }>(
      'GET',
      `/v1/webhooks/${endpoint.id}/deliveries/${failed.id}`,
    );
    expect(detail.status).toBe(200);
    expect(detail.body.delivery).toEqual(failed);
    expect(detail.body.attempts).toHaveLength(5);
    expect(detail.body.attempts.map((a) => [a.attempt, a.startedAt, a.httpStatus])).toEqual(
      FIRST_FIVE_OFFSETS.map((offset, i) => [
        i + 1,
        new Date(START_MS + offset).toISOString(),
        503,
      ]),
    );
    const unknown = await client.send(
      'GET',
      `/v1/webhooks/${endpoint.id}/deliveries/del_does_not_exist`,
    );
    expect(unknown.status).toBe(404);

    // Resume, then rotate: the next delivery carries one v1= per live secret.
    receiver.status = 200;
    await client.send('PATCH', `/v1/webhooks/${endpoint.id}`, { json: { status: 'ACTIVE' } });
    const rotated = await client.send<{ secret: string }>(
      'POST',
      `/v1/webhooks/${endpoint.id}/rotate-secret`,
      { json: { overlapMs: HOUR } },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(secret);
    expect(
      (await client.send<Endpoint>('GET', `/v1/webhooks/${endpoint.id}`)).body.liveSecrets,
    ).toBe(2);
    const event = await publish(client);
    expect(await drain()).toBe(1);
    const signed = receiver.received.at(-1);
    expect(signed?.headers['x-novatrade-event-id']).toBe(event.id);
    expect(signatureParts(signed?.signature ?? '').v1).toHaveLength(2);
    for (const key of [secret, rotated.body.secret]) {
      expect(
        verifyNovatradeSignature(signed?.raw ?? '', signed?.signature, key, { now: clock.now })
          .timestamp,
      ).toBe(clock.nowSeconds());
    }

    // Recover: every FAILED delivery created in [since, until) is replayed once.
    const before = receiver.received.length;
    const recovered = await client.send<{ replayed: number }>(
      'POST',
      `/v1/webhooks/${endpoint.id}/deliveries/recover`,
      {
        json: {
          since: new Date(START_MS).toISOString(),
          until: new Date(START_MS + 1000).toISOString(),
        },
      },
    );
    expect(recovered.status).toBe(202);
    expect(recovered.body).toEqual({ replayed: 4 });
    expect(await drain()).toBe(4);
    expect(receiver.received.length - before).toBe(4);
    const replays = (await history(client, endpoint.id, '?size=100')).data.filter(
      (d) => d.replayOf !== null,
    );
    expect(replays).toHaveLength(4);
    expect(replays.every((d) => d.status === 'DELIVERED')).toBe(true);

    const deleted = await client.send('DELETE', `/v1/webhooks/${endpoint.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    const gone = await client.send<ProblemBody>('GET', `/v1/webhooks/${endpoint.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({
      type: 'https://api.novatrade24.com/problems/not-found',
      instance: `/v1/webhooks/${endpoint.id}`,
    });
    expect((await client.send<Endpoint[]>('GET', '/v1/webhooks')).body).toEqual([]);
    expect((await client.send('GET', `/v1/webhooks/${endpoint.id}/deliveries`)).status).toBe(404);
    expect((await client.send('DELETE', `/v1/webhooks/${endpoint.id}`)).status).toBe(404);
  });
});
