// The sender's metrics in the Prometheus text format, without OpenTelemetry: counters and a
// histogram fed by the sender's hooks (`sender.on(...)`), and the backlog age read from storage at
// each scrape. `novatrade-webhooks serve` answers `GET /metrics` with it; a host app mounts
// `render()` on a route of its own (docs/observability.md).

import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { attemptOutcome, statusClass } from './internal/metrics/attempt-labels.js';
import { CounterSeries } from './internal/metrics/counter-series.js';
import {
  EXPOSITION_CONTENT_TYPE,
  type ExpositionFamily,
  renderExposition,
} from './internal/metrics/exposition-text.js';
import { histogramBuckets } from './internal/metrics/histogram-buckets.js';
import { HistogramSeries } from './internal/metrics/histogram-series.js';
import {
  ATTEMPT_DURATION,
  BACKLOG_AGE,
  DELIVERIES_ATTEMPTED,
  ENDPOINTS_PAUSED,
  EVENTS_PUBLISHED,
  METRICS_ERRORS,
} from './internal/metrics/metric-definitions.js';
import type { WebhookSender } from './webhook-sender.js';

/** Options of {@link createPrometheusExporter}. */
export interface PrometheusExporterOptions {
  /**
   * The bucket boundaries of `webhooks_attempt_duration_seconds`, in seconds: finite, above 0,
   * strictly increasing (the `+Inf` bucket is always added).
   * @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30]
   */
  readonly buckets?: readonly number[] | undefined;
  /**
   * Called with the error when `render` could not read a metric (the backlog age: a failed
   * storage call), to log it; its own throw is ignored. The scrape answers without that metric
   * either way.
   * @default none: `webhooks_metrics_errors_total` is the only trace
   */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/**
 * Every option of {@link PrometheusExporterOptions}, the list unknown keys are checked against
 * (a type test keeps it complete).
 */
export const PROMETHEUS_EXPORTER_OPTION_NAMES = [
  'buckets',
  'onError',
] as const satisfies readonly (keyof PrometheusExporterOptions)[];

/** What {@link createPrometheusExporter} returns. */
export interface PrometheusExporter {
  /** The `Content-Type` of {@link PrometheusExporter.render}'s text: `text/plain; version=0.0.4; charset=utf-8`. */
  readonly contentType: typeof EXPOSITION_CONTENT_TYPE;
  /**
   * The metrics now, in the Prometheus text exposition format 0.0.4. Reads the backlog age from
   * storage (one `nextDueAtMs` call); when that read fails, the text still holds every other
   * metric, `webhooks_backlog_age_seconds` is left out and `webhooks_metrics_errors_total` counts
   * the failure. Never rejects.
   */
  render(): Promise<string>;
  /**
   * Stops listening to the sender's hooks. Idempotent. `render` still answers afterwards, with
   * the counts made until then and a fresh backlog age.
   */
  close(): void;
}

/**
 * Collects the sender's metrics for Prometheus, with no dependency: it subscribes to the sender's
 * hooks and writes the text exposition format 0.0.4 on demand.
 *
 * | metric | type | labels |
 * |---|---|---|
 * | `webhooks_events_published_total` | counter | `type` (the event type) |
 * | `webhooks_deliveries_attempted_total` | counter | `outcome` (`success`, or the failure reason in lower case: `http_error`, `timeout`, `network_error`, …), `status_class` (`2xx`…`5xx`, `none`, `other`) |
 * | `webhooks_attempt_duration_seconds` | histogram | none |
 * | `webhooks_endpoints_paused_total` | counter | none |
 * | `webhooks_backlog_age_seconds` | gauge | none ({@link WebhookSender.backlogAgeSeconds}, read at each render) |
 * | `webhooks_metrics_errors_total` | counter | none (renders whose backlog-age read failed) |
 *
 * No label holds an endpoint id, a URL or an organization (one series per customer would not
 * scale). Counters without labels and the histogram are written from the start, at 0; a labelled
 * series appears with its first count. Counts cover what this process's sender did since the
 * exporter was created: with several processes on one storage, Prometheus sums them; the backlog
 * age is the storage's, the same in every process.
 *
 * @param sender - the `WebhookSender` to observe.
 * @param options - `buckets` of the duration histogram, in seconds; `onError`, told when a
 *   metric could not be read.
 * @returns the exporter: `contentType`, `render()`, `close()`.
 * @throws WebhookValidationError `invalid_option`: at `sender` for a value that is not a sender;
 *   at `buckets` or `buckets[i]` for a bad boundary (not a finite positive number, or not above
 *   the one before); at `onError` for a value that is not a function; for an unknown option,
 *   with the nearest known name.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createPrometheusExporter } from '@novatrade24/webhooks/sender';
 *
 * const exporter = createPrometheusExporter(sender);
 * createServer(async (request, response) => {
 *   if (request.url !== '/metrics') return void response.writeHead(404).end();
 *   response.writeHead(200, { 'content-type': exporter.contentType }).end(await exporter.render());
 * }).listen(9464, '127.0.0.1');
 * ```
 */
export function createPrometheusExporter(
  sender: Pick<WebhookSender, 'backlogAgeSeconds' | 'on'>,
  options: PrometheusExporterOptions = {},
): PrometheusExporter {
  const owner = 'createPrometheusExporter';
  if (
    typeof (sender as Partial<typeof sender> | null)?.on !== 'function' ||
    typeof (sender as Partial<typeof sender> | null)?.backlogAgeSeconds !== 'function'
  ) {
    throw invalidOption(
      'sender',
      `${owner}: \`sender\` must be a WebhookSender; got ${describeValue(sender)}.`,
      sender === undefined ? 'required' : 'invalid_type',
    );
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption(
      'options',
      `${owner}: \`options\` must be an object; got ${describeValue(options)}.`,
      'invalid_type',
    );
  }
  assertKnownOptions(options, PROMETHEUS_EXPORTER_OPTION_NAMES, owner);
  const buckets = histogramBuckets(owner, options.buckets);
  const { onError } = options;
  if (onError !== undefined && typeof onError !== 'function') {
    throw invalidOption(
      'onError',
      `${owner}: \`onError\` must be a function; got ${describeValue(onError)}.`,
      'invalid_type',
    );
  }

  const published = new CounterSeries(EVENTS_PUBLISHED);
  const attempted = new CounterSeries(DELIVERIES_ATTEMPTED);
  const durations = new HistogramSeries(ATTEMPT_DURATION, buckets);
  const paused = new CounterSeries(ENDPOINTS_PAUSED, [[]]);
  const errors = new CounterSeries(METRICS_ERRORS, [[]]);

  let unsubscribers: (() => void)[] = [
    sender.on('event.published', ({ event }) => published.add([event.type])),
    sender.on('delivery.attempted', ({ attempt }) => {
      attempted.add([attemptOutcome(attempt), statusClass(attempt.httpStatus)]);
      durations.observeMs(attempt.durationMs);
    }),
    sender.on('endpoint.paused', () => paused.add([])),
  ];

  return {
    contentType: EXPOSITION_CONTENT_TYPE,
    async render(): Promise<string> {
      let backlog: ExpositionFamily | undefined;
      try {
        const age = await sender.backlogAgeSeconds();
        backlog = {
          name: BACKLOG_AGE.name,
          help: BACKLOG_AGE.help,
          type: 'gauge',
          samples: [{ name: BACKLOG_AGE.name, labels: [], value: age }],
        };
      } catch (error) {
        // The scrape still answers: the other metrics are this process's own, and the counter
        // lets an alert see that the backlog age is missing.
        errors.add([]);
        try {
          // An async listener's rejection is caught too: render() never rejects, and nothing
          // is left unhandled.
          const reported: unknown = onError?.(error);
          if (reported instanceof Promise) reported.catch(() => undefined);
        } catch {
          // The host's logger failed; the scrape is not its concern.
        }
      }
      return renderExposition([
        published.family(),
        attempted.family(),
        durations.family(),
        paused.family(),
        ...(backlog === undefined ? [] : [backlog]),
        errors.family(),
      ]);
    },
    close(): void {
      for (const unsubscribe of unsubscribers) unsubscribe();
      unsubscribers = [];
    },
  };
}
