// The dispatcher's deliveries claimed ahead (docs/design.md §5.33): one line per endpoint, in claim
// order, waiting in this process for a slot of their endpoint. Lines take freed slots in turn: the
// line that gave a delivery last goes to the back, so a busy endpoint cannot keep a slot that
// another endpoint's waiting delivery could use. Counts per endpoint and per origin are kept for
// the claim's rooms (a waiting delivery holds its place like one in flight).

/** What a line holds: a claimed delivery, by its endpoint and origin. */
export interface WaitingItem {
  readonly endpointId: string;
  readonly origin: string;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left === 0) counts.delete(key);
  else counts.set(key, left);
}

export class WaitingLines<T extends WaitingItem> {
  /** Per endpoint id, oldest first; the line that gave last is at the back. Never empty. */
  readonly #lines = new Map<string, T[]>();
  readonly #byEndpoint = new Map<string, number>();
  readonly #byOrigin = new Map<string, number>();
  #size = 0;

  /** How many wait in all. */
  get size(): number {
    return this.#size;
  }

  /** How many wait per endpoint id (only endpoints with some). */
  get byEndpoint(): ReadonlyMap<string, number> {
    return this.#byEndpoint;
  }

  /** How many wait per origin (only origins with some). */
  get byOrigin(): ReadonlyMap<string, number> {
    return this.#byOrigin;
  }

  /** How many of `endpointId`'s wait. */
  lengthOf(endpointId: string): number {
    return this.#byEndpoint.get(endpointId) ?? 0;
  }

  /** Puts `item` at the end of its endpoint's line (a new line goes to the back). */
  push(item: T): void {
    const line = this.#lines.get(item.endpointId);
    if (line === undefined) this.#lines.set(item.endpointId, [item]);
    else line.push(item);
    increment(this.#byEndpoint, item.endpointId);
    increment(this.#byOrigin, item.origin);
    this.#size++;
  }

  /**
   * Takes the first line head, in turn, that `ready` accepts: removed from its line, which goes to
   * the back. Only heads are offered (a line keeps its order). `undefined` when none is ready.
   */
  take(ready: (item: T) => boolean): T | undefined {
    for (const [endpointId, line] of this.#lines) {
      const head = line[0] as T;
      if (!ready(head)) continue;
      line.shift();
      this.#lines.delete(endpointId);
      if (line.length > 0) this.#lines.set(endpointId, line);
      this.#forget(head);
      return head;
    }
    return undefined;
  }

  /** Takes every waiting item of `endpointId` (of every endpoint when absent), in line order. */
  drain(endpointId?: string): T[] {
    const taken: T[] = [];
    for (const [id, line] of [...this.#lines]) {
      if (endpointId !== undefined && id !== endpointId) continue;
      this.#lines.delete(id);
      for (const item of line) {
        this.#forget(item);
        taken.push(item);
      }
    }
    return taken;
  }

  #forget(item: T): void {
    decrement(this.#byEndpoint, item.endpointId);
    decrement(this.#byOrigin, item.origin);
    this.#size--;
  }
}
