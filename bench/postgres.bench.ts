// `npm run bench -- postgres`: the sender on PostgreSQL and PGlite, against the targets of issue 11
// ("Benchmarks"). Sized for the 2-core reference machine: about three minutes (most of it spent
// waiting on PostgreSQL; a run that must make the PGlite dump takes some 10 s more).
// PostgreSQL: 127.0.0.1:5432, database `test`, user postgres (`BENCH_DATABASE_URL` overrides it);
// each section migrates schemas of its own with `migrate()` (`nwb_<time>_<random>`) and drops them
// afterwards. `POSTGRES_BENCH=dispatch,wakeup npm run bench -- postgres` runs only the named
// sections (dispatch, fanOut, workers, wakeup, pglite). Helpers live in bench/postgres/.
//
// Common method. A dispatch run (bench/postgres/dispatch-run.ts) publishes a backlog first,
// untimed, through a sender that is never started, then starts a fresh sender on the same storage
// (`maxInFlightPerEndpoint: 10`, `maxInFlight` 100, `claimAhead` at its default: 40 on
// PostgresStorage and PGlite, 0 on MemoryStorage, docs/design.md §5.33,
// HttpTransport({ allowPrivateNetworks: true }), `allowInsecureUrls: true`) and times it from
// `start()` to its last `delivery.succeeded`: the dispatch alone (claim, sign, send, record), not
// publish. Each case keeps one HttpTransport warm from run to run. Receivers answer 204 at once.
// Rounds run every case once in an order rotated from round to round after an untimed warm-up run
// of each; a case's figure is the median of its
// rounds, a ratio the median of the per-round ratios. Statements are counted by a Proxy over the
// pg Pool (bench/postgres/query-counter.ts): every `query` of the pool and of the clients it hands
// out, BEGIN and COMMIT included, timed from call to answer (a wait for a free client included)
// and sorted into kinds by their text. CPU figures are read from /proc: "cores" is CPU ms ÷ wall
// ms of the window, per group of processes; `machine` is every process on both cores, `others`
// the part of it no named group used (PostgreSQL's background processes, anything else running
// on the machine: the load average is printed first for that reason).
//
// 1. dispatch: 800 deliveries of one endpoint to the 204 receiver of bench/sender
//    (receiver-204.ts, forked), one sender in this process, on PostgresStorage (a pg Pool of 10)
//    vs on MemoryStorage, 5 rounds. Target: PostgreSQL ≥ 0.5x. Diagnostic row, same rounds: the
//    same on a pool whose sessions run `synchronous_commit = off` (a schema of its own): what the
//    WAL flush at each commit costs. Statements per delivered attempt: the statements of the
//    timed window ÷ 800 (median over rounds; target ≤ 2), printed with what they are (each
//    kind per attempt and its mean ms), with the CPU of this process, the pool's backends and the
//    receiver, how often each of the endpoint's 10 slots turned over, and this server's floor (a
//    `SELECT 1` round trip, a durable one-row UPDATE).
// 2. fanOut: one publish matching 10,000 endpoints (inserted once, before the rounds, with
//    `insertEndpoint`) into PostgreSQL, through a sender whose subscription index is loaded (an
//    untimed publish that matches nothing; `endpointCacheTtlMs` 10 min). Deliveries inserted per
//    second. Baseline, in the same 5 rounds: a bare `INSERT INTO deliveries (…) SELECT … FROM
//    unnest($1::text[], …) WITH ORDINALITY` of the same 18 columns (plus `due_at_ms` and
//    `due_seq`), 10,000 rows built beforehand (untimed), into the same table, its event row
//    inserted first (untimed). Diagnostic row: `storage.insertEvent(event, deliveries)` alone,
//    records built beforehand. Each round starts from empty events/deliveries (TRUNCATE, untimed).
//    Target: publish ≥ 0.7x of the bare insert.
// 3. workers: 1, 2 and 4 worker processes (bench/postgres/worker-child.ts: PostgresStorage on a
//    pool of 8, its change feed's LISTEN session one of them, a sender per run), all forked once, against one forked 204 receiver; 10 endpoints
//    (one origin); a backlog of 3,000 deliveries published untimed, then the workers started at
//    once, timed until the receiver has counted all 3,000 requests (polled every 5 ms); afterwards
//    the workers' successes and the receiver's count must both be exactly 3,000. An untimed
//    warm-up run of the 4 workers, then 3 rounds; ratio vs 1 worker. The CPU of the workers,
//    their PostgreSQL backends, the receiver and this process is printed with the machine's
//    total, and the statements per attempt of the workers with their mean ms (a statement that
//    waits for a row lock another worker holds shows it there).
// 4. wakeup: ms from `publish` in this process to the request's arrival at a receiver in this
//    process, while a worker process (worker-child.ts) sits idle with `pollIntervalMs: 5000`, so
//    only the change feed (LISTEN/NOTIFY, `SenderStorage.watch`) explains a start within tens of
//    ms. Baseline, interleaved (one in four samples), on a schema of its own: the same with the
//    feed off (the storage's `changeFeed: false`, and `watch` hidden from the sender by a Proxy)
//    and the default `pollIntervalMs`
//    (1,000 ms; with 5,000 ms a poll would take 2.5 s at the median). 40 samples of the feed and
//    10 of the poll, each after the worker has been idle 150 to 250 ms (a poll sample after a
//    further random 0 to 1,000 ms: a random phase of the poll timer). p50 and p99 (nearest
//    rank: of 40 samples, the largest); each ratio is against the poll row's same percentile
//    (lower is better). Target: feed p50 < 50 ms. Without `watch` on the storage the section says
//    so and takes 3 samples of each only.
// 5. pglite (bench/postgres/pglite-child.ts, one PGlite at a time, each in a process of its own):
//    open time of a PGlite restored from a migrated data directory (`loadDataDir`, no initdb;
//    the dump is cached under node_modules/.cache, keyed like the tests' own); when the dump is
//    missing, or with POSTGRES_BENCH_INITDB=1, a first process makes it and times initdb
//    (`PGlite.create()`) and `migrate()`. RSS of the restoring process at start, after open and
//    after the runs; dispatch of 400 deliveries on PGlite vs on PostgreSQL, the same sender and
//    receiver, in that process, 3 rounds (statements per attempt on PGlite printed too).
//
// The ops/s column holds deliveries per second unless its table says otherwise (ms, MB).

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { createId } from '../src/core/ids.js';
import { webCryptoRandom } from '../src/platform-random.js';
import { insertDeliveriesValues } from '../src/postgres/internal/storage/inserts.js';
import { MIGRATIONS } from '../src/postgres/migrations/index.js';
import { PostgresStorage } from '../src/postgres/postgres-storage.js';
import { HttpTransport } from '../src/sender/http-transport.node.js';
import { newDeliveryRecord } from '../src/sender/internal/new-delivery-record.js';
import { MemoryStorage } from '../src/sender/memory-storage.js';
import type { SenderStorage } from '../src/sender/ports/sender-storage.js';
import type { DeliveryRecord, EventRecord } from '../src/sender/records.js';
import { WebhookSender } from '../src/sender/webhook-sender.js';
import { EVENT_FIXTURES } from '../src/testing/event-fixtures.js';
import { type BenchSuite, type Comparison, median, rotatedRounds } from './harness.js';
import { ask, endChild, forkBench, forkReceiver, nextMessage } from './postgres/children.js';
import { CpuWindow } from './postgres/cpu.js';
import {
  backendPids,
  benchPool,
  createBenchSchema,
  dropBenchSchema,
  serverFloor,
} from './postgres/database.js';
import {
  INPUT,
  keptOpen,
  NEVER_SENDS,
  ORG,
  PARTNER,
  publishBacklog,
  publisherOn,
  SECRET,
  timedDispatch,
} from './postgres/dispatch-run.js';
import type { PGliteInitdbResult, PGliteRunResult } from './postgres/pglite-child.js';
import {
  addTallies,
  countingPool,
  formatTallies,
  QueryCounter,
  type StatementTallies,
  totalOf,
} from './postgres/query-counter.js';
import { fanOutEndpoints } from './sender/fan-out-endpoints.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => bytes / (1024 * 1024);

