// `npm run bench -- bin`: the `novatrade-webhooks serve` process, against the targets of issue
// 14 ("Benchmarks"). It runs the built bin (dist/cli.js, built first when missing or older than
// src/), as users run it, never the sources through tsx. About two minutes on the 2-core
// reference machine. PostgreSQL: 127.0.0.1:5432, database `test` (`BENCH_DATABASE_URL` overrides
// it); each run migrates schemas of its own and drops them afterwards.
//
// 1. Start time: from spawning `serve` to its `listening` line, on an existing PGlite data
//    directory (made by an untimed first start) and on PostgreSQL (an already-migrated schema),
//    vs the same bin printing `--version` (Node.js start and the CLI's own loading: the floor of
//    any command). 5 rotated rounds, medians; each start is stopped with SIGTERM before the next.
// 2. Idle memory: the resident set (VmRSS) of a `serve` that has started and delivered nothing
//    for 2 s, vs an idle Node.js process with a node:http server listening. Ratio = baseline RSS
//    ÷ serve RSS (below 1: serve uses more).
// 3. Ingest to delivery: N events published, each with one delivery to a 204 receiver (a forked
//    process, bench/sender/receiver-204.ts), timed from the first publish to the receiver's Nth
//    request; over HTTP (POST /v1/events to a `serve` on PostgreSQL, 8 requests at a time,
//    `--no-rate-limit`) vs the in-process sender (`WebhookSender.publish`, 8 at a time) on a
//    PostgresStorage of its own schema in the same database. 3 rotated rounds.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSampleEvent } from '../src/core/catalog/sample-events.js';
import { PostgresStorage } from '../src/postgres/postgres-storage.js';
import { HttpTransport } from '../src/sender/http-transport.node.js';
import { WebhookSender } from '../src/sender/webhook-sender.js';
import { type BenchSuite, type Comparison, median, rotatedRounds } from './harness.js';
import { forkReceiver } from './postgres/children.js';
import {
  benchPool,
  createBenchSchema,
  DATABASE_URL,
  dropBenchSchema,
} from './postgres/database.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'dist', 'cli.js');
const ORG = '550e8400-e29b-41d4-a716-446655440000';
const TOKEN = 'bench_api_key_0123456789abcdef';
const ROUNDS = 5;
const EVENTS = 400;
const CONCURRENCY = 8;

/** The newest modification time under `dir`, ms. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(path) : stat.mtimeMs);
  }
  return newest;
}

function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    // not built yet
  }
  if (built < newestMtime(join(root, 'src'))) {
    console.log('building dist/ first (npm run build)…\n');
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

/** A started `serve` whose JSON lines are read; `listening` resolves with its URL. */
interface ServeChild {
  readonly child: ChildProcess;
  readonly listening: Promise<{ url: string; atMs: number }>;
  stop(): Promise<void>;
}

function startServe(args: readonly string[]): ServeChild {
  const child = spawn(process.execPath, [CLI, 'serve', '--log-format', 'json', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const listening = new Promise<{ url: string; atMs: number }>((resolve, reject) => {
    let partial = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      partial += chunk;
      for (let nl = partial.indexOf('\n'); nl !== -1; nl = partial.indexOf('\n')) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        if (!line.includes('"listening"')) continue;
        const parsed = JSON.parse(line) as { msg?: string; url?: string };
        if (parsed.msg === 'listening' && parsed.url !== undefined) {
          resolve({ url: parsed.url, atMs: performance.now() });
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) early: ${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    listening,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** ms from spawning `node dist/cli.js …args` to its exit. */
function timeToExit(args: readonly string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(performance.now() - started));
  });
}

/** ms from spawning `serve …args` to its listening line; the process is stopped afterwards. */
async function timeToListening(args: readonly string[]): Promise<number> {
  const started = performance.now();
  const serve = startServe(args);
  try {
    const { atMs } = await serve.listening;
    return atMs - started;
  } finally {
    await serve.stop();
  }
}

function residentKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForCount(count: () => Promise<number>, target: number): Promise<void> {
  const deadline = performance.now() + 120_000;
  while ((await count()) < target) {
    if (performance.now() > deadline) throw new Error(`fewer than ${target} deliveries in 120 s`);
    await pause(10);
  }
}

/** Runs `task(i)` for i in [0, n), `concurrency` at a time. */
async function pooled(n: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        await task(i);
      }
    }),
  );
}

const SAMPLE = createSampleEvent('kyc.vies_check_failed');

