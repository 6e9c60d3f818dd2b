// The typed client against the real servers over loopback HTTP on 127.0.0.1: `createManagementApi`
// and `createEudrManagementApi` mounted with the node:http adapter of examples/server-node-http.ts,
// a Keycloak-style token endpoint issuing opaque tokens (client credentials), a real
// `WebhookSender` with `HttpTransport` delivering to a loopback receiver, and a fake clock shared
// by the sender, the rate limits and the client's token cache. It runs the shared flow suite
// (test/helpers/client-flow-suite.ts), every route once, the EUDR client, a 422 with `errors[]`,
// an Idempotency-Key replay (and a write whose answer was lost, retried with the key on its
// error), rate-limit information, a 429 the client waits out on the fake clock,
// token caching and refresh, and examples/client-history.ts.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { main as clientHistoryExample } from '../../../examples/client-history.js';
import { nodeListener } from '../../../examples/server-node-http.js';
import {
  createEudrWebhooksClient,
  createWebhooksClient,
  isEudrApiError,
  isNovatradeApiError,
  type WebhooksClient,
  type WebhooksClientOptions,
} from '../../../src/client/index.js';
import { EUDR_PROFILE } from '../../../src/core/profiles/eudr-profile.js';
import { HttpTransport } from '../../../src/sender/http-transport.node.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import {
  type Authenticate,
  apiKeyAuthenticator,
  createEudrManagementApi,
  createManagementApi,
  type ManagementApiOptions,
} from '../../../src/server/index.js';
import { createFakeClock, type FakeClock } from '../../../src/testing/create-fake-clock.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import {
  type ClientFlowBackend,
  describeClientFlows,
  type ReceivedDelivery,
} from '../../helpers/client-flow-suite.js';

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const CLIENT_ID = 'api-client-acme';
const CLIENT_SECRET = 'client-secret-0123456789';
const EUDR_TOKEN = `eudr_live_${'0123456789abcdef'.repeat(3)}`;
const TOKEN_PATH = '/realms/nt24-idp/protocol/openid-connect/token';
const EUDR_PREFIX = '/api/v1/integration';
const START_MS = Date.parse('2026-05-01T00:00:00Z');
const PARTNER = '11111111-2222-3333-4444-555555555555';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The receiver: records every delivery and answers `status`. */
async function startReceiver() {
  const received: ReceivedDelivery[] = [];
  let status = 200;
  const server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      const header = (name: string) => String(req.headers[name] ?? '');
      received.push({
        eventId: header('x-novatrade-event-id'),
        eventType: header('x-novatrade-event-type'),
        signature: header('x-novatrade-signature'),
        body,
        deliveryId: header('x-novatrade-delivery-id'),
      });
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  const origin = await listen(server);
  return {
    server,
    receiver: {
      url: `${origin}/hooks/novatrade`,
      setStatus: (next: number) => {
        status = next;
      },
      received: () => received,
    },
  };
}

/**
 * A token endpoint (client credentials, form-encoded as Keycloak takes it) that issues opaque
 * tokens living `expires_in` seconds on the fake clock, and the `authenticate` that accepts them.
 */
function createTokenIssuer(clock: FakeClock) {
  const issued = new Map<string, number>(); // token -> expiry, epoch ms
  let counter = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const form = new URLSearchParams(await bodyOf(req));
    const valid =
      req.method === 'POST' &&
      String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded') &&
      form.get('grant_type') === 'client_credentials' &&
      form.get('client_id') === CLIENT_ID &&
      form.get('client_secret') === CLIENT_SECRET;
    if (!valid) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_client' }));
      return;
    }
    counter += 1;
    const token = `opaque_token_${counter}_0123456789abcdef`;
    issued.set(token, clock.now() + 300_000);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: token, expires_in: 300, token_type: 'Bearer' }));
  };
  const authenticate: Authenticate = async (request) => {
    const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
    const expiresAt = token === undefined ? undefined : issued.get(token);
    return expiresAt !== undefined && expiresAt > clock.now() ? { organizationUuid: ORG } : null;
  };
  return { handle, authenticate, issuedCount: () => counter };
}

