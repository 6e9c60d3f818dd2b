// The sender's metrics, defined once: names, help texts, types, units and label names, read by
// the Prometheus exporter (`src/sender/prometheus-exporter.ts`) and the OpenTelemetry
// instrumentation (`src/otel/`), so both publish the same series under the same names. No label
// holds an endpoint id, a URL or an organization: one series per endpoint would grow with the
// number of customers (docs/observability.md, "Cardinality").

/** One of the sender's metrics. */
export interface MetricDefinition {
  /** The Prometheus name; a counter's ends in `_total`. */
  readonly name: string;
  /**
   * The OpenTelemetry instrument name: the Prometheus name without `_total`, which OpenTelemetry's
   * Prometheus exporters add back to a monotonic counter.
   */
  readonly otelName: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  /** The `# HELP` text, and the instrument's description. */
  readonly help: string;
  /** The OpenTelemetry unit (UCUM): `s`, or an annotation such as `{attempt}`. */
  readonly unit: string;
  /** The label names, in the order the exposition writes them. */
  readonly labels: readonly string[];
}

/** `event.published`: one per stored event, meta-events included, by event type. */
export const EVENTS_PUBLISHED: MetricDefinition = {
  name: 'webhooks_events_published_total',
  otelName: 'webhooks_events_published',
  type: 'counter',
  help: 'Events published (stored with their deliveries), by event type.',
  unit: '{event}',
  labels: ['type'],
};

/** `delivery.attempted`: one per HTTP attempt, by outcome and status class. */
export const DELIVERIES_ATTEMPTED: MetricDefinition = {
  name: 'webhooks_deliveries_attempted_total',
  otelName: 'webhooks_deliveries_attempted',
  type: 'counter',
  help: 'Delivery attempts, by outcome (success or the failure reason) and response status class.',
  unit: '{attempt}',
  labels: ['outcome', 'status_class'],
};

/** `delivery.attempted`: each attempt's duration, in seconds. */
export const ATTEMPT_DURATION: MetricDefinition = {
  name: 'webhooks_attempt_duration_seconds',
  otelName: 'webhooks_attempt_duration_seconds',
  type: 'histogram',
  help: 'Duration of delivery attempts, from the request to the end of the response, in seconds.',
  unit: 's',
  labels: [],
};

/** `endpoint.paused`: the health policy paused (or disabled) an endpoint. */
export const ENDPOINTS_PAUSED: MetricDefinition = {
  name: 'webhooks_endpoints_paused_total',
  otelName: 'webhooks_endpoints_paused',
  type: 'counter',
  help: 'Endpoints paused or disabled by the health policy.',
  unit: '{endpoint}',
  labels: [],
};

/** `WebhookSender.backlogAgeSeconds()`, read when the metrics are collected. */
export const BACKLOG_AGE: MetricDefinition = {
  name: 'webhooks_backlog_age_seconds',
  otelName: 'webhooks_backlog_age_seconds',
  type: 'gauge',
  help: 'Age of the oldest delivery that is due and not claimed, in seconds (0: none is waiting).',
  unit: 's',
  labels: [],
};

/** Prometheus only: a scrape at which the backlog age could not be read (a storage error). */
export const METRICS_ERRORS: MetricDefinition = {
  name: 'webhooks_metrics_errors_total',
  otelName: 'webhooks_metrics_errors',
  type: 'counter',
  help: 'Scrapes at which a metric could not be read (the backlog age: a storage call failed).',
  unit: '{error}',
  labels: [],
};

/**
 * The default bucket boundaries of the attempt-duration histogram, in seconds: from 5 ms to the
 * profiles' 10 s timeout, and two above it (15, 30), so attempts that ran into the timeout (which
 * end a little after 10 s) stand apart from the `+Inf` bucket.
 */
export const DEFAULT_DURATION_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30,
]);
