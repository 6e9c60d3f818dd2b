import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertHealthPolicy,
  type EndpointHealth,
  EUDR_HEALTH_POLICY,
  evaluateEndpointHealth,
  HEALTHY,
  type HealthPolicy,
  NOVATRADE_HEALTH_POLICY,
} from '../../../../src/core/retry/health-policy.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 3, 22);

/** Feeds a sequence of (succeeded, atMs) attempts; returns the index of the first trip, if any. */
function run(policy: HealthPolicy, attempts: readonly (readonly [boolean, number])[]) {
  let health: EndpointHealth = HEALTHY;
  for (const [i, [succeeded, attemptAtMs]] of attempts.entries()) {
    const evaluation = evaluateEndpointHealth(policy, { health, succeeded, attemptAtMs });
    health = evaluation.health;
    if (evaluation.transition !== 'stay') return { index: i, ...evaluation };
  }
  return { index: -1, health, transition: 'stay' as const, reason: null };
}

describe('evaluateEndpointHealth — Novatrade', () => {
  it('pauses on the 20th consecutive failed attempt, not the 19th', () => {
    const attempts = Array.from({ length: 25 }, (_, i) => [false, T0 + i * 1000] as const);
    const result = run(NOVATRADE_HEALTH_POLICY, attempts);
    expect(result.index).toBe(19);
    expect(result.transition).toBe('pause');
    expect(result.reason).toBe('consecutive_failures');
    expect(result.health).toEqual({ consecutiveFailures: 20, failingSinceMs: T0 });
  });

  it('a 2xx resets the streak', () => {
    const attempts = [
      ...Array.from({ length: 19 }, (_, i) => [false, T0 + i] as const),
      [true, T0 + 100] as const,
      ...Array.from({ length: 19 }, (_, i) => [false, T0 + 200 + i] as const),
    ];
    expect(run(NOVATRADE_HEALTH_POLICY, attempts).index).toBe(-1);
  });

  it('pauses after 72 h of continuous failure with fewer than 20 attempts', () => {
    const attempts = [
      [false, T0] as const,
      [false, T0 + 24 * HOUR] as const,
      [false, T0 + 72 * HOUR - 1] as const,
      [false, T0 + 72 * HOUR] as const,
    ];
    const result = run(NOVATRADE_HEALTH_POLICY, attempts);
    expect(result.index).toBe(3);
    expect(result.transition).toBe('pause');
    expect(result.reason).toBe('failure_duration');
  });

  it('the 72 h clock restarts after a success', () => {
    const attempts = [
      [false, T0] as const,
      [true, T0 + 71 * HOUR] as const,
      [false, T0 + 72 * HOUR] as const,
      [false, T0 + 100 * HOUR] as const,
    ];
    expect(run(NOVATRADE_HEALTH_POLICY, attempts).index).toBe(-1);
  });
});

describe('evaluateEndpointHealth — EUDR', () => {
  it('disables on the 10th consecutive failed attempt, whatever the time span', () => {
    const attempts = Array.from({ length: 12 }, (_, i) => [false, T0 + i * 100 * HOUR] as const);
    const result = run(EUDR_HEALTH_POLICY, attempts);
    expect(result.index).toBe(9);
    expect(result.transition).toBe('disable');
    expect(result.reason).toBe('consecutive_failures');
  });
});

describe('evaluateEndpointHealth — properties', () => {
  const arbAttempts = fc
    .array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 10 * HOUR })), { maxLength: 60 })
    .map((steps) => {
      let t = T0;
      return steps.map(([ok, gap]) => {
        t += gap;
        return [ok, t] as const;
      });
    });

  it('trips exactly when a naive reference over the whole history says so', () => {
    fc.assert(
      fc.property(arbAttempts, (attempts) => {
        const result = run(NOVATRADE_HEALTH_POLICY, attempts);
        // reference: scan the history, tracking the streak from scratch
        let expected = -1;
        let streak = 0;
        let since: number | null = null;
        for (const [i, [ok, at]] of attempts.entries()) {
          if (ok) {
            streak = 0;
            since = null;
            continue;
          }
          streak++;
          since ??= at;
          if (streak >= 20 || at - since >= 72 * HOUR) {
            expected = i;
            break;
          }
        }
        expect(result.index).toBe(expected);
      }),
    );
  });

  it('a success always yields HEALTHY and stay', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.option(fc.nat()), fc.nat(), (failures, since, at) => {
        const evaluation = evaluateEndpointHealth(NOVATRADE_HEALTH_POLICY, {
          health: { consecutiveFailures: failures, failingSinceMs: since },
          succeeded: true,
          attemptAtMs: at,
        });
        expect(evaluation).toEqual({ health: HEALTHY, transition: 'stay', reason: null });
      }),
    );
  });
});

describe('assertHealthPolicy', () => {
  it('accepts the presets', () => {
    expect(() => assertHealthPolicy(NOVATRADE_HEALTH_POLICY)).not.toThrow();
    expect(() => assertHealthPolicy(EUDR_HEALTH_POLICY)).not.toThrow();
  });
  it.each<[string, HealthPolicy]>([
    ['no limit', { action: 'PAUSED' }],
    ['zero failures', { maxConsecutiveFailures: 0, action: 'PAUSED' }],
    ['fractional failures', { maxConsecutiveFailures: 2.5, action: 'PAUSED' }],
    ['negative duration', { maxFailureDurationMs: -1, action: 'PAUSED' }],
    ['unknown action', { maxConsecutiveFailures: 3, action: 'DELETED' as 'PAUSED' }],
  ])('rejects %s with invalid_option', (_, policy) => {
    expect(() => assertHealthPolicy(policy)).toThrow(
      expect.objectContaining({ code: 'invalid_option' }),
    );
  });
});
