// docs/postgres.md promises PostgreSQL 11 or later. The tests run on PostgreSQL 15 and PGlite
// (PostgreSQL 17), where a function added in 12 or 13 works, so this file reads the SQL itself:
// every migration, and every statement the stores send (recorded through a pool over PGlite while
// each store method runs), must use none of the features listed below. Random tokens are made in
// JavaScript (gen_random_uuid() is PostgreSQL 13) and sent as parameters.
import { describe, expect, it } from 'vitest';
import { NOVATRADE_HEALTH_POLICY } from '../../../src/core/retry/health-policy.js';
import { MIGRATIONS } from '../../../src/postgres/migrations/index.js';
import type { PostgresConnection } from '../../../src/postgres/postgres-connection.js';
import { PostgresDedupeStore } from '../../../src/postgres/postgres-dedupe-store.js';
import { PostgresIdempotencyStore } from '../../../src/postgres/postgres-idempotency-store.js';
import { PostgresInbox } from '../../../src/postgres/postgres-inbox.js';
import { PostgresStorage } from '../../../src/postgres/postgres-storage.js';
import { usePGliteTestDatabase } from '../../helpers/postgres/index.js';
import {
  attemptRecord,
  DELIVERED,
  deliveryRecord,
  endpointRecord,
  eventRecord,
  ORG_A,
  retryAt,
  T0,
} from '../../helpers/sender-records.js';

