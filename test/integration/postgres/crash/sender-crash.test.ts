// Crash test with real processes (issue 11): three sender worker processes share one PostgreSQL
// schema through PostgresStorage and dispatch 5,000 events to 20 endpoints of a loopback receiver
// that fails at random (a seeded 30 % of 500s, slow answers, a few past the timeout). Workers are
// killed with SIGKILL at random moments (seeded points of the receiver's progress) and started
// again. At the end the ledger balances: every (event, endpoint) pair has exactly one delivery,
// DELIVERED or FAILED with a reason; nothing is missing or left PENDING; every attempt row is
// counted on its delivery; every request verified against its endpoint's secret. Sends the ledger
// does not record (an attempt sent but not recorded when its worker died) are counted and bounded
// by kills × 2 × maxInFlight: a worker has at most maxInFlight requests in flight and at most
// maxInFlight more records waiting to commit (docs/design.md §5.32). A delivery the
// receiver answered 2xx more than once is printed (duplicateSuccesses); each such answer must be
// explained by the ledger: the recorded success, a recorded TIMEOUT (the receiver answered after
// the sender gave up: at-least-once, not a crash) or an unrecorded send.
//
// Sizing (defaults in brackets): CRASH_TEST_EVENTS [5000], CRASH_TEST_KILLS [6],
// CRASH_TEST_SEED [random, printed]. The figures are printed on one line starting with
// `[crash-test]`. On two cores the default run takes about 30-45 s: each event goes to one
// endpoint (a partner filter per endpoint), attempts time out after 1 s, retries come 50 to 400 ms
// after the previous attempt, and a killed worker's claims lapse after leaseMs = 6 s (the
// sender's minimum for a 1 s timeout: timeout + 5 s).
import { afterAll, describe, expect, it } from 'vitest';
import { createSampleEvent } from '../../../../src/core/catalog/sample-events.js';
import { PostgresStorage } from '../../../../src/postgres/postgres-storage.js';
import { HttpTransport } from '../../../../src/sender/http-transport.node.js';
import { WebhookSender } from '../../../../src/sender/webhook-sender.js';
import { usePostgresTestDatabase } from '../../../helpers/postgres/index.js';
import { TEST_DATABASE_URL } from '../../../helpers/postgres/real-postgres.js';
import {
  balanceLedger,
  type ExpectedDelivery,
  ledgerProblems,
  NO_LEDGER_PROBLEMS,
  readLedger,
  statusCounts,
} from '../../../helpers/processes/delivery-ledger.js';
import { fastProfile } from '../../../helpers/processes/fast-profile.js';
import {
  type LoopbackReceiver,
  seededBehaviour,
  startLoopbackReceiver,
} from '../../../helpers/processes/loopback-receiver.js';
import { seededRandom, seedFrom, sizeFrom } from '../../../helpers/processes/seeded-random.js';
import {
  lastWorkerProblem,
  type SenderWorkerConfig,
} from '../../../helpers/processes/sender-worker-config.js';
import { waitUntil } from '../../../helpers/processes/wait-until.js';
import { startWorkerFleet, type WorkerFleet } from '../../../helpers/processes/worker-fleet.js';

const EVENTS = sizeFrom('CRASH_TEST_EVENTS', 5_000);
const KILLS = sizeFrom('CRASH_TEST_KILLS', 6);
const SEED = seedFrom('CRASH_TEST_SEED');
const WORKERS = 3;
const ENDPOINTS = 20;
/** Per worker: requests in flight; it can have twice as many sent and not yet recorded. */
const MAX_IN_FLIGHT = 16;
const PROFILE = { timeoutMs: 1_000, retryIntervalsMs: [50, 100, 200, 400] } as const;
const MAX_ATTEMPTS = PROFILE.retryIntervalsMs.length + 1;
/** The sender's minimum for this timeout (timeout + 5 s): a dead worker's claims lapse soonest. */
const LEASE_MS = PROFILE.timeoutMs + 5_000;
const RECEIVER = {
  seed: SEED,
  failRate: 0.3,
  slowRate: 0.05,
  slowMs: 300,
  hangRate: 0.01,
  hangMs: PROFILE.timeoutMs + 500,
};
/** Publishes in flight at once from the test process. */
const PUBLISH_CONCURRENCY = 8;
const DEADLINE_MS = sizeFrom('CRASH_TEST_DEADLINE_MS', 150_000);

/** The last problem each live worker logged, for a timeout's message. */
function workerErrors(fleet: WorkerFleet): string {
  return fleet.workers.map(lastWorkerProblem).join('; ');
}

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const partner = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

