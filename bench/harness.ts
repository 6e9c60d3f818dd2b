// Shared benchmark harness: every figure is a ratio against a baseline measured in the same
// process, interleaved round by round, reported as the median over rounds (never an assertion).
import { Bench } from 'tinybench';

/** One measured function. `batch` calls of `fn` make one sample, so sub-µs work is timed fairly. */
export interface BenchCase {
  readonly name: string;
  readonly fn: () => unknown;
  /** Runs before every sample, untimed (e.g. build the Request the sample consumes). */
  readonly setup?: () => void;
}

export interface CompareOptions {
  /** The case every other case is divided by. */
  readonly baseline: BenchCase;
  readonly cases: readonly BenchCase[];
  /** Rounds; each round runs every case once, in rotated order. @default 7 */
  readonly rounds?: number;
  /** Time per case per round, ms. @default 120 */
  readonly timeMs?: number;
  /** Calls of `fn` in one sample. @default 1 */
  readonly batch?: number;
  /** Await each call: for cases whose `fn` returns a promise. @default false */
  readonly async?: boolean;
}

export interface ComparisonRow {
  readonly name: string;
  /** Median calls per second over the rounds. */
  readonly opsPerSecond: number;
  /** Median over rounds of (this case's ops/s ÷ the baseline's ops/s in the same round). */
  readonly ratio: number;
}

export interface Comparison {
  readonly title: string;
  readonly baseline: string;
  readonly rows: readonly ComparisonRow[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Runs `measure(index, round)` for each of `count` cases, `rounds` times, starting each round one
 * case later, so that no case always runs first (right after a warm-up, a truncate or a GC).
 * Returns the results by case, in round order.
 */
export async function rotatedRounds<R>(
  measure: (index: number, round: number) => Promise<R>,
  { count, rounds }: { readonly count: number; readonly rounds: number },
): Promise<R[][]> {
  const results: R[][] = Array.from({ length: count }, () => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < count; k++) {
      const index = (k + round) % count;
      (results[index] as R[]).push(await measure(index, round));
    }
  }
  return results;
}

/** Runs `baseline` and `cases` interleaved for several rounds and returns median ratios. */
export async function compare(title: string, options: CompareOptions): Promise<Comparison> {
  const { baseline, cases, rounds = 7, timeMs = 120, batch = 1, async = false } = options;
  const all = [baseline, ...cases];
  const perRound: number[][] = all.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time: timeMs, warmupTime: Math.min(50, timeMs / 2) });
    const order = all.map((_, i) => (i + round) % all.length);
    for (const index of order) {
      const { fn, setup } = all[index] as BenchCase;
      bench.add(
        String(index),
        async
          ? async () => {
              for (let i = 0; i < batch; i++) await fn();
            }
          : () => {
              for (let i = 0; i < batch; i++) fn();
            },
        setup === undefined ? {} : { beforeEach: setup },
      );
    }
    await bench.run();
    for (const task of bench.tasks) {
      const index = Number(task.name);
      const meanMs = task.result?.latency?.mean;
      if (!meanMs) throw new Error(`benchmark case ${all[index]?.name} produced no samples`);
      (perRound[index] as number[]).push((1000 / meanMs) * batch);
    }
  }
  const base = perRound[0] as number[];
  return {
    title,
    baseline: baseline.name,
    rows: all.map((c, i) => ({
      name: c.name,
      opsPerSecond: median(perRound[i] as number[]),
      ratio: median((perRound[i] as number[]).map((ops, r) => ops / (base[r] as number))),
    })),
  };
}

export function formatComparison(comparison: Comparison): string {
  const lines = [
    `### ${comparison.title}`,
    '',
    `| case | ops/s (median) | ratio vs ${comparison.baseline} |`,
    '|---|---:|---:|',
  ];
  for (const row of comparison.rows) {
    lines.push(
      `| ${row.name} | ${Math.round(row.opsPerSecond).toLocaleString('en-US')} | ${row.ratio.toFixed(2)}x |`,
    );
  }
  return lines.join('\n');
}

/** A bench module's default export: runs its comparisons and returns them. */
export type BenchSuite = () => Promise<readonly Comparison[]>;

/**
 * The same measurements re-expressed against another row, e.g. "ours vs stripe" when the measured
 * baseline was a hand-written verify. Each row's ratio is divided by the new baseline row's ratio:
 * a ratio of per-round-median ratios, all from the same interleaved rounds (no new measurement).
 * Throws if `baselineName` is not a row of `comparison`.
 */
export function rebaseComparison(
  comparison: Comparison,
  baselineName: string,
  title = `${comparison.title} (vs ${baselineName})`,
): Comparison {
  const base = comparison.rows.find((row) => row.name === baselineName);
  if (base === undefined) throw new Error(`no row named ${baselineName} in ${comparison.title}`);
  return {
    title,
    baseline: baselineName,
    rows: comparison.rows.map((row) => ({ ...row, ratio: row.ratio / base.ratio })),
  };
}
