// When a claimed delivery's slot is freed: at the end of its HTTP attempt, not when its record
// commits, while only a bounded number of records wait (docs/sender.md, "In-flight slots"). A slot
// is the delivery's place in the dispatcher's rooms (per endpoint, per origin, `maxInFlight`),
// which count HTTP requests in flight (docs/design.md §5.15, §5.17, §5.18); a record on a durable
// storage (a transaction) would otherwise hold it for several times the request's own duration.
// The delivery stays leased in storage until its record ends either way: no claim sees it.

/** One claimed delivery's slot, from its claim to the end of its record. */
export interface Slot {
  /**
   * `sending`: the HTTP attempt runs. `held`: it ended, but `limit` records were already waiting,
   * so the slot waits for one of them to end. `recording`: the slot is free, the record runs.
   * `done`: the slot is free and the record ended.
   */
  state: 'sending' | 'held' | 'recording' | 'done';
  /** Frees the slot's places in the rooms (called once). */
  readonly free: () => void;
}

/**
 * The records that run with their slots already freed, at most `limit` at a time (backpressure: a
 * slow storage slows claiming instead of growing a queue of records), and the slots held back
 * beyond that, freed oldest first as records end.
 */
export class RecordBacklog {
  readonly #limit: number;
  #recording = 0;
  /** Slots whose attempt ended while `limit` records were running, oldest first. */
  readonly #held = new Set<Slot>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Records running with their slot freed (at most `limit`). */
  get recording(): number {
    return this.#recording;
  }

  /** Slots whose attempt ended but which wait for a running record to end. */
  get held(): number {
    return this.#held.size;
  }

  /** The slot's HTTP attempt ended (a response, a timeout, a failure, or nothing was sent). */
  sent(slot: Slot): void {
    if (slot.state !== 'sending') return;
    if (this.#recording < this.#limit) {
      this.#recording++;
      slot.state = 'recording';
      slot.free();
    } else {
      slot.state = 'held';
      this.#held.add(slot);
    }
  }

  /** The slot's delivery is finished: its record and what follows it ended (or it threw). */
  done(slot: Slot): void {
    const state = slot.state;
    slot.state = 'done';
    if (state === 'recording') {
      this.#recording--;
      // A place among the running records: the oldest held slot takes it and is freed.
      const next = this.#held.values().next();
      if (!next.done) {
        const held = next.value;
        this.#held.delete(held);
        this.#recording++;
        held.state = 'recording';
        held.free();
      }
    } else if (state !== 'done') {
      // Held (its own record ended first) or still sending (the delivery ended without a result).
      this.#held.delete(slot);
      slot.free();
    }
  }
}