/** `percentile` (0..1) of `values` by the nearest-rank method. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] as number;
}

/** Opens every connection of `pool` now (their backends then exist before a CPU window). */
async function fillPool(pool: pg.Pool, max: number): Promise<void> {
  await Promise.all(Array.from({ length: max }, () => pool.query('SELECT pg_sleep(0.02)')));
}

/**
 * Median CPU cores of each group over rounds, and `others`: the machine's busy time that none of
 * the groups used (PostgreSQL's background processes, and whatever else runs on the machine).
 */
function medianCores(windows: readonly { cpu: Record<string, number>; ms: number }[]) {
  const names = Object.keys(windows[0]?.cpu ?? {});
  const out: Record<string, number> = {};
  for (const name of names) out[name] = median(windows.map((w) => (w.cpu[name] ?? 0) / w.ms));
  out.others = median(
    windows.map((w) => {
      const ours = Object.entries(w.cpu)
        .filter(([name]) => name !== 'machine')
        .reduce((sum, [, ms]) => sum + ms, 0);
      return ((w.cpu.machine ?? 0) - ours) / w.ms;
    }),
  );
  return out;
}

function formatCoreFigures(cores: Record<string, number>): string {
  return Object.entries(cores)
    .map(([name, n]) => `${name} ${n.toFixed(2)}`)
    .join(', ');
}

// ------------------------------------------------------------------------------- 1. dispatch

