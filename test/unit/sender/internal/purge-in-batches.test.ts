// purgeInBatches: the one loop behind the sender's purges (SenderStorage.purgeBefore and
// IdempotencyStore.purgeExpired). The loop ends on the count an adapter returns, so a count that
// is not a whole number from 0 to the limit is refused instead of looping for good. The fakes
// stop after a few hundred calls, so a loop that does not end fails here rather than hanging
// (it would run on microtasks only, so the test's own timeout could never fire).
import { describe, expect, it } from 'vitest';
import { WebhookStorageError } from '../../../../src/core/errors.js';
import { PURGE_BATCH, purgeInBatches } from '../../../../src/sender/internal/purge-in-batches.js';

const METHOD = 'SenderStorage.purgeBefore';
const RUNAWAY = 200;

/** A batch call that answers `answers` in turn (the last one from then on), and counts its calls. */
function batches(...answers: unknown[]) {
  const limits: number[] = [];
  const call = async (limit: number): Promise<number> => {
    limits.push(limit);
    if (limits.length > RUNAWAY) throw new Error('the purge loop did not stop');
    return answers[Math.min(limits.length, answers.length) - 1] as number;
  };
  return { call, limits };
}

describe('purgeInBatches', () => {
  it(`batches of ${PURGE_BATCH} by default, until one comes back short -> the sum`, async () => {
    const { call, limits } = batches(PURGE_BATCH, PURGE_BATCH, PURGE_BATCH, 7);
    expect(await purgeInBatches(call, { method: METHOD })).toBe(3 * PURGE_BATCH + 7);
    expect(limits).toEqual([PURGE_BATCH, PURGE_BATCH, PURGE_BATCH, PURGE_BATCH]);
  });

  it('a first batch that comes back short (or empty) -> one call', async () => {
    for (const deleted of [0, 1, 999]) {
      const { call, limits } = batches(deleted);
      expect(await purgeInBatches(call, { method: METHOD })).toBe(deleted);
      expect(limits).toHaveLength(1);
    }
  });

  it('limit -> passed to every call; a batch of exactly the limit asks again', async () => {
    const { call, limits } = batches(3, 3, 0);
    expect(await purgeInBatches(call, { method: METHOD, limit: 3 })).toBe(6);
    expect(limits).toEqual([3, 3, 3]);
  });

  it.each([
    ['undefined', undefined, 'undefined.'],
    ['null', null, 'null.'],
    ['NaN', Number.NaN, 'a number outside that range.'],
    ['a negative count', -1, 'a number outside that range.'],
    ['a fraction', 2.5, 'a number outside that range.'],
    ['more than the limit', PURGE_BATCH + 1, 'a number outside that range.'],
    ['Infinity', Number.POSITIVE_INFINITY, 'a number outside that range.'],
    ['a numeric string', '12', 'a string of 2 characters.'],
    ['a bigint', 5n, 'a bigint.'],
  ])(
    'a batch that resolves %s -> storage_corrupt naming the method, never the value',
    async (_name, answer, got) => {
      const { call, limits } = batches(PURGE_BATCH, answer);
      const error = await purgeInBatches(call, { method: METHOD }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebhookStorageError);
      expect(error).toMatchObject({ code: 'storage_corrupt' });
      // The whole message: the method, the limit and the answer's type, not the answer itself.
      expect((error as Error).message).toBe(
        `${METHOD} must resolve how many records it deleted, a whole number from 0 to its limit ` +
          `(${PURGE_BATCH}); it resolved ${got} Fix the storage adapter.`,
      );
      expect(limits).toHaveLength(2);
    },
    5_000,
  );

  it('a batch that rejects -> that rejection, no further call', async () => {
    const failure = new Error('connection lost');
    const limits: number[] = [];
    const call = async (limit: number): Promise<number> => {
      limits.push(limit);
      if (limits.length === 2) throw failure;
      return limit;
    };
    await expect(purgeInBatches(call, { method: METHOD })).rejects.toBe(failure);
    expect(limits).toHaveLength(2);
  });

  it('yields a macrotask between two batches: timers and I/O run during a long purge', async () => {
    const seen: string[] = [];
    let batch = 0;
    const call = async (limit: number): Promise<number> => {
      batch += 1;
      seen.push(`batch ${batch}`);
      // Queued now: it runs only if the loop lets the event loop turn before the next batch.
      if (batch === 1) setImmediate(() => seen.push('macrotask'));
      return batch < 3 ? limit : 0;
    };
    await purgeInBatches(call, { method: METHOD, limit: 10 });
    expect(seen).toEqual(['batch 1', 'macrotask', 'batch 2', 'batch 3']);
  });
});
