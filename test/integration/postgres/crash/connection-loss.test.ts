// Connection loss (issue 11): two sender worker processes dispatch through PostgresStorage while
// the test terminates every PostgreSQL session of theirs (`pg_terminate_backend`, found by the
// pools' `application_name`) three times mid-run. The workers are the same processes at the end
// (pg.Pool replaces a dead client; nothing restarts them), the ledger balances with nothing
// missing, and the failure is in the sender's log (its `logger` option, printed by the workers as
// JSON lines). An attempt whose record was cut off is sent again once its lease lapses: such sends
// are counted and printed, bounded by terminations × workers × 2 × maxInFlight (requests in flight
// and records waiting to commit, docs/design.md §5.32).
//
// Sizing: CONNECTION_LOSS_TEST_EVENTS [1500], CONNECTION_LOSS_TEST_SEED [random, printed]. The
// figures are printed on one line starting with `[connection-loss-test]`.
import { afterAll, describe, expect, it } from 'vitest';
import { createSampleEvent } from '../../../../src/core/catalog/sample-events.js';
import { PostgresStorage } from '../../../../src/postgres/postgres-storage.js';
import { HttpTransport } from '../../../../src/sender/http-transport.node.js';
import { WebhookSender } from '../../../../src/sender/webhook-sender.js';
import { TEST_DATABASE_URL, usePostgresTestDatabase } from '../../../helpers/postgres/index.js';
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
import { seedFrom, sizeFrom } from '../../../helpers/processes/seeded-random.js';
import {
  lastWorkerProblem,
  type SenderWorkerConfig,
  workerLogs,
} from '../../../helpers/processes/sender-worker-config.js';
import { waitUntil } from '../../../helpers/processes/wait-until.js';
import { startWorkerFleet, type WorkerFleet } from '../../../helpers/processes/worker-fleet.js';

const EVENTS = sizeFrom('CONNECTION_LOSS_TEST_EVENTS', 1_500);
const SEED = seedFrom('CONNECTION_LOSS_TEST_SEED');
const WORKERS = 2;
const ENDPOINTS = 10;
const MAX_IN_FLIGHT = 16;
const PROFILE = { timeoutMs: 1_000, retryIntervalsMs: [50, 100, 200, 400] } as const;
const LEASE_MS = PROFILE.timeoutMs + 5_000;
/** When to terminate: at these shares of EVENTS requests seen by the receiver. */
const TERMINATE_AT = [0.2, 0.45, 0.7] as const;
const DEADLINE_MS = 120_000;

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const partner = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

