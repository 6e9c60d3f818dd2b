import { describe, expect, it } from 'vitest';
import { managementProblemResponse } from '../../../../src/server/internal/problem.js';
import { rateLimitedProblem } from '../../../../src/server/internal/rate-limited-problem.js';
import { thrown } from '../../../helpers/thrown.js';

const CONTEXT = { url: '/v1/webhooks', requestId: 'req_1' };

describe('rateLimitedProblem', () => {
  it('words a spent minute budget as the spec does', () => {
    expect(
      rateLimitedProblem({
        limit: 60,
        category: 'write',
        retryAfterSeconds: 12,
        exceeded: 'minute',
      }),
    ).toEqual({
      type: 'rate-limited',
      detail: '60 requests per minute for write category exceeded.',
      headers: { 'Retry-After': '12' },
    });
  });

  it('words a burst refusal with the 10-second cap', () => {
    expect(
      rateLimitedProblem({
        limit: 10,
        category: 'webhook',
        retryAfterSeconds: 3,
        exceeded: 'burst',
        burstLimit: 4,
      }),
    ).toEqual({
      type: 'rate-limited',
      detail: '4 requests per 10 seconds for webhook category exceeded.',
      headers: { 'Retry-After': '3' },
    });
  });

  it('ignores burstLimit for a minute refusal', () => {
    expect(
      rateLimitedProblem({
        limit: 600,
        category: 'read',
        retryAfterSeconds: 1,
        exceeded: 'minute',
        burstLimit: 200,
      }).detail,
    ).toBe('600 requests per minute for read category exceeded.');
  });

  it('gives a 429 with Retry-After through managementProblemResponse', async () => {
    const problem = rateLimitedProblem({
      limit: 60,
      category: 'write',
      retryAfterSeconds: 7,
      exceeded: 'minute',
    });
    const response = managementProblemResponse(problem, CONTEXT);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toMatchObject({
      type: 'https://api.novatrade24.com/problems/rate-limited',
      title: 'Rate Limit Exceeded',
      status: 429,
      detail: '60 requests per minute for write category exceeded.',
    });
  });

  const VALID = {
    limit: 60,
    category: 'write',
    retryAfterSeconds: 5,
    exceeded: 'burst',
    burstLimit: 20,
  } as const;

  it.each([
    ['limit', { limit: 0 }, 'too_small'],
    ['limit', { limit: 1.5 }, 'invalid_type'],
    ['limit', { limit: undefined }, 'invalid_type'],
    ['category', { category: 'admin' }, 'invalid_value'],
    ['category', { category: 'write category exceeded. <script>' }, 'invalid_value'],
    ['retryAfterSeconds', { retryAfterSeconds: 0 }, 'too_small'],
    ['retryAfterSeconds', { retryAfterSeconds: 86_401 }, 'too_big'],
    ['exceeded', { exceeded: 'hour' }, 'invalid_value'],
    ['burstLimit', { burstLimit: undefined }, 'required'],
    ['burstLimit', { burstLimit: -2 }, 'too_small'],
  ])('refuses a bad %s (%j) with invalid_option %s', (path, override, code) => {
    const error = thrown(() => rateLimitedProblem({ ...VALID, ...override } as never));
    expect(error.code).toBe('invalid_option');
    expect(error.issues.map((i) => [i.path, i.code])).toEqual([[path, code]]);
  });
});
