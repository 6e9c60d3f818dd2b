// PostgresIdempotencyStore against the real PostgreSQL at 127.0.0.1:5432 (database `test`), in a
// schema of its own: the shared IdempotencyStore contract, then what only this adapter promises:
// begins of one scope from separate pools (processes), header names that are not plain keys, a
// purge racing a begin, outages as storage_unavailable without values in the message, its options.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { WebhookStorageError } from '../../../src/core/errors.js';
import {
  PostgresIdempotencyStore,
  type PostgresIdempotencyStoreOptions,
} from '../../../src/postgres/postgres-idempotency-store.js';
import { describeIdempotencyStore } from '../../helpers/idempotency-store-conformance.js';
import { TEST_DATABASE_URL, usePostgresTestDatabase } from '../../helpers/postgres/index.js';
import { DAY_MS, T0 } from '../../helpers/sender-records.js';
import { thrown } from '../../helpers/thrown.js';
import { describeUnknownOptions } from '../../helpers/unknown-options-suite.js';

const IN_FLIGHT_MS = 5 * 60_000;

const db = usePostgresTestDatabase({ migrated: true, max: 10 });

/** A store on this file's schema. */
const storeWith = (options: Partial<PostgresIdempotencyStoreOptions> = {}) =>
  new PostgresIdempotencyStore({ pool: db().pool, schema: db().schema, ...options });

const emptyTable = async () => {
  await db().pool.query(`DELETE FROM ${db().qualified('idempotency_records')}`);
};

/** A pool of its own on the test database: another process, as far as the server can tell. */
const otherPool = () => new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 3 });

describeIdempotencyStore('PostgresIdempotencyStore', async () => ({
  store: storeWith(),
  cleanup: emptyTable,
}));

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const begin = (store: PostgresIdempotencyStore, scope: string, bodyHash: string, nowMs: number) =>
  store.begin({ scope, bodyHash, nowMs, ttlMs: DAY_MS, inFlightTtlMs: IN_FLIGHT_MS });

describe('PostgresIdempotencyStore — several processes', () => {
  it('4 pools x 10 concurrent begin of one scope -> exactly one started; its complete is replayed by every pool', async () => {
    const pools = Array.from({ length: 4 }, otherPool);
    try {
      const stores = pools.map(
        (p) => new PostgresIdempotencyStore({ pool: p, schema: db().schema }),
      );
      const results = await Promise.all(
        stores.flatMap((store) => Array.from({ length: 10 }, () => begin(store, 'scope', 'h', T0))),
      );
      const started = results.filter((r) => r.outcome === 'started');
      expect(started).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'in_flight')).toHaveLength(39);
      const token = started[0]?.outcome === 'started' ? started[0].token : '';
      await stores[2]?.complete({
        scope: 'scope',
        token,
        bodyHash: 'h',
        response: { status: 201, body: 'ok' },
        nowMs: T0 + 1,
        ttlMs: DAY_MS,
      });
      for (const store of stores) {
        expect(await begin(store, 'scope', 'h', T0 + 2)).toEqual({
          outcome: 'replay',
          response: { status: 201, body: 'ok' },
        });
      }
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await emptyTable();
    }
  });

  it('20 concurrent begins of one expired scope -> exactly one started, and its token holds the record', async () => {
    const store = storeWith();
    try {
      await begin(store, 'scope', 'h', T0); // crashed: never completed
      const later = T0 + IN_FLIGHT_MS;
      const results = await Promise.all(
        Array.from({ length: 20 }, () => begin(store, 'scope', 'h', later)),
      );
      const started = results.filter((r) => r.outcome === 'started');
      expect(started).toHaveLength(1);
      const token = started[0]?.outcome === 'started' ? started[0].token : '';
      await store.abandon('scope', token);
      expect((await begin(store, 'scope', 'other', later + 1)).outcome).toBe('started');
    } finally {
      await emptyTable();
    }
  });
});

