// Retries of the HTTP core: Retry-After (seconds and HTTP-date) plus jitter, exponential backoff,
// the attempt limit, the same Idempotency-Key on every retry, and no retry of other 4xx answers.
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EudrApiError } from '../../../src/client/eudr-api-error.js';
import { createHttpCore, type HttpCoreOptions } from '../../../src/client/internal/http-core.js';
import { NovatradeApiError } from '../../../src/client/novatrade-api-error.js';
import { TokenRequestError } from '../../../src/client/token-request-error.js';
import { WebhookClientError } from '../../../src/core/errors.js';

const API = 'https://api.test.example';
const TOKEN_URL = 'https://auth.test.example/token';
const PROBLEMS = 'https://api.novatrade24.com/problems/';
const NOW = Date.UTC(2026, 0, 1);
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

function problem(type: string, status: number, headers: Record<string, string> = {}) {
  return HttpResponse.json(
    { type: `${PROBLEMS}${type}`, title: type, status, detail: 'd', traceId: 'req_x' },
    { status, headers: { 'Content-Type': 'application/problem+json', ...headers } },
  );
}

/** A route that answers each request with the next of `answers` (the last one repeats). */
function route(method: 'get' | 'post', path: string, answers: readonly (() => Response)[]) {
  const requests: Request[] = [];
  server.use(
    http[method](`${API}${path}`, ({ request }) => {
      requests.push(request);
      const answer = answers[Math.min(requests.length, answers.length) - 1];
      if (answer === undefined) throw new Error('no answer');
      return answer();
    }),
  );
  return requests;
}