const roomy = { perMinute: 100_000 };

interface LoopbackOptions {
  /** The management API's rate limits. @default roomy limits (every answer has the headers) */
  readonly rateLimit?: ManagementApiOptions['rateLimit'];
  /** Options for the client. */
  readonly client?: Partial<WebhooksClientOptions>;
}

/** Both APIs, the token endpoint and the receiver on 127.0.0.1, on one fake clock. */
async function startLoopback(options: LoopbackOptions = {}) {
  const clock = createFakeClock({ nowMs: START_MS });
  const sender = new WebhookSender({
    storage: new MemoryStorage(),
    transport: new HttpTransport({ allowPrivateNetworks: true }),
    clock,
    logger: 'silent',
    allowInsecureUrls: true,
  });
  const eudrSender = new WebhookSender({
    profile: EUDR_PROFILE,
    transport: new HttpTransport({ allowPrivateNetworks: true }),
    clock,
    logger: 'silent',
    allowInsecureUrls: true,
  });
  const tokens = createTokenIssuer(clock);
  const api = createManagementApi(sender, {
    authenticate: tokens.authenticate,
    rateLimit: options.rateLimit ?? {
      tiers: { STANDARD: { read: roomy, write: roomy, webhook: roomy } },
    },
    now: clock.now,
    logger: 'silent',
  });
  const eudrApi = createEudrManagementApi(eudrSender, {
    authenticate: apiKeyAuthenticator([{ token: EUDR_TOKEN, organizationUuid: ORG }]),
    now: clock.now,
    logger: 'silent',
  });
  const serveApi = nodeListener(api.fetch);
  const serveEudr = nodeListener(eudrApi.fetch);
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === TOKEN_PATH) void tokens.handle(req, res);
    else if (path.startsWith(EUDR_PREFIX)) serveEudr(req, res);
    else serveApi(req, res);
  });
  const origin = await listen(server);
  const { server: receiverServer, receiver } = await startReceiver();
  const client = createWebhooksClient({
    baseUrl: origin,
    auth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenUrl: `${origin}${TOKEN_PATH}` },
    now: clock.now,
    // Waits between retries move the fake clock instead of sleeping.
    sleep: async (ms) => {
      clock.advance(ms);
    },
    ...options.client,
  });
  const eudr = createEudrWebhooksClient({ baseUrl: `${origin}${EUDR_PREFIX}`, auth: EUDR_TOKEN });
  const drain = async () => {
    while ((await sender.processDue()) > 0) {
      // until nothing more is due now
    }
  };
  const backend: ClientFlowBackend & { clock: FakeClock } = {
    client: client as WebhooksClient,
    receiver,
    clock,
    now: clock.now,
    async advance(ms) {
      clock.advance(ms);
      await drain();
    },
    async close() {
      await sender.stop({ deadlineMs: 1000 });
      await eudrSender.stop({ deadlineMs: 1000 });
      await Promise.all([close(server), close(receiverServer)]);
    },
  };
  return { ...backend, backend, origin, eudr, tokens, sender };
}

describeClientFlows('createManagementApi over loopback HTTP', async () => {
  const { backend } = await startLoopback();
  return backend;
});

