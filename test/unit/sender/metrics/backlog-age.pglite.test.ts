// WebhookSender.backlogAgeSeconds on PostgresStorage (PGlite): a claim moves the row's `due_at_ms`
// to the lease expiry, so an attempt in flight does not age the backlog until its lease lapses,
// as on MemoryStorage (the same suite, backlog-age-suite.ts).
import { PostgresStorage } from '../../../../src/postgres/postgres-storage.js';
import { usePGliteTestDatabase } from '../../../helpers/postgres/index.js';
import { describeBacklogAge } from './backlog-age-suite.js';

const db = usePGliteTestDatabase({ migrated: true });

describeBacklogAge('PostgresStorage on PGlite', async () => {
  await db().pool.query(
    ['attempts', 'deliveries', 'events', 'endpoint_turns', 'endpoints']
      .map((table) => `DELETE FROM ${db().qualified(table)};`)
      .join(' '),
  );
  return new PostgresStorage({ pool: db().pool, changeFeed: false });
});
