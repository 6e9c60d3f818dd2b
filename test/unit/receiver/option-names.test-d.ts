// Type tests (checked by `tsc -p test/tsconfig.json`): each constructor's list of known option
// names holds every key of its options type, so an option added without being listed fails the
// type check here instead of being refused as unknown at run time. (`satisfies` in the sources
// already refuses a listed name that is not an option.)

import { describe, expectTypeOf, it } from 'vitest';
import type { UnlistedOptionNames } from '../../../src/core/internal/assert-known-options.js';
import type { STDERR_LOGGER_OPTION_NAMES } from '../../../src/logging/internal/create-line-logger.js';
import type { StderrLoggerOptions } from '../../../src/logging/logger.js';
import type {
  EUDR_WEBHOOK_RECEIVER_OPTION_NAMES,
  EudrWebhookReceiverOptions,
} from '../../../src/receiver/eudr-webhook-receiver.js';
import type {
  MEMORY_DEDUPE_STORE_OPTION_NAMES,
  MemoryDedupeStoreOptions,
} from '../../../src/receiver/memory-dedupe-store.js';
import type {
  MEMORY_INBOX_OPTION_NAMES,
  MemoryInboxOptions,
} from '../../../src/receiver/memory-inbox.js';
import type {
  RECEIVER_BASE_OPTION_NAMES,
  ReceiverBaseOptions,
} from '../../../src/receiver/receiver-options.js';
import type {
  REDIS_DEDUPE_STORE_OPTION_NAMES,
  RedisDedupeStoreOptions,
} from '../../../src/receiver/redis-dedupe-store.js';
import type {
  WEBHOOK_RECEIVER_OPTION_NAMES,
  WebhookReceiverOptions,
} from '../../../src/receiver/webhook-receiver.js';

describe('known option names', () => {
  it('list every option of each options type', () => {
    expectTypeOf<
      UnlistedOptionNames<ReceiverBaseOptions, typeof RECEIVER_BASE_OPTION_NAMES>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      UnlistedOptionNames<WebhookReceiverOptions, typeof WEBHOOK_RECEIVER_OPTION_NAMES>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      UnlistedOptionNames<EudrWebhookReceiverOptions, typeof EUDR_WEBHOOK_RECEIVER_OPTION_NAMES>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      UnlistedOptionNames<MemoryDedupeStoreOptions, typeof MEMORY_DEDUPE_STORE_OPTION_NAMES>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      UnlistedOptionNames<RedisDedupeStoreOptions, typeof REDIS_DEDUPE_STORE_OPTION_NAMES>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      UnlistedOptionNames<MemoryInboxOptions, typeof MEMORY_INBOX_OPTION_NAMES>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      UnlistedOptionNames<StderrLoggerOptions, typeof STDERR_LOGGER_OPTION_NAMES>
    >().toEqualTypeOf<never>();
  });

  it('the check catches a missing name', () => {
    interface TwoOptions {
      readonly a?: number;
      readonly b?: number;
    }
    const incomplete = ['a'] as const satisfies readonly (keyof TwoOptions)[];
    expectTypeOf<UnlistedOptionNames<TwoOptions, typeof incomplete>>().toEqualTypeOf<'b'>();
    // @ts-expect-error: 'b' is not listed, so the unlisted names are not `never`
    expectTypeOf<UnlistedOptionNames<TwoOptions, typeof incomplete>>().toEqualTypeOf<never>();
  });
});
