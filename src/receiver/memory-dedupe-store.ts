import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { assertDedupeKey, checkDedupeTtlMs } from './internal/dedupe-arguments.js';
import type { DedupeStore } from './ports/dedupe-store.js';

/** Options of {@link MemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /**
   * Most keys held at once (a positive integer). When the store is full, `reserve` first drops
   * expired keys, then forgets the unexpired key that would expire soonest, so memory stays
   * bounded.
   * @default 100_000
   */
  readonly maxEntries?: number;
  /**
   * The current time in epoch **milliseconds**, like `Date.now` (inject a fake clock in tests).
   * Read at every call, so a clock mocked after construction is honoured.
   * @default () => Date.now()
   */
  readonly now?: () => number;
}

const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * A {@link DedupeStore} in process memory, for a receiver that runs as one process. Keys are
 * forgotten `ttlMs` milliseconds after they were reserved (a key reserved at `t` is reserved
 * again from `t + ttlMs` on). Use `RedisDedupeStore` when several processes share the work.
 *
 * **Bounded size.** At most `maxEntries` keys are held. When a new key arrives at a full store,
 * expired keys are dropped first; if none has expired, the key **closest to expiry** is forgotten
 * (with one TTL, that is also the oldest reservation). A forgotten key's redelivery would be
 * processed again, so size `maxEntries` above the number of events you receive per TTL.
 *
 * **Cost.** Keys are kept in one insertion-ordered queue per distinct `ttlMs`. With a clock that
 * does not go backwards, each queue is also ordered by expiry, so expired keys sit at the queue
 * fronts: `reserve` drops them and picks the eviction victim by looking at the fronts only. That
 * is O(1) amortised per call for a receiver (it uses one TTL) and O(distinct TTLs held) in
 * general. If the clock steps backwards, an expired key can sit behind an unexpired one until it
 * reaches the front; lookups still compare expiry times, so answers stay correct.
 *
 * `reserve` is atomic because it never awaits between the lookup and the write: two concurrent
 * calls with one key give exactly one `true`.
 *
 * @example
 * ```ts
 * const store = new MemoryDedupeStore({ maxEntries: 50_000 });
 * if (await store.reserve(event.id, 24 * 60 * 60 * 1000)) await handle(event);
 * ```
 */
export class MemoryDedupeStore implements DedupeStore {
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** ttlMs -> (key -> expiresAtMs), each inner map in insertion (= expiry) order. */
  readonly #queues = new Map<number, Map<string, number>>();
  /** key -> the ttlMs of the queue that holds it. */
  readonly #ttlOf = new Map<string, number>();

