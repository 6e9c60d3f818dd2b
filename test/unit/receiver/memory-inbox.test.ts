import { describe, expect, it } from 'vitest';
import { WebhookStorageError, WebhookValidationError } from '../../../src/core/errors.js';
import { MemoryInbox } from '../../../src/receiver/memory-inbox.js';
import type { InboxEntry } from '../../../src/receiver/ports/inbox.js';
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

describe('MemoryInbox — add and pending', () => {
  it('add(entry) then pending(10) -> [an equal entry]', async () => {
    const inbox = new MemoryInbox();
    await inbox.add(entry('evt_1'));
    expect(await inbox.pending(10)).toEqual([entry('evt_1')]);
    expect(inbox.size).toBe(1);
  });

  it('add(entry with an existing key) -> ignored, the first entry stays', async () => {
    const inbox = new MemoryInbox();
    await inbox.add(entry('evt_1', T0, { version: 1 }));
    await inbox.add(entry('evt_1', T0 + 5, { version: 2 }));
    expect(await inbox.pending(10)).toEqual([entry('evt_1', T0, { version: 1 })]);
  });

  it('pending() -> oldest receivedAtMs first, whatever the order of add', async () => {
    const inbox = new MemoryInbox();
    await inbox.add(entry('evt_late', T0 + 300));
    await inbox.add(entry('evt_early', T0 + 100));
    await inbox.add(entry('evt_middle', T0 + 200));
    const keys = (await inbox.pending(10)).map((e) => e.key);
    expect(keys).toEqual(['evt_early', 'evt_middle', 'evt_late']);
  });

  it('pending() with equal receivedAtMs -> in the order they were added', async () => {
    const inbox = new MemoryInbox();
    await inbox.add(entry('evt_z', T0 + 1));
    await inbox.add(entry('evt_b', T0));
    await inbox.add(entry('evt_a', T0));
    const keys = (await inbox.pending(10)).map((e) => e.key);
    expect(keys).toEqual(['evt_b', 'evt_a', 'evt_z']);
  });

  it('pending(limit) -> at most limit entries, the oldest', async () => {
    const inbox = new MemoryInbox();
    for (let i = 5; i >= 1; i--) await inbox.add(entry(`evt_${i}`, T0 + i));
    const keys = (await inbox.pending(2)).map((e) => e.key);
    expect(keys).toEqual(['evt_1', 'evt_2']);
  });

  it('pending() on an empty inbox -> []', async () => {
    expect(await new MemoryInbox().pending(1)).toEqual([]);
  });

  it('add(entry with attempts and lastFailure) -> both kept', async () => {
    const inbox = new MemoryInbox();
    const failed = { ...entry('evt_1'), attempts: 2, lastFailure: { code: 'timeout', atMs: T0 } };
    await inbox.add(failed);
    expect(await inbox.pending(1)).toEqual([failed]);
  });
});

describe('MemoryInbox — complete and fail', () => {
  it('complete(key) -> the entry is no longer pending', async () => {
    const inbox = new MemoryInbox();
    await inbox.add(entry('evt_1'));
    await inbox.add(entry('evt_2'));
    await inbox.complete('evt_1');
    expect((await inbox.pending(10)).map((e) => e.key)).toEqual(['evt_2']);
  });

  it('complete(unknown key) -> resolves, nothing changes', async () => {
    const inbox = new MemoryInbox();
    await inbox.add(entry('evt_1'));
    await expect(inbox.complete('evt_unknown')).resolves.toBeUndefined();
    expect(inbox.size).toBe(1);
  });

  it('fail(key) twice -> attempts 2, lastFailure is the second failure, still pending', async () => {
    const inbox = new MemoryInbox();
    await inbox.add(entry('evt_1'));
    await inbox.fail('evt_1', { code: 'handler_error', atMs: T0 + 1 });
    await inbox.fail('evt_1', { code: 'timeout', atMs: T0 + 2 });
    expect(await inbox.pending(10)).toEqual([
      { ...entry('evt_1'), attempts: 2, lastFailure: { code: 'timeout', atMs: T0 + 2 } },
    ]);
  });

  it('fail(unknown key) -> resolves, nothing is added', async () => {
    const inbox = new MemoryInbox();
    await expect(
      inbox.fail('evt_unknown', { code: 'handler_error', atMs: T0 }),
    ).resolves.toBeUndefined();
    expect(inbox.size).toBe(0);
  });

  it('add(key) after complete(key) -> pending again', async () => {
    const inbox = new MemoryInbox();
    await inbox.add(entry('evt_1'));
    await inbox.complete('evt_1');
    await inbox.add(entry('evt_1', T0 + 9));
    expect(await inbox.pending(10)).toEqual([entry('evt_1', T0 + 9)]);
  });
});

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
    await inbox.complete('evt_1');
    await inbox.add(entry('evt_2'));
    expect((await inbox.pending(10)).map((e) => e.key)).toEqual(['evt_2']);
  });
});

describe('MemoryInbox — copies', () => {
  it('mutating the added entry or its event afterwards -> the stored entry is unchanged', async () => {
    const inbox = new MemoryInbox();
    const event = { id: 'evt_1', data: { amount: 1 } };
    const added = { ...entry('evt_1', T0, event), lastFailure: { code: 'timeout', atMs: T0 } };
    await inbox.add(added);
    event.data.amount = 999;
    added.lastFailure.code = 'changed';
    const [stored] = await inbox.pending(1);
    expect(stored?.event).toEqual({ id: 'evt_1', data: { amount: 1 } });
    expect(stored?.lastFailure).toEqual({ code: 'timeout', atMs: T0 });
  });

  it('mutating what pending() returned -> the next pending() is unchanged', async () => {
    const inbox = new MemoryInbox();
    await inbox.add(entry('evt_1', T0, { id: 'evt_1', data: { amount: 1 } }));
    await inbox.fail('evt_1', { code: 'timeout', atMs: T0 });
    const [first] = await inbox.pending(1);
    (first?.event as { data: { amount: number } }).data.amount = 999;
    (first as { attempts: number }).attempts = 42;
    (first?.lastFailure as { code: string }).code = 'changed';
    const [second] = await inbox.pending(1);
    expect(second).toEqual({
      ...entry('evt_1', T0, { id: 'evt_1', data: { amount: 1 } }),
      attempts: 1,
      lastFailure: { code: 'timeout', atMs: T0 },
    });
    expect(second).not.toBe(first);
  });

  it('pending() on an entry that never failed -> has no lastFailure property', async () => {
    const inbox = new MemoryInbox();
    await inbox.add(entry('evt_1'));
    const [stored] = await inbox.pending(1);
    expect(stored).not.toHaveProperty('lastFailure');
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

  it('complete("") / fail("") -> reject with invalid_option naming key', async () => {
    const inbox = new MemoryInbox();
    for (const promise of [
      inbox.complete(''),
      inbox.fail('', { code: 'handler_error', atMs: T0 }),
    ]) {
      expect(await rejectionOf(promise)).toMatchObject({
        code: 'invalid_option',
        issues: [{ path: 'key' }],
      });
    }
  });

  it('fail(key, { atMs: NaN }) -> rejects with invalid_option naming failure.atMs', async () => {
    const inbox = new MemoryInbox();
    await inbox.add(entry('evt_1'));
    const error = await rejectionOf(inbox.fail('evt_1', { code: 'timeout', atMs: Number.NaN }));
    expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'failure.atMs' }] });
    expect((await inbox.pending(1))[0]?.attempts).toBe(0);
  });
});
