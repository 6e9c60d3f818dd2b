// The sender's OpenTelemetry instrumentation: a CLIENT span per delivery attempt and the metrics
// of the Prometheus exporter (same names without `_total`, same labels, same buckets), both fed by
// the sender's hooks. Through `@opentelemetry/api` only: with no SDK registered every call is a
// no-op, and the host app decides where spans and metrics go (docs/observability.md).

import {
  type MeterProvider,
  metrics,
  type ObservableCallback,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import { VERSION } from '../core/version.js';
import { attemptOutcome, statusClass } from '../sender/internal/metrics/attempt-labels.js';
import { histogramBuckets } from '../sender/internal/metrics/histogram-buckets.js';
import {
  ATTEMPT_DURATION,
  BACKLOG_AGE,
  DELIVERIES_ATTEMPTED,
  ENDPOINTS_PAUSED,
  EVENTS_PUBLISHED,
  type MetricDefinition,
} from '../sender/internal/metrics/metric-definitions.js';
import type { WebhookSender } from '../sender/webhook-sender.js';
import { ATTEMPT_SPAN_NAME, attemptSpanData } from './internal/attempt-span.js';

/** The instrumentation scope of the tracer and the meter. */
export const INSTRUMENTATION_SCOPE = '@novatrade24/webhooks';

const OWNER = 'instrumentSender';

/** Options of {@link instrumentSender}. */
export interface InstrumentSenderOptions {
  /**
   * Where the attempt spans go.
   * @default the global one (`trace.getTracerProvider()`): a no-op until an SDK registers, which
   *   it may do later (the API's proxy forwards to it then)
   */
  readonly tracerProvider?: TracerProvider | undefined;
  /**
   * Where the metrics go.
   * @default the global one (`metrics.getMeterProvider()`), read once, here: register the SDK's
   *   MeterProvider before calling `instrumentSender`, or the metrics stay no-ops
   */
  readonly meterProvider?: MeterProvider | undefined;
  /**
   * A span per delivery attempt. `false`: metrics only.
   * @default true
   */
  readonly attemptSpans?: boolean | undefined;
  /**
   * The bucket boundaries of `webhooks_attempt_duration_seconds`, in seconds, given to the SDK as
   * `advice.explicitBucketBoundaries` (a View the host registers overrides them): finite, above 0,
   * strictly increasing.
   * @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30]
   */
  readonly buckets?: readonly number[] | undefined;
}

/**
 * Every option of {@link InstrumentSenderOptions}, the list unknown keys are checked against (a
 * type test keeps it complete).
 */
export const INSTRUMENT_SENDER_OPTION_NAMES = [
  'tracerProvider',
  'meterProvider',
  'attemptSpans',
  'buckets',
] as const satisfies readonly (keyof InstrumentSenderOptions)[];

/** What {@link instrumentSender} returns. */
export interface SenderInstrumentation {
  /**
   * Stops the instrumentation: unsubscribes from the sender's hooks and removes the backlog
   * gauge's callback. Idempotent. The instruments stay in the meter (OpenTelemetry cannot remove
   * one) and record nothing more.
   */
  close(): void;
}

/**
 * Instruments a `WebhookSender` with OpenTelemetry (`@opentelemetry/api`, an optional peer of
 * this package: install it with `npm install @opentelemetry/api`, and an SDK to export).
 *
 * **Spans.** One span per delivery attempt, `webhook.attempt`, kind CLIENT, a root span (the
 * dispatcher works for no incoming request). It starts at the attempt's `startedAt` and ends
 * `durationMs` later: it is recorded after the attempt, from the `delivery.attempted` hook.
 * Attributes: `http.request.method`, `http.response.status_code`, `error.type`,
 * `webhooks.event.type`, `webhooks.event.id`, `webhooks.delivery.id`, `webhooks.endpoint.id`,
 * `webhooks.attempt`, `webhooks.delivery.status`, `webhooks.delivery.test`, and the endpoint's
 * origin as `url.scheme`, `server.address` and `server.port`; never the URL's path or query, a
 * header, a secret or a body. A failed attempt's status is ERROR with the failure reason
 * (`HTTP_ERROR`, `TIMEOUT`, …) as its message.
 *
 * **Metrics.** The Prometheus exporter's, under the same names without the `_total` suffix of
 * counters (OpenTelemetry's Prometheus exporters add it back), with the same labels:
 * `webhooks_events_published` (counter, `type`), `webhooks_deliveries_attempted` (counter,
 * `outcome`, `status_class`), `webhooks_attempt_duration_seconds` (histogram, unit `s`),
 * `webhooks_endpoints_paused` (counter), `webhooks_backlog_age_seconds` (observable gauge, unit
 * `s`, read from {@link WebhookSender.backlogAgeSeconds} at each collection; a failed read
 * observes nothing that time, and the SDK reports the error among the collection's errors). No
 * endpoint id is a metric attribute.
 *
 * @param sender - the `WebhookSender` to observe.
 * @param options - `tracerProvider`, `meterProvider` (default: the global ones), `attemptSpans`
 *   (default true), `buckets` (seconds).
 * @returns `{ close }`.
 * @throws WebhookValidationError `invalid_option`: at `sender` for a value that is not a sender;
 *   at `tracerProvider` / `meterProvider` for a value without `getTracer` / `getMeter`; at
 *   `attemptSpans` for a value that is not a boolean; at `buckets` or `buckets[i]` for a bad
 *   boundary; for an unknown option, with the nearest known name.
 * @example
 * ```ts
 * import { NodeSDK } from '@opentelemetry/sdk-node';
 * import { instrumentSender } from '@novatrade24/webhooks/otel';
 *
 * new NodeSDK({ serviceName: 'webhooks' }).start(); // registers the global providers
 * const instrumentation = instrumentSender(sender);
 * // … on shutdown:
 * instrumentation.close();
 * ```
 */
export function instrumentSender(
  sender: Pick<WebhookSender, 'backlogAgeSeconds' | 'on'>,
  options: InstrumentSenderOptions = {},
): SenderInstrumentation {
  if (
    typeof (sender as Partial<typeof sender> | null)?.on !== 'function' ||
    typeof (sender as Partial<typeof sender> | null)?.backlogAgeSeconds !== 'function'
  ) {
    throw invalidOption(
      'sender',
      `${OWNER}: \`sender\` must be a WebhookSender; got ${describeValue(sender)}.`,
      sender === undefined ? 'required' : 'invalid_type',
    );
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption(
      'options',
      `${OWNER}: \`options\` must be an object; got ${describeValue(options)}.`,
      'invalid_type',
    );
  }
  assertKnownOptions(options, INSTRUMENT_SENDER_OPTION_NAMES, OWNER);
  const { tracerProvider, meterProvider, attemptSpans = true } = options;
  assertProvider('tracerProvider', tracerProvider, 'getTracer');
  assertProvider('meterProvider', meterProvider, 'getMeter');
  if (typeof attemptSpans !== 'boolean') {
    throw invalidOption(
      'attemptSpans',
      `${OWNER}: \`attemptSpans\` must be a boolean; got ${describeValue(attemptSpans)}.`,
      'invalid_type',
    );
  }
  const buckets = histogramBuckets(OWNER, options.buckets);

  const meter = (meterProvider ?? metrics.getMeterProvider()).getMeter(
    INSTRUMENTATION_SCOPE,
    VERSION,
  );
  const describe = (definition: MetricDefinition) => ({
    description: definition.help,
    unit: definition.unit,
  });
  const published = meter.createCounter(EVENTS_PUBLISHED.otelName, describe(EVENTS_PUBLISHED));
  const attempted = meter.createCounter(
    DELIVERIES_ATTEMPTED.otelName,
    describe(DELIVERIES_ATTEMPTED),
  );
  const durations = meter.createHistogram(ATTEMPT_DURATION.otelName, {
    ...describe(ATTEMPT_DURATION),
    advice: { explicitBucketBoundaries: [...buckets] },
  });
  const paused = meter.createCounter(ENDPOINTS_PAUSED.otelName, describe(ENDPOINTS_PAUSED));
  // The series exists from the start, at 0, as in the Prometheus exporter.
  paused.add(0);
  const backlog = meter.createObservableGauge(BACKLOG_AGE.otelName, describe(BACKLOG_AGE));
  // A failed read rejects: no value this collection (a made-up 0 would hide a backlog), and the
  // SDK reports the error with the collection's (the periodic reader logs it through `diag`).
  const observeBacklog: ObservableCallback = async (result) => {
    result.observe(await sender.backlogAgeSeconds());
  };
  backlog.addCallback(observeBacklog);

  const tracer: Tracer | undefined = attemptSpans
    ? (tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE, VERSION)
    : undefined;

  let unsubscribers: (() => void)[] = [
    sender.on('event.published', ({ event }) => published.add(1, { type: event.type })),
    sender.on('delivery.attempted', (payload) => {
      const { attempt } = payload;
      attempted.add(1, {
        outcome: attemptOutcome(attempt),
        status_class: statusClass(attempt.httpStatus),
      });
      durations.record(attempt.durationMs / 1000);
      if (tracer === undefined) return;
      const span = attemptSpanData(payload);
      const started = tracer.startSpan(ATTEMPT_SPAN_NAME, {
        kind: SpanKind.CLIENT,
        // A Date, never a number: the API reads a number below half of `performance.timeOrigin`
        // as a monotonic reading, which a test's fake clock may well be.
        startTime: new Date(span.startMs),
        attributes: span.attributes,
        root: true,
      });
      if (span.error !== null) {
        started.setStatus({ code: SpanStatusCode.ERROR, message: span.error });
      }
      started.end(new Date(span.endMs));
    }),
    sender.on('endpoint.paused', () => paused.add(1)),
  ];

  return {
    close(): void {
      for (const unsubscribe of unsubscribers) unsubscribe();
      if (unsubscribers.length > 0) backlog.removeCallback(observeBacklog);
      unsubscribers = [];
    },
  };
}

/** Checks that a provider option, when given, has its factory method. */
function assertProvider(name: string, value: unknown, method: 'getTracer' | 'getMeter'): void {
  if (value === undefined) return;
  if (typeof (value as Record<string, unknown> | null)?.[method] !== 'function') {
    throw invalidOption(
      name,
      `${OWNER}: \`${name}\` must be an OpenTelemetry ${name === 'tracerProvider' ? 'TracerProvider' : 'MeterProvider'} (with ${method}); got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
}
