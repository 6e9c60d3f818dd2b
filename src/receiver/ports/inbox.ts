/**
 * The inbox port of the `async` ack mode: a verified event is recorded here *before* the receiver
 * answers 202, then processed. An entry stays until its handlers succeed, so entries left by a
 * crash or a failing handler are processed again by `receiver.drainInbox()` (call it at start-up
 * and on an interval).
 *
 * Processing is **claimed**: `claim` leases entries for `leaseMs` under a fresh random token, and
 * only entries that no live lease holds are handed out. `complete` and `fail` act only while the
 * entry is still leased with that token, so when a handler outlives its lease and another process
 * takes the entry over, the first process can neither remove the entry nor count a failure on it.
 * Two live processes draining one inbox therefore never run an entry twice (unless a handler runs
 * longer than the lease): the receiver leases each entry right before running it, one at a time. A failed entry keeps its lease until it lapses: that is the shortest
 * time between two attempts, whichever process makes the next one.
 *
 * Every method is one atomic operation: `claim` must never hand one entry to two concurrent
 * callers (in SQL, `SELECT … FOR UPDATE SKIP LOCKED` inside the `UPDATE … RETURNING`; never "read,
 * then write"). Times come in as arguments (`nowMs`), never from a clock of the adapter's own.
 *
 * `MemoryInbox` is the default; it lives as long as the process. `PostgresInbox`
 * (`@novatrade24/webhooks/postgres`) survives restarts and serves any number of processes. Entries
 * hold parsed, verified events only: never a secret or a signature.
 *
 * @example
 * ```ts
 * class TableInbox implements Inbox {
 *   async add(entry: InboxEntry) { … }           // INSERT … ON CONFLICT (key) DO NOTHING
 *   async claim(limit: number, options: InboxClaimOptions) { … }
 *   // UPDATE … SET lease_token = $t, lease_expires_at = $now + $lease WHERE key IN (SELECT key …
 *   //   WHERE lease_expires_at IS NULL OR lease_expires_at <= $now ORDER BY received_at
 *   //   LIMIT $limit FOR UPDATE SKIP LOCKED) RETURNING …
 *   async complete(key: string, token: string) { … } // DELETE WHERE key = $1 AND lease_token = $2
 *   async fail(key: string, token: string, failure: InboxFailure) { … } // UPDATE … same WHERE
 *   async pending(limit: number) { … }            // SELECT … ORDER BY received_at LIMIT $1
 * }
 * const receiver = new WebhookReceiver({ secret, ackMode: 'async', inbox: new TableInbox(db) });
 * await receiver.drainInbox(); // process what the last run left unprocessed
 * ```
 */
export interface Inbox {
  /**
   * Records an entry durably (as durable as the adapter is), not leased. Must not resolve before
   * the entry is stored. Adding a key that is already present replaces nothing and is not an error.
   */
  add(entry: InboxEntry): Promise<void>;
  /**
   * Atomically leases up to `limit` entries that no live lease holds (never leased, or whose
   * lease lapsed: `leaseExpiresAtMs <= nowMs`), oldest `receivedAtMs` first (ties in the order
   * they were added), each under a fresh random token, until `nowMs + leaseMs`. With
   * `options.key`, only that entry is considered. An entry handed to one call is handed to no
   * other call until its lease lapses.
   *
   * The receiver claims one entry at a time (`limit` 1), right before running its handlers, so
   * that each lease starts when its handlers start: a batch leased at once would let the lease of
   * the last entries lapse before their turn. A larger `limit` is for tooling.
   *
   * @param limit - the most entries to lease: an integer from 1 to 10,000 (a larger or
   *   non-integer `limit` is refused with `invalid_option` naming `limit`, in every adapter).
   * @param options - `leaseMs`, `nowMs`, and optionally `key`.
   * @returns an array (always: the receiver refuses anything else as `storage_corrupt`) of the
   *   leased entries with their tokens; `[]` when none is free.
   */
  claim(limit: number, options: InboxClaimOptions): Promise<readonly InboxClaim[]>;
  /**
   * Removes the entry (its handlers succeeded) if it is still leased with `token`.
   *
   * @returns `true` if it was removed; `false` if the lease had lapsed and been taken by another
   *   claim, or the entry is gone (nothing changed).
   */
  complete(key: string, token: string): Promise<boolean>;
  /**
   * Notes a failed processing attempt if the entry is still leased with `token`: adds one to
   * `attempts`, sets `lastFailure`, and ends the token (a second `complete` or `fail` with it is
   * refused). The entry stays pending and is not claimed again before its lease lapses.
   *
   * @param failure - the error's stable `code` (or `handler_error`) and when it happened.
   * @returns `true` if the failure was recorded; `false` if the token no longer holds the lease.
   */
  fail(key: string, token: string, failure: InboxFailure): Promise<boolean>;
  /**
   * Read-only, for tooling and tests: the pending entries (added, not completed), leased or not,
   * oldest `receivedAtMs` first (ties in the order they were added), at most `limit` (an integer
   * from 1 to 10,000). Leases nothing.
   */
  pending(limit: number): Promise<readonly InboxEntry[]>;
}

/** What {@link Inbox.claim} leases. */
export interface InboxClaimOptions {
  /** How long the lease holds, in milliseconds (a positive integer). */
  readonly leaseMs: number;
  /** The current time, in epoch milliseconds: leases that expire at or before it have lapsed. */
  readonly nowMs: number;
  /** Only this entry (the receiver claims the entry it has just added); absent: any entry. */
  readonly key?: string | undefined;
}

/** One entry leased by {@link Inbox.claim}. */
export interface InboxClaim {
  /** A copy of the entry as stored when it was claimed. */
  readonly entry: InboxEntry;
  /** The lease's token: pass it to `complete` or `fail`. Random, never reused. */
  readonly token: string;
}

/** One event recorded by the `async` ack mode. Plain JSON data, so any store can hold it. */
export interface InboxEntry {
  /** The dedupe key: the event id (Novatrade24) or the SHA-256 of the raw body (EUDR). */
  readonly key: string;
  /** The parsed, verified event as the receiver's handlers see it (JSON-serialisable). */
  readonly event: unknown;
  /** When the request was received, in epoch milliseconds. */
  readonly receivedAtMs: number;
  /** Failed processing attempts so far. */
  readonly attempts: number;
  /** The last failure, if any. */
  readonly lastFailure?: InboxFailure | undefined;
}

/** A failed attempt at processing an inbox entry. */
export interface InboxFailure {
  /** A stable error code (`handler_error` when a handler threw a non-library error). */
  readonly code: string;
  /** When it failed, in epoch milliseconds. */
  readonly atMs: number;
}
