// PostgresStorage against the real PostgreSQL at 127.0.0.1:5432 (database `test`), in a schema of
// its own: the whole SenderStorage contract suite, then what only this adapter promises: claimers
// in separate sessions that never share a delivery, group commit of recordAttempt, storage errors
// without values, and its options.
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { WebhookStorageError } from '../../../src/core/errors.js';
import type {
  PostgresPool,
  PostgresPoolClient,
  PostgresQueryResult,
} from '../../../src/postgres/postgres-connection.js';
import {
  PostgresStorage,
  type PostgresStorageOptions,
} from '../../../src/postgres/postgres-storage.js';
import type { ClaimedDelivery } from '../../../src/sender/ports/sender-storage.js';
import type { Transport } from '../../../src/sender/ports/transport.js';
import type { EndpointRecord } from '../../../src/sender/records.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import { TEST_DATABASE_URL, usePostgresTestDatabase } from '../../helpers/postgres/index.js';
import { OK_204, storageWith as withOverrides } from '../../helpers/sender-doubles.js';
import {
  attemptRecord,
  DELIVERED,
  deliveryRecord,
  endpointRecord,
  eventRecord,
  ORG_A,
  T0,
} from '../../helpers/sender-records.js';
import { describeSenderStorage } from '../../helpers/storage-conformance/index.js';
import { thrown } from '../../helpers/thrown.js';
import { describeUnknownOptions } from '../../helpers/unknown-options-suite.js';

const LEASE_MS = 60_000;

const db = usePostgresTestDatabase({ migrated: true, max: 6 });

/** A storage on this file's schema. */
const storageWith = (options: Partial<PostgresStorageOptions> = {}) =>
  new PostgresStorage({ pool: db().pool, schema: db().schema, ...options });

/**
 * Empty tables: a fresh storage for the next case, in one round trip (the property cases make a
 * storage per run). The sequences go on: the storage needs their order, not their values.
 */
const emptyTables = async () => {
  await db().pool.query(
    ['attempts', 'deliveries', 'events', 'endpoint_turns', 'endpoints']
      .map((table) => `DELETE FROM ${db().qualified(table)};`)
      .join(' '),
  );
};

describeSenderStorage('PostgresStorage', async () => {
  await emptyTables();
  return { storage: storageWith() };
});

/** A pool of its own on the test database: another process, as far as the server can tell. */
const otherPool = (max = 1) => new pg.Pool({ connectionString: TEST_DATABASE_URL, max });

/** `count` endpoints and `perEndpoint` PENDING deliveries each, all due at T0 (one fan-out per round). */
async function backlog(storage: PostgresStorage, count: number, perEndpoint: number) {
  const endpoints: EndpointRecord[] = [];
  for (let i = 0; i < count; i++) {
    const endpoint = endpointRecord({ url: `https://receiver-${i % 7}.example/hooks` });
    await storage.insertEndpoint(endpoint);
    endpoints.push(endpoint);
  }
  for (let round = 0; round < perEndpoint; round++) {
    const event = eventRecord({ createdAtMs: T0 });
    await storage.insertEvent(
      event,
      endpoints.map((endpoint) => deliveryRecord(event, endpoint, { nextAttemptAtMs: T0 + round })),
    );
  }
  return endpoints;
}

