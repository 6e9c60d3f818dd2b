// An indexed binary min-heap: each item knows its position, so removing or re-keying any item is
// O(log n) and the heap never keeps a stale entry. The memory storage keeps every scheduling index
// in one (see due-schedule.ts).

/** What a heap item carries: its position in the heap, -1 when it is in none. */
export interface HeapItem {
  heapIndex: number;
}

/** A binary min-heap ordered by `less`, whose items track their own positions. */
export class IndexedHeap<T extends HeapItem> {
  #items: T[] = [];
  readonly #less: (a: T, b: T) => boolean;

  constructor(less: (a: T, b: T) => boolean) {
    this.#less = less;
  }

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    item.heapIndex = this.#items.length;
    this.#items.push(item);
    this.#up(item.heapIndex);
  }

  pop(): T | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /**
   * Removes `item`, which must be in this heap. Bottom-up: the hole it leaves sinks to a leaf
   * along the smaller children (one comparison a level), and the last item, put there, rises to
   * its place (usually at once: it came from the bottom). About half the comparisons of sinking
   * the last item from the hole, which matters for a due heap thousands deep.
   */
  remove(item: T): void {
    const items = this.#items;
    const last = items.pop() as T;
    const index = item.heapIndex;
    item.heapIndex = -1;
    if (last === item) return;
    const length = items.length;
    let hole = index;
    for (;;) {
      const left = 2 * hole + 1;
      if (left >= length) break;
      const right = left + 1;
      const child =
        right < length && this.#less(items[right] as T, items[left] as T) ? right : left;
      const moved = items[child] as T;
      items[hole] = moved;
      moved.heapIndex = hole;
      hole = child;
    }
    items[hole] = last;
    last.heapIndex = hole;
    this.#up(hole);
  }

  /** Restores the order after `item`'s key changed. */
  update(item: T): void {
    this.#up(item.heapIndex);
    this.#down(item.heapIndex);
  }

  /** Empties the heap, returning its items in no particular order. */
  drain(): T[] {
    const items = this.#items;
    this.#items = [];
    for (const item of items) item.heapIndex = -1;
    return items;
  }

  #up(start: number): void {
    const items = this.#items;
    const item = items[start] as T;
    let index = start;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex] as T;
      if (!this.#less(item, parent)) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = item;
    item.heapIndex = index;
  }

  #down(start: number): void {
    const items = this.#items;
    const length = items.length;
    const item = items[start] as T;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && this.#less(items[right] as T, items[left] as T)) child = right;
      const smaller = items[child] as T;
      if (!this.#less(smaller, item)) break;
      items[index] = smaller;
      smaller.heapIndex = index;
      index = child;
    }
    items[index] = item;
    item.heapIndex = index;
  }
}
