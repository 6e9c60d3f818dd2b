// instrumentSender on a real WebhookSender (MemoryStorage, fake clock, scripted transport) with an
// in-memory OpenTelemetry SDK: span names, kinds, attributes, times and status after known
// attempts; the metrics (names, units, labels, buckets, values); the backlog gauge and its
// failure; close(); no SDK at all; the global providers; nothing secret in any attribute.
import { metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type InstrumentSenderOptions,
  instrumentSender,
} from '../../../src/otel/instrument-sender.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import { DECISION, ORG, scriptedTransport, senderWith } from '../../helpers/metrics-sender.js';
import { storageWith } from '../../helpers/sender-doubles.js';
import { thrown } from '../../helpers/thrown.js';
import { describeUnknownOptions } from '../../helpers/unknown-options-suite.js';
import { createTestSdk, metricNamed, msOf, pointsOf } from './otel-harness.js';

const sdks: ReturnType<typeof createTestSdk>[] = [];
function sdk() {
  const created = createTestSdk();
  sdks.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(sdks.splice(0).map((s) => s.shutdown()));
});

/**
 * A sender instrumented into a new in-memory SDK, after `publishes` events were published and the
 * due deliveries attempted, answered by `script` (see scriptedTransport).
 */
async function instrumentedRun(
  script: [status: number, durationMs: number][],
  publishes: number,
  options: {
    readonly sender?: Parameters<typeof senderWith>[1];
    readonly instrument?: InstrumentSenderOptions;
  } = {},
) {
  const otel = sdk();
  const s = await senderWith(scriptedTransport(script), options.sender);
  instrumentSender(s.sender, { ...otel.providers, ...options.instrument });
  await s.publish(publishes);
  await s.sender.processDue();
  return { otel, s };
}

describe('instrumentSender: spans', () => {
  it('one CLIENT root span per attempt, at the attempt own start and duration, with its attributes', async () => {
    const otel = sdk();
    const s = await senderWith(
      scriptedTransport([
        [204, 37],
        [503, 1_250],
        [0, 10_004],
      ]),
    );
    instrumentSender(s.sender, otel.providers);
    await s.publish(3);
    const startedAtMs = s.clock.now();
    await s.sender.processDue();

    const spans = otel.finishedSpans();
    expect(spans).toHaveLength(3);
    const { data } = await s.sender.listDeliveries(ORG, s.endpoint.id);
    const byDelivery = new Map(data.map((d) => [d.id, d]));
    const deliveryOf = (id: unknown) => byDelivery.get(String(id));
    const withStatus = (status: number | undefined) =>
      spans.find((span) => span.attributes['http.response.status_code'] === status);
    const [ok, httpError, timeout] = [withStatus(204), withStatus(503), withStatus(undefined)];
    for (const span of spans) {
      expect(span.name).toBe('webhook.attempt');
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.parentSpanContext).toBeUndefined();
      expect(span.instrumentationScope.name).toBe('@novatrade24/webhooks');
      // The fake clock never moved: the times are the attempt's own, not the hook's.
      expect(msOf(span.startTime)).toBe(startedAtMs);
      const delivery = deliveryOf(span.attributes['webhooks.delivery.id']);
      expect(span.attributes['webhooks.event.id']).toBe(delivery?.eventId);
    }
    expect(new Set(spans.map((span) => span.attributes['webhooks.delivery.id']))).toEqual(
      new Set(byDelivery.keys()),
    );
    expect(msOf(ok?.endTime ?? [0, 0])).toBe(startedAtMs + 37);
    expect(msOf(httpError?.endTime ?? [0, 0])).toBe(startedAtMs + 1_250);
    expect(msOf(timeout?.endTime ?? [0, 0])).toBe(startedAtMs + 10_004);

    expect(ok?.attributes).toEqual({
      'http.request.method': 'POST',
      'http.response.status_code': 204,
      'webhooks.event.type': DECISION,
      'webhooks.event.id': expect.stringMatching(/^evt_/),
      'webhooks.delivery.id': expect.stringMatching(/^del_/),
      'webhooks.endpoint.id': s.endpoint.id,
      'webhooks.attempt': 1,
      'webhooks.delivery.status': 'DELIVERED',
      'webhooks.delivery.test': false,
      'url.scheme': 'https',
      'server.address': 'partner.example',
      'server.port': 8443,
    });
    expect(ok?.status).toEqual({ code: SpanStatusCode.UNSET });

    expect(httpError?.attributes).toMatchObject({
      'http.response.status_code': 503,
      'error.type': '503',
      'webhooks.delivery.status': 'PENDING',
    });
    expect(httpError?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'HTTP_ERROR' });

    expect(timeout?.attributes).toMatchObject({ 'error.type': 'timeout' });
    expect(timeout?.attributes).not.toHaveProperty('http.response.status_code');
    expect(timeout?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'TIMEOUT' });
    expect(s.errors).toEqual([]);
  });

  it('numbers the retries: a second attempt is webhooks.attempt 2, starting at the retry time', async () => {
    const { otel, s } = await instrumentedRun([[500, 5]], 1);
    const [delivery] = (await s.sender.listDeliveries(ORG, s.endpoint.id)).data;
    const retryAtMs = Date.parse(delivery?.nextRetryAt ?? 'none');
    s.clock.set(retryAtMs);
    await s.sender.processDue();
    const spans = otel.finishedSpans();
    expect(spans.map((span) => span.attributes['webhooks.attempt'])).toEqual([1, 2]);
    expect(msOf(spans[1]?.startTime ?? [0, 0])).toBe(retryAtMs);
    expect(spans[1]?.attributes['webhooks.delivery.status']).toBe('DELIVERED');
  });

  it('attemptSpans: false records metrics and no span', async () => {
    const { otel } = await instrumentedRun([], 1, { instrument: { attemptSpans: false } });
    expect(otel.finishedSpans()).toEqual([]);
    const { metrics: collected } = await otel.collect();
    expect(pointsOf(metricNamed(collected, 'webhooks_deliveries_attempted'))).toEqual([
      [{ outcome: 'success', status_class: '2xx' }, 1],
    ]);
  });
});

