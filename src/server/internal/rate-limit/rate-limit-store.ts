/**
 * One fixed window a {@link RateLimitStore} counts hits in. Windows are aligned to the epoch: the
 * window holding `nowMs` starts at `floor(nowMs / windowMs) × windowMs` and ends `windowMs` later.
 */
export interface RateLimitWindow {
  /** The window's length, in milliseconds: a positive integer. */
  readonly windowMs: number;
  /** At most this many hits are allowed in one window: a positive integer. */
  readonly limit: number;
}

/** The arguments of {@link RateLimitStore.hit} besides the key. */
export interface RateLimitHitOptions {
  /** The windows checked together (one to four); a hit is allowed only if every one has room. */
  readonly windows: readonly RateLimitWindow[];
  /** The time of the hit, in epoch milliseconds: a non-negative safe integer. */
  readonly nowMs: number;
}

/** What {@link RateLimitStore.hit} found. */
export interface RateLimitHitResult {
  /** `true` when every window had room, and the hit was counted in each. */
  readonly allowed: boolean;
  /**
   * The hits counted in each window's current instance, in the order of `windows`: after this
   * hit when allowed, as they were (unchanged) when refused.
   */
  readonly counts: readonly number[];
}

/**
 * The rate limiter's storage port: counters per key and fixed window. The memory store is the
 * default (one process); the Redis store shares the counters between processes.
 *
 * An implementation makes each `hit` atomic: it reads the counts of the windows holding `nowMs`
 * and, only if each is below its limit, increments them all, with no other hit of the same key in
 * between. A refused hit changes nothing, so a client that keeps calling while refused does not
 * push its own recovery further away. Counters of windows that have ended may be dropped.
 */
export interface RateLimitStore {
  /**
   * Counts one hit of `key` in every window of `options.windows` if each has room.
   *
   * @param key - what is limited, e.g. `<organization>:<category>`: a non-empty string.
   * @param options - the windows and the time of the hit (`nowMs`, epoch milliseconds).
   * @returns whether the hit was allowed, and the counts per window.
   * @throws WebhookValidationError `invalid_option` for a bad argument; WebhookStorageError
   *   `storage_unavailable` when the storage cannot answer. Both as rejections.
   */
  hit(key: string, options: RateLimitHitOptions): Promise<RateLimitHitResult>;
}
