// The Prometheus text exposition format, version 0.0.4, as a pure writer: `# HELP` and `# TYPE`
// lines, then one line per sample, label values and help texts escaped as the format requires.
// The exporter (`src/sender/prometheus-exporter.ts`) builds the families; this file only writes
// them, so the escaping is tested on its own against any string.

/** The `Content-Type` of the text exposition format 0.0.4. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** One sample line: `name{label="value",…} value`. */
export interface ExpositionSample {
  /** The sample's full name (`…_total`, `…_bucket`, `…_sum`, `…_count`). */
  readonly name: string;
  /** Label names and values, in the order written. Names are identifiers; values any string. */
  readonly labels: readonly (readonly [name: string, value: string])[];
  readonly value: number;
}

/** One metric family: its help, its type and its samples. */
export interface ExpositionFamily {
  /** The family name the `# HELP` and `# TYPE` lines carry. */
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly samples: readonly ExpositionSample[];
}

/**
 * A label value as the format quotes it: backslash, double quote and line feed escaped (`\\`,
 * `\"`, `\n`); every other character as it is.
 *
 * @param value - any string.
 * @returns the value to put between double quotes.
 * @example
 * ```ts
 * escapeLabelValue('a"b\\c\n'); // 'a\\"b\\\\c\\n'
 * ```
 */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (character) => (character === '\n' ? '\\n' : `\\${character}`));
}

/** A help text: backslash and line feed escaped (the format leaves quotes alone there). */
export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (character) => (character === '\n' ? '\\n' : '\\\\'));
}

/**
 * A sample value as the format writes it: a number in JavaScript's shortest form (which Go's
 * `ParseFloat` reads back), `NaN`, `+Inf` or `-Inf`.
 *
 * @example
 * ```ts
 * formatSampleValue(0.25); // '0.25'
 * formatSampleValue(Number.POSITIVE_INFINITY); // '+Inf'
 * ```
 */
export function formatSampleValue(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/**
 * Writes `families` in the text exposition format 0.0.4: for each family its `# HELP` and
 * `# TYPE` lines, then its samples, one per line; the text ends with a line feed.
 *
 * @param families - the families, in the order to write them.
 * @returns the exposition text.
 * @example
 * ```ts
 * renderExposition([{ name: 'jobs_total', help: 'Jobs.', type: 'counter',
 *   samples: [{ name: 'jobs_total', labels: [['kind', 'a']], value: 2 }] }]);
 * // '# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total{kind="a"} 2\n'
 * ```
 */
export function renderExposition(families: readonly ExpositionFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const labels =
        sample.labels.length === 0
          ? ''
          : `{${sample.labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
      lines.push(`${sample.name}${labels} ${formatSampleValue(sample.value)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
