// The attempt-duration histogram, kept in memory for the Prometheus exporter: one count per bucket
// plus the `+Inf` bucket, the sum and the count, written cumulatively as the format requires.

import type { ExpositionFamily, ExpositionSample } from './exposition-text.js';
import type { MetricDefinition } from './metric-definitions.js';

/** A histogram of durations without labels, observed in milliseconds, written in seconds. */
export class HistogramSeries {
  readonly #definition: MetricDefinition;
  readonly #boundsSeconds: readonly number[];
  /** Observations per bucket, not cumulative; the last slot is the `+Inf` bucket. */
  readonly #counts: number[];
  /** The sum in whole milliseconds, exact (attempt durations are integers of ms). */
  #sumMs = 0;
  #count = 0;

  /**
   * @param definition - the histogram's name and help.
   * @param boundsSeconds - the bucket boundaries in seconds, checked (`histogramBuckets`).
   */
  constructor(definition: MetricDefinition, boundsSeconds: readonly number[]) {
    this.#definition = definition;
    this.#boundsSeconds = boundsSeconds;
    this.#counts = new Array<number>(boundsSeconds.length + 1).fill(0);
  }

  /**
   * Counts one duration in the first bucket whose boundary is at least `durationMs / 1000`
   * seconds. A duration that is not a finite number (a transport's bug) is not counted.
   */
  observeMs(durationMs: number): void {
    if (!Number.isFinite(durationMs)) return;
    const seconds = durationMs / 1000;
    let index = this.#boundsSeconds.findIndex((bound) => seconds <= bound);
    if (index === -1) index = this.#boundsSeconds.length;
    this.#counts[index] = (this.#counts[index] ?? 0) + 1;
    this.#sumMs += durationMs;
    this.#count++;
  }

  /** The histogram as a family: cumulative `_bucket` samples up to `+Inf`, `_sum`, `_count`. */
  family(): ExpositionFamily {
    const { name, help } = this.#definition;
    const samples: ExpositionSample[] = [];
    let cumulative = 0;
    this.#boundsSeconds.forEach((bound, i) => {
      cumulative += this.#counts[i] ?? 0;
      samples.push({ name: `${name}_bucket`, labels: [['le', String(bound)]], value: cumulative });
    });
    samples.push({ name: `${name}_bucket`, labels: [['le', '+Inf']], value: this.#count });
    samples.push({ name: `${name}_sum`, labels: [], value: this.#sumMs / 1000 });
    samples.push({ name: `${name}_count`, labels: [], value: this.#count });
    return { name, help, type: 'histogram', samples };
  }
}
