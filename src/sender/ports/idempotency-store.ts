/**
 * The Idempotency-Key port (docs/design.md §5.10): the records that let a write of the management
 * HTTP layer run at most once per organization + method + route + key, and give a retry with the
 * same body the stored response. Apart from `SenderStorage`, so that the HTTP API and the delivery
 * storage evolve apart, and so that a deployment can keep the records where its API runs.
 *
 * Every method is one atomic operation, and times come in as arguments (`nowMs`), never from a
 * clock. Records are plain data; an adapter returns copies. One conformance suite
 * (`test/helpers/idempotency-store-conformance.ts`) runs against every adapter.
 *
 * A record is fenced by a token, as the receiver's `DedupeStore` reservations are: `begin` makes
 * one per record it starts, and `complete` and `abandon` act only on the record their token began.
 * A request that runs past `inFlightTtlMs` loses its record; another request with the same key and
 * body may then begin a new one, and the first request's late `abandon` or `complete` must not
 * free or fill the second one's record (the body hash cannot tell the two apart: it is the same).
 *
 * Built in: `MemoryIdempotencyStore` (one process) and `PostgresIdempotencyStore` from
 * `@novatrade24/webhooks/postgres`. Several processes behind one API need one shared store: the records of one process are unknown to another, and a retry that reaches
 * another process would run the write again.
 */

import type { IdempotencyResponse } from '../records.js';

/** Input of {@link IdempotencyStore.begin} (docs/design.md §5.10). */
export interface BeginIdempotentInput {
  /** Organization + method + route + Idempotency-Key: records of different scopes never meet. */
  readonly scope: string;
  /** SHA-256 of the raw request body. */
  readonly bodyHash: string;
  /** Now, epoch ms: a record whose `expiresAtMs` is at or before it counts as absent. */
  readonly nowMs: number;
  /**
   * How long the record lives once completed, ms (24 h, docs/design.md §5.10). The expiry is set by
   * {@link IdempotencyStore.complete}; an adapter that stores it up front may read it here.
   */
  readonly ttlMs: number;
  /**
   * How long a new record holds the key while its request runs, ms: a request that crashed
   * before completing or abandoning blocks the key for this long, not forever.
   */
  readonly inFlightTtlMs: number;
}

/**
 * What {@link IdempotencyStore.begin} found (docs/design.md §5.10):
 * - `started`: no live record; one is now held in flight for this request, which must end with
 *   `complete` or `abandon`, passing `token`;
 * - `replay`: completed with the same body hash: answer with the stored `response`;
 * - `mismatch`: a live record (in flight or completed) with another body hash: 422
 *   `idempotency-key-reused`;
 * - `in_flight`: the same body is still being handled by another request: 409.
 */
export type IdempotencyBegin =
  | {
      readonly outcome: 'started';
      /**
       * Names the record this call began: an opaque string the store makes, different for every
       * `begin` that returns `started` (in memory a counter; a database adapter a random
       * token it makes and binds as a parameter). Not a secret, but not for clients either: it stays in the process.
       */
      readonly token: string;
    }
  | { readonly outcome: 'replay'; readonly response: IdempotencyResponse }
  | { readonly outcome: 'mismatch' }
  | { readonly outcome: 'in_flight' };

/** Input of {@link IdempotencyStore.complete}. */
export interface CompleteIdempotentInput {
  readonly scope: string;
  /** The `token` of the `started` answer of this request's `begin`. */
  readonly token: string;
  /**
   * The body hash given to `begin`: stored with the response when no live record is left (this
   * request's record expired), so that a later `begin` can replay or refuse it.
   */
  readonly bodyHash: string;
  /**
   * The response to replay, stored and replayed verbatim (status, headers such as `Location` or
   * `Content-Type`, body); its body may hold a one-time secret (kept here only, never logged).
   */
  readonly response: IdempotencyResponse;
  /** Now, epoch ms. */
  readonly nowMs: number;
  /** The completed record lives until `nowMs + ttlMs` (24 h, docs/design.md §5.10). */
  readonly ttlMs: number;
}

/**
 * Where a sender keeps its Idempotency-Key records (docs/design.md §5.10). Every method is one
 * atomic operation; a record whose expiry has come counts as absent whether or not it was purged.
 *
 * @example
 * ```ts
 * class TableIdempotencyStore implements IdempotencyStore {
 *   // INSERT … VALUES (…, $token) ON CONFLICT (scope) DO UPDATE … WHERE expires_at <= $now
 *   // RETURNING …: atomic. { outcome: 'started', token } …
 *   async begin(input: BeginIdempotentInput) { … }
 *   // UPDATE … WHERE scope = $1 AND token = $2 AND state = 'in_flight' AND expires_at > $now;
 *   // no row: INSERT … ON CONFLICT (scope) DO UPDATE … WHERE expires_at <= $now
 *   async complete(input: CompleteIdempotentInput) { … }
 *   // DELETE … WHERE scope = $1 AND token = $2 AND state = 'in_flight'
 *   async abandon(scope: string, token: string) { … }
 *   async purgeExpired(nowMs: number, limit: number) { … } // DELETE … LIMIT: one bounded batch
 * }
 * const sender = new WebhookSender({ transport, idempotencyStore: new TableIdempotencyStore() });
 * ```
 */
export interface IdempotencyStore {
  /**
   * Looks up the record of `scope` and, when there is no live one (none, or expired), creates it
   * in flight for this request with a new token, expiring at `nowMs + inFlightTtlMs`. A live
   * record is compared by body hash: `replay`, `mismatch` or `in_flight`. Concurrent calls with
   * the same scope: exactly one gets `started`.
   */
  begin(input: BeginIdempotentInput): Promise<IdempotencyBegin>;
  /**
   * Stores the response of the request whose `begin` returned `token` and keeps it until
   * `nowMs + ttlMs`, on the in-flight record that token began. The first response wins, and
   * another request's record is not this one's: a completed record, or a live record begun by
   * another token (another request began `scope` after this one's record expired), is left as it
   * is. With no live record (this request's record expired and nobody began `scope` again), the
   * completed record is created with `bodyHash`, so a retry still gets the response.
   */
  complete(input: CompleteIdempotentInput): Promise<void>;
  /**
   * Drops the in-flight record of `scope` that `token` began (its request failed before a
   * response worth replaying): the key is free again. A record begun by another token (after
   * this one's expired), a completed record and an unknown scope are left alone; none is an error.
   */
  abandon(scope: string, token: string): Promise<void>;
  /**
   * Deletes up to `limit` records expired at `nowMs` (`expiresAtMs <= nowMs`), in flight or
   * completed; live records are never deleted. The sender's `purgeExpired` (run by the
   * dispatcher every `purgeIntervalMs`) repeats the call until it returns less than `limit`, so
   * each call is one bounded batch.
   * @returns how many records were deleted (at most `limit`).
   */
  purgeExpired(nowMs: number, limit: number): Promise<number>;
}
