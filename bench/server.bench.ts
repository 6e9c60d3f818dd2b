// `npm run bench -- server`: the management API's cost (docs/server.md), against the direct sender
// calls it wraps, measured in the same run. Sized for the 2-core reference machine: about a minute
// in all. Every figure is a ratio against an in-run baseline; nothing is asserted about time.
//
// 1. `GET /v1/webhooks/{id}` through `api.fetch(request)` in process, against
//    `sender.getEndpoint(org, id)` called directly (MemoryStorage, one endpoint). API-key
//    authentication; the default in-memory rate limiter with generous ENTERPRISE limits (nothing is
//    refused: every answer still counts and carries `X-RateLimit-*`), and the same API with
//    `rateLimit: false`. Requests are built before each sample, untimed (the runtime's adapter
//    builds them; their cost is a row of the stage table). Target of the issue: the HTTP layer costs
//    at most 2x the direct call, i.e. ratio ≥ 0.50x (overhead = direct ops/s ÷ fetch ops/s ≤ 2).
//    A second table times the stages of the pipeline one by one, in the same rounds, against the
//    same baseline, so the cost of each is visible: building the Request, the API-key check
//    (as `apiKeyAuthenticator` does it: a synchronous node:crypto SHA-256; WebCrypto's beside it, the
//    cost the entry avoids), a
//    new request id, the rate-limit check, the JSON answer; then floors and wholes: a bare Hono app
//    routing to the same call, an OpenAPIHono app with the route's zod param schema, the API with
//    an authenticate that resolves at once (the kernel without the digest), and the API itself.
// 2. `POST /v1/events` over a real loopback HTTP server (@hono/node-server serving `api.fetch` on
//    127.0.0.1, an undici client with keep-alive, 10 requests in flight, a fresh Idempotency-Key
//    each), against `sender.publish` in process (10 in flight). The sender is started and delivers
//    every event to a 204 receiver in another process (bench/sender/receiver-204.ts) through
//    HttpTransport({ allowPrivateNetworks: true }); one sender and one endpoint serve every case.
//    Each run sends 1,000 events and records when the last was accepted (202 / publish resolved)
//    and when the last delivery succeeded. Method as in bench/sender.bench.ts: an untimed warm-up
//    run of each case, then rounds timing one run of every case in rotated order; ratio = baseline
//    ms ÷ case ms per round, median over rounds. Diagnostic rows: `api.fetch` of the same POST in
//    process (the API without sockets), and the same undici loop against @hono/node-server
//    answering 202 from a trivial handler (the loopback and adapter floor: no API, no publish).
//
// `SERVER_BENCH=get npm run bench -- server` runs only the named sections (get, stages, ingest).

