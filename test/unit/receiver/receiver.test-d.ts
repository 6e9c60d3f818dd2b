// Type tests (checked by `tsc -p test/tsconfig.json`): handlers are narrowed to the types their
// pattern matches, and the construct functions' overloads follow `strict`.

import { describe, expectTypeOf, it } from 'vitest';
import type { AnyWebhookEvent, EudrWebhookEvent, WebhookEvent } from '../../../src/index.js';
import {
  constructEvent,
  EudrWebhookReceiver,
  type HandlerContext,
  WebhookReceiver,
} from '../../../src/receiver/index.js';

describe('WebhookReceiver.on', () => {
  it('narrows an exact type, a segment and onAny', () => {
    new WebhookReceiver({ secret: 'whsec_x' })
      .on('compliance.decision_made', (event, context) => {
        expectTypeOf(event).toEqualTypeOf<WebhookEvent<'compliance.decision_made'>>();
        expectTypeOf(context).toEqualTypeOf<HandlerContext>();
      })
      .on('kyc.*', (event) => {
        expectTypeOf(event).toEqualTypeOf<
          WebhookEvent<'kyc.vies_check_failed' | 'kyc.verification_completed'>
        >();
        expectTypeOf(event.type).toEqualTypeOf<
          'kyc.vies_check_failed' | 'kyc.verification_completed'
        >();
      })
      .on('webhook.*', (event) => {
        expectTypeOf(event.partnerUuid).toEqualTypeOf<string | null>();
      })
      .onAny((event) => {
        expectTypeOf(event).toEqualTypeOf<AnyWebhookEvent>();
      });
  });

  it('rejects the root wildcard and unknown types at compile time', () => {
    const receiver = new WebhookReceiver({ secret: 'whsec_x' });
    // @ts-expect-error: root `*` is never a pattern (docs/design.md §5.5)
    expectTypeOf(receiver.on).toBeCallableWith('*', () => {});
    // @ts-expect-error: not a catalog type
    expectTypeOf(receiver.on).toBeCallableWith('order.created', () => {});
  });
});

describe('EudrWebhookReceiver.on', () => {
  it('narrows EUDR types and segments', () => {
    new EudrWebhookReceiver({ secret: 'whsec_x' }).on('supplier.*', (event) => {
      expectTypeOf(event.event).toEqualTypeOf<
        'supplier.created' | 'supplier.updated' | 'supplier.deleted'
      >();
      expectTypeOf(event).toExtend<EudrWebhookEvent>();
    });
  });
});

describe('constructEvent', () => {
  it('returns WebhookEvent when strict, AnyWebhookEvent otherwise', () => {
    expectTypeOf(constructEvent('', {}, 's', { strict: true })).toEqualTypeOf<WebhookEvent>();
    expectTypeOf(constructEvent('', {}, 's')).toEqualTypeOf<AnyWebhookEvent>();
  });
});
