// One suite, run over every Inbox adapter (CONTRIBUTING.md, "Tests"): the memory inbox and the
// PostgreSQL inbox (real server and PGlite) must behave identically, case for case. Times are
// arguments of the port (`nowMs`), so one fake clock drives every adapter.
import { describe, expect, it } from 'vitest';
import { createSampleEvent } from '../../src/core/catalog/sample-events.js';
import { isWebhooksError } from '../../src/core/errors.js';
import type { Inbox, InboxClaim, InboxEntry } from '../../src/receiver/ports/inbox.js';
import type { DrainResult, ReceiverErrorContext } from '../../src/receiver/receiver-options.js';
import { WebhookReceiver } from '../../src/receiver/webhook-receiver.node.js';
import { signNovatradePayload } from '../../src/signature/sign-novatrade-payload.node.js';

/** A fresh, empty inbox for one test, and its cleanup. */
export interface InboxFixture {
  readonly inbox: Inbox;
  /**
   * Opens another handle on the same stored entries, as a second process would (its own
   * connections). Absent: the second "process" shares `inbox`.
   */
  readonly another?: () => Promise<Inbox>;
  /** Releases what the fixture holds (handles opened by `another` included). */
  readonly cleanup?: () => Promise<void>;
}

const T0 = 1_729_684_200_000;
const LEASE_MS = 60_000;
const SECRET = 'whsec_inbox_suite';

function entry(key: string, receivedAtMs = T0, event: unknown = { id: key }): InboxEntry {
  return { key, event, receivedAtMs, attempts: 0 };
}

/** The keys of `claims`, in order. */
function keysOf(claims: readonly InboxClaim[]): string[] {
  return claims.map((c) => c.entry.key);
}

