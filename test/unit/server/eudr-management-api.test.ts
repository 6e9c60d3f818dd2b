// createEudrManagementApi: N'entropy's register call verbatim, the experimental list/get/update/
// delete extension, `active` over the endpoint status, the `{ error, message, details? }` errors
// (and the renderer's table over every problem type), the optional Idempotency-Key, the EUDR rate
// limit, the options checks and the OpenAPI document (docs/server-eudr.md).
import { describe, expect, it } from 'vitest';
import { WebhookStorageError } from '../../../src/core/errors.js';
import { EUDR_PROFILE } from '../../../src/core/profiles/eudr-profile.js';
import { NOVATRADE_PROFILE } from '../../../src/core/profiles/novatrade-profile.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import {
  apiKeyAuthenticator,
  createEudrManagementApi,
  createManagementApi,
} from '../../../src/server/index.js';
import {
  EUDR_ERROR_CODES,
  EUDR_ERROR_OF_PROBLEM,
  eudrErrorBody,
  renderEudrError,
} from '../../../src/server/internal/eudr/eudr-error.js';
import { EUDR_RATE_LIMITS, eudrTiers } from '../../../src/server/internal/eudr/eudr-rate-limits.js';
import { PROBLEM_TYPES, type ProblemTypeSuffix } from '../../../src/server/internal/problem.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { createRecordingTransport } from '../../../src/testing/create-recording-transport.js';
import { storageWith } from '../../helpers/sender-doubles.js';
import { thrown } from '../../helpers/thrown.js';
import { describeUnknownOptions } from '../../helpers/unknown-options-suite.js';
import {
  createEudrHarness,
  jsonOf,
  ORG_A,
  register,
  SPEC_BODY,
  TOKEN_A,
  WEBHOOKS,
} from './eudr-management-api-harness.js';

const authenticate = apiKeyAuthenticator([{ token: TOKEN_A, organizationUuid: ORG_A }]);

function eudrSender() {
  return new WebhookSender({
    profile: EUDR_PROFILE,
    transport: createRecordingTransport(),
    logger: 'silent',
  });
}

/** The error body of `response`, checked to be exactly N'entropy's shape. */
async function errorOf(response: Response): Promise<Record<string, unknown>> {
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('x-request-id')).toMatch(/^\S+$/);
  const body = await jsonOf(response);
  expect(Object.keys(body).sort()).toEqual(
    'details' in body ? ['details', 'error', 'message'] : ['error', 'message'],
  );
  expect(EUDR_ERROR_CODES).toContain(body.error);
  expect(typeof body.message).toBe('string');
  return body;
}