describe('instrumentSender: metrics', () => {
  it('publishes the exporter metrics without _total, with their units, labels and buckets', async () => {
    const { otel } = await instrumentedRun(
      [
        [204, 3],
        [204, 5],
        [204, 120],
        [0, 10_000],
        [0, 10_250],
        [410, 31_000],
      ],
      6,
    );
    const { metrics: collected, errors } = await otel.collect();
    expect(errors).toEqual([]);
    expect(collected.map((m) => [m.descriptor.name, m.descriptor.unit]).sort()).toEqual([
      ['webhooks_attempt_duration_seconds', 's'],
      ['webhooks_backlog_age_seconds', 's'],
      ['webhooks_deliveries_attempted', '{attempt}'],
      ['webhooks_endpoints_paused', '{endpoint}'],
      ['webhooks_events_published', '{event}'],
    ]);
    expect(pointsOf(metricNamed(collected, 'webhooks_events_published'))).toEqual([
      [{ type: DECISION }, 6],
    ]);
    expect(pointsOf(metricNamed(collected, 'webhooks_deliveries_attempted'))).toEqual([
      [{ outcome: 'http_error', status_class: '4xx' }, 1],
      [{ outcome: 'success', status_class: '2xx' }, 3],
      [{ outcome: 'timeout', status_class: 'none' }, 2],
    ]);
    expect(pointsOf(metricNamed(collected, 'webhooks_endpoints_paused'))).toEqual([[{}, 0]]);
    expect(pointsOf(metricNamed(collected, 'webhooks_backlog_age_seconds'))).toEqual([[{}, 0]]);

    const [[attributes, value]] = pointsOf(
      metricNamed(collected, 'webhooks_attempt_duration_seconds'),
    ) as [[Record<string, unknown>, Histogram]];
    expect(attributes).toEqual({});
    expect(value.buckets.boundaries).toEqual([
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30,
    ]);
    // Per bucket (not cumulative), boundaries inclusive: 3 ms and 5 ms in the first, 120 ms in
    // (0.1, 0.25], 10 s in (5, 10], 10.25 s in (10, 15], 31 s above 30.
    expect(value.buckets.counts).toEqual([2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 1]);
    expect(value.count).toBe(6);
    expect(value.sum).toBeCloseTo(51.378, 9);
  });

  it('takes its own buckets', async () => {
    const { otel } = await instrumentedRun([[204, 50]], 1, {
      instrument: { buckets: [0.01, 1] },
    });
    const { metrics: collected } = await otel.collect();
    const [[, value]] = pointsOf(metricNamed(collected, 'webhooks_attempt_duration_seconds')) as [
      [unknown, Histogram],
    ];
    expect(value.buckets).toEqual({ boundaries: [0.01, 1], counts: [0, 1, 0] });
  });

  it('counts an auto-pause and the meta-event it publishes', async () => {
    const { otel, s } = await instrumentedRun(
      [
        [500, 1],
        [500, 1],
      ],
      2,
      { sender: { maxConsecutiveFailures: 2 } },
    );
    const { metrics: collected } = await otel.collect();
    expect(pointsOf(metricNamed(collected, 'webhooks_endpoints_paused'))).toEqual([[{}, 1]]);
    expect(pointsOf(metricNamed(collected, 'webhooks_events_published'))).toEqual([
      [{ type: DECISION }, 2],
      [{ type: 'webhook.endpoint_auto_paused' }, 1],
    ]);
    expect(s.errors).toEqual([]);
  });

  it('observes the backlog age at each collection, from the sender clock', async () => {
    const otel = sdk();
    const s = await senderWith(scriptedTransport([]));
    instrumentSender(s.sender, otel.providers);
    await s.publish();
    s.clock.advance(4_250);
    const gauge = async () =>
      pointsOf(metricNamed((await otel.collect()).metrics, 'webhooks_backlog_age_seconds'));
    expect(await gauge()).toEqual([[{}, 4.25]]);
    await s.sender.processDue();
    expect(await gauge()).toEqual([[{}, 0]]);
  });

  it('a failed backlog read observes nothing and is among the collection errors', async () => {
    const otel = sdk();
    const failure = new Error('storage is down');
    const storage = storageWith(new MemoryStorage(), {
      nextDueAtMs: () => Promise.reject(failure),
    });
    const s = await senderWith(scriptedTransport([]), { storage });
    instrumentSender(s.sender, otel.providers);
    await s.publish();
    const { metrics: collected, errors } = await otel.collect();
    expect(errors).toEqual([failure]);
    expect(pointsOf(metricNamed(collected, 'webhooks_backlog_age_seconds'))).toEqual([]);
    expect(pointsOf(metricNamed(collected, 'webhooks_events_published'))).toEqual([
      [{ type: DECISION }, 1],
    ]);
  });

  it('close() stops spans, counts and the backlog callback; twice is harmless', async () => {
    const otel = sdk();
    const s = await senderWith(scriptedTransport([]));
    const instrumentation = instrumentSender(s.sender, otel.providers);
    await s.publish();
    instrumentation.close();
    instrumentation.close();
    await s.publish();
    await s.sender.processDue();
    const { metrics: collected } = await otel.collect();
    expect(otel.finishedSpans()).toEqual([]);
    expect(pointsOf(metricNamed(collected, 'webhooks_events_published'))).toEqual([
      [{ type: DECISION }, 1],
    ]);
    expect(pointsOf(metricNamed(collected, 'webhooks_deliveries_attempted'))).toEqual([]);
    expect(pointsOf(metricNamed(collected, 'webhooks_backlog_age_seconds'))).toEqual([]);
  });
});

