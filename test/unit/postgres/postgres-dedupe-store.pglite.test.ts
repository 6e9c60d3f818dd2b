// PostgresDedupeStore on PGlite (embedded PostgreSQL through @electric-sql/pglite/node-postgres):
// the same SQL as on the server, through one embedded session. The shared DedupeStore suite on an
// injected clock (fast), then on PGlite's own clock for the expiry cases that wait out a real lease.
import { describe, expect, it } from 'vitest';
import { PostgresDedupeStore } from '../../../src/postgres/postgres-dedupe-store.js';
import { describeDedupeStore } from '../../helpers/dedupe-store-suite.js';
import { usePGliteTestDatabase } from '../../helpers/postgres/index.js';

const T0 = 1_729_684_200_000;
const db = usePGliteTestDatabase({ migrated: true });

const emptyTable = async () => {
  await db().pool.query(`DELETE FROM ${db().qualified('dedupe_keys')}`);
};

describeDedupeStore('PostgresDedupeStore on PGlite (injected clock)', async () => {
  let nowMs = T0;
  return {
    store: new PostgresDedupeStore({ pool: db().pool, now: () => nowMs }),
    advance: (ms: number) => {
      nowMs += ms;
    },
    cleanup: emptyTable,
  };
});

describeDedupeStore('PostgresDedupeStore on PGlite (database clock)', async () => ({
  store: new PostgresDedupeStore({ pool: db().pool }),
  cleanup: emptyTable,
}));

describe('PostgresDedupeStore on PGlite — purge', () => {
  it('purgeExpired(limit) -> expired rows in batches, live ones kept', async () => {
    let nowMs = T0;
    const store = new PostgresDedupeStore({ pool: db().pool, now: () => nowMs });
    try {
      for (let k = 0; k < 5; k++) await store.reserve(`lapsed_${k}`, 1_000);
      await store.reserve('live', 60_000);
      nowMs += 1_000;
      expect(await store.purgeExpired(3)).toBe(3);
      expect(await store.purgeExpired(3)).toBe(2);
      expect(await store.purgeExpired(3)).toBe(0);
      expect(await store.reserve('live', 1_000)).toEqual({ status: 'in_progress' });
    } finally {
      await emptyTable();
    }
  });
});