describe('createEudrManagementApi: construction', () => {
  it('createEudrManagementApi(a Novatrade sender) throws invalid_option at sender', () => {
    const sender = new WebhookSender({
      profile: NOVATRADE_PROFILE,
      transport: createRecordingTransport(),
      logger: 'silent',
    });
    const error = thrown(() => createEudrManagementApi(sender, { authenticate }));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([expect.objectContaining({ path: 'sender' })]);
    expect(error.message).toContain('EUDR_PROFILE');
    expect(error.message).toContain("named 'novatrade'");
  });

  it('createEudrManagementApi(not a sender) throws invalid_option at sender', () => {
    const error = thrown(() => createEudrManagementApi({} as never, { authenticate }));
    expect(error.issues).toEqual([expect.objectContaining({ path: 'sender' })]);
  });

  it('createEudrManagementApi(sender) without options throws invalid_option at options', () => {
    const error = thrown(() => createEudrManagementApi(eudrSender(), undefined as never));
    expect(error.issues).toEqual([expect.objectContaining({ path: 'options', code: 'required' })]);
  });

  it('createEudrManagementApi without authenticate throws invalid_option at authenticate', () => {
    const error = thrown(() => createEudrManagementApi(eudrSender(), {} as never));
    expect(error.issues).toEqual([expect.objectContaining({ path: 'authenticate' })]);
  });

  it.each([
    ['dpaGate', () => true],
    ['ingest', false],
    ['problemBaseUrl', 'https://example.com/problems/'],
  ])('createEudrManagementApi({ %s }) refuses a Novatrade-only option as unknown', (name, value) => {
    const error = thrown(() =>
      createEudrManagementApi(eudrSender(), { authenticate, [name]: value } as never),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({ path: name, code: 'unrecognized_key' }),
    ]);
  });

  it('createEudrManagementApi({ rateLimit: { tiers: bad } }) names the faulty tier path', () => {
    const error = thrown(() =>
      createEudrManagementApi(eudrSender(), {
        authenticate,
        rateLimit: { tiers: { STANDARD: { read: { perMinute: 0 } } } as never },
      }),
    );
    expect(error.code).toBe('invalid_option');
    expect(error.issues?.[0]?.path).toMatch(/^tiers\.STANDARD/);
  });

  it('createEudrManagementApi({ rateLimit: { stroe } }) refuses the misspelt rate-limit option', () => {
    const error = thrown(() =>
      createEudrManagementApi(eudrSender(), { authenticate, rateLimit: { stroe: 1 } as never }),
    );
    expect(error.issues).toEqual([expect.objectContaining({ code: 'unrecognized_key' })]);
  });

  it('createEudrManagementApi({ deprecations }) refuses a key that names no EUDR route', () => {
    const error = thrown(() =>
      createEudrManagementApi(eudrSender(), {
        authenticate,
        deprecations: { 'GET /v1/webhooks/{id}': { deprecation: true } },
      }),
    );
    expect(error.issues).toEqual([expect.objectContaining({ path: 'deprecations' })]);
    expect(error.message).toContain('GET /api/v1/integration/webhook-events/{id}');
  });
});

describeUnknownOptions([
  [
    'createEudrManagementApi',
    (extra) => createEudrManagementApi(eudrSender(), { authenticate, ...extra }),
    'createEudrManagementApi',
    'openApiPath',
  ],
]);

