// Type tests (checked by `tsc -p test/tsconfig.json`): each sender-side list of known option
// names holds every key of its options type, so an option added without being listed fails the
// type check here instead of being refused as unknown at run time. (`satisfies` in the sources
// already refuses a listed name that is not an option.)

import { describe, expectTypeOf, it } from 'vitest';
import type { UnlistedOptionNames } from '../../../src/core/internal/assert-known-options.js';
import type { HealthPolicy } from '../../../src/core/retry/health-policy.js';
import type {
  RetryJitter,
  RetryPolicy,
  RetrySchedule,
} from '../../../src/core/retry/retry-policy.js';
import type {
  HTTP_TRANSPORT_OPTION_NAMES,
  HttpTransportOptions,
} from '../../../src/sender/http-transport.node.js';
import type {
  HEALTH_POLICY_KEYS,
  INTERVALS_SCHEDULE_KEYS,
  OFFSETS_SCHEDULE_KEYS,
  RETRY_JITTER_KEYS,
  RETRY_POLICY_KEYS,
} from '../../../src/sender/internal/profile-policy-keys.js';
import type {
  MEMORY_STORAGE_OPTION_NAMES,
  MemoryStorageOptions,
} from '../../../src/sender/memory-storage.js';
import type {
  WEBHOOK_SENDER_OPTION_NAMES,
  WebhookSenderOptions,
} from '../../../src/sender/webhook-sender.js';
import type {
  RECORDING_TRANSPORT_OPTION_NAMES,
  RecordingTransportOptions,
} from '../../../src/testing/create-recording-transport.js';

describe('known option names (sender side)', () => {
  it('list every option of each options type', () => {
    expectTypeOf<
      UnlistedOptionNames<WebhookSenderOptions, typeof WEBHOOK_SENDER_OPTION_NAMES>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      UnlistedOptionNames<HttpTransportOptions, typeof HTTP_TRANSPORT_OPTION_NAMES>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      UnlistedOptionNames<MemoryStorageOptions, typeof MEMORY_STORAGE_OPTION_NAMES>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      UnlistedOptionNames<RecordingTransportOptions, typeof RECORDING_TRANSPORT_OPTION_NAMES>
    >().toEqualTypeOf<never>();
  });

  it("list every key of a profile's policies", () => {
    expectTypeOf<
      UnlistedOptionNames<RetryPolicy, typeof RETRY_POLICY_KEYS>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      UnlistedOptionNames<Extract<RetrySchedule, { kind: 'offsets' }>, typeof OFFSETS_SCHEDULE_KEYS>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      UnlistedOptionNames<
        Extract<RetrySchedule, { kind: 'intervals' }>,
        typeof INTERVALS_SCHEDULE_KEYS
      >
    >().toEqualTypeOf<never>();
    expectTypeOf<
      UnlistedOptionNames<RetryJitter, typeof RETRY_JITTER_KEYS>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      UnlistedOptionNames<HealthPolicy, typeof HEALTH_POLICY_KEYS>
    >().toEqualTypeOf<never>();
  });
});
