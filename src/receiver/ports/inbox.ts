/**
 * The inbox port of the `async` ack mode: a verified event is recorded here *before* the receiver
 * answers 202, then processed. An entry stays until its handlers succeed, so entries left by a
 * crash or a failing handler are processed again by `receiver.drainInbox()` (call it at start-up).
 *
 * `MemoryInbox` is the default; it lives as long as the process. Plug in a durable inbox (a table,
 * a queue) to survive restarts. Entries hold parsed, verified events only: never a secret or a
 * signature.
 *
 * @example
 * ```ts
 * const receiver = new WebhookReceiver({ secret, ackMode: 'async', inbox: new MyTableInbox(db) });
 * await receiver.drainInbox(); // process what the last run left unprocessed
 * ```
 */
export interface Inbox {
  /**
   * Records an entry durably (as durable as the adapter is). Must not resolve before the entry is
   * stored. Adding a key that is already present replaces nothing and is not an error.
   */
  add(entry: InboxEntry): Promise<void>;
  /** Removes the entry: its handlers succeeded. Unknown keys are ignored. */
  complete(key: string): Promise<void>;
  /**
   * Notes a failed processing attempt of an entry; it stays pending.
   *
   * @param key - the entry's key.
   * @param failure - the error's stable `code` (or `handler_error`) and when it happened.
   */
  fail(key: string, failure: InboxFailure): Promise<void>;
  /** Every pending entry (added, not completed), oldest `receivedAtMs` first, at most `limit`. */
  pending(limit: number): Promise<readonly InboxEntry[]>;
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
