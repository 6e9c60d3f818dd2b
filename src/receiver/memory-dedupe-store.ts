import { WebhookStorageError } from '../core/errors.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { describeValue } from '../core/internal/describe-value.js';
import { integerOptionOr } from '../core/internal/integer-option.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import {
  assertDedupeKey,
  assertDedupeToken,
  checkDedupeTtlMs,
  tokenSource,
} from './internal/dedupe-arguments.js';
import type { DedupeReservation, DedupeStore } from './ports/dedupe-store.js';

/** Options of {@link MemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /**
   * Most keys held at once, in progress and done together (a positive integer). When `reserve`
   * meets a full store, expired keys are dropped first, then the done key closest to expiry is
   * forgotten; an in-progress key is never forgotten, so a store full of them rejects the new
   * reservation (see the class notes).
   * @default 100_000
   */
  readonly maxEntries?: number;
  /**
   * The current time in epoch **milliseconds**, like `Date.now` (inject a fake clock in tests).
   * Read at every call, so a clock mocked after construction is honoured.
   * @default () => Date.now()
   */
  readonly now?: () => number;
  /**
   * Makes the token of each reservation: a non-empty string that no other reservation of the
   * same key may share (inject a counter in tests).
   * @default 16 random bytes from `crypto.getRandomValues`, as unpadded base64url (22 characters)
   */
  readonly token?: () => string;
}

/** Every option of {@link MemoryDedupeStoreOptions} (a type test keeps the list complete). */
export const MEMORY_DEDUPE_STORE_OPTION_NAMES = [
  'maxEntries',
  'now',
  'token',
] as const satisfies readonly (keyof MemoryDedupeStoreOptions)[];

const DEFAULT_MAX_ENTRIES = 100_000;

/** What the store remembers about one held key. */
type HeldKey =
  | {
      /** In progress (after `reserve`), held by the attempt that has `token`. */
      readonly state: 'pending';
      readonly token: string;
      /** The TTL of the queue that holds the key (the `ttlMs` of its reserve). */
      readonly ttlMs: number;
      readonly expiresAtMs: number;
    }
  | {
      /** Done (after `complete`). */
      readonly state: 'done';
      /** The TTL of the queue that holds the key (the `ttlMs` of its complete). */
      readonly ttlMs: number;
      readonly expiresAtMs: number;
    };

/** ttlMs -> (key -> its entry), each inner map in insertion (= expiry) order. */
type Queues = Map<number, Map<string, HeldKey>>;

const IN_PROGRESS: DedupeReservation = Object.freeze({ status: 'in_progress' });
const DONE: DedupeReservation = Object.freeze({ status: 'done' });