describe('POST /api/v1/integration/webhook-events (register)', () => {
  it("the spec's example body answers 201 with exactly the spec's fields, active: true and a whsec_ secret", async () => {
    const { call } = createEudrHarness();
    const response = await call('POST', WEBHOOKS, { body: SPEC_BODY });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = await jsonOf(response);
    expect(Object.keys(body)).toEqual(['id', 'url', 'events', 'active', 'secret', 'createdAt']);
    expect(body).toEqual({
      id: expect.stringMatching(/^wh_[a-z0-9]+$/),
      url: SPEC_BODY.url,
      events: SPEC_BODY.events,
      active: true,
      secret: expect.stringMatching(/^whsec_/),
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(response.headers.get('location')).toBe(`${WEBHOOKS}/${String(body.id)}`);
  });

  it('a write without Idempotency-Key runs each time: two calls register two endpoints', async () => {
    const { call, sender } = createEudrHarness();
    const first = await jsonOf(await call('POST', WEBHOOKS, { body: SPEC_BODY }));
    const second = await jsonOf(await call('POST', WEBHOOKS, { body: SPEC_BODY }));
    expect(first.id).not.toBe(second.id);
    expect(await sender.listEndpoints(ORG_A)).toHaveLength(2);
  });

  it('the same Idempotency-Key and body replays the stored 201 (same id and secret) with Idempotent-Replayed', async () => {
    const { call, sender } = createEudrHarness();
    const first = await call('POST', WEBHOOKS, { body: SPEC_BODY, key: 'k-1' });
    const replay = await call('POST', WEBHOOKS, { body: SPEC_BODY, key: 'k-1' });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await jsonOf(replay)).toEqual(await jsonOf(first));
    expect(await sender.listEndpoints(ORG_A)).toHaveLength(1);
  });

  it('the same Idempotency-Key with another body answers 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const { call } = createEudrHarness();
    await call('POST', WEBHOOKS, { body: SPEC_BODY, key: 'k-2' });
    const response = await call('POST', WEBHOOKS, {
      body: { ...SPEC_BODY, events: ['sync.completed'] },
      key: 'k-2',
    });
    expect(response.status).toBe(422);
    expect((await errorOf(response)).error).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('an empty or 256-character Idempotency-Key answers 400 BAD_REQUEST and registers nothing', async () => {
    const { call, sender } = createEudrHarness();
    for (const key of ['', 'k'.repeat(256)]) {
      const response = await call('POST', WEBHOOKS, { body: SPEC_BODY, key });
      expect(response.status).toBe(400);
      expect((await errorOf(response)).error).toBe('BAD_REQUEST');
    }
    expect(await sender.listEndpoints(ORG_A)).toEqual([]);
  });

  it('a body without events answers 400 VALIDATION_ERROR with details [{ field: events }]', async () => {
    const { call } = createEudrHarness();
    const response = await call('POST', WEBHOOKS, { body: { url: SPEC_BODY.url } });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toEqual({
      error: 'VALIDATION_ERROR',
      message: 'The request has 1 invalid field; see details.',
      details: [{ field: 'events', message: 'events is required.' }],
    });
  });

  it('an unknown field answers 400 VALIDATION_ERROR at that field (bodies are strict)', async () => {
    const { call } = createEudrHarness();
    const body = await errorOf(
      await call('POST', WEBHOOKS, { body: { ...SPEC_BODY, description: 'x' } }),
    );
    expect(body.details).toEqual([{ field: 'description', message: expect.any(String) }]);
  });

  it('a Novatrade24 pattern among the events answers 400 VALIDATION_ERROR at events.1, quoting nothing', async () => {
    const { call } = createEudrHarness();
    const response = await call('POST', WEBHOOKS, {
      body: { url: SPEC_BODY.url, events: ['supplier.created', 'kyc.secret_marker'] },
    });
    const text = await response.clone().text();
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details).toEqual([
      { field: 'events.1', message: expect.any(String) },
    ]);
    expect(text).not.toContain('secret_marker');
  });

  it('an http: URL on a sender without allowInsecureUrls answers 400 VALIDATION_ERROR at url, quoting nothing', async () => {
    const { call } = createEudrHarness({ sender: { allowInsecureUrls: false } });
    const response = await call('POST', WEBHOOKS, {
      body: { url: 'http://insecure.example/hook-marker', events: ['supplier.created'] },
    });
    const text = await response.clone().text();
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details).toEqual([
      { field: 'url', message: expect.any(String) },
    ]);
    expect(text).not.toContain('hook-marker');
  });

  it('a body that is not JSON answers 400 BAD_REQUEST', async () => {
    const { call } = createEudrHarness();
    const response = await call('POST', WEBHOOKS, { body: '{"url":' });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).error).toBe('BAD_REQUEST');
  });

  it('a body sent as text/plain answers 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const { call } = createEudrHarness();
    const response = await call('POST', WEBHOOKS, {
      body: SPEC_BODY,
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(415);
    expect((await errorOf(response)).error).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('a body over maxBodyBytes answers 413 PAYLOAD_TOO_LARGE', async () => {
    const { call } = createEudrHarness({ api: { maxBodyBytes: 64 } });
    const response = await call('POST', WEBHOOKS, {
      body: { ...SPEC_BODY, url: `https://your-server.com/${'x'.repeat(100)}` },
    });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).error).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('authentication', () => {
  it('no Authorization header answers 401 AUTHENTICATION_REQUIRED with WWW-Authenticate: Bearer', async () => {
    const { call } = createEudrHarness();
    const response = await call('GET', WEBHOOKS, { org: null });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect((await errorOf(response)).error).toBe('AUTHENTICATION_REQUIRED');
  });

  it('an unknown token answers 401 INVALID_TOKEN, without quoting it', async () => {
    const { call } = createEudrHarness();
    const token = `eudr_live_${'0f'.repeat(24)}`;
    const response = await call('GET', WEBHOOKS, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await response.clone().text();
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await errorOf(response)).error).toBe('INVALID_TOKEN');
    expect(text).not.toContain(token);
  });

  it("another organization's endpoint answers 404 NOT_FOUND to get, update and delete", async () => {
    const harness = createEudrHarness();
    const { id } = await register(harness, 'A');
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { active: false }],
      ['DELETE', undefined],
    ] as const) {
      const response = await harness.call(method, `${WEBHOOKS}/${id}`, { org: 'B', body });
      expect(response.status).toBe(404);
      expect((await errorOf(response)).error).toBe('NOT_FOUND');
    }
    expect((await harness.sender.getEndpoint(ORG_A, id))?.status).toBe('ACTIVE');
  });

  it('an authenticate that rejects answers 500 INTERNAL_ERROR with a fixed message', async () => {
    const { call } = createEudrHarness({
      api: { authenticate: () => Promise.reject(new Error('identity provider exploded')) },
    });
    const response = await call('GET', WEBHOOKS);
    const text = await response.clone().text();
    expect(response.status).toBe(500);
    expect((await errorOf(response)).error).toBe('INTERNAL_ERROR');
    expect(text).not.toContain('exploded');
  });
});

