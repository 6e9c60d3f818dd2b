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
 * Built in: `MemoryIdempotencyStore` (one process). Several processes behind one API need one
 * shared store: the records of one process are unknown to another, and a retry that reaches
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
 *   `complete` or `abandon`;
 * - `replay`: completed with the same body hash: answer with the stored `response`;
 * - `mismatch`: a live record (in flight or completed) with another body hash: 422
 *   `idempotency-key-reused`;
 * - `in_flight`: the same body is still being handled by another request: 409.
 */
export type IdempotencyBegin =
  | { readonly outcome: 'started' }
  | { readonly outcome: 'replay'; readonly response: IdempotencyResponse }
  | { readonly outcome: 'mismatch' }
  | { readonly outcome: 'in_flight' };

/** Input of {@link IdempotencyStore.complete}. */
export interface CompleteIdempotentInput {
  readonly scope: string;
  readonly bodyHash: string;
  /** The response to replay; its body may hold a one-time secret (kept here only, never logged). */
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
 *   // INSERT … ON CONFLICT (scope) DO UPDATE … WHERE expires_at <= $now RETURNING …: atomic.
 *   async begin(input: BeginIdempotentInput) { … }     // { outcome: 'started' } …
 *   async complete(input: CompleteIdempotentInput) { … }
 *   async abandon(scope: string, bodyHash: string) { … } // DELETE … AND state = 'in_flight'
 *   async purgeExpired(nowMs: number, limit: number) { … } // DELETE … LIMIT: one bounded batch
 * }
 * const sender = new WebhookSender({ transport, idempotencyStore: new TableIdempotencyStore() });
 * ```
 */
export interface IdempotencyStore {
  /**
   * Looks up the record of `scope` and, when there is no live one (none, or expired), creates it
   * in flight for this request, expiring at `nowMs + inFlightTtlMs`. Concurrent calls with the
   * same scope: exactly one gets `started`.
   */
  begin(input: BeginIdempotentInput): Promise<IdempotencyBegin>;
  /**
   * Stores the response of the request that began `scope` and keeps it until `nowMs + ttlMs`.
   * The first response wins: a record already completed, or a live record with another body hash
   * (begun after this request's own record expired), is left as it is. With no live record (this
   * request's in-flight record expired), the completed record is created.
   */
  complete(input: CompleteIdempotentInput): Promise<void>;
  /**
   * Drops the in-flight record of `scope` if it has this body hash (its request failed before a
   * response worth replaying): the key is free again. Completed records, another body's record
   * and unknown scopes are left alone; none is an error.
   */
  abandon(scope: string, bodyHash: string): Promise<void>;
  /**
   * Deletes up to `limit` records expired at `nowMs` (`expiresAtMs <= nowMs`), in flight or
   * completed; live records are never deleted. The sender's `purgeExpired` (run by the
   * dispatcher every `purgeIntervalMs`) repeats the call until it returns less than `limit`, so
   * each call is one bounded batch.
   * @returns how many records were deleted (at most `limit`).
   */
  purgeExpired(nowMs: number, limit: number): Promise<number>;
}
