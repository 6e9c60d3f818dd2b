// The management API examples in examples/server-*.ts, mounted as users mount them: the Node
// servers (node:http, Express, Fastify, Hono) over real HTTP on 127.0.0.1, the Next.js route and
// the Worker through their exported handlers. The rate limits of the Node servers run on a fake
// clock, moved a minute before each case so that every case starts with fresh windows; the
// Next.js route and the Worker build their own API on the real clock, so their suites make at
// most three webhook calls in all (STANDARD's 10-second cap for the webhook category, docs/server.md).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp as createExpressApp } from '../../examples/server-express.js';
import { createApp as createFastifyApp } from '../../examples/server-fastify.js';
import { createApp as createHonoApp } from '../../examples/server-hono.js';
import * as nextRoute from '../../examples/server-nextjs-route.js';
import {
  type AppOptions,
  createApp as createNodeHttpApp,
} from '../../examples/server-node-http.js';
import worker, { type Env } from '../../examples/server-worker.js';
import { MemoryStorage } from '../../src/sender/memory-storage.js';
import { WebhookSender } from '../../src/sender/webhook-sender.js';
import {
  createFakeClock,
  createRecordingTransport,
  type FakeClock,
} from '../../src/testing/index.js';

const ORGANIZATION = '550e8400-e29b-41d4-a716-446655440000';
const TOKEN = 'tok_server_examples_0123456789';
const PROBLEMS = 'https://api.novatrade24.com/problems/';
const NEW_ENDPOINT = {
  url: 'https://partner.example/webhooks/novatrade',
  events: ['compliance.*', 'kyc.vies_check_failed'],
};

type Send = (request: Request) => Promise<Response>;

interface CallOptions {
  readonly body?: unknown;
  /** The raw body, sent as is (with `contentType`). */
  readonly rawBody?: string;
  readonly contentType?: string;
  /** The Idempotency-Key; `null` sends none. @default a new key per call */
  readonly idempotencyKey?: string | null;
  readonly token?: string | null;
  readonly requestId?: string;
}

let keyCounter = 0;