import { type ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { Agent, request } from 'undici';
import { HttpTransport } from '../src/sender/http-transport.node.js';
import type { Transport } from '../src/sender/ports/transport.js';
import { type PublishInput, WebhookSender } from '../src/sender/webhook-sender.js';
import {
  apiKeyAuthenticator,
  createManagementApi,
  type ManagementApi,
  type RateLimitTableInput,
} from '../src/server/index.js';
import { RateLimiter } from '../src/server/internal/rate-limit/rate-limiter.js';
import { createRequestId } from '../src/server/internal/request-id.js';
import { endpointIdParamSchema } from '../src/server/internal/schemas/shared-schemas.js';
import { EVENT_FIXTURES } from '../src/testing/event-fixtures.js';
import { type BenchSuite, type Comparison, compare, median, rotatedRounds } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const ORG = '0b6f3c1e-8a2d-4f5b-9c7e-1d2a3b4c5d6e';
const PARTNER = '11111111-2222-3333-4444-555555555555';
const TOKEN = 'tok_bench_0123456789abcdef';
const ORIGIN = 'http://api.bench';

// Limits no benchmark reaches: every request is counted and answered with X-RateLimit-*, none is
// refused. A billion per minute in every category, burst cap included.
const GENEROUS = { perMinute: 1_000_000_000, burstPer10s: 1_000_000_000 };
const TIERS: RateLimitTableInput = {
  ENTERPRISE: { read: GENEROUS, write: GENEROUS, webhook: GENEROUS },
};
const authenticate = apiKeyAuthenticator([
  { token: TOKEN, organizationUuid: ORG, tier: 'ENTERPRISE' },
]);

function managementApi(sender: WebhookSender, limiter: boolean): ManagementApi {
  return createManagementApi(sender, {
    authenticate,
    rateLimit: limiter ? { tiers: TIERS } : false,
    logger: 'silent',
  });
}

/** A transport that must never be called (section 1 never starts the dispatcher). */
const unusedTransport: Transport = {
  send: () => Promise.reject(new Error('the GET benchmark sends nothing')),
};

/** A sender with one endpoint, not started; its id. */
async function oneEndpointSender() {
  const sender = new WebhookSender({ transport: unusedTransport, logger: 'silent' });
  const { endpoint } = await sender.createEndpoint(ORG, {
    url: 'https://partner.example/hook',
    events: ['compliance.*'],
  });
  return { sender, id: endpoint.id };
}

/**
 * A case whose calls each take a fresh value built before the sample, untimed: `setup` fills a
 * pool of `batch` values and each call of `fn` takes the next.
 */
function pooled<T>(name: string, batch: number, make: () => T, use: (value: T) => unknown) {
  let pool: T[] = [];
  let next = 0;
  return {
    name,
    setup: () => {
      pool = Array.from({ length: batch }, make);
      next = 0;
    },
    fn: () => use(pool[next++] as T),
  };
}

async function expectStatus(response: Promise<Response> | Response, status: number) {
  const { status: actual } = await response;
  if (actual !== status) throw new Error(`expected HTTP ${status}, got ${actual}`);
}

// ------------------------------------------------------------------- 1. GET /v1/webhooks/{id}

const GET_BATCH = 16;

async function getSetup() {
  const { sender, id } = await oneEndpointSender();
  const limited = managementApi(sender, true);
  const unlimited = managementApi(sender, false);
  const url = `${ORIGIN}/v1/webhooks/${id}`;
  const newRequest = () => new Request(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  // Sanity, untimed: both answer 200 with the endpoint; the limiter counts (and never refuses).
  const answer = await limited.fetch(newRequest());
  const body = (await answer.json()) as { id?: unknown };
  if (answer.status !== 200 || body.id !== id) throw new Error(`GET: ${answer.status}`);
  if (answer.headers.get('x-ratelimit-category') !== 'webhook') {
    throw new Error('GET: the rate limiter did not count the request');
  }
  await expectStatus(unlimited.fetch(newRequest()), 200);
  return { sender, id, limited, unlimited, newRequest };
}

const DIRECT = 'sender.getEndpoint(org, id), direct';

async function getEndpointOverhead(): Promise<Comparison> {
  const { sender, id, limited, unlimited, newRequest } = await getSetup();
  const comparison = await compare(
    'GET /v1/webhooks/{id}: api.fetch(request) in process vs sender.getEndpoint direct ' +
      '(ops/s; ratio = fetch ops/s ÷ direct ops/s, target ≥ 0.50x, i.e. HTTP layer ≤ 2x the direct call)',
    {
      baseline: { name: DIRECT, fn: () => sender.getEndpoint(ORG, id) },
      cases: [
        pooled(
          'api.fetch, API key, in-memory limiter (generous tiers)',
          GET_BATCH,
          newRequest,
          (r) => limited.fetch(r),
        ),
        pooled('api.fetch, API key, rateLimit: false', GET_BATCH, newRequest, (r) =>
          unlimited.fetch(r),
        ),
      ],
      rounds: 7,
      timeMs: 400,
      batch: GET_BATCH,
      async: true,
    },
  );
  const lines = comparison.rows.slice(1).map((row) => {
    const overhead = 1 / row.ratio;
    return (
      `- ${row.name}: overhead ${overhead.toFixed(1)}x the direct call ` +
      `(${(1e6 / row.opsPerSecond).toFixed(1)} µs vs ${(1e6 / (comparison.rows[0]?.opsPerSecond ?? 1)).toFixed(2)} µs per call); ` +
      `target ≤ 2x ${overhead <= 2 ? 'met' : 'NOT met'}`
    );
  });
  console.log(
    `GET /v1/webhooks/{id} overhead (fetch time ÷ direct time, median of per-round ratios):\n${lines.join('\n')}\n`,
  );
  return comparison;
}

const WHOLE = 'whole: api.fetch, API key, rateLimit: false';
const BARE_HONO = 'floor: bare Hono app, same route and call';

async function getEndpointStages(): Promise<Comparison> {
  const { sender, id, unlimited, newRequest } = await getSetup();
  const url = `${ORIGIN}/v1/webhooks/${id}`;
  // The API with an authenticate that resolves at once: the kernel without the digest.
  const trivial = createManagementApi(sender, {
    authenticate: async () => ({ organizationUuid: ORG, tier: 'ENTERPRISE' }),
    rateLimit: false,
    logger: 'silent',
  });
  await expectStatus(trivial.fetch(newRequest()), 200);
  const limiter = new RateLimiter({ tiers: TIERS });
  const view = await sender.getEndpoint(ORG, id);

  // The framework floor: a bare Hono app routing the same path to the same call.
  const bare = new Hono();
  bare.get('/v1/webhooks/:id', async (c) =>
    c.json(await sender.getEndpoint(ORG, c.req.param('id'))),
  );
  // The same with @hono/zod-openapi and the route's param schema (the validator the API runs).
  const validated = new OpenAPIHono();
  validated.openapi(
    createRoute({
      method: 'get',
      path: '/v1/webhooks/{id}',
      request: { params: endpointIdParamSchema },
      responses: { 200: { description: 'OK' } },
    }),
    async (c) => c.json(await sender.getEndpoint(ORG, c.req.valid('param').id), 200),
  );
  await expectStatus(bare.fetch(newRequest()), 200);
  await expectStatus(validated.fetch(newRequest()), 200);

  const comparison = await compare(
    'GET /v1/webhooks/{id}, the stages one by one (ops/s; ratio vs the direct call; ' +
      '"stage" rows time one stage alone; "floor" and "whole" rows a whole request)',
    {
      baseline: { name: DIRECT, fn: () => sender.getEndpoint(ORG, id) },
      cases: [
        {
          name: 'stage: new Request(url, { authorization }) (the adapter builds it)',
          fn: () => new Request(url, { headers: { authorization: `Bearer ${TOKEN}` } }),
        },
        pooled('stage: API-key authenticate (SHA-256 via WebCrypto)', GET_BATCH, newRequest, (r) =>
          authenticate(r),
        ),
        {
          name: 'for comparison: SHA-256 of the token via node:crypto createHash (sync)',
          fn: () => createHash('sha256').update(TOKEN).digest(),
        },
        { name: 'stage: a new request id (req_…, 128 random bits)', fn: () => createRequestId() },
        {
          name: 'stage: RateLimiter.check, in-memory store',
          fn: () =>
            limiter.check({ organizationUuid: ORG, tier: 'ENTERPRISE', category: 'webhook' }),
        },
        {
          name: 'stage: the answer: JSON.stringify + new Response',
          fn: () =>
            new Response(JSON.stringify(view), {
              status: 200,
              headers: { 'Content-Type': 'application/json' },
            }),
        },
        pooled(BARE_HONO, GET_BATCH, newRequest, (r) => bare.fetch(r)),
        pooled('floor: OpenAPIHono + the route zod param schema', GET_BATCH, newRequest, (r) =>
          validated.fetch(r),
        ),
        pooled(
          'whole: api.fetch, a trivial authenticate (no digest), rateLimit: false',
          GET_BATCH,
          newRequest,
          (r) => trivial.fetch(r),
        ),
        pooled(WHOLE, GET_BATCH, newRequest, (r) => unlimited.fetch(r)),
      ],
      rounds: 5,
      timeMs: 150,
      batch: GET_BATCH,
      async: true,
    },
  );
  const perCall = comparison.rows.map(
    (row) => `- ${row.name}: ${(1e6 / row.opsPerSecond).toFixed(1)} µs per call`,
  );
  const ratioOf = (name: string) => comparison.rows.find((row) => row.name === name)?.ratio ?? 1;
  console.log(
    `GET /v1/webhooks/{id} stages (µs per call, medians; a row's µs is 1e6 ÷ its ops/s):\n${perCall.join('\n')}\n` +
      `whole api.fetch (rateLimit: false) costs ${(ratioOf(BARE_HONO) / ratioOf(WHOLE)).toFixed(1)}x ` +
      'the bare Hono floor (same rounds)\n',
  );
  return comparison;
}

// ---------------------------------------------------------------------- 2. POST /v1/events

const EVENTS = 1000;
const CONCURRENCY = 10;
const INGEST_ROUNDS = 5;

const INPUT: PublishInput = {
  organizationUuid: ORG,
  type: 'compliance.decision_made',
  partnerUuid: PARTNER,
  data: EVENT_FIXTURES['compliance.decision_made'].data,
};
const EVENT_BODY = JSON.stringify({
  type: INPUT.type,
  partnerUuid: INPUT.partnerUuid,
  data: INPUT.data,
});

function firstMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${what} exited (${code}) early`));
    child.once('error', reject);
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

/** The 204 receiver of the sender benchmark, in its own process. */
async function startReceiver() {
  const child = fork(join(here, 'sender', 'receiver-204.ts'), [], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const { port } = await firstMessage<{ port: number }>(child, 'the receiver');
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    async requests(): Promise<number> {
      const reply = firstMessage<{ requests: number }>(child, 'the receiver');
      child.send('count');
      return (await reply).requests;
    },
    async stop(): Promise<void> {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Serves `fetch` with @hono/node-server on 127.0.0.1, an ephemeral port. */
async function serveOnLoopback(fetch: (request: Request) => Promise<Response> | Response) {
  const server = createAdaptorServer({ fetch }) as Server;
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 61_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs `work(0…total-1)` with `concurrency` calls in flight. */
async function inFlight(total: number, concurrency: number, work: (i: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < total) await work(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

interface RunTimes {
  /** ms until the last event was accepted (202, or `publish` resolved). */
  readonly acceptedMs: number;
  /** ms until its last delivery succeeded; NaN when the case delivers nothing. */
  readonly deliveredMs: number;
}

async function ingest(): Promise<Comparison[]> {
  const receiver = await startReceiver();
  const sender = new WebhookSender({
    transport: new HttpTransport({ allowPrivateNetworks: true }),
    allowInsecureUrls: true,
    logger: 'silent',
  });
  await sender.createEndpoint(ORG, { url: receiver.url, events: ['compliance.*'] });
  let succeeded = 0;
  let failed = 0;
  let onSucceeded: () => void = () => {};
  sender.on('delivery.attempted', ({ attempt }) => {
    if (attempt.failureReason !== null) failed++;
  });
  sender.on('delivery.succeeded', () => {
    succeeded++;
    onSucceeded();
  });
  sender.start();

  const api = managementApi(sender, true);
  const apiServer = await serveOnLoopback(api.fetch);
  const floorServer = await serveOnLoopback(async (req) => {
    JSON.parse(await req.text());
    return new Response('{"accepted":true}', {
      status: 202,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  const agent = new Agent({ connections: 32, keepAliveTimeout: 4000 });
  let key = 0;
  const headers = () => ({
    authorization: `Bearer ${TOKEN}`,
    'content-type': 'application/json',
    'idempotency-key': `bench-${key++}`,
  });
  const post = async (origin: string) => {
    const response = await request(`${origin}/v1/events`, {
      dispatcher: agent,
      method: 'POST',
      headers: headers(),
      body: EVENT_BODY,
    });
    await response.body.dump();
    if (response.statusCode !== 202) throw new Error(`POST /v1/events: ${response.statusCode}`);
  };

  /** One run: EVENTS sends, then (when `delivers`) until every delivery of the run succeeded. */
  const run = (send: () => Promise<void>, delivers: boolean) => async (): Promise<RunTimes> => {
    succeeded = 0;
    const allDelivered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('ingest: deliveries timed out')), 60_000);
      onSucceeded = () => {
        if (succeeded >= EVENTS) {
          clearTimeout(timer);
          resolve();
        }
      };
      if (!delivers) {
        clearTimeout(timer);
        resolve();
      }
    });
    const startedAt = performance.now();
    await inFlight(EVENTS, CONCURRENCY, send);
    const acceptedMs = performance.now() - startedAt;
    await allDelivered;
    const deliveredMs = delivers ? performance.now() - startedAt : Number.NaN;
    if (failed > 0) throw new Error(`ingest: ${failed} delivery attempts failed`);
    return { acceptedMs, deliveredMs };
  };

  const cases = [
    {
      name: `sender.publish in process, ${CONCURRENCY} in flight`,
      run: run(async () => {
        await sender.publish(INPUT);
      }, true),
      delivers: true,
    },
    {
      name: 'POST /v1/events over loopback HTTP (@hono/node-server, undici, keep-alive, limiter on)',
      run: run(() => post(apiServer.origin), true),
      delivers: true,
    },
    {
      name: 'diagnostic: api.fetch(new Request(POST /v1/events)) in process, no socket',
      run: run(
        () =>
          expectStatus(
            api.fetch(
              new Request(`${ORIGIN}/v1/events`, {
                method: 'POST',
                headers: headers(),
                body: EVENT_BODY,
              }),
            ),
            202,
          ),
        true,
      ),
      delivers: true,
    },
    {
      name: 'floor: same undici loop to @hono/node-server answering 202 (no API, no publish)',
      run: run(() => post(floorServer.origin), false),
      delivers: false,
    },
  ];

  try {
    for (const c of cases) await c.run(); // warm-up: connections open, code optimised
    const times = await rotatedRounds((index) => (cases[index] as (typeof cases)[number]).run(), {
      count: cases.length,
      rounds: INGEST_ROUNDS,
    });
    const delivering = cases.filter((c) => c.delivers).length;
    const expected = (INGEST_ROUNDS + 1) * EVENTS * delivering;
    const received = await receiver.requests();
    if (received !== expected) throw new Error(`the receiver saw ${received}, not ${expected}`);

    const table = (
      title: string,
      pick: (t: RunTimes) => number,
      rows: readonly number[],
    ): Comparison => {
      const base = (times[0] as RunTimes[]).map(pick);
      return {
        title,
        baseline: (cases[0] as (typeof cases)[number]).name,
        rows: rows.map((i) => {
          const ms = (times[i] as RunTimes[]).map(pick);
          return {
            name: (cases[i] as (typeof cases)[number]).name,
            opsPerSecond: median(ms.map((value) => (EVENTS / value) * 1000)),
            ratio: median(ms.map((value, r) => (base[r] as number) / value)),
          };
        }),
      };
    };
    const accepted = table(
      `POST /v1/events ingest: ${EVENTS.toLocaleString('en-US')} events, ${CONCURRENCY} in flight, ` +
        'sender started and delivering to a 204 receiver in another process ' +
        '(events accepted/s; ratio = case ÷ publish in process)',
      (t) => t.acceptedMs,
      [0, 1, 2, 3],
    );
    const delivered = table(
      `POST /v1/events end to end: the same runs, until the ${EVENTS.toLocaleString('en-US')}th ` +
        'delivery succeeded (deliveries/s; ratio = case ÷ publish in process)',
      (t) => t.deliveredMs,
      [0, 1, 2],
    );
    const http = accepted.rows[1];
    if (http !== undefined) {
      console.log(
        `POST /v1/events over loopback HTTP: ${Math.round(http.opsPerSecond).toLocaleString('en-US')} events/s accepted, ` +
          `${http.ratio.toFixed(2)}x of publish in process (${(1 / http.ratio).toFixed(1)}x its time per event); ` +
          `delivered end to end ${(delivered.rows[1]?.ratio ?? Number.NaN).toFixed(2)}x; ` +
          `${(http.ratio / (accepted.rows[3]?.ratio ?? Number.NaN)).toFixed(2)}x of the loopback floor's rate\n`,
      );
    }
    return [accepted, delivered];
  } finally {
    await agent.close();
    await apiServer.close();
    await floorServer.close();
    await sender.stop({ deadlineMs: 2000 });
    await receiver.stop();
  }
}

const sections = {
  get: async () => [await getEndpointOverhead()],
  stages: async () => [await getEndpointStages()],
  ingest,
} as const;
const only = process.env.SERVER_BENCH?.split(',').filter(Boolean);

const suite: BenchSuite = async () => {
  const results: Comparison[] = [];
  for (const [name, section] of Object.entries(sections)) {
    if (only === undefined || only.includes(name)) results.push(...(await section()));
  }
  return results;
};
export default suite;
