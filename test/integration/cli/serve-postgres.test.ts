// `novatrade-webhooks serve` on real PostgreSQL (`--database-url`, a schema of this file's own,
// migrated by serve at start), as real child processes: the management routes answer and events
// ingested over HTTP are delivered and recorded DELIVERED; then two serve processes on the one
// database share the work: events published through either are each delivered exactly once, and
// each process delivers some of them.
import { afterAll, describe, expect, it } from 'vitest';
import {
  TEST_DATABASE_URL,
  usePostgresTestDatabase,
} from '../../helpers/postgres/real-postgres.js';
import { startLoopbackReceiver } from '../../helpers/processes/loopback-receiver.js';
import { waitUntil } from '../../helpers/processes/wait-until.js';
import {
  api,
  attemptLines,
  cleanUp,
  createEndpoint,
  ingest,
  metric,
  startServe,
  WAIT_MS,
} from './serve-harness.js';

const db = usePostgresTestDatabase();
afterAll(cleanUp);

describe('serve on PostgreSQL', () => {
  it('migrates its schema, answers the management routes and delivers; two serve processes share the work, each delivery once', async () => {
    // The receiver answers after 50 ms, so deliveries overlap and both processes get some.
    const receiver = await startLoopbackReceiver({
      behaviour: (request) =>
        request.signatureValid === true ? { status: 204, delayMs: 50 } : { status: 400 },
    });
    try {
      const args = ['--database-url', TEST_DATABASE_URL, '--schema', db().schema];
      const a = await startServe(args, 'serve-a');
      expect(a.child.messages.find((m) => m.msg === 'listening')).toMatchObject({
        database: { kind: 'postgres', url: TEST_DATABASE_URL, schema: db().schema },
      });
      // serve migrated the schema.
      const { rows } = await db().pool.query<{ version: number }>(
        `SELECT max(version) AS version FROM ${db().qualified('schema_migrations')}`,
      );
      expect(rows[0]?.version).toBeGreaterThanOrEqual(1);

      const first = await createEndpoint(a.url, receiver.urlFor('first'), ['compliance.*']);
      receiver.setSecret('first', first.secret);
      expect((await api(a.url, 'GET', '/v1/webhooks')).json).toEqual([
        expect.objectContaining({ id: first.id }),
      ]);
      const eventId = await ingest(a.url, 'compliance.decision_made');
      await a.child.waitForMessage((m) => m.msg === 'delivery attempt' && m.eventId === eventId, {
        timeoutMs: WAIT_MS,
        what: 'the attempt line',
      });
      const history = await api(a.url, 'GET', `/v1/webhooks/${first.id}/deliveries`);
      expect((history.json as { data: unknown[] }).data).toEqual([
        expect.objectContaining({ eventId, status: 'DELIVERED', httpStatus: 204 }),
      ]);
      expect((await fetch(`${a.url}/healthz`)).status).toBe(200);

      // A second serve on the same database and schema (no lock: PostgreSQL is shared).
      const b = await startServe(args, 'serve-b');
      const keys = ['k1', 'k2', 'k3', 'k4'];
      for (const key of keys) {
        const endpoint = await createEndpoint(b.url, receiver.urlFor(key), ['kyc.*']);
        receiver.setSecret(key, endpoint.secret);
      }
      // Twelve events, through both APIs in turn: each makes four deliveries, 48 in all.
      const published: string[] = [];
      for (let i = 0; i < 12; i++) {
        published.push(await ingest(i % 2 === 0 ? a.url : b.url, 'kyc.verification_completed'));
      }
      const delivered = () =>
        receiver.requests.filter((r) => published.includes(r.eventId) && r.status === 204);
      await waitUntil(() => delivered().length >= 48, {
        what: '48 deliveries',
        timeoutMs: WAIT_MS,
        progress: () => `${delivered().length} delivered`,
      });
      // Each delivery reached the receiver once, and verified.
      const kyc = receiver.requests.filter((r) => published.includes(r.eventId));
      expect(new Set(kyc.map((r) => r.deliveryId)).size).toBe(48);
      expect(kyc).toHaveLength(48);
      expect(kyc.every((r) => r.signatureValid === true)).toBe(true);

      // Each attempt was made (and printed) by exactly one of the two processes, and both worked.
      await waitUntil(
        () =>
          [...attemptLines(a.child), ...attemptLines(b.child)].filter((m) =>
            published.includes(String(m.eventId)),
          ).length >= 48,
        { what: 'the attempt lines', timeoutMs: WAIT_MS },
      );
      const linesOf = (child: typeof a.child) =>
        attemptLines(child).filter((m) => published.includes(String(m.eventId)));
      const byA = linesOf(a.child).map((m) => String(m.deliveryId));
      const byB = linesOf(b.child).map((m) => String(m.deliveryId));
      expect(new Set([...byA, ...byB]).size).toBe(48);
      expect(byA.length + byB.length).toBe(48);
      expect(byA.length).toBeGreaterThan(0);
      expect(byB.length).toBeGreaterThan(0);
      // Each process counts its own attempts; together they count every one.
      const success = 'webhooks_deliveries_attempted_total{outcome="success",status_class="2xx"}';
      expect(((await metric(a.url, success)) ?? 0) + ((await metric(b.url, success)) ?? 0)).toBe(
        49,
      );

      expect(await a.child.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(await b.child.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(a.child.stderr()).toBe('');
      expect(b.child.stderr()).toBe('');
    } finally {
      await receiver.close();
    }
  }, 120_000);
});
