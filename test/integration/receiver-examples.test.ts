// The receiver examples in examples/receiver-*.ts, exercised as users run them: the Node servers
// over real HTTP on 127.0.0.1, the Next.js route and the Worker through their exported handlers.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import worker, { type Env } from '../../examples/receiver-cloudflare-worker.js';
import { createApp as createExpressApp } from '../../examples/receiver-express.js';
import { createApp as createFastifyApp } from '../../examples/receiver-fastify.js';
import { createApp as createHonoApp } from '../../examples/receiver-hono.js';
import { POST } from '../../examples/receiver-nextjs-route.js';
import { createApp as createNodeHttpApp } from '../../examples/receiver-node-http.js';
import { createSampleEvent, createSignedRequest, ZERO_UUID } from '../../src/testing/index.js';

const secret = 'whsec_receiver_examples_test';
const PATH = '/webhooks/novatrade';

/** A signed `compliance.decision_made` delivery, and its headers over a tampered body. */
function decisionRequest(id: string, url = `http://127.0.0.1${PATH}`) {
  const event = createSampleEvent('compliance.decision_made', { id });
  const signed = createSignedRequest(event, { secret, url });
  const tamperedBody = signed.body.replace('VALID_EXPORT', 'VAT_APPLICABLE');
  if (tamperedBody === signed.body) throw new Error('the tamper changed nothing');
  const tamperedInit = (): RequestInit => ({ ...signed.toFetchInit(), body: tamperedBody });
  return { signed, tamperedInit, tampered: () => new Request(url, tamperedInit()) };
}

async function read(response: Response) {
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
  };
}

interface Running {
  readonly baseUrl: string;
  close(): Promise<void>;
}

function listenOnLoopback(server: Server): Promise<Running> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(running(server)));
  });
}

function running(server: Server): Running {
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface NodeExample {
  readonly name: string;
  /** True when the example has an `express.json()`-style JSON route besides the webhook. */
  readonly hasJsonRoute: boolean;
  start(onDecision: (orderUuid: string, decision: string) => unknown): Promise<Running>;
}

const noop = () => {};

const nodeExamples: NodeExample[] = [
  {
    name: 'receiver-node-http.ts',
    hasJsonRoute: false,
    start: (onDecision) =>
      listenOnLoopback(
        createNodeHttpApp({
          secret,
          services: {
            bookDecision: onDecision,
            refreshBuyer: noop,
            audit: noop,
            reportFailure: noop,
          },
        }),
      ),
  },
  {
    name: 'receiver-express.ts',
    hasJsonRoute: true,
    start: (onDecision) => {
      const app = createExpressApp({ secret, onDecision });
      return new Promise((resolve, reject) => {
        const server = app.listen(0, '127.0.0.1', (error) =>
          error ? reject(error) : resolve(running(server)),
        );
      });
    },
  },
  {
    name: 'receiver-fastify.ts',
    hasJsonRoute: true,
    start: async (onDecision) => {
      const app = await createFastifyApp({ secret, onDecision });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
    },
  },
  {
    name: 'receiver-hono.ts',
    hasJsonRoute: true,
    start: (onDecision) => {
      const app = createHonoApp({ secret, onDecision });
      return new Promise((resolve) => {
        const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
          resolve(running(server as Server)),
        );
      });
    },
  },
];

