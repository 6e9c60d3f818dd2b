// An OpenTelemetry SDK for tests, in memory: a BasicTracerProvider whose spans a SimpleSpanProcessor
// hands to an InMemorySpanExporter, and a MeterProvider with a reader collected on demand. Plus a
// WebhookSender on MemoryStorage with a fake clock and a scripted transport, which records every
// `sender.error` (a hook listener that throws is swallowed by the sender and reported there).
import type { HrTime } from '@opentelemetry/api';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NOVATRADE_PROFILE } from '../../../src/core/profiles/novatrade-profile.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import type { SenderStorage } from '../../../src/sender/ports/sender-storage.js';
import type { Transport, TransportResult } from '../../../src/sender/ports/transport.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import { OK_204 } from '../../helpers/sender-doubles.js';

export const ORG = '550e8400-e29b-41d4-a716-446655440000';
export const PARTNER = '11111111-2222-3333-4444-555555555555';
export const DECISION = 'compliance.decision_made';
/** An endpoint URL whose path and query look like secrets: neither may reach a span or a metric. */
export const URL_WITH_SECRET = 'https://partner.example:8443/hooks/p4th-s3cr3t?token=q-s3cr3t';

/** A reader that collects when the test asks (`collect()`), nothing periodic. */
class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** An in-memory SDK: `tracerProvider`, `meterProvider`, the spans ended so far, and `collect()`. */
export function createTestSdk() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  const reader = new ManualReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    /** The options that send the instrumentation here. */
    providers: { tracerProvider, meterProvider },
    finishedSpans: () => spans.getFinishedSpans(),
    /** Collects every metric; `errors` are the collection's (a failed observable callback). */
    async collect(): Promise<{ metrics: MetricData[]; errors: unknown[] }> {
      const { resourceMetrics, errors } = await reader.collect();
      return { metrics: resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics), errors };
    },
    async shutdown(): Promise<void> {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

/** The metric named `name`, or `undefined`. */
export function metricNamed(metrics: readonly MetricData[], name: string): MetricData | undefined {
  return metrics.find((metric) => metric.descriptor.name === name);
}

/** The metric's data points as `[attributes, value]` pairs, sorted by their attributes' JSON. */
export function pointsOf(metric: MetricData | undefined): [Record<string, unknown>, unknown][] {
  return ((metric?.dataPoints ?? []) as DataPoint<number | Histogram>[])
    .map((point): [Record<string, unknown>, unknown] => [{ ...point.attributes }, point.value])
    .sort(([a], [b]) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/** An HrTime in epoch milliseconds. */
export function msOf(time: HrTime): number {
  return time[0] * 1000 + time[1] / 1e6;
}

/** A transport answering from a script of (status or 0 for a timeout, duration ms), then 204. */
export function scriptedTransport(script: [status: number, durationMs: number][]): Transport {
  return {
    async send(): Promise<TransportResult> {
      const [status, durationMs] = script.shift() ?? [204, 1];
      if (status === 0)
        return { ...OK_204, statusCode: null, failureReason: 'TIMEOUT', durationMs };
      const ok = status >= 200 && status < 300;
      return { ...OK_204, statusCode: status, failureReason: ok ? null : 'HTTP_ERROR', durationMs };
    },
  };
}

/** A sender with one endpoint at {@link URL_WITH_SECRET}; `errors` collects `sender.error`. */
export async function senderWith(
  transport: Transport,
  options: { storage?: SenderStorage; maxConsecutiveFailures?: number } = {},
) {
  const clock = createFakeClock();
  const sender = new WebhookSender({
    storage: options.storage ?? new MemoryStorage(),
    transport,
    clock,
    logger: 'silent',
    profile: {
      ...NOVATRADE_PROFILE,
      healthPolicy: {
        ...NOVATRADE_PROFILE.healthPolicy,
        maxConsecutiveFailures: options.maxConsecutiveFailures ?? 20,
      },
    },
  });
  const errors: unknown[] = [];
  sender.on('sender.error', ({ error, during }) => errors.push({ during, error }));
  const { endpoint, secret } = await sender.createEndpoint(ORG, {
    url: URL_WITH_SECRET,
    events: ['compliance.*'],
  });
  const publish = async (times = 1) => {
    for (let i = 0; i < times; i++) {
      await sender.publish({
        organizationUuid: ORG,
        type: DECISION,
        partnerUuid: PARTNER,
        data: { ...EVENT_FIXTURES[DECISION].data },
      });
    }
  };
  return { clock, sender, endpoint, secret, publish, errors };
}
