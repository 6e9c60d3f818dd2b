// The sender's purges, delivery history (`SenderStorage.purgeBefore`, docs/design.md §5.11) and
// Idempotency-Key records (`IdempotencyStore.purgeExpired`, §5.27): bounded batches until one comes
// back short, so an adapter never runs one unbounded delete. The loop ends on what the adapter
// returns, so that count is checked: a store that resolved `undefined` (or `NaN`, or more than it
// was allowed to delete) would otherwise keep the loop going for good.

import { WebhookStorageError } from '../../core/errors.js';
import { describeValue } from '../../core/internal/describe-value.js';

/** Records deleted per call of a purge method: the `limit` the adapter is given. */
export const PURGE_BATCH = 1000;

/** Options of {@link purgeInBatches}. */
export interface PurgeInBatchesOptions {
  /** The port method `call` runs, for the error: `'SenderStorage.purgeBefore'`, … */
  readonly method: string;
  /** The most records one call may delete. @default PURGE_BATCH */
  readonly limit?: number | undefined;
}

/**
 * Calls `call(limit)` until it deletes fewer than `limit` records, and adds up what it deleted.
 * Between two batches it yields a macrotask, so a long purge leaves timers and I/O running (the
 * dispatcher's own loop does the same between claims).
 *
 * @param call - one batch: deletes at most `limit` records, resolves how many it deleted.
 * @param options - `method` (named in the error) and `limit`.
 * @returns how many records were deleted in all.
 * @throws WebhookStorageError `storage_corrupt` (as a rejection) when a batch resolves anything
 *   but a whole number from 0 to `limit`; whatever `call` rejects with.
 * @example
 * ```ts
 * const deleted = await purgeInBatches((limit) => storage.purgeBefore(cutoffMs, limit), {
 *   method: 'SenderStorage.purgeBefore',
 * });
 * ```
 */
export async function purgeInBatches(
  call: (limit: number) => Promise<number>,
  options: PurgeInBatchesOptions,
): Promise<number> {
  const { method, limit = PURGE_BATCH } = options;
  let total = 0;
  for (;;) {
    const deleted: unknown = await call(limit);
    if (
      typeof deleted !== 'number' ||
      !Number.isInteger(deleted) ||
      deleted < 0 ||
      deleted > limit
    ) {
      throw new WebhookStorageError(
        'storage_corrupt',
        `${method} must resolve how many records it deleted, a whole number from 0 to its limit ` +
          `(${limit}); it resolved ${describeValue(deleted)}` +
          `${typeof deleted === 'number' ? ' outside that range' : ''}. Fix the storage adapter.`,
      );
    }
    total += deleted;
    if (deleted < limit) return total;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
