// PGlite, measured in a process of its own (bench/postgres.bench.ts, section 5), so its RSS is
// not mixed with the parent's, and one PGlite instance at a time (each holds a few hundred MB).
//
//   node --import tsx bench/postgres/pglite-child.ts initdb <dumpPath>
//     A fresh in-memory PGlite (`PGlite.create()`: initdb in WebAssembly), timed; `migrate()` of
//     the default schema, timed; the data directory dumped (uncompressed tar) to <dumpPath> for
//     the second process; closed. Answers `{ type: 'initdb', … }`.
//   node --import tsx bench/postgres/pglite-child.ts run <dumpPath> <receiverUrl> <pgSchema> <deliveries> <rounds>
//     A PGlite restored from that dump (`new PGlite({ loadDataDir })`: no initdb), timed; then the
//     dispatch of section 1 (a backlog published first, a fresh sender timed from `start()` to the
//     last success, `maxInFlightPerEndpoint: 10`) on PGlite and on PostgreSQL (a pool of 10 on
//     the parent's schema), interleaved round by round, each with an HttpTransport of its own to
//     the same receiver. Both storages are given to the sender without `watch` (the backlog is
//     stored before `start()`, so no change feed is involved). Answers `{ type: 'run', … }`.
// RSS is `process.memoryUsage().rss`: at start (node, tsx and the modules loaded), after open,
// and after the runs.
import { readFile, writeFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { migrate } from '../../src/postgres/migrate.js';
import { PostgresStorage } from '../../src/postgres/postgres-storage.js';
import { HttpTransport } from '../../src/sender/http-transport.node.js';
import type { SenderStorage } from '../../src/sender/ports/sender-storage.js';
import { rotatedRounds } from '../harness.js';
import { benchPool } from './database.js';
import {
  INPUT,
  keptOpen,
  ORG,
  publishBacklog,
  publisherOn,
  SECRET,
  timedDispatch,
} from './dispatch-run.js';
import { countingPool, QueryCounter, type StatementTallies } from './query-counter.js';

export interface PGliteInitdbResult {
  readonly type: 'initdb';
  readonly rssStartBytes: number;
  readonly initdbMs: number;
  readonly rssOpenBytes: number;
  readonly migrateMs: number;
  readonly dumpBytes: number;
}

export interface PGliteRunResult {
  readonly type: 'run';
  readonly rssStartBytes: number;
  readonly restoreMs: number;
  readonly rssOpenBytes: number;
  readonly rssAfterRunBytes: number;
  readonly pgliteMs: readonly number[];
  readonly postgresMs: readonly number[];
  readonly pgliteStatements: readonly StatementTallies[];
}

/** `storage` without `watch`: the sender then only polls (and is woken by its own calls). */
function withoutWatch(storage: PostgresStorage): SenderStorage {
  return new Proxy(storage, {
    get: (target, property) => {
      if (property === 'watch') return undefined;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function initdb(dumpPath: string): Promise<PGliteInitdbResult> {
  const rssStartBytes = process.memoryUsage().rss;
  let startedAt = performance.now();
  const pglite = await PGlite.create();
  const initdbMs = performance.now() - startedAt;
  const rssOpenBytes = process.memoryUsage().rss;
  const pool = new pg.Pool(createPgConfig(pglite));
  try {
    startedAt = performance.now();
    await migrate(pool);
    const migrateMs = performance.now() - startedAt;
    const dump = new Uint8Array(await (await pglite.dumpDataDir('none')).arrayBuffer());
    await writeFile(dumpPath, dump);
    return {
      type: 'initdb',
      rssStartBytes,
      initdbMs,
      rssOpenBytes,
      migrateMs,
      dumpBytes: dump.byteLength,
    };
  } finally {
    await pool.end();
    await pglite.close();
  }
}

async function run(args: readonly string[]): Promise<PGliteRunResult> {
  const [dumpPath = '', receiverUrl = '', pgSchema = '', deliveriesArg = '', roundsArg = ''] = args;
  const deliveries = Number(deliveriesArg);
  const rounds = Number(roundsArg);
  const rssStartBytes = process.memoryUsage().rss;
  const loadDataDir = new Blob([await readFile(dumpPath)]);
  const startedAt = performance.now();
  const pglite = new PGlite({ loadDataDir });
  await pglite.waitReady;
  const restoreMs = performance.now() - startedAt;
  const rssOpenBytes = process.memoryUsage().rss;

  const counter = new QueryCounter();
  const lite = new pg.Pool(createPgConfig(pglite));
  const real = benchPool({ max: 10, role: 'pglite-child' });
  const cases = [
    { storage: withoutWatch(new PostgresStorage({ pool: countingPool(lite, counter) })), counter },
    { storage: withoutWatch(new PostgresStorage({ pool: real, schema: pgSchema })) },
  ].map((c) => ({ ...c, http: new HttpTransport({ allowPrivateNetworks: true }) }));
  const pgliteStatements: StatementTallies[] = [];
  try {
    for (const c of cases) {
      await publisherOn(c.storage).createEndpoint(ORG, {
        url: receiverUrl,
        events: [INPUT.type],
        secret: SECRET,
      });
    }
    const once = async (index: number) => {
      const c = cases[index] as (typeof cases)[number];
      const made = await publishBacklog(publisherOn(c.storage), deliveries);
      if (made !== deliveries) throw new Error(`pglite-child: ${made} deliveries published`);
      return timedDispatch({
        storage: c.storage,
        transport: keptOpen(c.http),
        deliveries,
        counter: c.counter,
      });
    };
    for (let index = 0; index < cases.length; index++) await once(index); // warm-up
    const ms = await rotatedRounds(
      async (index) => {
        const result = await once(index);
        if (index === 0 && result.statements !== undefined)
          pgliteStatements.push(result.statements);
        return result.ms;
      },
      { count: cases.length, rounds: rounds },
    );
    return {
      type: 'run',
      rssStartBytes,
      restoreMs,
      rssOpenBytes,
      rssAfterRunBytes: process.memoryUsage().rss,
      pgliteMs: ms[0] as number[],
      postgresMs: ms[1] as number[],
      pgliteStatements,
    };
  } finally {
    for (const c of cases) await c.http.close();
    await lite.end();
    await real.end();
    await pglite.close();
  }
}

const [mode = '', ...rest] = process.argv.slice(2);
try {
  const result = mode === 'initdb' ? await initdb(rest[0] ?? '') : await run(rest);
  process.send?.(result, () => process.disconnect());
} catch (error) {
  process.send?.({ type: 'error', error: String((error as Error)?.stack ?? error) }, () =>
    process.disconnect(),
  );
}
