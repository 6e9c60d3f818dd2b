// A fleet of sender worker processes on one storage: started together, one killed with SIGKILL and
// started again under a new id, stopped cleanly at the end. A worker that ends without being
// killed here is an unexpected exit, which a test asserts never happens.
import type { ChildExit, ChildScript } from './child-process.js';
import { type SenderWorkerConfig, startSenderWorker } from './sender-worker-config.js';

/** One unexpected end of a worker. */
export interface UnexpectedExit {
  readonly name: string;
  readonly exit: ChildExit;
  readonly tail: string;
}

/** A running fleet. */
export interface WorkerFleet {
  /** The live workers, by slot. */
  readonly workers: readonly ChildScript[];
  /** Every worker process started, the killed ones included. */
  readonly all: readonly ChildScript[];
  /** Workers that ended on their own. */
  readonly unexpectedExits: readonly UnexpectedExit[];
  /** How many kill -9 were made. */
  readonly kills: number;
  /**
   * Throws when a worker ended on its own, quoting its output: call it inside a wait's condition,
   * so a crashed worker fails the test at once rather than at the wait's deadline.
   */
  assertAlive(): void;
  /** kill -9 the worker in `slot`, wait for it to end, start a new one in its place. */
  killAndRestart(slot: number): Promise<void>;
  /** Stops every live worker (`stop` command: the sender's stop, the pool's end), in parallel. */
  stop(): Promise<void>;
  /** kill -9 whatever is still running (for afterAll after a failure). */
  killAll(): Promise<void>;
}

/**
 * Starts `count` workers; worker `slot` of generation `g` is `${prefix}-${slot}.${g}`.
 * `configFor(workerId, slot)` gives each its configuration.
 */
export async function startWorkerFleet(
  count: number,
  prefix: string,
  configFor: (workerId: string, slot: number) => SenderWorkerConfig,
): Promise<WorkerFleet> {
  const workers: ChildScript[] = [];
  const all: ChildScript[] = [];
  const killed = new WeakSet<ChildScript>();
  const stopping = new WeakSet<ChildScript>();
  const unexpectedExits: UnexpectedExit[] = [];
  const generations: number[] = [];
  let kills = 0;

  const start = async (slot: number): Promise<ChildScript> => {
    const generation = (generations[slot] ?? 0) + 1;
    generations[slot] = generation;
    const workerId = `${prefix}-${slot}.${generation}`;
    const child = await startSenderWorker(configFor(workerId, slot), { name: workerId });
    all.push(child);
    void child.exited.then((exit) => {
      if (!killed.has(child) && !stopping.has(child)) {
        unexpectedExits.push({ name: child.name, exit, tail: child.tail() });
      }
    });
    return child;
  };

  const started = await Promise.allSettled(Array.from({ length: count }, (_, slot) => start(slot)));
  for (const [slot, outcome] of started.entries()) {
    if (outcome.status === 'fulfilled') workers[slot] = outcome.value;
  }
  const failed = started.find((o) => o.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(workers.map((w) => w?.kill9()));
    throw (failed as PromiseRejectedResult).reason;
  }

  return {
    workers,
    all,
    unexpectedExits,
    get kills() {
      return kills;
    },
    assertAlive() {
      if (unexpectedExits.length === 0) return;
      throw new Error(
        `${unexpectedExits.length} worker(s) ended on their own:\n${unexpectedExits
          .map((e) => `${e.name} ${JSON.stringify(e.exit)}\n${e.tail}`)
          .join('\n')}`,
      );
    },
    async killAndRestart(slot) {
      const victim = workers[slot];
      if (victim === undefined) throw new Error(`no worker in slot ${slot}`);
      killed.add(victim);
      kills += 1;
      await victim.kill9();
      workers[slot] = await start(slot);
    },
    async stop() {
      await Promise.all(
        workers.map(async (worker) => {
          if (worker.exit !== undefined) return;
          stopping.add(worker);
          await worker.request('stop', { deadlineMs: 5_000 }, { timeoutMs: 20_000 });
          await worker.exited;
        }),
      );
    },
    async killAll() {
      await Promise.all(
        all.map((worker) => {
          killed.add(worker);
          return worker.kill9();
        }),
      );
    },
  };
}
