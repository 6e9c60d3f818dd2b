// Two management API instances (two senders, two createManagementApi calls) sharing one
// RedisRateLimitStore on the real Redis at 127.0.0.1:6379 share one budget per organization and
// category. The keys live under a random prefix for this file and are deleted afterwards; time is
// the shared fake clock (the APIs' `now`), so nothing waits.
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimitStore } from '../../../src/server/index.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import {
  type ApiHarness,
  createApiHarness,
  jsonOf,
  START_MS,
} from '../../helpers/management-api-harness.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const RUN_PREFIX = `novatrade24:webhooks:test:management-api:${randomUUID()}:`;

let client: Awaited<ReturnType<ReturnType<typeof createClient>['connect']>>;

beforeAll(async () => {
  client = await createClient({ url: REDIS_URL }).connect();
});

afterAll(async () => {
  const keys = (await client.sendCommand(['KEYS', `${RUN_PREFIX}*`])) as string[];
  if (keys.length > 0) await client.sendCommand(['DEL', ...keys]);
  await client.quit();
});

/** Two APIs over two senders, one Redis store under a fresh prefix, one clock. */
function twoInstances(): {
  clock: ReturnType<typeof createFakeClock>;
  apis: [ApiHarness, ApiHarness];
} {
  const clock = createFakeClock({ nowMs: START_MS });
  const store = new RedisRateLimitStore({ client, keyPrefix: `${RUN_PREFIX}${randomUUID()}:` });
  const make = () => createApiHarness({ clock, api: { rateLimit: { store } } });
  return { clock, apis: [make(), make()] };
}

describe('createManagementApi with a shared RedisRateLimitStore', () => {
  it('10 STANDARD /v1/webhooks calls alternating between two instances -> 200 each; the 11th -> 429 on either', async () => {
    const { clock, apis } = twoInstances();
    const remaining: (string | null)[] = [];
    for (let call = 0; call < 10; call += 1) {
      if (call > 0 && call % 3 === 0) clock.advance(10_000);
      const response = await apis[call % 2]?.call('GET', '/v1/webhooks');
      expect(response?.status).toBe(200);
      remaining.push(response?.headers.get('x-ratelimit-remaining') ?? null);
    }
    expect(remaining).toEqual(['2', '1', '0', '2', '1', '0', '2', '1', '0', '0']);
    for (const api of apis) {
      const refused = await api.call('GET', '/v1/webhooks');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('30');
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      expect((await jsonOf(refused)).detail).toBe(
        '10 requests per minute for webhook category exceeded.',
      );
    }
  });

  it('the burst cap is shared too: 3 calls on one instance, the 4th on the other -> 429 burst', async () => {
    const { apis } = twoInstances();
    for (let call = 0; call < 3; call += 1) {
      expect((await apis[0].call('GET', '/v1/webhooks')).status).toBe(200);
    }
    const refused = await apis[1].call('GET', '/v1/webhooks');
    expect(refused.status).toBe(429);
    expect((await jsonOf(refused)).detail).toBe(
      '3 requests per 10 seconds for webhook category exceeded.',
    );
  });

  it('organization B keeps its own budget on the shared store', async () => {
    const { apis } = twoInstances();
    for (let call = 0; call < 3; call += 1) await apis[call % 2]?.call('GET', '/v1/webhooks');
    const ofB = await apis[1].call('GET', '/v1/webhooks', { org: 'B' });
    expect(ofB.status).toBe(200);
    expect(ofB.headers.get('x-ratelimit-remaining')).toBe('2');
  });
});
