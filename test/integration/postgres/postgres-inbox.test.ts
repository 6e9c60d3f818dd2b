// PostgresInbox against the real PostgreSQL at 127.0.0.1:5432 (database `test`), in a schema of
// its own: the shared Inbox suite, where the second "process" is a pool of its own, then what
// only this adapter promises: many claimers on separate pools, outages as storage_unavailable
// without values in the message, rows it did not write, and its options.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { WebhookStorageError } from '../../../src/core/errors.js';
import { PostgresInbox, type PostgresInboxOptions } from '../../../src/postgres/postgres-inbox.js';
import { describeInbox } from '../../helpers/inbox-suite.js';
import { TEST_DATABASE_URL, usePostgresTestDatabase } from '../../helpers/postgres/index.js';
import { thrown } from '../../helpers/thrown.js';
import { describeUnknownOptions } from '../../helpers/unknown-options-suite.js';

const T0 = 1_729_684_200_000;
const LEASE_MS = 60_000;

const db = usePostgresTestDatabase({ migrated: true, max: 10 });

/** An inbox on this file's schema. */
const inboxWith = (options: Partial<PostgresInboxOptions> = {}) =>
  new PostgresInbox({ pool: db().pool, schema: db().schema, ...options });

const emptyTable = async () => {
  await db().pool.query(`DELETE FROM ${db().qualified('inbox_entries')}`);
};

/** A pool of its own on the test database: another process, as far as the server can tell. */
const otherPool = () => new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 3 });

describeInbox('PostgresInbox', async () => {
  const pools: pg.Pool[] = [];
  return {
    inbox: inboxWith(),
    another: async () => {
      const pool = otherPool();
      pools.push(pool);
      return new PostgresInbox({ pool, schema: db().schema });
    },
    cleanup: async () => {
      await Promise.all(pools.map((p) => p.end()));
      await emptyTable();
    },
  };
});

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('PostgresInbox — several processes', () => {
  it('4 pools x 5 concurrent claims over 300 entries, then again after the leases lapse -> each entry exactly once per lease', async () => {
    const pools = Array.from({ length: 4 }, otherPool);
    try {
      const inboxes = pools.map((pool) => new PostgresInbox({ pool, schema: db().schema }));
      const keys = Array.from({ length: 300 }, (_, i) => `evt_${String(i).padStart(3, '0')}`);
      await Promise.all(
        keys.map((key, i) =>
          inboxWith().add({ key, event: { id: key }, receivedAtMs: T0 + i, attempts: 0 }),
        ),
      );
      for (const nowMs of [T0, T0 + LEASE_MS]) {
        const claimed: string[] = [];
        // Every claimer claims until it gets nothing: the 300 are shared out, none twice.
        await Promise.all(
          inboxes.flatMap((inbox) =>
            Array.from({ length: 5 }, async () => {
              for (;;) {
                const claims = await inbox.claim(7, { leaseMs: LEASE_MS, nowMs });
                if (claims.length === 0) return;
                claimed.push(...claims.map((c) => c.entry.key));
              }
            }),
          ),
        );
        expect(claimed).toHaveLength(300);
        expect(new Set(claimed).size).toBe(300);
      }
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await emptyTable();
    }
  });
});

