/**
 * The dedupe port: remembers which event ids (dedupe keys) a receiver has accepted, so a
 * redelivery or a replay of the same event runs the handlers once (spec digest §1.16:
 * at-least-once delivery, dedupe on the envelope `id`; DESIGN.md §5.16 for EUDR).
 *
 * `reserve` must be atomic: two concurrent calls with the same key give exactly one `true`.
 * Never implement it as "check, then set". Built in: `MemoryDedupeStore` (one process) and
 * `RedisDedupeStore` (`SET key value NX PX ttl`, any number of processes).
 *
 * @example
 * ```ts
 * class MyStore implements DedupeStore {
 *   async reserve(key: string, ttlMs: number) { return db.insertIfAbsent(key, Date.now() + ttlMs); }
 *   async release(key: string) { await db.delete(key); }
 * }
 * ```
 */
export interface DedupeStore {
  /**
   * Atomically records `key` for `ttlMs` milliseconds if it is not recorded yet.
   *
   * @param key - the dedupe key: the event id (Novatrade24) or the SHA-256 of the raw body (EUDR).
   * @param ttlMs - how long the key is remembered, in milliseconds (a positive integer).
   * @returns `true` if this call recorded the key (first delivery: process it), `false` if the
   *   key was already recorded and has not expired (a duplicate: acknowledge without processing).
   */
  reserve(key: string, ttlMs: number): Promise<boolean>;
  /**
   * Forgets `key`, so the sender's next retry of the event is processed again. Called when a
   * handler failed in `sync` ack mode. Releasing an unknown key is not an error.
   */
  release(key: string): Promise<void>;
}
