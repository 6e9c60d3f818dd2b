// Waiting that an AbortSignal ends: the client's waits between attempts and a call's share of a
// token request that other calls wait for too (the request goes on for them).

/**
 * `promise`, or a rejection with `signal.reason` as soon as `signal` aborts (at once when it
 * already has). The promise itself is not cancelled, and its rejection is handled either way, so a
 * promise nobody waits for any more never surfaces as an unhandled rejection. The listener on
 * `signal` is removed as soon as `promise` settles.
 *
 * @example
 * ```ts
 * const token = await abortable(tokenRequest, call.signal); // the request goes on for others
 * ```
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Resolves after `ms` milliseconds, or rejects with `signal.reason` when `signal` aborts first
 * (at once when it already has). The timer is cleared on abort, and the listener when it fires.
 *
 * @example
 * ```ts
 * await abortableSleep(500, call.signal);
 * ```
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
