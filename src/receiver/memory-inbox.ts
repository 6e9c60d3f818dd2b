import { WebhookStorageError } from '../core/errors.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { describeValue } from '../core/internal/describe-value.js';
import { integerOptionOr } from '../core/internal/integer-option.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { randomToken } from './internal/dedupe-arguments.js';
import {
  assertInboxKey,
  assertInboxToken,
  checkInboxClaim,
  checkInboxEntry,
  checkInboxFailure,
  checkInboxLimit,
} from './internal/inbox-arguments.js';
import type {
  Inbox,
  InboxClaim,
  InboxClaimOptions,
  InboxEntry,
  InboxFailure,
} from './ports/inbox.js';

/** Options of {@link MemoryInbox}. */
export interface MemoryInboxOptions {
  /**
   * Most pending entries held at once (a positive integer). A full inbox rejects `add` with
   * `storage_unavailable` rather than drop a verified event, so the receiver answers with an
   * error and the sender retries later.
   * @default 100_000
   */
  readonly maxEntries?: number;
}

/** Every option of {@link MemoryInboxOptions} (a type test keeps the list complete). */
export const MEMORY_INBOX_OPTION_NAMES = [
  'maxEntries',
] as const satisfies readonly (keyof MemoryInboxOptions)[];

const DEFAULT_MAX_ENTRIES = 100_000;

/** The mutable record behind one entry; never handed out. */
interface StoredEntry {
  readonly key: string;
  readonly event: unknown;
  readonly receivedAtMs: number;
  attempts: number;
  lastFailure: InboxFailure | undefined;
  /** The token of the live claim; undefined when never claimed or after `fail`. */
  leaseToken: string | undefined;
  /** When the lease lapses, in epoch milliseconds; -Infinity when never claimed. */
  leaseExpiresAtMs: number;
}

/**
 * The default {@link Inbox} of the `async` ack mode: pending entries in process memory, lost when
 * the process exits. Plug in a durable inbox to survive restarts.
 *
 * Behaves like a durable store: `add` keeps a copy of the entry (the event is copied with
 * `structuredClone`), and `claim` and `pending` return fresh copies, so neither the caller nor a
 * handler can change what is stored. Claims follow the port's lease contract: an entry is handed
 * to one claim at a time, and `complete` and `fail` act only with the token of the live lease.
 *
 * @example
 * ```ts
 * const receiver = new WebhookReceiver({ secret, ackMode: 'async', inbox: new MemoryInbox() });
 * ```
 */
export class MemoryInbox implements Inbox {
  readonly #maxEntries: number;
  /** key -> entry, in insertion order. */
  readonly #entries = new Map<string, StoredEntry>();

