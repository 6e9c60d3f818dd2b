// PostgresStorage's named (prepared) statements, on one session so that `pg_prepared_statements`
// shows what the storage prepared: the hot statements go named and are planned once per session,
// a connection with `query(text, values)` only gets plain text, a schema change under a live
// session is healed by preparing again, and a session that lost its statements turns naming off.
// Run on real PostgreSQL (test/integration/postgres/postgres-storage-prepared.test.ts) and on
// PGlite (test/unit/postgres/postgres-storage-prepared.pglite.test.ts).
import { describe, expect, it } from 'vitest';
import type {
  PostgresClient,
  PostgresConnection,
} from '../../../src/postgres/postgres-connection.js';
import { PostgresStorage } from '../../../src/postgres/postgres-storage.js';
import {
  attemptRecord,
  DELIVERED,
  deliveryRecord,
  endpointRecord,
  eventRecord,
  T0,
} from '../../helpers/sender-records.js';

/** One session of the database, with the storage's schema migrated in it. */
export interface PreparedSession {
  /** A connection whose queries all run on one session (a pool of one, or one client). */
  readonly connection: PostgresConnection;
  /** Runs a query on that same session, beside the storage. */
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  readonly schema: string;
  /** `"schema"."name"`. */
  qualified(name: string): string;
}

const LEASE_MS = 60_000;

/** One delivery claimed, recorded, and a second one claimed and released: every hot path. */
async function roundTrip(storage: PostgresStorage): Promise<void> {
  const endpoint = endpointRecord();
  await storage.insertEndpoint(endpoint);
  expect(await storage.getEndpoint(endpoint.organizationUuid, endpoint.id)).toEqual(endpoint);
  const event = eventRecord();
  const first = deliveryRecord(event, endpoint);
  const second = deliveryRecord(event, endpoint);
  await storage.insertEvent(event, [first, second]);
  const claimed = await storage.claimDue({
    nowMs: T0,
    limit: 1,
    leaseMs: LEASE_MS,
    owner: 'prepared',
    maxPerEndpoint: 10,
    maxPerOrigin: 20,
    reservedForIdle: 0,
  });
  expect(claimed.map((c) => c.delivery.id)).toEqual([first.id]);
  const [one] = claimed;
  if (one === undefined) throw new Error('expected a claim');
  const result = await storage.recordAttempt({
    deliveryId: one.delivery.id,
    leaseToken: one.leaseToken,
    attempt: attemptRecord(one.delivery, T0, true),
    decision: DELIVERED,
    healthPolicy: null,
  });
  expect(result?.delivery.status).toBe('DELIVERED');
  const again = await storage.claimDue({ nowMs: T0, limit: 5, leaseMs: LEASE_MS, owner: 'p' });
  expect(again.map((c) => c.delivery.id)).toEqual([second.id]);
  await storage.releaseClaim(second.id, again[0]?.leaseToken ?? '');
  expect(await storage.nextDueAtMs()).toBe(second.nextAttemptAtMs);
  const last = await storage.claimDue({ nowMs: T0, limit: 5, leaseMs: LEASE_MS, owner: 'p' });
  expect(last.map((c) => c.delivery.id)).toEqual([second.id]);
  for (const c of last) {
    await storage.recordAttempt({
      deliveryId: c.delivery.id,
      leaseToken: c.leaseToken,
      attempt: attemptRecord(c.delivery, T0, true),
      decision: DELIVERED,
      healthPolicy: null,
    });
  }
  expect(await storage.nextDueAtMs()).toBeNull();
}

async function prepared(
  session: PreparedSession,
): Promise<{ name: string; statement: string; plans: number }[]> {
  const { rows } = await session.query(
    `SELECT name, statement, generic_plans + custom_plans AS plans FROM pg_prepared_statements
     WHERE name LIKE 'nwh\\_%' ORDER BY name`,
  );
  return rows.map((row) => ({
    name: String(row.name),
    statement: String(row.statement),
    plans: Number(row.plans),
  }));
}