describe('instrumentSender: providers', () => {
  afterEach(() => {
    trace.disable();
    metrics.disable();
  });

  it('with no SDK registered: works, throws nothing, and every span is a non-recording no-op', async () => {
    const s = await senderWith(
      scriptedTransport([
        [500, 1],
        [500, 1],
      ]),
      { maxConsecutiveFailures: 2 },
    );
    expect(trace.getTracerProvider().getTracer('probe').startSpan('probe').isRecording()).toBe(
      false,
    );
    const instrumentation = instrumentSender(s.sender);
    await s.publish(3);
    await s.sender.processDue();
    expect(await s.sender.backlogAgeSeconds()).toBe(0);
    instrumentation.close();
    // Every hook ran (a listener that throws is reported as sender.error): none threw.
    expect(s.errors).toEqual([]);
  });

  it('defaults to the global providers; a tracer provider registered later still gets the spans', async () => {
    const otel = sdk();
    metrics.setGlobalMeterProvider(otel.meterProvider);
    const s = await senderWith(scriptedTransport([]));
    instrumentSender(s.sender);
    trace.setGlobalTracerProvider(otel.tracerProvider);
    await s.publish();
    await s.sender.processDue();
    expect(otel.finishedSpans().map((span) => span.name)).toEqual(['webhook.attempt']);
    const { metrics: collected } = await otel.collect();
    expect(pointsOf(metricNamed(collected, 'webhooks_events_published'))).toEqual([
      [{ type: DECISION }, 1],
    ]);
  });
});

