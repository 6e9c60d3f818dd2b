// Type tests (checked by `tsc -p test/tsconfig.json`): the hook payloads are the public views,
// named as history names them (docs/design.md §5.25), and `logger` takes a Logger or 'silent'.

import { describe, expectTypeOf, it } from 'vitest';
import type { DeliveryFailureReason } from '../../../src/core/catalog/enum-values.js';
import type { Logger } from '../../../src/logging/logger.js';
import type { AttemptView, DeliveryView } from '../../../src/sender/delivery-view.js';
import type { EndpointView } from '../../../src/sender/endpoint-view.js';
import type {
  DeliveryAttemptPayload,
  SenderEventMap,
  SenderListener,
} from '../../../src/sender/sender-events.js';
import type { WebhookSenderOptions } from '../../../src/sender/webhook-sender.js';

describe('sender hook payload types', () => {
  it('the delivery.* hooks carry DeliveryView and AttemptView', () => {
    for (const payload of [
      {} as SenderEventMap['delivery.attempted'],
      {} as SenderEventMap['delivery.succeeded'],
      {} as SenderEventMap['delivery.retry_scheduled'],
      {} as SenderEventMap['delivery.failed'],
    ]) {
      expectTypeOf(payload).toEqualTypeOf<DeliveryAttemptPayload>();
    }
    expectTypeOf<DeliveryAttemptPayload['delivery']>().toEqualTypeOf<DeliveryView>();
    expectTypeOf<DeliveryAttemptPayload['attempt']>().toEqualTypeOf<AttemptView>();
    expectTypeOf<SenderEventMap['endpoint.paused']['endpoint']>().toEqualTypeOf<EndpointView>();
  });

  it('one name per fact: httpStatus, ISO startedAt, nextRetryAt, lastFailureReason', () => {
    const listener: SenderListener<'delivery.retry_scheduled'> = ({ delivery, attempt }) => {
      expectTypeOf(delivery.httpStatus).toEqualTypeOf<number | null>();
      expectTypeOf(delivery.nextRetryAt).toEqualTypeOf<string | null>();
      expectTypeOf(delivery.lastFailureReason).toEqualTypeOf<DeliveryFailureReason | null>();
      expectTypeOf(attempt.httpStatus).toEqualTypeOf<number | null>();
      expectTypeOf(attempt.startedAt).toEqualTypeOf<string>();
      // @ts-expect-error the storage record's name is not in a hook payload
      void delivery.lastStatusCode;
      // @ts-expect-error the storage record's name is not in a hook payload
      void attempt.statusCode;
      // @ts-expect-error the storage record's name is not in a hook payload
      void attempt.startedAtMs;
    };
    void listener;
  });

  it('sender.error names the call and, when there is one, the delivery and endpoint', () => {
    expectTypeOf<SenderEventMap['sender.error']['during']>().toEqualTypeOf<string>();
    expectTypeOf<SenderEventMap['sender.error']['deliveryId']>().toEqualTypeOf<
      string | undefined
    >();
  });

  it("logger: a Logger or 'silent'", () => {
    expectTypeOf<'silent'>().toExtend<NonNullable<WebhookSenderOptions['logger']>>();
    expectTypeOf<Logger>().toExtend<NonNullable<WebhookSenderOptions['logger']>>();
    expectTypeOf<'quiet'>().not.toExtend<NonNullable<WebhookSenderOptions['logger']>>();
  });
});
