// PostgresChangeFeed against the real PostgreSQL at 127.0.0.1:5432 (database `test`): a NOTIFY
// committed by another session reaches the listener (through the SQL the storage appends), two
// schemas never cross, a terminated LISTEN session is reported, reopened with backoff and
// followed by exactly one resync, and close() leaves no session and no timer behind. Waits are on
// events, each bounded; no test sleeps.
//
// Notifications reach a session in commit order, so "nothing else arrived" is checked by
// committing a marker notification afterwards and waiting for it.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookStorageError, WebhookValidationError } from '../../../src/core/errors.js';
import { summarizeError } from '../../../src/logging/internal/summarize-error.js';
import {
  PostgresChangeFeed,
  type PostgresChangeFeedOptions,
} from '../../../src/postgres/postgres-change-feed.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import type { SenderStorage } from '../../../src/sender/ports/sender-storage.js';
import type {
  EndpointChange,
  StorageChangeListener,
  StorageWatch,
  StorageWatchFailure,
  StorageWatchOptions,
} from '../../../src/sender/ports/storage-changes.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { createRecordingTransport } from '../../../src/testing/create-recording-transport.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import { recordingLogger } from '../../helpers/log-capture.js';
import { TEST_DATABASE_URL, usePostgresTestDatabase } from '../../helpers/postgres/index.js';

const db = usePostgresTestDatabase({ max: 4 });
const ORG = '550e8400-e29b-41d4-a716-446655440000';
const SECRET_CANARY = 'Pw7ConnCanarySecret3Lk';
const WAIT_MS = 5_000;

type Heard =
  | { readonly kind: 'due' }
  | { readonly kind: 'endpoint'; readonly change: EndpointChange }
  | { readonly kind: 'resync' }
  | { readonly kind: 'failed'; readonly failure: StorageWatchFailure };

/** A listener that records what it hears, and waits for what it has not heard yet. */
function recorder(): StorageChangeListener & {
  readonly heard: Heard[];
  until(predicate: (heard: readonly Heard[]) => boolean, what: string): Promise<void>;
} {
  const heard: Heard[] = [];
  let waiters: (() => void)[] = [];
  const push = (item: Heard) => {
    heard.push(item);
    const now = waiters;
    waiters = [];
    for (const wake of now) wake();
  };
  return {
    heard,
    due: () => push({ kind: 'due' }),
    endpointChanged: (change) => push({ kind: 'endpoint', change }),
    resync: () => push({ kind: 'resync' }),
    failed: (failure) => push({ kind: 'failed', failure }),
    until(predicate, what) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`not heard within ${WAIT_MS} ms: ${what}; heard ${kinds(heard)}`)),
          WAIT_MS,
        );
        const check = () => {
          if (predicate(heard)) {
            clearTimeout(timer);
            resolve();
          } else {
            waiters.push(check);
          }
        };
        check();
      });
    },
  };
}

const kinds = (heard: readonly Heard[]) =>
  heard.map((h) => (h.kind === 'failed' ? `failed:${h.failure.during}` : h.kind)).join(',');
const count = (heard: readonly Heard[], kind: Heard['kind']) =>
  heard.filter((h) => h.kind === kind).length;

const opened: { watches: StorageWatch[]; clients: pg.Client[]; pools: pg.Pool[] } = {
  watches: [],
  clients: [],
  pools: [],
};
afterEach(async () => {
  await Promise.allSettled(opened.watches.splice(0).map((w) => w.close()));
  await Promise.allSettled(opened.clients.splice(0).map((c) => c.end()));
  await Promise.allSettled(opened.pools.splice(0).map((p) => p.end()));
});

/** A unique application_name: how a test finds its LISTEN session in pg_stat_activity. */
const appName = () => `nwt_feed_${randomBytes(4).toString('hex')}`;

