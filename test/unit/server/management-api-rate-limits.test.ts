// The management API's rate limits per organization and category, on the fake clock (the API's
// `now`): STANDARD webhook calls are 10 a minute with at most 3 per 10 seconds; writes to
// /v1/events count as `write` (60 a minute). Every authenticated answer, errors included, carries
// X-RateLimit-*; a 429 carries Retry-After and consumes nothing (docs/design.md §5.34).
import { describe, expect, it } from 'vitest';
import type { Authenticate } from '../../../src/server/index.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import {
  type ApiHarness,
  CREATE_BODY,
  createApiHarness,
  headerNamesOf,
  jsonOf,
  ORG_A,
  START_MS,
} from '../../helpers/management-api-harness.js';

const BASE = 'https://api.novatrade24.com/problems/';
const MINUTE_END_S = START_MS / 1000 + 60;
const VIES = EVENT_FIXTURES['kyc.vies_check_failed'];
const PUBLISH = {
  type: VIES.type,
  data: VIES.data,
  partnerUuid: '11111111-2222-3333-4444-555555555555',
};

const limited = (api: Parameters<typeof createApiHarness>[0] = {}) =>
  createApiHarness({ ...api, api: { rateLimit: {}, ...api.api } });

function limitsOf(response: Response) {
  return {
    limit: response.headers.get('x-ratelimit-limit'),
    remaining: response.headers.get('x-ratelimit-remaining'),
    reset: response.headers.get('x-ratelimit-reset'),
    category: response.headers.get('x-ratelimit-category'),
  };
}

/** Ten allowed webhook calls: three per 10-second window, the tenth at 30 s. */
async function spendMinuteBudget(harness: ApiHarness, org: 'A' | 'B' = 'A'): Promise<Response[]> {
  const answers: Response[] = [];
  for (let call = 0; call < 10; call += 1) {
    if (call > 0 && call % 3 === 0) harness.clock.advance(10_000);
    answers.push(await harness.call('GET', '/v1/webhooks', { org }));
  }
  return answers;
}

describe('rate limits: the minute budget', () => {
  it('STANDARD: 10 /v1/webhooks calls spread over the minute -> 200 each, Remaining counting down by the tighter window', async () => {
    const harness = limited();
    const answers = await spendMinuteBudget(harness);
    expect(answers.map((response) => response.status)).toEqual(Array(10).fill(200));
    // min(10 - minute count, 3 - burst count) after each call
    expect(answers.map((response) => response.headers.get('x-ratelimit-remaining'))).toEqual([
      '2',
      '1',
      '0',
      '2',
      '1',
      '0',
      '2',
      '1',
      '0',
      '0',
    ]);
    for (const response of answers) {
      expect(limitsOf(response)).toMatchObject({
        limit: '10',
        reset: String(MINUTE_END_S),
        category: 'webhook',
      });
    }
  });

  it('STANDARD: the 11th /v1/webhooks call within the minute -> 429 rate-limited, Retry-After to the minute end, Remaining 0', async () => {
    const harness = limited();
    await spendMinuteBudget(harness);
    harness.clock.advance(400); // 30.4 s into the minute
    const response = await harness.call('GET', '/v1/webhooks');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(limitsOf(response)).toEqual({
      limit: '10',
      remaining: '0',
      reset: String(MINUTE_END_S),
      category: 'webhook',
    });
    const body = await jsonOf(response);
    expect(body).toMatchObject({
      type: `${BASE}rate-limited`,
      status: 429,
      detail: '10 requests per minute for webhook category exceeded.',
      traceId: response.headers.get('x-request-id'),
    });
  });

  it("after waiting the minute 429's Retry-After -> the next call passes with a fresh budget", async () => {
    const harness = limited();
    await spendMinuteBudget(harness);
    const refused = await harness.call('GET', '/v1/webhooks');
    harness.clock.advance(Number(refused.headers.get('retry-after')) * 1000);
    const response = await harness.call('GET', '/v1/webhooks');
    expect(response.status).toBe(200);
    expect(limitsOf(response)).toMatchObject({
      remaining: '2',
      reset: String(MINUTE_END_S + 60),
    });
  });

  it('every write category of the minute is shared: a POST /v1/webhooks counts against the webhook budget', async () => {
    const harness = limited();
    await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY });
    const response = await harness.call('GET', '/v1/webhooks');
    expect(response.headers.get('x-ratelimit-remaining')).toBe('1');
  });
});

