// The label functions of the attempt counter: `outcome` and `status_class`, known answers and
// properties (closed value sets, whatever a transport or a storage reports).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DELIVERY_FAILURE_REASONS } from '../../../../src/core/catalog/enum-values.js';
import type { AttemptView } from '../../../../src/sender/delivery-view.js';
import {
  attemptOutcome,
  statusClass,
} from '../../../../src/sender/internal/metrics/attempt-labels.js';

const OUTCOMES = new Set([
  'success',
  ...DELIVERY_FAILURE_REASONS.map((reason) => reason.toLowerCase()),
  'other',
]);
const CLASSES = new Set(['2xx', '3xx', '4xx', '5xx', 'none', 'other']);

/** An attempt with any failure reason, known or not (the reasons are an open enum). */
const withReason = (reason: string | null) =>
  ({ failureReason: reason }) as Pick<AttemptView, 'failureReason'>;

describe('attemptOutcome', () => {
  it.each([
    [null, 'success'],
    ['HTTP_ERROR', 'http_error'],
    ['TIMEOUT', 'timeout'],
    ['NETWORK_ERROR', 'network_error'],
    ['BLOCKED_DESTINATION', 'blocked_destination'],
    ['INVALID_RESPONSE', 'invalid_response'],
    ['INTERNAL_ERROR', 'internal_error'],
    ['SOMETHING_NEW', 'other'],
    ['http_error', 'other'],
    ['', 'other'],
  ])('failureReason %s -> %s', (reason, outcome) => {
    expect(attemptOutcome(withReason(reason))).toBe(outcome);
  });

  it('is success exactly when there is no failure reason, and a known reason lowercased', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constant(null), fc.constantFrom(...DELIVERY_FAILURE_REASONS), fc.string()),
        (reason) => {
          const outcome = attemptOutcome(withReason(reason));
          expect(OUTCOMES.has(outcome)).toBe(true);
          expect(outcome === 'success').toBe(reason === null);
          if (reason !== null) {
            const known = (DELIVERY_FAILURE_REASONS as readonly string[]).includes(reason);
            expect(outcome).toBe(known ? reason.toLowerCase() : 'other');
          }
        },
      ),
    );
  });
});

describe('statusClass', () => {
  it.each([
    [null, 'none'],
    [200, '2xx'],
    [204, '2xx'],
    [299, '2xx'],
    [301, '3xx'],
    [404, '4xx'],
    [429, '4xx'],
    [500, '5xx'],
    [599, '5xx'],
    [100, 'other'],
    [199, 'other'],
    [600, 'other'],
    [0, 'other'],
    [-200, 'other'],
    [204.5, 'other'],
    [Number.NaN, 'other'],
    [Number.POSITIVE_INFINITY, 'other'],
  ])('%s -> %s', (status, label) => {
    expect(statusClass(status)).toBe(label);
  });

  it('an integer from 200 to 599 is its hundreds digit followed by xx; every value is in the set', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 200, max: 599 }), fc.double()), (status) => {
        const label = statusClass(status);
        expect(CLASSES.has(label)).toBe(true);
        const inRange = Number.isInteger(status) && status >= 200 && status <= 599;
        expect(label).toBe(inRange ? `${Math.floor(status / 100)}xx` : 'other');
      }),
    );
  });
});
