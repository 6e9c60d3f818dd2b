// The memory storage's Idempotency-Key records (docs/design.md §5.10) and their expiry.

import { copyIdempotencyResponse } from '../internal/copy-idempotency-response.js';
import type {
  BeginIdempotentInput,
  CompleteIdempotentInput,
  IdempotencyBegin,
} from '../ports/idempotency-store.js';
import type { IdempotencyRecord } from '../records.js';

/**
 * Idempotency-Key records by scope, with the `IdempotencyStore` operations. A record expires at
 * `expiresAtMs` exactly (`nowMs >= expiresAtMs`: absent); expired records are dropped when their
 * scope is next used, from the oldest end on every begin and complete, and by
 * {@link IdempotencyTable.purgeExpired}, so memory follows the live keys.
 */
export class IdempotencyTable {
  /**
   * The in-flight records and the completed ones, by scope (docs/design.md §5.10); a scope is in
   * one of them at most. Each map is in insertion order, which is the order of expiry: every
   * `begin` holds a record for the same `inFlightTtlMs` and every `complete` keeps it for the
   * same `ttlMs` (the sender's constants), so a record inserted later expires later. One map for
   * both would not be: an in-flight record (5 minutes) begun after a completed one (24 hours)
   * expires first, and the sweep, which stops at the first live record, would never reach it.
   * A record moves to the end of `#completed` when it completes, and a scope begun again after
   * its record expired goes to the end of `#inFlight`. Other TTLs only make the sweep stop
   * early; `purgeExpired` still finds every expired record.
   */
  readonly #inFlight = new Map<string, IdempotencyRecord>();
  readonly #completed = new Map<string, IdempotencyRecord>();
  /**
   * The last token handed out. One table, one process: a counter is unique per `begin`, and
   * cheaper than random bytes. Tokens only fence records (they are no secret).
   */
  #lastToken = 0;

  /** `IdempotencyStore.begin`. */
  begin(input: BeginIdempotentInput): IdempotencyBegin {
    const { scope, bodyHash, nowMs } = input;
    this.#sweep(nowMs);
    const live = this.#live(scope, nowMs);
    if (live === undefined) {
      this.#lastToken += 1;
      const token = `idem_${this.#lastToken}`;
      // Held for a while only, so that a request that crashed does not lock the key for good.
      // The scope is in neither map now (`#live` dropped an expired record): it goes to the end.
      this.#inFlight.set(scope, {
        scope,
        bodyHash,
        token,
        state: 'in_flight',
        response: null,
        createdAtMs: nowMs,
        expiresAtMs: nowMs + input.inFlightTtlMs,
      });
      return { outcome: 'started', token };
    }
    if (live.bodyHash !== bodyHash) return { outcome: 'mismatch' };
    if (live.state === 'in_flight' || live.response === null) return { outcome: 'in_flight' };
    return { outcome: 'replay', response: copyIdempotencyResponse(live.response) };
  }

  /** `IdempotencyStore.complete`. */
  complete(input: CompleteIdempotentInput): void {
    const { scope, token, response, nowMs } = input;
    this.#sweep(nowMs);
    const live = this.#live(scope, nowMs);
    // The first response wins; a record another token began is not this request's to complete.
    if (live !== undefined && (live.state === 'completed' || live.token !== token)) return;
    // Out of the in-flight records, to the end of the completed ones: it expires last of them.
    this.#inFlight.delete(scope);
    this.#completed.set(scope, {
      scope,
      // The hash `begin` compared; the input's only when this request's record is gone.
      bodyHash: live?.bodyHash ?? input.bodyHash,
      token,
      state: 'completed',
      response: copyIdempotencyResponse(response),
      createdAtMs: live?.createdAtMs ?? nowMs,
      expiresAtMs: nowMs + input.ttlMs,
    });
  }

  /** `IdempotencyStore.abandon`. */
  abandon(scope: string, token: string): void {
    if (this.#inFlight.get(scope)?.token === token) this.#inFlight.delete(scope);
  }

  /**
   * Drops the records expired at `atMs` from the oldest end of each map, up to its first live one:
   * each record is dropped once, so this costs O(1) amortised per call. One that expired behind a
   * live record (another TTL) goes when its scope is used again, or with
   * {@link IdempotencyTable.purgeExpired}.
   */
  #sweep(atMs: number): void {
    sweep(this.#inFlight, atMs);
    sweep(this.#completed, atMs);
  }

  /**
   * `IdempotencyStore.purgeExpired`: drops up to `limit` records expired at `nowMs`, oldest first
   * in each map, walking past live ones (a call that finds fewer than `limit` walks every record
   * once).
   */
  purgeExpired(nowMs: number, limit: number): number {
    let dropped = 0;
    for (const records of [this.#inFlight, this.#completed]) {
      for (const [scope, record] of records) {
        if (dropped >= limit) return dropped;
        if (record.expiresAtMs <= nowMs) {
          records.delete(scope);
          dropped += 1;
        }
      }
    }
    return dropped;
  }

  /** The record of `scope` unless it expired at `nowMs` (then it is dropped). */
  #live(scope: string, nowMs: number): IdempotencyRecord | undefined {
    const records = this.#inFlight.has(scope) ? this.#inFlight : this.#completed;
    const record = records.get(scope);
    if (record === undefined || record.expiresAtMs > nowMs) return record;
    records.delete(scope);
    return undefined;
  }
}

/** Drops the records of `records` expired at `atMs`, from the front up to the first live one. */
function sweep(records: Map<string, IdempotencyRecord>, atMs: number): void {
  for (const [scope, record] of records) {
    if (record.expiresAtMs > atMs) return;
    records.delete(scope);
  }
}