const suite: BenchSuite = async () => {
  ensureBuilt();
  const comparisons: Comparison[] = [];
  const admin = benchPool({ max: 2, role: 'serve-admin' });
  const dataDir = mkdtempSync(join(tmpdir(), 'nwb-serve-'));
  const schemas: string[] = [];
  const receiver = await forkReceiver();
  try {
    const startSchema = await createBenchSchema(admin);
    schemas.push(startSchema);
    const pgliteArgs = ['--data-dir', dataDir, '--port', '0', '--api-key', `${TOKEN}=${ORG}`];
    const postgresArgs = [
      ...['--database-url', DATABASE_URL, '--schema', startSchema],
      ...['--port', '0', '--api-key', `${TOKEN}=${ORG}`],
    ];
    // Untimed: initdb and the migrations of the new data directory; one --version run to warm
    // the file cache.
    const first = await timeToListening(pgliteArgs);
    console.log(`(untimed) first start on a new PGlite data directory: ${Math.round(first)} ms`);
    await timeToExit(['--version']);

    // 1. Start time.
    const startCases = [
      { name: 'node dist/cli.js --version (exit)', run: () => timeToExit(['--version']) },
      { name: 'serve, PGlite data directory (listening)', run: () => timeToListening(pgliteArgs) },
      { name: 'serve, PostgreSQL (listening)', run: () => timeToListening(postgresArgs) },
    ];
    const startMs = await rotatedRounds(
      (index) => (startCases[index] as (typeof startCases)[number]).run(),
      {
        count: startCases.length,
        rounds: ROUNDS,
      },
    );
    const baseStart = startMs[0] as number[];
    comparisons.push({
      title: `serve start time (starts per second; ${ROUNDS} rounds, median ms: ${startCases.map((c, i) => `${c.name.split(' (')[0]} ${Math.round(median(startMs[i] as number[]))}`).join(', ')})`,
      baseline: startCases[0]?.name as string,
      rows: startCases.map((c, i) => ({
        name: c.name,
        opsPerSecond: 1000 / median(startMs[i] as number[]),
        ratio: median((startMs[i] as number[]).map((ms, r) => (baseStart[r] as number) / ms)),
      })),
    });

    // 2. Idle memory.
    const idle = spawn(
      process.execPath,
      ['-e', "require('node:http').createServer().listen(0, '127.0.0.1')"],
      { stdio: 'ignore' },
    );
    const servePglite = startServe(pgliteArgs);
    const servePostgres = startServe(postgresArgs);
    await Promise.all([servePglite.listening, servePostgres.listening]);
    await pause(2000);
    const idleKb = residentKb(idle.pid as number);
    const pgliteKb = residentKb(servePglite.child.pid as number);
    const postgresKb = residentKb(servePostgres.child.pid as number);
    idle.kill();
    await Promise.all([servePglite.stop(), servePostgres.stop()]);
    const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
    comparisons.push({
      title: `serve RSS at idle (baseline RSS ÷ case RSS; ${mb(idleKb)}, ${mb(pgliteKb)}, ${mb(postgresKb)})`,
      baseline: 'idle node:http server',
      rows: [
        { name: 'idle node:http server', opsPerSecond: 0, ratio: 1 },
        { name: 'serve on PGlite, idle', opsPerSecond: 0, ratio: idleKb / pgliteKb },
        { name: 'serve on PostgreSQL, idle', opsPerSecond: 0, ratio: idleKb / postgresKb },
      ],
    });

    // 3. Ingest to delivery.
    const httpSchema = await createBenchSchema(admin);
    const inProcessSchema = await createBenchSchema(admin);
    schemas.push(httpSchema, inProcessSchema);
    const serve = startServe([
      ...['--database-url', DATABASE_URL, '--schema', httpSchema, '--port', '0'],
      ...['--api-key', `${TOKEN}=${ORG}`, '--allow-private-networks', '--no-rate-limit'],
    ]);
    const { url } = await serve.listening;
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    let keys = 0;
    const created = await fetch(`${url}/v1/webhooks`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `bench-${keys++}` },
      body: JSON.stringify({ url: receiver.url, events: ['kyc.*'] }),
    });
    if (created.status !== 201) throw new Error(`create endpoint: ${created.status}`);

    const pool = benchPool({ max: 10, role: 'serve-in-process' });
    const sender = new WebhookSender({
      storage: new PostgresStorage({ pool, schema: inProcessSchema }),
      transport: new HttpTransport({ allowPrivateNetworks: true }),
      allowInsecureUrls: true,
      logger: 'silent',
    });
    await sender.createEndpoint(ORG, { url: receiver.url, events: ['kyc.*'] });
    sender.start();

    const body = JSON.stringify({
      type: SAMPLE.type,
      partnerUuid: SAMPLE.partnerUuid,
      data: SAMPLE.data,
    });
    const ingestCases = [
      {
        name: 'in-process sender.publish (PostgreSQL)',
        publish: async () => {
          await sender.publish({
            organizationUuid: ORG,
            type: SAMPLE.type,
            partnerUuid: SAMPLE.partnerUuid,
            data: SAMPLE.data,
          });
        },
      },
      {
        name: 'serve, POST /v1/events (PostgreSQL)',
        publish: async () => {
          const response = await fetch(`${url}/v1/events`, {
            method: 'POST',
            headers: { ...headers, 'idempotency-key': `bench-${keys++}` },
            body,
          });
          if (response.status !== 202) throw new Error(`POST /v1/events: ${response.status}`);
          await response.arrayBuffer();
        },
      },
    ];
    const run = async (index: number): Promise<number> => {
      const { publish } = ingestCases[index] as (typeof ingestCases)[number];
      const before = await receiver.requests();
      const started = performance.now();
      await pooled(EVENTS, CONCURRENCY, publish);
      await waitForCount(receiver.requests, before + EVENTS);
      return (EVENTS * 1000) / (performance.now() - started);
    };
    for (let i = 0; i < ingestCases.length; i++) await run(i); // untimed warm-up
    const perSecond = await rotatedRounds(run, { count: ingestCases.length, rounds: 3 });
    await Promise.all([serve.stop(), sender.stop()]);
    await pool.end();
    const base = perSecond[0] as number[];
    comparisons.push({
      title: `ingest to delivery, ${EVENTS} events, ${CONCURRENCY} at a time (deliveries per second)`,
      baseline: ingestCases[0]?.name as string,
      rows: ingestCases.map((c, i) => ({
        name: c.name,
        opsPerSecond: median(perSecond[i] as number[]),
        ratio: median((perSecond[i] as number[]).map((v, r) => v / (base[r] as number))),
      })),
    });
  } finally {
    await receiver.stop();
    for (const schema of schemas) await dropBenchSchema(admin, schema);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return comparisons;
};

export default suite;
