// Properties of the management API mock's parsers of outside input and of its fault queue: the
// token endpoint (form bodies, HTTP Basic client authentication) answers every request with one of
// Keycloak's answers and never echoes a credential; a Basic header built as RFC 6749 §2.3.1 says
// authenticates any client id and secret; a fault answers exactly the next `times` matching
// requests; only a fault naming the token endpoint ever answers it; a simulated 429 always carries
// a consistent Retry-After and X-RateLimit-* set, and a token-endpoint fault an OAuth2 error (or a
// gateway's text) with the documented Retry-After.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { managementProblemResponse } from '../../../src/server/internal/problem.js';
import { DEFAULT_WEBHOOK_PREFIXES } from '../../../src/server/internal/rate-limit/rate-limit-policy.js';
import {
  createMockFaultQueue,
  faultResponse,
  MOCK_FAULT_STATUSES,
  tokenFaultResponse,
} from '../../../src/testing/internal/mock-faults.js';
import { createMockTokenEndpoint } from '../../../src/testing/internal/mock-token-endpoint.js';

const CLIENT = { clientId: 'client-a', clientSecret: 'secret-a-0123456789' };
const ORG = 'org-a';
const ERRORS = new Set(['invalid_request', 'invalid_client', 'unsupported_grant_type']);

function endpointWith(clientId = CLIENT.clientId, clientSecret = CLIENT.clientSecret) {
  return createMockTokenEndpoint({
    clients: [{ clientId, clientSecret, caller: { organizationUuid: ORG, tier: 'STANDARD' } }],
    lifetimeSeconds: 300,
    now: () => 0,
  });
}

