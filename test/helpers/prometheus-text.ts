// A small, strict parser of the Prometheus text exposition format 0.0.4, for tests that read what
// an exporter wrote the way a scraper does: every line is `# HELP`, `# TYPE` or a sample; label
// values and help texts are unescaped (only `\\`, `\"` and `\n` in label values, `\\` and `\n` in
// help); a sample must belong to the family of the `# TYPE` before it; a series appears once; a
// histogram's buckets are cumulative and end with `+Inf` equal to `_count`. Anything else throws,
// naming the line, so a malformed output fails the test instead of being read leniently.

/** One sample line, parsed. */
export interface ParsedSample {
  readonly name: string;
  /** Label names to unescaped values. */
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One metric family, parsed. */
export interface ParsedFamily {
  readonly name: string;
  readonly help: string | undefined;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly samples: readonly ParsedSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
/** A Go float as Prometheus writes and reads it. */
const NUMBER = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** A line that breaks the format. */
export class ExpositionSyntaxError extends Error {
  constructor(lineNumber: number, reason: string) {
    super(`line ${lineNumber}: ${reason}`);
    this.name = 'ExpositionSyntaxError';
  }
}

/**
 * Parses `text`, strictly. The families come back in the order of their `# TYPE` lines.
 *
 * @throws ExpositionSyntaxError for the first line that breaks the format.
 */
export function parsePrometheusText(text: string): Map<string, ParsedFamily> {
  if (text !== '' && !text.endsWith('\n')) throw new ExpositionSyntaxError(0, 'no final line feed');
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  const families = new Map<string, ParsedFamily & { samples: ParsedSample[] }>();
  const helps = new Map<string, string>();
  const seen = new Set<string>();
  let current: (ParsedFamily & { samples: ParsedSample[] }) | undefined;
  lines.forEach((line, index) => {
    const n = index + 1;
    if (line.startsWith('# HELP ')) {
      const [name, help] = splitOnce(line.slice('# HELP '.length), n);
      if (helps.has(name)) throw new ExpositionSyntaxError(n, `a second HELP for ${name}`);
      helps.set(name, unescapeText(help, 'help', n));
      return;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = splitOnce(line.slice('# TYPE '.length), n);
      if (!TYPES.has(type)) throw new ExpositionSyntaxError(n, `unknown type ${type}`);
      if (families.has(name)) throw new ExpositionSyntaxError(n, `a second TYPE for ${name}`);
      current = { name, help: helps.get(name), type: type as ParsedFamily['type'], samples: [] };
      families.set(name, current);
      return;
    }
    if (line.startsWith('#')) throw new ExpositionSyntaxError(n, 'a comment other than HELP/TYPE');
    const sample = parseSample(line, n);
    if (current === undefined || !belongsTo(sample.name, current)) {
      throw new ExpositionSyntaxError(n, `sample ${sample.name} outside its family's TYPE`);
    }
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(key)) throw new ExpositionSyntaxError(n, `a second sample of one series`);
    seen.add(key);
    current.samples.push(sample);
  });
  for (const name of helps.keys()) {
    if (!families.has(name)) throw new ExpositionSyntaxError(0, `HELP for ${name} without TYPE`);
  }
  for (const family of families.values()) {
    if (family.help !== helps.get(family.name)) {
      throw new ExpositionSyntaxError(0, `HELP of ${family.name} after its TYPE`);
    }
    if (family.type === 'histogram') checkHistogram(family);
  }
  return families;
}

/**
 * The value of the one sample of `family` named `name` (default: the family's name) whose labels
 * are exactly `labels`; `undefined` when there is none.
 */
export function sampleValue(
  families: ReadonlyMap<string, ParsedFamily>,
  family: string,
  labels: Readonly<Record<string, string>> = {},
  name: string = family,
): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return families
    .get(family)
    ?.samples.find(
      (s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === wanted,
    )?.value;
}

function splitOnce(rest: string, n: number): [string, string] {
  const name = METRIC_NAME.exec(rest)?.[0];
  if (name === undefined || (rest.length > name.length && rest[name.length] !== ' ')) {
    throw new ExpositionSyntaxError(n, 'a bad metric name');
  }
  return [name, rest.slice(name.length + 1)];
}

function belongsTo(sampleName: string, family: ParsedFamily): boolean {
  if (sampleName === family.name) return family.type !== 'histogram';
  if (family.type === 'histogram') {
    return ['_bucket', '_sum', '_count'].some((suffix) => sampleName === family.name + suffix);
  }
  return false;
}

function parseSample(line: string, n: number): ParsedSample {
  const name = METRIC_NAME.exec(line)?.[0];
  if (name === undefined) throw new ExpositionSyntaxError(n, 'a bad metric name');
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at++;
    while (line[at] !== '}') {
      const label = LABEL_NAME.exec(line.slice(at))?.[0];
      if (label === undefined) throw new ExpositionSyntaxError(n, 'a bad label name');
      if (Object.hasOwn(labels, label)) throw new ExpositionSyntaxError(n, `label ${label} twice`);
      at += label.length;
      if (line.slice(at, at + 2) !== '="') throw new ExpositionSyntaxError(n, 'no ="');
      at += 2;
      let raw = '';
      for (;;) {
        const character = line[at];
        if (character === undefined) throw new ExpositionSyntaxError(n, 'an unclosed label value');
        if (character === '"') break;
        if (character === '\\') {
          raw += line.slice(at, at + 2);
          at += 2;
        } else {
          raw += character;
          at++;
        }
      }
      labels[label] = unescapeText(raw, 'label', n);
      at++;
      if (line[at] === ',') at++;
      else if (line[at] !== '}') throw new ExpositionSyntaxError(n, 'no , or } after a label');
    }
    at++;
  }
  if (line[at] !== ' ') throw new ExpositionSyntaxError(n, 'no space before the value');
  const [valueText, timestamp, ...extra] = line.slice(at + 1).split(' ');
  if (valueText === undefined || !NUMBER.test(valueText) || extra.length > 0) {
    throw new ExpositionSyntaxError(n, 'a bad value');
  }
  if (timestamp !== undefined && !/^-?\d+$/.test(timestamp)) {
    throw new ExpositionSyntaxError(n, 'a bad timestamp');
  }
  return { name, labels, value: parseNumber(valueText) };
}