describe('PostgresIdempotencyStore — stored responses', () => {
  it('headers named __proto__, constructor, with unicode and empty values; an empty header object -> replayed as they went in', async () => {
    const store = storeWith();
    try {
      const headers: Record<string, string> = {};
      for (const [name, value] of [
        ['__proto__', 'a'],
        ['constructor', 'b'],
        ['X-Ünïcode', '☃ "quoted" \\ back'],
        ['x-empty', ''],
        ['Content-Type', 'application/json'],
      ]) {
        Object.defineProperty(headers, name as string, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      for (const [scope, response] of [
        ['with', { status: 201, headers, body: '{"secret":"whsec_x"}\n' }],
        ['empty', { status: 204, headers: {}, body: '' }],
      ] as const) {
        const begun = await begin(store, scope, 'h', T0);
        if (begun.outcome !== 'started') throw new Error(begun.outcome);
        await store.complete({
          scope,
          token: begun.token,
          bodyHash: 'h',
          response,
          nowMs: T0,
          ttlMs: DAY_MS,
        });
        const replayed = await begin(store, scope, 'h', T0 + 1);
        expect(replayed).toStrictEqual({ outcome: 'replay', response });
        if (replayed.outcome === 'replay') {
          expect(Object.keys(replayed.response.headers ?? {})).toEqual(
            Object.keys(response.headers),
          );
          expect(Object.getPrototypeOf(replayed.response.headers)).toBe(Object.prototype);
        }
      }
    } finally {
      await emptyTable();
    }
  });
});

describe('PostgresIdempotencyStore.purgeExpired', () => {
  it('a scope begun again after its record expired -> kept by a purge at that time', async () => {
    const store = storeWith();
    try {
      await begin(store, 'scope', 'h', T0);
      const later = T0 + IN_FLIGHT_MS;
      expect((await begin(store, 'scope', 'h', later)).outcome).toBe('started');
      expect(await store.purgeExpired(later, 10)).toBe(0);
      expect(await begin(store, 'scope', 'h', later + 1)).toEqual({ outcome: 'in_flight' });
    } finally {
      await emptyTable();
    }
  });

  it('purges racing each other and begins -> every expired record deleted once, no live one', async () => {
    const store = storeWith();
    try {
      for (let k = 0; k < 200; k++) await begin(store, `old-${k}`, 'h', T0);
      const now = T0 + IN_FLIGHT_MS;
      const [purged, begun] = await Promise.all([
        Promise.all(
          Array.from({ length: 4 }, async () => {
            let total = 0;
            for (;;) {
              const deleted = await store.purgeExpired(now, 25);
              total += deleted;
              if (deleted === 0) return total;
            }
          }),
        ),
        Promise.all(Array.from({ length: 50 }, (_, k) => begin(store, `old-${k * 4}`, 'h', now))),
      ]);
      expect(begun.every((r) => r.outcome === 'started')).toBe(true);
      expect(purged.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(200);
      const { rows } = await db().pool.query(
        `SELECT count(*)::int AS n FROM ${db().qualified('idempotency_records')}`,
      );
      expect(rows[0].n).toBe(50);
      for (let k = 0; k < 50; k++) {
        expect(await begin(store, `old-${k * 4}`, 'h', now + 1)).toEqual({ outcome: 'in_flight' });
      }
    } finally {
      await emptyTable();
    }
  });

  for (const limit of [0, -1, 1.5, 100_001, Number.NaN, '10']) {
    it(`purgeExpired(nowMs, ${String(limit)}) -> rejects with invalid_option naming limit`, async () => {
      const store = storeWith();
      const error = await rejectionOf(store.purgeExpired(T0, limit as number));
      expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'limit' }] });
    });
  }

  it('purgeExpired(NaN, 10) -> rejects with invalid_option naming nowMs', async () => {
    const store = storeWith();
    const error = await rejectionOf(store.purgeExpired(Number.NaN, 10));
    expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'nowMs' }] });
  });
});

describe('PostgresIdempotencyStore — outages', () => {
  it('a pool whose query rejects -> storage_unavailable naming the operation, the cause kept, no scope in the message', async () => {
    const cause = new Error('Connection terminated unexpectedly');
    const store = new PostgresIdempotencyStore({
      pool: { query: () => Promise.reject(cause) },
    });
    const scope = 'org_user_data POST /v1/webhooks key-7f3a';
    const response = { status: 201, body: 'whsec_secret' };
    for (const [operation, run] of [
      ['begin', () => begin(store, scope, 'h', T0)],
      [
        'complete',
        () =>
          store.complete({ scope, token: 't', bodyHash: 'h', response, nowMs: T0, ttlMs: DAY_MS }),
      ],
      ['abandon', () => store.abandon(scope, 't')],
      ['purgeExpired', () => store.purgeExpired(T0, 10)],
    ] as const) {
      const error = await rejectionOf(run());
      expect(error).toBeInstanceOf(WebhookStorageError);
      expect(error).toMatchObject({ code: 'storage_unavailable', cause });
      expect((error as Error).message).toContain(`PostgresIdempotencyStore.${operation}:`);
      expect((error as Error).message).not.toContain('key-7f3a');
      expect((error as Error).message).not.toContain('whsec_secret');
    }
  });

  it('a schema migrate() has not run on -> storage_unavailable, the server error as cause', async () => {
    const store = storeWith({ schema: 'no_such_schema_for_idem' });
    const error = await rejectionOf(begin(store, 'scope', 'h', T0));
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error & { cause: { code?: string } }).cause.code).toBe('42P01');
  });

  it('a row the store did not write -> storage_corrupt', async () => {
    const odd = {
      query: async () => ({
        rows: [{ started: false, same_body: true, state: 'completed', response_status: '201' }],
        rowCount: 1,
      }),
    };
    const error = await rejectionOf(
      begin(new PostgresIdempotencyStore({ pool: odd }), 's', 'h', T0),
    );
    expect(error).toMatchObject({ code: 'storage_corrupt' });
  });
});

describe('PostgresIdempotencyStore — options', () => {
  it('no pool, or one without query -> invalid_option naming pool; a bad schema naming schema', () => {
    expect(thrown(() => new PostgresIdempotencyStore({} as never)).issues[0]).toMatchObject({
      path: 'pool',
      code: 'required',
    });
    expect(
      thrown(() => new PostgresIdempotencyStore({ pool: { query: 1 } as never })).issues[0]?.path,
    ).toBe('pool');
    expect(thrown(() => storeWith({ schema: 'x"; --' })).issues[0]?.path).toBe('schema');
  });

  describeUnknownOptions([
    [
      'PostgresIdempotencyStore',
      (extra) =>
        new PostgresIdempotencyStore({
          pool: { query: async () => ({ rows: [], rowCount: 0 }) },
          ...extra,
        }),
      'PostgresIdempotencyStore',
      'schema',
    ],
  ]);
});