describe('rate limits: the 10-second burst cap', () => {
  it('STANDARD: the 4th /v1/webhooks call within 10 s -> 429 with the burst detail and its own Retry-After', async () => {
    const harness = limited();
    for (let call = 0; call < 3; call += 1) {
      expect((await harness.call('GET', '/v1/webhooks')).status).toBe(200);
    }
    harness.clock.advance(2_500);
    const response = await harness.call('GET', '/v1/webhooks');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('8'); // ceil(7.5 s) to the burst window's end
    expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(response.headers.get('x-ratelimit-reset')).toBe(String(MINUTE_END_S));
    expect((await jsonOf(response)).detail).toBe(
      '3 requests per 10 seconds for webhook category exceeded.',
    );
  });

  it("after waiting the burst 429's Retry-After -> the next call passes", async () => {
    const harness = limited();
    for (let call = 0; call < 3; call += 1) await harness.call('GET', '/v1/webhooks');
    harness.clock.advance(2_500);
    const refused = await harness.call('GET', '/v1/webhooks');
    harness.clock.advance(Number(refused.headers.get('retry-after')) * 1000);
    expect((await harness.call('GET', '/v1/webhooks')).status).toBe(200);
  });

  it('a 429 consumes nothing: five refused bursts leave the minute budget whole (10 allowed, then 429)', async () => {
    const harness = limited();
    const statuses: number[] = [];
    for (let call = 0; call < 3; call += 1) {
      statuses.push((await harness.call('GET', '/v1/webhooks')).status);
    }
    for (let refused = 0; refused < 5; refused += 1) {
      expect((await harness.call('GET', '/v1/webhooks')).status).toBe(429);
    }
    for (let window = 1; window <= 3; window += 1) {
      harness.clock.advance(10_000);
      const calls = window === 3 ? 1 : 3;
      for (let call = 0; call < calls; call += 1) {
        statuses.push((await harness.call('GET', '/v1/webhooks')).status);
      }
    }
    expect(statuses).toEqual(Array(10).fill(200));
    const eleventh = await harness.call('GET', '/v1/webhooks');
    expect(eleventh.status).toBe(429);
    expect((await jsonOf(eleventh)).detail).toBe(
      '10 requests per minute for webhook category exceeded.',
    );
  });
});

describe('rate limits: headers on every authenticated answer', () => {
  it('a 404 (unknown endpoint) carries X-RateLimit-* with the webhook values', async () => {
    const response = await limited().call('GET', '/v1/webhooks/wh_missing');
    expect(response.status).toBe(404);
    expect(limitsOf(response)).toEqual({
      limit: '10',
      remaining: '2',
      reset: String(MINUTE_END_S),
      category: 'webhook',
    });
  });

  it('a 422 (unknown field) carries X-RateLimit-* and counts', async () => {
    const harness = limited();
    const response = await harness.call('POST', '/v1/webhooks', {
      body: { ...CREATE_BODY, extra: 1 },
    });
    expect(response.status).toBe(422);
    expect(limitsOf(response)).toEqual({
      limit: '10',
      remaining: '2',
      reset: String(MINUTE_END_S),
      category: 'webhook',
    });
  });

  it.each([
    ['a 405', 'PUT', '/v1/webhooks/wh_x', 405],
    ['a 400 (no Idempotency-Key)', 'DELETE', '/v1/webhooks/wh_x', 400],
    ['an unknown path (404)', 'GET', '/v2/other', 404],
  ])('%s carries X-RateLimit-*', async (_label, method, path, status) => {
    const harness = limited();
    const response = await harness.call(method, path, { key: null });
    expect(response.status).toBe(status);
    expect(response.headers.get('x-ratelimit-limit')).not.toBeNull();
    expect(response.headers.get('x-ratelimit-remaining')).not.toBeNull();
  });

  it('POST /v1/events -> category write, limit 60, Remaining 19 (the burst cap of 20)', async () => {
    const response = await limited().call('POST', '/v1/events', { body: PUBLISH });
    expect(response.status).toBe(202);
    expect(limitsOf(response)).toEqual({
      limit: '60',
      remaining: '19',
      reset: String(MINUTE_END_S),
      category: 'write',
    });
  });

  it('the write and webhook budgets are separate: 3 /v1/webhooks calls leave /v1/events untouched', async () => {
    const harness = limited();
    for (let call = 0; call < 3; call += 1) await harness.call('GET', '/v1/webhooks');
    expect((await harness.call('GET', '/v1/webhooks')).status).toBe(429);
    const response = await harness.call('POST', '/v1/events', { body: PUBLISH });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-ratelimit-remaining')).toBe('19');
  });

  it('GET /openapi.json -> no X-RateLimit-* headers and no budget spent', async () => {
    const harness = limited();
    for (let call = 0; call < 5; call += 1) {
      const response = await harness.call('GET', '/openapi.json');
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-limit')).toBeNull();
    }
    expect((await harness.call('GET', '/v1/webhooks')).headers.get('x-ratelimit-remaining')).toBe(
      '2',
    );
  });
});

