// `runServe` in this process, on in-memory stores in place of the database: the EUDR profile
// (N'entropy's registration API under /api/v1/integration/, the SDK's /v1 routes with ingest, and
// deliveries an EudrWebhookReceiver verifies), the order of shutdown (the sender stops before the
// database closes), the keep-alive connections to receivers closed at the stop, a second signal
// during shutdown, a signal before the server listens, an address that cannot be bound, and the
// warning for an address other machines may reach.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import picocolors from 'picocolors';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../../src/cli/internal/cli-context.js';
import { CliError } from '../../../../src/cli/internal/cli-error.js';
import type { ShutdownSignal } from '../../../../src/cli/internal/cli-io.js';
import {
  exposureWarning,
  FORCED_EXIT_STATUS,
  isLoopbackAddress,
  listeningUrl,
  runServe,
} from '../../../../src/cli/serve/run-serve.js';
import type { ServeDatabase } from '../../../../src/cli/serve/serve-database.js';
import type { ServeConfig } from '../../../../src/cli/serve/serve-options.js';
import {
  createSampleEudrEvent,
  createSampleEvent,
} from '../../../../src/core/catalog/sample-events.js';
import { toNodeListener } from '../../../../src/receiver/adapters/node-listener.js';
import { EudrWebhookReceiver } from '../../../../src/receiver/eudr-webhook-receiver.node.js';
import { MemoryIdempotencyStore } from '../../../../src/sender/memory-idempotency-store.js';
import { MemoryStorage } from '../../../../src/sender/memory-storage.js';
import { waitUntil } from '../../../helpers/processes/wait-until.js';

const TOKEN = `run_serve_${randomUUID().replaceAll('-', '')}`;
const ORG = randomUUID();

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

function config(overrides: Partial<ServeConfig> = {}): ServeConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    database: { kind: 'pglite', dataDir: '/unused' },
    apiKeys: [{ token: TOKEN, organizationUuid: ORG }],
    jwt: undefined,
    profile: 'novatrade',
    allowPrivateNetworks: true,
    logFormat: 'json',
    shutdownTimeoutMs: 10_000,
    rateLimit: false,
    ...overrides,
  };
}

/** A database of in-memory stores that records when it is closed. */
function memoryDatabase(events: string[]): ServeDatabase {
  return {
    kind: 'pglite',
    description: { text: 'memory', fields: { kind: 'memory' } },
    storage: new MemoryStorage(),
    idempotencyStore: new MemoryIdempotencyStore(),
    ping: async () => true,
    close: async () => {
      events.push('database closed');
    },
  };
}

/** A command context whose output is captured and whose signals the test raises. */
function harness() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<(signal: ShutdownSignal) => void>();
  const plain = picocolors.createColors(false);
  const context: CliContext = {
    io: {
      stdout: { write: () => true },
      stderr: { write: () => true },
      stdin: Readable.from([]),
      env: {},
      cwd: '/',
      onShutdownSignal(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    output: {
      colors: plain,
      errorColors: plain,
      line: (text = '') => void stdout.push(text),
      errorLine: (text) => void stderr.push(text),
    },
  };
  const messages = () => stdout.map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    context,
    stdout,
    stderr,
    messages,
    signal: (signal: ShutdownSignal) => {
      for (const listener of [...listeners]) listener(signal);
    },
    listening: () =>
      waitUntil(() => messages().find((m) => m.msg === 'listening'), {
        what: 'the listening line',
        timeoutMs: 10_000,
      }),
    listenerCount: () => listeners.size,
  };
}

async function listenOn(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

/**
 * Through the API `serve` answers at `url`: an endpoint for `receiverUrl` (`kyc.*`), then one
 * `kyc.verification_completed` event published to it.
 */
async function registerAndPublish(url: string, receiverUrl: string): Promise<void> {
  const created = await fetch(`${url}/v1/webhooks`, {
    method: 'POST',
    headers: { ...auth, 'idempotency-key': randomUUID() },
    body: JSON.stringify({ url: `${receiverUrl}/hooks`, events: ['kyc.*'] }),
  });
  expect(created.status).toBe(201);
  const sample = createSampleEvent('kyc.verification_completed');
  const published = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { ...auth, 'idempotency-key': randomUUID() },
    body: JSON.stringify({ type: sample.type, data: sample.data, partnerUuid: sample.partnerUuid }),
  });
  expect(published.status).toBe(202);
}

