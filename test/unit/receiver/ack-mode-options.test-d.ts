// Type tests (checked by `tsc -p test/tsconfig.json`): the receiver options are a discriminated
// union over `ackMode`, so an `inbox` without `ackMode: 'async'` does not compile (the constructor
// still refuses it at run time, for JavaScript callers).
import { describe, expectTypeOf, it } from 'vitest';
import type { UnlistedOptionNames } from '../../../src/core/internal/assert-known-options.js';
import {
  type AckMode,
  EudrWebhookReceiver,
  type EudrWebhookReceiverOptions,
  MemoryInbox,
  type ReceiverBaseOptions,
  WebhookReceiver,
  type WebhookReceiverOptions,
} from '../../../src/receiver/index.js';
import type { RECEIVER_BASE_OPTION_NAMES } from '../../../src/receiver/receiver-options.js';
import * as web from '../../../src/web/index.js';

const secret = 'whsec_x';
const inbox = new MemoryInbox();
declare const mode: AckMode;

describe('ackMode and inbox', () => {
  it('compile in the combinations the constructor accepts', () => {
    new WebhookReceiver({ secret });
    new WebhookReceiver({ secret, ackMode: 'sync' });
    new WebhookReceiver({ secret, ackMode: 'async' });
    new WebhookReceiver({ secret, ackMode: 'async', inbox });
    new WebhookReceiver({ secret, ackMode: mode });
    new EudrWebhookReceiver({ secret, ackMode: 'async', inbox });
    new web.WebhookReceiver({ secret, ackMode: 'async', inbox });
  });

  it('refuse an inbox without ackMode async', () => {
    // @ts-expect-error: an inbox needs ackMode 'async'
    new WebhookReceiver({ secret, ackMode: 'sync', inbox });
    // @ts-expect-error: the default ack mode is 'sync'
    new WebhookReceiver({ secret, inbox });
    // @ts-expect-error: an inbox needs ackMode 'async'
    new EudrWebhookReceiver({ secret, inbox });
    // @ts-expect-error: an inbox needs ackMode 'async'
    new web.WebhookReceiver({ secret, ackMode: 'sync', inbox });
    // @ts-expect-error: the mode may be 'sync'
    new WebhookReceiver({ secret, ackMode: mode, inbox });
    // @ts-expect-error: not an ack mode
    new WebhookReceiver({ secret, ackMode: 'later' });
  });

  it('every option is still named in the known-option lists', () => {
    expectTypeOf<
      UnlistedOptionNames<ReceiverBaseOptions, typeof RECEIVER_BASE_OPTION_NAMES>
    >().toEqualTypeOf<never>();
    expectTypeOf<'inbox' | 'ackMode'>().toExtend<keyof WebhookReceiverOptions>();
    expectTypeOf<'inbox' | 'ackMode'>().toExtend<keyof EudrWebhookReceiverOptions>();
  });
});
