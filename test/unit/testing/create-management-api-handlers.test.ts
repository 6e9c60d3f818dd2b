// createManagementApiHandlers through msw as a consumer's test uses it: `setupServer` from
// 'msw/node' (imported here, ESM) over handlers the mock built with the msw it loads through
// require, and plain `fetch`. Every answer of a documented route is checked against the OpenAPI
// document the mock serves (the server's own), faulted answers included.

import { createRequire } from 'node:module';
import { http as eshttp } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSampleEvent } from '../../../src/core/catalog/sample-events.js';
import { isWebhooksError } from '../../../src/core/errors.js';
import { verifyNovatradeSignature } from '../../../src/index.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import {
  apiKeyAuthenticator,
  createManagementApi,
  MemoryRateLimitStore,
} from '../../../src/server/index.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import {
  createManagementApiHandlers,
  type ManagementApiMock,
  type ManagementApiMockOptions,
  TEST_API_KEY,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TEST_EUDR_API_KEY,
  TEST_ORGANIZATION_UUID,
} from '../../../src/testing/create-management-api-handlers.js';
import { createRecordingTransport } from '../../../src/testing/create-recording-transport.js';
import { createCheckedFetch } from '../../helpers/openapi-response-validator.js';
import { thrown } from '../../helpers/thrown.js';

const BASE = 'https://api.novatrade24.com';
const TOKEN_URL = 'https://auth.novatrade24.com/realms/nt24-idp/protocol/openid-connect/token';
const START_MS = Date.UTC(2026, 0, 1);
const HOOK = { url: 'https://partner.example/hook', events: ['kyc.*'] };
const KYC = createSampleEvent('kyc.verification_completed');
const PARTNER = '11111111-2222-3333-4444-555555555555';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

// The document is the server's: one for every mock, compared once below.
const document = createManagementApi(new WebhookSender({ transport: createRecordingTransport() }), {
  authenticate: apiKeyAuthenticator([{ token: TEST_API_KEY, organizationUuid: 'o' }]),
  logger: 'silent',
}).openApiDocument();
const checkedFetch = createCheckedFetch(
  { fetch: (request) => fetch(request), openApiDocument: () => document },
  { problemsOutsideOperations: true },
);

let keyCounter = 0;

function mockWith(options: ManagementApiMockOptions = {}): ManagementApiMock {
  const mock = createManagementApiHandlers({
    clock: createFakeClock({ nowMs: START_MS }),
    ...options,
  });
  server.resetHandlers(...mock.handlers);
  return mock;
}

function tokenRequest(fields: Record<string, string>, init: RequestInit = {}): Promise<Response> {
  return fetch(TOKEN_URL, { method: 'POST', body: new URLSearchParams(fields), ...init });
}

async function issueToken(): Promise<string> {
  const response = await tokenRequest({
    grant_type: 'client_credentials',
    client_id: TEST_CLIENT_ID,
    client_secret: TEST_CLIENT_SECRET,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

interface CallOptions {
  readonly token?: string | null;
  readonly body?: unknown;
  readonly key?: string;
  readonly base?: string;
  readonly checked?: boolean;
}

function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers = new Headers();
  const token = options.token === undefined ? TEST_API_KEY : options.token;
  if (token !== null) headers.set('authorization', `Bearer ${token}`);
  if (!['GET', 'HEAD'].includes(method)) {
    keyCounter += 1;
    headers.set('idempotency-key', options.key ?? `key-${keyCounter}`);
  }
  if (options.body !== undefined) headers.set('content-type', 'application/json');
  const request = new Request(`${options.base ?? BASE}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return options.checked === false ? fetch(request) : checkedFetch(request);
}

/**
 * Lets the event loop turn (with `setImmediate`, which the tests' fake timers leave real) until
 * `condition` holds; fails when it does not within 1000 turns.
 */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000 && !condition(); turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(condition()).toBe(true);
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

describe('createManagementApiHandlers: the token endpoint', () => {
  it('issues a Keycloak-shaped token for client credentials, form-encoded or HTTP Basic', async () => {
    const mock = mockWith();
    const response = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: TEST_CLIENT_ID,
      client_secret: TEST_CLIENT_SECRET,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await json(response);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^[\w.-]{32,}$/),
      expires_in: 300,
      refresh_expires_in: 0,
      token_type: 'Bearer',
      'not-before-policy': 0,
      scope: 'profile email',
    });

    const basic = btoa(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`);
    const viaBasic = await tokenRequest(
      { grant_type: 'client_credentials' },
      { headers: { authorization: `Basic ${basic}` } },
    );
    expect(viaBasic.status).toBe(200);
    const second = await json(viaBasic);
    expect(second.access_token).not.toBe(body.access_token);
    expect(mock.tokenRequests).toEqual([
      {
        clientId: TEST_CLIENT_ID,
        grantType: 'client_credentials',
        status: 200,
        faulted: false,
        aborted: false,
        atMs: START_MS,
      },
      {
        clientId: TEST_CLIENT_ID,
        grantType: 'client_credentials',
        status: 200,
        faulted: false,
        aborted: false,
        atMs: START_MS,
      },
    ]);
  });

  it('refuses as Keycloak does: 401 invalid_client, 400 unsupported_grant_type or invalid_request, 405', async () => {
    const mock = mockWith({ tokenLifetimeSeconds: 60 });
    const cases: [() => Promise<Response>, number, string | null][] = [
      [
        () =>
          tokenRequest({
            grant_type: 'client_credentials',
            client_id: TEST_CLIENT_ID,
            client_secret: 'wrong',
          }),
        401,
        'invalid_client',
      ],
      [
        () =>
          tokenRequest({
            grant_type: 'client_credentials',
            client_id: 'nobody',
            client_secret: 'x',
          }),
        401,
        'invalid_client',
      ],
      [() => tokenRequest({ grant_type: 'client_credentials' }), 401, 'invalid_client'],
      [
        () =>
          tokenRequest({
            grant_type: 'password',
            client_id: TEST_CLIENT_ID,
            client_secret: TEST_CLIENT_SECRET,
          }),
        400,
        'unsupported_grant_type',
      ],
      [
        () => tokenRequest({ client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET }),
        400,
        'invalid_request',
      ],
      [
        () =>
          fetch(TOKEN_URL, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ grant_type: 'client_credentials' }),
          }),
        400,
        'invalid_request',
      ],
      [() => fetch(TOKEN_URL), 405, null],
    ];
    for (const [send, status, error] of cases) {
      const response = await send();
      expect(response.status).toBe(status);
      if (error === null) continue;
      const body = await json(response);
      expect(body.error).toBe(error);
      expect(typeof body.error_description).toBe('string');
      // never echoes the secret that was sent
      expect(JSON.stringify(body)).not.toContain('wrong');
    }
    expect(mock.tokenRequests.map((r) => r.status)).toEqual([401, 401, 401, 400, 400, 400, 405]);
    // 405 offers only what is answered: OPTIONS itself is a 405 too
    for (const method of ['GET', 'OPTIONS']) {
      const refused = await fetch(TOKEN_URL, { method });
      expect([refused.status, refused.headers.get('allow')]).toEqual([405, 'POST']);
    }
  });
});

