// The `buckets` option of the Prometheus exporter and of the OpenTelemetry instrumentation, checked
// by one rule: a non-empty list of finite, positive, strictly increasing bucket boundaries in
// seconds (the `+Inf` bucket is implicit). Both take the same option, so both refuse the same
// lists with the same issues.

import { describeNumberOption, describeValue } from '../../../core/internal/describe-value.js';
import { invalidOption } from '../../../core/internal/invalid-option.js';
import { positiveNumberIssueCode } from '../../../core/internal/number-option.js';
import { typeIssueCode } from '../../../core/internal/type-issue-code.js';
import { DEFAULT_DURATION_BUCKETS_SECONDS } from './metric-definitions.js';

/**
 * The bucket boundaries of the attempt-duration histogram: `value` checked, or the default
 * ({@link DEFAULT_DURATION_BUCKETS_SECONDS}) when it is `undefined`.
 *
 * @param owner - the function that takes the option, for the message (`createPrometheusExporter`).
 * @param value - the option as passed.
 * @returns a frozen copy of the boundaries, in seconds.
 * @throws WebhookValidationError `invalid_option` with one issue: at `buckets` (`invalid_type` for
 *   a value that is not an array, `too_small` for an empty one), or at `buckets[i]` for the first
 *   bad entry (`invalid_type`, `too_small` or `too_big` by the positive-number rule: NaN, 0,
 *   negatives and the infinities are refused; `invalid_value` for an entry not above the one
 *   before it).
 * @example
 * ```ts
 * histogramBuckets('createPrometheusExporter', [0.1, 1, 10]); // [0.1, 1, 10]
 * histogramBuckets('createPrometheusExporter', [1, 1]); // throws: buckets[1] invalid_value
 * ```
 */
export function histogramBuckets(owner: string, value: unknown): readonly number[] {
  if (value === undefined) return DEFAULT_DURATION_BUCKETS_SECONDS;
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidOption(
      'buckets',
      `${owner}: \`buckets\` must be a non-empty array of bucket boundaries in seconds, got ${describeValue(value)}.`,
      Array.isArray(value) ? 'too_small' : typeIssueCode(value),
    );
  }
  const entries = value as readonly unknown[];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const path = `buckets[${i}]`;
    const code = positiveNumberIssueCode(entry);
    if (code !== undefined) {
      throw invalidOption(
        path,
        `${owner}: \`${path}\` must be a finite number of seconds above 0, got ${describeNumberOption(entry)}.`,
        code,
      );
    }
    const previous = entries[i - 1] as number | undefined;
    if (previous !== undefined && (entry as number) <= previous) {
      throw invalidOption(
        path,
        `${owner}: \`buckets\` must be strictly increasing; \`${path}\` is ${String(entry)}, not above ${String(previous)} before it.`,
        'invalid_value',
      );
    }
  }
  return Object.freeze([...(entries as readonly number[])]);
}
