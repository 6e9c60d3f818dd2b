/**
 * The dedupe port: remembers which event ids (dedupe keys) a receiver has accepted, so a
 * redelivery or a replay of the same event runs the handlers once (docs/design.md §6.7:
 * at-least-once delivery, dedupe on the envelope `id`; docs/design.md §5.16 for EUDR).
 *
 * A key goes through two states. `reserve` takes it **in progress** for a short lease while the
 * handlers run; `complete` marks it **done** for the long dedupe window once they succeeded;
 * `release` forgets it when they failed, so the sender's retry processes the event again. The two
 * states tell a redelivery that arrives *during* processing (answer "retry later": the first
 * attempt may still fail) from one that arrives after it (a duplicate: acknowledge). A process
 * that dies mid-handler leaves an in-progress key that expires with its lease, so the sender's
 * next retry is processed.
 *
 * `reserve` must be atomic: two concurrent calls with the same key give exactly one `'reserved'`.
 * Never implement it as "check, then set". A reservation carries a random `token`; `complete` and
 * `release` act only while the key is still held with that token, so an attempt whose lease
 * lapsed (a handler slower than the lease) cannot complete or free a later attempt's reservation. Built in: `MemoryDedupeStore` (one process),
 * `RedisDedupeStore` (`SET key pending NX PX lease`, any number of processes) and
 * `PostgresDedupeStore` from `@novatrade24/webhooks/postgres` (one statement per call).
 *
 * @example
 * ```ts
 * class TableDedupeStore implements DedupeStore {
 *   // INSERT … ON CONFLICT DO NOTHING is atomic; on conflict read the row's state and expiry.
 *   async reserve(key: string, ttlMs: number) { … }          // { status: 'reserved', token } …
 *   async complete(key: string, token: string, ttlMs: number) { … } // UPDATE … WHERE token = $2
 *   async release(key: string, token: string) { … }          // DELETE WHERE key = $1 AND token = $2
 * }
 * ```
 */
export interface DedupeStore {
  /**
   * Atomically takes `key` in progress for `ttlMs` milliseconds, unless it is held.
   *
   * @param key - the dedupe key: the event id (Novatrade24) or the SHA-256 of the raw body (EUDR).
   * @param ttlMs - the in-progress lease in milliseconds (a positive integer): how long the key
   *   stays held if neither `complete` nor `release` follows (a crashed process).
   * @returns `{ status: 'reserved', token }` if this call took the key (process the event; keep
   *   the token for `complete` or `release`); `{ status: 'in_progress' }` if another call holds it
   *   and has not completed (answer "retry later"); `{ status: 'done' }` if it was completed and
   *   has not expired (a duplicate: acknowledge without processing).
   */
  reserve(key: string, ttlMs: number): Promise<DedupeReservation>;
  /**
   * Marks `key` done for `ttlMs` milliseconds from now, if it is still held in progress with
   * `token`: the handlers succeeded (or, in async mode, the event is safe in the inbox).
   *
   * @returns `true` if it was marked done; `false` if the reservation had lapsed or been taken by
   *   another attempt (nothing changed).
   */
  complete(key: string, token: string, ttlMs: number): Promise<boolean>;
  /**
   * Forgets `key` if it is still held in progress with `token`, so the sender's next retry of the
   * event is processed again. Called when a handler failed. Anything else (an unknown key, another
   * attempt's reservation, a done key) is left alone and is not an error.
   */
  release(key: string, token: string): Promise<void>;
}

/** What {@link DedupeStore.reserve} found. */
export type DedupeReservation =
  | { readonly status: 'reserved'; readonly token: string }
  | { readonly status: 'in_progress' }
  | { readonly status: 'done' };
