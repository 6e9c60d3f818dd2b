// `npm start` (scripts/start.ts) as a child process, in a data directory of its own (restored from
// the cached migrated PGlite dump, so no initdb runs) and on free ports: the three curl lines it
// prints work as printed in sh (an endpoint is created, an event is accepted, listen prints it,
// its history shows it DELIVERED); Ctrl-C (SIGINT) exits 0; a second run keeps the demo key and
// listen's endpoint. SIGHUP (the terminal closed) stops serve and listen too, and after kill -9 of
// the script they stop themselves: serve's port and data-directory lock are released. Ctrl-C
// during start-up exits 0 with no error.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../../src/cli/serve/data-dir-lock.js';
import { restorePGliteDataDir } from '../../helpers/postgres/pglite.js';
import { type ChildScript, spawnScript } from '../../helpers/processes/child-process.js';
import { waitUntil } from '../../helpers/processes/wait-until.js';

const run = promisify(execFile);
const WAIT = { timeoutMs: 120_000 };
const BANNER_END = 'Ctrl-C stops both. Guide: docs/cli.md';

const children: ChildScript[] = [];
const directories: string[] = [];

afterAll(async () => {
  for (const child of children) await child.kill9();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

/** A port nothing listens on now (the system's pick, released at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The data directory, its `pglite/` restored from the cached migrated dump. */
async function preparedDataDir(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nw-start-data-'));
  directories.push(dataDir);
  await restorePGliteDataDir(join(dataDir, 'pglite'));
  return dataDir;
}

/** Starts `npm start`'s script and waits for its banner. */
async function start(env: Record<string, string>): Promise<ChildScript> {
  const child = spawnScript('scripts/start.ts', { name: 'npm-start', env });
  children.push(child);
  await child.waitForLine((line) => line === BANNER_END, { ...WAIT, what: 'the banner' });
  return child;
}

/** Runs one printed line with sh, as a user pasting it would, and parses its JSON answer. */
async function sh(line: string): Promise<Record<string, unknown>> {
  const { stdout } = await run('sh', ['-c', line], { timeout: 20_000 });
  expect(stdout.endsWith('\n')).toBe(true);
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** The pid in serve's lock file (serve runs and holds the data directory). */
function servePid(dataDir: string): number {
  return (JSON.parse(readFileSync(join(dataDir, 'serve.lock'), 'utf8')) as { pid: number }).pid;
}

/** Whether something accepts connections at `port` on 127.0.0.1. */
async function answers(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/healthz`).then(
    () => true,
    () => false,
  );
}

/** serve (`pid`) and listen are gone: the lock released, neither port answering. */
async function childrenGone(env: Record<string, string>, pid: number): Promise<void> {
  await waitUntil(
    async () =>
      !isProcessAlive(pid) &&
      !existsSync(join(env.NOVATRADE_WEBHOOKS_DATA_DIR as string, 'serve.lock')) &&
      !(await answers(Number(env.PORT))) &&
      !(await answers(Number(env.LISTEN_PORT))),
    { what: 'serve and listen gone, the lock released', timeoutMs: 10_000, intervalMs: 100 },
  );
}

function bannerValue(child: ChildScript, label: string): string {
  const line = child.lines.find((l) => l.startsWith(`  ${label} `));
  const value = line
    ?.slice(label.length + 2)
    .trim()
    .split(/\s+/)[0];
  if (value === undefined) throw new Error(`no "${label}" line in the banner\n${child.tail()}`);
  return value;
}

describe('npm start', () => {
  it('prints three curl lines that work as printed; Ctrl-C exits 0; a second run keeps the key and the endpoint', async () => {
    const env = {
      NOVATRADE_WEBHOOKS_DATA_DIR: await preparedDataDir(),
      PORT: String(await freePort()),
      LISTEN_PORT: String(await freePort()),
    };
    const first = await start(env);
    const curls = first.lines.filter((line) => line.startsWith('curl '));
    expect(curls).toHaveLength(3);
    const [register, publish, history] = curls as [string, string, string];
    const apiKey = bannerValue(first, 'API key');
    expect(apiKey).toMatch(/^demo_[\w-]{32}$/);
    const demo = JSON.parse(
      readFileSync(join(env.NOVATRADE_WEBHOOKS_DATA_DIR, 'demo.json'), 'utf8'),
    );
    expect(demo.apiKey).toBe(apiKey);
    expect(statSync(join(env.NOVATRADE_WEBHOOKS_DATA_DIR, 'demo.json')).mode & 0o777).toBe(0o600);
    const listenEndpointId: string = demo.listenEndpoint.id;
    expect(history).toContain(`/v1/webhooks/${listenEndpointId}/deliveries`);

    // 1. An endpoint is created: the 201 body, with its one-time secret.
    const created = await sh(register);
    expect(created).toMatchObject({ status: 'ACTIVE', url: 'http://127.0.0.1:3000/webhooks' });
    expect(String(created.id)).toMatch(/^wh_/);
    expect(String(created.secret)).toMatch(/^whsec_/);

    // 2. The event is accepted (202 body: one delivery, to listen's endpoint)…
    const published = await sh(publish);
    expect(published).toMatchObject({ type: 'compliance.decision_made', deliveries: 1 });
    const eventId = String(published.id);
    // …and listen prints it, prefixed.
    await first.waitForLine(
      (line) =>
        line.startsWith('listen │ ') && line.includes(`compliance.decision_made  ${eventId}`),
      { ...WAIT, what: 'the event on listen' },
    );

    // 3. The history shows the delivery DELIVERED.
    const delivered = await waitUntil(
      async () => {
        const page = await sh(history);
        const rows = page.data as { eventId: string; status: string; httpStatus: number }[];
        return rows.find((row) => row.eventId === eventId && row.status === 'DELIVERED');
      },
      { what: 'the DELIVERED delivery', timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(delivered.httpStatus).toBe(200);

    expect(await first.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(first.lines.some((l) => l.startsWith('serve  │ ') && l.includes('stopped'))).toBe(true);

    const second = await start(env);
    expect(bannerValue(second, 'API key')).toBe(apiKey);
    expect(second.lines.filter((line) => line.startsWith('curl '))[2]).toBe(history);
    const again = JSON.parse(
      readFileSync(join(env.NOVATRADE_WEBHOOKS_DATA_DIR, 'demo.json'), 'utf8'),
    );
    expect(again.listenEndpoint).toEqual(demo.listenEndpoint);
    // listen verifies with the endpoint's remembered secret: a new event reaches it.
    const next = await sh(second.lines.filter((line) => line.startsWith('curl '))[1] as string);
    await second.waitForLine(
      (line) => line.startsWith('listen │ ') && line.includes(String(next.id)),
      {
        ...WAIT,
        what: 'the second event on listen',
      },
    );
    expect(await second.stop('SIGINT')).toEqual({ code: 0, signal: null });
  }, 300_000);

  it('SIGHUP stops serve and listen and exits 0; after kill -9 of the script they stop themselves', async () => {
    const env = {
      NOVATRADE_WEBHOOKS_DATA_DIR: await preparedDataDir(),
      PORT: String(await freePort()),
      LISTEN_PORT: String(await freePort()),
    };
    const hungUp = await start(env);
    const pid = servePid(env.NOVATRADE_WEBHOOKS_DATA_DIR);
    expect(await hungUp.stop('SIGHUP')).toEqual({ code: 0, signal: null });
    await childrenGone(env, pid);
    expect(
      hungUp.lines.some((l) => l.startsWith('serve  │ ') && l.includes('stopping (SIGTERM)')),
    ).toBe(true);

    // kill -9: no handler of the script runs; the children see its end and stop in order.
    const killed = await start(env);
    const next = servePid(env.NOVATRADE_WEBHOOKS_DATA_DIR);
    await killed.kill9();
    await childrenGone(env, next);
  }, 120_000);

  it('Ctrl-C during start-up exits 0, with no error, and never starts listen', async () => {
    const env = {
      NOVATRADE_WEBHOOKS_DATA_DIR: await preparedDataDir(),
      PORT: String(await freePort()),
      LISTEN_PORT: String(await freePort()),
    };
    const child = spawnScript('scripts/start.ts', { name: 'npm-start-early', env });
    children.push(child);
    // serve's first line: it has bound its port; npm start has not yet seen /healthz answer.
    await child.waitForLine((line) => line.startsWith('serve  │ '), {
      ...WAIT,
      what: "serve's first line",
    });
    expect(await child.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(child.stderr()).not.toMatch(/^npm start:/m);
    expect(child.lines).not.toContain(BANNER_END);
    expect(child.lines.some((l) => l.startsWith('listen │ '))).toBe(false);
    expect(existsSync(join(env.NOVATRADE_WEBHOOKS_DATA_DIR, 'serve.lock'))).toBe(false);
    expect(await answers(Number(env.LISTEN_PORT))).toBe(false);
  }, 120_000);
});