function apiRequest(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Request {
  const headers = new Headers();
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers.set('authorization', `Bearer ${token}`);
  if (options.requestId !== undefined) headers.set('x-request-id', options.requestId);
  const write = method !== 'GET' && method !== 'HEAD';
  const key = options.idempotencyKey === undefined ? `key-${++keyCounter}` : options.idempotencyKey;
  if (write && key !== null) headers.set('idempotency-key', key);
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers.set('content-type', options.contentType ?? 'application/json');
  return new Request(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly contentType: string | null;
  readonly body: unknown;
}

async function read(response: Response): Promise<Answer> {
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    contentType: response.headers.get('content-type'),
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

function expectRateLimitHeaders(headers: Headers, category: string, limit: number): void {
  expect(headers.get('x-ratelimit-category')).toBe(category);
  expect(headers.get('x-ratelimit-limit')).toBe(String(limit));
  expect(headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
  expect(headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
}

interface Running {
  readonly baseUrl: string;
  close(): Promise<void>;
}

function running(server: Server): Running {
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function listenOnLoopback(server: Server): Promise<Running> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(running(server)));
  });
}

interface NodeExample {
  readonly name: string;
  start(options: AppOptions): Promise<Running>;
  /** A route of the host app besides the API, and what it answers. */
  readonly ownRoute?: {
    readonly request: (baseUrl: string) => Request;
    readonly expected: { readonly status: number; readonly body: unknown };
  };
}

const postOrder = (baseUrl: string) =>
  new Request(`${baseUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"sku":"A-1"}',
  });

const nodeExamples: NodeExample[] = [
  {
    name: 'server-node-http.ts',
    start: (options) => listenOnLoopback(createNodeHttpApp(options)),
  },
  {
    name: 'server-express.ts',
    start: (options) => listenOnLoopback(createServerOf(createExpressApp(options))),
    ownRoute: { request: postOrder, expected: { status: 201, body: { created: { sku: 'A-1' } } } },
  },
  {
    name: 'server-fastify.ts',
    start: async (options) => {
      const app = await createFastifyApp(options);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
    },
    ownRoute: { request: postOrder, expected: { status: 201, body: { created: { sku: 'A-1' } } } },
  },
  {
    name: 'server-hono.ts',
    start: (options) => {
      const app = createHonoApp(options);
      return new Promise((resolve) => {
        const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
          resolve(running(server as Server)),
        );
      });
    },
    ownRoute: {
      request: (baseUrl) => new Request(`${baseUrl}/health`),
      expected: { status: 200, body: { ok: true } },
    },
  },
];

/** An Express app as a node:http server (not yet listening). */
function createServerOf(app: express.Express): Server {
  return createServer(app);
}

function newSender(clock: FakeClock): WebhookSender {
  return new WebhookSender({
    storage: new MemoryStorage(),
    transport: createRecordingTransport(),
    clock,
    logger: 'silent',
  });
}

for (const { name, start, ownRoute } of nodeExamples)
  describe(`examples/${name} over HTTP`, () => {
    const clock = createFakeClock();
    const sender = newSender(clock);
    let server: Running;
    const send: Send = (request) => fetch(request);
    const call = (method: string, path: string, options?: CallOptions) =>
      send(apiRequest(server.baseUrl, method, path, options)).then(read);

    beforeAll(async () => {
      server = await start({
        sender,
        apiKeys: [{ token: TOKEN, organizationUuid: ORGANIZATION }],
        now: clock.now,
      });
    });
    afterAll(() => server.close());
    // A new minute: fresh rate-limit windows for every case (the fake clock starts on a minute).
    beforeEach(() => {
      clock.advance(60_000);
    });

    it('POST /v1/webhooks answers 201 with the one-time secret; GET /v1/webhooks lists it as a bare array without it', async () => {
      const created = await call('POST', '/v1/webhooks', {
        body: NEW_ENDPOINT,
        requestId: `trace-${name}`,
      });
      expect(created).toMatchObject({
        status: 201,
        contentType: 'application/json',
        body: { ...NEW_ENDPOINT, organizationUuid: ORGANIZATION, status: 'ACTIVE' },
      });
      const endpoint = created.body as { id: string; secret: string };
      expect(endpoint.secret).toMatch(/^whsec_/);
      expect(created.headers.get('location')).toBe(`/v1/webhooks/${endpoint.id}`);
      expect(created.headers.get('x-request-id')).toBe(`trace-${name}`);
      expectRateLimitHeaders(created.headers, 'webhook', 10);
      expect(created.headers.get('x-ratelimit-remaining')).toBe('2');
      expect(created.headers.get('x-ratelimit-reset')).toBe(
        String(Math.floor(clock.now() / 60_000) * 60 + 60),
      );

      const listed = await call('GET', '/v1/webhooks');
      expect(listed.status).toBe(200);
      expect(Array.isArray(listed.body)).toBe(true);
      const entry = (listed.body as { id: string }[]).find(({ id }) => id === endpoint.id);
      expect(entry).toMatchObject(NEW_ENDPOINT);
      expect(entry).not.toHaveProperty('secret');
      expectRateLimitHeaders(listed.headers, 'webhook', 10);
      expect(listed.headers.get('x-ratelimit-remaining')).toBe('1');
    });

    it('POST /v1/webhooks again with the same Idempotency-Key and body replays the 201, secret included', async () => {
      const first = await call('POST', '/v1/webhooks', {
        body: NEW_ENDPOINT,
        idempotencyKey: `replay-${name}`,
      });
      const again = await call('POST', '/v1/webhooks', {
        body: NEW_ENDPOINT,
        idempotencyKey: `replay-${name}`,
      });
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(again).toMatchObject({ status: 201, body: first.body });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const { id } = first.body as { id: string };
      expect((await sender.listEndpoints(ORGANIZATION)).filter((e) => e.id === id)).toHaveLength(1);
    });

    it('POST /v1/webhooks with an unknown field answers 422 validation-error naming the field', async () => {
      const refused = await call('POST', '/v1/webhooks', {
        body: { ...NEW_ENDPOINT, colour: 'blue' },
        requestId: `trace-422-${name}`,
      });
      expect(refused).toMatchObject({
        status: 422,
        contentType: 'application/problem+json',
        body: {
          type: `${PROBLEMS}validation-error`,
          title: 'Validation Error',
          status: 422,
          instance: '/v1/webhooks',
          traceId: `trace-422-${name}`,
          errors: [{ field: 'colour', message: 'colour is not a recognized field.' }],
        },
      });
      expectRateLimitHeaders(refused.headers, 'webhook', 10);
    });

    it('POST /v1/webhooks without an Idempotency-Key answers 400 malformed-request and creates nothing', async () => {
      const before = (await sender.listEndpoints(ORGANIZATION)).length;
      const refused = await call('POST', '/v1/webhooks', {
        body: NEW_ENDPOINT,
        idempotencyKey: null,
      });
      expect(refused).toMatchObject({
        status: 400,
        contentType: 'application/problem+json',
        body: { type: `${PROBLEMS}malformed-request`, status: 400 },
      });
      expectRateLimitHeaders(refused.headers, 'webhook', 10);
      expect(await sender.listEndpoints(ORGANIZATION)).toHaveLength(before);
    });

    it('POST /v1/webhooks with a text/plain body answers 415: the framework left the body to the API', async () => {
      const refused = await call('POST', '/v1/webhooks', {
        rawBody: JSON.stringify(NEW_ENDPOINT),
        contentType: 'text/plain',
      });
      expect(refused).toMatchObject({
        status: 415,
        body: { type: `${PROBLEMS}unsupported-media-type` },
      });
    });

    it('POST /v1/events is a write (60 per minute); GET /v1/webhooks/{id} of an unknown id answers 404', async () => {
      const missingKey = await call('POST', '/v1/events', {
        body: { type: 'kyc.vies_check_failed', data: {} },
        idempotencyKey: null,
      });
      expect(missingKey.status).toBe(400);
      expectRateLimitHeaders(missingKey.headers, 'write', 60);

      const unknown = await call('GET', '/v1/webhooks/wh_unknown');
      expect(unknown).toMatchObject({ status: 404, body: { type: `${PROBLEMS}not-found` } });
    });

    it('DELETE /v1/webhooks/{id} answers 204 with no body; a body over 256 KiB answers 413', async () => {
      const created = await call('POST', '/v1/webhooks', { body: NEW_ENDPOINT });
      const { id } = created.body as { id: string };
      const deleted = await call('DELETE', `/v1/webhooks/${id}`);
      expect(deleted).toMatchObject({ status: 204, body: undefined });
      expect(await sender.getEndpoint(ORGANIZATION, id)).toBeNull();

      const tooLarge = await call('POST', '/v1/events', {
        body: { type: 'kyc.vies_check_failed', data: { note: 'x'.repeat(256 * 1024) } },
      });
      expect(tooLarge).toMatchObject({
        status: 413,
        body: { type: `${PROBLEMS}payload-too-large` },
      });
    });

    it('POST …/rotate-secret with no body and no Content-Type (as curl sends it) answers 200: the empty body reads as {}', async () => {
      const created = await call('POST', '/v1/webhooks', { body: NEW_ENDPOINT });
      const { id } = created.body as { id: string };
      const rotated = await call('POST', `/v1/webhooks/${id}/rotate-secret`);
      expect(rotated.status).toBe(200);
      expect((rotated.body as { secret: string }).secret).toMatch(/^whsec_/);
    });

    it('PUT /v1/webhooks answers 405 with Allow, from the API rather than the framework', async () => {
      const refused = await call('PUT', '/v1/webhooks', { body: NEW_ENDPOINT });
      expect(refused).toMatchObject({
        status: 405,
        body: { type: `${PROBLEMS}method-not-allowed` },
      });
      expect(refused.headers.get('allow')).toBe('GET, POST, HEAD');
    });

    it('a request without credentials answers 401 with WWW-Authenticate and no rate-limit headers', async () => {
      const refused = await call('GET', '/v1/webhooks', { token: null });
      expect(refused).toMatchObject({ status: 401, body: { type: `${PROBLEMS}unauthorized` } });
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      expect(refused.headers.get('x-ratelimit-limit')).toBeNull();
    });

    it('the fourth webhook call in 10 seconds answers 429 with Retry-After; the next window allows it', async () => {
      for (let i = 0; i < 3; i++) expect((await call('GET', '/v1/webhooks')).status).toBe(200);
      const refused = await call('GET', '/v1/webhooks');
      expect(refused).toMatchObject({
        status: 429,
        body: {
          type: `${PROBLEMS}rate-limited`,
          title: 'Rate Limit Exceeded',
          detail: '3 requests per 10 seconds for webhook category exceeded.',
        },
      });
      expect(refused.headers.get('retry-after')).toBe('10');
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');

      clock.advance(10_000);
      const allowed = await call('GET', '/v1/webhooks');
      expect(allowed.status).toBe(200);
      // The minute has 6 calls left, the new 10-second window 2: the tighter one is reported.
      expect(allowed.headers.get('x-ratelimit-remaining')).toBe('2');
    });

    it('GET /openapi.json answers the OpenAPI 3.1 document without credentials', async () => {
      const document = await call('GET', '/openapi.json', { token: null });
      expect(document).toMatchObject({ status: 200, body: { openapi: '3.1.0' } });
      expect(Object.keys((document.body as { paths: object }).paths)).toContain('/v1/webhooks');
    });

    if (ownRoute !== undefined)
      it('keeps the host app’s own routes working beside the API', async () => {
        const answer = await read(await fetch(ownRoute.request(server.baseUrl)));
        expect(answer).toMatchObject(ownRoute.expected);
      });
  });

describe('examples/server-express.ts mounted behind express.json()', () => {
  it('answers 500 naming the fix instead of reading a body the parser already consumed', async () => {
    const clock = createFakeClock();
    const sender = newSender(clock);
    const outer = express();
    outer.use(express.json());
    outer.use(
      createExpressApp({
        sender,
        apiKeys: [{ token: TOKEN, organizationUuid: ORGANIZATION }],
        now: clock.now,
      }),
    );
    const server = await listenOnLoopback(createServerOf(outer));
    try {
      const answer = await fetch(
        apiRequest(server.baseUrl, 'POST', '/v1/webhooks', { body: NEW_ENDPOINT }),
      );
      expect(answer.status).toBe(500);
      // Express's error page outside production shows the error: the guard's, not the API's.
      expect(await answer.text()).toContain('Mount the management API before express.json()');
      expect(await sender.listEndpoints(ORGANIZATION)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

/**
 * The create / list / refusals sequence for a handler on the real clock: three webhook calls
 * (within STANDARD's cap of three per 10 seconds) and one write.
 */
async function expectCreateListAndRefusals(send: Send): Promise<void> {
  const call = (method: string, path: string, options?: CallOptions) =>
    send(apiRequest('http://localhost', method, path, options)).then(read);

  const created = await call('POST', '/v1/webhooks', { body: NEW_ENDPOINT });
  expect(created).toMatchObject({ status: 201, body: NEW_ENDPOINT });
  expect((created.body as { secret: string }).secret).toMatch(/^whsec_/);
  expectRateLimitHeaders(created.headers, 'webhook', 10);

  const listed = await call('GET', '/v1/webhooks');
  expect(listed.status).toBe(200);
  expect(listed.body).toEqual([expect.objectContaining(NEW_ENDPOINT)]);
  expect((listed.body as object[])[0]).not.toHaveProperty('secret');
  expectRateLimitHeaders(listed.headers, 'webhook', 10);

  const invalid = await call('POST', '/v1/webhooks', { body: { ...NEW_ENDPOINT, events: [] } });
  expect(invalid).toMatchObject({
    status: 422,
    contentType: 'application/problem+json',
    body: { type: `${PROBLEMS}validation-error`, errors: [{ field: 'events' }] },
  });
  expectRateLimitHeaders(invalid.headers, 'webhook', 10);

  const missingKey = await call('POST', '/v1/events', {
    body: { type: 'kyc.vies_check_failed', data: {} },
    idempotencyKey: null,
  });
  expect(missingKey).toMatchObject({
    status: 400,
    contentType: 'application/problem+json',
    body: { type: `${PROBLEMS}malformed-request` },
  });
  expectRateLimitHeaders(missingKey.headers, 'write', 60);
}

describe('examples/server-nextjs-route.ts', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const byMethod: Record<string, Send> = {
    GET: nextRoute.GET,
    POST: nextRoute.POST,
    PATCH: nextRoute.PATCH,
    PUT: nextRoute.PUT,
    DELETE: nextRoute.DELETE,
  };
  const send: Send = (request) => {
    const handler = byMethod[request.method];
    if (handler === undefined) throw new Error(`the route exports no ${request.method}`);
    return handler(request);
  };

  it('rejects, naming the variables, when NT24_API_KEY is unset', async () => {
    vi.stubEnv('NT24_API_KEY', undefined);
    vi.stubEnv('NT24_ORGANIZATION_UUID', ORGANIZATION);
    await expect(
      nextRoute.GET(apiRequest('http://localhost', 'GET', '/v1/webhooks')),
    ).rejects.toThrow(/NT24_API_KEY.*NT24_ORGANIZATION_UUID/);
  });

  it('POST creates (201 with secret), GET lists (bare array); a bad body is 422 and a missing Idempotency-Key 400', async () => {
    vi.stubEnv('NT24_API_KEY', TOKEN);
    vi.stubEnv('NT24_ORGANIZATION_UUID', ORGANIZATION);
    expect(nextRoute.runtime).toBe('nodejs');
    await expectCreateListAndRefusals(send);
  });
});

describe('examples/server-worker.ts', () => {
  const env: Env = { NT24_API_KEY: TOKEN, NT24_ORGANIZATION_UUID: ORGANIZATION };

  it('fetch creates (201 with secret), lists (bare array); a bad body is 422 and a missing Idempotency-Key 400', async () => {
    await expectCreateListAndRefusals((request) => worker.fetch(request, env));
  });

  it('fetch answers 401 to a request with another key, before any rate limit', async () => {
    const answer = await read(
      await worker.fetch(
        apiRequest('http://localhost', 'GET', '/v1/webhooks', {
          token: 'tok_not_a_configured_key',
        }),
        env,
      ),
    );
    expect(answer).toMatchObject({ status: 401, body: { type: `${PROBLEMS}unauthorized` } });
    expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });
});
