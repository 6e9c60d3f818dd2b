import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { assertDedupeKey, checkDedupeTtlMs } from './internal/dedupe-arguments.js';
import type { DedupeReservation, DedupeStore } from './ports/dedupe-store.js';

/** Options of {@link MemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /**
   * Most keys held at once, in progress and done together (a positive integer). When a new key
   * arrives at a full store (through `reserve` or `complete`), expired keys are dropped first,
   * then the unexpired key that would expire soonest is forgotten, so memory stays bounded.
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

/** What the store remembers about one key besides its expiry time. */
interface HeldKey {
  /** The TTL of the queue that holds the key (the `ttlMs` of its last reserve or complete). */
  readonly ttlMs: number;
  /** `pending` while in progress (after `reserve`), `done` after `complete`. */
  readonly state: 'pending' | 'done';
}

/**
 * A {@link DedupeStore} in process memory, for a receiver that runs as one process. `reserve`
 * holds a key in progress for its lease (`ttlMs`); `complete` holds it done for `ttlMs` from the
 * moment it completes; either state is forgotten when its time is up (a key held until `t` can be
 * reserved again from `t` on). Use `RedisDedupeStore` when several processes share the work.
 *
 * **Bounded size.** At most `maxEntries` keys are held, in progress and done together. When a new
 * key arrives at a full store, expired keys are dropped first; if none has expired, the key
 * **closest to expiry** is forgotten (with one lease and one dedupe window, that is the oldest
 * in-progress key or else the oldest completion). A forgotten done key's redelivery would be
 * processed again, so size `maxEntries` above the number of events you receive per dedupe window.
 *
 * **Cost.** Keys are kept in one insertion-ordered queue per distinct `ttlMs`; `complete` moves a
 * key to the back of the queue of its new TTL with its new expiry time. With a clock that does not
 * go backwards, each queue is therefore ordered by expiry, so expired keys sit at the queue
 * fronts: each call drops them and picks the eviction victim by looking at the fronts only. That
 * is O(1) amortised per call for a receiver (it uses two TTLs: the lease and the window) and
 * O(distinct TTLs held) in general. If the clock steps backwards, an expired key can sit behind an
 * unexpired one until it reaches the front; lookups still compare expiry times, so answers stay
 * correct.
 *
 * `reserve` is atomic because it never awaits between the lookup and the write: concurrent calls
 * with one key give exactly one `'reserved'`.
 *
 * @example
 * ```ts
 * const store = new MemoryDedupeStore({ maxEntries: 50_000 });
 * const found = await store.reserve(event.id, 5 * 60 * 1000); // a 5-minute lease
 * if (found === 'reserved') {
 *   try {
 *     await handle(event);
 *     await store.complete(event.id, 30 * 24 * 60 * 60 * 1000); // done for 30 days
 *   } catch (error) {
 *     await store.release(event.id); // the sender's retry is processed again
 *     throw error;
 *   }
 * }
 * ```
 */
export class MemoryDedupeStore implements DedupeStore {
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** ttlMs -> (key -> expiresAtMs), each inner map in insertion (= expiry) order. */
  readonly #queues = new Map<number, Map<string, number>>();
  /** key -> its state and the ttlMs of the queue that holds it. */
  readonly #held = new Map<string, HeldKey>();

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
   * Takes `key` in progress for `ttlMs` milliseconds, unless it is held and unexpired.
   *
   * @param key - the dedupe key (a non-empty string).
   * @param ttlMs - the in-progress lease, in milliseconds: a finite number ≥ 1, floored.
   * @returns `'reserved'` if this call took the key; `'in_progress'` if it is held and not
   *   completed; `'done'` if it was completed and its dedupe window has not expired.
   * @throws WebhookValidationError `invalid_option` naming `key` or `ttlMs` for bad input, or
   *   `now` if the clock returned something that is not a finite number (as a rejection).
   * @example
   * ```ts
   * await store.reserve('evt_1', 60_000); // 'reserved'
   * await store.reserve('evt_1', 60_000); // 'in_progress'
   * await store.complete('evt_1', 86_400_000);
   * await store.reserve('evt_1', 60_000); // 'done'
   * ```
   */
  async reserve(key: string, ttlMs: number): Promise<DedupeReservation> {
    assertDedupeKey(key);
    const ttl = checkDedupeTtlMs(ttlMs);
    const nowMs = this.#readNow();
    this.#dropExpired(nowMs);
    // No await from here to the write below: this is what makes reserve atomic.
    const held = this.#held.get(key);
    if (held !== undefined) {
      const expiresAtMs = this.#queues.get(held.ttlMs)?.get(key);
      if (expiresAtMs !== undefined && expiresAtMs > nowMs) {
        return held.state === 'done' ? 'done' : 'in_progress';
      }
      this.#forget(key, held.ttlMs); // expired out of queue order (the clock stepped backwards)
    }
    this.#insert(key, { ttlMs: ttl, state: 'pending' }, nowMs);
    return 'reserved';
  }