describe('sender worker processes whose PostgreSQL sessions are terminated mid-run', () => {
  const db = usePostgresTestDatabase({ migrated: true, max: 4 });
  let receiver: LoopbackReceiver | undefined;
  let fleet: WorkerFleet | undefined;
  afterAll(async () => {
    await fleet?.killAll();
    await receiver?.close();
  });

  it(
    'pg_terminate_backend on every worker session, three times: the same workers carry on, nothing is lost, the failure is logged',
    { timeout: DEADLINE_MS + 60_000 },
    async () => {
      const { schema, pool } = db();
      receiver = await startLoopbackReceiver({
        behaviour: seededBehaviour({ seed: SEED, failRate: 0.3, slowRate: 0.05, slowMs: 200 }),
      });
      const live = receiver;
      const publisher = new WebhookSender({
        storage: new PostgresStorage({ pool, schema }),
        transport: new HttpTransport({ allowPrivateNetworks: true }), // loopback: tests only
        allowInsecureUrls: true,
        profile: fastProfile(PROFILE),
        logger: 'silent',
      });
      const endpointIds: string[] = [];
      const secrets: string[] = [];
      for (let i = 0; i < ENDPOINTS; i++) {
        const { endpoint, secret } = await publisher.createEndpoint(ORG, {
          url: live.urlFor(`e${i}`),
          events: ['compliance.decision_made'],
          partnerIds: [partner(i)],
        });
        live.setSecret(`e${i}`, secret);
        secrets.push(secret);
        endpointIds.push(endpoint.id);
      }
      // One application_name for every worker session: the test's own pool is not among them.
      const applicationName = `${schema}_lossy`;
      const configFor = (workerId: string): SenderWorkerConfig => ({
        workerId,
        storage: {
          kind: 'postgres',
          connectionString: TEST_DATABASE_URL,
          schema,
          poolMax: 4,
          applicationName,
        },
        migrate: false,
        profile: PROFILE,
        leaseMs: LEASE_MS,
        maxInFlight: MAX_IN_FLIGHT,
        pollIntervalMs: 200,
        dispatch: true,
      });
      fleet = await startWorkerFleet(WORKERS, 'lossy', configFor);
      const workers = fleet;
      const pids = workers.workers.map((w) => w.pid);

      const expected: ExpectedDelivery[] = [];
      const data = createSampleEvent('compliance.decision_made').data;
      let next = 0;
      const publishing = Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < EVENTS) {
            const i = next++;
            const published = await publisher.publish({
              organizationUuid: ORG,
              type: 'compliance.decision_made',
              partnerUuid: partner(i % ENDPOINTS),
              data,
            });
            expected.push({
              eventId: published.event.id,
              endpointId: endpointIds[i % ENDPOINTS] as string,
            });
          }
        }),
      );

      publishing.catch(() => undefined); // awaited below, after the terminations
      const terminated: number[] = [];
      for (const share of TERMINATE_AT) {
        const point = Math.floor(EVENTS * share);
        await waitUntil(
          () => {
            workers.assertAlive();
            return live.requests.length >= point;
          },
          {
            what: `${point} requests at the receiver`,
            timeoutMs: DEADLINE_MS,
            intervalMs: 10,
            progress: () =>
              `${live.requests.length} so far; ${workers.workers.map(lastWorkerProblem).join('; ')}`,
          },
        );
        const { rows } = await pool.query<{ terminated: boolean }>(
          `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
           WHERE application_name = $1 AND pid <> pg_backend_pid()`,
          [applicationName],
        );
        terminated.push(rows.filter((r) => r.terminated).length);
      }
      await publishing;
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
          progress: () =>
            `${live.requests.length} requests so far; ${workers.workers.map(lastWorkerProblem).join('; ')}`,
        },
      );
      expect(workers.unexpectedExits).toEqual([]);
      // The same processes: none died and none was restarted.
      expect(workers.workers.map((w) => w.pid)).toEqual(pids);
      expect(workers.workers.every((w) => w.exit === undefined)).toBe(true);
      await workers.stop();

      const rows = await readLedger(pool, schema);
      const balance = balanceLedger(rows, expected, live);
      const logs = workers.all.flatMap((w) => workerLogs(w));
      const storageFailures = logs.filter(
        (l) =>
          String(l.fields.call ?? '').startsWith('storage.') &&
          (l.fields.error as { code?: unknown } | undefined)?.code === 'storage_unavailable',
      );
      const poolErrors = workers.all.flatMap((w) => w.messages.filter((m) => m.t === 'pool-error'));
      const bound = TERMINATE_AT.length * WORKERS * 2 * MAX_IN_FLIGHT;
      console.log(
        `[connection-loss-test] seed=${SEED} events=${EVENTS} workers=${WORKERS} ` +
          `terminated=${JSON.stringify(terminated)} senderLogLines=${storageFailures.length} ` +
          `(calls ${JSON.stringify([...new Set(storageFailures.map((l) => l.fields.call))])}) ` +
          `poolErrors=${poolErrors.length} duplicateSends=${balance.duplicateSends} bound=${bound} ` +
          `delivered=${balance.delivered} failed=${balance.failed} attempts=${balance.attempts}`,
      );

      // Each round found the workers' sessions and ended them.
      for (const count of terminated) expect(count).toBeGreaterThan(0);
      expect(ledgerProblems(balance)).toEqual(NO_LEDGER_PROBLEMS);
      expect(balance.deliveries).toBe(EVENTS);
      // The sender logged what it saw fail: a storage call refused as storage_unavailable, with
      // the SQLSTATE of a terminated session (57P01 admin_shutdown) or the driver's lost
      // connection, and never a secret.
      expect(storageFailures.length).toBeGreaterThan(0);
      for (const line of storageFailures) expect(line.level).toBe('error');
      const logText = JSON.stringify(logs);
      for (const secret of secrets) expect(logText).not.toContain(secret);
      expect(balance.duplicateSends).toBeLessThanOrEqual(bound);
    },
  );
});
