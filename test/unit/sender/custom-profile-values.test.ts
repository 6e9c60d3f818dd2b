// WebhookSender checks the values of a custom profile at construction: its retry and health
// policies through the core's assertRetryPolicy and assertHealthPolicy (issues under
// `profile.retryPolicy` / `profile.healthPolicy`), at least one retry, and `profile.timeoutMs` (a
// positive integer a timer can hold). Before, only the policies' keys were checked, and a bad value
// surfaced at dispatch, or never (a missing timeout made the lease NaN).
import { describe, expect, it } from 'vitest';
import { EUDR_PROFILE } from '../../../src/core/profiles/eudr-profile.js';
import { NOVATRADE_PROFILE } from '../../../src/core/profiles/novatrade-profile.js';
import { STANDARD_WEBHOOKS_PROFILE } from '../../../src/core/profiles/standard-webhooks-profile.js';
import type { WireProfile } from '../../../src/core/profiles/wire-profile.js';
import type { Transport } from '../../../src/sender/ports/transport.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { thrown } from '../../helpers/thrown.js';

const transport: Transport = {
  async send() {
    return {
      statusCode: 204,
      failureReason: null,
      responseBody: '',
      retryAfter: null,
      durationMs: 1,
    };
  },
};

/** A sender on NOVATRADE_PROFILE with `fields` replaced. */
const senderWith = (fields: object) =>
  new WebhookSender({ transport, profile: { ...NOVATRADE_PROFILE, ...fields } as WireProfile });

const retry = (schedule: object, rest: object = {}) => ({
  retryPolicy: { schedule, maxRetryAfterMs: 60_000, ...rest },
});
const health = (policy: unknown) => ({ healthPolicy: policy });

