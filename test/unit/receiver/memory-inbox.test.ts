import { describe, expect, it } from 'vitest';
import { WebhookStorageError, WebhookValidationError } from '../../../src/core/errors.js';
import { MemoryInbox } from '../../../src/receiver/memory-inbox.js';
import type { InboxEntry } from '../../../src/receiver/ports/inbox.js';
import { describeInbox } from '../../helpers/inbox-suite.js';
import { thrown } from '../../helpers/thrown.js';

const T0 = 1_729_684_200_000;

function entry(key: string, receivedAtMs = T0, event: unknown = { id: key }): InboxEntry {
  return { key, event, receivedAtMs, attempts: 0 };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

// The port's contract (add, claim, complete, fail, pending; leases; two receivers on one inbox).
describeInbox('MemoryInbox', async () => ({ inbox: new MemoryInbox() }));

/** Leases `key` and returns the token; fails the test unless exactly that entry is claimed. */
async function claimToken(inbox: MemoryInbox, key: string): Promise<string> {
  const claims = await inbox.claim(1, { leaseMs: 60_000, nowMs: T0, key });
  expect(claims.map((c) => c.entry.key)).toEqual([key]);
  return claims[0]?.token as string;
}

describe('MemoryInbox — full inbox', () => {
  it('add(new key) when maxEntries are pending -> rejects with storage_unavailable', async () => {
    const inbox = new MemoryInbox({ maxEntries: 2 });
    await inbox.add(entry('evt_1'));
    await inbox.add(entry('evt_2'));
    const error = await rejectionOf(inbox.add(entry('evt_3')));
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error).message).toMatch(/full/);
    expect((await inbox.pending(10)).map((e) => e.key)).toEqual(['evt_1', 'evt_2']);
  });

  it('add(existing key) when full -> resolves (nothing to store)', async () => {
    const inbox = new MemoryInbox({ maxEntries: 1 });
    await inbox.add(entry('evt_1'));
    await expect(inbox.add(entry('evt_1'))).resolves.toBeUndefined();
  });

  it('add(new key) after complete() freed a slot -> stored', async () => {
    const inbox = new MemoryInbox({ maxEntries: 1 });
    await inbox.add(entry('evt_1'));
    expect(await inbox.complete('evt_1', await claimToken(inbox, 'evt_1'))).toBe(true);
    await inbox.add(entry('evt_2'));
    expect((await inbox.pending(10)).map((e) => e.key)).toEqual(['evt_2']);
  });
});

describe('MemoryInbox — validation', () => {
  for (const maxEntries of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`new MemoryInbox({ maxEntries: ${maxEntries} }) -> invalid_option naming maxEntries`, () => {
      const error = thrown(() => new MemoryInbox({ maxEntries }));
      expect(error.code).toBe('invalid_option');
      expect(error.issues[0]?.path).toBe('maxEntries');
    });
  }

  it('new MemoryInbox(null) -> invalid_option naming options', () => {
    expect(thrown(() => new MemoryInbox(null as never)).issues[0]?.path).toBe('options');
  });

  for (const limit of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10']) {
    it(`pending(${String(limit)}) -> rejects with invalid_option naming limit`, async () => {
      const error = await rejectionOf(new MemoryInbox().pending(limit as number));
      expect(error).toBeInstanceOf(WebhookValidationError);
      expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'limit' }] });
    });
  }

  const badEntries: readonly [string, unknown][] = [
    ['entry', null],
    ['entry.key', { ...entry('x'), key: '' }],
    ['entry.receivedAtMs', { ...entry('x'), receivedAtMs: Number.NaN }],
    ['entry.attempts', { ...entry('x'), attempts: -1 }],
    ['entry.event', entry('x', T0, { handler: () => undefined })],
    ['failure.code', { ...entry('x'), lastFailure: { code: '', atMs: T0 } }],
  ];
  for (const [path, bad] of badEntries) {
    it(`add(entry with a bad ${path}) -> rejects with invalid_option naming ${path}`, async () => {
      const inbox = new MemoryInbox();
      const error = await rejectionOf(inbox.add(bad as InboxEntry));
      expect(error).toBeInstanceOf(WebhookValidationError);
      expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path }] });
      expect(inbox.size).toBe(0);
    });
  }

  it('complete("", token) / fail("", token) -> reject with invalid_option naming key', async () => {
    const inbox = new MemoryInbox();
    for (const promise of [
      inbox.complete('', 'token'),
      inbox.fail('', 'token', { code: 'handler_error', atMs: T0 }),
    ]) {
      expect(await rejectionOf(promise)).toMatchObject({
        code: 'invalid_option',
        issues: [{ path: 'key' }],
      });
    }
  });

  it('complete(key, "") / fail(key, undefined) -> reject with invalid_option naming token', async () => {
    const inbox = new MemoryInbox();
    for (const promise of [
      inbox.complete('evt_1', ''),
      inbox.fail('evt_1', undefined as never, { code: 'handler_error', atMs: T0 }),
    ]) {
      expect(await rejectionOf(promise)).toMatchObject({
        code: 'invalid_option',
        issues: [{ path: 'token' }],
      });
    }
  });

  it('fail(key, token, { atMs: NaN }) -> rejects with invalid_option naming failure.atMs; nothing recorded', async () => {
    const inbox = new MemoryInbox();
    await inbox.add(entry('evt_1'));
    const token = await claimToken(inbox, 'evt_1');
    const error = await rejectionOf(
      inbox.fail('evt_1', token, { code: 'timeout', atMs: Number.NaN }),
    );
    expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'failure.atMs' }] });
    expect((await inbox.pending(1))[0]?.attempts).toBe(0);
    expect(await inbox.complete('evt_1', token)).toBe(true);
  });

  const badClaims: readonly [string, unknown, unknown][] = [
    ['limit', 0, { leaseMs: 1, nowMs: T0 }],
    ['limit', 1.5, { leaseMs: 1, nowMs: T0 }],
    ['options', 1, undefined],
    ['options', 1, null],
    ['options.leaseMs', 1, { leaseMs: 0, nowMs: T0 }],
    ['options.leaseMs', 1, { nowMs: T0 }],
    ['options.nowMs', 1, { leaseMs: 1, nowMs: Number.NaN }],
    ['options.nowMs', 1, { leaseMs: 1 }],
    ['options.key', 1, { leaseMs: 1, nowMs: T0, key: '' }],
  ];
  for (const [path, limit, options] of badClaims) {
    it(`claim(${String(limit)}, ${JSON.stringify(options) ?? 'undefined'}) -> rejects with invalid_option naming ${path}; nothing leased`, async () => {
      const inbox = new MemoryInbox();
      await inbox.add(entry('evt_1'));
      const error = await rejectionOf(inbox.claim(limit as number, options as never));
      expect(error).toBeInstanceOf(WebhookValidationError);
      expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path }] });
      expect((await inbox.claim(1, { leaseMs: 1, nowMs: T0 })).length).toBe(1);
    });
  }
});
