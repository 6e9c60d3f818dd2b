// Group commit for PostgresStorage.recordAttempt: the attempts that finish while a batch
// transaction is in flight wait for it and go together in the next one (docs/postgres.md, "Group
// commit"), so a worker pays one commit per batch instead of one per attempt.

/** One caller's input and how to answer it. */
interface Waiting<I, R> {
  readonly input: I;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A queue in front of a batch operation. Calls made while no batch runs start one on the next
 * microtask (so calls made in one turn go together); calls made while a batch runs wait for it and
 * form the next batch, of at most `maxBatch` inputs. Each caller gets its own result. A batch
 * that fails as a whole is run again input by input, so only an input that fails alone rejects its
 * caller, unless the failure is one no input is to blame for (`splits`): then every caller gets it.
 */
export class GroupCommit<I, R> {
  readonly #run: (inputs: readonly I[]) => Promise<readonly R[]>;
  readonly #maxBatch: number;
  readonly #splits: (error: unknown) => boolean;
  readonly #queue: Waiting<I, R>[] = [];
  #draining = false;

  /**
   * @param splits - whether a batch that failed with `error` is worth running input by input: not
   *   when the failure is the connection's or the server's (each input alone would wait for the
   *   same failure, one after another), only when an input may be to blame.
   */
  constructor(
    run: (inputs: readonly I[]) => Promise<readonly R[]>,
    maxBatch: number,
    splits: (error: unknown) => boolean = () => true,
  ) {
    this.#run = run;
    this.#maxBatch = maxBatch;
    this.#splits = splits;
  }

  /** Queues `input`; resolves with its own result. */
  submit(input: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      if (!this.#draining) {
        this.#draining = true;
        queueMicrotask(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        await this.#runBatch(batch);
      }
    } finally {
      this.#draining = false;
    }
  }

  async #runBatch(batch: readonly Waiting<I, R>[]): Promise<void> {
    let results: readonly R[];
    try {
      results = await this.#run(batch.map((waiting) => waiting.input));
    } catch (error) {
      if (batch.length === 1 || !this.#splits(error)) {
        for (const waiting of batch) waiting.reject(error);
        return;
      }
      // The batch failed or committed as a whole: nothing of it is stored. Alone, each input
      // commits or fails on its own.
      for (const waiting of batch) await this.#runBatch([waiting]);
      return;
    }
    batch.forEach((waiting, i) => {
      waiting.resolve(results[i] as R);
    });
  }
}
