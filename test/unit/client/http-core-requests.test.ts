// The HTTP core's requests and answers: URL, headers, Idempotency-Key, body, the ApiResponse facts.
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpCore } from '../../../src/client/internal/http-core.js';
import { VERSION } from '../../../src/core/version.js';

const API = 'https://api.test.example';
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function record() {
  const requests: Request[] = [];
  const bodies: string[] = [];
  return {
    requests,
    bodies,
    async keep(request: Request) {
      requests.push(request.clone());
      bodies.push(await request.text());
    },
  };
}

describe('createHttpCore: requests', () => {
  it('sends a GET with the bearer token, Accept and User-Agent, no Idempotency-Key', async () => {
    const seen = record();
    server.use(
      http.get(`${API}/v1/webhooks`, async ({ request }) => {
        await seen.keep(request);
        return HttpResponse.json(
          { data: [] },
          {
            headers: {
              'X-Request-Id': 'req_1',
              'X-RateLimit-Limit': '60',
              'X-RateLimit-Remaining': '59',
              'X-RateLimit-Reset': '1767225660',
              'X-RateLimit-Category': 'read',
            },
          },
        );
      }),
    );
    const core = createHttpCore({ baseUrl: API, auth: 'tok_static' });
    const result = await core.request<{ data: unknown[] }>({
      method: 'GET',
      path: '/v1/webhooks',
      query: { page: 0, size: 20, status: undefined, flag: true },
      errorFormat: 'problem',
    });
    expect(result).toMatchObject({
      data: { data: [] },
      status: 200,
      requestId: 'req_1',
      idempotentReplayed: false,
      attempts: 1,
      rateLimit: { limit: 60, remaining: 59, resetSeconds: 1767225660, category: 'read' },
    });
    const [request] = seen.requests;
    expect(new URL(request?.url ?? '').search).toBe('?page=0&size=20&flag=true');
    expect(request?.headers.get('authorization')).toBe('Bearer tok_static');
    expect(request?.headers.get('accept')).toBe('application/json, application/problem+json');
    expect(request?.headers.get('user-agent')).toBe(`novatrade24-webhooks-client/${VERSION}`);
    expect(request?.headers.get('idempotency-key')).toBeNull();
    expect(request?.headers.get('content-type')).toBeNull();
    expect(result.idempotencyKey).toBeUndefined();
  });

  it('keeps a base path prefix and tolerates a trailing slash', async () => {
    const seen = record();
    server.use(
      http.delete(`${API}/prefix/api/v1/webhooks/wh_1`, async ({ request }) => {
        await seen.keep(request);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    for (const baseUrl of [`${API}/prefix/api`, `${API}/prefix/api/`]) {
      const core = createHttpCore({ baseUrl, auth: 'tok' });
      const result = await core.request({
        method: 'DELETE',
        path: '/v1/webhooks/wh_1',
        errorFormat: 'problem',
      });
      expect(result.data).toBeUndefined();
      expect(result.status).toBe(204);
    }
    expect(seen.requests).toHaveLength(2);
    for (const request of seen.requests) {
      expect(request.headers.get('idempotency-key')).toMatch(UUID);
    }
  });

  it('sends a write with a JSON body, its content type, a fresh key per call and the request id', async () => {
    const seen = record();
    server.use(
      http.patch(`${API}/v1/webhooks/wh_1`, async ({ request }) => {
        await seen.keep(request);
        return HttpResponse.json({ id: 'wh_1' }, { headers: { 'Idempotent-Replayed': 'true' } });
      }),
    );
    const core = createHttpCore({ baseUrl: API, auth: 'tok', userAgent: false });
    const call = {
      method: 'PATCH',
      path: '/v1/webhooks/wh_1',
      body: { description: 'x' },
      contentType: 'application/merge-patch+json',
      requestId: 'req_mine',
      errorFormat: 'problem',
    } as const;
    const first = await core.request(call);
    const second = await core.request(call);
    const own = await core.request({ ...call, idempotencyKey: 'my-own-key' });
    expect(first.idempotentReplayed).toBe(true);
    const keys = seen.requests.map((r) => r.headers.get('idempotency-key'));
    // The answer says which key was sent, so the caller can repeat the write with it.
    expect([first, second, own].map((r) => r.idempotencyKey)).toEqual(keys);
    expect(keys[0]).toMatch(UUID);
    expect(keys[1]).toMatch(UUID);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe('my-own-key');
    expect(seen.bodies).toEqual(Array(3).fill('{"description":"x"}'));
    for (const request of seen.requests) {
      expect(request.headers.get('content-type')).toBe('application/merge-patch+json');
      expect(request.headers.get('x-request-id')).toBe('req_mine');
      expect(request.headers.get('user-agent')).toBeNull();
    }
  });

  it('encodes the query and answers undefined for an empty 200 and a 205', async () => {
    const urls: string[] = [];
    server.use(
      http.get(`${API}/v1/x`, ({ request }) => {
        urls.push(request.url);
        return urls.length === 1
          ? new HttpResponse('', { status: 200 })
          : new HttpResponse(null, { status: 205 });
      }),
    );
    const core = createHttpCore({ baseUrl: API, auth: 'tok' });
    const call = {
      method: 'GET',
      path: '/v1/x',
      query: { since: '2026-01-01T00:00:00+01:00', sort: 'createdAt,desc' },
      errorFormat: 'problem',
    } as const;
    expect((await core.request(call)).data).toBeUndefined();
    expect((await core.request(call)).data).toBeUndefined();
    expect(new URL(urls[0] ?? '').searchParams.get('since')).toBe('2026-01-01T00:00:00+01:00');
    expect(urls[0]).toContain('since=2026-01-01T00%3A00%3A00%2B01%3A00');
  });

  it('reads a 2xx JSON body under any JSON media type, and refuses another type', async () => {
    const types = ['application/json; charset=utf-8', 'application/problem+json', 'text/plain'];
    server.use(
      http.get(`${API}/v1/x`, () =>
        HttpResponse.text('{"a":1}', { headers: { 'Content-Type': types.shift() ?? '' } }),
      ),
    );
    const core = createHttpCore({ baseUrl: API, auth: 'tok' });
    const call = { method: 'GET', path: '/v1/x', errorFormat: 'problem' } as const;
    expect((await core.request(call)).data).toEqual({ a: 1 });
    expect((await core.request(call)).data).toEqual({ a: 1 });
    await expect(core.request(call)).rejects.toMatchObject({ code: 'unexpected_response' });
  });

  it('reads at most 64 KiB of an error body and still makes the error', async () => {
    const detail = 'x'.repeat(1024 * 1024);
    server.use(
      http.get(`${API}/v1/x`, () =>
        HttpResponse.json(
          { type: 'https://api.novatrade24.com/problems/not-found', detail },
          { status: 404 },
        ),
      ),
    );
    const core = createHttpCore({ baseUrl: API, auth: 'tok' });
    const failure = await core
      .request({ method: 'GET', path: '/v1/x', errorFormat: 'problem' })
      .catch((error: unknown) => error);
    // cut off, the JSON no longer parses: the status is kept, the body is not
    expect(failure).toMatchObject({ status: 404, type: 'about:blank', detail: undefined });
  });

  it('sends no User-Agent by default in a browser page', async () => {
    const seen = record();
    server.use(
      http.get(`${API}/v1/x`, async ({ request }) => {
        await seen.keep(request);
        return HttpResponse.json({});
      }),
    );
    const scope = globalThis as { document?: unknown };
    scope.document = {};
    try {
      const core = createHttpCore({ baseUrl: API, auth: 'tok' });
      await core.request({ method: 'GET', path: '/v1/x', errorFormat: 'problem' });
    } finally {
      delete scope.document;
    }
    expect(seen.requests[0]?.headers.get('user-agent')).toBeNull();
  });
});
