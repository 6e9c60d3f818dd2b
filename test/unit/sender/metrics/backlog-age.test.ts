// `backlogAgeFrom`, the pure step behind WebhookSender.backlogAgeSeconds, and the method itself on
// MemoryStorage (the same cases run on PostgresStorage in backlog-age.pglite.test.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backlogAgeFrom } from '../../../../src/sender/internal/metrics/backlog-age.js';
import { MemoryStorage } from '../../../../src/sender/memory-storage.js';
import { describeBacklogAge } from './backlog-age-suite.js';

describe('backlogAgeFrom', () => {
  it.each([
    [null, 5_000, 0],
    [1_000, 3_500, 2.5],
    [3_500, 3_500, 0],
    [5_000, 3_500, 0],
    [0, 1, 0.001],
    [Number.NaN, 1_000, 0],
    [Number.NEGATIVE_INFINITY, 1_000, 0],
  ])('next due %s at now %s -> %s s', (next, now, age) => {
    expect(backlogAgeFrom(next, now)).toBe(age);
  });

  it('is the positive part of now - next, in seconds, and never negative or NaN', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 2 ** 45 }), { nil: null }),
        fc.integer({ min: 0, max: 2 ** 45 }),
        (next, now) => {
          const age = backlogAgeFrom(next, now);
          expect(age).toBeGreaterThanOrEqual(0);
          expect(age).toBe(next === null || next >= now ? 0 : (now - next) / 1000);
        },
      ),
    );
  });
});

describeBacklogAge('MemoryStorage', async () => new MemoryStorage());