async function dispatch(): Promise<Comparison> {
  const DELIVERIES = 800;
  const ROUNDS = 5;
  const POOL = 10;
  const receiver = await forkReceiver();
  const raw = benchPool({ max: POOL, role: 'dispatch' });
  const unsynced = benchPool({ max: POOL, role: 'dispatch-async', synchronousCommit: false });
  const counter = new QueryCounter();
  const schemas: string[] = [];
  const transports: HttpTransport[] = [];
  try {
    const schema = await createBenchSchema(raw);
    schemas.push(schema);
    const unsyncedSchema = await createBenchSchema(raw);
    schemas.push(unsyncedSchema);
    await fillPool(raw, POOL);
    const cpu = new CpuWindow({
      'this process': [process.pid],
      'postgres backends': await backendPids(raw, 'dispatch'),
      receiver: [receiver.pid],
    });
    const cases = [
      { name: 'sender on MemoryStorage', storage: new MemoryStorage() as SenderStorage },
      {
        name: 'sender on PostgresStorage (pg Pool of 10)',
        storage: new PostgresStorage({ pool: countingPool(raw, counter), schema }),
        counter,
      },
      {
        name: 'diagnostic: the same with synchronous_commit = off (no wait for the WAL flush)',
        storage: new PostgresStorage({ pool: unsynced, schema: unsyncedSchema }),
      },
    ].map((c) => {
      const http = new HttpTransport({ allowPrivateNetworks: true });
      transports.push(http);
      return { ...c, transport: keptOpen(http), publisher: publisherOn(c.storage) };
    });
    for (const c of cases) {
      await c.publisher.createEndpoint(ORG, {
        url: receiver.url,
        events: ['compliance.*'],
        secret: SECRET,
      });
    }
    const once = async (index: number) => {
      const c = cases[index] as (typeof cases)[number];
      const made = await publishBacklog(c.publisher, DELIVERIES);
      if (made !== DELIVERIES) throw new Error(`dispatch: ${made} deliveries published`);
      return timedDispatch({
        storage: c.storage,
        transport: c.transport,
        deliveries: DELIVERIES,
        counter: 'counter' in c ? c.counter : undefined,
        cpu: index === 1 ? cpu : undefined,
      });
    };
    for (let index = 0; index < cases.length; index++) await once(index); // warm-up
    const statements: StatementTallies[] = [];
    const windows: { cpu: Record<string, number>; ms: number }[] = [];
    const ms = await rotatedRounds(
      async (index) => {
        const result = await once(index);
        if (result.statements !== undefined) statements.push(result.statements);
        if (result.cpu !== undefined) windows.push({ cpu: result.cpu, ms: result.ms });
        return result.ms;
      },
      { count: cases.length, rounds: ROUNDS },
    );
    const expected = (ROUNDS + 1) * DELIVERIES * cases.length;
    const received = await receiver.requests();
    if (received !== expected)
      throw new Error(`dispatch: receiver saw ${received}, not ${expected}`);

    const perAttempt = median(statements.map((t) => totalOf(t) / DELIVERIES));
    const sum = addTallies(statements);
    const commits = sum.COMMIT?.count ?? 0;
    const claims = sum.claimDue?.count ?? 0;
    const attempts = DELIVERIES * statements.length;
    console.log(
      `dispatch: statements per delivered attempt on PostgreSQL ${perAttempt.toFixed(2)} ` +
        `(median of ${statements.length} rounds; target ≤ 2): ${formatTallies(sum, attempts)}; ` +
        `${(attempts / Math.max(1, commits)).toFixed(1)} attempts per recording transaction, ` +
        `${(attempts / Math.max(1, claims)).toFixed(1)} deliveries per claim\n`,
    );
    const floor = await serverFloor(raw, schema);
    const pgPerSecond = median((ms[1] as number[]).map((value) => (DELIVERIES / value) * 1000));
    console.log(
      `dispatch: on PostgreSQL each of the 10 slots of the endpoint turned over every ` +
        `${((10 * 1000) / pgPerSecond).toFixed(1)} ms (a slot is held from the claim to the end of ` +
        'its HTTP attempt, docs/design.md §5.32; on MemoryStorage every ' +
        `${((10 * 1000) / median((ms[0] as number[]).map((value) => (DELIVERIES / value) * 1000))).toFixed(2)} ms)\n`,
    );
    console.log(
      `dispatch: CPU cores while PostgreSQL dispatched (median of ${windows.length} rounds): ` +
        `${formatCoreFigures(medianCores(windows))} (of 2). This server now: SELECT 1 round ` +
        `trip ${floor.selectMs.toFixed(2)} ms, a durable one-row UPDATE (autocommit, waits for ` +
        `the WAL flush) ${floor.commitMs.toFixed(2)} ms (p50 of 50)\n`,
    );
    const base = ms[0] as number[];
    const perSecond = (value: number) => (DELIVERIES / value) * 1000;
    return {
      title:
        `Dispatch: ${int(DELIVERIES)} deliveries of one endpoint, 10 in flight, 204 receiver in ` +
        `another process, from start() to the last success (deliveries/s; target ≥ 0.5x); ` +
        `statements per attempt ${perAttempt.toFixed(2)} (target ≤ 2)`,
      baseline: (cases[0] as (typeof cases)[number]).name,
      rows: cases.map((c, i) => ({
        name: c.name,
        opsPerSecond: median((ms[i] as number[]).map(perSecond)),
        ratio: median((ms[i] as number[]).map((value, r) => (base[r] as number) / value)),
      })),
    };
  } finally {
    for (const http of transports) await http.close();
    for (const schema of schemas) await dropBenchSchema(raw, schema);
    await raw.end();
    await unsynced.end();
    await receiver.stop();
  }
}