describe('PostgresInbox — outages and stored rows', () => {
  it('a pool whose query rejects -> storage_unavailable naming the operation, the cause kept, no value in the message', async () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const inbox = new PostgresInbox({ pool: { query: () => Promise.reject(cause) } });
    const key = 'evt_user_data_4f1c';
    const entry = { key, event: { secret: 'body-canary' }, receivedAtMs: T0, attempts: 0 };
    for (const [operation, run] of [
      ['add', () => inbox.add(entry)],
      ['claim', () => inbox.claim(10, { leaseMs: LEASE_MS, nowMs: T0 })],
      ['claim', () => inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0, key })],
      ['complete', () => inbox.complete(key, 'tok-canary')],
      ['fail', () => inbox.fail(key, 'tok-canary', { code: 'handler_error', atMs: T0 })],
      ['pending', () => inbox.pending(10)],
    ] as const) {
      const error = await rejectionOf(run());
      expect(error).toBeInstanceOf(WebhookStorageError);
      expect(error).toMatchObject({ code: 'storage_unavailable', cause });
      const message = (error as Error).message;
      expect(message).toContain(`PostgresInbox.${operation}:`);
      for (const value of [key, 'body-canary', 'tok-canary']) expect(message).not.toContain(value);
    }
  });

  it('a schema migrate() has not run on -> storage_unavailable, the server error as cause', async () => {
    const inbox = inboxWith({ schema: 'no_such_schema_for_inbox' });
    const error = await rejectionOf(inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 }));
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error & { cause: { code?: string } }).cause.code).toBe('42P01');
  });

  it('a row the inbox did not write -> storage_corrupt', async () => {
    const odd = { query: async () => ({ rows: [{ key: 'evt_1', attempts: '0' }], rowCount: 1 }) };
    const error = await rejectionOf(new PostgresInbox({ pool: odd }).pending(10));
    expect(error).toMatchObject({ code: 'storage_corrupt' });
  });

  it('the event is stored as json, the lease in its columns (for monitoring queries)', async () => {
    try {
      const inbox = inboxWith();
      await inbox.add({ key: 'evt_1', event: { type: 'x', n: 1 }, receivedAtMs: T0, attempts: 0 });
      await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 });
      const { rows } = await db().pool.query(
        `SELECT event->>'type' AS type, lease_expires_at_ms, lease_token IS NOT NULL AS leased
         FROM ${db().qualified('inbox_entries')}`,
      );
      expect(rows).toEqual([{ type: 'x', lease_expires_at_ms: T0 + LEASE_MS, leased: true }]);
    } finally {
      await emptyTable();
    }
  });
});

describe('PostgresInbox — arguments and options', () => {
  it('an event JSON cannot write -> invalid_option naming entry.event; nothing stored', async () => {
    const inbox = inboxWith();
    for (const event of [{ n: 1n }, () => undefined, undefined]) {
      const error = await rejectionOf(
        inbox.add({ key: 'evt_1', event, receivedAtMs: T0, attempts: 0 }),
      );
      expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'entry.event' }] });
    }
    expect(await inbox.pending(10)).toEqual([]);
  });

  for (const limit of [0, 1.5, 10_001, Number.NaN, '10']) {
    it(`claim(${String(limit)}) / pending(${String(limit)}) -> invalid_option naming limit`, async () => {
      const inbox = inboxWith();
      for (const promise of [
        inbox.claim(limit as number, { leaseMs: LEASE_MS, nowMs: T0 }),
        inbox.pending(limit as number),
      ]) {
        expect(await rejectionOf(promise)).toMatchObject({
          code: 'invalid_option',
          issues: [{ path: 'limit' }],
        });
      }
    });
  }

  it('bad claim options, keys and tokens -> invalid_option naming them', async () => {
    const inbox = inboxWith();
    const cases: readonly [string, Promise<unknown>][] = [
      ['options.leaseMs', inbox.claim(1, { leaseMs: 0, nowMs: T0 })],
      ['options.nowMs', inbox.claim(1, { leaseMs: 1, nowMs: Number.NaN })],
      ['options.key', inbox.claim(1, { leaseMs: 1, nowMs: T0, key: '' })],
      ['key', inbox.complete('', 'token')],
      ['token', inbox.complete('evt_1', '')],
      ['failure.code', inbox.fail('evt_1', 'token', { code: '', atMs: T0 })],
      [
        'entry.receivedAtMs',
        inbox.add({ key: 'k', event: {}, receivedAtMs: Number.NaN, attempts: 0 }),
      ],
    ];
    for (const [path, promise] of cases) {
      expect(await rejectionOf(promise)).toMatchObject({
        code: 'invalid_option',
        issues: [{ path }],
      });
    }
  });

  it('no pool, or one without query -> invalid_option naming pool', () => {
    expect(thrown(() => new PostgresInbox(undefined as never)).issues[0]?.path).toBe('options');
    expect(thrown(() => new PostgresInbox({} as never)).issues[0]).toMatchObject({
      path: 'pool',
      code: 'required',
    });
    expect(thrown(() => new PostgresInbox({ pool: {} as never })).issues[0]?.path).toBe('pool');
  });

  for (const bad of ['', 'Public', 'a-b', 'x; DROP TABLE y', '1abc', 'a'.repeat(64), 42]) {
    it(`schema ${JSON.stringify(bad)} -> invalid_option naming schema`, () => {
      expect(thrown(() => inboxWith({ schema: bad as string })).issues[0]?.path).toBe('schema');
    });
  }

  describeUnknownOptions([
    [
      'PostgresInbox',
      (extra) =>
        new PostgresInbox({ pool: { query: async () => ({ rows: [], rowCount: 0 }) }, ...extra }),
      'PostgresInbox',
      'schema',
    ],
  ]);
});
