// PGlite on a file data directory survives a sender's restart (issue 11): the demo's round trip
// (`examples/demo.ts`: an endpoint for every catalog type, the 10 types published, signed requests
// verified by the receiver) run by a child process whose sender stores in PostgresStorage over
// `new pg.Pool(createPgConfig(pglite))`. The receiver is down at first (503), so every delivery is
// attempted and left PENDING; the process is then stopped halfway, harshly (kill -9) or cleanly
// (`sender.stop()`, `pool.end()`, `pglite.close()`), and a new process opens the same directory
// (never two at once: PGlite is one process per data directory). Once the receiver is back, what
// was pending is delivered, with the attempts made before the restart still on record. One PGlite
// instance at a time (each holds a few hundred MB), each opened from the cached migrated dump.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../src/core/catalog/event-types.js';
import { createSampleEvent } from '../../../src/core/catalog/sample-events.js';
import { pgliteDump } from '../../helpers/postgres/index.js';
import type { ChildScript } from '../../helpers/processes/child-process.js';
import {
  balanceLedger,
  type LedgerRow,
  ledgerProblems,
  NO_LEDGER_PROBLEMS,
} from '../../helpers/processes/delivery-ledger.js';
import {
  type LoopbackReceiver,
  startLoopbackReceiver,
} from '../../helpers/processes/loopback-receiver.js';
import {
  lastWorkerProblem,
  type SenderWorkerConfig,
  startSenderWorker,
} from '../../helpers/processes/sender-worker-config.js';
import { waitUntil } from '../../helpers/processes/wait-until.js';

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const PARTNER = '11111111-2222-3333-4444-555555555555';
/** The demo's endpoint A: every catalog type. */
const DEMO_PATTERNS = [
  'compliance.*',
  'kyc.*',
  'export_file.*',
  'prospect.*',
  'self_service_invitation.*',
  'webhook.*',
];
/**
 * Retries from 200 ms growing to 12.8 s: while the receiver is down no delivery runs out of
 * retries (the 8th attempt would come about 25 s after the first), and after the restart the
 * next retry is at most a few seconds away.
 */
const PROFILE = {
  timeoutMs: 1_000,
  retryIntervalsMs: [200, 400, 800, 1_600, 3_200, 6_400, 12_800],
} as const;
const OPEN_TIMEOUT_MS = 60_000;
const MAX_IN_FLIGHT = 10;