/**
 * A {@link DedupeStore} in process memory, for a receiver that runs as one process. `reserve`
 * holds a key in progress for its lease (`ttlMs`) under a fresh random token; `complete` with
 * that token holds it done for `ttlMs` from the moment it completes; either state is forgotten
 * when its time is up (a key held until `t` can be reserved again from `t` on). `complete` and
 * `release` with another token, or after the lease lapsed, change nothing. Use
 * `RedisDedupeStore` when several processes share the work.
 *
 * **Bounded size.** At most `maxEntries` keys are held, in progress and done together. When
 * `reserve` meets a full store, expired keys are dropped first; then the **done** key closest to
 * expiry is forgotten. An **in-progress** key is never forgotten: that would let a redelivery of
 * an event whose handlers are still running be processed concurrently. If every held key is in
 * progress, `reserve` of a new key rejects with `storage_unavailable` (the receiver answers 503
 * `dedupe_unavailable` and the sender retries later) until one completes, is released or its lease expires.
 * `complete` never needs room: the key is already held. A forgotten done key's redelivery would
 * be processed again, so size `maxEntries` above the number of events you receive per dedupe
 * window, plus the handlers that can run at once.
 *
 * **Cost.** In-progress and done keys are kept apart, each in one insertion-ordered queue per
 * distinct `ttlMs`; `complete` moves a key from its lease queue to the back of the done queue of
 * its window. With a clock that does not go backwards, each queue is therefore ordered by expiry,
 * so expired keys sit at the queue fronts: each call drops them and picks the eviction victim by
 * looking at the done fronts only. That is O(1) amortised per call for a receiver (it uses two
 * TTLs: the lease and the window) and O(distinct TTLs held) in general. If the clock steps
 * backwards, an expired key can sit behind an unexpired one until it reaches the front; lookups
 * still compare expiry times, so answers stay correct, and a store full of in-progress keys scans
 * them all for expired ones before it rejects.
 *
 * `reserve` is atomic because it never awaits between the lookup and the write: concurrent calls
 * with one key give exactly one `'reserved'`.
 *
 * @example
 * ```ts
 * const store = new MemoryDedupeStore({ maxEntries: 50_000 });
 * const found = await store.reserve(event.id, 5 * 60 * 1000); // a 5-minute lease
 * if (found.status === 'reserved') {
 *   try {
 *     await handle(event);
 *     await store.complete(event.id, found.token, 30 * 24 * 60 * 60 * 1000); // done for 30 days
 *   } catch (error) {
 *     await store.release(event.id, found.token); // the sender's retry is processed again
 *     throw error;
 *   }
 * }
 * ```
 */
export class MemoryDedupeStore implements DedupeStore {
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #token: () => string;
  /** In-progress keys, by lease TTL. */
  readonly #pending: Queues = new Map();
  /** Done keys, by window TTL. */
  readonly #done: Queues = new Map();
  /** key -> its entry, whichever queue holds it. */
  readonly #held = new Map<string, HeldKey>();
  /**
   * No held key expires before this time, epoch ms: the expiry sweep is skipped until then. (A
   * sweep starts iterating every queue, and V8 Maps walk the tombstones of keys deleted at their
   * front, so an unneeded sweep per call would cost O(deleted keys).)
   */
  #nextExpiryMs = Number.POSITIVE_INFINITY;