/** `connect` for the feed: a new pg.Client named `application`, optionally failing first. */
function connector(application: string) {
  const state = { calls: [] as number[], failNext: 0 };
  const connect = async () => {
    state.calls.push(performance.now());
    if (state.failNext > 0) {
      state.failNext--;
      // A driver may put the connection string in its message: it must not reach the listener's error.
      throw new Error(`connect ECONNREFUSED postgres://app:${SECRET_CANARY}@127.0.0.1:5432/test`);
    }
    const client = new pg.Client({
      connectionString: TEST_DATABASE_URL,
      application_name: application,
      password: SECRET_CANARY, // unused by the test server's trust authentication
    });
    await client.connect();
    return client;
  };
  return { state, connect };
}

async function watchWith(
  options: PostgresChangeFeedOptions,
  listener: StorageChangeListener,
): Promise<{ feed: PostgresChangeFeed; watch: StorageWatch }> {
  const feed = new PostgresChangeFeed(options);
  const watch = await feed.watch(listener);
  opened.watches.push(watch);
  return { feed, watch };
}

/** Backends of this database named `application` (the LISTEN session of a test). */
async function backends(application: string): Promise<number[]> {
  const { rows } = await db().pool.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
    [application],
  );
  return rows.map((row) => row.pid);
}