for (const { name, start, hasJsonRoute } of nodeExamples)
  describe(`examples/${name} over HTTP`, () => {
    const decisions: [string, string][] = [];
    let server: Running;
    beforeAll(async () => {
      server = await start((orderUuid, decision) => decisions.push([orderUuid, decision]));
    });
    afterAll(() => server.close());
    afterEach(() => {
      decisions.length = 0;
    });

    it('answers 200 to a signed delivery and runs the typed handler once', async () => {
      const { signed } = decisionRequest('evt_signed');
      const response = await fetch(`${server.baseUrl}${PATH}`, signed.toFetchInit());
      expect(await read(response)).toMatchObject({ status: 200, body: { received: true } });
      expect(decisions).toEqual([[ZERO_UUID, 'VALID_EXPORT']]);

      // A redelivery of the same event id is acknowledged without running the handler again.
      const again = await fetch(`${server.baseUrl}${PATH}`, signed.toFetchInit());
      expect(await read(again)).toMatchObject({ status: 200, body: { duplicate: true } });
      expect(decisions).toHaveLength(1);
    });

    it('answers 401 signature_mismatch to a tampered body and runs no handler', async () => {
      const { tamperedInit } = decisionRequest('evt_tampered');
      const response = await fetch(`${server.baseUrl}${PATH}`, tamperedInit());
      expect(await read(response)).toMatchObject({
        status: 401,
        contentType: 'application/problem+json',
        body: { code: 'signature_mismatch' },
      });
      expect(decisions).toEqual([]);
    });

    if (hasJsonRoute)
      it('keeps JSON parsing for the app’s other routes', async () => {
        const response = await fetch(`${server.baseUrl}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"sku":"docs/design.md §7, A-1"}',
        });
        expect(await read(response)).toMatchObject({
          status: 201,
          body: { created: { sku: 'docs/design.md §7, A-1' } },
        });
      });
  });

describe('examples/receiver-node-http.ts handlers', () => {
  const calls: unknown[][] = [];
  let server: Running;
  beforeAll(async () => {
    server = await listenOnLoopback(
      createNodeHttpApp({
        secret,
        services: {
          bookDecision: (...args) => calls.push(['bookDecision', ...args]),
          refreshBuyer: (...args) => calls.push(['refreshBuyer', ...args]),
          audit: (event) => calls.push(['audit', event.type, event.id]),
          reportFailure: (...args) => calls.push(['reportFailure', ...args]),
        },
      }),
    );
  });
  afterAll(() => server.close());

  it('routes a kyc.* event to refreshBuyer, then onAny, and reports a tampered one', async () => {
    const event = createSampleEvent('kyc.vies_check_failed', { id: 'evt_kyc' });
    const signed = createSignedRequest(event, { secret });
    const response = await fetch(`${server.baseUrl}/`, signed.toFetchInit());
    expect(response.status).toBe(200);

    const tampered = await fetch(`${server.baseUrl}/`, {
      ...signed.toFetchInit(),
      body: signed.body.replace('DE123456789', 'DE000000000'),
    });
    expect(tampered.status).toBe(401);
    expect(calls).toEqual([
      ['refreshBuyer', ZERO_UUID],
      ['audit', 'kyc.vies_check_failed', 'evt_kyc'],
      ['reportFailure', 'verify', 'signature_mismatch'],
    ]);
  });
});

describe('examples/receiver-nextjs-route.ts', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('POST answers 200 to a signed delivery and 401 to a tampered one', async () => {
    vi.stubEnv('NOVATRADE_WEBHOOK_SECRET', secret);
    const { signed, tampered } = decisionRequest('evt_next');
    expect(await read(await POST(signed.toRequest()))).toMatchObject({
      status: 200,
      body: { received: true },
    });
    expect(await read(await POST(tampered()))).toMatchObject({
      status: 401,
      body: { code: 'signature_mismatch' },
    });
  });

  it('POST rejects, naming the variable, when NOVATRADE_WEBHOOK_SECRET is unset', async () => {
    vi.stubEnv('NOVATRADE_WEBHOOK_SECRET', undefined);
    await expect(POST(decisionRequest('evt_next_unset').signed.toRequest())).rejects.toThrow(
      /NOVATRADE_WEBHOOK_SECRET/,
    );
  });
});

describe('examples/receiver-cloudflare-worker.ts', () => {
  const sent: unknown[] = [];
  let failNextSend = false;
  // One env for the whole suite, as one isolate sees it: the Worker keeps its first receiver.
  const env: Env = {
    NOVATRADE_WEBHOOK_SECRET: secret,
    WEBHOOK_EVENTS: {
      send: async (message) => {
        if (failNextSend) {
          failNextSend = false;
          throw new Error('queue unavailable');
        }
        sent.push(message);
      },
    },
  };
  // The Worker's execution context: collects what is handed to waitUntil (nothing in sync mode).
  const waited: Promise<unknown>[] = [];
  const ctx = { waitUntil: (promise: Promise<unknown>) => void waited.push(promise) };
  afterEach(() => {
    sent.length = 0;
  });

  it('fetch answers 200 to a signed delivery and enqueues the typed payload', async () => {
    const { signed } = decisionRequest('evt_worker');
    expect(await read(await worker.fetch(signed.toRequest(), env, ctx))).toMatchObject({
      status: 200,
      body: { received: true },
    });
    expect(sent).toEqual([{ orderUuid: ZERO_UUID, decision: 'VALID_EXPORT' }]);
  });

  it('fetch answers 401 to a tampered delivery and enqueues nothing', async () => {
    const { tampered } = decisionRequest('evt_worker_tampered');
    expect(await read(await worker.fetch(tampered(), env, ctx))).toMatchObject({
      status: 401,
      body: { code: 'signature_mismatch' },
    });
    expect(sent).toEqual([]);
  });

  it('fetch answers 500 when the queue fails, and processes the sender’s retry', async () => {
    failNextSend = true;
    const { signed } = decisionRequest('evt_worker_retry');
    expect(await read(await worker.fetch(signed.toRequest(), env, ctx))).toMatchObject({
      status: 500,
      body: { code: 'handler_failed' },
    });
    expect((await worker.fetch(signed.toRequest(), env, ctx)).status).toBe(200);
    expect(sent).toHaveLength(1);
    // Sync mode: the work is done before the answer, so nothing is left for waitUntil.
    expect(waited).toEqual([]);
  });
});