export function describePreparedStatements(
  engine: string,
  session: () => Promise<PreparedSession>,
): void {
  describe(`PostgresStorage named statements on ${engine}`, () => {
    it('hot statements go named (nwh_ and a hash), each prepared once per session and reused', async () => {
      const db = await session();
      const storage = new PostgresStorage({
        pool: db.connection,
        schema: db.schema,
        changeFeed: false,
      });
      await roundTrip(storage);
      await roundTrip(storage);
      const statements = await prepared(db);
      for (const { name } of statements) expect(name).toMatch(/^nwh_[0-9a-f]{24}$/);
      const claim = statements.filter((s) => s.statement.includes('pending_endpoints'));
      expect(claim).toHaveLength(1);
      expect(claim[0]?.plans).toBeGreaterThanOrEqual(4); // two claims per round trip
      const texts = statements.map((s) => s.statement).join('\n');
      for (const phrase of [
        'min(due_at_ms)', // nextDueAtMs
        'lease_owner = NULL', // releaseClaim
        'FOR NO KEY UPDATE', // the record's lock
        `INSERT INTO "${db.schema}".attempts`, // the record's write
        `FROM "${db.schema}".endpoints AS e WHERE e.id = $2`, // getEndpoint
      ]) {
        expect(texts).toContain(phrase);
      }
      // The fan-out's insert is planned on every call, for the length of its arrays: a generic
      // plan made a 10,000-endpoint fan-out 50 times slower.
      expect(texts).not.toContain(`INSERT INTO "${db.schema}".deliveries`);
      // Statements of another storage on the same schema share the names (same text).
      const other = new PostgresStorage({
        pool: db.connection,
        schema: db.schema,
        changeFeed: false,
      });
      await roundTrip(other);
      expect((await prepared(db)).map((s) => s.name)).toEqual(statements.map((s) => s.name));
    });

    it('a connection with query(text, values) only gets plain text and works as before', async () => {
      const db = await session();
      const seen: unknown[] = [];
      const plain: PostgresClient = {
        async query(text: string, values: unknown[] = []) {
          seen.push(text);
          return db.query(text, values) as never;
        },
      };
      const storage = new PostgresStorage({ pool: plain, schema: db.schema, changeFeed: false });
      await roundTrip(storage);
      expect(seen.length).toBeGreaterThan(8);
      expect(seen.every((text) => typeof text === 'string')).toBe(true);
    });

    it('migrate() changing a table under a live session: the stale plans are prepared again once, no call fails', async () => {
      const db = await session();
      const storage = new PostgresStorage({
        pool: db.connection,
        schema: db.schema,
        changeFeed: false,
      });
      await roundTrip(storage);
      // Another result type for a statement of each path: the record's lock returns
      // deliveries.lease_owner (in a transaction), getEndpoint endpoints.description (one
      // statement). A column added changes neither (every statement names its columns).
      await db.query(`ALTER TABLE ${db.qualified('deliveries')} ADD COLUMN nwh_test_extra integer`);
      await db.query(
        `ALTER TABLE ${db.qualified('deliveries')} ALTER COLUMN lease_owner TYPE varchar(200)`,
      );
      try {
        await roundTrip(storage);
        const afterFirst = (await prepared(db)).map((s) => s.name);
        expect(afterFirst.some((name) => /^nwh_[0-9a-f]{24}_[0-9]+$/.test(name))).toBe(true);
        await db.query(
          `ALTER TABLE ${db.qualified('endpoints')} ALTER COLUMN description TYPE varchar(4000)`,
        );
        await roundTrip(storage);
        await roundTrip(storage);
        const afterSecond = (await prepared(db)).map((s) => s.name);
        expect(afterSecond.length).toBeGreaterThan(afterFirst.length);
      } finally {
        await db.query(`ALTER TABLE ${db.qualified('deliveries')} DROP COLUMN nwh_test_extra`);
        await db.query(
          `ALTER TABLE ${db.qualified('deliveries')} ALTER COLUMN lease_owner TYPE text COLLATE "C"`,
        );
        await db.query(
          `ALTER TABLE ${db.qualified('endpoints')} ALTER COLUMN description TYPE text`,
        );
      }
      await roundTrip(storage);
    });

    it('a session that lost its prepared statements (DISCARD ALL, a pooler): naming turns off, no call fails', async () => {
      const db = await session();
      const storage = new PostgresStorage({
        pool: db.connection,
        schema: db.schema,
        changeFeed: false,
      });
      await roundTrip(storage);
      await db.query('DEALLOCATE ALL');
      await roundTrip(storage);
      await roundTrip(storage);
      expect(await prepared(db)).toEqual([]);
    });
  });
}
