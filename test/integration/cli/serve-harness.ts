// What the `serve` process tests share: a PGlite data directory restored from the cached migrated
// dump (so `serve` never runs initdb), `serve` started as a child process with `--port 0` and its
// bound URL read from its json `listening` line, calls to its management API, a receiver that
// verifies with a `WebhookReceiver` from src/receiver, and the Prometheus text read back.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventType } from '../../../src/core/catalog/event-types.js';
import { createSampleEvent } from '../../../src/core/catalog/sample-events.js';
import { toNodeListener } from '../../../src/receiver/adapters/node-listener.js';
import { WebhookReceiver } from '../../../src/receiver/webhook-receiver.node.js';
import { startCli } from '../../helpers/cli.js';
import { restorePGliteDataDir } from '../../helpers/postgres/pglite.js';
import type { ChildScript } from '../../helpers/processes/child-process.js';

/** The API key every test `serve` accepts, and its organization. */
export const API_KEY = `serve_test_${randomUUID().replaceAll('-', '')}`;
export const ORGANIZATION = randomUUID();

/** How long a test waits for a process's line or a delivery. */
export const WAIT_MS = 30_000;

/** Directories and processes made by a test file, removed and killed by {@link cleanUp}. */
const directories: string[] = [];
const children: ChildScript[] = [];

/** Kills every `serve` still running and removes every directory made here. */
export async function cleanUp(): Promise<void> {
  await Promise.all(children.splice(0).map((child) => child.kill9()));
  for (const directory of directories.splice(0)) {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** A new empty directory, removed by {@link cleanUp}. */
export function temporaryDirectory(prefix: string): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  directories.push(directory);
  return directory;
}

/**
 * A data directory whose `pglite/` holds the cached migrated dump: `serve` opens it as an existing
 * database. The PGlite instance that writes it is closed before this resolves, so the test process
 * never holds one open while `serve` runs.
 */
export async function preparedDataDir(): Promise<string> {
  const dataDir = temporaryDirectory('nw-serve-data-');
  await restorePGliteDataDir(join(dataDir, 'pglite'));
  return dataDir;
}

/** A running `serve` and the URL it answers at. */
export interface ServeProcess {
  readonly child: ChildScript;
  readonly url: string;
}

/**
 * Starts `novatrade-webhooks serve` with the test key, a free port, json lines, private networks
 * allowed and no rate limits, then `args`; resolves once it prints its `listening` line.
 */
export async function startServe(args: readonly string[], name: string): Promise<ServeProcess> {
  const child = startCli(
    [
      'serve',
      '--port',
      '0',
      '--log-format',
      'json',
      '--api-key',
      `${API_KEY}=${ORGANIZATION}`,
      '--allow-private-networks',
      '--no-rate-limit',
      ...args,
    ],
    { name },
  );
  children.push(child);
  const listening = await child.waitForMessage((m) => m.msg === 'listening', {
    timeoutMs: WAIT_MS,
    what: 'its listening line',
  });
  return { child, url: String(listening.url) };
}

/** Remembers a child started elsewhere, so {@link cleanUp} kills it. */
export function track(child: ChildScript): ChildScript {
  children.push(child);
  return child;
}

/** One answer of the management API. */
export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
}

/** A call to the management API with the test key (writes get an Idempotency-Key). */
export async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = API_KEY,
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (method !== 'GET') {
    headers['idempotency-key'] = randomUUID();
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text === '' ? undefined : JSON.parse(text),
  };
}

/** Creates an endpoint subscribed to `events` at `url`; returns its id and one-time secret. */
export async function createEndpoint(
  base: string,
  url: string,
  events: readonly string[],
): Promise<{ readonly id: string; readonly secret: string; readonly answer: ApiAnswer }> {
  const answer = await api(base, 'POST', '/v1/webhooks', { url, events });
  if (answer.status !== 201) {
    throw new Error(`POST /v1/webhooks answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  }
  const { id, secret } = answer.json as { id: string; secret: string };
  return { id, secret, answer };
}

/** Publishes the sample event of `type` through `POST /v1/events`; returns its id. */
export async function ingest(base: string, type: EventType): Promise<string> {
  const sample = createSampleEvent(type);
  const answer = await api(base, 'POST', '/v1/events', {
    type,
    data: sample.data,
    partnerUuid: sample.partnerUuid,
  });
  if (answer.status !== 202) {
    throw new Error(`POST /v1/events answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  }
  return (answer.json as { id: string }).id;
}

/** A receiver that verifies every request with a `WebhookReceiver` once it knows the secret. */
export interface VerifyingReceiver {
  readonly url: string;
  /** The endpoint's secret, known once the endpoint is created: until then every request is 503. */
  setSecret(secret: string): void;
  /** The ids of the events received and verified, in order. */
  readonly eventIds: readonly string[];
  close(): Promise<void>;
}

/** Starts a {@link VerifyingReceiver} on 127.0.0.1. */
export async function startVerifyingReceiver(): Promise<VerifyingReceiver> {
  const eventIds: string[] = [];
  let listener: ReturnType<typeof toNodeListener> | undefined;
  const server: Server = createServer((req, res) => {
    if (listener === undefined) {
      res.writeHead(503).end();
      return;
    }
    listener(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    setSecret(secret) {
      const receiver = new WebhookReceiver({ secret, logger: 'silent' }).onAny((event) => {
        eventIds.push(event.id);
      });
      listener = toNodeListener(receiver);
    },
    eventIds,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `GET /metrics`'s value of one series (`name{labels}` exactly as written), or undefined. */
export async function metric(base: string, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

/** The `delivery attempt` lines a `serve` printed so far. */
export function attemptLines(child: ChildScript): Record<string, unknown>[] {
  return child.messages.filter((m) => m.msg === 'delivery attempt');
}