describe('GET /api/v1/integration/webhook-events (list, extension)', () => {
  it('pages are one-based: limit=2 gives pages of 2, 1 and 0 entities over 3, oldest first, with total', async () => {
    const harness = createEudrHarness();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await register(harness)).id);
      harness.clock.advance(1000);
    }
    const page = async (query: string) => jsonOf(await harness.call('GET', `${WEBHOOKS}${query}`));
    const first = await page('?page=1&limit=2');
    expect(first).toMatchObject({ total: 3, page: 1, limit: 2 });
    expect((first.entities as { id: string }[]).map((e) => e.id)).toEqual(ids.slice(0, 2));
    const second = await page('?page=2&limit=2');
    expect((second.entities as { id: string }[]).map((e) => e.id)).toEqual(ids.slice(2));
    expect(await page('?page=3&limit=2')).toEqual({ entities: [], total: 3, page: 3, limit: 2 });
  });

  it('without a query the page is 1 and the limit 50; entities carry no secret', async () => {
    const harness = createEudrHarness();
    const { secret } = await register(harness);
    const response = await harness.call('GET', WEBHOOKS);
    const text = await response.clone().text();
    const body = await jsonOf(response);
    expect(body).toMatchObject({ total: 1, page: 1, limit: 50 });
    expect(Object.keys((body.entities as object[])[0] ?? {})).toEqual([
      'id',
      'url',
      'events',
      'active',
      'createdAt',
    ]);
    expect(text).not.toContain(secret);
  });

  it.each([
    ['?page=0', 'page'],
    ['?page=-1', 'page'],
    ['?page=1.5', 'page'],
    ['?page=1e2', 'page'],
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?limit=ten', 'limit'],
    ['?limit=5&limit=6', 'limit'],
  ])('GET %s answers 400 VALIDATION_ERROR at %s', async (query, field) => {
    const { call } = createEudrHarness();
    const response = await call('GET', `${WEBHOOKS}${query}`);
    expect(response.status).toBe(400);
    const body = await errorOf(response);
    expect(body.error).toBe('VALIDATION_ERROR');
    expect(body.details).toEqual([{ field, message: expect.any(String) }]);
  });

  it('limit=100 is accepted (the maximum)', async () => {
    const { call } = createEudrHarness();
    const response = await call('GET', `${WEBHOOKS}?limit=100`);
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toMatchObject({ limit: 100 });
  });
});

