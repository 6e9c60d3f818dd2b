// PostgresDedupeStore against the real PostgreSQL at 127.0.0.1:5432 (database `test`), in a schema
// of its own: the shared DedupeStore suite on the database's clock (the production path: expiry
// cases wait out a short real lease) and on an injected clock, then what only this adapter
// promises: reservations across separate pools (processes), the bounded purge, outages as
// storage_unavailable without values in the message, and its options.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { WebhookStorageError } from '../../../src/core/errors.js';
import {
  PostgresDedupeStore,
  type PostgresDedupeStoreOptions,
} from '../../../src/postgres/postgres-dedupe-store.js';
import { describeDedupeStore } from '../../helpers/dedupe-store-suite.js';
import { TEST_DATABASE_URL, usePostgresTestDatabase } from '../../helpers/postgres/index.js';
import { thrown } from '../../helpers/thrown.js';
import { describeUnknownOptions } from '../../helpers/unknown-options-suite.js';

const T0 = 1_729_684_200_000;

const db = usePostgresTestDatabase({ migrated: true, max: 10 });

/** A store on this file's schema. */
const storeWith = (options: Partial<PostgresDedupeStoreOptions> = {}) =>
  new PostgresDedupeStore({ pool: db().pool, schema: db().schema, ...options });

const emptyTable = async () => {
  await db().pool.query(`DELETE FROM ${db().qualified('dedupe_keys')}`);
};

/** A pool of its own on the test database: another process, as far as the server can tell. */
const otherPool = () => new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 3 });

describeDedupeStore('PostgresDedupeStore (database clock)', async () => ({
  store: storeWith(),
  cleanup: emptyTable,
}));

describeDedupeStore('PostgresDedupeStore (injected clock)', async () => {
  let nowMs = T0;
  return {
    store: storeWith({ now: () => nowMs }),
    advance: (ms: number) => {
      nowMs += ms;
    },
    cleanup: emptyTable,
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

async function reserveToken(store: PostgresDedupeStore, key: string, ttlMs: number) {
  const found = await store.reserve(key, ttlMs);
  if (found.status !== 'reserved') throw new Error(`expected 'reserved', got '${found.status}'`);
  return found.token;
}

describe('PostgresDedupeStore — several processes', () => {
  it("4 pools x 10 concurrent reserve(key) -> exactly one 'reserved'; done is seen by every pool", async () => {
    const pools = Array.from({ length: 4 }, otherPool);
    try {
      const stores = pools.map((p) => new PostgresDedupeStore({ pool: p, schema: db().schema }));
      const results = await Promise.all(
        stores.flatMap((store) =>
          Array.from({ length: 10 }, () => store.reserve('evt_across', 60_000)),
        ),
      );
      const reserved = results.filter((r) => r.status === 'reserved');
      expect(reserved).toHaveLength(1);
      expect(results.filter((r) => r.status === 'in_progress')).toHaveLength(39);
      const token = reserved[0]?.status === 'reserved' ? reserved[0].token : '';
      expect(await stores[3]?.complete('evt_across', token, 60_000)).toBe(true);
      for (const store of stores) {
        expect(await store.reserve('evt_across', 60_000)).toEqual({ status: 'done' });
      }
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await emptyTable();
    }
  });
});

describe('PostgresDedupeStore.purgeExpired', () => {
  it('deletes expired rows (in progress and done) in batches of at most limit, keeps live ones', async () => {
    let nowMs = T0;
    const store = storeWith({ now: () => nowMs });
    try {
      for (let k = 0; k < 5; k++) await reserveToken(store, `lapsed_${k}`, 1_000);
      for (let k = 0; k < 4; k++) {
        const token = await reserveToken(store, `done_${k}`, 1_000);
        await store.complete(`done_${k}`, token, 2_000);
      }
      await reserveToken(store, 'live_pending', 60_000);
      const liveDone = await reserveToken(store, 'live_done', 1_000);
      await store.complete('live_done', liveDone, 60_000);
      nowMs += 2_000; // every lease of 1 s and every window of 2 s has ended
      const batches: number[] = [];
      for (;;) {
        const deleted = await store.purgeExpired(4);
        batches.push(deleted);
        if (deleted < 4) break;
      }
      expect(batches).toEqual([4, 4, 1]);
      const { rows } = await db().pool.query(
        `SELECT key FROM ${db().qualified('dedupe_keys')} ORDER BY key`,
      );
      expect(rows.map((r: { key: string }) => r.key)).toEqual(['live_done', 'live_pending']);
      expect(await store.reserve('live_pending', 1_000)).toEqual({ status: 'in_progress' });
      expect(await store.reserve('live_done', 1_000)).toEqual({ status: 'done' });
      expect(await store.purgeExpired()).toBe(0);
    } finally {
      await emptyTable();
    }
  });

  it('a key reserved again after its lease lapsed -> never purged as expired', async () => {
    let nowMs = T0;
    const store = storeWith({ now: () => nowMs });
    try {
      await reserveToken(store, 'evt_1', 1_000);
      nowMs += 1_000;
      const again = await reserveToken(store, 'evt_1', 1_000);
      expect(await store.purgeExpired(10)).toBe(0);
      expect(await store.complete('evt_1', again, 60_000)).toBe(true);
    } finally {
      await emptyTable();
    }
  });

  for (const limit of [0, -1, 1.5, 100_001, Number.NaN, '10']) {
    it(`purgeExpired(${String(limit)}) -> rejects with invalid_option naming limit`, async () => {
      const store = storeWith();
      const error = await rejectionOf(store.purgeExpired(limit as number));
      expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'limit' }] });
    });
  }
});