  /**
   * @param options - `maxEntries` (default 100 000), `now` (epoch ms, default `Date.now`) and
   *   `token` (default: 16 random bytes as base64url).
   * @throws WebhookValidationError `invalid_option` naming `options`, `maxEntries`, `now`,
   *   `token` or an unknown option (with the nearest known name).
   */
  constructor(options: MemoryDedupeStoreOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw invalidOption(
        'options',
        `Expected an options object or nothing; got ${describeValue(options)}.`,
        'invalid_type',
      );
    }
    assertKnownOptions(options, MEMORY_DEDUPE_STORE_OPTION_NAMES, 'MemoryDedupeStore');
    const { now, token } = options;
    this.#maxEntries = integerOptionOr(
      'MemoryDedupeStore',
      'maxEntries',
      options.maxEntries,
      DEFAULT_MAX_ENTRIES,
    );
    if (now !== undefined && typeof now !== 'function') {
      throw invalidOption(
        'now',
        `now must be a function returning epoch milliseconds; got ${describeValue(now)}.`,
        'invalid_type',
      );
    }
    this.#now = now ?? (() => Date.now());
    this.#token = tokenSource(token);
  }

  /**
   * Takes `key` in progress for `ttlMs` milliseconds under a new token, unless it is held and
   * unexpired.
   *
   * @param key - the dedupe key (a non-empty string).
   * @param ttlMs - the in-progress lease, in milliseconds: a finite number ≥ 1, floored.
   * @returns `{ status: 'reserved', token }` if this call took the key (pass `token` to
   *   `complete` or `release`); `{ status: 'in_progress' }` if it is held and not completed;
   *   `{ status: 'done' }` if it was completed and its dedupe window has not expired.
   * @throws WebhookValidationError `invalid_option` naming `key` or `ttlMs` for bad input, `now`
   *   if the clock returned something that is not a finite number, or `token` if the token
   *   function returned something that is not a non-empty string; WebhookStorageError
   *   `storage_unavailable` if the store is full of in-progress keys (raise `maxEntries`). All as
   *   rejections.
   * @example
   * ```ts
   * const first = await store.reserve('evt_1', 60_000); // { status: 'reserved', token: '…' }
   * await store.reserve('evt_1', 60_000); // { status: 'in_progress' }
   * if (first.status === 'reserved') await store.complete('evt_1', first.token, 86_400_000);
   * await store.reserve('evt_1', 60_000); // { status: 'done' }
   * ```
   */
  async reserve(key: string, ttlMs: number): Promise<DedupeReservation> {
    assertDedupeKey(key);
    const ttl = checkDedupeTtlMs(ttlMs, 'MemoryDedupeStore.reserve');
    const nowMs = this.#readNow();
    this.#dropExpired(nowMs);
    // No await from here to the write below: this is what makes reserve atomic.
    const held = this.#held.get(key);
    if (held !== undefined) {
      if (held.expiresAtMs > nowMs) return held.state === 'done' ? DONE : IN_PROGRESS;
      this.#forget(key, held); // expired out of queue order (the clock stepped backwards)
    }
    // Before making room, so that a throwing token function evicts nothing.
    const token = this.#token();
    if (this.#held.size >= this.#maxEntries) this.#makeRoom(nowMs);
    this.#insert(key, { state: 'pending', token, ttlMs: ttl, expiresAtMs: nowMs + ttl });
    return { status: 'reserved', token };
  }

  /**
   * Marks `key` done for `ttlMs` milliseconds from now, if it is held in progress with `token`
   * and its lease has not expired. Otherwise (an unknown, expired or done key, or another
   * attempt's token) nothing changes.
   *
   * @param key - the dedupe key (a non-empty string).
   * @param token - the token `reserve` returned to this attempt (a non-empty string).
   * @param ttlMs - the dedupe window, in milliseconds from now: a finite number ≥ 1, floored.
   * @returns `true` if the key is now done; `false` if the reservation had lapsed or belongs to
   *   another attempt.
   * @throws WebhookValidationError `invalid_option` naming `key`, `token` or `ttlMs` for bad
   *   input, or `now` if the clock returned something that is not a finite number (as a
   *   rejection).
   * @example
   * ```ts
   * await store.complete('evt_1', found.token, 30 * 24 * 60 * 60 * 1000); // true: 'done' for 30 days
   * ```
   */
  async complete(key: string, token: string, ttlMs: number): Promise<boolean> {
    assertDedupeKey(key);
    assertDedupeToken(token);
    const ttl = checkDedupeTtlMs(ttlMs, 'MemoryDedupeStore.complete');
    const nowMs = this.#readNow();
    this.#dropExpired(nowMs);
    const held = this.#held.get(key);
    if (
      held === undefined ||
      held.state !== 'pending' ||
      held.token !== token ||
      held.expiresAtMs <= nowMs
    ) {
      return false;
    }
    // Moving the key (not updating it in place) keeps every queue in expiry order: the new
    // expiry time is the latest of its queue. The key frees its own place, so no eviction.
    this.#forget(key, held);
    this.#insert(key, { state: 'done', ttlMs: ttl, expiresAtMs: nowMs + ttl });
    return true;
  }

  /**
   * Forgets `key` if it is held in progress with `token`. Anything else (an unknown key, a done
   * key, another attempt's token) is left alone.
   *
   * @param key - the dedupe key (a non-empty string).
   * @param token - the token `reserve` returned to this attempt (a non-empty string).
   * @throws WebhookValidationError `invalid_option` naming `key` or `token` if it is not a
   *   non-empty string (as a rejection).
   * @example
   * ```ts
   * await store.release('evt_1', found.token); // the sender's next retry is processed again
   * ```
   */
  async release(key: string, token: string): Promise<void> {
    assertDedupeKey(key);
    assertDedupeToken(token);
    const held = this.#held.get(key);
    // An expired lease with this token can go too: nobody holds it any more.
    if (held?.state === 'pending' && held.token === token) this.#forget(key, held);
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
    this.#pending.clear();
    this.#done.clear();
    this.#held.clear();
    this.#nextExpiryMs = Number.POSITIVE_INFINITY;
  }

  #readNow(): number {
    const nowMs = this.#now();
    if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
      throw invalidOption(
        'now',
        `now() must return finite epoch milliseconds; got ${describeNumber(nowMs)}.`,
        'invalid_type',
      );
    }
    return nowMs;
  }

  /**
   * Frees one place in a full store, or throws: forgets the done key closest to expiry; with no
   * done key, drops expired in-progress keys wherever they sit; never forgets a live one.
   */
  #makeRoom(nowMs: number): void {
    let victim: { key: string; entry: HeldKey } | undefined;
    for (const queue of this.#done.values()) {
      const front = queue.entries().next();
      if (front.done === true) continue;
      const [key, entry] = front.value;
      if (victim === undefined || entry.expiresAtMs < victim.entry.expiresAtMs) {
        victim = { key, entry };
      }
    }
    if (victim !== undefined) {
      this.#forget(victim.key, victim.entry);
      return;
    }
    // Every held key is in progress. Front sweeps already dropped the expired ones unless the
    // clock stepped backwards; this full scan runs only on this rare, refusing path.
    for (const queue of this.#pending.values()) {
      for (const [key, entry] of queue) {
        if (entry.expiresAtMs <= nowMs) this.#forget(key, entry);
      }
    }
    if (this.#held.size < this.#maxEntries) return;
    throw new WebhookStorageError(
      'storage_unavailable',
      `MemoryDedupeStore.reserve: the dedupe store is full of in-progress reservations (maxEntries ${this.#maxEntries}); raise maxEntries. The receiver answers 503 and the sender retries later.`,
    );
  }

  /** Appends `key` (not held) to the back of the queue of its state and TTL. */
  #insert(key: string, entry: HeldKey): void {
    const queues = entry.state === 'pending' ? this.#pending : this.#done;
    let queue = queues.get(entry.ttlMs);
    if (queue === undefined) {
      queue = new Map();
      queues.set(entry.ttlMs, queue);
    }
    queue.set(key, entry);
    this.#held.set(key, entry);
    if (entry.expiresAtMs < this.#nextExpiryMs) this.#nextExpiryMs = entry.expiresAtMs;
  }

  /** Pops expired keys from the front of every queue; stops at the first unexpired one. */
  #dropExpired(nowMs: number): void {
    if (nowMs < this.#nextExpiryMs) return;
    let next = Number.POSITIVE_INFINITY;
    for (const queues of [this.#pending, this.#done]) {
      for (const [ttl, queue] of queues) {
        for (const [key, entry] of queue) {
          if (entry.expiresAtMs > nowMs) {
            // The queue's first live key: the earliest expiry of this queue.
            if (entry.expiresAtMs < next) next = entry.expiresAtMs;
            break;
          }
          queue.delete(key); // deleting the current entry while iterating a Map is well defined
          this.#held.delete(key);
        }
        if (queue.size === 0) queues.delete(ttl);
      }
    }
    this.#nextExpiryMs = next;
  }

  #forget(key: string, entry: HeldKey): void {
    const queues = entry.state === 'pending' ? this.#pending : this.#done;
    const queue = queues.get(entry.ttlMs);
    if (queue !== undefined) {
      queue.delete(key);
      if (queue.size === 0) queues.delete(entry.ttlMs);
    }
    this.#held.delete(key);
  }
}

/** Numbers are not secret: show them; anything else by type only. */
function describeNumber(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeValue(value);
}