describe('GET, PATCH, DELETE /api/v1/integration/webhook-events/{id} (extension)', () => {
  it('GET answers the endpoint without its secret', async () => {
    const harness = createEudrHarness();
    const { id, secret } = await register(harness);
    const response = await harness.call('GET', `${WEBHOOKS}/${id}`);
    const text = await response.clone().text();
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({
      id,
      url: SPEC_BODY.url,
      events: SPEC_BODY.events,
      active: true,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(text).not.toContain(secret);
    expect(text).not.toContain('secret');
  });

  it.each([
    'wh_unknown',
    'not%20an%20id',
    'x'.repeat(129),
  ])('GET of %s answers 404 NOT_FOUND', async (id) => {
    const { call } = createEudrHarness();
    const response = await call('GET', `${WEBHOOKS}/${id}`);
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toEqual({
      error: 'NOT_FOUND',
      message: 'No such resource in this organization.',
    });
  });

  it('PATCH { active: false } answers active: false and leaves the endpoint DISABLED', async () => {
    const harness = createEudrHarness();
    const { id } = await register(harness);
    const response = await harness.call('PATCH', `${WEBHOOKS}/${id}`, { body: { active: false } });
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toMatchObject({ id, active: false });
    expect((await harness.sender.getEndpoint(ORG_A, id))?.status).toBe('DISABLED');
  });

  it('PATCH { active: true } re-enables a DISABLED endpoint (ACTIVE, fresh failure streak)', async () => {
    const harness = createEudrHarness();
    const { id } = await register(harness);
    await harness.sender.updateEndpoint(ORG_A, id, { status: 'DISABLED' });
    expect(await jsonOf(await harness.call('GET', `${WEBHOOKS}/${id}`))).toMatchObject({
      active: false,
    });
    const response = await harness.call('PATCH', `${WEBHOOKS}/${id}`, { body: { active: true } });
    expect(await jsonOf(response)).toMatchObject({ active: true });
    expect(await harness.sender.getEndpoint(ORG_A, id)).toMatchObject({
      status: 'ACTIVE',
      consecutiveFailures: 0,
    });
  });

  it('a PAUSED endpoint shows active: false; PATCH { active: false } makes it DISABLED', async () => {
    const harness = createEudrHarness();
    const { id } = await register(harness);
    await harness.sender.updateEndpoint(ORG_A, id, { status: 'PAUSED' });
    expect(await jsonOf(await harness.call('GET', `${WEBHOOKS}/${id}`))).toMatchObject({
      active: false,
    });
    await harness.call('PATCH', `${WEBHOOKS}/${id}`, { body: { active: false } });
    expect((await harness.sender.getEndpoint(ORG_A, id))?.status).toBe('DISABLED');
  });

  it('PATCH { url, events } replaces both and keeps the status', async () => {
    const harness = createEudrHarness();
    const { id } = await register(harness);
    const patch = { url: 'https://other.example/eudr', events: ['dds.*'] };
    const response = await harness.call('PATCH', `${WEBHOOKS}/${id}`, { body: patch });
    expect(await jsonOf(response)).toMatchObject({ ...patch, active: true });
  });

  it.each([
    [{ active: 'yes' }, 'active'],
    [{ status: 'ACTIVE' }, 'status'],
    [{ events: [] }, 'events'],
  ])('PATCH %j answers 400 VALIDATION_ERROR at %s and changes nothing', async (body, field) => {
    const harness = createEudrHarness();
    const { id } = await register(harness);
    const response = await harness.call('PATCH', `${WEBHOOKS}/${id}`, { body });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details).toEqual([{ field, message: expect.any(String) }]);
    expect((await harness.sender.getEndpoint(ORG_A, id))?.status).toBe('ACTIVE');
  });

  it('PATCH of an unknown id answers 404 NOT_FOUND', async () => {
    const { call } = createEudrHarness();
    const response = await call('PATCH', `${WEBHOOKS}/wh_unknown`, { body: { active: true } });
    expect(response.status).toBe(404);
    expect((await errorOf(response)).error).toBe('NOT_FOUND');
  });

  it('DELETE answers 204 with no body; a second DELETE and a GET answer 404 NOT_FOUND', async () => {
    const harness = createEudrHarness();
    const { id } = await register(harness);
    const response = await harness.call('DELETE', `${WEBHOOKS}/${id}`);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    for (const method of ['DELETE', 'GET']) {
      const again = await harness.call(method, `${WEBHOOKS}/${id}`);
      expect(again.status).toBe(404);
      expect((await errorOf(again)).error).toBe('NOT_FOUND');
    }
  });
});

describe('routing, outages and the Novatrade API beside it', () => {
  it('PUT on the collection answers 405 METHOD_NOT_ALLOWED with Allow', async () => {
    const { call } = createEudrHarness();
    const response = await call('PUT', WEBHOOKS, { body: SPEC_BODY });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST, GET, HEAD');
    expect((await errorOf(response)).error).toBe('METHOD_NOT_ALLOWED');
  });

  it('a Novatrade24 path answers 404 NOT_FOUND (this API serves the EUDR routes only)', async () => {
    const { call } = createEudrHarness();
    const response = await call('GET', '/v1/webhooks');
    expect(response.status).toBe(404);
    expect((await errorOf(response)).error).toBe('NOT_FOUND');
  });

  it('a storage outage answers 503 SERVICE_UNAVAILABLE with Retry-After', async () => {
    const storage = storageWith(new MemoryStorage(), {
      listEndpoints: () =>
        Promise.reject(new WebhookStorageError('storage_unavailable', 'database down')),
    });
    const { call } = createEudrHarness({ storage, api: { retryAfterSeconds: 7 } });
    const response = await call('GET', WEBHOOKS);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('7');
    expect((await errorOf(response)).error).toBe('SERVICE_UNAVAILABLE');
  });

  it('the Novatrade API still requires an Idempotency-Key (400 without one)', async () => {
    const clock = createFakeClock();
    const sender = new WebhookSender({
      transport: createRecordingTransport(),
      clock,
      logger: 'silent',
    });
    const api = createManagementApi(sender, { authenticate, rateLimit: false, logger: 'silent' });
    const response = await api.fetch(
      new Request('http://api.test/v1/webhooks', {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN_A}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://partner.example/hook', events: ['kyc.*'] }),
      }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('rate limits', () => {
  it('by default 100 requests a minute pass at once (no 10-second cap); the 101st answers 429 RATE_LIMIT_EXCEEDED', async () => {
    const { call, clock } = createEudrHarness({ api: { rateLimit: {} } });
    let last: Response | undefined;
    for (let i = 0; i < 100; i++) {
      last = await call('GET', WEBHOOKS);
      expect(last.status).toBe(200);
    }
    expect(last?.headers.get('x-ratelimit-limit')).toBe('100');
    expect(last?.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(last?.headers.get('x-ratelimit-reset')).toBe(String(clock.nowSeconds() + 60));
    const refused = await call('GET', WEBHOOKS);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await errorOf(refused)).toEqual({
      error: 'RATE_LIMIT_EXCEEDED',
      message: '100 requests per minute for webhook category exceeded.',
    });
    clock.advance(60_000);
    expect((await call('GET', WEBHOOKS)).status).toBe(200);
  });

  it('rateLimit.tiers replaces the tier it names; the others keep 100 a minute', async () => {
    const limit = { perMinute: 2, burstPer10s: 2 };
    const { call } = createEudrHarness({
      api: { rateLimit: { tiers: { STANDARD: { read: limit, write: limit, webhook: limit } } } },
    });
    expect((await call('GET', WEBHOOKS)).headers.get('x-ratelimit-limit')).toBe('2');
    await call('GET', WEBHOOKS);
    expect((await call('GET', WEBHOOKS)).status).toBe(429);
    expect(eudrTiers({ STANDARD: { read: limit, write: limit, webhook: limit } })).toEqual({
      ...EUDR_RATE_LIMITS,
      STANDARD: { read: limit, write: limit, webhook: limit },
    });
  });

  it('an unauthenticated request is answered 401 without X-RateLimit headers', async () => {
    const { call } = createEudrHarness({ api: { rateLimit: {} } });
    const response = await call('GET', WEBHOOKS, { org: null });
    expect(response.headers.get('x-ratelimit-limit')).toBeNull();
  });
});

describe('the OpenAPI document', () => {
  it('GET /openapi.json answers without credentials, with every route and the EudrError schema', async () => {
    const { call } = createEudrHarness();
    const response = await call('GET', '/openapi.json', { org: null });
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(document.paths).sort()).toEqual([WEBHOOKS, `${WEBHOOKS}/{id}`]);
    expect(Object.keys(document.paths[WEBHOOKS] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(document.paths[`${WEBHOOKS}/{id}`] ?? {}).sort()).toEqual([
      'delete',
      'get',
      'patch',
    ]);
    expect(document.components.schemas).toHaveProperty('EudrError');
    expect(JSON.stringify(document)).not.toContain('application/problem+json');
  });

  it('openApiPath moves the document; false serves none (401 without credentials)', async () => {
    const moved = createEudrHarness({ api: { openApiPath: '/docs/eudr.json' } });
    expect((await moved.call('GET', '/docs/eudr.json', { org: null })).status).toBe(200);
    const none = createEudrHarness({ api: { openApiPath: false } });
    expect((await none.call('GET', '/openapi.json', { org: null })).status).toBe(401);
  });
});

describe('renderEudrError', () => {
  const context = { url: '/api/v1/integration/webhook-events', requestId: 'req_1' };

  it.each(
    Object.keys(PROBLEM_TYPES) as ProblemTypeSuffix[],
  )('%s renders its EUDR code with the table status, JSON and X-Request-Id', async (type) => {
    const response = renderEudrError({ type, detail: 'Fixed words.' }, context);
    const row = EUDR_ERROR_OF_PROBLEM[type];
    expect(response.status).toBe(row.status);
    const body = await errorOf(response);
    expect(response.headers.get('x-request-id')).toBe('req_1');
    if (type !== 'unauthorized') expect(body.error).toBe(row.code);
    // Every status but VALIDATION_ERROR's is the Novatrade API's.
    if (type !== 'validation-error') expect(row.status).toBe(PROBLEM_TYPES[type].status);
  });

  it('validation-error renders 400 VALIDATION_ERROR with details of field and message only', () => {
    expect(
      eudrErrorBody({
        type: 'validation-error',
        detail: 'x',
        errors: [
          { field: 'events.0', message: 'events.0 is not an accepted value.' },
          {
            field: 'page',
            message: 'page is too small.',
            rejectedValue: 0,
            exposeRejectedValue: true,
          },
        ],
      }),
    ).toEqual({
      status: 400,
      body: {
        error: 'VALIDATION_ERROR',
        message: 'The request has 2 invalid fields; see details.',
        details: [
          { field: 'events.0', message: 'events.0 is not an accepted value.' },
          { field: 'page', message: 'page is too small.' },
        ],
      },
    });
  });

  it('errors on another type are dropped; an unknown type renders 500 INTERNAL_ERROR', () => {
    expect(
      eudrErrorBody({ type: 'not-found', detail: 'Gone.', errors: [{ field: 'a', message: 'b' }] })
        .body,
    ).toEqual({ error: 'NOT_FOUND', message: 'Gone.' });
    expect(eudrErrorBody({ type: 'teapot' as never, detail: 'x' })).toMatchObject({
      status: 500,
      body: { error: 'INTERNAL_ERROR' },
    });
  });

  it('internal-error never shows its detail', () => {
    expect(
      eudrErrorBody({ type: 'internal-error', detail: 'stack trace here' }).body.message,
    ).not.toContain('stack');
  });

  it('unauthorized is INVALID_TOKEN only with error="invalid_token" in WWW-Authenticate (any case of the name)', () => {
    const of = (headers?: Record<string, string>) =>
      eudrErrorBody({ type: 'unauthorized', detail: 'x', ...(headers ? { headers } : {}) }).body
        .error;
    expect(of()).toBe('AUTHENTICATION_REQUIRED');
    expect(of({ 'WWW-Authenticate': 'Bearer' })).toBe('AUTHENTICATION_REQUIRED');
    expect(of({ 'www-authenticate': 'Bearer error="invalid_token"' })).toBe('INVALID_TOKEN');
  });

  it('keeps valid extra headers, drops invalid ones, and never throws', () => {
    const response = renderEudrError(
      {
        type: 'rate-limited',
        detail: 'x',
        headers: { 'Retry-After': '5', 'Bad Header': 'v', 'X-Ok': 'line\nbreak' },
      },
      context,
    );
    expect(response.headers.get('retry-after')).toBe('5');
    const names: string[] = [];
    response.headers.forEach((_value, name) => {
      names.push(name);
    });
    expect(names.sort()).toEqual(['content-type', 'retry-after', 'x-request-id']);
  });
});