  /**
   * @param options - `maxEntries` (default 100 000) and `now` (epoch ms, default `Date.now`).
   * @throws WebhookValidationError `invalid_option` naming `options`, `maxEntries` or `now`.
   */
  constructor(options: MemoryDedupeStoreOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw invalidOption(
        'options',
        `Expected an options object or nothing; got ${describeValue(options)}.`,
      );
    }
    const { maxEntries = DEFAULT_MAX_ENTRIES, now } = options;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw invalidOption(
        'maxEntries',
        `maxEntries must be a positive integer; got ${describeNumber(maxEntries)}.`,
      );
    }
    if (now !== undefined && typeof now !== 'function') {
      throw invalidOption(
        'now',
        `now must be a function returning epoch milliseconds; got ${describeValue(now)}.`,
      );
    }
    this.#maxEntries = maxEntries;
    this.#now = now ?? (() => Date.now());
  }

  /**
   * Records `key` for `ttlMs` milliseconds unless it is recorded and unexpired.
   *
   * @param key - the dedupe key (a non-empty string).
   * @param ttlMs - how long to remember it, in milliseconds: a finite number ≥ 1, floored.
   * @returns `true` for the first reservation, `false` while the key is held.
   * @throws WebhookValidationError `invalid_option` naming `key` or `ttlMs` for bad input, or
   *   `now` if the clock returned something that is not a finite number (as a rejection).
   * @example
   * ```ts
   * await store.reserve('evt_1', 60_000); // true
   * await store.reserve('evt_1', 60_000); // false
   * ```
   */
  async reserve(key: string, ttlMs: number): Promise<boolean> {
    assertDedupeKey(key);
    const ttl = checkDedupeTtlMs(ttlMs);
    const nowMs = this.#readNow();
    this.#dropExpired(nowMs);
    // No await from here to the write below: this is what makes reserve atomic.
    const heldTtl = this.#ttlOf.get(key);
    if (heldTtl !== undefined) {
      const expiresAtMs = this.#queues.get(heldTtl)?.get(key);
      if (expiresAtMs !== undefined && expiresAtMs > nowMs) return false;
      this.#forget(key, heldTtl); // expired out of queue order (the clock stepped backwards)
    }
    if (this.#ttlOf.size >= this.#maxEntries) this.#evictClosestToExpiry();
    let queue = this.#queues.get(ttl);
    if (queue === undefined) {
      queue = new Map();
      this.#queues.set(ttl, queue);
    }
    queue.set(key, nowMs + ttl);
    this.#ttlOf.set(key, ttl);
    return true;
  }

  /**
   * Forgets `key`; unknown keys are ignored.
   *
   * @param key - the dedupe key (a non-empty string).
   * @throws WebhookValidationError `invalid_option` naming `key` if it is not a non-empty string
   *   (as a rejection).
   * @example
   * ```ts
   * await store.release('evt_1'); // the sender's next retry is processed again
   * ```
   */
  async release(key: string): Promise<void> {
    assertDedupeKey(key);
    const ttl = this.#ttlOf.get(key);
    if (ttl !== undefined) this.#forget(key, ttl);
  }

  /**
   * Number of keys held. Expired keys are dropped first, so with a clock that does not go
   * backwards this is exactly the number of unexpired keys; after a backwards step it may still
   * count a few expired keys (see the class notes).
   *
   * @example
   * ```ts
   * metrics.gauge('webhooks.dedupe.keys', store.size);
   * ```
   */
  get size(): number {
    this.#dropExpired(this.#readNow());
    return this.#ttlOf.size;
  }

  /**
   * Forgets every key at once (for tests, or after a deliberate reprocessing).
   *
   * @example
   * ```ts
   * store.clear();
   * ```
   */
  clear(): void {
    this.#queues.clear();
    this.#ttlOf.clear();
  }

  #readNow(): number {
    const nowMs = this.#now();
    if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
      throw invalidOption(
        'now',
        `now() must return finite epoch milliseconds; got ${describeNumber(nowMs)}.`,
      );
    }
    return nowMs;
  }

  /** Pops expired keys from the front of every queue; stops at the first unexpired one. */
  #dropExpired(nowMs: number): void {
    for (const [ttl, queue] of this.#queues) {
      for (const [key, expiresAtMs] of queue) {
        if (expiresAtMs > nowMs) break;
        queue.delete(key); // deleting the current entry while iterating a Map is well defined
        this.#ttlOf.delete(key);
      }
      if (queue.size === 0) this.#queues.delete(ttl);
    }
  }

  /** Forgets the key whose queue front expires soonest: the key closest to expiry. */
  #evictClosestToExpiry(): void {
    let victim: { key: string; ttl: number; expiresAtMs: number } | undefined;
    for (const [ttl, queue] of this.#queues) {
      const front = queue.entries().next();
      if (front.done === true) continue;
      const [key, expiresAtMs] = front.value;
      if (victim === undefined || expiresAtMs < victim.expiresAtMs) {
        victim = { key, ttl, expiresAtMs };
      }
    }
    if (victim !== undefined) this.#forget(victim.key, victim.ttl);
  }

  #forget(key: string, ttl: number): void {
    const queue = this.#queues.get(ttl);
    if (queue !== undefined) {
      queue.delete(key);
      if (queue.size === 0) this.#queues.delete(ttl);
    }
    this.#ttlOf.delete(key);
  }
}

/** Numbers are not secret: show them; anything else by type only. */
function describeNumber(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeValue(value);
}