describe('rate limits: tiers, organizations, and switching off', () => {
  it('HIGH_VOLUME -> X-RateLimit-Limit 30, and the 4th call within 10 s passes', async () => {
    const authenticate: Authenticate = async () => ({
      organizationUuid: ORG_A,
      tier: 'HIGH_VOLUME',
    });
    const harness = limited({ api: { authenticate } });
    const answers: Response[] = [];
    for (let call = 0; call < 4; call += 1) answers.push(await harness.call('GET', '/v1/webhooks'));
    expect(answers.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    expect(limitsOf(answers[3] as Response)).toMatchObject({ limit: '30', remaining: '6' });
  });

  it('two organizations have separate budgets: A refused at its 4th call, B still passes with Remaining 2', async () => {
    const harness = limited();
    for (let call = 0; call < 3; call += 1) await harness.call('GET', '/v1/webhooks');
    expect((await harness.call('GET', '/v1/webhooks')).status).toBe(429);
    const ofB = await harness.call('GET', '/v1/webhooks', { org: 'B' });
    expect(ofB.status).toBe(200);
    expect(ofB.headers.get('x-ratelimit-remaining')).toBe('2');
  });

  it('custom tiers: STANDARD webhook perMinute 2 -> the 3rd call is 429 with the minute detail', async () => {
    const harness = limited({
      api: {
        rateLimit: {
          tiers: {
            STANDARD: {
              read: { perMinute: 300 },
              write: { perMinute: 60 },
              webhook: { perMinute: 2, burstPer10s: 2 },
            },
          },
        },
      },
    });
    await harness.call('GET', '/v1/webhooks');
    expect((await harness.call('GET', '/v1/webhooks')).headers.get('x-ratelimit-limit')).toBe('2');
    const third = await harness.call('GET', '/v1/webhooks');
    expect(third.status).toBe(429);
    expect((await jsonOf(third)).detail).toBe(
      '2 requests per minute for webhook category exceeded.',
    );
  });

  it('rateLimit: false -> no X-RateLimit-* on 200, 404 or 422, and no 429 after 20 calls', async () => {
    const harness = createApiHarness({ api: { rateLimit: false } });
    const answers = [
      await harness.call('GET', '/v1/webhooks'),
      await harness.call('GET', '/v1/webhooks/wh_missing'),
      await harness.call('POST', '/v1/webhooks', { body: { ...CREATE_BODY, extra: 1 } }),
    ];
    expect(answers.map((response) => response.status)).toEqual([200, 404, 422]);
    for (let call = 0; call < 20; call += 1)
      answers.push(await harness.call('GET', '/v1/webhooks'));
    for (const response of answers) {
      expect(response.status).not.toBe(429);
      expect(headerNamesOf(response).filter((name) => name.startsWith('x-ratelimit-'))).toEqual([]);
    }
  });
});
