// PostgresChangeFeed on PGlite. Through `@electric-sql/pglite/node-postgres` a notification
// reaches only the pg client whose query committed it (pinned below), so the feed listens with
// `PGlite.listen`, which hears every commit of the instance: several senders on one PGlite (one
// process) hear each other's work and endpoint changes. PGlite's pool has one client, which a
// LISTEN session would take from every query: the feed refuses it.
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { WebhookValidationError } from '../../../src/core/errors.js';
import { PostgresChangeFeed } from '../../../src/postgres/postgres-change-feed.js';
import type {
  EndpointChange,
  StorageChangeListener,
} from '../../../src/sender/ports/storage-changes.js';
import { usePGliteTestDatabase } from '../../helpers/postgres/index.js';

const db = usePGliteTestDatabase();
const ORG = '550e8400-e29b-41d4-a716-446655440000';

type Heard =
  | { readonly kind: 'due' }
  | { readonly kind: 'endpoint'; readonly change: EndpointChange };

/** Records what it hears; `until` waits (bounded) for a count of endpoint changes. */
function recorder(): StorageChangeListener & {
  readonly heard: Heard[];
  readonly failures: unknown[];
  untilEndpoints(n: number): Promise<void>;
} {
  const heard: Heard[] = [];
  const failures: unknown[] = [];
  let wake = () => {};
  return {
    heard,
    failures,
    due: () => {
      heard.push({ kind: 'due' });
      wake();
    },
    endpointChanged: (change) => {
      heard.push({ kind: 'endpoint', change });
      wake();
    },
    resync: () => {},
    failed: (failure) => failures.push(failure),
    untilEndpoints(n) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('not heard within 5 s')), 5_000);
        const check = () => {
          if (heard.filter((h) => h.kind === 'endpoint').length >= n) {
            clearTimeout(timer);
            resolve();
          }
        };
        wake = check;
        check();
      });
    },
  };
}

describe('PostgresChangeFeed on PGlite', () => {
  it('through the pg adapter, a notification reaches only the client whose query sent it (why the feed uses PGlite.listen)', async () => {
    const listening = new pg.Client(createPgConfig(db().pglite));
    await listening.connect();
    const received: string[] = [];
    listening.on('notification', (n) => received.push(n.payload ?? ''));
    try {
      await listening.query('LISTEN "probe_channel"');
      await db().pool.query(`SELECT pg_notify('probe_channel', 'from the pool')`);
      await listening.query(`SELECT pg_notify('probe_channel', 'from itself')`);
      expect(received).toEqual(['from itself']);
    } finally {
      await listening.query('UNLISTEN *');
      await listening.end();
    }
  });

  it('two watches on one PGlite hear what any client commits, in order, and nothing of a rollback', async () => {
    const feed = new PostgresChangeFeed({ pglite: db().pglite });
    const a = recorder();
    const b = recorder();
    const watchA = await feed.watch(a);
    const watchB = await feed.watch(b);
    try {
      const pool = db().pool;
      await pool.query(`BEGIN; SELECT ${feed.sql.dueNotify}; SELECT ${feed.sql.dueNotify}; COMMIT`);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT ${feed.sql.endpointNotify('$1', '$2')}`, [ORG, 'ep_rolled']);
        await client.query('ROLLBACK');
        await client.query(`SELECT ${feed.sql.endpointNotify('$1', '$2')}`, [ORG, 'ep_1']);
      } finally {
        client.release();
      }
      await a.untilEndpoints(1);
      await b.untilEndpoints(1);
      const expected: Heard[] = [
        { kind: 'due' },
        { kind: 'endpoint', change: { organizationUuid: ORG, endpointId: 'ep_1' } },
      ];
      expect(a.heard).toEqual(expected);
      expect(b.heard).toEqual(expected);
      expect([...a.failures, ...b.failures]).toEqual([]);
    } finally {
      await watchA.close();
      await watchB.close();
    }
  });

  it('a closed watch hears nothing more, while another one still does', async () => {
    const feed = new PostgresChangeFeed({ pglite: db().pglite });
    const closed = recorder();
    const open = recorder();
    const watchClosed = await feed.watch(closed);
    const watchOpen = await feed.watch(open);
    await watchClosed.close();
    try {
      await db().pool.query(`SELECT ${feed.sql.endpointNotify('$1', '$2')}`, [ORG, 'ep_2']);
      await open.untilEndpoints(1);
      expect(closed.heard).toEqual([]);
    } finally {
      await watchOpen.close();
    }
  });

  it("refuses PGlite's pool (one client) and points at the pglite option", () => {
    expect(() => new PostgresChangeFeed({ pool: db().pool })).toThrow(WebhookValidationError);
    expect(() => new PostgresChangeFeed({ pool: db().pool })).toThrow(/pass `pglite`/);
  });
});
