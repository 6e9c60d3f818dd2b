// Type tests (checked by `tsc -p test/tsconfig.json`): instrumentSender's list of known option
// names is complete, it observes a sender of any catalog, and it takes the SDK's providers.

import type { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { describe, expectTypeOf, it } from 'vitest';
import type { EudrEventDataMap } from '../../../src/core/catalog/eudr-event-data.js';
import type { UntypedEventDataMap } from '../../../src/core/catalog/event-catalog.js';
import type { UnlistedOptionNames } from '../../../src/core/internal/assert-known-options.js';
import type {
  INSTRUMENT_SENDER_OPTION_NAMES,
  InstrumentSenderOptions,
  instrumentSender,
} from '../../../src/otel/instrument-sender.js';
import type { WebhookSender } from '../../../src/sender/webhook-sender.js';

describe('instrumentSender types', () => {
  it('lists every option', () => {
    expectTypeOf<
      UnlistedOptionNames<InstrumentSenderOptions, typeof INSTRUMENT_SENDER_OPTION_NAMES>
    >().toEqualTypeOf<never>();
  });

  it('takes a sender of any catalog and the SDK providers', () => {
    type SenderParameter = Parameters<typeof instrumentSender>[0];
    expectTypeOf<WebhookSender>().toExtend<SenderParameter>();
    expectTypeOf<WebhookSender<EudrEventDataMap>>().toExtend<SenderParameter>();
    expectTypeOf<WebhookSender<UntypedEventDataMap>>().toExtend<SenderParameter>();
    expectTypeOf<{
      tracerProvider: BasicTracerProvider;
      meterProvider: MeterProvider;
    }>().toExtend<InstrumentSenderOptions>();
  });
});