describe('the client against createManagementApi over loopback', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((o) => o.close()));
  });
  async function start(options?: LoopbackOptions) {
    const loopback = await startLoopback(options);
    open.push(loopback);
    return loopback;
  }

  it('calls every route once, with rate-limit and request-id information on every answer', async () => {
    const { client, receiver, advance } = await start();
    const answers: { route: string; status: number; category: string | undefined }[] = [];
    const note = <
      T extends {
        status: number;
        rateLimit: { category: string | undefined } | undefined;
        requestId: string | undefined;
      },
    >(
      route: string,
      response: T,
    ): T => {
      expect(response.rateLimit).toMatchObject({
        limit: 100_000,
        remaining: expect.any(Number),
        resetSeconds: expect.any(Number),
      });
      expect(response.requestId).toMatch(/^req_|^trace-/);
      answers.push({ route, status: response.status, category: response.rateLimit?.category });
      return response;
    };
    const created = note(
      'endpoints.create',
      await client.endpoints.create({ url: receiver.url, events: ['compliance.*'] }),
    );
    const id = created.data.id;
    note('endpoints.list', await client.endpoints.list());
    note('endpoints.get', await client.endpoints.get(id, { requestId: 'trace-get-1' }));
    const updated = note(
      'endpoints.update',
      await client.endpoints.update(id, { description: 'ERP', partnerIds: [PARTNER] }),
    );
    expect(updated.data).toMatchObject({ description: 'ERP', partnerIds: [PARTNER] });
    expect(note('endpoints.pause', await client.endpoints.pause(id)).data.status).toBe('PAUSED');
    expect(note('endpoints.resume', await client.endpoints.resume(id)).data.status).toBe('ACTIVE');
    const fired = note(
      'endpoints.test',
      await client.endpoints.test(id, {
        eventType: 'compliance.decision_made',
        data: { ...EVENT_FIXTURES['compliance.decision_made'].data },
      }),
    );
    const published = note(
      'events.publish',
      await client.events.publish({
        type: 'compliance.decision_made',
        partnerUuid: PARTNER,
        data: { ...EVENT_FIXTURES['compliance.decision_made'].data },
      }),
    );
    expect(published.data.deliveries).toBe(1);
    await advance(0);
    const history = note(
      'deliveries.list',
      await client.deliveries.list(id, { sort: 'createdAt,asc' }),
    );
    expect(history.data.data.map((d) => [d.test, d.status]).sort()).toEqual([
      [false, 'DELIVERED'],
      [true, 'DELIVERED'],
    ]);
    const detail = note('deliveries.get', await client.deliveries.get(id, fired.data.id));
    expect(detail.data.attempts).toHaveLength(1);
    const delivered = history.data.data.find((d) => !d.test)?.id ?? '';
    const replay = note('deliveries.replay', await client.deliveries.replay(id, delivered));
    expect(replay.data).toMatchObject({ replayOf: delivered, eventId: published.data.id });
    note(
      'deliveries.recover',
      await client.deliveries.recover(id, { since: new Date(START_MS - 1000) }),
    );
    note('endpoints.rotateSecret', await client.endpoints.rotateSecret(id));
    note('endpoints.delete', await client.endpoints.delete(id));
    expect(answers).toEqual([
      { route: 'endpoints.create', status: 201, category: 'webhook' },
      { route: 'endpoints.list', status: 200, category: 'webhook' },
      { route: 'endpoints.get', status: 200, category: 'webhook' },
      { route: 'endpoints.update', status: 200, category: 'webhook' },
      { route: 'endpoints.pause', status: 200, category: 'webhook' },
      { route: 'endpoints.resume', status: 200, category: 'webhook' },
      { route: 'endpoints.test', status: 202, category: 'webhook' },
      { route: 'events.publish', status: 202, category: 'write' },
      { route: 'deliveries.list', status: 200, category: 'webhook' },
      { route: 'deliveries.get', status: 200, category: 'webhook' },
      { route: 'deliveries.replay', status: 202, category: 'webhook' },
      { route: 'deliveries.recover', status: 202, category: 'webhook' },
      { route: 'endpoints.rotateSecret', status: 200, category: 'webhook' },
      { route: 'endpoints.delete', status: 204, category: 'webhook' },
    ]);
  });

  it('surfaces a 422 as a NovatradeApiError with errors[], without quoting the request', async () => {
    const { client } = await start();
    const error = await client.endpoints
      .create({
        url: 'https://partner.example/hook',
        events: ['compliance.*'],
        partnerIds: ['not-a-uuid'],
        colour: 'blue',
      } as never)
      .catch((e: unknown) => e);
    expect(isNovatradeApiError(error, 'validation-error')).toBe(true);
    if (!isNovatradeApiError(error, 'validation-error')) return;
    expect(error.status).toBe(422);
    expect(error.errors.map((e) => e.field).sort()).toEqual(['colour', 'partnerIds.0']);
    expect(error.traceId).toMatch(/^req_/);
    expect(error.message).not.toContain('not-a-uuid');
  });

  it('replays a write sent twice with the same Idempotency-Key (idempotentReplayed, the same secret)', async () => {
    const { client } = await start();
    const input = { url: 'https://partner.example/hook', events: ['compliance.*'] };
    const first = await client.endpoints.create(input, { idempotencyKey: 'create-acme-1' });
    const again = await client.endpoints.create(input, { idempotencyKey: 'create-acme-1' });
    expect(first.idempotentReplayed).toBe(false);
    expect(again.idempotentReplayed).toBe(true);
    expect(again.data).toEqual(first.data);
    expect((await client.endpoints.list()).data).toHaveLength(1);
    const reused = await client.endpoints
      .create({ ...input, description: 'other' }, { idempotencyKey: 'create-acme-1' })
      .catch((e: unknown) => e);
    expect(isNovatradeApiError(reused, 'idempotency-key-reused')).toBe(true);
  });

  it('retries a write whose answer was lost with the key on the error: answered from the record, created once', async () => {
    let lose = true;
    const { client } = await start({
      client: {
        retry: false,
        // The server creates the endpoint, and its answer never reaches the client.
        fetch: async (input, init) => {
          const response = await globalThis.fetch(input, init);
          if (lose && init?.method === 'POST' && String(input).endsWith('/v1/webhooks')) {
            lose = false;
            await response.arrayBuffer();
            throw new TypeError('fetch failed');
          }
          return response;
        },
      },
    });
    const input = { url: 'https://partner.example/hook', events: ['compliance.*'] };
    const lost = await client.endpoints.create(input).catch((e: unknown) => e);
    expect(lost).toMatchObject({ code: 'api_unreachable' });
    const { idempotencyKey } = lost as { idempotencyKey?: string };
    expect(idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    const again = await client.endpoints.create(input, { idempotencyKey });
    expect(again).toMatchObject({ status: 201, idempotentReplayed: true, idempotencyKey });
    expect(again.data.secret).toMatch(/^whsec_/); // the one-time secret, from the record
    expect((await client.endpoints.list()).data.map((e) => e.id)).toEqual([again.data.id]);
  });

  it('waits out a 429 on Retry-After (the published limits: 3 webhook calls per 10 s) and succeeds', async () => {
    const { client, clock } = await start({ rateLimit: {} });
    for (let i = 0; i < 3; i++) {
      const { rateLimit } = await client.endpoints.list();
      expect(rateLimit).toMatchObject({ limit: 10, remaining: 2 - i, category: 'webhook' });
    }
    const before = clock.now();
    const fourth = await client.endpoints.list();
    expect(fourth.status).toBe(200);
    expect(fourth.attempts).toBe(2);
    // Retry-After is the rest of the 10-second window, plus at most 500 ms of jitter.
    expect(clock.now() - before).toBeGreaterThanOrEqual(10_000);
    expect(clock.now() - before).toBeLessThanOrEqual(10_500);
  });

  it('fetches one token for many calls, and a new one once it is 60 s from expiring', async () => {
    const { client, clock, tokens } = await start();
    await Promise.all(Array.from({ length: 10 }, () => client.endpoints.list()));
    expect(tokens.issuedCount()).toBe(1);
    clock.advance(239_000);
    await client.endpoints.list();
    expect(tokens.issuedCount()).toBe(1);
    clock.advance(2000);
    await client.endpoints.list();
    expect(tokens.issuedCount()).toBe(2);
  });

  it('rejects with the signal’s reason when aborted', async () => {
    const { client } = await start();
    const reason = new Error('caller gave up');
    const controller = new AbortController();
    controller.abort(reason);
    await expect(client.endpoints.list({ signal: controller.signal })).rejects.toBe(reason);
  });

  it('the EUDR client: register, the experimental list/get/update/delete, and EudrApiError', async () => {
    const { eudr } = await start();
    const url = 'https://your-server.example/webhooks/eudr';
    const registered = await eudr.register(
      { url, events: ['supplier.created', 'sync.completed'] },
      { idempotencyKey: 'eudr-register-1' },
    );
    expect(registered.status).toBe(201);
    expect(registered.data).toEqual({
      id: expect.stringMatching(/^wh_/),
      url,
      events: ['supplier.created', 'sync.completed'],
      active: true,
      secret: expect.stringMatching(/^whsec_/),
      createdAt: new Date(START_MS).toISOString(),
    });
    expect(registered.rateLimit).toMatchObject({ limit: 100, category: 'webhook' });
    const replayed = await eudr.register(
      { url, events: ['supplier.created', 'sync.completed'] },
      { idempotencyKey: 'eudr-register-1' },
    );
    expect(replayed.idempotentReplayed).toBe(true);
    const id = registered.data.id;
    const { secret: _secret, ...view } = registered.data;
    expect((await eudr.list({ page: 1, limit: 10 })).data).toEqual({
      entities: [view],
      total: 1,
      page: 1,
      limit: 10,
    });
    expect((await eudr.get(id)).data).toEqual(view);
    expect((await eudr.update(id, { active: false })).data.active).toBe(false);
    expect((await eudr.delete(id)).status).toBe(204);
    const gone = await eudr.get(id).catch((e: unknown) => e);
    expect(isEudrApiError(gone, 'NOT_FOUND')).toBe(true);
    const invalid = await eudr
      .register({ url, events: ['kyc.vies_check_failed'] })
      .catch((e: unknown) => e);
    expect(isEudrApiError(invalid, 'VALIDATION_ERROR')).toBe(true);
    expect(invalid).toMatchObject({ status: 400, details: [{ field: 'events.0' }] });
  });

  it('runs examples/client-history.ts: registers, fires a test event and prints the history', async () => {
    const { origin, receiver, advance } = await start();
    const lines: string[] = [];
    const stored = new Map<string, string>();
    const result = await clientHistoryExample({
      baseUrl: origin,
      auth: {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        tokenUrl: `${origin}${TOKEN_PATH}`,
      },
      webhookUrl: receiver.url,
      log: (line) => lines.push(line),
      storeSecret: (id, secret) => {
        stored.set(id, secret);
      },
    });
    await advance(0);
    expect(result.endpoint).toMatchObject({ url: receiver.url, status: 'ACTIVE' });
    expect(result.endpoint).not.toHaveProperty('secret');
    expect(result.history).toEqual([
      expect.objectContaining({ eventType: 'compliance.decision_made', test: true }),
    ]);
    expect(lines[0]).toBe(`registered ${result.endpoint.id} -> ${receiver.url} (ACTIVE)`);
    // The secret reaches the store, and no line holds any of it (not even its whsec_ prefix).
    const secret = stored.get(result.endpoint.id) ?? '';
    expect(secret).toMatch(/^whsec_/);
    expect(lines[1]).toBe(
      `signing secret issued (${secret.length} characters, stored); the API never shows it again`,
    );
    expect(lines.join('\n')).not.toContain('whsec_');
    expect(lines).toContain('1 deliveries');
    expect(lines.at(-1)).toMatch(/^rate limit \(webhook\): \d+\/100000 left$/);
    expect(receiver.received()).toHaveLength(1);
  });
});
