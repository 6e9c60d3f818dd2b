/**
 * The change feed of a storage shared by several processes: an optional capability of
 * `SenderStorage` (`watch`), so that a sender hears at once what another process stored instead
 * of waiting for its next poll or for its endpoint cache to expire (docs/design.md §2, §5.27, §5.30).
 * A storage one process owns (`MemoryStorage`) has none: the sender polls and caches as it would
 * without one. Polling stays the backstop either way: a feed may miss a change while it
 * reconnects, and says so with `resync`.
 */

/** Which endpoint another process created, changed or deleted. */
export interface EndpointChange {
  readonly organizationUuid: string;
  readonly endpointId: string;
}

/**
 * A failure of the feed itself (its session dropped, a reconnect attempt failed, a notification
 * could not be read). The feed carries on: it reconnects with backoff, and polling covers the gap.
 */
export interface StorageWatchFailure {
  /**
   * What failed: `listen` (the first session could not be opened), `connection_lost` (an open
   * session dropped), `reconnect` (an attempt to open it again failed) or `payload` (a
   * notification that could not be read; the feed treated it as `resync`).
   */
  readonly during: 'listen' | 'connection_lost' | 'reconnect' | 'payload';
  /**
   * The error, whose message names what failed and never holds a value of the notification or a
   * connection secret; the driver's error is its `cause`.
   */
  readonly error: unknown;
  /** Attempts made so far to open the session, for `listen` and `reconnect` (1 for the first). */
  readonly attempt?: number | undefined;
}

/**
 * What a storage's change feed calls. Each call is a hint, not data: the sender reads storage
 * again as it would after a poll. Calls arrive in no particular order relative to the caller's own
 * writes, may repeat, and must not throw (a throw is ignored).
 */
export interface StorageChangeListener {
  /** Work that is due now was stored, by any process: claim now rather than after a poll. */
  due(): void;
  /** An endpoint was created, changed or deleted by any process: drop what is cached about it. */
  endpointChanged(change: EndpointChange): void;
  /**
   * The feed (re)connected after a gap, or read a notification it could not decode: changes may
   * have been missed. Drop every cached endpoint and claim once.
   */
  resync(): void;
  /** The feed failed and carries on (see {@link StorageWatchFailure}); for the sender's log. */
  failed(failure: StorageWatchFailure): void;
}

/** Options of {@link StorageWatcher.watch}. */
export interface StorageWatchOptions {
  /**
   * Gives up opening the feed: `watch` rejects with the signal's reason, and a session opened
   * meanwhile is closed. Aborting after `watch` resolved changes nothing (`close` it instead).
   */
  readonly signal?: AbortSignal | undefined;
}

/** An open subscription to a storage's changes. */
export interface StorageWatch {
  /**
   * Stops listening: no listener call after it resolves, the feed's session is closed and its
   * reconnect timers are cleared. Idempotent.
   */
  close(): Promise<void>;
}

/** The capability itself, as `SenderStorage.watch` declares it. */
export interface StorageWatcher {
  /**
   * Subscribes `listener` to changes made by every process on this storage. Resolves once the
   * feed listens (notifications committed from then on reach the listener); a failure to connect
   * is reported to `listener.failed` and retried with backoff until it succeeds or `signal`
   * aborts.
   *
   * @throws the signal's reason when `options.signal` aborts before the feed listens.
   */
  watch(listener: StorageChangeListener, options?: StorageWatchOptions): Promise<StorageWatch>;
}