/** {@link backlog}, then every delivery claimed at `nowMs` by one worker (each endpoint's head first). */
async function claimedBacklog(
  count: number,
  perEndpoint: number,
  nowMs: number,
): Promise<readonly ClaimedDelivery[]> {
  await backlog(storageWith(), count, perEndpoint);
  const claimed = await storageWith().claimDue({
    nowMs,
    limit: count * perEndpoint,
    leaseMs: LEASE_MS,
    owner: 'w',
  });
  expect(claimed).toHaveLength(count * perEndpoint);
  return claimed;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('PostgresStorage — several processes', () => {
  it('20 claimers in separate sessions over 5,000 due deliveries -> each claimed by exactly one claimer per lease, the per-endpoint cap held; after the lapse the leases are claimed again and the old holder is refused', async () => {
    await emptyTables();
    const pools = Array.from({ length: 20 }, () => otherPool());
    try {
      const storages = pools.map((pool) => new PostgresStorage({ pool, schema: db().schema }));
      await backlog(storageWith(), 50, 100);
      // A worker that claims 250 and dies: its leases lapse at NOW + LEASE_MS.
      const NOW = T0 + 1_000; // every delivery is due
      const dead = await storageWith().claimDue({
        nowMs: NOW,
        limit: 250,
        leaseMs: LEASE_MS,
        owner: 'dead',
      });
      expect(dead).toHaveLength(250);
      const MAX_PER_ENDPOINT = 3;

      /** Every claimer claims and records until nothing is due at `nowMs`; returns its claims. */
      const drain = (nowMs: number) =>
        Promise.all(
          storages.map(async (storage, index) => {
            const owner = `worker-${index}`;
            const mine: ClaimedDelivery[] = [];
            for (;;) {
              const held: ClaimedDelivery[] = [];
              // Two claims before recording, the second within the room the first left.
              for (let round = 0; round < 2; round++) {
                const inFlight = new Map<string, number>();
                for (const c of held) {
                  inFlight.set(c.endpoint.id, (inFlight.get(c.endpoint.id) ?? 0) + 1);
                }
                const claimed = await storage.claimDue({
                  nowMs,
                  limit: 40,
                  leaseMs: LEASE_MS,
                  owner,
                  maxPerEndpoint: MAX_PER_ENDPOINT,
                  inFlightByEndpoint: inFlight,
                });
                held.push(...claimed);
              }
              const perEndpoint = new Map<string, number>();
              for (const c of held) {
                perEndpoint.set(c.endpoint.id, (perEndpoint.get(c.endpoint.id) ?? 0) + 1);
              }
              expect(Math.max(0, ...perEndpoint.values())).toBeLessThanOrEqual(MAX_PER_ENDPOINT);
              if (held.length === 0) return mine;
              const results = await Promise.all(
                held.map((c) =>
                  storage.recordAttempt({
                    deliveryId: c.delivery.id,
                    leaseToken: c.leaseToken,
                    attempt: attemptRecord(c.delivery, nowMs, true),
                    decision: DELIVERED,
                    healthPolicy: null,
                  }),
                ),
              );
              expect(results.every((r) => r?.delivery.status === 'DELIVERED')).toBe(true);
              mine.push(...held);
            }
          }),
        );

      const first = (await drain(NOW)).flat();
      expect(first).toHaveLength(4_750);
      expect(new Set(first.map((c) => c.delivery.id)).size).toBe(4_750);
      const deadIds = new Set(dead.map((c) => c.delivery.id));
      expect(first.some((c) => deadIds.has(c.delivery.id))).toBe(false);

      const second = (await drain(NOW + LEASE_MS)).flat();
      expect(second.map((c) => c.delivery.id).sort()).toEqual([...deadIds].sort());
      const refused = await Promise.all(
        dead.map((c) =>
          storageWith().recordAttempt({
            deliveryId: c.delivery.id,
            leaseToken: c.leaseToken,
            attempt: attemptRecord(c.delivery, T0, false),
            decision: DELIVERED,
            healthPolicy: null,
          }),
        ),
      );
      expect(refused.every((r) => r === null)).toBe(true);
      const { rows } = await db().pool.query(
        `SELECT status, attempts, count(*)::integer AS n FROM ${db().qualified('deliveries')}
         GROUP BY status, attempts`,
      );
      expect(rows).toEqual([{ status: 'DELIVERED', attempts: 1, n: 5_000 }]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
      await emptyTables();
    }
  }, 120_000);
});

/** A pool over the test pool that counts the transactions and statements sent through it. */
function countingPool(failOn?: RegExp): {
  pool: PostgresPool;
  transactions: () => number;
  statements: () => number;
} {
  let transactions = 0;
  let statements = 0;
  /** Counts a statement; one matching `failOn` fails as a dropped connection does (no SQLSTATE). */
  const send = (text: unknown, run: () => Promise<PostgresQueryResult>) => {
    const sql = typeof text === 'string' ? text : (text as { text: string }).text;
    statements += 1;
    if (sql.startsWith('BEGIN')) transactions += 1;
    if (failOn?.test(sql) === true) {
      return Promise.reject(new Error('Connection terminated unexpectedly'));
    }
    return run();
  };
  const pool: PostgresPool = {
    query: (text, values) => send(text, () => db().pool.query(text, values)),
    async connect(): Promise<PostgresPoolClient> {
      const client = await db().pool.connect();
      return {
        query: (text, values) => send(text, () => client.query(text, values)),
        release: (destroy) => client.release(destroy),
      };
    },
    get totalCount() {
      return db().pool.totalCount;
    },
  };
  return { pool, transactions: () => transactions, statements: () => statements };
}

describe('PostgresStorage — group commit', () => {
  it('200 concurrent recordAttempt calls -> each caller its own result, in fewer transactions than calls', async () => {
    await emptyTables();
    try {
      const claimed = await claimedBacklog(40, 5, T0 + 10);
      const { pool, transactions, statements } = countingPool();
      const storage = new PostgresStorage({ pool, schema: db().schema });
      const results = await Promise.all(
        claimed.map((c, i) =>
          storage.recordAttempt({
            deliveryId: c.delivery.id,
            leaseToken: c.leaseToken,
            attempt: attemptRecord(c.delivery, T0 + 10 + i, true),
            decision: DELIVERED,
            healthPolicy: null,
          }),
        ),
      );
      expect(results.map((r) => r?.delivery.id)).toEqual(claimed.map((c) => c.delivery.id));
      expect(results.every((r) => r?.delivery.lastAttemptAtMs !== undefined)).toBe(true);
      results.forEach((r, i) => {
        expect(r?.delivery.lastAttemptAtMs).toBe(T0 + 10 + i);
      });
      // 200 calls, batches of at most 100: 2 transactions of 4 statements each.
      expect(transactions()).toBe(2);
      expect(statements()).toBe(8);
    } finally {
      await emptyTables();
    }
  });

  it('a batch whose statement fails -> retried call by call: only the bad call rejects, the others are recorded', async () => {
    await emptyTables();
    try {
      const claimed = await claimedBacklog(10, 1, T0);
      const { pool, transactions } = countingPool();
      const storage = new PostgresStorage({ pool, schema: db().schema });
      const bad = claimed[3] as ClaimedDelivery;
      const outcomes = await Promise.allSettled(
        claimed.map((c) =>
          storage.recordAttempt({
            deliveryId: c.delivery.id,
            leaseToken: c.leaseToken,
            // attempts.attempt is an integer column: 1.5 makes the statement fail.
            attempt: { ...attemptRecord(c.delivery, T0, true), attempt: c === bad ? 1.5 : 1 },
            decision: DELIVERED,
            healthPolicy: null,
          }),
        ),
      );
      expect(outcomes.map((o) => o.status)).toEqual(
        claimed.map((c) => (c === bad ? 'rejected' : 'fulfilled')),
      );
      const rejected = outcomes[3] as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(WebhookStorageError);
      expect(rejected.reason).toMatchObject({ code: 'storage_unavailable' });
      expect((rejected.reason as Error).message).not.toContain(bad.delivery.id);
      // One batch of 10 that failed, then 10 transactions of one.
      expect(transactions()).toBe(11);
      const reader = storageWith();
      expect(await reader.getDelivery(ORG_A, bad.delivery.id)).toMatchObject({
        status: 'PENDING',
        attempts: 0,
      });
      for (const c of claimed.filter((x) => x !== bad)) {
        expect(await reader.getDelivery(ORG_A, c.delivery.id)).toMatchObject({
          status: 'DELIVERED',
          attempts: 1,
        });
      }
    } finally {
      await emptyTables();
    }
  });
});

describe('PostgresStorage — group commit on a lost connection', () => {
  it('a batch that fails with the connection (no SQLSTATE) -> every caller rejects at once, not retried call by call', async () => {
    await emptyTables();
    try {
      const claimed = await claimedBacklog(6, 1, T0);
      // A pool whose sessions die on the record's write, as a dropped connection does.
      const { pool, transactions } = countingPool(/INSERT INTO \S+\.attempts/);
      const storage = new PostgresStorage({ pool, schema: db().schema, changeFeed: false });
      const outcomes = await Promise.allSettled(
        claimed.map((c) =>
          storage.recordAttempt({
            deliveryId: c.delivery.id,
            leaseToken: c.leaseToken,
            attempt: attemptRecord(c.delivery, T0, true),
            decision: DELIVERED,
            healthPolicy: null,
          }),
        ),
      );
      expect(outcomes.map((o) => o.status)).toEqual(claimed.map(() => 'rejected'));
      expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({
        code: 'storage_unavailable',
      });
      expect(transactions()).toBe(1);
      // Nothing was written: the leases still hold, and lapse as after any lost record.
      for (const c of claimed) {
        expect(await storageWith().getDelivery(ORG_A, c.delivery.id)).toMatchObject({
          status: 'PENDING',
          attempts: 0,
        });
      }
    } finally {
      await emptyTables();
    }
  });
});

describe('PostgresStorage — errors', () => {
  it('a connection whose query rejects -> storage_unavailable naming the operation, the cause kept, no value in the message', async () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const storage = new PostgresStorage({ pool: { query: () => Promise.reject(cause) } });
    const endpoint = endpointRecord({ id: 'wh_canary_1', url: 'https://canary.example/x' });
    const event = eventRecord({ id: 'evt_canary_2', data: { secret: 'body-canary' } });
    const delivery = deliveryRecord(event, endpoint, { id: 'del_canary_3' });
    const runs: readonly [string, () => Promise<unknown>][] = [
      ['insertEndpoint', () => storage.insertEndpoint(endpoint)],
      ['getEndpoint', () => storage.getEndpoint(ORG_A, endpoint.id)],
      ['listEndpoints', () => storage.listEndpoints(ORG_A)],
      [
        'updateEndpoint',
        () =>
          storage.updateEndpoint({
            organizationUuid: ORG_A,
            endpointId: endpoint.id,
            changes: { url: 'https://canary.example/y' },
            nowMs: T0,
          }),
      ],
      ['deleteEndpoint', () => storage.deleteEndpoint(ORG_A, endpoint.id, T0)],
      ['insertEvent', () => storage.insertEvent(event, [delivery])],
      ['insertDeliveries', () => storage.insertDeliveries([delivery])],
      ['getDelivery', () => storage.getDelivery(ORG_A, delivery.id)],
      ['listAttempts', () => storage.listAttempts(delivery.id)],
      [
        'claimDue',
        () => storage.claimDue({ nowMs: T0, limit: 1, leaseMs: LEASE_MS, owner: 'owner-canary' }),
      ],
      [
        'recordAttempt',
        () =>
          storage.recordAttempt({
            deliveryId: delivery.id,
            leaseToken: '12345',
            attempt: attemptRecord(delivery, T0, false),
            decision: DELIVERED,
            healthPolicy: null,
          }),
      ],
      ['releaseClaim', () => storage.releaseClaim(delivery.id, '12345')],
      ['nextDueAtMs', () => storage.nextDueAtMs()],
      ['purgeBefore', () => storage.purgeBefore(T0, 10)],
    ];
    for (const [operation, run] of runs) {
      const error = await rejectionOf(run());
      expect(error).toBeInstanceOf(WebhookStorageError);
      expect(error).toMatchObject({ code: 'storage_unavailable', cause });
      const message = (error as Error).message;
      expect(message).toContain(`PostgresStorage.${operation}:`);
      for (const value of ['canary', '12345']) expect(message).not.toContain(value);
    }
  });

  it('a conflict names no id: a delivery id already stored -> invalid_state, SQL detail only in the cause', async () => {
    await emptyTables();
    try {
      const storage = storageWith();
      const endpoint = endpointRecord();
      await storage.insertEndpoint(endpoint);
      const event = eventRecord();
      const delivery = deliveryRecord(event, endpoint);
      await storage.insertEvent(event, [delivery]);
      const again = eventRecord();
      const error = await rejectionOf(
        storage.insertEvent(again, [deliveryRecord(again, endpoint, { id: delivery.id })]),
      );
      expect(error).toMatchObject({ name: 'WebhookConflictError', code: 'invalid_state' });
      expect((error as Error).message).not.toContain(delivery.id);
      expect(await storage.getEvent(ORG_A, again.id)).toBeNull();
    } finally {
      await emptyTables();
    }
  });

  it('a schema migrate() has not run on -> storage_unavailable with SQLSTATE 42P01, the server error as cause', async () => {
    const storage = storageWith({ schema: 'no_such_schema_for_storage' });
    const error = await rejectionOf(
      storage.claimDue({ nowMs: T0, limit: 1, leaseMs: LEASE_MS, owner: 'w' }),
    );
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error).message).toContain('SQLSTATE 42P01');
    expect((error as Error & { cause: { code?: string } }).cause.code).toBe('42P01');
  });

  it('response bodies: U+0000 is stored as U+FFFD, the rest as sent', async () => {
    await emptyTables();
    try {
      const storage = storageWith();
      await backlog(storage, 1, 1);
      const [claimed] = await storage.claimDue({
        nowMs: T0,
        limit: 1,
        leaseMs: LEASE_MS,
        owner: 'w',
      });
      const delivery = (claimed as ClaimedDelivery).delivery;
      await storage.recordAttempt({
        deliveryId: delivery.id,
        leaseToken: (claimed as ClaimedDelivery).leaseToken,
        attempt: { ...attemptRecord(delivery, T0, true), responseBody: 'a\u0000b\u00e9' },
        decision: DELIVERED,
        healthPolicy: null,
      });
      expect((await storage.listAttempts(delivery.id))[0]?.responseBody).toBe('a\uFFFDb\u00e9');
    } finally {
      await emptyTables();
    }
  });
});