describe.each([
  { mode: 'kill -9', stop: (child: ChildScript) => child.kill9() },
  {
    mode: 'a clean stop',
    stop: async (child: ChildScript) => {
      await child.request('stop', { deadlineMs: 2_000 }, { timeoutMs: 20_000 });
      return child.exited;
    },
  },
])('a sender on PGlite (file data directory) stopped halfway by $mode', ({ mode, stop }) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it(
    'a new process on the same directory delivers every pending delivery once the receiver is back',
    { timeout: 3 * OPEN_TIMEOUT_MS },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'nwt-pglite-restart-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const dumpFile = join(dir, 'migrated.tar');
      await writeFile(dumpFile, new Uint8Array(await (await pgliteDump('migrated')).arrayBuffer()));
      const dataDir = join(dir, 'data');
      const receiver: LoopbackReceiver = await startLoopbackReceiver({
        behaviour: () => ({ status: 503 }), // down
      });
      cleanups.push(() => receiver.close());
      const config = (workerId: string, loadDump: boolean): SenderWorkerConfig => ({
        workerId,
        storage: { kind: 'pglite', dataDir, ...(loadDump ? { loadDataDirFile: dumpFile } : {}) },
        migrate: true,
        profile: PROFILE,
        leaseMs: PROFILE.timeoutMs + 5_000,
        maxInFlight: MAX_IN_FLIGHT,
        pollIntervalMs: 200,
        dispatch: true,
      });
      const open = async (workerId: string, loadDump: boolean) => {
        const child = await startSenderWorker(config(workerId, loadDump), {
          readyTimeoutMs: OPEN_TIMEOUT_MS,
        });
        cleanups.push(() => child.kill9());
        return child;
      };

      // First process: the demo's endpoint and the 10 catalog types, against a receiver that is down.
      const first = await open('first', true);
      const { secret, endpointId } = await first.request('createEndpoint', {
        organizationUuid: ORG,
        input: { url: receiver.urlFor('demo'), events: DEMO_PATTERNS },
      });
      receiver.setSecret('demo', secret as string);
      const eventIds: string[] = [];
      for (const type of EVENT_TYPES) {
        const sample = createSampleEvent(type);
        const reply = await first.request('publish', {
          input: {
            organizationUuid: ORG,
            type,
            partnerUuid: sample.partnerUuid === null ? null : PARTNER,
            data: sample.data,
          },
        });
        expect(reply.deliveries).toBe(1);
        eventIds.push(reply.eventId as string);
      }
      // Halfway: every delivery attempted and refused at least once, none final.
      await waitUntil(() => new Set(receiver.requests.map((r) => r.eventId)).size === 10, {
        what: 'a refused attempt of each of the 10 deliveries',
        timeoutMs: 20_000,
        progress: () => `${receiver.requests.length} requests; ${lastWorkerProblem(first)}`,
      });
      const before = (await first.request('deliveries')).rows as LedgerRow[];
      expect(before.map((r) => r.status)).toEqual(Array(10).fill('PENDING'));
      const exit = await stop(first);
      expect(exit).toEqual(
        mode === 'kill -9' ? { code: null, signal: 'SIGKILL' } : { code: 0, signal: null },
      );
      const refusedBefore = receiver.requests.length;

      // The receiver is back (slow at first: 150 ms an answer); a new process opens the directory.
      receiver.setBehaviour((r) => ({
        status: r.signatureValid === true ? 204 : 400,
        delayMs: 150,
      }));
      const restartedMs = performance.now();
      const second = await open('second', false);
      const openedMs = performance.now() - restartedMs;
      await waitUntil(
        () =>
          eventIds.every((id) =>
            receiver.requests.some((r) => r.eventId === id && r.status === 204),
          ),
        {
          what: 'every pending delivery answered 204 after the restart',
          timeoutMs: 30_000,
          progress: () =>
            `${receiver.requests.filter((r) => r.status === 204).length} of 10; ${lastWorkerProblem(second)}`,
        },
      );
      const deliveredMs = performance.now() - restartedMs;
      await waitUntil(
        async () => {
          const rows = (await second.request('deliveries')).rows as LedgerRow[];
          return rows.every((r) => r.status === 'DELIVERED') ? rows : undefined;
        },
        { what: 'every delivery recorded DELIVERED', timeoutMs: 10_000, intervalMs: 100 },
      );
      const after = (await second.request('deliveries')).rows as LedgerRow[];
      console.log(
        `[pglite-restart-test] ${mode}: first open ${String(first.messages.find((m) => m.t === 'pglite-open')?.ms)} ms, ` +
          `reopened in ${openedMs.toFixed(0)} ms (PGlite ${String(second.messages.find((m) => m.t === 'pglite-open')?.ms)} ms), ` +
          `10 pending delivered ${deliveredMs.toFixed(0)} ms after the restart; ${refusedBefore} refused attempts before; ` +
          `${receiver.requests.filter((r) => r.status === 204).length} answered 204 for 10 deliveries`,
      );

      expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
      expect(new Set(after.map((r) => r.event_id))).toEqual(new Set(eventIds));
      for (const row of after) {
        const previous = before.find((r) => r.id === row.id) as LedgerRow;
        expect(row.status).toBe('DELIVERED');
        expect(row.attempt_rows).toBe(row.attempts);
        // What was recorded before the stop is still there, and the restart added the success.
        expect(row.attempts).toBeGreaterThan(previous.attempts);
      }
      // The ledger balances against the receiver: every request verified, each 2xx explained by
      // the recorded success or a recorded TIMEOUT (answered after the sender gave up). Sends not
      // recorded: at most the attempts in flight when the first process stopped.
      const balance = balanceLedger(
        after,
        eventIds.map((eventId) => ({ eventId, endpointId: endpointId as string })),
        receiver,
      );
      expect(ledgerProblems(balance)).toEqual(NO_LEDGER_PROBLEMS);
      expect(balance.duplicateSends).toBeLessThanOrEqual(MAX_IN_FLIGHT);

      await second.request('stop', { deadlineMs: 2_000 }, { timeoutMs: 20_000 });
      await second.exited;
    },
  );
});
