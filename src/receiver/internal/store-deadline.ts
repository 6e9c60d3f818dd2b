// The deadline on dedupe store and inbox calls (docs/design.md §5.19). A store that does not
// answer must neither hold a request open (the sender gives up after 10 s and retries anyway) nor
// keep the request's body alive: the caller's async frame resumes at the deadline and lets go of
// it, while the store's own pending promise only keeps this module's small callbacks.

import { WebhookStorageError } from '../../core/errors.js';

/** What a call that settled after its deadline did. */
export type LateOutcome<T> =
  | { readonly status: 'fulfilled'; readonly value: T }
  | { readonly status: 'rejected'; readonly reason: unknown };

/** Options of {@link withDeadline}. */
export interface DeadlineOptions<T> {
  /** How long to wait, in milliseconds (1 to 2^31 - 1). */
  readonly timeoutMs: number;
  /** The call, for the timeout error's message: `DedupeStore.reserve`, `Inbox.add`, … */
  readonly operation: string;
  /**
   * Told how a call that missed its deadline settled in the end, e.g. to release a reservation
   * nobody will complete. Without it a late result is dropped and a late rejection is swallowed
   * (never an unhandled rejection). Whatever it throws is swallowed too.
   */
  readonly onLate?: ((outcome: LateOutcome<T>) => void) | undefined;
}

/**
 * Runs `call` and settles as it does, unless `timeoutMs` passes first: then it rejects with
 * `WebhookStorageError` `storage_unavailable`, and `onLate` hears how the call settles later.
 *
 * `call` is invoked here, synchronously, and not kept: the callbacks left on a pending call hold
 * only the options (never the caller's scope), so whatever the caller captured in `call` is free
 * once the call has started.
 *
 * @param call - starts the store call; a synchronous throw is a rejection.
 * @param options - `timeoutMs`, `operation` and `onLate`.
 * @returns the call's result.
 * @throws WebhookStorageError `storage_unavailable` when the deadline passes first (as a
 *   rejection); otherwise whatever the call rejects with.
 * @example
 * ```ts
 * const found = await withDeadline(() => store.reserve(key, leaseMs), {
 *   timeoutMs: 2_000,
 *   operation: 'DedupeStore.reserve',
 *   onLate: (late) => { if (late.status === 'fulfilled') void releaseLate(late.value); },
 * });
 * ```
 */
export function withDeadline<T>(
  call: () => PromiseLike<T> | T,
  options: DeadlineOptions<T>,
): Promise<T> {
  let work: PromiseLike<T> | T;
  try {
    work = call();
  } catch (error) {
    return Promise.reject(error);
  }
  return settleBy(Promise.resolve(work), options);
}

/** Kept apart from {@link withDeadline} so that no callback here can reach `call`. */
function settleBy<T>(work: Promise<T>, options: DeadlineOptions<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let missed = false;
    const timer = setTimeout(() => {
      missed = true;
      reject(
        new WebhookStorageError(
          'storage_unavailable',
          `${options.operation} did not answer within storeTimeoutMs (${options.timeoutMs} ms); the store is slow or unreachable.`,
        ),
      );
    }, options.timeoutMs);
    work.then(
      (value) => {
        if (!missed) {
          clearTimeout(timer);
          resolve(value);
        } else late(options, { status: 'fulfilled', value });
      },
      (reason: unknown) => {
        if (!missed) {
          clearTimeout(timer);
          reject(reason);
        } else late(options, { status: 'rejected', reason });
      },
    );
  });
}

function late<T>(options: DeadlineOptions<T>, outcome: LateOutcome<T>): void {
  try {
    options.onLate?.(outcome);
  } catch {
    // The request was answered long ago: nothing is left to tell.
  }
}