describe('runServe', () => {
  it('--profile eudr: registers through the EUDR API, ingests on /v1/events, delivers signed as EUDR receivers verify', async () => {
    const h = harness();
    const closed: string[] = [];
    const received: string[] = [];
    let listener: ReturnType<typeof toNodeListener> | undefined;
    const receiverUrl = await listenOn((req, res) => {
      if (listener === undefined) res.writeHead(503).end();
      else listener(req, res);
    });
    const run = runServe(config({ profile: 'eudr' }), h.context, {
      openDatabase: async () => memoryDatabase(closed),
    });
    const url = String((await h.listening()).url);

    const registered = await fetch(`${url}/api/v1/integration/webhook-events`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ url: `${receiverUrl}/eudr`, events: ['supplier.created'] }),
    });
    expect(registered.status).toBe(201);
    const endpoint = (await registered.json()) as { id: string; secret: string; active: boolean };
    expect(endpoint).toMatchObject({ active: true, secret: expect.stringMatching(/^whsec_/) });
    listener = toNodeListener(
      new EudrWebhookReceiver({ secret: endpoint.secret, logger: 'silent' }).onAny((event) => {
        received.push(event.event);
      }),
    );

    const sample = createSampleEudrEvent('supplier.created');
    const published = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { ...auth, 'idempotency-key': randomUUID() },
      body: JSON.stringify({ type: 'supplier.created', data: sample.data }),
    });
    expect(published.status).toBe(202);
    expect(await published.json()).toMatchObject({ deliveries: 1 });
    await waitUntil(() => received.length === 1, { what: 'the EUDR delivery', timeoutMs: 10_000 });
    expect(received).toEqual(['supplier.created']);
    const attempt = await waitUntil(() => h.messages().find((m) => m.msg === 'delivery attempt'), {
      what: 'the attempt line',
      timeoutMs: 10_000,
    });
    expect(attempt).toMatchObject({ ok: true, endpointId: endpoint.id, origin: receiverUrl });

    // The SDK's /v1 routes read the EUDR endpoint's history.
    const history = await fetch(`${url}/v1/webhooks/${endpoint.id}/deliveries`, { headers: auth });
    expect(history.status).toBe(200);
    expect(((await history.json()) as { data: unknown[] }).data).toEqual([
      expect.objectContaining({ eventType: 'supplier.created', status: 'DELIVERED' }),
    ]);

    // Both APIs' documents are served, at their own paths.
    expect((await fetch(`${url}/api/v1/integration/openapi.json`)).status).toBe(200);
    expect((await fetch(`${url}/openapi.json`)).status).toBe(200);
    // The EUDR API answers in its own error shape.
    const unauthenticated = await fetch(`${url}/api/v1/integration/webhook-events`);
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ error: 'AUTHENTICATION_REQUIRED' });

    h.signal('SIGTERM');
    await run;
    expect(closed).toEqual(['database closed']);
    expect(
      h
        .messages()
        .map((m) => m.msg)
        .slice(-2),
    ).toEqual(['stopping', 'stopped']);
    expect(h.listenerCount()).toBe(0);
  });

  it('on shutdown waits for the attempt in flight up to the deadline, then closes the database; a second signal forces the exit', async () => {
    const h = harness();
    const closed: string[] = [];
    const exits: number[] = [];
    let held = 0;
    // A receiver that never answers.
    const receiverUrl = await listenOn(() => {
      held += 1;
    });
    const run = runServe(config({ shutdownTimeoutMs: 300 }), h.context, {
      openDatabase: async () => memoryDatabase(closed),
      forceExit: (status) => exits.push(status),
    });
    const url = String((await h.listening()).url);
    await registerAndPublish(url, receiverUrl);
    await waitUntil(() => held === 1, { what: 'the held request', timeoutMs: 10_000 });

    const started = performance.now();
    h.signal('SIGINT');
    await waitUntil(() => h.messages().some((m) => m.msg === 'stopping'), {
      what: 'the stopping line',
      timeoutMs: 5_000,
    });
    h.signal('SIGINT');
    expect(exits).toEqual([FORCED_EXIT_STATUS]);
    expect(h.stderr.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'forced exit', signal: 'SIGINT', status: 130 }),
    ]);
    // The fake exit returns: shutdown goes on, and ends after the deadline.
    await run;
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(closed).toEqual(['database closed']);
    expect(h.messages().at(-1)).toMatchObject({ msg: 'stopped' });
  });

  it('closes its keep-alive connections to receivers when it stops', async () => {
    const h = harness();
    const open = new Set<Socket>();
    let received = 0;
    const receiverUrl = await listenOn((_req, res) => {
      received += 1;
      res.writeHead(204).end();
    });
    servers.at(-1)?.on('connection', (socket: Socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
    });
    const run = runServe(config(), h.context, { openDatabase: async () => memoryDatabase([]) });
    const url = String((await h.listening()).url);
    await registerAndPublish(url, receiverUrl);
    await waitUntil(() => h.messages().find((m) => m.msg === 'delivery attempt'), {
      what: 'the attempt line',
      timeoutMs: 10_000,
    });
    expect(received).toBe(1);
    // The delivery's connection stays open for the next one (keep-alive)…
    expect(open.size).toBe(1);
    h.signal('SIGTERM');
    await run;
    // …until serve stops: closed by serve, well before either side's keep-alive timeout (4 s, 5 s).
    await waitUntil(() => open.size === 0, {
      what: "the receiver's connection closed",
      timeoutMs: 1_000,
    });
  });

  it('stops without listening when the signal came while the database opened', async () => {
    const h = harness();
    const closed: string[] = [];
    await runServe(config(), h.context, {
      openDatabase: async () => {
        h.signal('SIGTERM');
        return memoryDatabase(closed);
      },
    });
    expect(closed).toEqual(['database closed']);
    expect(h.messages().map((m) => m.msg)).toEqual(['stopped']);
  });

  it('fails with listen_failed when the address is in use, and closes the database', async () => {
    const h = harness();
    const closed: string[] = [];
    const busy = new URL(await listenOn(() => undefined));
    const error = await runServe(config({ port: Number(busy.port) }), h.context, {
      openDatabase: async () => memoryDatabase(closed),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('listen_failed');
    expect((error as CliError).message).toBe(
      `serve cannot listen on 127.0.0.1:${busy.port}: the address is in use.`,
    );
    expect(closed).toEqual(['database closed']);
    expect(h.listenerCount()).toBe(0);
  });
});

