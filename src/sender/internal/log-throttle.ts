// Repeated warnings about one endpoint, held back (docs/design.md §5.23): a backlog of deliveries
// to a blocked destination, or a secret the profile cannot sign with, fails every attempt for the
// same reason, and one line per attempt would bury every other line on stderr. The first line of a
// kind for an endpoint is written at once; the same kind for the same endpoint is then counted, not
// written, for a minute; the next line written carries the count as `suppressed`.

/** How long the same warning about the same endpoint is held back after it was written, ms. */
export const LOG_REPEAT_WINDOW_MS = 60_000;

/** Keys kept at most; past it, keys whose window has ended are dropped, then all of them. */
const MAX_KEYS = 10_000;

interface Entry {
  /** When the last line for this key was written, epoch ms. */
  writtenAtMs: number;
  /** Lines held back since. */
  suppressed: number;
}

/** Decides which of a run of identical log lines are written, on the sender's clock. */
export class LogThrottle {
  readonly #windowMs: number;
  readonly #entries = new Map<string, Entry>();

  /** @param windowMs - how long a key is held back after a line was written, ms. */
  constructor(windowMs: number = LOG_REPEAT_WINDOW_MS) {
    this.#windowMs = windowMs;
  }

  /**
   * Whether a line for `key` is written at `nowMs`.
   *
   * @param key - what repeats: the kind of line and the endpoint (or the failing call).
   * @param nowMs - the sender's clock, epoch ms.
   * @returns `-1` to hold the line back (it is counted); otherwise write it, with this many lines
   *   held back since the last one written (`0`: none).
   */
  admit(key: string, nowMs: number): number {
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      if (this.#entries.size >= MAX_KEYS) this.#prune(nowMs);
      this.#entries.set(key, { writtenAtMs: nowMs, suppressed: 0 });
      return 0;
    }
    // A clock that went back counts as a new window rather than holding lines back for longer.
    if (nowMs >= entry.writtenAtMs && nowMs - entry.writtenAtMs < this.#windowMs) {
      entry.suppressed++;
      return -1;
    }
    const suppressed = entry.suppressed;
    entry.writtenAtMs = nowMs;
    entry.suppressed = 0;
    return suppressed;
  }

  #prune(nowMs: number): void {
    for (const [key, entry] of this.#entries) {
      if (nowMs - entry.writtenAtMs >= this.#windowMs) this.#entries.delete(key);
    }
    if (this.#entries.size >= MAX_KEYS) this.#entries.clear();
  }
}