  /**
   * Marks `key` done for `ttlMs` milliseconds from now, whatever its state: a held key moves to
   * the new expiry time; an unknown or expired key is recorded as done (and counts against
   * `maxEntries` like a reservation).
   *
   * @param key - the dedupe key (a non-empty string).
   * @param ttlMs - the dedupe window, in milliseconds from now: a finite number ≥ 1, floored.
   * @throws WebhookValidationError `invalid_option` naming `key` or `ttlMs` for bad input, or
   *   `now` if the clock returned something that is not a finite number (as a rejection).
   * @example
   * ```ts
   * await store.complete('evt_1', 30 * 24 * 60 * 60 * 1000); // duplicates for 30 days are 'done'
   * ```
   */
  async complete(key: string, ttlMs: number): Promise<void> {
    assertDedupeKey(key);
    const ttl = checkDedupeTtlMs(ttlMs);
    const nowMs = this.#readNow();
    this.#dropExpired(nowMs);
    const held = this.#held.get(key);
    // Moving the key (not updating it in place) keeps every queue in expiry order: the new
    // expiry time is the latest of its queue, and Map.set on a present key keeps its old place.
    if (held !== undefined) this.#forget(key, held.ttlMs);
    this.#insert(key, { ttlMs: ttl, state: 'done' }, nowMs);
  }

  /**
   * Forgets `key` in either state; unknown keys are ignored.
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
    const held = this.#held.get(key);
    if (held !== undefined) this.#forget(key, held.ttlMs);
  }

  /**
   * Number of keys held, in progress and done. Expired keys are dropped first, so with a clock
   * that does not go backwards this is exactly the number of unexpired keys; after a backwards
   * step it may still count a few expired keys (see the class notes).
   *
   * @example
   * ```ts
   * metrics.gauge('webhooks.dedupe.keys', store.size);
   * ```
   */
  get size(): number {
    this.#dropExpired(this.#readNow());
    return this.#held.size;
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
    this.#held.clear();
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

  /**
   * Appends `key` (not held) to the back of its TTL's queue, expiring `entry.ttlMs` from `nowMs`;
   * evicts the key closest to expiry first if the store is full.
   */
  #insert(key: string, entry: HeldKey, nowMs: number): void {
    if (this.#held.size >= this.#maxEntries) this.#evictClosestToExpiry();
    let queue = this.#queues.get(entry.ttlMs);
    if (queue === undefined) {
      queue = new Map();
      this.#queues.set(entry.ttlMs, queue);
    }
    queue.set(key, nowMs + entry.ttlMs);
    this.#held.set(key, entry);
  }

  /** Pops expired keys from the front of every queue; stops at the first unexpired one. */
  #dropExpired(nowMs: number): void {
    for (const [ttl, queue] of this.#queues) {
      for (const [key, expiresAtMs] of queue) {
        if (expiresAtMs > nowMs) break;
        queue.delete(key); // deleting the current entry while iterating a Map is well defined
        this.#held.delete(key);
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
    this.#held.delete(key);
  }
}

/** Numbers are not secret: show them; anything else by type only. */
function describeNumber(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeValue(value);
}
