// Type tests (checked by `tsc -p test/tsconfig.json`): the receiver classes of both entry points
// take only `options`; the platform is chosen by the entry point, never passed.
import { describe, expectTypeOf, it } from 'vitest';
import * as receiverEntry from '../../../src/receiver/index.js';
import * as webEntry from '../../../src/web/index.js';

declare const platform: unknown;

describe('receiver constructors', () => {
  it('take one parameter, the options', () => {
    expectTypeOf(receiverEntry.WebhookReceiver).constructorParameters.toEqualTypeOf<
      [receiverEntry.WebhookReceiverOptions]
    >();
    expectTypeOf(webEntry.WebhookReceiver).constructorParameters.toEqualTypeOf<
      [webEntry.WebhookReceiverOptions]
    >();
    expectTypeOf(receiverEntry.EudrWebhookReceiver).constructorParameters.toEqualTypeOf<
      [receiverEntry.EudrWebhookReceiverOptions]
    >();
    expectTypeOf(webEntry.EudrWebhookReceiver).constructorParameters.toEqualTypeOf<
      [webEntry.EudrWebhookReceiverOptions]
    >();
  });

  it('refuse a second argument', () => {
    // @ts-expect-error: no platform parameter
    new webEntry.WebhookReceiver({ secret: 'whsec_x' }, platform);
    // @ts-expect-error: no platform parameter
    new webEntry.EudrWebhookReceiver({ secret: 'whsec_x' }, platform);
    // @ts-expect-error: no platform parameter
    new receiverEntry.WebhookReceiver({ secret: 'whsec_x' }, platform);
    // @ts-expect-error: no platform parameter
    new receiverEntry.EudrWebhookReceiver({ secret: 'whsec_x' }, platform);
  });
});
