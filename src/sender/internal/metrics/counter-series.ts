// A counter with labels, kept in memory for the Prometheus exporter: one value per label set,
// written as one metric family.

import type { ExpositionFamily } from './exposition-text.js';
import type { MetricDefinition } from './metric-definitions.js';

/** The values of one counter, by label values (in the order of the definition's labels). */
export class CounterSeries {
  readonly #definition: MetricDefinition;
  readonly #series = new Map<string, { labels: readonly string[]; value: number }>();

  /**
   * @param definition - the counter's name, help and label names.
   * @param known - label sets written as 0 until counted, so the series exist from the start.
   */
  constructor(definition: MetricDefinition, known: readonly (readonly string[])[] = []) {
    this.#definition = definition;
    for (const labels of known) this.add(labels, 0);
  }

  /** Adds `amount` (default 1) to the series of `labels`, creating it at 0 first. */
  add(labels: readonly string[], amount = 1): void {
    const key = JSON.stringify(labels);
    const series = this.#series.get(key);
    if (series === undefined) this.#series.set(key, { labels: [...labels], value: amount });
    else series.value += amount;
  }

  /** The counter as a family, its series ordered by label values. */
  family(): ExpositionFamily {
    const { name, help, labels: names } = this.#definition;
    const series = [...this.#series.values()].sort((a, b) => compareLists(a.labels, b.labels));
    return {
      name,
      help,
      type: 'counter',
      samples: series.map(({ labels, value }) => ({
        name,
        labels: names.map((label, i) => [label, labels[i] ?? ''] as const),
        value,
      })),
    };
  }
}

/** Orders label-value lists element by element, by UTF-16 code units (a stable output). */
function compareLists(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
