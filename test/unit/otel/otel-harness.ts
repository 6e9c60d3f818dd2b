// An OpenTelemetry SDK for tests, in memory: a BasicTracerProvider whose spans a SimpleSpanProcessor
// hands to an InMemorySpanExporter, and a MeterProvider with a reader collected on demand, and
// helpers to read what it collected. The sender it instruments is test/helpers/metrics-sender.ts.
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
