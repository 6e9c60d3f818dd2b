// Every integer option and argument of the receiver side goes through the one integer check
// (src/core/internal/integer-option.ts): the same issue shape, code and wording everywhere.
import { describe, expect, it } from 'vitest';
import { WebhookValidationError } from '../../../src/core/errors.js';
import { fetchHandler } from '../../../src/receiver/adapters/fetch-handler.js';
import { toNodeListener } from '../../../src/receiver/adapters/node-listener.js';
import { EudrWebhookReceiver, WebhookReceiver } from '../../../src/receiver/index.js';
import { MemoryDedupeStore } from '../../../src/receiver/memory-dedupe-store.js';
import { MemoryInbox } from '../../../src/receiver/memory-inbox.js';
import { errorOf, thrown } from '../../helpers/thrown.js';

const SECRET = 'whsec_integer_options';

async function rejection(promise: Promise<unknown>): Promise<WebhookValidationError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WebhookValidationError);
  return error as WebhookValidationError;
}

describe('an integer option of 0', () => {
  it.each([
    [
      'WebhookReceiver',
      'maxBodyBytes',
      () => new WebhookReceiver({ secret: SECRET, maxBodyBytes: 0 }),
    ],
    [
      'WebhookReceiver',
      'dedupeTtlMs',
      () => new WebhookReceiver({ secret: SECRET, dedupeTtlMs: 0 }),
    ],
    [
      'WebhookReceiver',
      'processingLeaseMs',
      () => new WebhookReceiver({ secret: SECRET, processingLeaseMs: 0 }),
    ],
    [
      'WebhookReceiver',
      'maxInboxAttempts',
      () => new WebhookReceiver({ secret: SECRET, maxInboxAttempts: 0 }),
    ],
    [
      'WebhookReceiver',
      'storeTimeoutMs',
      () => new WebhookReceiver({ secret: SECRET, storeTimeoutMs: 0 }),
    ],
    [
      'EudrWebhookReceiver',
      'maxBodyBytes',
      () => new EudrWebhookReceiver({ secret: SECRET, maxBodyBytes: 0 }),
    ],
    ['MemoryDedupeStore', 'maxEntries', () => new MemoryDedupeStore({ maxEntries: 0 })],
    ['MemoryInbox', 'maxEntries', () => new MemoryInbox({ maxEntries: 0 })],
  ])('%s `%s` -> invalid_option, one issue { path, code: too_small }, the shared wording', (owner, path, make) => {
    const error = thrown(make);
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([{ path, code: 'too_small', message: error.message }]);
    expect(error.message).toBe(
      `${owner}: \`${path}\` must be ${path === 'storeTimeoutMs' ? 'an integer from 1 to 2147483647' : 'a positive integer'}, got 0.`,
    );
  });
});

describe('integer checks elsewhere on the receiver side', () => {
  it('types: a string or a fraction -> invalid_type', () => {
    expect(
      thrown(() => new WebhookReceiver({ secret: SECRET, maxBodyBytes: '1' as never })).issues,
    ).toEqual([expect.objectContaining({ path: 'maxBodyBytes', code: 'invalid_type' })]);
    expect(thrown(() => new MemoryInbox({ maxEntries: 1.5 })).issues).toEqual([
      expect.objectContaining({ path: 'maxEntries', code: 'invalid_type' }),
    ]);
  });

  it('storeTimeoutMs above the timer limit -> too_big', () => {
    expect(
      thrown(() => new WebhookReceiver({ secret: SECRET, storeTimeoutMs: 2 ** 31 })).issues,
    ).toEqual([expect.objectContaining({ path: 'storeTimeoutMs', code: 'too_big' })]);
  });

  it('MemoryInbox.pending(limit) (1 to 10,000, the one inbox limit rule) and add(entry.attempts) use the shared check', async () => {
    const inbox = new MemoryInbox();
    const pending = await rejection(inbox.pending(0));
    expect(pending.issues).toEqual([
      {
        path: 'limit',
        code: 'too_small',
        message: 'MemoryInbox.pending: `limit` must be an integer from 1 to 10000, got 0.',
      },
    ]);
    const missing = await rejection(inbox.pending(undefined as never));
    expect(missing.issues).toEqual([expect.objectContaining({ path: 'limit', code: 'required' })]);
    const attempts = await rejection(
      inbox.add({ key: 'k', event: {}, receivedAtMs: 0, attempts: -1 }),
    );
    expect(attempts.issues).toEqual([
      {
        path: 'entry.attempts',
        code: 'too_small',
        message: 'MemoryInbox.add: `entry.attempts` must be a non-negative integer, got -1.',
      },
    ]);
  });

  it('MemoryDedupeStore.reserve(key, ttlMs) floors fractions, then checks ttlMs >= 1', async () => {
    const store = new MemoryDedupeStore();
    expect(await store.reserve('a', 1.9)).toMatchObject({ status: 'reserved' });
    const error = await rejection(store.reserve('b', 0.5));
    expect(error.issues).toEqual([expect.objectContaining({ path: 'ttlMs', code: 'too_small' })]);
    expect(error.message).toBe(
      'MemoryDedupeStore.reserve: `ttlMs` must be a positive integer, got 0.',
    );
  });

  it('an adapter target whose maxBodyBytes is 0 or absent -> invalid_option naming receiver.maxBodyBytes', () => {
    const target = {
      handle: async () => ({ status: 200, headers: {}, body: '' }),
      tooLarge: () => ({ status: 413, headers: {}, body: '' }),
    };
    const zero = errorOf(() =>
      fetchHandler({ ...target, maxBodyBytes: 0 }),
    ) as WebhookValidationError;
    expect(zero.issues).toEqual([
      {
        path: 'receiver.maxBodyBytes',
        code: 'too_small',
        message: 'fetchHandler: `receiver.maxBodyBytes` must be a positive integer, got 0.',
      },
    ]);
    const absent = errorOf(() => toNodeListener(target as never)) as WebhookValidationError;
    expect(absent.issues).toEqual([
      expect.objectContaining({ path: 'receiver.maxBodyBytes', code: 'required' }),
    ]);
  });
});