describe('createManagementApiHandlers: the API', () => {
  it('serves every route of the real API with an issued token: create 201, get 200, list, delete 204', async () => {
    const mock = mockWith();
    const token = await issueToken();
    const created = await call('POST', '/v1/webhooks', { token, body: HOOK });
    expect(created.status).toBe(201);
    const endpoint = await json(created);
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(endpoint.organizationUuid).toBe(TEST_ORGANIZATION_UUID);
    expect(created.headers.get('location')).toBe(`/v1/webhooks/${endpoint.id}`);
    expect(created.headers.get('x-request-id')).toMatch(/^req_/);

    const got = await call('GET', `/v1/webhooks/${endpoint.id}`, { token });
    expect(got.status).toBe(200);
    expect((await json(got)).secret).toBeUndefined();
    const list = await call('GET', '/v1/webhooks', { token });
    expect(((await list.json()) as unknown[]).length).toBe(1);
    // the same organization through the static API key
    expect((await call('DELETE', `/v1/webhooks/${endpoint.id}`)).status).toBe(204);
    expect(await mock.sender.listEndpoints(TEST_ORGANIZATION_UUID)).toEqual([]);
    expect(mock.requests.map((r) => [r.method, r.path, r.status, r.faulted])).toEqual([
      ['POST', '/v1/webhooks', 201, false],
      ['GET', `/v1/webhooks/${endpoint.id}`, 200, false],
      ['GET', '/v1/webhooks', 200, false],
      ['DELETE', `/v1/webhooks/${endpoint.id}`, 204, false],
    ]);
    expect(mock.requests[0]?.idempotencyKey).toMatch(/^key-/);
  });

  it('an issued token expires after tokenLifetimeSeconds on the mock clock: then the server 401', async () => {
    const clock = createFakeClock({ nowMs: START_MS });
    mockWith({ clock });
    const token = await issueToken();
    clock.advance(299_999);
    expect((await call('GET', '/v1/webhooks', { token })).status).toBe(200);
    clock.advance(1);
    const expired = await call('GET', '/v1/webhooks', { token });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await json(expired)).toMatchObject({
      type: 'https://api.novatrade24.com/problems/unauthorized',
      status: 401,
    });
    // a new token works again
    expect((await call('GET', '/v1/webhooks', { token: await issueToken() })).status).toBe(200);
  });

  it('static API keys: the default one, custom ones, and none', async () => {
    mockWith();
    expect((await call('GET', '/v1/webhooks')).status).toBe(200);
    expect((await call('GET', '/v1/webhooks', { token: 'nt24_test_unknown_key_000' })).status).toBe(
      401,
    );
    expect((await call('GET', '/v1/webhooks', { token: null })).status).toBe(401);

    mockWith({
      apiKeys: [{ token: 'org_b_key_0123456789abcdef', organizationUuid: 'org-b' }],
      clients: [{ clientId: 'c-b', clientSecret: 's-b', organizationUuid: 'org-b' }],
    });
    expect((await call('GET', '/v1/webhooks')).status).toBe(401);
    const b = await call('POST', '/v1/webhooks', {
      token: 'org_b_key_0123456789abcdef',
      body: HOOK,
    });
    expect((await json(b)).organizationUuid).toBe('org-b');
    const viaClient = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'c-b',
      client_secret: 's-b',
    });
    const { access_token } = (await viaClient.json()) as { access_token: string };
    const listed = await call('GET', '/v1/webhooks', { token: access_token });
    expect(((await listed.json()) as unknown[]).length).toBe(1);

    mockWith({ apiKeys: [] });
    expect((await call('GET', '/v1/webhooks')).status).toBe(401);
  });

  it('serves the OpenAPI document of the real API at GET /openapi.json, without credentials', async () => {
    mockWith();
    const response = await call('GET', '/openapi.json', { token: null });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(document);
  });

  it('a base URL with a path: the API answers below it', async () => {
    const mock = mockWith({ baseUrl: 'https://gateway.example.test/nt24/' });
    expect(mock.baseUrl).toBe('https://gateway.example.test/nt24');
    const created = await call('POST', '/v1/webhooks', {
      body: HOOK,
      base: mock.baseUrl,
      checked: false,
    });
    expect(created.status).toBe(201);
    expect(mock.requests[0]?.path).toBe('/v1/webhooks');
    const missing = await call('GET', '/v1/webhooks/nope', { base: mock.baseUrl, checked: false });
    expect((await json(missing)).instance).toBe('/v1/webhooks/nope');
  });
});

