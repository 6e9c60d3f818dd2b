// The text exposition writer: known answers, and round trips through the strict parser of
// test/helpers/prometheus-text.ts for any label value, help text and sample value. The parser's
// own refusals are pinned too, so a lenient parser cannot make the round trips pass.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EXPOSITION_CONTENT_TYPE,
  escapeLabelValue,
  formatSampleValue,
  renderExposition,
} from '../../../../src/sender/internal/metrics/exposition-text.js';
import { parsePrometheusText, sampleValue } from '../../../helpers/prometheus-text.js';

/**
 * Any text, rich in what the format treats specially (backslash, quote, line feed, the label
 * syntax's braces, comma and equals, spaces), the rest any Unicode grapheme.
 */
const anyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\\', '"', '\n', '\r', '\t', '{', '}', ',', '=', ' ', '#'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
});

describe('renderExposition', () => {
  it('writes HELP, TYPE and one line per sample, labels in order, ending with a line feed', () => {
    const text = renderExposition([
      {
        name: 'jobs_total',
        help: 'Jobs done.\nBy kind \\ queue.',
        type: 'counter',
        samples: [
          {
            name: 'jobs_total',
            labels: [
              ['kind', 'a'],
              ['queue', 'q"1'],
            ],
            value: 2,
          },
          {
            name: 'jobs_total',
            labels: [
              ['kind', 'b\\'],
              ['queue', 'line\nbreak'],
            ],
            value: 0,
          },
        ],
      },
      {
        name: 'lag_seconds',
        help: 'Lag.',
        type: 'gauge',
        samples: [{ name: 'lag_seconds', labels: [], value: 0.25 }],
      },
    ]);
    expect(text).toBe(
      [
        '# HELP jobs_total Jobs done.\\nBy kind \\\\ queue.',
        '# TYPE jobs_total counter',
        'jobs_total{kind="a",queue="q\\"1"} 2',
        'jobs_total{kind="b\\\\",queue="line\\nbreak"} 0',
        '# HELP lag_seconds Lag.',
        '# TYPE lag_seconds gauge',
        'lag_seconds 0.25',
        '',
      ].join('\n'),
    );
    expect(renderExposition([])).toBe('');
    expect(EXPOSITION_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it.each([
    ['plain', 'plain'],
    ['a"b', 'a\\"b'],
    ['a\\b', 'a\\\\b'],
    ['a\nb', 'a\\nb'],
    ['\\"\n', '\\\\\\"\\n'],
    ['tab\tand\rcr', 'tab\tand\rcr'],
  ])('escapeLabelValue(%j) -> %j', (value, escaped) => {
    expect(escapeLabelValue(value)).toBe(escaped);
  });

  it.each([
    [0, '0'],
    [3, '3'],
    [0.005, '0.005'],
    [1e21, '1e+21'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
    [Number.NaN, 'NaN'],
  ])('formatSampleValue(%s) -> %s', (value, text) => {
    expect(formatSampleValue(value)).toBe(text);
  });

  it('any label values and help text round-trip through the escaping and the strict parser', () => {
    fc.assert(
      fc.property(fc.array(anyText, { minLength: 1, maxLength: 4 }), anyText, (values, help) => {
        const labels = values.map((value, i) => [`l${i}`, value] as const);
        const text = renderExposition([
          {
            name: 'x_total',
            help,
            type: 'counter',
            samples: [{ name: 'x_total', labels, value: 7 }],
          },
        ]);
        const family = parsePrometheusText(text).get('x_total');
        expect(family?.help).toBe(help);
        expect(family?.samples).toEqual([
          { name: 'x_total', labels: Object.fromEntries(labels), value: 7 },
        ]);
      }),
    );
  });

  it('any sample value round-trips (as a number: -0 reads back as 0)', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        const text = renderExposition([
          { name: 'g', help: '', type: 'gauge', samples: [{ name: 'g', labels: [], value }] },
        ]);
        const read = sampleValue(parsePrometheusText(text), 'g');
        expect(read).toBe(Object.is(value, -0) ? 0 : value);
      }),
    );
  });
});

describe('parsePrometheusText (test helper) is strict', () => {
  const head = '# HELP a_total A.\n# TYPE a_total counter\n';
  const histogram = '# HELP h H.\n# TYPE h histogram\n';
  it.each([
    ['no final line feed', `${head}a_total 1`, 'no final line feed'],
    ['an escape the format lacks', `${head}a_total{k="\\t"} 1\n`, 'invalid escape'],
    ['an unescaped quote', `${head}a_total{k="a"b"} 1\n`, 'no , or }'],
    ['an unclosed value', `${head}a_total{k="a} 1\n`, 'unclosed'],
    ['a sample before its TYPE', 'a_total 1\n', 'outside'],
    ['a sample of another family', `${head}b_total 1\n`, 'outside'],
    ['a series twice', `${head}a_total 1\na_total 2\n`, 'second sample'],
    ['a bad value', `${head}a_total one\n`, 'bad value'],
    ['a label twice', `${head}a_total{k="1",k="2"} 1\n`, 'twice'],
    ['an unknown comment', `${head}# EOF\n`, 'comment'],
    [
      'buckets that shrink',
      `${histogram}h_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n`,
      'cumulative',
    ],
    ['no +Inf bucket', `${histogram}h_bucket{le="1"} 1\nh_sum 1\nh_count 1\n`, '+Inf'],
    ['a histogram without _count', `${histogram}h_bucket{le="+Inf"} 1\nh_sum 1\n`, '_count'],
  ])('refuses %s', (_label, text, reason) => {
    expect(() => parsePrometheusText(text)).toThrow(reason);
  });
});
