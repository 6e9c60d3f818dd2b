// The memory storage's Idempotency-Key records (docs/design.md §5.10) and their expiry.

import type {
  BeginIdempotentInput,
  CompleteIdempotentInput,
  IdempotencyBegin,
} from '../ports/idempotency-store.js';
import type { IdempotencyRecord, IdempotencyResponse } from '../records.js';

/**
 * Idempotency-Key records by scope, with the `IdempotencyStore` operations. A record expires at
 * `expiresAtMs` exactly (`nowMs >= expiresAtMs`: absent); expired records are dropped when their
 * scope is next used, from the oldest end on every begin and complete, and by
 * {@link IdempotencyTable.purgeExpired}, so memory follows the live keys.
 */
export class IdempotencyTable {
  /**
   * Idempotency-Key records by scope (docs/design.md §5.10), oldest first: a scope begun again after
   * its record expired moves to the end, so expired records gather at the front.
   */
  readonly #records = new Map<string, IdempotencyRecord>();
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
      this.#records.set(scope, {
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
    return { outcome: 'replay', response: copyResponse(live.response) };
  }

  /** `IdempotencyStore.complete`. */
  complete(input: CompleteIdempotentInput): void {
    const { scope, token, response, nowMs } = input;
    this.#sweep(nowMs);
    const live = this.#live(scope, nowMs);
    // The first response wins; a record another token began is not this request's to complete.
    if (live !== undefined && (live.state === 'completed' || live.token !== token)) return;
    this.#records.set(scope, {
      scope,
      // The hash `begin` compared; the input's only when this request's record is gone.
      bodyHash: live?.bodyHash ?? input.bodyHash,
      token,
      state: 'completed',
      response: copyResponse(response),
      createdAtMs: live?.createdAtMs ?? nowMs,
      expiresAtMs: nowMs + input.ttlMs,
    });
  }

  /** `IdempotencyStore.abandon`. */
  abandon(scope: string, token: string): void {
    const record = this.#records.get(scope);
    if (record?.state === 'in_flight' && record.token === token) {
      this.#records.delete(scope);
    }
  }

  /**
   * Drops the records expired at `atMs` from the oldest end, up to the first live one: each record
   * is dropped once, so this costs O(1) amortised per call. One that expired behind a live record
   * goes when its scope is used again, or with {@link IdempotencyTable.purgeExpired}.
   */
  #sweep(atMs: number): void {
    for (const [scope, record] of this.#records) {
      if (record.expiresAtMs > atMs) return;
      this.#records.delete(scope);
    }
  }

  /**
   * `IdempotencyStore.purgeExpired`: drops up to `limit` records expired at `nowMs`, oldest first,
   * walking past live ones (a call that finds fewer than `limit` walks every record once).
   */
  purgeExpired(nowMs: number, limit: number): number {
    let dropped = 0;
    for (const [scope, record] of this.#records) {
      if (dropped >= limit) break;
      if (record.expiresAtMs <= nowMs) {
        this.#records.delete(scope);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** The record of `scope` unless it expired at `nowMs` (then it is dropped). */
  #live(scope: string, nowMs: number): IdempotencyRecord | undefined {
    const record = this.#records.get(scope);
    if (record === undefined || record.expiresAtMs > nowMs) return record;
    this.#records.delete(scope);
    return undefined;
  }
}

/**
 * A copy of `response`, its headers copied too, so nothing the caller holds (what went in, what
 * came out) shares an object with the stored record. No `headers` in, no `headers` out.
 */
function copyResponse(response: IdempotencyResponse): IdempotencyResponse {
  const { status, headers, body } = response;
  return headers === undefined ? { status, body } : { status, headers: { ...headers }, body };
}