describe('listeningUrl and isLoopbackAddress', () => {
  it('gives the URL a local client connects to, wildcards replaced by loopback', () => {
    const at = (address: string, family: string) => listeningUrl({ address, family, port: 8080 });
    expect(at('127.0.0.1', 'IPv4')).toBe('http://127.0.0.1:8080');
    expect(at('0.0.0.0', 'IPv4')).toBe('http://127.0.0.1:8080');
    expect(at('::', 'IPv6')).toBe('http://[::1]:8080');
    expect(at('::1', 'IPv6')).toBe('http://[::1]:8080');
    expect(at('192.168.1.20', 'IPv4')).toBe('http://192.168.1.20:8080');
  });

  it('warns about an address other machines may reach, and about SSRF with private networks allowed', () => {
    expect(exposureWarning('127.0.0.1', true)).toBeUndefined();
    expect(exposureWarning('::1', false)).toBeUndefined();
    const open = exposureWarning('0.0.0.0', false);
    expect(open).toBe(
      'listening on 0.0.0.0, which other machines may reach: /healthz and /metrics answer them without credentials',
    );
    const ssrf = exposureWarning('::', true);
    expect(ssrf).toMatch(
      /^listening on ::, which other machines may reach: \/healthz and \/metrics answer them without credentials; /,
    );
    expect(ssrf).toContain(
      'anyone holding an API key or token can register an endpoint on a private or loopback address and make serve send requests into this network (server-side request forgery)',
    );
  });

  it('warns for every address but loopback ones, naming it; the SSRF part exactly with private networks allowed', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.boolean(), (address, allowPrivate) => {
        const warning = exposureWarning(address, allowPrivate);
        if (isLoopbackAddress(address)) {
          expect(warning).toBeUndefined();
          return;
        }
        expect(warning?.startsWith(`listening on ${address}, `)).toBe(true);
        expect(warning?.includes('server-side request forgery')).toBe(allowPrivate);
      }),
    );
  });

  it('tells loopback addresses from the others', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      expect(isLoopbackAddress(address)).toBe(true);
    }
    for (const address of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '192.168.1.20',
      '::ffff:10.0.0.1',
      '1.127.0.0',
    ]) {
      expect(isLoopbackAddress(address)).toBe(false);
    }
  });
});
