/**
 * A small least-recently-used map with a fixed capacity, for per-secret HMAC keys: a receiver
 * that verifies for many endpoints keeps its hot keys without growing without bound.
 */
export class LruCache<V> {
  readonly #entries = new Map<string, V>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The value for `key`, marked as most recently used, or `undefined`. */
  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined && this.#entries.size > 1) {
      // Map iteration order is insertion order: re-inserting moves the entry to the young end.
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** Stores `value` as most recently used, evicting the least recently used entry when full. */
  set(key: string, value: V): void {
    if (!this.#entries.delete(key) && this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, value);
  }

  /** Removes `key` (e.g. after a failed key import). */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Number of cached entries. */
  get size(): number {
    return this.#entries.size;
  }
}
