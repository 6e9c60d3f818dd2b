import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { thrown } from '../../helpers/thrown.js';

const JAN_1_2026_MS = Date.parse('2026-01-01T00:00:00Z');

describe('createFakeClock', () => {
  it('starts at 2026-01-01T00:00:00Z by default', () => {
    const clock = createFakeClock();
    expect(clock.now()).toBe(JAN_1_2026_MS);
    expect(clock.nowSeconds()).toBe(JAN_1_2026_MS / 1000);
  });

  it('starts at options.nowMs', () => {
    expect(createFakeClock({ nowMs: 1_500 }).now()).toBe(1_500);
  });

  it('keeps its functions working when detached from the clock', () => {
    const { now, nowSeconds, advance, set } = createFakeClock({ nowMs: 10_999 });
    expect(advance(1)).toBe(11_000);
    expect(now()).toBe(11_000);
    set(20_500);
    expect(nowSeconds()).toBe(20);
  });

  it('advance returns the new time, accepts 0 and fractions', () => {
    const clock = createFakeClock({ nowMs: 0 });
    expect(clock.advance(0)).toBe(0);
    expect(clock.advance(0.5)).toBe(0.5);
  });

  it('set moves the clock backwards or forwards', () => {
    const clock = createFakeClock();
    clock.set(5);
    expect(clock.now()).toBe(5);
    clock.set(JAN_1_2026_MS * 2);
    expect(clock.now()).toBe(JAN_1_2026_MS * 2);
  });

  it('floors nowSeconds for times before 1970', () => {
    expect(createFakeClock({ nowMs: -1 }).nowSeconds()).toBe(-1);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(createFakeClock())).toBe(true);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a string', '0'],
    ['null', null],
  ])('rejects nowMs %s with invalid_option naming nowMs', (_, nowMs) => {
    const error = thrown(() => createFakeClock({ nowMs: nowMs as number }));
    expect(error.code).toBe('invalid_option');
    expect(error.issues[0]?.path).toBe('nowMs');
  });

  it('rejects options that are not an object with invalid_option naming options', () => {
    expect(thrown(() => createFakeClock(5 as never)).issues[0]?.path).toBe('options');
  });

  it.each([
    ['negative', -1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a string', '5'],
  ])('advance rejects %s with invalid_option naming ms and leaves the time unchanged', (_, ms) => {
    const clock = createFakeClock();
    const error = thrown(() => clock.advance(ms as number));
    expect(error.code).toBe('invalid_option');
    expect(error.issues[0]?.path).toBe('ms');
    expect(clock.now()).toBe(JAN_1_2026_MS);
  });

  it('advance rejects a step that leaves the finite range', () => {
    const clock = createFakeClock({ nowMs: Number.MAX_VALUE });
    expect(thrown(() => clock.advance(Number.MAX_VALUE)).issues[0]?.path).toBe('ms');
    expect(clock.now()).toBe(Number.MAX_VALUE);
  });

  it.each([
    ['NaN', Number.NaN],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['undefined', undefined],
  ])('set rejects %s with invalid_option naming nowMs', (_, nowMs) => {
    const clock = createFakeClock();
    expect(thrown(() => clock.set(nowMs as number)).issues[0]?.path).toBe('nowMs');
    expect(clock.now()).toBe(JAN_1_2026_MS);
  });

  it('property: advancing by steps sums them, monotonically', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 86_400_000 }), { maxLength: 30 }),
        (startMs, steps) => {
          const clock = createFakeClock({ nowMs: startMs });
          let previous = clock.now();
          for (const step of steps) {
            const next = clock.advance(step);
            expect(next).toBe(clock.now());
            expect(next).toBeGreaterThanOrEqual(previous);
            previous = next;
          }
          expect(clock.now()).toBe(startMs + steps.reduce((sum, step) => sum + step, 0));
          expect(clock.nowSeconds()).toBe(Math.floor(clock.now() / 1000));
        },
      ),
    );
  });

  it('property: set then now returns the value set', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (nowMs) => {
        const clock = createFakeClock();
        clock.set(nowMs);
        expect(clock.now()).toBe(nowMs);
      }),
    );
  });

  it('two clocks are independent', () => {
    const a = createFakeClock();
    const b = createFakeClock();
    a.advance(1_000);
    expect(b.now()).toBe(JAN_1_2026_MS);
  });
});
