// A sender worker process of bench/postgres.bench.ts (sections 3 and 4): PostgresStorage on a pool
// of its own, a sender per run on one HttpTransport kept warm across runs.
//
//   node --import tsx bench/postgres/worker-child.ts <schema> <role> <pollIntervalMs> <feed on|off> <poolMax>
//
// Messages (IPC): `{ type: 'start' }` starts a new sender (`started`, with whether the storage has
// a change feed the sender will use); `{ type: 'stop' }` stops it (`stopped`, with its counts and
// the statements of its run). It reports `ready` (with its pid and its backends' pids) once its
// pool holds every connection, and exits when the parent disconnects. With `feed off` the storage
// is made with `changeFeed: false` (when it has the option) and the sender sees it without its
// `watch` (a Proxy hides it), so it wakes only by polling. With `feed on` the storage takes its
// LISTEN session from the pool (one client fewer for queries).
import {
  POSTGRES_STORAGE_OPTION_NAMES,
  PostgresStorage,
  type PostgresStorageOptions,
} from '../../src/postgres/postgres-storage.js';
import { HttpTransport } from '../../src/sender/http-transport.node.js';
import type { SenderStorage } from '../../src/sender/ports/sender-storage.js';
import { WebhookSender } from '../../src/sender/webhook-sender.js';
import { backendPids, benchPool } from './database.js';
import { keptOpen } from './dispatch-run.js';
import { countingPool, QueryCounter } from './query-counter.js';

const [schema = '', role = 'worker', pollArg = '1000', feedArg = 'on', maxArg = '8'] =
  process.argv.slice(2);
const poolMax = Number(maxArg);
const raw = benchPool({ max: poolMax, role });
const counter = new QueryCounter();
const pool = countingPool(raw, counter);
// Feed off: the storage's own `changeFeed: false` where it has that option (its `watch` then never
// calls the listener), and in any case the sender sees the storage without `watch` (a Proxy).
const knownOptions: readonly string[] = POSTGRES_STORAGE_OPTION_NAMES;
const feedOff = feedArg === 'off' && knownOptions.includes('changeFeed');
const storage = new PostgresStorage({
  pool,
  schema,
  ...(feedOff ? { changeFeed: false } : {}),
} as PostgresStorageOptions);
const hidden: SenderStorage =
  feedArg === 'off'
    ? new Proxy(storage, {
        get: (target, property) => {
          if (property === 'watch') return undefined;
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      })
    : storage;
const http = new HttpTransport({ allowPrivateNetworks: true });
const transport = keptOpen(http);

let sender: WebhookSender | undefined;
let succeeded = 0;
let failed = 0;

function send(message: unknown): void {
  process.send?.(message);
}

async function handle(message: { type?: string }): Promise<void> {
  if (message.type === 'start') {
    if (sender !== undefined) throw new Error('worker: started twice');
    succeeded = 0;
    failed = 0;
    counter.reset();
    sender = new WebhookSender({
      storage: hidden,
      transport,
      allowInsecureUrls: true,
      maxInFlightPerEndpoint: 10,
      pollIntervalMs: Number(pollArg),
    });
    sender.on('delivery.succeeded', () => {
      succeeded++;
    });
    sender.on('delivery.attempted', ({ attempt }) => {
      if (attempt.failureReason !== null) failed++;
    });
    sender.start();
    send({ type: 'started', watch: typeof hidden.watch === 'function' });
  } else if (message.type === 'stop') {
    await sender?.stop({ deadlineMs: 5000 });
    sender = undefined;
    send({ type: 'stopped', succeeded, failed, statements: counter.snapshot() });
  }
}

process.on('message', (message: { type?: string }) => {
  handle(message).catch((error: unknown) => send({ type: 'error', error: String(error) }));
});
process.on('disconnect', () => {
  void (async () => {
    await sender?.stop({ deadlineMs: 1000 }).catch(() => undefined);
    await http.close();
    await raw.end();
    process.exit(0);
  })();
});

// Open every connection now, so their backends exist (and are counted) before any run.
await Promise.all(Array.from({ length: poolMax }, () => raw.query('SELECT pg_sleep(0.02)')));
send({ type: 'ready', pid: process.pid, backends: await backendPids(raw, role) });