// RFC 6749 §2.3.1: each part form-urlencoded, joined by `:`, the UTF-8 bytes in base64.
function basic(id: string, secret: string): string {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  const bytes = new TextEncoder().encode(`${encode(id)}:${encode(secret)}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

const field = fc.option(
  fc.oneof(
    fc.string(),
    fc.constantFrom('client_credentials', CLIENT.clientId, CLIENT.clientSecret),
  ),
  { nil: undefined },
);

describe('mock token endpoint (properties)', () => {
  it('answers any request 200, 400, 401 or 405 in Keycloak shape; 200 only for the client with client_credentials', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT'),
          contentType: fc.option(
            fc.constantFrom(
              'application/x-www-form-urlencoded',
              'application/x-www-form-urlencoded; charset=UTF-8',
              'application/json',
              'text/plain',
            ),
            { nil: undefined },
          ),
          grantType: field,
          clientId: field,
          clientSecret: field,
          extra: fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { maxKeys: 3 }),
          authorization: fc.option(
            fc.oneof(
              fc.string(),
              fc.string().map((s) => `Basic ${s}`),
            ),
            { nil: undefined },
          ),
        }),
        async (input) => {
          const form = new URLSearchParams(input.extra);
          if (input.grantType !== undefined) form.set('grant_type', input.grantType);
          if (input.clientId !== undefined) form.set('client_id', input.clientId);
          if (input.clientSecret !== undefined) form.set('client_secret', input.clientSecret);
          const headers = new Headers();
          if (input.contentType !== undefined) headers.set('content-type', input.contentType);
          try {
            if (input.authorization !== undefined)
              headers.set('authorization', input.authorization);
          } catch {
            // not a header value: sent without it
          }
          const request = new Request('https://auth.test/token', {
            method: input.method,
            headers,
            ...(input.method === 'GET' ? {} : { body: form.toString() }),
          });
          const endpoint = endpointWith();
          const response = await endpoint.handle(request);
          expect([200, 400, 401, 405]).toContain(response.status);
          const isForm =
            input.contentType?.startsWith('application/x-www-form-urlencoded') === true;
          const viaForm =
            input.clientId === CLIENT.clientId && input.clientSecret === CLIENT.clientSecret;
          const hasBasic = /^Basic +[A-Za-z0-9+/]+=*$/i.test(headers.get('authorization') ?? '');
          if (response.status === 405) {
            expect(input.method).not.toBe('POST');
            return;
          }
          const body = (await response.json()) as Record<string, unknown>;
          if (response.status === 200) {
            expect(isForm && input.grantType === 'client_credentials').toBe(true);
            expect(viaForm || hasBasic).toBe(true);
            expect(endpoint.callerOf(String(body.access_token))).toEqual({
              organizationUuid: ORG,
              tier: 'STANDARD',
            });
          } else {
            expect(ERRORS.has(String(body.error))).toBe(true);
            expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
            // fixed words: never the secret or any other sent value
            expect(String(body.error_description)).toMatch(
              /^(Send the parameters form-encoded\.|Missing form parameter: grant_type|Invalid client or Invalid client credentials|Unsupported grant_type)$/,
            );
            if (isForm && input.grantType === 'client_credentials' && viaForm && !hasBasic) {
              expect.unreachable('the client with its secret was refused');
            }
          }
          expect(endpoint.requests).toHaveLength(1);
          expect(endpoint.requests[0]?.status).toBe(response.status);
        },
      ),
    );
  });

  it('HTTP Basic built as RFC 6749 says authenticates any client id and secret; another secret does not', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 1 }),
        fc.string({ unit: 'grapheme', minLength: 1 }),
        async (id, secret) => {
          const endpoint = endpointWith(id, secret);
          const ask = (authorization: string) =>
            endpoint.handle(
              new Request('https://auth.test/token', {
                method: 'POST',
                headers: { authorization },
                body: new URLSearchParams({ grant_type: 'client_credentials' }),
              }),
            );
          expect((await ask(basic(id, secret))).status).toBe(200);
          expect(endpoint.requests[0]?.clientId).toBe(id);
          expect((await ask(basic(id, `${secret}x`))).status).toBe(401);
        },
      ),
    );
  });

  it('a token lives exactly lifetimeSeconds on the clock', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 86_400 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        async (lifetimeSeconds, startMs) => {
          let nowMs = startMs;
          const endpoint = createMockTokenEndpoint({
            clients: [{ ...CLIENT, caller: { organizationUuid: ORG } }],
            lifetimeSeconds,
            now: () => nowMs,
          });
          const response = await endpoint.handle(
            new Request('https://auth.test/token', {
              method: 'POST',
              body: new URLSearchParams({ grant_type: 'client_credentials', ...toForm(CLIENT) }),
            }),
          );
          const { access_token, expires_in } = (await response.json()) as {
            access_token: string;
            expires_in: number;
          };
          expect(expires_in).toBe(lifetimeSeconds);
          nowMs = startMs + lifetimeSeconds * 1000 - 1;
          expect(endpoint.callerOf(access_token)).not.toBeNull();
          nowMs += 1;
          expect(endpoint.callerOf(access_token)).toBeNull();
        },
      ),
      { numRuns: 50 },
    );
  });
});

function toForm(client: typeof CLIENT): Record<string, string> {
  return { client_id: client.clientId, client_secret: client.clientSecret };
}

describe('mock faults (properties)', () => {
  it('a fault matching POST answers exactly the next `times` POSTs, whatever comes between', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE'), { maxLength: 20 }),
        (times, methods) => {
          const queue = createMockFaultQueue();
          queue.add({ status: 503, times, match: { method: 'post' } });
          const faulted = methods.map(
            (method) => queue.take('management', method, '/v1/webhooks') !== undefined,
          );
          const posts = methods.flatMap((method, index) => (method === 'POST' ? [index] : []));
          const expected = methods.map((_, index) => posts.slice(0, times).includes(index));
          expect(faulted).toEqual(expected);
        },
      ),
    );
  });

  it("only a fault with match.api 'token' answers the token endpoint, and it answers nothing else", () => {
    const target = fc.constantFrom('management' as const, 'eudr' as const, 'token' as const);
    fc.assert(
      fc.property(
        fc.array(fc.option(target, { nil: undefined }), { minLength: 1, maxLength: 6 }),
        fc.array(target, { maxLength: 12 }),
        (faultApis, requests) => {
          const queue = createMockFaultQueue();
          for (const [index, api] of faultApis.entries()) {
            queue.add({
              status: 503,
              retryAfterSeconds: index + 1,
              ...(api === undefined ? {} : { match: { api } }),
            });
          }
          for (const api of requests) {
            const fault = queue.take(api, 'POST', api === 'token' ? '/' : '/v1/webhooks');
            if (fault === undefined) continue;
            const named = faultApis[(fault.retryAfterSeconds as number) - 1];
            if (api === 'token') expect(named).toBe('token');
            else expect(named === undefined || named === api).toBe(true);
          }
        },
      ),
    );
  });

  it('a token-endpoint fault answers its status with an OAuth2 error or gateway text, Retry-After as documented', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...MOCK_FAULT_STATUSES),
        fc.integer({ min: 0, max: 2 ** 42 }),
        fc.option(fc.integer({ min: 1, max: 86_400 }), { nil: undefined }),
        async (status, nowMs, retryAfterSeconds) => {
          const response = tokenFaultResponse({ status, retryAfterSeconds }, nowMs);
          expect(response.status).toBe(status);
          const toMinuteEnd = Math.ceil((60_000 - (nowMs % 60_000)) / 1000);
          const expected =
            retryAfterSeconds ?? { 429: toMinuteEnd, 503: 10 }[status as 429 | 503] ?? null;
          expect(response.headers.get('retry-after')).toBe(
            expected === null ? null : String(expected),
          );
          if (status === 502 || status === 504) {
            expect(await response.text()).toBe(status === 502 ? 'Bad Gateway' : 'Gateway Timeout');
            return;
          }
          expect(response.headers.get('cache-control')).toBe('no-store');
          const body = (await response.json()) as Record<string, unknown>;
          expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
          expect(body.error).toBe(status === 500 ? 'server_error' : 'temporarily_unavailable');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a simulated 429 carries Retry-After up to the minute boundary and a consistent X-RateLimit-* set', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 42 }),
        fc.option(fc.integer({ min: 1, max: 86_400 }), { nil: undefined }),
        fc.constantFrom('GET', 'POST', 'DELETE'),
        fc.constantFrom('/v1/webhooks', '/v1/webhooks/wh_1', '/v1/events', '/v1/other'),
        async (nowMs, retryAfterSeconds, method, path) => {
          const response = faultResponse(
            { status: 429, retryAfterSeconds },
            {
              request: new Request(`https://api.test${path}`, { method }),
              path,
              render: managementProblemResponse,
              webhookPrefixes: DEFAULT_WEBHOOK_PREFIXES,
              perMinuteOf: (category) => ({ read: 300, write: 60, webhook: 10 })[category],
              nowMs,
            },
          );
          const reset = Number(response.headers.get('x-ratelimit-reset'));
          expect(reset * 1000 > nowMs && reset * 1000 - nowMs <= 60_000).toBe(true);
          expect((reset * 1000) % 60_000).toBe(0);
          const retryAfter = Number(response.headers.get('retry-after'));
          expect(retryAfter).toBe(retryAfterSeconds ?? Math.ceil((reset * 1000 - nowMs) / 1000));
          expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
          const category = response.headers.get('x-ratelimit-category');
          const limit = response.headers.get('x-ratelimit-limit');
          const body = (await response.json()) as { detail: string; status: number };
          expect(body.status).toBe(429);
          expect(body.detail).toBe(
            `${limit} requests per minute for ${category} category exceeded.`,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
