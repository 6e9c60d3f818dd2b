// The one positive-number rule (src/core/internal/number-option.ts), against a reference written out
// longhand, and the proof that the five checks of a positive, finite number answer with it: the
// replay tolerance of the verifiers and of the receiver's constructor, a retry policy's delays and
// maxRetryAfterMs, a health policy's maxFailureDurationMs and HttpTransport's timeoutMs. Before,
// each classified by hand and they had drifted (-Infinity was too_small for constructEvent and
// invalid_type for new WebhookReceiver).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ValidationIssueCode } from '../../../../src/core/errors.js';
import { positiveNumberIssueCode } from '../../../../src/core/internal/number-option.js';
import { MAX_TIMER_MS } from '../../../../src/core/internal/timer-delay.js';
import { assertHealthPolicy } from '../../../../src/core/retry/health-policy.js';
import { assertRetryPolicy } from '../../../../src/core/retry/retry-policy.js';
import {
  constructEvent,
  verifyNovatradeSignature,
  WebhookReceiver,
} from '../../../../src/receiver/index.js';
import { HttpTransport } from '../../../../src/sender/index.js';
import { thrown } from '../../../helpers/thrown.js';

/** The rule written out, case by case. */
function reference(value: unknown, max: number): ValidationIssueCode | undefined {
  if (typeof value !== 'number') return 'invalid_type';
  if (Number.isNaN(value)) return 'invalid_type';
  if (value === Number.NEGATIVE_INFINITY) return 'too_small';
  if (value === Number.POSITIVE_INFINITY) return 'too_big';
  if (value < 0 || Object.is(value, -0) || value === 0) return 'too_small';
  if (value > max) return 'too_big';
  return undefined;
}

const anyValue = fc.oneof(
  fc.double(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(
    0,
    -0,
    Number.MIN_VALUE,
    Number.MAX_VALUE,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.NaN,
    MAX_TIMER_MS,
    MAX_TIMER_MS + 0.5,
    1,
    0.5,
  ),
  fc.anything(),
);

describe('positiveNumberIssueCode', () => {
  it('property: agrees with the longhand rule for any value, with and without a max', () => {
    fc.assert(
      fc.property(
        anyValue,
        fc.option(fc.double({ min: Number.MIN_VALUE, max: 1e12, noNaN: true }), { nil: undefined }),
        (value, max) => {
          const range = max === undefined ? undefined : { max };
          expect(positiveNumberIssueCode(value, range)).toBe(
            reference(value, max ?? Number.MAX_VALUE),
          );
        },
      ),
    );
  });

  it('classifies the infinities by their side, NaN and non-numbers as invalid_type', () => {
    const values = [
      Number.NEGATIVE_INFINITY,
      -1,
      0,
      -0,
      Number.NaN,
      '5',
      null,
      undefined,
      0.001,
      1.5,
      Number.POSITIVE_INFINITY,
    ];
    expect(values.map((v) => positiveNumberIssueCode(v))).toEqual([
      'too_small',
      'too_small',
      'too_small',
      'too_small',
      'invalid_type',
      'invalid_type',
      'invalid_type',
      'invalid_type',
      undefined,
      undefined,
      'too_big',
    ]);
    expect(positiveNumberIssueCode(2, { max: 1 })).toBe('too_big');
    expect(positiveNumberIssueCode(1, { max: 1 })).toBeUndefined();
  });
});

describe('the five checks of a positive, finite number agree', () => {
  const SECRET = 'whsec_number_rule';
  const intervals = { kind: 'intervals', intervalsMs: [1_000] } as const;
  /** Each site given `value`: the issue it throws (or rejects with), or `undefined`. */
  const sites: readonly [string, string, (value: unknown) => unknown][] = [
    [
      'verifyNovatradeSignature toleranceSeconds',
      'toleranceSeconds',
      (v) => verifyNovatradeSignature('{}', 't=1,v1=00', SECRET, { toleranceSeconds: v as number }),
    ],
    [
      'constructEvent toleranceSeconds',
      'toleranceSeconds',
      (v) => constructEvent('{}', {}, SECRET, { toleranceSeconds: v as number }),
    ],
    [
      'new WebhookReceiver toleranceSeconds',
      'toleranceSeconds',
      (v) => new WebhookReceiver({ secret: SECRET, toleranceSeconds: v as number }),
    ],
    [
      'assertRetryPolicy maxRetryAfterMs',
      'maxRetryAfterMs',
      (v) => assertRetryPolicy({ schedule: intervals, maxRetryAfterMs: v as number }),
    ],
    [
      'assertRetryPolicy a delay',
      'schedule.intervalsMs[0]',
      (v) =>
        assertRetryPolicy({
          schedule: { kind: 'intervals', intervalsMs: [v as number] },
          maxRetryAfterMs: 1,
        }),
    ],
    [
      'assertHealthPolicy maxFailureDurationMs',
      'maxFailureDurationMs',
      (v) => assertHealthPolicy({ maxFailureDurationMs: v as number, action: 'PAUSED' }),
    ],
  ];

  const values: readonly unknown[] = [
    Number.NEGATIVE_INFINITY,
    -1,
    0,
    Number.NaN,
    '5',
    null,
    Number.POSITIVE_INFINITY,
  ];

  it.each(sites)('%s: the rule code at the option', (_, path, run) => {
    for (const value of values) {
      const error = thrown(() => run(value));
      expect(error.code).toBe('invalid_option');
      expect(error.issues).toEqual([
        { path, code: positiveNumberIssueCode(value), message: error.message },
      ]);
    }
  });

  it('HttpTransport.send timeoutMs: the rule code too (max MAX_TIMER_MS), required when absent', async () => {
    const transport = new HttpTransport();
    const send = (timeoutMs: unknown) =>
      transport.send({
        url: 'https://example.com/',
        body: '{}',
        headers: {},
        timeoutMs: timeoutMs as number,
      });
    try {
      for (const value of [...values, MAX_TIMER_MS + 1, undefined]) {
        const rejected = await send(value).then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(rejected).toMatchObject({
          code: 'invalid_option',
          issues: [
            {
              path: 'timeoutMs',
              code:
                value === undefined
                  ? 'required'
                  : positiveNumberIssueCode(value, { max: MAX_TIMER_MS }),
            },
          ],
        });
      }
    } finally {
      await transport.close();
    }
  });

  it('the verifier and the receiver word the tolerance alike', () => {
    const verify = thrown(() =>
      verifyNovatradeSignature('{}', 't=1,v1=00', SECRET, {
        toleranceSeconds: Number.NEGATIVE_INFINITY,
      }),
    );
    const receiver = thrown(
      () => new WebhookReceiver({ secret: SECRET, toleranceSeconds: Number.NEGATIVE_INFINITY }),
    );
    expect(receiver.message).toBe(verify.message);
    expect(receiver.message).toMatch(/no value that turns the replay check off/);
  });
});