describe('createManagementApiHandlers: failNext', () => {
  it('429: the rate-limited problem with Retry-After and X-RateLimit-*, then the API again', async () => {
    const clock = createFakeClock({ nowMs: START_MS + 15_000 });
    const mock = mockWith({ clock });
    mock.failNext({ status: 429 });
    const refused = await call('POST', '/v1/webhooks', { body: HOOK });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.headers.get('retry-after')).toBe('45');
    expect(refused.headers.get('x-ratelimit-limit')).toBe('10');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('x-ratelimit-reset')).toBe(String((START_MS + 60_000) / 1000));
    expect(refused.headers.get('x-ratelimit-category')).toBe('webhook');
    expect(refused.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await json(refused)).toEqual({
      type: 'https://api.novatrade24.com/problems/rate-limited',
      title: 'Rate Limit Exceeded',
      status: 429,
      detail: '10 requests per minute for webhook category exceeded.',
      instance: '/v1/webhooks',
      traceId: refused.headers.get('x-request-id'),
    });
    // the faulted write reached nothing
    expect(await mock.sender.listEndpoints(TEST_ORGANIZATION_UUID)).toEqual([]);
    expect((await call('POST', '/v1/webhooks', { body: HOOK })).status).toBe(201);
    expect(mock.requests.map((r) => [r.status, r.faulted])).toEqual([
      [429, true],
      [201, false],
    ]);

    mock.failNext({ status: 429, retryAfterSeconds: 7 });
    const events = await call('POST', '/v1/events', {
      body: { type: KYC.type, data: KYC.data, partnerUuid: PARTNER },
      checked: false,
    });
    expect(events.headers.get('retry-after')).toBe('7');
    expect(events.headers.get('x-ratelimit-limit')).toBe('60');
    expect((await json(events)).detail).toBe('60 requests per minute for write category exceeded.');
  });

  it('503 twice for POST /v1/webhooks only; 500; a route template and a RegExp as match', async () => {
    const mock = mockWith();
    mock.failNext({ status: 503, times: 2, match: { method: 'post', path: '/v1/webhooks' } });
    expect((await call('GET', '/v1/webhooks')).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const unavailable = await call('POST', '/v1/webhooks', { body: HOOK, key: 'same-key' });
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get('retry-after')).toBe('10');
      expect(await json(unavailable)).toMatchObject({
        type: 'https://api.novatrade24.com/problems/service-unavailable',
        detail: 'Storage is temporarily unavailable; retry after the Retry-After delay.',
      });
    }
    const created = await call('POST', '/v1/webhooks', { body: HOOK, key: 'same-key' });
    expect(created.status).toBe(201);
    const { id } = await json(created);
    expect(mock.requests.map((r) => r.idempotencyKey)).toEqual([
      null,
      'same-key',
      'same-key',
      'same-key',
    ]);

    mock.failNext({ status: 500, match: { path: '/v1/webhooks/{id}' } });
    expect((await call('GET', '/v1/webhooks')).status).toBe(200);
    const failed = await call('GET', `/v1/webhooks/${id}`);
    expect(failed.status).toBe(500);
    expect(await json(failed)).toMatchObject({
      type: 'https://api.novatrade24.com/problems/internal-error',
      detail: 'An unexpected error occurred; quote the traceId when reporting it.',
    });
    expect(failed.headers.get('retry-after')).toBeNull();

    mock.failNext({ status: 503, retryAfterSeconds: 3, match: { path: /\/deliveries$/ } });
    const history = await call('GET', `/v1/webhooks/${id}/deliveries`);
    expect(history.status).toBe(503);
    expect(history.headers.get('retry-after')).toBe('3');
    expect((await call('GET', `/v1/webhooks/${id}/deliveries`)).status).toBe(200);
  });

  it('502 and 504 are a gateway answer (text, no problem); faults queue oldest first; Infinity lasts until reset', async () => {
    const mock = mockWith();
    mock.failNext({ status: 502 });
    mock.failNext({ status: 504, retryAfterSeconds: 2 });
    const bad = await call('GET', '/v1/webhooks', { checked: false });
    expect([bad.status, bad.headers.get('content-type'), await bad.text()]).toEqual([
      502,
      'text/plain; charset=utf-8',
      'Bad Gateway',
    ]);
    expect(bad.headers.get('x-request-id')).toBeNull();
    const timeout = await call('GET', '/v1/webhooks', { checked: false });
    expect([timeout.status, timeout.headers.get('retry-after'), await timeout.text()]).toEqual([
      504,
      '2',
      'Gateway Timeout',
    ]);
    expect((await call('GET', '/v1/webhooks')).status).toBe(200);

    mock.failNext({ status: 503, times: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 3; i++) expect((await call('GET', '/v1/webhooks')).status).toBe(503);
    mock.reset();
    expect((await call('GET', '/v1/webhooks')).status).toBe(200);
  });

  it("the token endpoint only for match: { api: 'token' }, answered in OAuth2 words or a gateway's", async () => {
    const clock = createFakeClock({ nowMs: START_MS + 15_000 });
    const mock = mockWith({ clock });
    const credentials = {
      grant_type: 'client_credentials',
      client_id: TEST_CLIENT_ID,
      client_secret: TEST_CLIENT_SECRET,
    };
    // a fault that names no API is the next API call's, never the token endpoint's
    mock.failNext({ status: 503 });
    expect((await tokenRequest(credentials)).status).toBe(200);
    expect((await call('GET', '/v1/webhooks')).status).toBe(503);

    mock.failNext({ status: 503, match: { api: 'token' } });
    expect((await call('GET', '/v1/webhooks')).status).toBe(200);
    const unavailable = await tokenRequest(credentials);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('10');
    expect(unavailable.headers.get('cache-control')).toBe('no-store');
    expect(await json(unavailable)).toEqual({
      error: 'temporarily_unavailable',
      error_description: expect.any(String),
    });
    expect((await tokenRequest(credentials)).status).toBe(200);

    mock.failNext({ status: 429, match: { api: 'token' } });
    const limited = await tokenRequest(credentials);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '45']);
    expect((await json(limited)).error).toBe('temporarily_unavailable');
    mock.failNext({ status: 500, match: { api: 'token' } });
    const failed = await tokenRequest(credentials);
    expect([failed.status, failed.headers.get('retry-after')]).toEqual([500, null]);
    expect((await json(failed)).error).toBe('server_error');
    mock.failNext({ status: 504, retryAfterSeconds: 2, match: { api: 'token' } });
    const timeout = await tokenRequest(credentials);
    expect([timeout.status, timeout.headers.get('retry-after'), await timeout.text()]).toEqual([
      504,
      '2',
      'Gateway Timeout',
    ]);
    // match.method narrows it as for the APIs
    mock.failNext({ status: 502, match: { api: 'token', method: 'GET' } });
    expect((await tokenRequest(credentials)).status).toBe(200);
    expect((await fetch(TOKEN_URL)).status).toBe(502);

    expect(mock.tokenRequests.map((r) => [r.status, r.faulted, r.clientId])).toEqual([
      [200, false, TEST_CLIENT_ID],
      [503, true, null],
      [200, false, TEST_CLIENT_ID],
      [429, true, null],
      [500, true, null],
      [504, true, null],
      [200, false, TEST_CLIENT_ID],
      [502, true, null],
    ]);
    expect(mock.requests.map((r) => [r.status, r.faulted])).toEqual([
      [503, true],
      [200, false],
    ]);
  });

  it('refuses a fault it cannot answer, naming the field', () => {
    const mock = mockWith();
    const cases: [unknown, string][] = [
      [{ status: 404 }, 'status'],
      [{ status: 503, times: 0 }, 'times'],
      [{ status: 503, times: 1.5 }, 'times'],
      [{ status: 429, retryAfterSeconds: 0 }, 'retryAfterSeconds'],
      [{ status: 503, match: { path: 'v1/webhooks' } }, 'match.path'],
      [{ status: 503, match: { method: 'GET /x' } }, 'match.method'],
      [{ status: 503, match: { api: 'other' } }, 'match.api'],
      [{ status: 503, match: { api: 'token', path: '/token' } }, 'match.path'],
      [{ status: 503, tmies: 2 }, 'tmies'],
      [null, 'fault'],
    ];
    for (const [fault, path] of cases) {
      const error = thrown(() => mock.failNext(fault as never));
      expect(isWebhooksError(error) && error.code).toBe('invalid_option');
      expect(error.issues[0]?.path).toBe(path);
    }
  });
});