// --------------------------------------------------------------------------------- 2. fan-out

async function fanOut(): Promise<Comparison> {
  const ENDPOINTS = 10_000;
  const ROUNDS = 5;
  const raw = benchPool({ max: 10, role: 'fan-out' });
  const counter = new QueryCounter();
  let schema: string | undefined;
  try {
    schema = await createBenchSchema(raw);
    const storage = new PostgresStorage({ pool: countingPool(raw, counter), schema });
    const createdAtMs = Date.now();
    const endpoints = fanOutEndpoints(ENDPOINTS, createdAtMs);
    let next = 0;
    const insertAll = async () => {
      while (next < endpoints.length) await storage.insertEndpoint(endpoints[next++] as never);
    };
    const setupStartedAt = performance.now();
    await Promise.all(Array.from({ length: 10 }, insertAll));
    const setupMs = performance.now() - setupStartedAt;

    const sender = new WebhookSender({
      storage,
      transport: NEVER_SENDS,
      endpointCacheTtlMs: 600_000,
    });
    const warm = await sender.publish({
      organizationUuid: ORG,
      type: 'export_file.generated',
      partnerUuid: PARTNER,
      data: EVENT_FIXTURES['export_file.generated'].data,
    });
    if (warm.deliveries !== 0) throw new Error('fan-out: the warm-up publish matched');

    const q = `"${schema}"`;
    const bareSql = `INSERT INTO ${q}.deliveries (id, organization_uuid, endpoint_id, event_id,
  event_type, schema_version, status, attempts, next_attempt_at_ms, due_at_ms, due_seq,
  first_attempt_at_ms, last_attempt_at_ms, last_status_code, last_failure_reason, failure_reason,
  test, replay_of, created_at_ms, updated_at_ms)
SELECT id, organization_uuid, endpoint_id, event_id, event_type, schema_version, status, attempts,
  next_attempt_at_ms, next_attempt_at_ms, $19::bigint + ord, first_attempt_at_ms,
  last_attempt_at_ms, last_status_code, last_failure_reason, failure_reason, test, replay_of,
  created_at_ms, updated_at_ms
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[],
  $7::text[], $8::integer[], $9::float8[], $10::float8[], $11::float8[], $12::integer[],
  $13::text[], $14::text[], $15::boolean[], $16::text[], $17::float8[], $18::float8[])
  WITH ORDINALITY AS i(id, organization_uuid, endpoint_id, event_id, event_type, schema_version,
  status, attempts, next_attempt_at_ms, first_attempt_at_ms, last_attempt_at_ms, last_status_code,
  last_failure_reason, failure_reason, test, replay_of, created_at_ms, updated_at_ms, ord)`;
    const eventSql = `INSERT INTO ${q}.events (id, organization_uuid, type, schema_version, source,
  partner_uuid, created_at_ms, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::json)`;

    /** An event and its 10,000 PENDING deliveries, built untimed. */
    const prepared = () => {
      const event: EventRecord = {
        id: createId('event', webCryptoRandom),
        organizationUuid: ORG,
        type: INPUT.type,
        schemaVersion: 1,
        source: 'SYSTEM',
        partnerUuid: PARTNER,
        createdAtMs: Date.now(),
        data: INPUT.data,
      };
      const deliveries: DeliveryRecord[] = endpoints.map((endpoint) =>
        newDeliveryRecord({
          id: createId('delivery', webCryptoRandom),
          event,
          endpointId: endpoint.id,
        }),
      );
      return { event, deliveries };
    };
    let seqBase = 1_000_000_000_000;
    const bare = async () => {
      const { event, deliveries } = prepared();
      await raw.query(eventSql, [
        event.id,
        event.organizationUuid,
        event.type,
        event.schemaVersion,
        event.source,
        event.partnerUuid,
        event.createdAtMs,
        JSON.stringify(event.data),
      ]);
      seqBase += 1_000_000;
      const values = [...insertDeliveriesValues(deliveries, undefined), seqBase];
      const startedAt = performance.now();
      const { rowCount } = await raw.query(bareSql, values);
      const elapsed = performance.now() - startedAt;
      if (rowCount !== ENDPOINTS) throw new Error(`fan-out: bare insert wrote ${rowCount}`);
      return elapsed;
    };
    const insertEvent = async () => {
      const { event, deliveries } = prepared();
      const startedAt = performance.now();
      await storage.insertEvent(event, deliveries);
      return performance.now() - startedAt;
    };
    const publishStatements: number[] = [];
    const publish = async () => {
      counter.reset();
      const startedAt = performance.now();
      const { deliveries } = await sender.publish(INPUT);
      const elapsed = performance.now() - startedAt;
      publishStatements.push(counter.total());
      if (deliveries !== ENDPOINTS) throw new Error(`fan-out: ${deliveries} deliveries`);
      return elapsed;
    };
    const cases = [
      { name: 'bare INSERT … SELECT unnest(…) of the same rows (built beforehand)', run: bare },
      { name: 'sender.publish (validate, match, build, insertEvent)', run: publish },
      {
        name: 'diagnostic: storage.insertEvent alone (records built beforehand)',
        run: insertEvent,
      },
    ];
    const truncate = () => raw.query(`TRUNCATE ${q}.attempts, ${q}.deliveries, ${q}.events`);
    for (const c of cases) await c.run(); // warm-up
    const ms = await rotatedRounds(
      async (index, round) => {
        if (index === round % cases.length) await truncate(); // each round's first case
        return (cases[index] as (typeof cases)[number]).run();
      },
      { count: cases.length, rounds: ROUNDS },
    );
    console.log(
      `fan-out: ${int(ENDPOINTS)} endpoints inserted in ${int(setupMs)} ms before the rounds ` +
        `(insertEndpoint, 10 at a time); statements per 10,000-endpoint publish: ` +
        `${publishStatements.join(', ')}\n`,
    );
    const base = ms[0] as number[];
    const perSecond = (value: number) => (ENDPOINTS / value) * 1000;
    return {
      title:
        `Fan-out: one event to ${int(ENDPOINTS)} endpoints into PostgreSQL (deliveries inserted/s; ` +
        'target: publish ≥ 0.7x of the bare insert)',
      baseline: (cases[0] as (typeof cases)[number]).name,
      rows: cases.map((c, i) => ({
        name: c.name,
        opsPerSecond: median((ms[i] as number[]).map(perSecond)),
        ratio: median((ms[i] as number[]).map((value, r) => (base[r] as number) / value)),
      })),
    };
  } finally {
    if (schema !== undefined) await dropBenchSchema(raw, schema);
    await raw.end();
  }
}