describe('PostgresStorage — options', () => {
  it('no pool, or one without query -> invalid_option naming pool', () => {
    expect(thrown(() => new PostgresStorage(undefined as never)).issues[0]?.path).toBe('options');
    expect(thrown(() => new PostgresStorage({} as never)).issues[0]).toMatchObject({
      path: 'pool',
      code: 'required',
    });
    expect(thrown(() => new PostgresStorage({ pool: {} as never })).issues[0]?.path).toBe('pool');
  });

  for (const bad of ['', 'Public', 'a-b', 'x; DROP TABLE y', '1abc', 'a'.repeat(64), 42]) {
    it(`schema ${JSON.stringify(bad)} -> invalid_option naming schema`, () => {
      expect(thrown(() => storageWith({ schema: bad as string })).issues[0]?.path).toBe('schema');
    });
  }

  for (const bad of [0, 1.5, 10_001, Number.NaN, '10']) {
    it(`recordBatchSize ${String(bad)} -> invalid_option naming recordBatchSize`, () => {
      expect(thrown(() => storageWith({ recordBatchSize: bad as number })).issues[0]?.path).toBe(
        'recordBatchSize',
      );
    });
  }

  it('recordBatchSize 1 -> one transaction per call', async () => {
    await emptyTables();
    try {
      const claimed = await claimedBacklog(5, 1, T0);
      const { pool, transactions } = countingPool();
      const storage = new PostgresStorage({ pool, schema: db().schema, recordBatchSize: 1 });
      await Promise.all(
        claimed.map((c) =>
          storage.recordAttempt({
            deliveryId: c.delivery.id,
            leaseToken: c.leaseToken,
            attempt: attemptRecord(c.delivery, T0, true),
            decision: DELIVERED,
            healthPolicy: null,
          }),
        ),
      );
      expect(transactions()).toBe(5);
    } finally {
      await emptyTables();
    }
  });

  describeUnknownOptions([
    [
      'PostgresStorage',
      (extra) =>
        new PostgresStorage({
          pool: { query: async () => ({ rows: [], rowCount: 0 }) },
          ...extra,
        }),
      'PostgresStorage',
      'schema',
    ],
  ]);
});