/** Polls pg_stat_activity (the server drops a backend asynchronously) until `predicate` holds. */
async function untilBackends(application: string, predicate: (pids: number[]) => boolean) {
  const deadline = performance.now() + WAIT_MS;
  for (;;) {
    const pids = await backends(application);
    if (predicate(pids)) return pids;
    if (performance.now() > deadline) throw new Error(`backends of ${application}: ${pids}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

describe('PostgresChangeFeed on PostgreSQL', () => {
  it('hears due work and endpoint changes committed by another session, through the notify SQL', async () => {
    const listener = recorder();
    const { connect } = connector(appName());
    const { feed } = await watchWith({ schema: db().schema, connect }, listener);
    const other = db().pool;

    await other.query(`SELECT ${feed.sql.dueNotify}`);
    await listener.until((h) => count(h, 'due') === 1, 'due');
    await other.query(`SELECT ${feed.sql.endpointNotify('$1', '$2')}`, [ORG, 'ep_abc']);
    await listener.until((h) => count(h, 'endpoint') === 1, 'endpoint');
    expect(listener.heard).toEqual([
      { kind: 'due' },
      { kind: 'endpoint', change: { organizationUuid: ORG, endpointId: 'ep_abc' } },
    ]);
  });

  it('hears one due per transaction however often it notifies, and nothing of a rollback', async () => {
    const listener = recorder();
    const { connect } = connector(appName());
    const { feed } = await watchWith({ schema: db().schema, connect }, listener);
    const session = await db().pool.connect();
    try {
      await session.query('BEGIN');
      for (let i = 0; i < 3; i++) await session.query(`SELECT ${feed.sql.dueNotify}`);
      await session.query('COMMIT');
      await session.query('BEGIN');
      await session.query(`SELECT ${feed.sql.dueNotify}`);
      await session.query(`SELECT ${feed.sql.endpointNotify('$1', '$2')}`, [ORG, 'ep_rolled']);
      await session.query('ROLLBACK');
      await session.query(`SELECT ${feed.sql.endpointNotify('$1', '$2')}`, [ORG, 'ep_marker']);
    } finally {
      session.release();
    }
    await listener.until((h) => count(h, 'endpoint') === 1, 'the marker');
    expect(listener.heard).toEqual([
      { kind: 'due' },
      { kind: 'endpoint', change: { organizationUuid: ORG, endpointId: 'ep_marker' } },
    ]);
  });

  it('the CTE form a storage statement uses: one due per statement however many rows, one change per endpoint row', async () => {
    const listener = recorder();
    const { feed } = await watchWith(
      { schema: db().schema, connect: connector(appName()).connect },
      listener,
    );
    const session = await db().pool.connect();
    try {
      await session.query(
        'CREATE TEMP TABLE rows_cte (id text, organization_uuid text, status text)',
      );
      // A volatile CTE runs when the final SELECT reads it (a CTE nobody reads is not run).
      await session.query(
        `WITH inserted AS (
           INSERT INTO rows_cte SELECT 'ep_' || g, $1, 'PENDING' FROM generate_series(1, 3) AS g
           RETURNING id, organization_uuid, status
         ),
         notified AS (
           SELECT ${feed.sql.dueNotify} WHERE EXISTS (SELECT 1 FROM inserted WHERE status = 'PENDING')
         )
         SELECT (SELECT count(*) FROM inserted) AS rows, (SELECT count(*) FROM notified) AS notified`,
        [ORG],
      );
      await session.query(
        `WITH updated AS (
           UPDATE rows_cte SET status = 'PAUSED' WHERE id IN ('ep_1', 'ep_2')
           RETURNING id, organization_uuid
         ),
         notified AS (SELECT ${feed.sql.endpointNotify('organization_uuid', 'id')} FROM updated)
         SELECT updated.* FROM updated WHERE (SELECT count(*) FROM notified) >= 0`,
      );
    } finally {
      session.release(true); // its temporary table goes with it
    }
    await listener.until((h) => count(h, 'endpoint') === 2, 'two endpoint changes');
    expect(listener.heard).toHaveLength(3);
    expect(listener.heard[0]).toEqual({ kind: 'due' });
    // The rows of one UPDATE come in no promised order.
    expect(listener.heard.slice(1)).toEqual(
      expect.arrayContaining([
        { kind: 'endpoint', change: { organizationUuid: ORG, endpointId: 'ep_1' } },
        { kind: 'endpoint', change: { organizationUuid: ORG, endpointId: 'ep_2' } },
      ]),
    );
  });

  it('two schemas on one database never hear each other', async () => {
    const a = recorder();
    const b = recorder();
    const schemaB = db().newSchemaName();
    const feedA = await watchWith(
      { schema: db().schema, connect: connector(appName()).connect },
      a,
    );
    const feedB = await watchWith({ schema: schemaB, connect: connector(appName()).connect }, b);
    const other = db().pool;
    await other.query(`SELECT ${feedB.feed.sql.dueNotify}`);
    await other.query(`SELECT ${feedB.feed.sql.endpointNotify('$1', '$2')}`, [ORG, 'ep_b']);
    await other.query(`SELECT ${feedA.feed.sql.endpointNotify('$1', '$2')}`, [ORG, 'ep_a']);
    await a.until((h) => count(h, 'endpoint') === 1, "A's marker");
    await b.until((h) => count(h, 'endpoint') === 1, "B's change");
    expect(a.heard).toEqual([
      { kind: 'endpoint', change: { organizationUuid: ORG, endpointId: 'ep_a' } },
    ]);
    expect(b.heard).toEqual([
      { kind: 'due' },
      { kind: 'endpoint', change: { organizationUuid: ORG, endpointId: 'ep_b' } },
    ]);
  });

  it('a garbled endpoint payload is reported without its text and read as a resync', async () => {
    const listener = recorder();
    const { feed } = await watchWith(
      { schema: db().schema, connect: connector(appName()).connect },
      listener,
    );
    await db().pool.query('SELECT pg_notify($1, $2)', [
      feed.sql.channels.endpoints,
      `{"v":9,"secret":"${SECRET_CANARY}"}`,
    ]);
    await listener.until((h) => count(h, 'resync') === 1, 'resync');
    const failure = listener.heard.find((h) => h.kind === 'failed');
    expect(failure?.kind === 'failed' && failure.failure.during).toBe('payload');
    expect(
      JSON.stringify(summarizeError(failure?.kind === 'failed' && failure.failure.error)),
    ).not.toContain(SECRET_CANARY);
  });

  it('pg_terminate_backend on the LISTEN session: reported, reopened with backoff, one resync, and it hears again', async () => {
    const application = appName();
    const listener = recorder();
    const { state, connect } = connector(application);
    const minDelayMs = 20;
    const { feed } = await watchWith(
      { schema: db().schema, connect, reconnect: { minDelayMs, maxDelayMs: 1_000 } },
      listener,
    );
    const [pid] = await untilBackends(application, (pids) => pids.length === 1);
    state.failNext = 2; // the first two reconnect attempts fail: the backoff shows
    const callsBefore = state.calls.length;
    await db().pool.query('SELECT pg_terminate_backend($1)', [pid]);

    await listener.until((h) => count(h, 'resync') === 1, 'resync after the reconnect');
    const failures = listener.heard.flatMap((h) => (h.kind === 'failed' ? [h.failure] : []));
    expect(failures.map((f) => [f.during, f.attempt])).toEqual([
      ['connection_lost', undefined],
      ['reconnect', 1],
      ['reconnect', 2],
    ]);
    for (const { error } of failures) {
      expect(error).toBeInstanceOf(WebhookStorageError);
      expect((error as WebhookStorageError).code).toBe('storage_unavailable');
      expect(JSON.stringify(summarizeError(error))).not.toContain(SECRET_CANARY);
    }
    // Attempts: at once, then after at least minDelayMs, then at least twice that (jittered up).
    const attempts = state.calls.slice(callsBefore);
    expect(attempts).toHaveLength(3);
    const [t0 = 0, t1 = 0, t2 = 0] = attempts;
    expect(t1 - t0).toBeGreaterThanOrEqual(minDelayMs - 1);
    expect(t2 - t1).toBeGreaterThanOrEqual(2 * minDelayMs - 1);

    // The new session listens: a change committed now is heard, and the resync stays one.
    const [newPid] = await untilBackends(application, (pids) => pids.length === 1);
    expect(newPid).not.toBe(pid);
    await db().pool.query(`SELECT ${feed.sql.dueNotify}`);
    await listener.until((h) => count(h, 'due') === 1, 'due after the reconnect');
    expect(count(listener.heard, 'resync')).toBe(1);
    expect(kinds(listener.heard)).toBe(
      'failed:connection_lost,failed:reconnect,failed:reconnect,resync,due',
    );
  });

  it('on a pool: keeps one client checked out while open, and destroys it on close', async () => {
    const application = appName();
    const pool = new pg.Pool({
      connectionString: TEST_DATABASE_URL,
      application_name: application,
      max: 3,
    });
    opened.pools.push(pool);
    const listener = recorder();
    const { feed, watch } = await watchWith({ schema: db().schema, pool }, listener);
    expect(pool.totalCount - pool.idleCount).toBe(1);
    await db().pool.query(`SELECT ${feed.sql.dueNotify}`);
    await listener.until((h) => count(h, 'due') === 1, 'due');

    await watch.close();
    expect(pool.totalCount).toBe(0); // not handed back to the pool with its LISTEN
    await untilBackends(application, (pids) => pids.length === 0);
  });

  it('close() ends the session; a closed watch hears nothing more', async () => {
    const application = appName();
    const listener = recorder();
    const { feed, watch } = await watchWith(
      { schema: db().schema, connect: connector(application).connect },
      listener,
    );
    await untilBackends(application, (pids) => pids.length === 1);
    await watch.close();
    await watch.close(); // idempotent
    await untilBackends(application, (pids) => pids.length === 0);
    // A watch opened now hears the notification; the closed one must not have by then.
    const marker = recorder();
    await watchWith({ schema: db().schema, connect: connector(appName()).connect }, marker);
    await db().pool.query(`SELECT ${feed.sql.dueNotify}`);
    await marker.until((h) => count(h, 'due') === 1, 'the marker');
    expect(listener.heard).toEqual([]);
  });

  it('close() during a reconnect backoff returns at once and stops the attempts', async () => {
    const application = appName();
    const listener = recorder();
    const { state, connect } = connector(application);
    const { watch } = await watchWith(
      { schema: db().schema, connect, reconnect: { minDelayMs: 60_000 } },
      listener,
    );
    const [pid] = await untilBackends(application, (pids) => pids.length === 1);
    state.failNext = Number.POSITIVE_INFINITY;
    await db().pool.query('SELECT pg_terminate_backend($1)', [pid]);
    await listener.until((h) => count(h, 'failed') === 2, 'the first failed reconnect');
    const attempts = state.calls.length;
    const startedAt = performance.now();
    await watch.close(); // the loop waits 60 s for its next attempt: close must not
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    expect(state.calls.length).toBe(attempts);
    expect(count(listener.heard, 'resync')).toBe(0);
  });

  it('watch() retries the first connection with backoff, reporting each failure, until its signal aborts', async () => {
    const listener = recorder();
    const { state, connect } = connector(appName());
    state.failNext = Number.POSITIVE_INFINITY;
    const feed = new PostgresChangeFeed({
      schema: db().schema,
      connect,
      reconnect: { minDelayMs: 1, maxDelayMs: 5 },
    });
    const abort = new AbortController();
    const watching = feed.watch(listener, { signal: abort.signal });
    await listener.until((h) => count(h, 'failed') >= 3, 'three failed attempts');
    abort.abort(new Error('stopping'));
    await expect(watching).rejects.toThrow('stopping');
    const failures = listener.heard.flatMap((h) => (h.kind === 'failed' ? [h.failure] : []));
    expect(failures.slice(0, 3).map((f) => [f.during, f.attempt])).toEqual([
      ['listen', 1],
      ['listen', 2],
      ['listen', 3],
    ]);
  });

  it('checks its options at construction', () => {
    const pool = db().pool;
    expect(() => new PostgresChangeFeed({})).toThrow(WebhookValidationError);
    expect(() => new PostgresChangeFeed({ pool, connect: connector(appName()).connect })).toThrow(
      /exactly one of/,
    );
    expect(() => new PostgresChangeFeed({ pool, schema: 'Bad-Name' })).toThrow(
      WebhookValidationError,
    );
    expect(
      () => new PostgresChangeFeed({ pool, reconnect: { minDelayMs: 100, maxDelayMs: 10 } }),
    ).toThrow(/maxDelayMs/);
    const single = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    opened.pools.push(single);
    expect(() => new PostgresChangeFeed({ pool: single })).toThrow(/pglite/);
    expect(
      () => new PostgresChangeFeed({ pool, unknown: true } as unknown as PostgresChangeFeedOptions),
    ).toThrow(/unknown option/);
  });
});

describe('a WebhookSender whose storage watches through PostgresChangeFeed', () => {
  /** The worker's storage: `memory` (shared with `other`), watched through the real feed. */
  async function setUp() {
    const application = appName();
    const memory = new MemoryStorage();
    const { state: connection, connect } = connector(application);
    const feed = new PostgresChangeFeed({
      schema: db().schema,
      connect,
      reconnect: { minDelayMs: 10, maxDelayMs: 100 },
    });
    const tap = recorder();
    let opened: Promise<StorageWatch> | undefined;
    const storage = new Proxy(memory, {
      get(target, key) {
        if (key === 'watch') {
          // The sender's listener, heard first by the recorder (to wait on), then called.
          return (listener: StorageChangeListener, options?: StorageWatchOptions) =>
            (opened = feed.watch(
              {
                due: () => {
                  tap.due();
                  listener.due();
                },
                endpointChanged: (change) => {
                  tap.endpointChanged(change);
                  listener.endpointChanged(change);
                },
                resync: () => {
                  tap.resync();
                  listener.resync();
                },
                failed: (failure) => {
                  tap.failed(failure);
                  listener.failed(failure);
                },
              },
              options,
            ));
        }
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as SenderStorage;
    const transport = createRecordingTransport();
    const logger = recordingLogger();
    const worker = new WebhookSender({
      storage,
      transport,
      logger,
      pollIntervalMs: 600_000,
      endpointCacheTtlMs: 600_000,
    });
    const other = new WebhookSender({
      storage: memory,
      transport: createRecordingTransport(),
      logger: 'silent',
    });
    worker.start();
    const listening = () =>
      untilBackends(application, (pids) => pids.length === 1).then(async ([pid]) => {
        // LISTEN has run when the session is idle after it.
        for (;;) {
          const { rows } = await db().pool.query<{ query: string; state: string }>(
            'SELECT query, state FROM pg_stat_activity WHERE pid = $1',
            [pid],
          );
          if (rows[0]?.state === 'idle' && rows[0].query.startsWith('LISTEN')) return pid as number;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      });
    await opened; // the sender's watch has resolved: it listens, and its caches start afresh
    await new Promise<void>((resolve) => setImmediate(resolve));
    const pid = await listening();
    return { feed, tap, transport, logger, worker, other, pid, connection };
  }

  const publish = (sender: WebhookSender) =>
    sender.publish({
      organizationUuid: ORG,
      type: 'compliance.decision_made',
      partnerUuid: EVENT_FIXTURES['compliance.decision_made'].partnerUuid,
      data: EVENT_FIXTURES['compliance.decision_made'].data,
    });
  const endpoint = (sender: WebhookSender, host: string) =>
    sender.createEndpoint(ORG, { url: `https://${host}.example/hooks`, events: ['compliance.*'] });
  const untilRequests = async (transport: { readonly requests: readonly unknown[] }, n: number) => {
    const deadline = performance.now() + WAIT_MS;
    while (transport.requests.length < n) {
      if (performance.now() > deadline) throw new Error(`${transport.requests.length} requests`);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };

  it('due work and endpoint changes notified on the database reach the sleeping worker at once', async () => {
    const { feed, tap, transport, worker, other } = await setUp();
    try {
      await endpoint(other, 'first');
      expect((await publish(worker)).deliveries).toBe(1); // cached for 10 minutes now
      await untilRequests(transport, 1);
      const { endpoint: second } = await endpoint(other, 'second');
      await db().pool.query(`SELECT ${feed.sql.endpointNotify('$1', '$2')}`, [ORG, second.id]);
      await tap.until((h) => count(h, 'endpoint') === 1, 'the endpoint change');
      expect((await publish(worker)).deliveries).toBe(2);
      await untilRequests(transport, 3);

      // Work stored by the other sender (no notification from MemoryStorage): the worker sleeps
      // for 10 minutes, so only the NOTIFY below can make it claim.
      await publish(other);
      await db().pool.query(`SELECT ${feed.sql.dueNotify}`);
      await untilRequests(transport, 5);
    } finally {
      await worker.stop({ deadlineMs: 1_000 });
    }
  });

  it('the LISTEN session terminated: the worker logs it, reconnects with backoff, resyncs once and claims what it missed', async () => {
    const { tap, transport, logger, worker, other, pid, connection } = await setUp();
    try {
      await endpoint(other, 'first');
      // Stored without a notification, while the worker sleeps for 10 minutes: only the resync's
      // claim can find it.
      await publish(other);
      connection.failNext = 1;
      await db().pool.query('SELECT pg_terminate_backend($1)', [pid]);
      await tap.until((h) => count(h, 'resync') === 1, 'resync');
      await untilRequests(transport, 1);
      expect(
        logger.calls
          .filter((c) => c.fields.call === 'storage.watch')
          .map((c) => [c.level, c.fields.phase, c.fields.attempt]),
      ).toEqual([
        ['error', 'connection_lost', undefined],
        ['error', 'reconnect', 1],
      ]);
      expect(JSON.stringify(logger.calls)).not.toContain(SECRET_CANARY);
      expect(count(tap.heard, 'resync')).toBe(1);
    } finally {
      await worker.stop({ deadlineMs: 1_000 });
    }
  });
});