describe('sender worker processes on one PostgreSQL schema, killed with SIGKILL and restarted', () => {
  const db = usePostgresTestDatabase({ migrated: true, max: 8 });
  let receiver: LoopbackReceiver | undefined;
  let fleet: WorkerFleet | undefined;
  afterAll(async () => {
    await fleet?.killAll();
    await receiver?.close();
  });

  it(
    `${EVENTS} events to ${ENDPOINTS} endpoints, ${WORKERS} workers, ${KILLS} kill -9: the ledger balances and duplicate sends stay within kills × 2 × maxInFlight`,
    { timeout: DEADLINE_MS + 60_000 },
    async () => {
      const { schema, pool } = db();
      receiver = await startLoopbackReceiver({ behaviour: seededBehaviour(RECEIVER) });
      const live = receiver;
      const publisher = new WebhookSender({
        storage: new PostgresStorage({ pool, schema }),
        transport: new HttpTransport({ allowPrivateNetworks: true }), // loopback: tests only
        allowInsecureUrls: true,
        profile: fastProfile(PROFILE),
        logger: 'silent',
      });
      const endpointIds: string[] = [];
      for (let i = 0; i < ENDPOINTS; i++) {
        const key = `e${i}`;
        const { endpoint, secret } = await publisher.createEndpoint(ORG, {
          url: live.urlFor(key),
          events: ['compliance.decision_made'],
          partnerIds: [partner(i)],
        });
        live.setSecret(key, secret);
        endpointIds.push(endpoint.id);
      }

      const configFor = (workerId: string): SenderWorkerConfig => ({
        workerId,
        storage: {
          kind: 'postgres',
          connectionString: TEST_DATABASE_URL,
          schema,
          poolMax: 4,
          applicationName: `${schema}_worker`,
        },
        migrate: false,
        profile: PROFILE,
        leaseMs: LEASE_MS,
        maxInFlight: MAX_IN_FLIGHT,
        pollIntervalMs: 200,
        dispatch: true,
      });
      fleet = await startWorkerFleet(WORKERS, 'crash', configFor);
      const workers = fleet;
      const startedMs = performance.now();

      // Publish from the test process (dispatch not started), PUBLISH_CONCURRENCY at a time.
      const expected: ExpectedDelivery[] = [];
      const data = createSampleEvent('compliance.decision_made').data;
      let next = 0;
      const publishing = Promise.all(
        Array.from({ length: PUBLISH_CONCURRENCY }, async () => {
          while (next < EVENTS) {
            const i = next++;
            const published = await publisher.publish({
              organizationUuid: ORG,
              type: 'compliance.decision_made',
              partnerUuid: partner(i % ENDPOINTS),
              data,
            });
            expect(published.deliveries).toBe(1);
            expected.push({
              eventId: published.event.id,
              endpointId: endpointIds[i % ENDPOINTS] as string,
            });
          }
        }),
      );

      // Kill at seeded points of the receiver's progress (its request count), so the kills land
      // while work is in flight whatever the machine's speed: between 5 % and 85 % of EVENTS.
      const random = seededRandom(SEED);
      const killPoints = Array.from({ length: KILLS }, () =>
        Math.floor(EVENTS * (0.05 + 0.8 * random())),
      ).sort((a, b) => a - b);
      const killing = (async () => {
        for (const point of killPoints) {
          await waitUntil(
            () => {
              workers.assertAlive();
              return live.requests.length >= point;
            },
            {
              what: `${point} requests at the receiver before a kill`,
              timeoutMs: DEADLINE_MS,
              intervalMs: 10,
              progress: () => `${live.requests.length} so far; ${workerErrors(workers)}`,
            },
          );
          await workers.killAndRestart(Math.floor(random() * WORKERS));
        }
      })();

      // Awaited below; a rejection while the other is awaited must not go unhandled.
      publishing.catch(() => undefined);
      killing.catch(() => undefined);
      await publishing;
      const publishedMs = performance.now();
      await killing;
      // Done: every delivery final (a killed worker's claims lapse after LEASE_MS, then are
      // claimed again by a live worker).
      await waitUntil(
        async () => {
          workers.assertAlive();
          const counts = await statusCounts(pool, schema);
          return (counts.DELIVERED ?? 0) + (counts.FAILED ?? 0) === EVENTS;
        },
        {
          what: 'every delivery DELIVERED or FAILED',
          timeoutMs: DEADLINE_MS,
          intervalMs: 250,
          progress: () => `${live.requests.length} requests so far; ${workerErrors(workers)}`,
        },
      );
      const doneMs = performance.now();
      expect(workers.unexpectedExits).toEqual([]);
      await workers.stop();

      const rows = await readLedger(pool, schema);
      const balance = balanceLedger(rows, expected, live);
      const bound = workers.kills * 2 * MAX_IN_FLIGHT;
      const seconds = (doneMs - startedMs) / 1000;
      console.log(
        `[crash-test] seed=${SEED} events=${EVENTS} endpoints=${ENDPOINTS} workers=${WORKERS} ` +
          `kills=${workers.kills} maxInFlight=${MAX_IN_FLIGHT} duplicateSends=${balance.duplicateSends} ` +
          `(deliveries=${balance.deliveriesWithDuplicates}, incomplete=${balance.incompleteRequests}) ` +
          `bound=${bound} duplicateSuccesses=${balance.duplicateSuccesses} (unexplained=${balance.unexplainedSuccesses}) ` +
          `delivered=${balance.delivered} failed=${balance.failed} ${JSON.stringify(balance.failedBy)} ` +
          `attempts=${balance.attempts} requests=${balance.requests} unseenAttempts=${balance.unseenAttempts} ` +
          `published=${((publishedMs - startedMs) / 1000).toFixed(1)}s done=${seconds.toFixed(1)}s ` +
          `throughput=${Math.round(balance.attempts / seconds)} attempts/s`,
      );

      expect(ledgerProblems(balance)).toEqual(NO_LEDGER_PROBLEMS);
      expect(balance.deliveries).toBe(EVENTS);
      expect(balance.delivered + balance.failed).toBe(EVENTS);
      // A FAILED delivery ran its whole schedule (no endpoint is paused: the health policy never
      // trips), so its reason is the last attempt's.
      for (const row of rows.filter((r) => r.status === 'FAILED')) {
        expect(row.attempts).toBe(MAX_ATTEMPTS);
        expect(['HTTP_ERROR', 'TIMEOUT']).toContain(row.failure_reason);
      }
      expect(workers.kills).toBe(KILLS);
      expect(balance.duplicateSends).toBeLessThanOrEqual(bound);
    },
  );
});