// --------------------------------------------------------------------------------- 3. workers

interface ReadyMessage {
  readonly type: 'ready';
  readonly pid: number;
  readonly backends: readonly number[];
}

interface StoppedMessage {
  readonly type: 'stopped';
  readonly succeeded: number;
  readonly failed: number;
  readonly statements: StatementTallies;
}

async function workers(): Promise<Comparison> {
  const COUNTS = [1, 2, 4] as const;
  const ENDPOINTS = 10;
  const EVENTS = 300;
  const ROUNDS = 3;
  const receiver = await forkReceiver();
  const raw = benchPool({ max: 4, role: 'workers-publisher' });
  let schema: string | undefined;
  const children: ReturnType<typeof forkBench>[] = [];
  try {
    schema = await createBenchSchema(raw);
    const publisher = publisherOn(new PostgresStorage({ pool: raw, schema }));
    for (let i = 0; i < ENDPOINTS; i++) {
      await publisher.createEndpoint(ORG, {
        url: `${receiver.url}/e${i}`,
        events: ['compliance.*'],
        secret: SECRET,
      });
    }
    const max = COUNTS[COUNTS.length - 1] as number;
    for (let i = 0; i < max; i++) {
      children.push(
        forkBench('postgres/worker-child.ts', [schema, `worker${i}`, '1000', 'on', '8']),
      );
    }
    const ready = await Promise.all(
      children.map((child, i) => nextMessage<ReadyMessage>(child, 'ready', `worker ${i}`)),
    );

    const run = async (n: number) => {
      const group = children.slice(0, n);
      const made = await publishBacklog(publisher, EVENTS);
      const before = await receiver.requests();
      const cpu = new CpuWindow({
        workers: ready.slice(0, n).map((r) => r.pid),
        'their postgres backends': ready.slice(0, n).flatMap((r) => r.backends),
        receiver: [receiver.pid],
        'this process': [process.pid],
      });
      cpu.start();
      const startedAt = performance.now();
      await Promise.all(group.map((child) => ask(child, { type: 'start' }, 'started', 'worker')));
      while ((await receiver.requests()) - before < made) {
        if (performance.now() - startedAt > 120_000) throw new Error('workers: timed out');
        await sleep(5);
      }
      const ms = performance.now() - startedAt;
      const cpuMs = cpu.stop();
      const stopped = await Promise.all(
        group.map((child) => ask<StoppedMessage>(child, { type: 'stop' }, 'stopped', 'worker')),
      );
      const sent = (await receiver.requests()) - before;
      const succeeded = stopped.reduce((a, s) => a + s.succeeded, 0);
      if (stopped.some((s) => s.failed > 0) || succeeded !== made || sent !== made) {
        throw new Error(`workers: ${made} published, ${succeeded} succeeded, ${sent} received`);
      }
      return {
        ms,
        made,
        cpu: cpuMs,
        statements: addTallies(stopped.map((s) => s.statements)),
        shares: stopped.map((s) => s.succeeded),
      };
    };

    await run(max); // warm-up of every worker (its transport's connections, its code)
    const results = await rotatedRounds((index) => run(COUNTS[index] as number), {
      count: COUNTS.length,
      rounds: ROUNDS,
    });
    const made = results[0]?.[0]?.made ?? 0;
    COUNTS.forEach((n, i) => {
      const rs = results[i] as Awaited<ReturnType<typeof run>>[];
      const sum = addTallies(rs.map((r) => r.statements));
      const attempts = rs.reduce((a, r) => a + r.made, 0);
      console.log(
        `workers: ${n} — CPU cores (median of ${rs.length} rounds): ` +
          `${formatCoreFigures(medianCores(rs))} (of 2); statements per attempt ` +
          `${(totalOf(sum) / attempts).toFixed(2)} (${formatTallies(sum, attempts)}); ` +
          `deliveries per worker in the last round: ${rs[rs.length - 1]?.shares.join(' / ')}`,
      );
    });
    console.log('');
    const perSecond = (r: { ms: number; made: number }) => (r.made / r.ms) * 1000;
    const base = results[0] as Awaited<ReturnType<typeof run>>[];
    return {
      title:
        `Workers: ${int(made)} deliveries to ${ENDPOINTS} endpoints (one origin) by 1, 2 and 4 ` +
        'worker processes on one PostgreSQL, one 204 receiver, 2 cores shared by all ' +
        '(deliveries/s, until the receiver counted them all; ratio vs 1 worker)',
      baseline: '1 worker process',
      rows: COUNTS.map((n, i) => ({
        name: `${n} worker process${n === 1 ? '' : 'es'}`,
        opsPerSecond: median((results[i] as { ms: number; made: number }[]).map(perSecond)),
        ratio: median(
          (results[i] as { ms: number; made: number }[]).map(
            (r, round) => perSecond(r) / perSecond(base[round] as { ms: number; made: number }),
          ),
        ),
      })),
    };
  } finally {
    await Promise.all(children.map((child) => endChild(child)));
    if (schema !== undefined) await dropBenchSchema(raw, schema);
    await raw.end();
    await receiver.stop();
  }
}