/** The one claim of `key`; fails the test unless `claims` is exactly that entry. */
function onlyClaim(claims: readonly InboxClaim[], key: string): InboxClaim {
  expect(keysOf(claims)).toEqual([key]);
  const claim = claims[0] as InboxClaim;
  expect(typeof claim.token).toBe('string');
  expect(claim.token).not.toBe('');
  return claim;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Runs the shared Inbox contract against the inboxes `makeInbox` creates. */
export function describeInbox(name: string, makeInbox: () => Promise<InboxFixture>): void {
  /** Runs `body` with a fresh fixture, always cleaned up. */
  async function withInbox(body: (fixture: InboxFixture) => Promise<void>): Promise<void> {
    const fixture = await makeInbox();
    try {
      await body(fixture);
    } finally {
      await fixture.cleanup?.();
    }
  }

  const test = (title: string, body: (fixture: InboxFixture) => Promise<void>) =>
    it(title, () => withInbox(body));

  describe(`${name} — Inbox contract: add and pending`, () => {
    test('add(entry) then pending(10) -> [an equal entry]', async ({ inbox }) => {
      await inbox.add(entry('evt_1'));
      expect(await inbox.pending(10)).toEqual([entry('evt_1')]);
    });

    test('add(entry with an existing key) -> ignored, the first entry stays', async ({ inbox }) => {
      await inbox.add(entry('evt_1', T0, { version: 1 }));
      await inbox.add(entry('evt_1', T0 + 5, { version: 2 }));
      expect(await inbox.pending(10)).toEqual([entry('evt_1', T0, { version: 1 })]);
    });

    test('pending() -> oldest receivedAtMs first, whatever the order of add', async ({ inbox }) => {
      await inbox.add(entry('evt_late', T0 + 300));
      await inbox.add(entry('evt_early', T0 + 100));
      await inbox.add(entry('evt_middle', T0 + 200));
      const keys = (await inbox.pending(10)).map((e) => e.key);
      expect(keys).toEqual(['evt_early', 'evt_middle', 'evt_late']);
    });

    test('pending() with equal receivedAtMs -> in the order they were added', async ({ inbox }) => {
      await inbox.add(entry('evt_z', T0 + 1));
      await inbox.add(entry('evt_b', T0));
      await inbox.add(entry('evt_a', T0));
      const keys = (await inbox.pending(10)).map((e) => e.key);
      expect(keys).toEqual(['evt_b', 'evt_a', 'evt_z']);
    });

    test('pending(limit) -> at most limit entries, the oldest', async ({ inbox }) => {
      for (let i = 5; i >= 1; i--) await inbox.add(entry(`evt_${i}`, T0 + i));
      const keys = (await inbox.pending(2)).map((e) => e.key);
      expect(keys).toEqual(['evt_1', 'evt_2']);
    });

    test('pending() on an empty inbox -> []', async ({ inbox }) => {
      expect(await inbox.pending(1)).toEqual([]);
    });

    test('add(entry with attempts and lastFailure) -> both kept', async ({ inbox }) => {
      const failed = { ...entry('evt_1'), attempts: 2, lastFailure: { code: 'timeout', atMs: T0 } };
      await inbox.add(failed);
      expect(await inbox.pending(1)).toEqual([failed]);
    });

    test('an entry that never failed -> has no lastFailure property', async ({ inbox }) => {
      await inbox.add(entry('evt_1'));
      const [stored] = await inbox.pending(1);
      expect(stored).not.toHaveProperty('lastFailure');
      const [claimed] = await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 });
      expect(claimed?.entry).not.toHaveProperty('lastFailure');
    });

    test('an event with nested data, unicode and a NUL character -> returned equal', async ({
      inbox,
    }) => {
      const event = {
        id: 'evt_1',
        data: {
          name: 'Zoë \u{1F680} \u0000 "quoted"',
          amounts: [1, 2.5, -3],
          nested: { ok: true },
        },
        nothing: null,
      };
      await inbox.add(entry('evt_1', T0, event));
      expect((await inbox.pending(1))[0]?.event).toEqual(event);
      expect((await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 }))[0]?.entry.event).toEqual(
        event,
      );
    });

    test('pending() leases nothing: the entries are still claimed afterwards', async ({
      inbox,
    }) => {
      await inbox.add(entry('evt_1'));
      await inbox.pending(10);
      expect(keysOf(await inbox.claim(10, { leaseMs: LEASE_MS, nowMs: T0 }))).toEqual(['evt_1']);
    });

    test('pending() -> lists leased entries too', async ({ inbox }) => {
      await inbox.add(entry('evt_1'));
      await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 });
      expect(await inbox.pending(10)).toEqual([entry('evt_1')]);
    });

    test('mutating the added entry or its event afterwards -> the stored entry is unchanged', async ({
      inbox,
    }) => {
      const event = { id: 'evt_1', data: { amount: 1 } };
      const added = { ...entry('evt_1', T0, event), lastFailure: { code: 'timeout', atMs: T0 } };
      await inbox.add(added);
      event.data.amount = 999;
      added.lastFailure.code = 'changed';
      const [stored] = await inbox.pending(1);
      expect(stored?.event).toEqual({ id: 'evt_1', data: { amount: 1 } });
      expect(stored?.lastFailure).toEqual({ code: 'timeout', atMs: T0 });
    });

    test('mutating what pending() or claim() returned -> what is stored is unchanged', async ({
      inbox,
    }) => {
      await inbox.add(entry('evt_1', T0, { id: 'evt_1', data: { amount: 1 } }));
      const [claim] = await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 });
      await inbox.fail('evt_1', claim?.token as string, { code: 'timeout', atMs: T0 });
      const [first] = await inbox.pending(1);
      (first?.event as { data: { amount: number } }).data.amount = 999;
      (first as { attempts: number }).attempts = 42;
      (first?.lastFailure as { code: string }).code = 'changed';
      const expected = {
        ...entry('evt_1', T0, { id: 'evt_1', data: { amount: 1 } }),
        attempts: 1,
        lastFailure: { code: 'timeout', atMs: T0 },
      };
      const [again] = await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 + LEASE_MS });
      expect(again?.entry).toEqual(expected);
      (again?.entry.event as { data: { amount: number } }).data.amount = 777;
      expect(await inbox.pending(1)).toEqual([expected]);
    });
  });

  describe(`${name} — Inbox contract: claim`, () => {
    test('claim(10) -> every free entry, oldest first, each with its own token', async ({
      inbox,
    }) => {
      await inbox.add(entry('evt_b', T0 + 2));
      await inbox.add(entry('evt_a', T0 + 1));
      const claims = await inbox.claim(10, { leaseMs: LEASE_MS, nowMs: T0 });
      expect(claims.map((c) => c.entry)).toEqual([entry('evt_a', T0 + 1), entry('evt_b', T0 + 2)]);
      const tokens = claims.map((c) => c.token);
      for (const token of tokens) expect(token).toMatch(/^.+$/);
      expect(new Set(tokens).size).toBe(2);
    });

    test('claim() while the lease holds -> [] (up to the last millisecond of the lease)', async ({
      inbox,
    }) => {
      await inbox.add(entry('evt_1'));
      onlyClaim(await inbox.claim(10, { leaseMs: LEASE_MS, nowMs: T0 }), 'evt_1');
      expect(await inbox.claim(10, { leaseMs: LEASE_MS, nowMs: T0 })).toEqual([]);
      expect(await inbox.claim(10, { leaseMs: LEASE_MS, nowMs: T0 + LEASE_MS - 1 })).toEqual([]);
    });

    test('claim() once the lease lapsed (nowMs = expiry) -> the entry again, a new token', async ({
      inbox,
    }) => {
      await inbox.add(entry('evt_1'));
      const first = onlyClaim(await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 }), 'evt_1');
      const second = onlyClaim(
        await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 + LEASE_MS }),
        'evt_1',
      );
      expect(second.token).not.toBe(first.token);
      expect(second.entry).toEqual(entry('evt_1'));
    });

    test('claim(limit) -> the oldest limit entries; the next claim -> the following ones', async ({
      inbox,
    }) => {
      for (let i = 5; i >= 1; i--) await inbox.add(entry(`evt_${i}`, T0 + i));
      expect(keysOf(await inbox.claim(2, { leaseMs: LEASE_MS, nowMs: T0 }))).toEqual([
        'evt_1',
        'evt_2',
      ]);
      expect(keysOf(await inbox.claim(2, { leaseMs: LEASE_MS, nowMs: T0 }))).toEqual([
        'evt_3',
        'evt_4',
      ]);
      expect(keysOf(await inbox.claim(2, { leaseMs: LEASE_MS, nowMs: T0 }))).toEqual(['evt_5']);
    });

    test('claim(…, { key }) -> only that entry, even when older ones are free', async ({
      inbox,
    }) => {
      await inbox.add(entry('evt_old', T0));
      await inbox.add(entry('evt_new', T0 + 1));
      onlyClaim(await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0, key: 'evt_new' }), 'evt_new');
      expect(await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0, key: 'evt_new' })).toEqual([]);
      expect(await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0, key: 'evt_unknown' })).toEqual(
        [],
      );
      expect(keysOf(await inbox.claim(10, { leaseMs: LEASE_MS, nowMs: T0 }))).toEqual(['evt_old']);
    });

    test('claim(10_000) -> accepted; claim(10_001) and pending(10_001) -> invalid_option naming limit, nothing leased', async ({
      inbox,
    }) => {
      await inbox.add(entry('evt_1'));
      for (const call of [
        () => inbox.claim(10_001, { leaseMs: LEASE_MS, nowMs: T0 }),
        () => inbox.pending(10_001),
      ]) {
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'limit' }] });
      }
      expect(keysOf(await inbox.claim(10_000, { leaseMs: LEASE_MS, nowMs: T0 }))).toEqual([
        'evt_1',
      ]);
    });

    test('claim() on an empty inbox -> []', async ({ inbox }) => {
      expect(await inbox.claim(10, { leaseMs: LEASE_MS, nowMs: T0 })).toEqual([]);
    });

    test('20 concurrent claims over 60 entries -> each entry handed out exactly once', async ({
      inbox,
      another,
    }) => {
      for (let i = 0; i < 60; i++) await inbox.add(entry(`evt_${i}`, T0 + i));
      const handles = [inbox, ...(another ? [await another(), await another()] : [])];
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (handles[i % handles.length] as Inbox).claim(5, { leaseMs: LEASE_MS, nowMs: T0 }),
        ),
      );
      const keys = claims.flatMap(keysOf);
      expect(keys).toHaveLength(60);
      expect(new Set(keys).size).toBe(60);
    });
  });

  describe(`${name} — Inbox contract: complete and fail`, () => {
    test('complete(key, token) -> true, the entry is gone', async ({ inbox }) => {
      await inbox.add(entry('evt_1'));
      await inbox.add(entry('evt_2', T0 + 1));
      const claim = onlyClaim(await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 }), 'evt_1');
      expect(await inbox.complete('evt_1', claim.token)).toBe(true);
      expect((await inbox.pending(10)).map((e) => e.key)).toEqual(['evt_2']);
      expect(await inbox.complete('evt_1', claim.token)).toBe(false);
    });

    test('complete(key, another token) / complete(unknown key) -> false, nothing changes', async ({
      inbox,
    }) => {
      await inbox.add(entry('evt_1'));
      await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 });
      expect(await inbox.complete('evt_1', 'not-the-token')).toBe(false);
      expect(await inbox.complete('evt_unknown', 'not-the-token')).toBe(false);
      expect(await inbox.pending(10)).toEqual([entry('evt_1')]);
    });

    test('a lapsed lease taken over -> the old token is refused by complete and fail, the new one completes', async ({
      inbox,
      another,
    }) => {
      const other = another ? await another() : inbox;
      await inbox.add(entry('evt_1'));
      const old = onlyClaim(await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 }), 'evt_1');
      const taken = onlyClaim(
        await other.claim(1, { leaseMs: LEASE_MS, nowMs: T0 + LEASE_MS + 1 }),
        'evt_1',
      );
      expect(await inbox.complete('evt_1', old.token)).toBe(false);
      expect(
        await inbox.fail('evt_1', old.token, { code: 'handler_error', atMs: T0 + LEASE_MS + 2 }),
      ).toBe(false);
      expect(await inbox.pending(10)).toEqual([entry('evt_1')]);
      expect(await other.complete('evt_1', taken.token)).toBe(true);
      expect(await inbox.pending(10)).toEqual([]);
    });

    test('fail(key, token) -> true: attempts + 1, lastFailure set, still pending', async ({
      inbox,
    }) => {
      await inbox.add(entry('evt_1'));
      const first = onlyClaim(await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 }), 'evt_1');
      expect(await inbox.fail('evt_1', first.token, { code: 'handler_error', atMs: T0 + 1 })).toBe(
        true,
      );
      const second = onlyClaim(
        await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 + LEASE_MS }),
        'evt_1',
      );
      expect(second.entry).toEqual({
        ...entry('evt_1'),
        attempts: 1,
        lastFailure: { code: 'handler_error', atMs: T0 + 1 },
      });
      expect(await inbox.fail('evt_1', second.token, { code: 'timeout', atMs: T0 + 2 })).toBe(true);
      expect(await inbox.pending(10)).toEqual([
        { ...entry('evt_1'), attempts: 2, lastFailure: { code: 'timeout', atMs: T0 + 2 } },
      ]);
    });

    test('after fail: the token is spent (fail and complete refused) and the entry is not claimed before the lease lapses', async ({
      inbox,
    }) => {
      await inbox.add(entry('evt_1'));
      const claim = onlyClaim(await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 }), 'evt_1');
      expect(await inbox.fail('evt_1', claim.token, { code: 'handler_error', atMs: T0 })).toBe(
        true,
      );
      expect(await inbox.fail('evt_1', claim.token, { code: 'handler_error', atMs: T0 })).toBe(
        false,
      );
      expect(await inbox.complete('evt_1', claim.token)).toBe(false);
      expect(await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 + LEASE_MS - 1 })).toEqual([]);
      expect((await inbox.pending(1))[0]?.attempts).toBe(1);
    });

    test('fail(unknown key) / fail(key, another token) -> false, nothing added or changed', async ({
      inbox,
    }) => {
      expect(await inbox.fail('evt_unknown', 'token', { code: 'handler_error', atMs: T0 })).toBe(
        false,
      );
      expect(await inbox.pending(10)).toEqual([]);
      await inbox.add(entry('evt_1'));
      await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 });
      expect(await inbox.fail('evt_1', 'not-the-token', { code: 'x', atMs: T0 })).toBe(false);
      expect(await inbox.pending(10)).toEqual([entry('evt_1')]);
    });

    test('add(key) after complete(key) -> pending again, free to claim', async ({ inbox }) => {
      await inbox.add(entry('evt_1'));
      const claim = onlyClaim(await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 }), 'evt_1');
      await inbox.complete('evt_1', claim.token);
      await inbox.add(entry('evt_1', T0 + 9));
      expect(await inbox.pending(10)).toEqual([entry('evt_1', T0 + 9)]);
      onlyClaim(await inbox.claim(1, { leaseMs: LEASE_MS, nowMs: T0 }), 'evt_1');
    });
  });

  describe(`${name} — two receivers (two processes) on one inbox`, () => {
    let counter = 0;
    function sampleEvent() {
      counter += 1;
      return createSampleEvent('kyc.verification_completed', { id: `evt_inbox_suite_${counter}` });
    }
    /** A receiver of its own "process" on `inbox`, with the suite's clock. */
    function receiverOn(inbox: Inbox, clock: { nowMs: number }) {
      return new WebhookReceiver({
        secret: SECRET,
        ackMode: 'async',
        inbox,
        processingLeaseMs: LEASE_MS,
        now: () => clock.nowMs,
        logger: 'silent',
      });
    }

    test('two receivers draining concurrently -> every entry runs exactly once', async ({
      inbox,
      another,
    }) => {
      const other = another ? await another() : inbox;
      const clock = { nowMs: T0 };
      const events = Array.from({ length: 30 }, sampleEvent);
      for (const [i, event] of events.entries()) {
        await inbox.add({ key: event.id, event, receivedAtMs: T0 + i, attempts: 0 });
      }
      const runs = new Map<string, number>();
      const handler = async (event: { id: string }) => {
        runs.set(event.id, (runs.get(event.id) ?? 0) + 1);
        // Yield, so that the two drains interleave between claim and complete.
        await new Promise<void>((resolve) => setTimeout(resolve, 1));
      };
      const a = receiverOn(inbox, clock).onAny(handler);
      const b = receiverOn(other, clock).onAny(handler);
      const [fromA, fromB] = await Promise.all([a.drainInbox(), b.drainInbox()]);
      expect(fromA.processed + fromB.processed).toBe(30);
      expect(fromA.failed + fromB.failed + fromA.skipped + fromB.skipped).toBe(0);
      expect([...runs.keys()].sort()).toEqual(events.map((e) => e.id).sort());
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
      expect(await inbox.pending(100)).toEqual([]);
    });

    test('a backlog of handlers shorter than the lease -> each lease starts with its handler: the other receiver draining meanwhile runs no entry twice', async ({
      inbox,
      another,
    }) => {
      const other = another ? await another() : inbox;
      const clock = { nowMs: T0 };
      const events = Array.from({ length: 3 }, sampleEvent);
      for (const [i, event] of events.entries()) {
        await inbox.add({ key: event.id, event, receivedAtMs: T0 + i, attempts: 0 });
      }
      const runs: string[] = [];
      const reports: unknown[] = [];
      const b = receiverOn(other, clock)
        .onAny((e) => void runs.push(e.id))
        .onError((error) => void reports.push(error));
      let fromB: DrainResult | undefined;
      // Each of A's handlers takes 40 s of the 60 s lease. At T0 + 80 s, while A's second handler
      // runs, B's periodic drain fires: with the whole backlog leased at T0, the second and third
      // entries' leases would have lapsed by then, and both would run twice.
      const a = receiverOn(inbox, clock)
        .onAny(async (e) => {
          runs.push(e.id);
          clock.nowMs += 40_000;
          if (clock.nowMs === T0 + 80_000) fromB = await b.drainInbox();
        })
        .onError((error) => void reports.push(error));
      const fromA = await a.drainInbox();
      expect([...runs].sort()).toEqual(events.map((e) => e.id).sort());
      expect(fromA).toEqual({ processed: 2, failed: 0, skipped: 0 });
      expect(fromB).toEqual({ processed: 1, failed: 0, skipped: 0 });
      expect(reports).toEqual([]);
      expect(await inbox.pending(10)).toEqual([]);
    });

    test('an event being processed after its 202 -> the other receiver drains nothing', async ({
      inbox,
      another,
    }) => {
      const other = another ? await another() : inbox;
      const clock = { nowMs: T0 };
      const gate = deferred();
      const started = deferred();
      let runs = 0;
      const a = receiverOn(inbox, clock).onAny(async () => {
        runs += 1;
        started.resolve();
        await gate.promise;
      });
      const b = receiverOn(other, clock).onAny(() => {
        runs += 1;
      });
      const event = sampleEvent();
      const body = JSON.stringify(event);
      const signature = signNovatradePayload(body, SECRET, {
        timestamp: Math.floor(clock.nowMs / 1000),
      });
      const answer = await a.handle({
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-novatrade-signature': signature },
        body,
      });
      expect(answer.status).toBe(202);
      await started.promise;
      expect(await b.drainInbox()).toEqual({ processed: 0, failed: 0, skipped: 0 });
      gate.resolve();
      await a.idle();
      expect(runs).toBe(1);
      expect(await inbox.pending(10)).toEqual([]);
    });

    test('a lapsed lease -> taken over by the other receiver; the old holder cannot complete it', async ({
      inbox,
      another,
    }) => {
      const other = another ? await another() : inbox;
      const clock = { nowMs: T0 };
      const event = sampleEvent();
      await inbox.add({ key: event.id, event, receivedAtMs: T0, attempts: 0 });
      const gate = deferred();
      const started = deferred();
      const reports: { error: unknown; context: ReceiverErrorContext<unknown> }[] = [];
      const slow = receiverOn(inbox, clock)
        .onAny(async () => {
          started.resolve();
          await gate.promise;
        })
        .onError((error, context) => {
          reports.push({ error, context });
        });
      const ran: string[] = [];
      const fast = receiverOn(other, clock).onAny((e) => {
        ran.push(e.id);
      });
      const slowDrain = slow.drainInbox();
      await started.promise;
      clock.nowMs = T0 + LEASE_MS; // the slow handler outlives its lease
      expect(await fast.drainInbox()).toEqual({ processed: 1, failed: 0, skipped: 0 });
      expect(ran).toEqual([event.id]);
      gate.resolve();
      expect(await slowDrain).toEqual({ processed: 0, failed: 1, skipped: 0 });
      expect(reports).toHaveLength(1);
      expect(isWebhooksError(reports[0]?.error) && reports[0]?.error.code).toBe('lease_lapsed');
      expect(reports[0]?.context).toMatchObject({ stage: 'inbox', key: event.id });
      expect(await inbox.pending(10)).toEqual([]);
    });

    test('a failed entry -> not retried by either receiver before its lease lapses, then retried once', async ({
      inbox,
      another,
    }) => {
      const other = another ? await another() : inbox;
      const clock = { nowMs: T0 };
      const event = sampleEvent();
      await inbox.add({ key: event.id, event, receivedAtMs: T0, attempts: 0 });
      const attempts: number[] = [];
      let fail = true;
      const handler = (_e: unknown, context: { attempt: number }) => {
        attempts.push(context.attempt);
        if (fail) throw new Error('flaky');
      };
      const a = receiverOn(inbox, clock).onAny(handler);
      const b = receiverOn(other, clock).onAny(handler);
      expect(await a.drainInbox()).toEqual({ processed: 0, failed: 1, skipped: 0 });
      expect(await b.drainInbox()).toEqual({ processed: 0, failed: 0, skipped: 0 });
      fail = false;
      clock.nowMs = T0 + LEASE_MS;
      const [fromA, fromB] = await Promise.all([a.drainInbox(), b.drainInbox()]);
      expect(fromA.processed + fromB.processed).toBe(1);
      expect(attempts).toEqual([1, 2]);
      expect(await inbox.pending(10)).toEqual([]);
    });
  });
}