describe('WebhookSender: the values of a custom profile', () => {
  /** What is refused: a label, the profile's fields, the issue's path and code. */
  const REFUSED: readonly (readonly [string, object, string, string])[] = [
    // The retry policy, by assertRetryPolicy.
    [
      'a negative offset',
      retry({ kind: 'offsets', offsetsMs: [-1_000, 60_000] }),
      'profile.retryPolicy.schedule.offsetsMs[0]',
      'too_small',
    ],
    [
      'a zero interval',
      retry({ kind: 'intervals', intervalsMs: [1_000, 0] }),
      'profile.retryPolicy.schedule.intervalsMs[1]',
      'too_small',
    ],
    [
      'a NaN interval',
      retry({ kind: 'intervals', intervalsMs: [Number.NaN] }),
      'profile.retryPolicy.schedule.intervalsMs[0]',
      'invalid_type',
    ],
    [
      'offsets out of order',
      retry({ kind: 'offsets', offsetsMs: [60_000, 1_000] }),
      'profile.retryPolicy.schedule.offsetsMs[1]',
      'invalid_value',
    ],
    [
      'maxRetryAfterMs 0',
      retry({ kind: 'intervals', intervalsMs: [1_000] }, { maxRetryAfterMs: 0 }),
      'profile.retryPolicy.maxRetryAfterMs',
      'too_small',
    ],
    [
      'a jitter ratio above 1',
      retry({ kind: 'intervals', intervalsMs: [1_000] }, { jitter: { maxRatio: 2 } }),
      'profile.retryPolicy.jitter.maxRatio',
      'too_big',
    ],
    // The retry policy's shape: an issue, never a TypeError.
    ['no retry policy', { retryPolicy: undefined }, 'profile.retryPolicy', 'required'],
    ['a retry policy of null', { retryPolicy: null }, 'profile.retryPolicy', 'invalid_type'],
    [
      'no schedule',
      { retryPolicy: { maxRetryAfterMs: 1 } },
      'profile.retryPolicy.schedule',
      'required',
    ],
    [
      'a schedule of another kind',
      retry({ kind: 'weekly' }),
      'profile.retryPolicy.schedule.kind',
      'invalid_value',
    ],
    ['a schedule without a kind', retry({}), 'profile.retryPolicy.schedule.kind', 'required'],
    [
      'offsets that are not a list',
      retry({ kind: 'offsets', offsetsMs: 60_000 }),
      'profile.retryPolicy.schedule.offsetsMs',
      'invalid_type',
    ],
    // The sender's own rule: at least one retry.
    [
      'an empty offsets schedule',
      retry({ kind: 'offsets', offsetsMs: [] }),
      'profile.retryPolicy.schedule.offsetsMs',
      'too_small',
    ],
    [
      'an empty intervals schedule',
      retry({ kind: 'intervals', intervalsMs: [] }),
      'profile.retryPolicy.schedule.intervalsMs',
      'too_small',
    ],
    // The health policy, by assertHealthPolicy.
    [
      'maxConsecutiveFailures 0',
      health({ maxConsecutiveFailures: 0, action: 'PAUSED' }),
      'profile.healthPolicy.maxConsecutiveFailures',
      'too_small',
    ],
    [
      'maxConsecutiveFailures 2.5',
      health({ maxConsecutiveFailures: 2.5, action: 'PAUSED' }),
      'profile.healthPolicy.maxConsecutiveFailures',
      'invalid_type',
    ],
    [
      'a negative maxFailureDurationMs',
      health({ maxFailureDurationMs: -1, action: 'DISABLED' }),
      'profile.healthPolicy.maxFailureDurationMs',
      'too_small',
    ],
    [
      'an unknown action',
      health({ maxConsecutiveFailures: 3, action: 'STOPPED' }),
      'profile.healthPolicy.action',
      'invalid_value',
    ],
    ['no limit', health({ action: 'PAUSED' }), 'profile.healthPolicy', 'required'],
    ['no health policy', health(undefined), 'profile.healthPolicy', 'required'],
    ['a health policy of null', health(null), 'profile.healthPolicy', 'invalid_type'],
    // The timeout: a positive integer of at most 2^31 - 1 ms.
    ['timeoutMs 0', { timeoutMs: 0 }, 'profile.timeoutMs', 'too_small'],
    ['timeoutMs -1', { timeoutMs: -1 }, 'profile.timeoutMs', 'too_small'],
    ['timeoutMs 2^31', { timeoutMs: 2 ** 31 }, 'profile.timeoutMs', 'too_big'],
    ['timeoutMs 1.5', { timeoutMs: 1.5 }, 'profile.timeoutMs', 'invalid_type'],
    [
      'timeoutMs Infinity',
      { timeoutMs: Number.POSITIVE_INFINITY },
      'profile.timeoutMs',
      'invalid_type',
    ],
    ['timeoutMs "10000"', { timeoutMs: '10000' }, 'profile.timeoutMs', 'invalid_type'],
    ['no timeoutMs', { timeoutMs: undefined }, 'profile.timeoutMs', 'required'],
  ];

  it.each(
    REFUSED.map(([label, fields, path, code]) => [label, path, code, fields] as const),
  )('%s -> invalid_option, one issue at %s with code %s', (_, path, code, fields) => {
    const error = thrown(() => senderWith(fields));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([{ path, code, message: error.message }]);
    expect(error.message).toMatch(/^WebhookSender[ :]/);
  });

  it('the messages name the profile part and say what was expected', () => {
    expect(thrown(() => senderWith(retry({ kind: 'offsets', offsetsMs: [-1_000] }))).message).toBe(
      'WebhookSender `profile.retryPolicy`: Invalid retry schedule.offsetsMs[0]: expected a ' +
        'positive number of ms, got -1000.',
    );
    expect(
      thrown(() => senderWith(health({ maxConsecutiveFailures: 0, action: 'PAUSED' }))).message,
    ).toBe(
      'WebhookSender `profile.healthPolicy`: Invalid health maxConsecutiveFailures: expected a ' +
        'whole number >= 1.',
    );
    expect(thrown(() => senderWith({ timeoutMs: 2 ** 31 })).message).toBe(
      'WebhookSender: `profile.timeoutMs` must be an integer from 1 to 2147483647, got 2147483648.',
    );
    expect(thrown(() => senderWith(retry({ kind: 'intervals', intervalsMs: [] }))).message).toBe(
      'WebhookSender: `profile.retryPolicy.schedule.intervalsMs` must hold at least one retry, ' +
        'got an empty list; a sender retries every failed attempt while the schedule lasts.',
    );
  });

  it('a misspelt key is still named as such, before any value is checked', () => {
    const error = thrown(() => senderWith(health({ maxConsecutiveFailure: 5, action: 'PAUSED' })));
    expect(error.issues).toEqual([
      expect.objectContaining({
        path: 'profile.healthPolicy.maxConsecutiveFailure',
        code: 'unrecognized_key',
      }),
    ]);
  });

  it('the three built-in profiles pass', () => {
    for (const profile of [NOVATRADE_PROFILE, EUDR_PROFILE, STANDARD_WEBHOOKS_PROFILE]) {
      expect(() => new WebhookSender({ transport, profile })).not.toThrow();
    }
  });

  it('custom values within range pass: one retry, jitter 1, a duration-only health policy, timeoutMs 1 and 2^31 - 1', () => {
    for (const fields of [
      retry({ kind: 'offsets', offsetsMs: [1] }, { jitter: { maxRatio: 1 } }),
      retry({ kind: 'intervals', intervalsMs: [1_000, 1_000] }),
      health({ maxFailureDurationMs: 1, action: 'DISABLED' }),
      { timeoutMs: 1 },
      { timeoutMs: 2 ** 31 - 1 },
    ]) {
      expect(() => senderWith(fields)).not.toThrow();
    }
  });

  it('the lease default follows the checked timeout: leaseMs within timeoutMs + 5 s is refused', () => {
    expect(() => senderWith({ timeoutMs: 60_000 })).not.toThrow();
    const error = thrown(
      () =>
        new WebhookSender({
          transport,
          profile: { ...NOVATRADE_PROFILE, timeoutMs: 60_000 },
          leaseMs: 64_999,
        }),
    );
    expect(error.issues).toEqual([expect.objectContaining({ path: 'leaseMs', code: 'too_small' })]);
  });
});