function parseNumber(text: string): number {
  if (text === 'NaN') return Number.NaN;
  if (/^[+]?Inf$/.test(text)) return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** Undoes the format's escapes: `\\`, `\n`, and `\"` in label values; any other escape throws. */
function unescapeText(raw: string, where: 'help' | 'label', n: number): string {
  return raw.replace(/\\(.?)/gs, (_escape, next: string) => {
    if (next === '\\') return '\\';
    if (next === 'n') return '\n';
    if (next === '"' && where === 'label') return '"';
    throw new ExpositionSyntaxError(n, `an invalid escape in a ${where}`);
  });
}

function checkHistogram(family: ParsedFamily): void {
  const buckets = family.samples.filter((s) => s.name === `${family.name}_bucket`);
  const count = family.samples.find((s) => s.name === `${family.name}_count`)?.value;
  const sum = family.samples.find((s) => s.name === `${family.name}_sum`)?.value;
  if (count === undefined || sum === undefined) {
    throw new ExpositionSyntaxError(0, `histogram ${family.name} without _sum or _count`);
  }
  let previousBound = Number.NEGATIVE_INFINITY;
  let previousCount = 0;
  for (const bucket of buckets) {
    const le = bucket.labels.le;
    if (le === undefined || !NUMBER.test(le)) {
      throw new ExpositionSyntaxError(0, `histogram ${family.name}: a bucket without a valid le`);
    }
    const bound = parseNumber(le);
    if (!(bound > previousBound) || bucket.value < previousCount) {
      throw new ExpositionSyntaxError(0, `histogram ${family.name}: buckets not cumulative`);
    }
    previousBound = bound;
    previousCount = bucket.value;
  }
  if (previousBound !== Number.POSITIVE_INFINITY || previousCount !== count) {
    throw new ExpositionSyntaxError(0, `histogram ${family.name}: no +Inf bucket equal to _count`);
  }
}