  /**
   * @param options - `maxEntries` (default 100 000).
   * @throws WebhookValidationError `invalid_option` naming `options`, `maxEntries` or an unknown
   *   option (with the nearest known name).
   */
  constructor(options: MemoryInboxOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw invalidOption(
        'options',
        `Expected an options object or nothing; got ${describeValue(options)}.`,
        'invalid_type',
      );
    }
    assertKnownOptions(options, MEMORY_INBOX_OPTION_NAMES, 'MemoryInbox');
    this.#maxEntries = integerOptionOr(
      'MemoryInbox',
      'maxEntries',
      options.maxEntries,
      DEFAULT_MAX_ENTRIES,
    );
  }

  /**
   * Stores a copy of `entry`. A key that is already pending is left as it is.
   *
   * @param entry - the entry; `key` a non-empty string, `receivedAtMs` finite epoch
   *   milliseconds, `attempts` a non-negative integer, `event` structured-cloneable (JSON is).
   * @throws WebhookValidationError `invalid_option` naming the bad `entry` field (`entry.event`
   *   when it cannot be copied, e.g. it holds a function);
   *   WebhookStorageError `storage_unavailable` when `maxEntries` entries are pending. Both as
   *   rejections.
   * @example
   * ```ts
   * await inbox.add({ key: event.id, event, receivedAtMs: Date.now(), attempts: 0 });
   * ```
   */
  async add(entry: InboxEntry): Promise<void> {
    const stored = copyIn(entry);
    if (this.#entries.has(stored.key)) return;
    if (this.#entries.size >= this.#maxEntries) {
      throw new WebhookStorageError(
        'storage_unavailable',
        `The memory inbox is full (${this.#maxEntries} pending entries); the event was not stored. Drain the inbox, fix the failing handler, or raise maxEntries.`,
      );
    }
    this.#entries.set(stored.key, stored);
  }

  /**
   * Leases up to `limit` entries that no live lease holds, oldest `receivedAtMs` first (ties in
   * the order they were added), each under a fresh random token until `nowMs + leaseMs`.
   *
   * @param limit - the most entries to lease: an integer from 1 to 10,000.
   * @param options - `leaseMs` (a positive integer), `nowMs` (finite epoch milliseconds), and
   *   `key` to consider only that entry.
   * @returns copies of the leased entries with their tokens.
   * @throws WebhookValidationError `invalid_option` naming `limit`, `options`, `options.leaseMs`,
   *   `options.nowMs` or `options.key` (as a rejection).
   * @example
   * ```ts
   * for (const { entry, token } of await inbox.claim(100, { leaseMs: 300_000, nowMs: Date.now() })) {
   *   await process(entry);
   *   await inbox.complete(entry.key, token);
   * }
   * ```
   */
  async claim(limit: number, options: InboxClaimOptions): Promise<readonly InboxClaim[]> {
    checkInboxLimit('MemoryInbox.claim', limit);
    const { leaseMs, nowMs, key } = checkInboxClaim('MemoryInbox.claim', options);
    let candidates: StoredEntry[];
    if (key === undefined) {
      candidates = this.#ordered();
    } else {
      const stored = this.#entries.get(key);
      candidates = stored === undefined ? [] : [stored];
    }
    const claims: InboxClaim[] = [];
    for (const stored of candidates) {
      if (claims.length >= limit) break;
      if (stored.leaseExpiresAtMs > nowMs) continue;
      const token = randomToken();
      stored.leaseToken = token;
      stored.leaseExpiresAtMs = nowMs + leaseMs;
      claims.push({ entry: copyOut(stored), token });
    }
    return claims;
  }

  /**
   * Removes the entry (its handlers succeeded) if it is still leased with `token`.
   *
   * @param key - the entry's key (a non-empty string).
   * @param token - the token `claim` returned (a non-empty string).
   * @returns `true` if removed; `false` if another claim holds it now, or it is gone.
   * @throws WebhookValidationError `invalid_option` naming `key` or `token` (as a rejection).
   * @example
   * ```ts
   * await inbox.complete(claim.entry.key, claim.token);
   * ```
   */
  async complete(key: string, token: string): Promise<boolean> {
    assertInboxKey(key);
    assertInboxToken(token);
    const stored = this.#entries.get(key);
    if (stored === undefined || stored.leaseToken !== token) return false;
    this.#entries.delete(key);
    return true;
  }

  /**
   * If the entry is still leased with `token`: adds one to its `attempts`, sets its
   * `lastFailure` and ends the token. The entry stays pending, and is not claimed again before
   * its lease lapses.
   *
   * @param key - the entry's key (a non-empty string).
   * @param token - the token `claim` returned (a non-empty string).
   * @param failure - `code` (a non-empty string) and `atMs` (finite epoch milliseconds).
   * @returns `true` if recorded; `false` if the token no longer holds the lease (nothing changed).
   * @throws WebhookValidationError `invalid_option` naming `key`, `token`, `failure`,
   *   `failure.code` or `failure.atMs` (as a rejection).
   * @example
   * ```ts
   * await inbox.fail(claim.entry.key, claim.token, { code: 'handler_error', atMs: Date.now() });
   * ```
   */
  async fail(key: string, token: string, failure: InboxFailure): Promise<boolean> {
    assertInboxKey(key);
    assertInboxToken(token);
    const lastFailure = checkInboxFailure(failure);
    const stored = this.#entries.get(key);
    if (stored === undefined || stored.leaseToken !== token) return false;
    stored.attempts += 1;
    stored.lastFailure = lastFailure;
    stored.leaseToken = undefined;
    return true;
  }

  /**
   * Copies of the pending entries, leased or not, oldest `receivedAtMs` first (ties in the order
   * they were added), at most `limit`. Read-only: leases nothing.
   *
   * @param limit - the most entries to return: an integer from 1 to 10,000.
   * @throws WebhookValidationError `invalid_option` naming `limit` (as a rejection).
   * @example
   * ```ts
   * console.table(await inbox.pending(100));
   * ```
   */
  async pending(limit: number): Promise<readonly InboxEntry[]> {
    checkInboxLimit('MemoryInbox.pending', limit);
    return this.#ordered().slice(0, limit).map(copyOut);
  }

  /** The stored entries, oldest `receivedAtMs` first, ties in the order they were added. */
  #ordered(): StoredEntry[] {
    // Array.prototype.sort is stable, and the Map yields entries in the order they were added.
    const ordered = [...this.#entries.values()];
    if (!isSortedByReceivedAt(ordered)) ordered.sort((a, b) => a.receivedAtMs - b.receivedAtMs);
    return ordered;
  }

  /**
   * Number of pending entries.
   *
   * @example
   * ```ts
   * metrics.gauge('webhooks.inbox.pending', inbox.size);
   * ```
   */
  get size(): number {
    return this.#entries.size;
  }
}

/** Entries usually arrive in `receivedAtMs` order: skip the sort then. */
function isSortedByReceivedAt(entries: readonly StoredEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) {
    if ((entries[i] as StoredEntry).receivedAtMs < (entries[i - 1] as StoredEntry).receivedAtMs) {
      return false;
    }
  }
  return true;
}

/** Checks `entry` and returns an independent copy of it. */
function copyIn(entry: InboxEntry): StoredEntry {
  const checked = checkInboxEntry('MemoryInbox.add', entry);
  let event: unknown;
  try {
    event = structuredClone(entry.event);
  } catch {
    // A DataCloneError only names the offending type, which the message below already gives.
    throw invalidOption(
      'entry.event',
      `entry.event must be plain data (JSON is); it could not be copied: got ${describeValue(entry.event)}.`,
      'invalid_type',
    );
  }
  return {
    key: checked.key,
    event,
    receivedAtMs: checked.receivedAtMs,
    attempts: checked.attempts,
    lastFailure: checked.lastFailure,
    leaseToken: undefined,
    leaseExpiresAtMs: Number.NEGATIVE_INFINITY,
  };
}

function copyOut(stored: StoredEntry): InboxEntry {
  const entry = {
    key: stored.key,
    event: structuredClone(stored.event),
    receivedAtMs: stored.receivedAtMs,
    attempts: stored.attempts,
  };
  return stored.lastFailure === undefined
    ? entry
    : { ...entry, lastFailure: { ...stored.lastFailure } };
}
