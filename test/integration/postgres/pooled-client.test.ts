// onPooledClient against the real PostgreSQL at 127.0.0.1:5432: a checked-out client whose
// session is killed between two statements (pg_terminate_backend, as an operator or a failover
// does) must not end the process with an unhandled `error` event, must fail the work's next
// statement, and must be closed rather than handed out again. Without the listener, pg emits the
// error with nobody listening (pg-pool listens only while a client is idle).
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { onPooledClient, withSession } from '../../../src/postgres/internal/with-session.js';
import { TEST_DATABASE_URL } from '../../helpers/postgres/index.js';

const pools: pg.Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
});

/** A pool of one client, with the `error` listener every pg user must give a pool. */
function onePool(): { pool: pg.Pool; poolErrors: Error[] } {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  const poolErrors: Error[] = [];
  pool.on('error', (error) => poolErrors.push(error));
  pools.push(pool);
  return { pool, poolErrors };
}

/** Kills the session whose backend pid is `pid` from another connection, and waits until it is gone. */
async function terminate(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    for (let i = 0; i < 200; i++) {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [
        pid,
      ]);
      if (rowCount === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the terminated session is still listed after 2 s');
  } finally {
    await admin.end();
  }
}

/** Resolves once the client has seen its connection end (its `error` or `end` event). */
function connectionEnded(client: pg.PoolClient): Promise<void> {
  return new Promise((resolve) => {
    client.once('end', () => resolve());
  });
}

describe('onPooledClient', () => {
  it('a session killed between two statements -> no unhandled error, the next statement fails, the client is closed', async () => {
    const { pool, poolErrors } = onePool();
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    let pidInWork = 0;
    try {
      const outcome = await onPooledClient(pool, async (client) => {
        const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
        pidInWork = (rows[0] as { pid: number }).pid;
        await client.query('BEGIN');
        const ended = connectionEnded(client as pg.PoolClient);
        await terminate(pidInWork);
        await ended;
        return client.query('SELECT 1').then(
          () => 'answered',
          () => 'refused',
        );
      });
      expect(outcome).toBe('refused');
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
    expect(poolErrors).toEqual([]);
    // The dead client was not handed back: the pool opens a new session.
    const { rows } = await pool.query('SELECT pg_backend_pid() AS pid');
    expect((rows[0] as { pid: number }).pid).not.toBe(pidInWork);
    expect(pool.totalCount).toBe(1);
  });

  it('keeps a client after a failure keepAfter accepts, closes it otherwise; the listener comes off either way', async () => {
    const { pool } = onePool();
    const pidOf = async (client: pg.PoolClient | pg.Pool) =>
      ((await client.query('SELECT pg_backend_pid() AS pid')).rows[0] as { pid: number }).pid;
    let first = 0;
    let held: pg.PoolClient | undefined;
    await expect(
      onPooledClient(
        pool,
        async (client) => {
          held = client as pg.PoolClient;
          first = await pidOf(held);
          expect(held.listenerCount('error')).toBe(1);
          throw new Error('refused by the caller');
        },
        () => true,
      ),
    ).rejects.toThrow('refused by the caller');
    // Back in the pool with pg-pool's idle listener only.
    expect(held?.listenerCount('error')).toBe(1);
    expect(await pidOf(pool)).toBe(first);
    await expect(
      withSession(pool, async () => {
        throw new Error('a failure in doubt');
      }),
    ).rejects.toThrow('a failure in doubt');
    expect(await pidOf(pool)).not.toBe(first);
  });
});