/** Features newer than PostgreSQL 11, each with the version that added it. */
const NEWER_THAN_11: readonly (readonly [RegExp, number])[] = [
  [/\bgen_random_uuid\s*\(/i, 13],
  [/\bGENERATED\s+ALWAYS\s+AS\s*\(/i, 12], // stored generated columns (identity columns are 10)
  [/\bjsonb_path_\w+\s*\(/i, 12],
  [/\bNULLS\s+NOT\s+DISTINCT\b/i, 15],
  [/\bMERGE\s+INTO\b/i, 15],
  [/\bOR\s+REPLACE\s+TRIGGER\b/i, 14],
  [/\b(?:trim_array|string_to_table|date_bin|bit_count|unistr|any_value|random_normal)\s*\(/i, 14],
  [/\bmultirange\b/i, 14],
];

/** The SQL without its `--` comments (which may name anything). */
const withoutComments = (sql: string) => sql.replace(/--[^\n]*/g, '');

function newerFeatures(sql: string): string[] {
  const code = withoutComments(sql);
  return NEWER_THAN_11.filter(([pattern]) => pattern.test(code)).map(
    ([pattern, version]) => `${pattern.source} (PostgreSQL ${version})`,
  );
}

const db = usePGliteTestDatabase({ migrated: true });

/** A pool over the test database that records every statement sent through it. */
function recordingPool(): {
  pool: PostgresConnection;
  sent: { text: string; values: unknown[] }[];
} {
  const sent: { text: string; values: unknown[] }[] = [];
  const pool: PostgresConnection = {
    async query(text: string, values: unknown[] = []) {
      sent.push({ text, values });
      const result = await db().pool.query(text, values);
      return { rows: result.rows, rowCount: result.rowCount };
    },
  };
  return { pool, sent };
}

describe('PostgreSQL 11 is enough', () => {
  it.each(MIGRATIONS.map((m) => [m.name, m.sql] as const))('migration %s', (_, sql) => {
    expect(newerFeatures(sql)).toEqual([]);
  });

  it('every statement of PostgresDedupeStore, PostgresIdempotencyStore and PostgresInbox', async () => {
    const { pool, sent } = recordingPool();
    const dedupe = new PostgresDedupeStore({ pool });
    const reserved = await dedupe.reserve('evt_min_version', 60_000);
    if (reserved.status !== 'reserved') throw new Error('expected a reservation');
    await dedupe.complete('evt_min_version', reserved.token, 60_000);
    await dedupe.release('evt_min_version', reserved.token);
    await dedupe.purgeExpired(10);

    const idempotency = new PostgresIdempotencyStore({ pool });
    const begun = await idempotency.begin({
      scope: 'min-version',
      bodyHash: 'h',
      nowMs: 1,
      ttlMs: 10_000,
      inFlightTtlMs: 1_000,
    });
    if (begun.outcome !== 'started') throw new Error('expected a started record');
    await idempotency.complete({
      scope: 'min-version',
      bodyHash: 'h',
      token: begun.token,
      response: { status: 201, body: '{}' },
      nowMs: 2,
      ttlMs: 10_000,
    });
    await idempotency.abandon('min-version', begun.token);
    await idempotency.purgeExpired(3, 10);

    const inbox = new PostgresInbox({ pool });
    await inbox.add({ key: 'evt_a', event: { id: 'evt_a' }, receivedAtMs: 1, attempts: 0 });
    await inbox.add({ key: 'evt_b', event: { id: 'evt_b' }, receivedAtMs: 2, attempts: 0 });
    const [byKey] = await inbox.claim(1, { key: 'evt_a', leaseMs: 1_000, nowMs: 3 });
    const batch = await inbox.claim(10, { leaseMs: 1_000, nowMs: 3 });
    await inbox.fail('evt_b', batch[0]?.token ?? '', { code: 'handler_error', atMs: 4 });
    await inbox.complete('evt_a', byKey?.token ?? '');
    await inbox.pending(10);

    expect(sent.length).toBeGreaterThanOrEqual(15);
    for (const { text } of sent)
      expect({ text, newer: newerFeatures(text) }).toEqual({ text, newer: [] });

    // The tokens are the parameters sent: the idempotency store's begin, the inbox's claims.
    const beginSent = sent.find((s) => /INSERT INTO \S+\.idempotency_records/.test(s.text));
    expect(beginSent?.values).toContain(begun.token);
    const claimKeySent = sent.find((s) => /^UPDATE/.test(s.text) && s.values[0] === 'evt_a');
    expect(byKey?.token).toBe(`${String(claimKeySent?.values[3])}.1`); // the random part, then seq
    expect(batch.map((claim) => claim.entry.key)).toEqual(['evt_b']);
    expect(batch[0]?.token).not.toBe(byKey?.token);
  });

  it('every statement of PostgresStorage', async () => {
    const { pool, sent } = recordingPool();
    const storage = new PostgresStorage({ pool });
    const endpoint = endpointRecord();
    const other = endpointRecord({ url: 'https://other.example/hooks' });
    await storage.insertEndpoint(endpoint);
    await storage.insertEndpoint(other);
    await storage.getEndpoint(ORG_A, endpoint.id);
    await storage.listEndpoints(ORG_A);
    await storage.listAllEndpoints();
    const event = eventRecord();
    await storage.insertEvent(event, [
      deliveryRecord(event, endpoint),
      deliveryRecord(event, endpoint),
      deliveryRecord(event, other),
    ]);
    await storage.insertDeliveries([deliveryRecord(event, other)]);
    await storage.getEvent(ORG_A, event.id);
    const claimed = await storage.claimDue({
      nowMs: T0,
      limit: 3,
      leaseMs: 1_000,
      owner: 'w',
      maxPerEndpoint: 2,
      inFlightByEndpoint: new Map([[other.id, 1]]),
      maxPerOrigin: 3,
      inFlightByOrigin: new Map([['https://other.example', 1]]),
      skipEndpointIds: new Set(['wh_none']),
      reservedForIdle: 1,
    });
    expect(claimed.length).toBeGreaterThan(1);
    const [first, second] = claimed as [(typeof claimed)[0], (typeof claimed)[0]];
    await storage.recordAttempt({
      deliveryId: first.delivery.id,
      leaseToken: first.leaseToken,
      attempt: attemptRecord(first.delivery, T0, false),
      decision: retryAt(T0 + 60_000),
      healthPolicy: NOVATRADE_HEALTH_POLICY,
    });
    await storage.releaseClaim(second.delivery.id, second.leaseToken);
    const again = await storage.claimDue({ nowMs: T0 + 5_000, limit: 10, leaseMs: 1, owner: 'v' });
    for (const item of again) {
      await storage.recordAttempt({
        deliveryId: item.delivery.id,
        leaseToken: item.leaseToken,
        attempt: attemptRecord(item.delivery, T0 + 5_000, true),
        decision: DELIVERED,
        healthPolicy: null,
      });
    }
    await storage.getDelivery(ORG_A, first.delivery.id);
    await storage.listAttempts(first.delivery.id);
    for (const sortField of ['createdAt', 'lastAttemptAt'] as const) {
      await storage.listDeliveries({
        organizationUuid: ORG_A,
        endpointId: endpoint.id,
        eventId: event.id,
        status: 'DELIVERED',
        sinceMs: 0,
        page: 0,
        size: 10,
        sortField,
        sortDirection: 'desc',
      });
    }
    await storage.nextDueAtMs();
    await storage.updateEndpoint({
      organizationUuid: ORG_A,
      endpointId: other.id,
      changes: { status: 'PAUSED', url: 'https://moved.example/hooks' },
      nowMs: T0 + 6_000,
      parkPending: 'ENDPOINT_PAUSED',
    });
    await storage.deleteEndpoint(ORG_A, endpoint.id, T0 + 7_000);
    await storage.purgeBefore(T0 + 10_000_000, 10);

    expect(sent.length).toBeGreaterThanOrEqual(20);
    for (const { text } of sent)
      expect({ text, newer: newerFeatures(text) }).toEqual({ text, newer: [] });
  });
});
