// A deadline for one HTTP request of the client (an API attempt, a token request): without one, a
// server that accepts the connection and never answers holds the call, or every call waiting for a
// shared token request, for good. The timer is a plain `setTimeout` cleared when the request ends
// (not `AbortSignal.timeout`, whose timer nobody can clear or fake), and the listener on the
// caller's signal goes with it, so a long-lived signal passed to many calls keeps none of them.
// The wait ends at the deadline even when the request ignores its signal (a caller's `fetch` may).

/** What {@link withDeadline} needs. */
export interface DeadlineOptions {
  /** Milliseconds the request may take, from sending it to the end of its body. */
  readonly timeoutMs: number;
  /** The caller's signal: its abort ends the request too, with the caller's reason. */
  readonly signal?: AbortSignal | undefined;
  /** The error to reject with when the deadline passes, from the `TimeoutError` it aborts with. */
  readonly timedOut: (reason: DOMException) => unknown;
}

/**
 * Runs `run` with a signal that aborts when `options.signal` does (with its reason) or when
 * `timeoutMs` has passed (with a `TimeoutError` DOMException); rejects at once with the caller's
 * reason or with `timedOut(…)` then, whether or not `run` heeds its signal. Clears the timer and
 * removes the listener on the caller's signal as soon as it settles, or when `run` throws before
 * returning its promise (rejecting with that error).
 *
 * @param run - the request; gets the signal to hand to `fetch`.
 * @param options - the deadline, the caller's signal, and the error of a deadline.
 * @example
 * ```ts
 * const response = await withDeadline((signal) => fetch(url, { signal }), {
 *   timeoutMs: 30_000,
 *   signal: call.signal,
 *   timedOut: (cause) => new Error('no answer in time', { cause }),
 * });
 * ```
 */
export async function withDeadline<T>(
  run: (signal: AbortSignal) => Promise<T>,
  options: DeadlineOptions,
): Promise<T> {
  const { signal, timeoutMs } = options;
  signal?.throwIfAborted();
  const controller = new AbortController();
  let stop: (error: unknown) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  const onAbort = () => {
    stop(signal?.reason);
    controller.abort(signal?.reason);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    const reason = new DOMException(
      `No answer within ${timeoutMs} ms (timeoutMs).`,
      'TimeoutError',
    );
    stop(options.timedOut(reason));
    controller.abort(reason);
  }, timeoutMs);
  try {
    // Inside the try: a `run` that throws before returning a promise must still clear the timer
    // and the listener, or the deadline would later reject `stopped` with nobody listening.
    const running = run(controller.signal);
    running.catch(() => undefined); // once stopped, nobody waits for it
    return await Promise.race([running, stopped]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
