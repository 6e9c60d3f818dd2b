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
 * caller.
 */
export class GroupCommit<I, R> {
  readonly #run: (inputs: readonly I[]) => Promise<readonly R[]>;
  readonly #maxBatch: number;
  readonly #queue: Waiting<I, R>[] = [];
  #draining = false;

  constructor(run: (inputs: readonly I[]) => Promise<readonly R[]>, maxBatch: number) {
    this.#run = run;
    this.#maxBatch = maxBatch;
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
      if (batch.length === 1) {
        batch[0]?.reject(error);
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