// ---------------------------------------------------------------------------------- 4. wakeup

async function wakeup(): Promise<Comparison> {
  const FEED_SAMPLES = 40;
  const POLL_EVERY = 4;
  const raw = benchPool({ max: 4, role: 'wakeup-publisher' });
  const arrivals: Record<string, number[]> = { feed: [], poll: [] };
  const server = createServer((req, res) => {
    const kind = req.url?.endsWith('/poll') ? 'poll' : 'feed';
    arrivals[kind]?.push(performance.now());
    req.resume();
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  const schemas: string[] = [];
  const children: ReturnType<typeof forkBench>[] = [];
  try {
    const kinds = [
      { kind: 'feed', pollIntervalMs: '5000', feed: 'on' },
      { kind: 'poll', pollIntervalMs: '1000', feed: 'off' },
    ] as const;
    const sides = [];
    for (const k of kinds) {
      const schema = await createBenchSchema(raw);
      schemas.push(schema);
      const publisher = publisherOn(new PostgresStorage({ pool: raw, schema }));
      await publisher.createEndpoint(ORG, { url: `${url}/${k.kind}`, events: ['compliance.*'] });
      const child = forkBench('postgres/worker-child.ts', [
        schema,
        `wakeup-${k.kind}`,
        k.pollIntervalMs,
        k.feed,
        '4',
      ]);
      children.push(child);
      await nextMessage(child, 'ready', `${k.kind} worker`);
      const started = await ask<{ type: 'started'; watch: boolean }>(
        child,
        { type: 'start' },
        'started',
        `${k.kind} worker`,
      );
      sides.push({ ...k, publisher, watch: started.watch });
    }
    const [feed, poll] = sides as [(typeof sides)[number], (typeof sides)[number]];
    await sleep(1000); // the feed's LISTEN session opens; both loops go to sleep

    const sample = async (side: typeof feed): Promise<number> => {
      // A random phase against the polling worker's timer: samples taken at a steady pace would
      // land at the same point of its 1 s cycle each time.
      if (side.kind === 'poll') await sleep(Math.random() * 1000);
      const seen = arrivals[side.kind] as number[];
      const before = seen.length;
      const startedAt = performance.now();
      await side.publisher.publish(INPUT);
      while (seen.length <= before) {
        if (performance.now() - startedAt > 15_000) throw new Error('wakeup: timed out');
        await sleep(1);
      }
      const ms = (seen[before] as number) - startedAt;
      await sleep(150 + Math.random() * 100); // the worker records, then sleeps again
      return ms;
    };
    const feedSamples = feed.watch ? FEED_SAMPLES : 3;
    await sample(feed); // warm-up: connections open
    await sample(poll);
    const feedMs: number[] = [];
    const pollMs: number[] = [];
    for (let i = 0; i < feedSamples; i++) {
      feedMs.push(await sample(feed));
      if (i % POLL_EVERY === 0 || !feed.watch) pollMs.push(await sample(poll));
    }
    const feedName = feed.watch
      ? 'LISTEN/NOTIFY (change feed on), pollIntervalMs 5000'
      : 'NO CHANGE FEED in PostgresStorage (watch missing): poll only, pollIntervalMs 5000';
    if (!feed.watch) {
      console.log(
        'wakeup: PostgresStorage has no `watch` yet (the change feed is not wired into the ' +
          'storage): the feed row is a 5 s poll; re-run once it is wired\n',
      );
    }
    console.log(
      `wakeup: feed p50 ${median(feedMs).toFixed(1)} ms, p99 ${percentile(feedMs, 0.99).toFixed(1)} ms, ` +
        `max ${Math.max(...feedMs).toFixed(1)} ms (${feedMs.length} samples; target p50 < 50 ms); ` +
        `poll only (1 s) p50 ${median(pollMs).toFixed(1)} ms (${pollMs.length} samples)\n`,
    );
    const pollP50 = median(pollMs);
    const pollP99 = percentile(pollMs, 0.99);
    return {
      title:
        'Idle wake-up: MILLISECONDS from publish in this process to the first attempt at the ' +
        'receiver, the dispatcher of another process idle (the ops/s column holds ms; ratio = ' +
        'this ÷ the poll row of the same percentile, lower is better; target p50 < 50 ms)',
      baseline: 'poll only (feed off), pollIntervalMs 1000: p50',
      rows: [
        {
          name: 'poll only (feed off), pollIntervalMs 1000: p50',
          opsPerSecond: pollP50,
          ratio: 1,
        },
        {
          name: 'poll only (feed off), pollIntervalMs 1000: p99',
          opsPerSecond: pollP99,
          ratio: 1,
        },
        { name: `${feedName}: p50`, opsPerSecond: median(feedMs), ratio: median(feedMs) / pollP50 },
        {
          name: `${feedName}: p99`,
          opsPerSecond: percentile(feedMs, 0.99),
          ratio: percentile(feedMs, 0.99) / pollP99,
        },
      ],
    };
  } finally {
    await Promise.all(children.map((child) => endChild(child)));
    for (const schema of schemas) await dropBenchSchema(raw, schema);
    await raw.end();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------- 5. PGlite

/**
 * Where the migrated PGlite data directory is kept between runs (never committed): keyed by the
 * PGlite version, the migrations' checksums and migrate.ts, as test/helpers/postgres/pglite.ts
 * keys its own dump, so a changed migration makes a new one.
 */
function pgliteDumpPath(): string {
  const require = createRequire(import.meta.url);
  const manifest = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  const runner = createHash('sha256')
    .update(
      readFileSync(join(ROOT, 'src', 'postgres', 'migrate.ts'), 'utf8').replace(/\r\n?/g, '\n'),
    )
    .digest('hex')
    .slice(0, 12);
  const key = MIGRATIONS.map((m) => `${m.version}.${m.checksum.slice(0, 12)}`).join('-');
  return join(
    ROOT,
    'node_modules',
    '.cache',
    'novatrade-webhooks',
    'bench',
    `pglite-${version}-migrated-${key}-runner.${runner}.tar`,
  );
}

async function pglite(): Promise<Comparison> {
  const DELIVERIES = 400;
  const ROUNDS = 3;
  const dumpPath = pgliteDumpPath();
  const receiver = await forkReceiver();
  const raw = benchPool({ max: 2, role: 'pglite-parent' });
  let schema: string | undefined;
  try {
    schema = await createBenchSchema(raw);
    // initdb (about 20 s under load on this machine) only when the dump is missing or asked for.
    let made: PGliteInitdbResult | undefined;
    if (process.env.POSTGRES_BENCH_INITDB === '1' || !existsSync(dumpPath)) {
      await mkdir(dirname(dumpPath), { recursive: true });
      const temporary = `${dumpPath}.${process.pid}.tmp`;
      const first = forkBench('postgres/pglite-child.ts', ['initdb', temporary]);
      made = await nextMessage<PGliteInitdbResult>(first, 'initdb', 'pglite-child initdb');
      await endChild(first);
      await rename(temporary, dumpPath);
    }
    const second = forkBench('postgres/pglite-child.ts', [
      'run',
      dumpPath,
      receiver.url,
      schema,
      String(DELIVERIES),
      String(ROUNDS),
    ]);
    const ran = await nextMessage<PGliteRunResult>(second, 'run', 'pglite-child run');
    await endChild(second);

    const sum = addTallies(ran.pgliteStatements);
    const attempts = DELIVERIES * ran.pgliteStatements.length;
    const initdb =
      made === undefined
        ? 'initdb not run (the migrated dump was cached; POSTGRES_BENCH_INITDB=1 times it)'
        : `open by initdb (PGlite.create) ${int(made.initdbMs)} ms, RSS ${mb(made.rssOpenBytes).toFixed(0)} MB ` +
          `after it, then migrate() ${int(made.migrateMs)} ms`;
    console.log(
      `pglite: ${initdb}; open by restoring the migrated data directory ` +
        `(${mb(statSync(dumpPath).size).toFixed(1)} MB tar, loadDataDir) ${int(ran.restoreMs)} ms. ` +
        `RSS of that process: at start ${mb(ran.rssStartBytes).toFixed(0)} MB, after open ` +
        `${mb(ran.rssOpenBytes).toFixed(0)} MB, after ${ROUNDS + 1} runs on each storage ` +
        `${mb(ran.rssAfterRunBytes).toFixed(0)} MB. PGlite statements per attempt ` +
        `${(totalOf(sum) / attempts).toFixed(2)} (${formatTallies(sum, attempts)}); ` +
        `${(attempts / Math.max(1, sum.COMMIT?.count ?? 0)).toFixed(1)} attempts per recording transaction\n`,
    );
    const perSecond = (ms: number) => (DELIVERIES / ms) * 1000;
    const rows = [
      {
        name: 'sender on PostgreSQL (pg Pool of 10)',
        opsPerSecond: median(ran.postgresMs.map(perSecond)),
        ratio: 1,
      },
      {
        name: 'sender on PGlite (pg Pool over PGlite, one client)',
        opsPerSecond: median(ran.pgliteMs.map(perSecond)),
        ratio: median(ran.pgliteMs.map((ms, r) => (ran.postgresMs[r] as number) / ms)),
      },
      {
        name: 'PGlite open: restore of the migrated data dir (no initdb), ms',
        opsPerSecond: ran.restoreMs,
        ratio: 1,
      },
    ];
    if (made !== undefined) {
      rows.push({
        name: 'PGlite open: initdb (PGlite.create), ms',
        opsPerSecond: made.initdbMs,
        ratio: 1,
      });
    }
    rows.push(
      {
        name: 'RSS at start (node, tsx, modules), MB',
        opsPerSecond: mb(ran.rssStartBytes),
        ratio: 1,
      },
      { name: 'RSS after open (restored), MB', opsPerSecond: mb(ran.rssOpenBytes), ratio: 1 },
      { name: 'RSS after the runs, MB', opsPerSecond: mb(ran.rssAfterRunBytes), ratio: 1 },
    );
    return {
      title:
        `PGlite: dispatch of ${int(DELIVERIES)} deliveries (deliveries/s, same sender and ` +
        'receiver, one process; ratio vs PostgreSQL), open time and RSS (rows in ms and MB: ' +
        'the ops/s column holds them, ratio 1)',
      baseline: 'sender on PostgreSQL (pg Pool of 10)',
      rows,
    };
  } finally {
    if (schema !== undefined) await dropBenchSchema(raw, schema);
    await raw.end();
    await receiver.stop();
  }
}

// `POSTGRES_BENCH=dispatch,wakeup npm run bench -- postgres` runs only the named sections.
const sections = { dispatch, fanOut, workers, wakeup, pglite } as const;
const only = process.env.POSTGRES_BENCH?.split(',').filter(Boolean);

const suite: BenchSuite = async () => {
  const results: Comparison[] = [];
  // Every figure depends on what else runs on the two cores: say how busy they were.
  console.log(
    `postgres: load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' / ')} (1 / 5 / 15 min) on 2 cores before the run\n`,
  );
  for (const [name, section] of Object.entries(sections)) {
    if (only === undefined || only.includes(name)) {
      const startedAt = performance.now();
      results.push(await section());
      console.log(`(${name}: ${((performance.now() - startedAt) / 1000).toFixed(1)} s)\n`);
    }
  }
  return results;
};
export default suite;