/** A core whose waits are recorded and take no time. */
function core(options: Partial<HttpCoreOptions> = {}) {
  const waits: number[] = [];
  const instance = createHttpCore({
    baseUrl: API,
    auth: 'tok',
    now: () => NOW,
    random: () => 0.5, // 250 ms of jitter
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  return { core: instance, waits };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const GET = { method: 'GET', path: '/v1/webhooks', errorFormat: 'problem' } as const;
const POST = {
  method: 'POST',
  path: '/v1/webhooks',
  body: { url: 'https://x.example' },
  errorFormat: 'problem',
} as const;

describe('createHttpCore: retries', () => {
  it('waits for a 429 Retry-After in seconds plus the jitter', async () => {
    const requests = route('get', '/v1/webhooks', [
      () => problem('rate-limited', 429, { 'Retry-After': '2' }),
      () => HttpResponse.json({ ok: true }),
    ]);
    const { core: c, waits } = core();
    const result = await c.request(GET);
    expect(result).toMatchObject({ data: { ok: true }, attempts: 2 });
    expect(waits).toEqual([2250]);
    expect(requests).toHaveLength(2);
  });

  it('waits for a 503 Retry-After HTTP-date on the injected clock', async () => {
    route('get', '/v1/webhooks', [
      () => problem('service-unavailable', 503, { 'Retry-After': 'Thu, 01 Jan 2026 00:00:07 GMT' }),
      () => HttpResponse.json({}),
    ]);
    const { core: c, waits } = core();
    await c.request(GET);
    expect(waits).toEqual([7250]);
  });

  it('keeps every Retry-After wait within 0-500 ms of jitter', async () => {
    for (const random of [0, 0.999_999]) {
      route('get', '/v1/webhooks', [
        () => problem('rate-limited', 429, { 'Retry-After': '1' }),
        () => HttpResponse.json({}),
      ]);
      const { core: c, waits } = core({ random: () => random });
      await c.request(GET);
      expect(waits).toEqual([random === 0 ? 1000 : 1500]);
    }
  });

  it('backs off exponentially after a 429 without Retry-After, 500, 502, 504 and network errors', async () => {
    const requests = route('get', '/v1/webhooks', [
      () => problem('rate-limited', 429),
      () => problem('internal-error', 500),
      () => new HttpResponse('<html>Bad Gateway</html>', { status: 502 }),
      () => HttpResponse.error(),
      () => new HttpResponse(null, { status: 504 }),
    ]);
    const { core: c, waits } = core();
    const failure = await failureOf(c.request(GET));
    expect(requests).toHaveLength(5);
    expect(waits).toEqual([750, 1250, 2250, 4250]);
    expect(failure).toBeInstanceOf(NovatradeApiError);
    expect(failure).toMatchObject({ status: 504, problemType: 'unknown', type: 'about:blank' });
  });

  it('throws api_unreachable with the last cause when no answer ever came', async () => {
    const requests = route('get', '/v1/webhooks', [() => HttpResponse.error()]);
    const { core: c, waits } = core({ retry: { attempts: 3 } });
    const failure = await failureOf(c.request(GET));
    expect(requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(failure).toBeInstanceOf(WebhookClientError);
    expect(failure).toMatchObject({ code: 'api_unreachable', status: undefined });
    expect((failure as Error).cause).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe(
      'GET /v1/webhooks: no answer came (the request failed on the network); check baseUrl and ' +
        'the connection.',
    );
  });

  it('sends the same Idempotency-Key on every retry of a write, a new one per call', async () => {
    const requests = route('post', '/v1/webhooks', [
      () => problem('service-unavailable', 503, { 'Retry-After': '1' }),
      () => HttpResponse.error(),
      () => problem('internal-error', 500),
      () => HttpResponse.json({ id: 'wh_1' }, { status: 201 }),
    ]);
    const { core: c } = core();
    const first = await c.request(POST);
    expect(first).toMatchObject({ status: 201, attempts: 4 });
    const keys = requests.map((r) => r.headers.get('idempotency-key'));
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    await c.request(POST);
    expect(requests[4]?.headers.get('idempotency-key')).not.toBe(keys[0]);
    await c.request({ ...POST, idempotencyKey: 'caller-key-1' });
    expect(requests[5]?.headers.get('idempotency-key')).toBe('caller-key-1');
  });

  it('puts the key a write sent on its errors, so the caller can retry it with the same key', async () => {
    const requests = route('post', '/v1/webhooks', [
      () => problem('service-unavailable', 503, { 'Retry-After': '1' }),
      () => problem('idempotency-key-in-flight', 409),
      () => HttpResponse.error(),
      () => problem('internal-error', 500),
      () => new HttpResponse('<html>', { headers: { 'Content-Type': 'text/html' } }),
    ]);
    route('get', '/v1/webhooks', [() => problem('not-found', 404)]);
    const { core: c } = core({ retry: { attempts: 2 } });
    const inFlight = await failureOf(c.request(POST)); // 503, then 409: not retried
    const unreachable = await failureOf(c.request(POST)); // no answer, then 500
    const unexpected = await failureOf(c.request(POST)); // a 2xx that is not JSON
    const read = await failureOf(c.request(GET));
    const keys = requests.map((r) => r.headers.get('idempotency-key'));
    expect(inFlight).toMatchObject({ problemType: 'idempotency-key-in-flight' });
    expect((inFlight as NovatradeApiError).idempotencyKey).toBe(keys[0]);
    expect(keys[1]).toBe(keys[0]);
    expect(unreachable).toBeInstanceOf(NovatradeApiError); // the last failure: the 500
    expect((unreachable as NovatradeApiError).idempotencyKey).toBe(keys[2]);
    expect((unexpected as WebhookClientError).idempotencyKey).toBe(keys[4]);
    expect(new Set([keys[0], keys[2], keys[4]]).size).toBe(3);
    expect(read).toMatchObject({ status: 404, idempotencyKey: undefined });
  });

  it('puts the key on api_unreachable after the last attempt of a write', async () => {
    route('post', '/v1/webhooks', [() => HttpResponse.error()]);
    const { core: c } = core({ retry: { attempts: 2 } });
    const failure = await failureOf(c.request({ ...POST, idempotencyKey: 'caller-key-3' }));
    expect(failure).toMatchObject({ code: 'api_unreachable', idempotencyKey: 'caller-key-3' });
    const generated = await failureOf(c.request(POST));
    expect((generated as WebhookClientError).idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts the key on a token failure after an attempt of the write was sent, per call', async () => {
    // Attempt 1 gets no answer (the write may have happened); before attempt 2 the token has
    // expired and its refresh is refused. Each of two concurrent writes shares that one refusal
    // (single flight) but gets an error of its own, with its own key.
    let tokenHits = 0;
    server.use(
      http.post(TOKEN_URL, () => {
        tokenHits += 1;
        return tokenHits === 1
          ? HttpResponse.json({ access_token: 'tok_1', token_type: 'Bearer', expires_in: 2 })
          : HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
      }),
    );
    const sent: (string | null)[] = [];
    const clock = { now: NOW };
    const c = createHttpCore({
      baseUrl: API,
      auth: { clientId: 'c', clientSecret: 's3cr3t-value', tokenUrl: TOKEN_URL },
      now: () => clock.now,
      sleep: async () => {
        clock.now += 5000; // past the token's expiry
      },
      fetch: async (input, init) => {
        if (String(input) === TOKEN_URL) return globalThis.fetch(input, init);
        sent.push(new Headers(init?.headers).get('idempotency-key'));
        throw new TypeError('fetch failed');
      },
    });
    const [first, second] = await Promise.all([
      failureOf(c.request(POST)),
      failureOf(c.request({ ...POST, idempotencyKey: 'caller-key-4' })),
    ]);
    expect(tokenHits).toBe(2); // the refusal was one request, shared
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1]).toBe('caller-key-4');
    for (const [failure, key] of [
      [first, sent[0]],
      [second, 'caller-key-4'],
    ] as const) {
      expect(failure).toBeInstanceOf(TokenRequestError);
      expect(failure).toMatchObject({
        code: 'token_request_failed',
        failure: 'refused',
        status: 401,
        oauthError: 'invalid_client',
        idempotencyKey: key,
      });
    }
    expect(first).not.toBe(second);
  });

  it('puts no key on a token failure before any attempt of the write was sent', async () => {
    server.use(
      http.post(TOKEN_URL, () => HttpResponse.json({ error: 'invalid_client' }, { status: 401 })),
    );
    const { core: c } = core({
      auth: { clientId: 'c', clientSecret: 's3cr3t-value', tokenUrl: TOKEN_URL },
    });
    const failure = await failureOf(c.request({ ...POST, idempotencyKey: 'caller-key-5' }));
    expect(failure).toBeInstanceOf(TokenRequestError);
    expect(failure).toMatchObject({ idempotencyKey: undefined });
  });

  it("wraps a token function's error after an attempt of the write was sent, with the key", async () => {
    const own = new Error('vault down');
    let provided = 0;
    const requests = route('post', '/v1/webhooks', [() => HttpResponse.error()]);
    const { core: c } = core({
      auth: () => (++provided === 1 ? 'fn_1' : Promise.reject(own)),
    });
    const failure = await failureOf(c.request({ ...POST, idempotencyKey: 'caller-key-6' }));
    expect(requests).toHaveLength(1);
    expect(failure).toBeInstanceOf(WebhookClientError);
    expect(failure).not.toBeInstanceOf(TokenRequestError);
    expect(failure).toMatchObject({
      code: 'token_request_failed',
      idempotencyKey: 'caller-key-6',
      cause: own,
    });
    expect((failure as Error).message).toMatch(/^POST \/v1\/webhooks: /);
    expect((failure as Error).message).not.toContain('vault down');
    // Before any attempt was sent, the function's error is the call's, unchanged.
    const before = await failureOf(
      core({ auth: () => Promise.reject(own) }).core.request({ ...POST }),
    );
    expect(before).toBe(own);
  });

  it("uses the caller's key on every retry too", async () => {
    const requests = route('post', '/v1/webhooks', [
      () => problem('internal-error', 500),
      () => HttpResponse.json({}, { status: 201 }),
    ]);
    await core().core.request({ ...POST, idempotencyKey: 'caller-key-2' });
    expect(requests.map((r) => r.headers.get('idempotency-key'))).toEqual([
      'caller-key-2',
      'caller-key-2',
    ]);
  });

  it.each([
    ['malformed-request', 400],
    ['forbidden', 403],
    ['not-found', 404],
    ['idempotency-key-in-flight', 409],
    ['invalid-state', 409],
    ['validation-error', 422],
    ['idempotency-key-reused', 422],
  ])('does not retry %s (%i)', async (type, status) => {
    const requests = route('post', '/v1/webhooks', [() => problem(type, status)]);
    const { core: c, waits } = core();
    const failure = await failureOf(c.request(POST));
    expect(failure).toMatchObject({ status, problemType: type });
    expect(requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('makes one attempt with retry: false', async () => {
    const requests = route('get', '/v1/webhooks', [
      () => problem('service-unavailable', 503, { 'Retry-After': '1' }),
    ]);
    const { core: c, waits } = core({ retry: false });
    expect(await failureOf(c.request(GET))).toMatchObject({ status: 503 });
    expect(requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('throws at once for a Retry-After over maxRetryAfterMs, with retryAfterSeconds', async () => {
    const requests = route('get', '/v1/webhooks', [
      () => problem('rate-limited', 429, { 'Retry-After': '3600' }),
    ]);
    const { core: c, waits } = core();
    const failure = await failureOf(c.request(GET));
    expect(failure).toMatchObject({
      status: 429,
      problemType: 'rate-limited',
      retryAfterSeconds: 3600,
    });
    expect(requests).toHaveLength(1);
    expect(waits).toEqual([]);
    const short = core({ retry: { maxRetryAfterMs: 0 } });
    route('get', '/v1/webhooks', [() => problem('rate-limited', 429, { 'Retry-After': '1' })]);
    expect(await failureOf(short.core.request(GET))).toMatchObject({ status: 429 });
    expect(short.waits).toEqual([]);
  });

  it('honours attempts, minDelayMs and maxDelayMs', async () => {
    const requests = route('get', '/v1/webhooks', [() => problem('internal-error', 500)]);
    const { core: c, waits } = core({
      random: () => 0,
      retry: { attempts: 4, minDelayMs: 100, maxDelayMs: 250 },
    });
    await failureOf(c.request(GET));
    expect(requests).toHaveLength(4);
    expect(waits).toEqual([100, 200, 250]);
  });

  it('retries the EUDR error format alike', async () => {
    route('get', '/api/v1/webhooks', [
      () =>
        HttpResponse.json(
          { error: 'RATE_LIMIT_EXCEEDED', message: 'm' },
          { status: 429, headers: { 'Retry-After': '4' } },
        ),
      () =>
        HttpResponse.json({ error: 'NOT_FOUND', message: 'No such resource.' }, { status: 404 }),
    ]);
    const { core: c, waits } = core();
    const failure = await failureOf(
      c.request({ method: 'GET', path: '/api/v1/webhooks', errorFormat: 'eudr' }),
    );
    expect(waits).toEqual([4250]);
    expect(failure).toBeInstanceOf(EudrApiError);
    expect(failure).toMatchObject({ status: 404, errorCode: 'NOT_FOUND' });
  });

  it('does not retry a 2xx that is not JSON (unexpected_response)', async () => {
    const requests = route('get', '/v1/webhooks', [
      () => new HttpResponse('<html>login</html>', { headers: { 'Content-Type': 'text/html' } }),
    ]);
    const failure = await failureOf(core().core.request(GET));
    expect(failure).toMatchObject({ code: 'unexpected_response', status: 200 });
    expect((failure as Error).message).not.toContain('login');
    expect(requests).toHaveLength(1);
    route('get', '/v1/webhooks', [
      () => new HttpResponse('{not json', { headers: { 'Content-Type': 'application/json' } }),
    ]);
    expect(await failureOf(core().core.request(GET))).toMatchObject({
      code: 'unexpected_response',
    });
  });

  it("retries the token endpoint's 503 and network failures under the same policy", async () => {
    let tokenHits = 0;
    server.use(
      http.post(TOKEN_URL, () => {
        tokenHits += 1;
        if (tokenHits === 1)
          return HttpResponse.json({}, { status: 503, headers: { 'Retry-After': '2' } });
        if (tokenHits === 2) return HttpResponse.error();
        return HttpResponse.json({ access_token: 'tok_ok', expires_in: 300 });
      }),
    );
    const requests = route('get', '/v1/webhooks', [() => HttpResponse.json({})]);
    const { core: c, waits } = core({
      auth: { clientId: 'c', clientSecret: 's3cr3t-value', tokenUrl: TOKEN_URL },
    });
    const result = await c.request(GET);
    expect(result.attempts).toBe(1); // one request reached the API
    expect(tokenHits).toBe(3);
    expect(waits).toEqual([2250, 1250]);
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer tok_ok');
  });

  it('does not retry a token endpoint refusal (400/401)', async () => {
    let tokenHits = 0;
    server.use(
      http.post(TOKEN_URL, () => {
        tokenHits += 1;
        return HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
      }),
    );
    const { core: c, waits } = core({
      auth: { clientId: 'c', clientSecret: 's3cr3t-value', tokenUrl: TOKEN_URL },
    });
    const failure = await failureOf(c.request(GET));
    expect(failure).toBeInstanceOf(TokenRequestError);
    expect(tokenHits).toBe(1);
    expect(waits).toEqual([]);
  });

  it('waits on real (fake) timers with the default sleep', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(NOW);
    const requests = route('get', '/v1/webhooks', [
      () => problem('rate-limited', 429, { 'Retry-After': '3' }),
      () => problem('service-unavailable', 503, { 'Retry-After': 'Thu, 01 Jan 2026 00:00:10 GMT' }),
      () => HttpResponse.json({ done: true }),
    ]);
    const c = createHttpCore({ baseUrl: API, auth: 'tok', random: () => 0.2 }); // 100 ms jitter
    const pending = c.request(GET);
    await vi.advanceTimersByTimeAsync(0);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3099);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(requests).toHaveLength(2);
    // the date is 10 s after NOW; 3.1 s have passed on the fake clock
    await vi.advanceTimersByTimeAsync(6_999);
    expect(requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(requests).toHaveLength(3);
    expect(await pending).toMatchObject({ data: { done: true }, attempts: 3 });
  });
});