describe('createManagementApiHandlers: latency', () => {
  it('delays every answer, token endpoint included, by latencyMs; setLatency changes it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const mock = mockWith({ latencyMs: 1000 });
    let answered = false;
    const pending = call('GET', '/v1/webhooks').then((response) => {
      answered = true;
      return response;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(answered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).status).toBe(200);

    let issued = false;
    const token = tokenRequest({
      grant_type: 'client_credentials',
      client_id: TEST_CLIENT_ID,
      client_secret: TEST_CLIENT_SECRET,
    }).then((response) => {
      issued = true;
      return response;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(issued).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await token).status).toBe(200);

    mock.setLatency(0);
    expect((await call('GET', '/v1/webhooks')).status).toBe(200);
    expect(() => mock.setLatency(-1)).toThrow(/`ms` must be an integer from 0/);
  });

  it('an aborted request stops waiting: its latency timer is cleared at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    mockWith({ latencyMs: 60_000 });
    const controller = new AbortController();
    const pending = fetch(`${BASE}/v1/webhooks`, {
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
      signal: controller.signal,
    });
    const rejected = expect(pending).rejects.toThrow();
    await until(() => vi.getTimerCount() === 1); // the mock is waiting out its latency
    controller.abort();
    await rejected;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a request aborted during the latency reaches nothing: no write, no token; recorded as aborted', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const mock = mockWith({ latencyMs: 3000 });
    mock.failNext({ status: 503 });
    const controller = new AbortController();
    const write = fetch(`${BASE}/v1/webhooks`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_API_KEY}`,
        'content-type': 'application/json',
        'idempotency-key': 'aborted-write',
      },
      body: JSON.stringify(HOOK),
      signal: controller.signal,
    });
    const writeRejected = expect(write).rejects.toThrow();
    await until(() => vi.getTimerCount() === 1);
    await vi.advanceTimersByTimeAsync(50);
    controller.abort();
    await writeRejected;
    await until(() => mock.requests.length === 1);
    expect(mock.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/webhooks',
      status: 0,
      idempotencyKey: 'aborted-write',
      faulted: false,
      aborted: true,
    });
    expect(await mock.sender.listEndpoints(TEST_ORGANIZATION_UUID)).toEqual([]);

    const tokenController = new AbortController();
    const token = tokenRequest(
      {
        grant_type: 'client_credentials',
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
      },
      { signal: tokenController.signal },
    );
    const tokenRejected = expect(token).rejects.toThrow();
    await until(() => vi.getTimerCount() === 1);
    tokenController.abort();
    await tokenRejected;
    await until(() => mock.tokenRequests.length === 1);
    expect(mock.tokenRequests).toEqual([
      {
        clientId: null,
        grantType: null,
        status: 0,
        faulted: false,
        aborted: true,
        atMs: START_MS,
      },
    ]);

    // the fault was not used up by the aborted write: the next request gets it
    mock.setLatency(0);
    expect((await call('GET', '/v1/webhooks')).status).toBe(503);
  });
});

describe('createManagementApiHandlers: deliveries', () => {
  it('deliverDue sends a published event to the transport, signed with the endpoint secret', async () => {
    const clock = createFakeClock({ nowMs: START_MS });
    const mock = mockWith({ clock });
    const created = await json(await call('POST', '/v1/webhooks', { body: HOOK }));
    const published = await call('POST', '/v1/events', {
      body: { type: KYC.type, data: KYC.data, partnerUuid: PARTNER },
    });
    expect(published.status).toBe(202);
    expect(await mock.deliverDue()).toBe(1);
    expect(await mock.deliverDue()).toBe(0);
    const [sent] = mock.transport.requests;
    expect(sent?.url).toBe(HOOK.url);
    const verified = verifyNovatradeSignature(
      sent?.body ?? '',
      sent?.headers['X-Novatrade-Signature'],
      String(created.secret),
      { now: clock.now },
    );
    expect(verified).toBeTruthy();
    expect(JSON.parse(sent?.body ?? '{}')).toMatchObject({ type: KYC.type });

    const history = await json(await call('GET', `/v1/webhooks/${created.id}/deliveries`));
    expect(history.data).toMatchObject([{ status: 'DELIVERED', attempts: 1 }]);
  });

  it('retries fall due on the mock clock: a failing transport, then deliverDue after advancing', async () => {
    const clock = createFakeClock({ nowMs: START_MS });
    let status = 500;
    const transport = createRecordingTransport({ status: () => status });
    const mock = createManagementApiHandlers({ clock, transport });
    server.resetHandlers(...mock.handlers);
    const created = await json(await call('POST', '/v1/webhooks', { body: HOOK }));
    const fired = await call('POST', `/v1/webhooks/${created.id}/test`, {
      body: { eventType: KYC.type, data: KYC.data },
    });
    expect(fired.status).toBe(202);
    await mock.sender.publish({
      organizationUuid: TEST_ORGANIZATION_UUID,
      type: KYC.type,
      data: KYC.data,
      partnerUuid: PARTNER,
    });
    expect(await mock.deliverDue()).toBe(2);
    status = 200;
    expect(await mock.deliverDue()).toBe(0);
    clock.advance(60 * 60 * 1000);
    // the test fire has one attempt; the event is retried
    expect(await mock.deliverDue()).toBe(1);
    expect(transport.requests).toHaveLength(3);
  });
});

describe('createManagementApiHandlers: rate limits', () => {
  it('rateLimit: true enforces the published 10 a minute for webhook routes (3 per 10 s)', async () => {
    const clock = createFakeClock({ nowMs: START_MS });
    mockWith({ clock, rateLimit: true });
    const statuses: number[] = [];
    for (let window = 0; window < 4; window++) {
      for (let i = 0; i < 3; i++) statuses.push((await call('GET', '/v1/webhooks')).status);
      if (window < 3) clock.advance(10_000);
    }
    // windows 0-2: 9 allowed; window 3: one more, then the minute budget is spent
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
    const refused = await call('GET', '/v1/webhooks');
    expect(refused.headers.get('retry-after')).toBe('30');
    expect((await json(refused)).detail).toBe(
      '10 requests per minute for webhook category exceeded.',
    );
    clock.advance(30_000);
    expect((await call('GET', '/v1/webhooks')).status).toBe(200);
  });

  it('without rateLimit nothing is limited', async () => {
    mockWith();
    for (let i = 0; i < 12; i++) expect((await call('GET', '/v1/webhooks')).status).toBe(200);
  });
});

describe('createManagementApiHandlers: reset and close', () => {
  it('reset: no endpoints, faults, records or recorded deliveries; latency back; tokens stay', async () => {
    const mock = mockWith();
    const token = await issueToken();
    await call('POST', '/v1/webhooks', { body: HOOK });
    await mock.sender.testEndpoint(
      TEST_ORGANIZATION_UUID,
      (await mock.sender.listEndpoints(TEST_ORGANIZATION_UUID))[0]?.id ?? '',
      { eventType: KYC.type, data: KYC.data },
    );
    await mock.deliverDue();
    mock.failNext({ status: 503 });
    mock.setLatency(5000);
    const before = mock.sender;

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    mock.reset();
    expect(mock.sender).not.toBe(before);
    expect(mock.requests).toEqual([]);
    expect(mock.tokenRequests).toEqual([]);
    expect(mock.transport.requests).toEqual([]);
    // latencyMs (0) is back: the answer comes without any timer being advanced
    let answered = false;
    const pending = call('GET', '/v1/webhooks').then((response) => {
      answered = true;
      return response;
    });
    await until(() => answered);
    expect(vi.getTimerCount()).toBe(0);
    const list = await pending;
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([]);
    // the token endpoint is Keycloak's: the token it issued outlives the API's reset
    expect((await call('GET', '/v1/webhooks', { token })).status).toBe(200);
    await mock.close();
  });

  it('reset: a request the latency still holds fails as a network error, reaching and recording nothing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const mock = mockWith();
    mock.setLatency(5000);
    const write = fetch(`${BASE}/v1/webhooks`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_API_KEY}`,
        'content-type': 'application/json',
        'idempotency-key': 'held-write',
      },
      body: JSON.stringify(HOOK),
    });
    const writeFailed = expect(write).rejects.toThrow(TypeError);
    const token = tokenRequest({
      grant_type: 'client_credentials',
      client_id: TEST_CLIENT_ID,
      client_secret: TEST_CLIENT_SECRET,
    });
    const tokenFailed = expect(token).rejects.toThrow(TypeError);
    await until(() => vi.getTimerCount() === 2); // both held by the latency
    mock.reset();
    mock.failNext({ status: 503 }); // a fault of the new state: not for the held requests
    await vi.advanceTimersByTimeAsync(5000);
    await writeFailed;
    await tokenFailed;
    expect(mock.requests).toEqual([]);
    expect(mock.tokenRequests).toEqual([]);
    expect(await mock.sender.listEndpoints(TEST_ORGANIZATION_UUID)).toEqual([]);
    expect((await call('GET', '/v1/webhooks')).status).toBe(503);
    expect(mock.requests).toHaveLength(1);
  });

  it('reset: a request already inside the API finishes against the old state, unrecorded', async () => {
    const mock = mockWith();
    const { handlers } = mock;
    // The body arrives only when the test says so: the API is reading it meanwhile.
    let finish: () => void = () => undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        finish = () => {
          controller.enqueue(new TextEncoder().encode(JSON.stringify(HOOK)));
          controller.close();
        };
      },
    });
    const request = new Request(`${BASE}/v1/webhooks`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_API_KEY}`,
        'content-type': 'application/json',
        'idempotency-key': 'inside-write',
      },
      body,
      duplex: 'half',
    } as RequestInit);
    const before = mock.sender;
    const answered = handlers[1]?.run({ request, requestId: 'r1' });
    await new Promise((resolve) => setImmediate(resolve));
    mock.reset();
    finish();
    const result = await answered;
    expect(result?.response?.status).toBe(201);
    expect(mock.requests).toEqual([]);
    expect(await before.listEndpoints(TEST_ORGANIZATION_UUID)).toHaveLength(1);
    expect(await mock.sender.listEndpoints(TEST_ORGANIZATION_UUID)).toEqual([]);
  });

  it('reset empties the same record arrays: a reference taken before sees the new records', async () => {
    const mock = mockWith();
    const { requests, tokenRequests } = mock;
    await issueToken();
    await call('GET', '/v1/webhooks');
    expect([requests.length, tokenRequests.length]).toEqual([1, 1]);
    mock.reset();
    expect(mock.requests).toBe(requests);
    expect(mock.tokenRequests).toBe(tokenRequests);
    expect([requests.length, tokenRequests.length]).toEqual([0, 0]);
    await issueToken();
    await call('GET', '/v1/webhooks');
    expect([requests.length, tokenRequests.length]).toEqual([1, 1]);
  });

  it("reset renews the mock's own rate-limit counters, not those of a store the test passed", async () => {
    const clock = createFakeClock({ nowMs: START_MS });
    // 3 webhook requests per 10 s, then 429 (STANDARD)
    const spend = async (): Promise<number[]> => {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await call('GET', '/v1/webhooks')).status);
      return statuses;
    };
    const own = mockWith({ clock, rateLimit: true });
    expect(await spend()).toEqual([200, 200, 200, 429]);
    own.reset();
    expect((await call('GET', '/v1/webhooks')).status).toBe(200);

    const store = new MemoryRateLimitStore();
    const given = mockWith({ clock, rateLimit: { store } });
    expect(await spend()).toEqual([200, 200, 200, 429]);
    given.reset();
    expect((await call('GET', '/v1/webhooks')).status).toBe(429);
  });
});

describe('createManagementApiHandlers: the EUDR registration API', () => {
  const EUDR = 'https://eudr.example.test/api/v1/integration';

  it('registers an endpoint at the EUDR path with the EUDR token, delivers EUDR events, fails in EUDR words', async () => {
    const mock = mockWith({ eudr: { baseUrl: `${EUDR}/` } });
    expect(mock.eudrBaseUrl).toBe(EUDR);
    const created = await call('POST', '/webhook-events', {
      base: EUDR,
      token: TEST_EUDR_API_KEY,
      body: { url: 'https://partner.example/eudr', events: ['supplier.created'] },
      checked: false,
    });
    expect(created.status).toBe(201);
    const registered = await json(created);
    expect(registered).toMatchObject({ active: true, secret: expect.any(String) });
    const got = await call('GET', `/webhook-events/${registered.id}`, {
      base: EUDR,
      token: TEST_EUDR_API_KEY,
      checked: false,
    });
    expect(got.status).toBe(200);
    // the Novatrade24 key is not an EUDR token, and the other way round
    const wrong = await call('GET', '/webhook-events', { base: EUDR, checked: false });
    expect(wrong.status).toBe(401);
    expect(await json(wrong)).toMatchObject({ error: 'INVALID_TOKEN' });
    expect((await call('GET', '/v1/webhooks', { token: TEST_EUDR_API_KEY })).status).toBe(401);

    await mock.eudrSender?.publish({
      organizationUuid: TEST_ORGANIZATION_UUID,
      type: 'supplier.created',
      data: { externalId: 'VENDOR-001', internalId: 'clx1' },
    });
    expect(await mock.deliverDue()).toBe(1);
    expect(mock.transport.requests[0]?.headers).toHaveProperty('X-Webhook-Signature');

    mock.failNext({ status: 429, match: { api: 'eudr', path: '/webhook-events' } });
    expect((await call('GET', '/v1/webhooks', { checked: false })).status).toBe(200);
    const limited = await call('GET', '/webhook-events', {
      base: EUDR,
      token: TEST_EUDR_API_KEY,
      checked: false,
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-limit')).toBe('100');
    expect(limited.headers.get('x-ratelimit-category')).toBe('webhook');
    expect(await json(limited)).toEqual({
      error: 'RATE_LIMIT_EXCEEDED',
      message: '100 requests per minute for webhook category exceeded.',
    });
    expect(mock.requests.map((r) => [r.api, r.path])).toEqual([
      ['eudr', '/webhook-events'],
      ['eudr', `/webhook-events/${registered.id}`],
      ['eudr', '/webhook-events'],
      ['management', '/v1/webhooks'],
      ['management', '/v1/webhooks'],
      ['eudr', '/webhook-events'],
    ]);
  });

  it("eudr: true serves it at N'entropy's URL, with its own OpenAPI document", async () => {
    const mock = mockWith({ eudr: true });
    expect(mock.eudrBaseUrl).toBe('https://backend.joinnentropy.com/api/v1/integration');
    const document = await fetch(`${mock.eudrBaseUrl}/openapi.json`);
    expect(document.status).toBe(200);
    expect(Object.keys(((await document.json()) as { paths: object }).paths)).toContain(
      '/api/v1/integration/webhook-events',
    );
    expect(mockWith().eudrBaseUrl).toBeUndefined();
  });

  it('eudr.baseUrl must be an http(s) URL other than baseUrl', () => {
    for (const [eudr, code] of [
      [{ baseUrl: `${BASE}/` }, 'invalid_value'],
      [{ baseUrl: 'ftp://x' }, 'invalid_format'],
      [{ baseUrl: 42 }, 'invalid_type'],
    ] as const) {
      const error = thrown(() => createManagementApiHandlers({ eudr: eudr as never }));
      expect(error.issues[0]).toMatchObject({ path: 'eudr.baseUrl', code });
    }
    expect(
      thrown(() => createManagementApiHandlers({ eudr: 'yes' as never })).issues[0]?.path,
    ).toBe('eudr');
  });
});

describe('createManagementApiHandlers: options', () => {
  it('refuses bad options by name, unknown ones with the nearest known name', () => {
    const cases: [unknown, string][] = [
      [{ baseUrl: 'api.novatrade24.com' }, 'baseUrl'],
      [{ baseUrl: 'https://h/?q=1' }, 'baseUrl'],
      [{ tokenUrl: 'https://user:pw@auth/token' }, 'tokenUrl'],
      [{ tokenLifetimeSeconds: 0 }, 'tokenLifetimeSeconds'],
      [{ latencyMs: -1 }, 'latencyMs'],
      [{ clock: Date.now }, 'clock'],
      [{ transport: {} }, 'transport'],
      [{ rateLimit: 'yes' }, 'rateLimit'],
      [{ allowInsecureUrls: 1 }, 'allowInsecureUrls'],
      [{ clients: {} }, 'clients'],
      [
        { clients: [{ clientId: '', clientSecret: 's', organizationUuid: 'o' }] },
        'clients[0].clientId',
      ],
      [
        {
          clients: [
            { clientId: 'a', clientSecret: 's', organizationUuid: 'o' },
            { clientId: 'a', clientSecret: 't', organizationUuid: 'o' },
          ],
        },
        'clients[1].clientId',
      ],
      [
        { clients: [{ clientId: 'a', clientSecret: 's', organizationUuid: 'o', tier: 'GOLD' }] },
        'clients[0].tier',
      ],
      [{ apiKeys: [{ token: 'short', organizationUuid: 'o' }] }, 'apiKeys[0].token'],
      [{ latencyMS: 10 }, 'latencyMS'],
    ];
    for (const [options, path] of cases) {
      const error = thrown(() => createManagementApiHandlers(options as never));
      expect(isWebhooksError(error) && error.code).toBe('invalid_option');
      expect(error.issues[0]?.path).toBe(path);
      expect(error.message).not.toContain('createApiKeyAuthenticator');
    }
    expect(thrown(() => createManagementApiHandlers({ latencyMS: 10 } as never)).message).toMatch(
      /did you mean `latencyMs`/,
    );
  });

  it('allowInsecureUrls: http: endpoint URLs are refused by default (422), accepted when on', async () => {
    mockWith();
    const refused = await call('POST', '/v1/webhooks', { body: { ...HOOK, url: 'http://h/x' } });
    expect(refused.status).toBe(422);
    mockWith({ allowInsecureUrls: true });
    expect(
      (await call('POST', '/v1/webhooks', { body: { ...HOOK, url: 'http://h/x' } })).status,
    ).toBe(201);
  });

  it('a custom transport and the real time when no clock is given', async () => {
    const transport = createRecordingTransport({ status: 204 });
    const mock = createManagementApiHandlers({ transport, rateLimit: false });
    server.resetHandlers(...mock.handlers);
    expect(mock.transport).toBe(transport);
    const before = Date.now();
    expect(mock.clock.now()).toBeGreaterThanOrEqual(before);
    await call('POST', '/v1/webhooks', { body: HOOK });
    expect(mock.requests[0]?.atMs).toBeGreaterThanOrEqual(before);
  });
});

describe('createManagementApiHandlers: msw copies', () => {
  it('loads the msw a test file imports (Node >= 20.19 resolves require(msw) to its ESM build)', () => {
    const required = createRequire(import.meta.url)('msw') as { http: unknown };
    expect(required.http).toBe(eshttp);
  });

  it("a handler built by msw's CommonJS build is served by the ESM setupServer", async () => {
    const require = createRequire(import.meta.url);
    const cjsPath = require.resolve('msw').replace(/index\.mjs$/, 'index.js');
    const cjs = require(cjsPath) as typeof import('msw');
    expect(cjs.http).not.toBe(eshttp);
    server.resetHandlers(
      cjs.http.all('https://cjs.example.test/*', () => new Response('from cjs', { status: 201 })),
    );
    const response = await fetch('https://cjs.example.test/x', { method: 'POST', body: 'b' });
    expect([response.status, await response.text()]).toEqual([201, 'from cjs']);
  });
});
