import { describe, expect, it } from 'vitest';
import { WebhookStorageError } from '../../../../src/core/errors.js';
import type { RateLimitStore } from '../../../../src/server/internal/rate-limit/rate-limit-store.js';
import {
  RateLimiter,
  type RateLimiterOptions,
  type RateLimitRequest,
} from '../../../../src/server/internal/rate-limit/rate-limiter.js';
import { createFakeClock, type FakeClock } from '../../../../src/testing/create-fake-clock.js';
import { thrown } from '../../../helpers/thrown.js';

/** 2026-01-01T00:00:00Z: the fake clock's start, on a minute boundary. */
const START_MS = Date.UTC(2026, 0, 1);
const START_S = START_MS / 1000;
const WEBHOOK: RateLimitRequest = {
  organizationUuid: 'org-a',
  tier: 'STANDARD',
  category: 'webhook',
};

function setup(options: RateLimiterOptions = {}): { clock: FakeClock; limiter: RateLimiter } {
  const clock = createFakeClock({ nowMs: START_MS });
  return { clock, limiter: new RateLimiter({ now: clock.now, ...options }) };
}

function headers(limit: number, remaining: number, resetS: number, category = 'webhook') {
  return {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(remaining),
    'X-RateLimit-Reset': String(resetS),
    'X-RateLimit-Category': category,
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** STANDARD's webhook category refused in the first minute: Remaining 0, with its Retry-After. */
const webhookRefused = (retryAfterSeconds: number, exceeded: 'minute' | 'burst') => ({
  allowed: false,
  headers: headers(10, 0, START_S + 60),
  retryAfterSeconds,
  exceeded,
  limit: { perMinute: 10, burstPer10s: 3 },
});

describe('RateLimiter on STANDARD webhook calls (10 per minute, 3 per 10 s)', () => {
  it('10 calls spread over the minute -> allowed with exact headers (Remaining the smaller of the two windows); the 11th -> 429 with Retry-After to the minute end', async () => {
    const { clock, limiter } = setup();
    // Two calls in each 10-second window: at 0, 5, 10, …, 45 s. Remaining is min(minute left,
    // burst left): 2 after the first call of a 10-second window, 1 after the second, and the
    // minute's own 1 and 0 at the end.
    const remaining = [2, 1, 2, 1, 2, 1, 2, 1, 1, 0];
    for (let call = 0; call < 10; call += 1) {
      clock.set(START_MS + call * 5_000);
      expect(await limiter.check(WEBHOOK)).toEqual({
        allowed: true,
        headers: headers(10, remaining[call] ?? -1, START_S + 60),
      });
    }
    for (const [atMs, retryAfterSeconds] of [
      [50_000, 10],
      [50_001, 10],
      [50_999, 10],
      [51_000, 9],
      [59_000, 1],
      [59_999, 1],
    ] as const) {
      clock.set(START_MS + atMs);
      expect(await limiter.check(WEBHOOK)).toEqual(webhookRefused(retryAfterSeconds, 'minute'));
    }
    clock.set(START_MS + 60_000);
    expect(await limiter.check(WEBHOOK)).toEqual({
      allowed: true,
      headers: headers(10, 2, START_S + 120),
    });
  });

  it("a burst of 3 at once -> allowed, Remaining 2, 1, 0; the 4th -> 429 (burst) with Remaining 0 (not the minute's 7) until the 10-second window ends", async () => {
    const { clock, limiter } = setup();
    clock.set(START_MS + 20_000);
    for (let call = 0; call < 3; call += 1) {
      expect(await limiter.check(WEBHOOK)).toEqual({
        allowed: true,
        headers: headers(10, 2 - call, START_S + 60),
      });
    }
    for (const [atMs, retryAfterSeconds] of [
      [20_000, 10],
      [24_500, 6],
      [29_999, 1],
    ] as const) {
      clock.set(START_MS + atMs);
      expect(await limiter.check(WEBHOOK)).toEqual(webhookRefused(retryAfterSeconds, 'burst'));
    }
    clock.set(START_MS + 30_000);
    expect(await limiter.check(WEBHOOK)).toEqual({
      allowed: true,
      headers: headers(10, 2, START_S + 60),
    });
  });

  it('refused calls consume nothing: 100 refusals, then the next windows still hold their full budgets', async () => {
    const { clock, limiter } = setup();
    for (let call = 0; call < 3; call += 1) await limiter.check(WEBHOOK);
    for (let call = 0; call < 100; call += 1) {
      clock.advance(50);
      expect((await limiter.check(WEBHOOK)).allowed).toBe(false);
    }
    clock.set(START_MS + 10_000);
    const after = [];
    for (let call = 0; call < 4; call += 1) after.push((await limiter.check(WEBHOOK)).allowed);
    expect(after).toEqual([true, true, true, false]);
    // The minute: 6 used, so 4 remain (two in each of two later 10-second windows). Remaining is
    // the burst window's (2, 1) until the minute's is smaller (1, 0).
    const last = [];
    for (const atMs of [41_000, 42_000, 51_000, 52_000]) {
      clock.set(START_MS + atMs);
      last.push((await limiter.check(WEBHOOK)).headers['X-RateLimit-Remaining']);
    }
    expect(last).toEqual(['2', '1', '1', '0']);
    clock.advance(1_000);
    expect(await limiter.check(WEBHOOK)).toMatchObject({ allowed: false, exceeded: 'minute' });
  });

  it('a refusal when both windows are spent -> Retry-After to the minute end, the later of the two', async () => {
    const { clock, limiter } = setup({
      tiers: {
        STANDARD: {
          read: { perMinute: 300 },
          write: { perMinute: 60 },
          webhook: { perMinute: 3, burstPer10s: 3 },
        },
      },
    });
    clock.set(START_MS + 1_000);
    for (let call = 0; call < 3; call += 1) await limiter.check(WEBHOOK);
    expect(await limiter.check(WEBHOOK)).toMatchObject({
      allowed: false,
      exceeded: 'minute',
      retryAfterSeconds: 59,
    });
  });

  it('categories and organizations -> independent budgets', async () => {
    const { limiter } = setup();
    for (let call = 0; call < 3; call += 1) await limiter.check(WEBHOOK);
    expect((await limiter.check(WEBHOOK)).allowed).toBe(false);
    expect(await limiter.check({ ...WEBHOOK, category: 'write' })).toEqual({
      allowed: true,
      headers: headers(60, 19, START_S + 60, 'write'),
    });
    expect(await limiter.check({ ...WEBHOOK, category: 'read' })).toEqual({
      allowed: true,
      headers: headers(300, 99, START_S + 60, 'read'),
    });
    expect(await limiter.check({ ...WEBHOOK, organizationUuid: 'org-b' })).toEqual({
      allowed: true,
      headers: headers(10, 2, START_S + 60),
    });
  });

  it('HIGH_VOLUME webhook -> 30 per minute, 10 at once, the 11th at once refused by the burst cap', async () => {
    const { limiter } = setup();
    const request: RateLimitRequest = { ...WEBHOOK, tier: 'HIGH_VOLUME' };
    const decisions = [];
    for (let call = 0; call < 11; call += 1) decisions.push(await limiter.check(request));
    expect(decisions.map((d) => d.allowed)).toEqual([...Array(10).fill(true), false]);
    expect(decisions[0]?.headers).toEqual(headers(30, 9, START_S + 60));
    expect(decisions[9]?.headers).toEqual(headers(30, 0, START_S + 60));
    expect(decisions[10]).toMatchObject({
      exceeded: 'burst',
      retryAfterSeconds: 10,
      headers: headers(30, 0, START_S + 60),
    });
  });

  it('ENTERPRISE with custom limits -> those limits', async () => {
    const { limiter } = setup({
      tiers: {
        ENTERPRISE: {
          read: { perMinute: 5000 },
          write: { perMinute: 1000 },
          webhook: { perMinute: 2, burstPer10s: 2 },
        },
      },
    });
    const request: RateLimitRequest = { ...WEBHOOK, tier: 'ENTERPRISE' };
    expect((await limiter.check(request)).headers).toEqual(headers(2, 1, START_S + 60));
    expect((await limiter.check(request)).headers).toEqual(headers(2, 0, START_S + 60));
    expect(await limiter.check(request)).toMatchObject({ allowed: false, retryAfterSeconds: 60 });
    expect(limiter.limitsOf('ENTERPRISE', 'read')).toEqual({ perMinute: 5000, burstPer10s: 1666 });
  });

  it('a clock mid-millisecond and mid-second -> Reset is the minute end, Retry-After rounds up', async () => {
    const { clock, limiter } = setup();
    clock.set(START_MS + 123_456.7);
    for (let call = 0; call < 3; call += 1) {
      expect((await limiter.check(WEBHOOK)).headers['X-RateLimit-Reset']).toBe(
        String(START_S + 180),
      );
    }
    expect(await limiter.check(WEBHOOK)).toMatchObject({ retryAfterSeconds: 7, exceeded: 'burst' });
  });

  it('a store answering each (minute, burst) refusal -> exceeded burst only when the burst cap is reached and the minute budget is not; Remaining min(minute left, burst left)', async () => {
    const cases: [number, number, 'minute' | 'burst'][] = [
      [9, 3, 'burst'],
      [10, 3, 'minute'],
      [10, 0, 'minute'],
      [9, 2, 'minute'], // neither reached (a store's own reason): the minute, the safer wait
    ];
    for (const [minute, burst, exceeded] of cases) {
      const store: RateLimitStore = {
        hit: () => Promise.resolve({ allowed: false, counts: [minute, burst] }),
      };
      const { limiter } = setup({ store });
      const decision = await limiter.check(WEBHOOK);
      expect(decision).toMatchObject({ allowed: false, exceeded });
      expect(decision.headers['X-RateLimit-Remaining']).toBe(
        String(Math.min(10 - minute, 3 - burst)),
      );
    }
  });
});

describe('RateLimiter errors', () => {
  it.each<[string, unknown, string, string]>([
    ['null options', null, 'options', 'invalid_type'],
    ['an unknown option', { clock: () => 0 }, 'clock', 'unrecognized_key'],
    ['now not a function', { now: 5 }, 'now', 'invalid_type'],
    ['a store without hit', { store: {} }, 'store', 'invalid_type'],
    ['bad tiers', { tiers: { STANDARD: 1 } }, 'tiers.STANDARD', 'invalid_type'],
  ])('new RateLimiter(%s) -> invalid_option at %s', (_, options, path, code) => {
    const error = thrown(() => new RateLimiter(options as RateLimiterOptions));
    expect(error.code).toBe('invalid_option');
    expect(error.issues[0]).toMatchObject({ path, code });
  });

  it.each<[string, unknown, string, string]>([
    ['no organization', { tier: 'STANDARD', category: 'read' }, 'organizationUuid', 'required'],
    [
      'an empty organization',
      { ...WEBHOOK, organizationUuid: '' },
      'organizationUuid',
      'too_small',
    ],
    [
      'an organization of 129 characters (the package-wide limit is 128)',
      { ...WEBHOOK, organizationUuid: 'x'.repeat(129) },
      'organizationUuid',
      'too_big',
    ],
    [
      'a numeric organization',
      { ...WEBHOOK, organizationUuid: 42 },
      'organizationUuid',
      'invalid_type',
    ],
    ['an unknown tier', { ...WEBHOOK, tier: 'GOLD' }, 'tier', 'invalid_value'],
    ['an unknown category', { ...WEBHOOK, category: 'admin' }, 'category', 'invalid_value'],
    ['a numeric category', { ...WEBHOOK, category: 1 }, 'category', 'invalid_type'],
  ])('check(%s) -> rejects with invalid_option at %s, the value not quoted', async (_, request, path, code) => {
    const { limiter } = setup();
    const error = await rejectionOf(limiter.check(request as RateLimitRequest));
    expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path, code }] });
    expect((error as Error).message).not.toMatch(/GOLD|admin|xxxx/);
  });

  it("an organization of 128 characters -> allowed (the limit agrees with the sender's)", async () => {
    const { limiter } = setup();
    const decision = await limiter.check({ ...WEBHOOK, organizationUuid: 'x'.repeat(128) });
    expect(decision.allowed).toBe(true);
  });

  it('a clock returning NaN -> rejects with invalid_option at now', async () => {
    const limiter = new RateLimiter({ now: () => Number.NaN });
    expect(await rejectionOf(limiter.check(WEBHOOK))).toMatchObject({
      code: 'invalid_option',
      issues: [{ path: 'now' }],
    });
  });

  it('a store that throws -> rejects with WebhookStorageError storage_unavailable, its error as cause', async () => {
    const cause = new Error('connection reset');
    const store: RateLimitStore = { hit: () => Promise.reject(cause) };
    const { limiter } = setup({ store });
    const error = await rejectionOf(limiter.check(WEBHOOK));
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect(error).toMatchObject({ code: 'storage_unavailable', cause });
  });

  it('a store throwing a WebhooksError -> that error as is', async () => {
    const original = new WebhookStorageError('storage_unavailable', 'down');
    const { limiter } = setup({ store: { hit: () => Promise.reject(original) } });
    expect(await rejectionOf(limiter.check(WEBHOOK))).toBe(original);
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['no counts', { allowed: true }],
    ['one count', { allowed: true, counts: [1] }],
    ['a negative count', { allowed: false, counts: [-1, 0] }],
    ['allowed not a boolean', { allowed: 1, counts: [1, 1] }],
  ])('a store answering %s -> rejects with storage_unavailable', async (_, answer) => {
    const store = { hit: () => Promise.resolve(answer) } as unknown as RateLimitStore;
    const { limiter } = setup({ store });
    expect(await rejectionOf(limiter.check(WEBHOOK))).toMatchObject({
      name: 'WebhookStorageError',
      code: 'storage_unavailable',
    });
  });

  it('the store is asked with the key <organization>:<category>, both windows and the floored time', async () => {
    const calls: unknown[] = [];
    const store: RateLimitStore = {
      hit: (key, options) => {
        calls.push({ key, ...options });
        return Promise.resolve({ allowed: true, counts: [1, 1] });
      },
    };
    const { clock, limiter } = setup({ store });
    clock.advance(1.9);
    await limiter.check(WEBHOOK);
    expect(calls).toEqual([
      {
        key: 'org-a:webhook',
        windows: [
          { windowMs: 60_000, limit: 10 },
          { windowMs: 10_000, limit: 3 },
        ],
        nowMs: START_MS + 1,
      },
    ]);
  });
});
