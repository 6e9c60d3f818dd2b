// Type tests (checked by `tsc -p test/tsconfig.json`): both receivers' pattern types are the one
// generic `HandlerPattern` over their catalog (declared once, in handler-pattern.ts).
import { describe, expectTypeOf, it } from 'vitest';
import type { EudrEventType, EventType } from '../../../src/core/catalog/event-types.js';
import type { HandlerPattern, SegmentOf } from '../../../src/receiver/handler-pattern.js';
import type { EudrHandlerPattern, NovatradeHandlerPattern } from '../../../src/receiver/index.js';

describe('HandlerPattern', () => {
  it('is what WebhookReceiver.on and EudrWebhookReceiver.on accept', () => {
    expectTypeOf<NovatradeHandlerPattern>().toEqualTypeOf<HandlerPattern<EventType>>();
    expectTypeOf<EudrHandlerPattern>().toEqualTypeOf<HandlerPattern<EudrEventType>>();
  });

  it('takes each type and `<segment>.*` of its first segments, never `*`', () => {
    expectTypeOf<SegmentOf<'kyc.a' | 'kyc.b' | 'compliance.x'>>().toEqualTypeOf<
      'kyc' | 'compliance'
    >();
    expectTypeOf<HandlerPattern<'kyc.a' | 'compliance.x'>>().toEqualTypeOf<
      'kyc.a' | 'compliance.x' | 'kyc.*' | 'compliance.*'
    >();
    expectTypeOf<'*'>().not.toExtend<NovatradeHandlerPattern>();
  });
});