describe('PostgresStorage — change feed', () => {
  /** A listener that records every call, and waits for the next one of a kind. */
  function recordingListener() {
    const calls: { kind: string; change?: { organizationUuid: string; endpointId: string } }[] = [];
    const waiters: (() => void)[] = [];
    const push = (call: (typeof calls)[number]) => {
      calls.push(call);
      for (const wake of waiters.splice(0)) wake();
    };
    const until = async (predicate: () => boolean, what: string) => {
      const deadline = Date.now() + 5_000;
      while (!predicate()) {
        if (Date.now() > deadline)
          throw new Error(`no ${what} within 5 s: ${JSON.stringify(calls)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    };
    return {
      calls,
      until,
      listener: {
        due: () => push({ kind: 'due' }),
        endpointChanged: (change: { organizationUuid: string; endpointId: string }) =>
          push({ kind: 'endpoint', change }),
        resync: () => push({ kind: 'resync' }),
        failed: () => push({ kind: 'failed' }),
      },
    };
  }

  it("another process's endpoint writes, published work, releases and health trips reach a watch at once", async () => {
    await emptyTables();
    const watcherPool = otherPool(3);
    const watching = new PostgresStorage({ pool: watcherPool, schema: db().schema });
    const { calls, until, listener } = recordingListener();
    const watch = await watching.watch(listener);
    try {
      const writer = storageWith();
      const endpoint = endpointRecord();
      await writer.insertEndpoint(endpoint);
      const change = { organizationUuid: ORG_A, endpointId: endpoint.id };
      await until(() => calls.some((c) => c.kind === 'endpoint'), 'insert notification');
      expect(calls.filter((c) => c.kind === 'endpoint')).toEqual([{ kind: 'endpoint', change }]);

      await writer.updateEndpoint({
        organizationUuid: ORG_A,
        endpointId: endpoint.id,
        changes: { description: 'changed' },
        nowMs: T0,
      });
      await until(() => calls.filter((c) => c.kind === 'endpoint').length === 2, 'update');

      // One fan-out of 3 deliveries: one due notification, not three.
      const event = eventRecord();
      await writer.insertEvent(
        event,
        [1, 2, 3].map(() => deliveryRecord(event, endpoint)),
      );
      await until(() => calls.some((c) => c.kind === 'due'), 'due notification');
      const claimed = await writer.claimDue({ nowMs: T0, limit: 1, leaseMs: LEASE_MS, owner: 'w' });
      await writer.releaseClaim((claimed[0] as ClaimedDelivery).delivery.id, 'no-such-token');
      const [first] = claimed as [ClaimedDelivery];
      await writer.releaseClaim(first.delivery.id, first.leaseToken);
      await until(() => calls.filter((c) => c.kind === 'due').length === 2, 'release notification');

      // A health trip changes the endpoint's status: the watch hears it.
      const [again] = (await writer.claimDue({
        nowMs: T0,
        limit: 1,
        leaseMs: LEASE_MS,
        owner: 'w',
      })) as [ClaimedDelivery];
      const tripped = await writer.recordAttempt({
        deliveryId: again.delivery.id,
        leaseToken: again.leaseToken,
        attempt: attemptRecord(again.delivery, T0, false),
        decision: { status: 'PENDING', nextAttemptAtMs: T0 + 60_000, failureReason: null },
        healthPolicy: { maxConsecutiveFailures: 1, action: 'PAUSED' },
      });
      expect(tripped?.transition).toBe('pause');
      await until(() => calls.filter((c) => c.kind === 'endpoint').length === 3, 'trip');

      await writer.deleteEndpoint(ORG_A, endpoint.id, T0);
      await until(() => calls.filter((c) => c.kind === 'endpoint').length === 4, 'delete');
      expect(calls.filter((c) => c.kind === 'due')).toHaveLength(2);
      expect(calls.filter((c) => c.kind === 'failed' || c.kind === 'resync')).toEqual([]);
    } finally {
      await watch.close();
      await watcherPool.end();
      await emptyTables();
    }
  });

  it('changeFeed: false, or a single client -> a watch that never calls the listener; the statements still notify', async () => {
    const client = await db().connect();
    const { calls, listener } = recordingListener();
    const quiet = [
      new PostgresStorage({ pool: client, schema: db().schema }),
      storageWith({ changeFeed: false }),
    ];
    const watches = await Promise.all(quiet.map((storage) => storage.watch(listener)));
    const { calls: heard, until, listener: hearing } = recordingListener();
    const watch = await storageWith().watch(hearing);
    try {
      await (quiet[1] as PostgresStorage).insertEndpoint(endpointRecord());
      await until(() => heard.length > 0, 'notification from a storage without a feed');
      expect(calls).toEqual([]);
    } finally {
      await watch.close();
      await Promise.all(watches.map((w) => w.close()));
      await emptyTables();
    }
  });

  it('changeFeed that is not false or an object, or with an unknown key -> invalid_option naming it', () => {
    expect(thrown(() => storageWith({ changeFeed: true as never })).issues[0]?.path).toBe(
      'changeFeed',
    );
    const unknown = thrown(() => storageWith({ changeFeed: { pool: db().pool } as never }));
    expect(unknown.code).toBe('invalid_option');
    expect(unknown.message).toContain('pool');
  });
});

describe('PostgresStorage — retention in bounded statements', () => {
  it('more delivery-less events than limit -> all swept by the call that finds few deliveries, in statements of at most limit rows', async () => {
    await emptyTables();
    try {
      const storage = storageWith();
      const old = Array.from({ length: 23 }, (_, i) => eventRecord({ createdAtMs: T0 + i }));
      for (const event of old) await storage.insertEvent(event, []);
      const kept = eventRecord({ createdAtMs: T0 + 1_000 });
      await storage.insertEvent(kept, []);
      const { pool, sent } = recordingPool();
      const counting = new PostgresStorage({ pool, schema: db().schema, changeFeed: false });
      expect(await counting.purgeBefore(T0 + 1_000, 5)).toBe(0);
      for (const event of old) expect(await storage.getEvent(ORG_A, event.id)).toBeNull();
      expect(await storage.getEvent(ORG_A, kept.id)).toEqual(kept);
      // One delivery statement, then sweeps of 5, 5, 5, 5, 3: each deletes at most `limit`.
      const sweeps = sent.filter((text) => /DELETE FROM \S+\.events AS e USING victims/.test(text));
      expect(sweeps).toHaveLength(5);
      await pool.end();
    } finally {
      await emptyTables();
    }
  });
});

/** A pool of its own whose clients record the text of every statement they send. */
function recordingPool(): { pool: pg.Pool; sent: string[] } {
  const sent: string[] = [];
  const pool = otherPool(1);
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const config = args[0] as string | { text: string };
      sent.push(typeof config === 'string' ? config : config.text);
      return query(...args);
    };
  });
  return { pool, sent };
}

describe('PostgresStorage — a sender on it claims ahead', () => {
  it("claimCost is 'round-trip': a running sender claims in batches beyond its free slots, never exceeds the endpoint's cap, and sends each delivery once", async () => {
    await emptyTables();
    const storage = storageWith();
    expect(storage.claimCost).toBe('round-trip');
    let claims = 0;
    const counted = withOverrides(storage, {
      claimDue: (input: Parameters<PostgresStorage['claimDue']>[0]) => {
        claims++;
        return storage.claimDue(input);
      },
    });
    let inFlight = 0;
    let most = 0;
    const sent = new Map<string, number>();
    const transport: Transport = {
      async send(request) {
        inFlight++;
        most = Math.max(most, inFlight);
        const id = String(request.headers['X-Novatrade-Delivery-Id']);
        sent.set(id, (sent.get(id) ?? 0) + 1);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return OK_204;
      },
    };
    const sender = new WebhookSender({ storage: counted, transport, maxInFlightPerEndpoint: 2 });
    try {
      await sender.createEndpoint(ORG_A, {
        url: 'https://a.example/hooks',
        events: ['compliance.*'],
      });
      const DELIVERIES = 60;
      for (let i = 0; i < DELIVERIES; i++) {
        await sender.publish({
          organizationUuid: ORG_A,
          type: 'compliance.decision_made',
          partnerUuid: '11111111-2222-3333-4444-555555555555',
          data: { ...EVENT_FIXTURES['compliance.decision_made'].data },
        });
      }
      let succeeded = 0;
      sender.on('delivery.succeeded', () => void succeeded++);
      sender.start();
      await vi.waitFor(() => expect(succeeded).toBe(DELIVERIES), { timeout: 15_000 });
      await sender.stop({ deadlineMs: 5_000 });
      expect(most).toBeLessThanOrEqual(2);
      // One claim per freed slot (claimAhead: 0) makes 31 here; claiming ahead by 8, refilled
      // when a line is half empty, 10 to 12.
      expect(claims).toBeLessThan(DELIVERIES / 3);
      expect(sent.size).toBe(DELIVERIES);
      expect([...sent.values()].every((n) => n === 1)).toBe(true);
      const page = await storage.listDeliveries({
        organizationUuid: ORG_A,
        page: 0,
        size: 100,
        sortField: 'createdAt',
        sortDirection: 'asc',
      });
      expect(page.items.map((d) => [d.status, d.attempts])).toEqual(
        Array.from({ length: DELIVERIES }, () => ['DELIVERED', 1]),
      );
    } finally {
      await sender.stop({ deadlineMs: 1_000 });
      await emptyTables();
    }
  });
});