describe('instrumentSender: nothing secret', () => {
  it('no span attribute holds the secret, the path or the query; no metric attribute names the endpoint', async () => {
    const { otel, s } = await instrumentedRun(
      [
        [500, 1],
        [500, 1],
        [0, 1],
      ],
      3,
      { sender: { maxConsecutiveFailures: 2 } },
    );
    const { metrics: collected } = await otel.collect();
    const values = [
      ...otel
        .finishedSpans()
        .flatMap((span) => [
          span.name,
          span.status.message ?? '',
          ...Object.entries(span.attributes).flat(),
        ]),
      ...collected.flatMap((metric) =>
        (metric.dataPoints as { attributes: Record<string, unknown> }[]).flatMap((point) =>
          Object.entries(point.attributes).flat(),
        ),
      ),
    ].map(String);
    expect(values.length).toBeGreaterThan(30);
    for (const value of values) {
      for (const forbidden of [s.secret, 'p4th', 's3cr3t', 'token', '/hooks']) {
        expect(value).not.toContain(forbidden);
      }
    }
    // Endpoint ids are span attributes (one span per attempt) but never metric attributes.
    const metricValues = collected.flatMap((metric) =>
      (metric.dataPoints as { attributes: Record<string, unknown> }[]).flatMap((point) =>
        Object.values(point.attributes).map(String),
      ),
    );
    expect(metricValues).not.toContain(s.endpoint.id);
    for (const value of metricValues) expect(value).not.toContain('partner.example');
  });
});

describe('instrumentSender: options', () => {
  it('refuses a value that is not a sender, and options that are not an object', async () => {
    const s = await senderWith(scriptedTransport([]));
    for (const bad of [undefined, null, 42, { on: () => () => {} }]) {
      const error = thrown(() => instrumentSender(bad as never));
      expect(error.issues[0]?.path).toBe('sender');
      expect(error.message).toMatch(/^instrumentSender: `sender` must be a WebhookSender/);
    }
    expect(thrown(() => instrumentSender(s.sender, [] as never)).issues[0]?.path).toBe('options');
  });

  it.each([
    ['tracerProvider', { tracerProvider: {} }],
    ['meterProvider', { meterProvider: { getMeter: 'no' } }],
    ['attemptSpans', { attemptSpans: 'yes' }],
    ['buckets[1]', { buckets: [1, 1] }],
  ])('refuses a bad %s', async (path, options) => {
    const s = await senderWith(scriptedTransport([]));
    const error = thrown(() => instrumentSender(s.sender, options as never));
    expect(error.code).toBe('invalid_option');
    expect(error.issues[0]?.path).toBe(path);
  });
});

const harness = await senderWith(scriptedTransport([]));
describeUnknownOptions([
  [
    'instrumentSender',
    (extra) => instrumentSender(harness.sender, extra).close(),
    'instrumentSender',
    'meterProvider',
  ],
]);
