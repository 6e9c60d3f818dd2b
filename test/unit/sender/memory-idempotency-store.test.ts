// MemoryIdempotencyStore: the shared IdempotencyStore contract, and what only the memory adapter
// promises (memory follows the live keys).
import { describe, expect, it } from 'vitest';
import { MemoryIdempotencyStore } from '../../../src/sender/memory-idempotency-store.js';
import { measureHeap } from '../../helpers/heap-measure.js';
import { describeIdempotencyStore } from '../../helpers/idempotency-store-conformance.js';
import { DAY_MS, ORG_A, T0 } from '../../helpers/sender-records.js';

describeIdempotencyStore('MemoryIdempotencyStore', async () => ({
  store: new MemoryIdempotencyStore(),
}));

describe('MemoryIdempotencyStore — memory', () => {
  /** 5,000 records, one in ten never completed (a crashed request), from `nowMs` on. */
  async function fillAt(store: MemoryIdempotencyStore, nowMs: number): Promise<void> {
    for (let k = 0; k < 5_000; k++) {
      const scope = `${ORG_A} POST /v1/webhooks key-${k}`;
      const input = { scope, bodyHash: `hash-${k}`, nowMs: nowMs + k, ttlMs: DAY_MS };
      const begun = await store.begin({ ...input, inFlightTtlMs: 60_000 });
      if (begun.outcome !== 'started') throw new Error(`key-${k}: ${begun.outcome}`);
      const secret = `whsec_${String(k).repeat(300)}`;
      if (k % 10 !== 0) {
        await store.complete({
          ...input,
          token: begun.token,
          response: {
            status: 201,
            headers: { Location: `/v1/webhooks/wh_${k}`, 'Content-Type': 'application/json' },
            body: `{"id":"wh_${k}","secret":"${secret}"}`,
          },
        });
      }
    }
  }

  it('expired records -> dropped by later begins, from the oldest end; memory follows the live keys', async () => {
    const store = new MemoryIdempotencyStore();
    let nowMs = T0;
    const { filled, left } = await measureHeap(
      async () => {
        nowMs += 10 * DAY_MS;
        await fillAt(store, nowMs);
      },
      async () => {
        await store.begin({
          scope: 'later',
          bodyHash: 'h',
          nowMs: nowMs + 2 * DAY_MS,
          ttlMs: DAY_MS,
          inFlightTtlMs: 1,
        });
      },
    );
    expect(filled).toBeGreaterThan(3_000_000);
    expect(left).toBeLessThan(filled * 0.02);
  });

  it('purgeExpired in batches -> every expired record is freed, with no begin in between', async () => {
    const store = new MemoryIdempotencyStore();
    let nowMs = T0;
    const { filled, left } = await measureHeap(
      async () => {
        nowMs += 10 * DAY_MS;
        await fillAt(store, nowMs);
      },
      async () => {
        while ((await store.purgeExpired(nowMs + 2 * DAY_MS, 1_000)) === 1_000);
      },
    );
    expect(filled).toBeGreaterThan(3_000_000);
    expect(left).toBeLessThan(filled * 0.02);
  });
});

describe('MemoryIdempotencyStore — the lazy sweep past completed records', () => {
  const IN_FLIGHT_MS = 5 * 60_000;
  const begin = (store: MemoryIdempotencyStore, scope: string, nowMs: number) =>
    store.begin({ scope, bodyHash: 'h', nowMs, ttlMs: DAY_MS, inFlightTtlMs: IN_FLIGHT_MS });
  const complete = async (store: MemoryIdempotencyStore, scope: string, nowMs: number) => {
    const begun = await begin(store, scope, nowMs);
    if (begun.outcome !== 'started') throw new Error(`${scope}: ${begun.outcome}`);
    return (at: number) =>
      store.complete({
        scope,
        token: begun.token,
        bodyHash: 'h',
        response: { status: 201, body: 'ok' },
        nowMs: at,
        ttlMs: DAY_MS,
      });
  };
  /** How many expired records a begin at `nowMs` left behind: what purgeExpired still finds. */
  const leftAfterBeginAt = async (store: MemoryIdempotencyStore, nowMs: number) => {
    await begin(store, 'later', nowMs);
    return store.purgeExpired(nowMs, 1_000);
  };

  it('crashed (never completed) requests begun after a completed one -> dropped by the next begin once expired', async () => {
    const store = new MemoryIdempotencyStore();
    await (await complete(store, 'done', T0))(T0);
    for (let k = 0; k < 3; k++) await begin(store, `crashed-${k}`, T0 + 1);
    expect(await leftAfterBeginAt(store, T0 + IN_FLIGHT_MS + 1)).toBe(0);
  });

  it('crashed requests begun before one that then completed -> dropped by the next begin once expired', async () => {
    const store = new MemoryIdempotencyStore();
    const finish = await complete(store, 'done', T0);
    for (let k = 0; k < 3; k++) await begin(store, `crashed-${k}`, T0 + 1);
    await finish(T0 + 2);
    expect(await leftAfterBeginAt(store, T0 + IN_FLIGHT_MS + 2)).toBe(0);
  });

  it('completed records -> dropped from the oldest end once their 24 h are over, behind live in-flight ones too', async () => {
    const store = new MemoryIdempotencyStore();
    for (let k = 0; k < 3; k++) await (await complete(store, `done-${k}`, T0 + k))(T0 + k);
    await begin(store, 'in-flight', T0 + DAY_MS);
    const atMs = T0 + DAY_MS + 10;
    await store.complete({
      scope: 'elsewhere',
      token: 'idem_none',
      bodyHash: 'h',
      response: { status: 201, body: 'ok' },
      nowMs: atMs,
      ttlMs: DAY_MS,
    });
    expect(await store.purgeExpired(atMs, 1_000)).toBe(0);
    // The live ones are still there.
    expect((await begin(store, 'in-flight', atMs)).outcome).toBe('in_flight');
    expect((await begin(store, 'elsewhere', atMs)).outcome).toBe('replay');
  });
});
