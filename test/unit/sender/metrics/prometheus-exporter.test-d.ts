// Type tests (checked by `tsc -p test/tsconfig.json`): the exporter's list of known option names
// is complete, and it observes a sender of any catalog.

import { describe, expectTypeOf, it } from 'vitest';
import type { EudrEventDataMap } from '../../../../src/core/catalog/eudr-event-data.js';
import type { UntypedEventDataMap } from '../../../../src/core/catalog/event-catalog.js';
import type { UnlistedOptionNames } from '../../../../src/core/internal/assert-known-options.js';
import {
  createPrometheusExporter,
  type PROMETHEUS_EXPORTER_OPTION_NAMES,
  type PrometheusExporter,
  type PrometheusExporterOptions,
} from '../../../../src/sender/prometheus-exporter.js';
import type { WebhookSender } from '../../../../src/sender/webhook-sender.js';

describe('createPrometheusExporter types', () => {
  it('lists every option', () => {
    expectTypeOf<
      UnlistedOptionNames<PrometheusExporterOptions, typeof PROMETHEUS_EXPORTER_OPTION_NAMES>
    >().toEqualTypeOf<never>();
  });

  it('takes a sender of any catalog', () => {
    expectTypeOf(createPrometheusExporter).parameter(0).toExtend<object>();
    expectTypeOf<WebhookSender>().toExtend<Parameters<typeof createPrometheusExporter>[0]>();
    expectTypeOf<WebhookSender<EudrEventDataMap>>().toExtend<
      Parameters<typeof createPrometheusExporter>[0]
    >();
    expectTypeOf<WebhookSender<UntypedEventDataMap>>().toExtend<
      Parameters<typeof createPrometheusExporter>[0]
    >();
    expectTypeOf(createPrometheusExporter).returns.toEqualTypeOf<PrometheusExporter>();
  });
});
