// Memory probe for the store-outage tests, run as a child process:
//   node --expose-gc --import tsx test/helpers/store-outage-memory-probe.ts <node-redis|ioredis>
// A receiver on RedisDedupeStore, whose client reaches Redis (127.0.0.1:6379) through a proxy that
// has gone silent, gets 300 signed deliveries of about 200 KB over real HTTP, 50 at a time (50
// events, each sent 6 times, as a sender's retries would). After each batch it collects garbage
// and samples the heap and ArrayBuffers. Prints one JSON line: the statuses, the slowest answer,
// and the largest growth over the baseline. The test asserts on it.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { attempt, delivery, REDIS_CLIENT_KINDS, startOutageReceiver } from './store-outage-kit.js';
import { startTcpProxy } from './tcp-proxy.js';

const STORE_TIMEOUT_MS = 250;
const REQUESTS = 300;
const BATCH = 50;
const BODY_BYTES = 200 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

async function sample(): Promise<{ heapUsed: number; arrayBuffers: number }> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await nextTurn();
  }
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heapUsed, arrayBuffers };
}

const kind = REDIS_CLIENT_KINDS.find((k) => k.name === process.argv[2]);
if (kind === undefined) throw new Error(`unknown client ${process.argv[2]}`);

const proxy = await startTcpProxy({ targetPort: 6379 });
const client = await kind.connect(proxy.port);
const receiver = await startOutageReceiver(client, { storeTimeoutMs: STORE_TIMEOUT_MS });
const run = process.pid;

// Warm up both paths (JIT, HTTP keep-alive sockets, the client's buffers), then go silent.
const warmup = Array.from({ length: 10 }, (_, i) => delivery(`evt_warm_${run}_${i}`, BODY_BYTES));
const warm = await Promise.all(warmup.map((d) => attempt(receiver.url, d)));
proxy.silent();
await Promise.all(warmup.map((d) => attempt(receiver.url, d, 5_000)));
const deliveries = Array.from({ length: BATCH }, (_, i) =>
  delivery(`evt_probe_${run}_${i}`, BODY_BYTES),
);
const baseline = await sample();
const statuses: Record<string, number> = {};
let slowestMs = 0;
let heapGrowth = 0;
let arrayBufferGrowth = 0;
for (let sent = 0; sent < REQUESTS; sent += BATCH) {
  const answers = await Promise.all(
    // A give-up well past the deadline, so a receiver that never answers still ends the probe.
    deliveries.map((d) => attempt(receiver.url, d, 5_000)),
  );
  for (const answer of answers) {
    const key = `${answer.status}${answer.code === undefined ? '' : ` ${answer.code}`}`;
    statuses[key] = (statuses[key] ?? 0) + 1;
    slowestMs = Math.max(slowestMs, answer.elapsedMs);
  }
  const now = await sample();
  heapGrowth = Math.max(heapGrowth, now.heapUsed - baseline.heapUsed);
  arrayBufferGrowth = Math.max(arrayBufferGrowth, now.arrayBuffers - baseline.arrayBuffers);
}

console.log(
  JSON.stringify({
    warmStatuses: warm.map((a) => a.status),
    statuses,
    slowestMs: Math.round(slowestMs),
    baseline,
    heapGrowth,
    arrayBufferGrowth,
    handlerRuns: [...receiver.runs.values()].reduce((a, b) => a + b, 0),
  }),
);

await receiver.close();
await client.close();
await proxy.close();
process.exit(0);
