// The default rate-limit store: counters in a Map, for one process. Counters live only as long as
// their window: each entry expires at its window's end, and expired entries are swept when the
// time passed to `hit` reaches the earliest expiry, so the Map holds at most the counters of the
// windows current at the last sweep plus those created since (bounded by the active keys).

import type {
  RateLimitHitOptions,
  RateLimitHitResult,
  RateLimitStore,
} from './rate-limit-store.js';
import { checkHitArguments, windowStartMs } from './rate-limit-window.js';

interface Counter {
  count: number;
  /** The end of the counter's window, in epoch milliseconds. */
  readonly expiresAtMs: number;
}

/**
 * A {@link RateLimitStore} in memory: exact and atomic within one process (each `hit` runs to the
 * end before another starts), shared by nothing else. Several processes behind one load balancer
 * each keep their own budget; give them a Redis store to share one.
 *
 * @example
 * ```ts
 * const store = new MemoryRateLimitStore();
 * await store.hit('org-1:webhook', { windows: [{ windowMs: 60_000, limit: 10 }], nowMs: Date.now() });
 * // { allowed: true, counts: [1] }
 * ```
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #counters = new Map<string, Counter>();
  /** The earliest `expiresAtMs` in the Map (Infinity when empty): when the next sweep is due. */
  #nextExpiryMs = Number.POSITIVE_INFINITY;

  /** How many counters the store holds (for tests and metrics). */
  get size(): number {
    return this.#counters.size;
  }

  /**
   * Counts one hit of `key` in every window if each has room; a refused hit changes nothing.
   * First drops every counter whose window ended at or before `nowMs`, when one is due.
   *
   * @param key - a non-empty string of at most 512 characters.
   * @param options - `windows` (1 to 4 of `{ windowMs, limit }`, positive integers) and `nowMs`
   *   (epoch milliseconds, a non-negative integer).
   * @returns `{ allowed, counts }`, counts in the order of `windows`.
   * @throws WebhookValidationError `invalid_option` naming `key`, `options`, `windows`,
   *   `windows[i].windowMs`, `windows[i].limit` or `nowMs` (as a rejection).
   * @example
   * ```ts
   * const windows = [{ windowMs: 60_000, limit: 1 }];
   * await store.hit('k', { windows, nowMs: 0 }); // { allowed: true, counts: [1] }
   * await store.hit('k', { windows, nowMs: 1 }); // { allowed: false, counts: [1] }
   * ```
   */
  async hit(key: string, options: RateLimitHitOptions): Promise<RateLimitHitResult> {
    const { windows, nowMs } = checkHitArguments('MemoryRateLimitStore.hit', key, options);
    if (nowMs >= this.#nextExpiryMs) this.#sweep(nowMs);
    const found = windows.map((window) => {
      const start = windowStartMs(nowMs, window.windowMs);
      const counterKey = `${key}:${window.windowMs}:${start}`;
      // The key names the window, so a counter found is the current window's (never a stale one).
      const counter = this.#counters.get(counterKey);
      return { counterKey, counter, expiresAtMs: start + window.windowMs };
    });
    const allowed = found.every(
      ({ counter }, index) => (counter?.count ?? 0) < (windows[index]?.limit ?? 0),
    );
    if (!allowed) return { allowed, counts: found.map(({ counter }) => counter?.count ?? 0) };
    const counts = found.map(({ counterKey, counter, expiresAtMs }) => {
      if (counter !== undefined) return ++counter.count;
      this.#counters.set(counterKey, { count: 1, expiresAtMs });
      if (expiresAtMs < this.#nextExpiryMs) this.#nextExpiryMs = expiresAtMs;
      return 1;
    });
    return { allowed, counts };
  }

  /** Drops every counter whose window has ended, and finds the next expiry. */
  #sweep(nowMs: number): void {
    let next = Number.POSITIVE_INFINITY;
    for (const [counterKey, counter] of this.#counters) {
      if (counter.expiresAtMs <= nowMs) this.#counters.delete(counterKey);
      else if (counter.expiresAtMs < next) next = counter.expiresAtMs;
    }
    this.#nextExpiryMs = next;
  }
}
