// The EUDR management API end to end: the API served on 127.0.0.1 by @hono/node-server and called
// with fetch, an EUDR sender delivering through the real HttpTransport to a real loopback
// receiver, and a fake clock that the test moves (no sleeps). Register with N'entropy's example
// body, receive a signed EUDR delivery, fail 10 times until the endpoint is disabled, re-enable it
// with PATCH, page the list, delete (docs/server-eudr.md).
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { EUDR_PROFILE } from '../../../src/core/profiles/eudr-profile.js';
import { HttpTransport } from '../../../src/sender/http-transport.node.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { apiKeyAuthenticator, createEudrManagementApi } from '../../../src/server/index.js';
import { verifyEudrSignature } from '../../../src/signature/verify-eudr-signature.node.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { EUDR_EVENT_FIXTURES } from '../../../src/testing/eudr-event-fixtures.js';

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const TOKEN = `eudr_live_${'c3'.repeat(24)}`;
const WEBHOOKS = '/api/v1/integration/webhook-events';

interface Received {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly raw: Buffer;
  readonly signatureVerified: boolean;
}

/** An EUDR receiver on 127.0.0.1: records each request, verifies it, answers `status`. */
class LoopbackReceiver {
  readonly received: Received[] = [];
  status = 204;
  secret = '';
  url = '';
  readonly #server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let signatureVerified = true;
      try {
        verifyEudrSignature(raw, req.headers['x-webhook-signature'] as string, this.secret);
      } catch {
        signatureVerified = false;
      }
      this.received.push({ headers: req.headers, raw, signatureVerified });
      res.writeHead(this.status).end();
    });
  });

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/webhooks/eudr`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function setup() {
  const clock = createFakeClock({ nowMs: Date.parse('2026-05-01T00:00:00Z') });
  const sender = new WebhookSender({
    profile: EUDR_PROFILE,
    transport: new HttpTransport({ allowPrivateNetworks: true }),
    clock,
    allowInsecureUrls: true,
    logger: 'silent',
  });
  cleanups.push(() => sender.stop({ deadlineMs: 1000 }));
  const api = createEudrManagementApi(sender, {
    authenticate: apiKeyAuthenticator([{ token: TOKEN, organizationUuid: ORG }]),
    now: clock.now,
    logger: 'silent',
  });
  const server = createAdaptorServer({ fetch: api.fetch }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const receiver = await new LoopbackReceiver().listen();
  cleanups.push(() => receiver.close());
  /** Calls the API over HTTP with the token; `body` goes as JSON. */
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  /** Runs the dispatcher until nothing more is due now. */
  const drain = async () => {
    let total = 0;
    for (let n = await sender.processDue(); n > 0; n = await sender.processDue()) total += n;
    return total;
  };
  const publish = (type: 'supplier.created' | 'supplier.updated' | 'sync.completed') =>
    sender.publish({
      organizationUuid: ORG,
      type,
      data: structuredClone(EUDR_EVENT_FIXTURES[type].data),
    });
  return { clock, sender, receiver, call, drain, publish };
}

describe('EUDR management API flow (API and receiver on loopback, fake clock)', () => {
  it("register with N'entropy's example body, deliver a signed event, disable after 10 failures, re-enable with PATCH, page, delete", async () => {
    const { receiver, call, drain, publish } = await setup();

    // N'entropy's example request, verbatim but for the host.
    const exampleBody = {
      url: 'https://your-server.com/webhooks/eudr',
      events: ['supplier.created', 'supplier.updated', 'sync.completed'],
    };
    const registered = await call('POST', WEBHOOKS, { ...exampleBody, url: receiver.url });
    expect(registered.status).toBe(201);
    const created = (await registered.json()) as Record<string, unknown>;
    expect(created).toEqual({
      id: expect.stringMatching(/^wh_/),
      url: receiver.url,
      events: exampleBody.events,
      active: true,
      secret: expect.stringMatching(/^whsec_/),
      createdAt: '2026-05-01T00:00:00.000Z',
    });
    const id = String(created.id);
    receiver.secret = String(created.secret);

    // A delivery: signed over the raw body, with the event and the endpoint id in headers.
    await publish('supplier.created');
    expect(await drain()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(delivery?.signatureVerified).toBe(true);
    const expected = `sha256=${createHmac('sha256', receiver.secret)
      .update(delivery?.raw ?? '')
      .digest('hex')}`;
    expect(delivery?.headers['x-webhook-signature']).toBe(expected);
    expect(delivery?.headers['x-webhook-event']).toBe('supplier.created');
    expect(delivery?.headers['x-webhook-id']).toBe(id);
    expect(JSON.parse(delivery?.raw.toString('utf8') ?? '')).toEqual({
      event: 'supplier.created',
      timestamp: '2026-05-01T00:00:00.000Z',
      integrationId: ORG,
      data: EUDR_EVENT_FIXTURES['supplier.created'].data,
    });

    // Ten failed attempts in a row disable the endpoint: active turns false.
    receiver.status = 500;
    for (let i = 0; i < 10; i++) await publish(i % 2 === 0 ? 'supplier.updated' : 'sync.completed');
    expect(await drain()).toBe(10);
    expect(receiver.received).toHaveLength(11);
    const disabled = await call('GET', `${WEBHOOKS}/${id}`);
    expect(await disabled.json()).toMatchObject({ id, active: false });

    // While disabled nothing is sent; PATCH { active: true } re-enables it and delivery resumes.
    await publish('supplier.created');
    expect(await drain()).toBe(0);
    const patched = await call('PATCH', `${WEBHOOKS}/${id}`, { active: true });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id, active: true });
    receiver.status = 204;
    await publish('sync.completed');
    expect(await drain()).toBe(1);
    expect(receiver.received).toHaveLength(12);
    expect(receiver.received[11]?.headers['x-webhook-event']).toBe('sync.completed');
    expect(receiver.received[11]?.signatureVerified).toBe(true);

    // The list pages from 1.
    for (let i = 0; i < 2; i++) {
      expect((await call('POST', WEBHOOKS, { ...exampleBody, url: receiver.url })).status).toBe(
        201,
      );
    }
    const first = (await (await call('GET', `${WEBHOOKS}?page=1&limit=2`)).json()) as {
      entities: { id: string }[];
    };
    expect(first).toMatchObject({ total: 3, page: 1, limit: 2 });
    expect(first.entities).toHaveLength(2);
    expect(first.entities[0]?.id).toBe(id);
    const second = (await (await call('GET', `${WEBHOOKS}?page=2&limit=2`)).json()) as {
      entities: unknown[];
    };
    expect(second).toMatchObject({ total: 3, page: 2, limit: 2 });
    expect(second.entities).toHaveLength(1);

    // Delete: 204, then the endpoint is gone.
    const deleted = await call('DELETE', `${WEBHOOKS}/${id}`);
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    const gone = await call('GET', `${WEBHOOKS}/${id}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({
      error: 'NOT_FOUND',
      message: 'No such resource in this organization.',
    });
  });

  it('a request over HTTP carries X-Request-Id and the X-RateLimit headers of the 100-a-minute budget', async () => {
    const { call } = await setup();
    const response = await call('GET', WEBHOOKS);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(response.headers.get('x-ratelimit-limit')).toBe('100');
    expect(response.headers.get('x-ratelimit-remaining')).toBe('99');
    expect(response.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
  });
});