describe('PostgresDedupeStore — outages', () => {
  it('a pool whose query rejects -> storage_unavailable naming the operation, the cause kept, no key in the message', async () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const failing = { query: () => Promise.reject(cause) };
    const store = new PostgresDedupeStore({ pool: failing });
    const key = 'evt_user_data_4f1c';
    for (const [operation, run] of [
      ['reserve', () => store.reserve(key, 1_000)],
      ['complete', () => store.complete(key, 'tok', 1_000)],
      ['release', () => store.release(key, 'tok')],
      ['purgeExpired', () => store.purgeExpired(10)],
    ] as const) {
      const error = await rejectionOf(run());
      expect(error).toBeInstanceOf(WebhookStorageError);
      expect(error).toMatchObject({ code: 'storage_unavailable', cause });
      expect((error as Error).message).toContain(`PostgresDedupeStore.${operation}:`);
      expect((error as Error).message).not.toContain(key);
    }
  });

  it('a server that cannot be reached -> storage_unavailable', async () => {
    const down = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'postgres', database: 'test' });
    try {
      const error = await rejectionOf(
        new PostgresDedupeStore({ pool: down, schema: db().schema }).reserve('evt_1', 1_000),
      );
      expect(error).toMatchObject({ code: 'storage_unavailable' });
    } finally {
      await down.end();
    }
  });

  it('a schema migrate() has not run on -> storage_unavailable, the server error as cause', async () => {
    const store = storeWith({ schema: 'no_such_schema_for_dedupe' });
    const error = await rejectionOf(store.reserve('evt_1', 1_000));
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error & { cause: { code?: string } }).cause.code).toBe('42P01');
  });

  it('a row the store did not write -> storage_corrupt', async () => {
    const odd = {
      query: async () => ({ rows: [{ state: 'pending', reserved: true }], rowCount: 1 }),
    };
    const error = await rejectionOf(new PostgresDedupeStore({ pool: odd }).reserve('evt_1', 1_000));
    expect(error).toMatchObject({ code: 'storage_corrupt' });
  });
});

describe('PostgresDedupeStore — options', () => {
  it('no pool, or one without query -> invalid_option naming pool', () => {
    expect(thrown(() => new PostgresDedupeStore(undefined as never)).issues[0]?.path).toBe(
      'options',
    );
    expect(thrown(() => new PostgresDedupeStore({} as never)).issues[0]).toMatchObject({
      path: 'pool',
      code: 'required',
    });
    expect(thrown(() => new PostgresDedupeStore({ pool: {} as never })).issues[0]?.path).toBe(
      'pool',
    );
  });

  for (const bad of ['', 'Public', 'a-b', 'x; DROP TABLE y', '1abc', 'a'.repeat(64), 42]) {
    it(`schema ${JSON.stringify(bad)} -> invalid_option naming schema`, () => {
      expect(thrown(() => storeWith({ schema: bad as string })).issues[0]?.path).toBe('schema');
    });
  }

  it('now that is not a function, or returns no finite number -> invalid_option naming now', async () => {
    expect(thrown(() => storeWith({ now: 5 as never })).issues[0]?.path).toBe('now');
    const store = storeWith({ now: () => Number.NaN });
    const error = await rejectionOf(store.reserve('evt_1', 1_000));
    expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'now' }] });
  });

  describeUnknownOptions([
    [
      'PostgresDedupeStore',
      (extra) =>
        new PostgresDedupeStore({
          pool: { query: async () => ({ rows: [], rowCount: 0 }) },
          ...extra,
        }),
      'PostgresDedupeStore',
      'schema',
    ],
  ]);
});
