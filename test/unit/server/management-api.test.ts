// createManagementApi: authentication, organization scope, the DPA gate, the HTTP refusals
// (404, 405, 413, 415, 400, 422), request ids, deprecation headers and a storage outage, each
// through `api.fetch` over an in-memory sender (docs/design.md §5.34, §5.35).
import { describe, expect, it } from 'vitest';
import { WebhookStorageError } from '../../../src/core/errors.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import { type Authenticate, createManagementApi } from '../../../src/server/index.js';
import { INTERNAL_ERROR_DETAIL } from '../../../src/server/internal/problem-from-error.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import { recordingLogger } from '../../helpers/log-capture.js';
import {
  type ApiHarness,
  CREATE_BODY,
  createApiHarness,
  createEndpoint,
  headerNamesOf,
  jsonOf,
  ORG_A,
  START_MS,
  TOKEN_A,
} from '../../helpers/management-api-harness.js';
import { storageWith } from '../../helpers/sender-doubles.js';
import { thrown } from '../../helpers/thrown.js';

const BASE = 'https://api.novatrade24.com/problems/';
const VIES = EVENT_FIXTURES['kyc.vies_check_failed'];
const TEST_FIRE = { eventType: VIES.type, data: VIES.data };
const PUBLISH = {
  type: VIES.type,
  data: VIES.data,
  partnerUuid: '11111111-2222-3333-4444-555555555555',
};

/** The problem body of `response`, after checking the problem+json basics. */
async function problemOf(response: Response, suffix: string): Promise<Record<string, unknown>> {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = await jsonOf(response);
  expect(body.type).toBe(`${BASE}${suffix}`);
  expect(body.status).toBe(response.status);
  expect(body.traceId).toBe(response.headers.get('x-request-id'));
  return body;
}

function rateLimitHeaderNames(response: Response): string[] {
  return headerNamesOf(response).filter((name) => name.startsWith('x-ratelimit-'));
}

describe('createManagementApi: authentication', () => {
  const limited = () => createApiHarness({ api: { rateLimit: {} } });

  it('GET /v1/webhooks without Authorization -> 401 unauthorized, WWW-Authenticate: Bearer, X-Request-Id, no rate-limit headers', async () => {
    const response = await limited().call('GET', '/v1/webhooks', { org: null });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-z]{26}$/);
    expect(rateLimitHeaderNames(response)).toEqual([]);
    expect((await problemOf(response, 'unauthorized')).instance).toBe('/v1/webhooks');
  });

  it.each([
    ['another scheme', `Basic ${btoa('user:pass')}`],
    ['a malformed token', 'Bearer not a token'],
    ['a token too short', 'Bearer short'],
    ['an unknown key', 'Bearer tok_unknown_0123456789abcdef'],
    ['an empty bearer', 'Bearer '],
  ])('GET /v1/webhooks with %s -> 401 with WWW-Authenticate: Bearer error="invalid_token" and no rate-limit headers', async (_label, authorization) => {
    const response = await limited().call('GET', '/v1/webhooks', { headers: { authorization } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(rateLimitHeaderNames(response)).toEqual([]);
    await problemOf(response, 'unauthorized');
  });

  it('a 401 write changes nothing: POST /v1/webhooks with an unknown key -> 401 and no endpoint', async () => {
    const harness = createApiHarness();
    const response = await harness.call('POST', '/v1/webhooks', {
      body: CREATE_BODY,
      headers: { authorization: 'Bearer tok_unknown_0123456789abcdef' },
    });
    expect(response.status).toBe(401);
    expect(await harness.sender.listEndpoints(ORG_A)).toEqual([]);
  });

  it('an authenticate that rejects -> 500 internal-error with the generic detail; the error is logged without the token', async () => {
    const logger = recordingLogger();
    const harness = createApiHarness({
      api: {
        logger,
        authenticate: async (request) => {
          throw new Error(`identity provider down for ${request.headers.get('authorization')}`);
        },
      },
    });
    const response = await harness.call('GET', '/v1/webhooks');
    expect(response.status).toBe(500);
    const body = await problemOf(response, 'internal-error');
    expect(body.detail).toBe(INTERNAL_ERROR_DETAIL);
    expect(JSON.stringify(body)).not.toContain(TOKEN_A);
    expect(logger.calls).toHaveLength(1);
    expect(logger.calls[0]).toMatchObject({
      level: 'error',
      fields: {
        requestId: body.traceId,
        method: 'GET',
        path: '/v1/webhooks',
        error: { name: 'Error' },
      },
    });
    expect(JSON.stringify(logger.calls)).not.toContain(TOKEN_A);
    expect(JSON.stringify(logger.calls)).not.toContain('identity provider down');
  });

  it('an authenticate that rejects with authentication_unavailable -> 503 with Retry-After', async () => {
    const harness = createApiHarness({
      api: {
        authenticate: async () => {
          throw new WebhookStorageError('authentication_unavailable', 'JWKS unreachable');
        },
      },
    });
    const response = await harness.call('GET', '/v1/webhooks');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('10');
    await problemOf(response, 'service-unavailable');
  });

  it.each([
    ['no organizationUuid', { tier: 'STANDARD' }],
    ['an empty organizationUuid', { organizationUuid: '' }],
    ['an organizationUuid of 129 characters', { organizationUuid: 'o'.repeat(129) }],
    ['an unknown tier', { organizationUuid: ORG_A, tier: 'GOLD' }],
    ['a string', 'org'],
  ])('an authenticate resolving %s -> 500 internal-error, nothing runs', async (_label, caller) => {
    const logger = recordingLogger();
    const harness = createApiHarness({
      api: { logger, authenticate: (async () => caller) as unknown as Authenticate },
    });
    const response = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY });
    expect(response.status).toBe(500);
    expect((await problemOf(response, 'internal-error')).detail).toBe(INTERNAL_ERROR_DETAIL);
    expect(logger.calls.map((call) => call.level)).toEqual(['error']);
    expect(await harness.sender.listEndpoints(ORG_A)).toEqual([]);
  });
});

describe('createManagementApi: organization scope', () => {
  /** A's endpoint with a DELIVERED delivery, as A sees it before B's calls. */
  async function endpointOfA(harness: ApiHarness) {
    const { id } = await createEndpoint(harness, 'A');
    const published = await harness.call('POST', '/v1/events', { body: PUBLISH });
    expect(published.status).toBe(202);
    await harness.sender.processDue();
    const history = await jsonOf(await harness.call('GET', `/v1/webhooks/${id}/deliveries`));
    const [delivery] = history.data as { id: string; status: string }[];
    expect(delivery?.status).toBe('DELIVERED');
    return { id, deliveryId: String(delivery?.id) };
  }

  async function snapshotOfA(harness: ApiHarness, id: string) {
    const endpoint = await jsonOf(await harness.call('GET', `/v1/webhooks/${id}`));
    const history = await jsonOf(await harness.call('GET', `/v1/webhooks/${id}/deliveries`));
    return { endpoint, history };
  }

  const calls = [
    ['GET', '/v1/webhooks/{id}', undefined],
    ['PATCH', '/v1/webhooks/{id}', { description: 'taken over', url: 'https://evil.example/h' }],
    ['DELETE', '/v1/webhooks/{id}', undefined],
    ['POST', '/v1/webhooks/{id}/test', TEST_FIRE],
    ['POST', '/v1/webhooks/{id}/rotate-secret', { overlapMs: 60_000 }],
    ['GET', '/v1/webhooks/{id}/deliveries', undefined],
    ['GET', '/v1/webhooks/{id}/deliveries/{deliveryId}', undefined],
    ['POST', '/v1/webhooks/{id}/deliveries/{deliveryId}/replay', undefined],
    ['POST', '/v1/webhooks/{id}/deliveries/recover', { since: '2025-01-01T00:00:00Z' }],
  ] as const;

  it.each(
    calls,
  )("%s %s of A's endpoint by B -> 404 not-found (never 403), A's endpoint unchanged", async (method, template, body) => {
    const harness = createApiHarness();
    const { id, deliveryId } = await endpointOfA(harness);
    const before = await snapshotOfA(harness, id);
    const sentBefore = harness.transport.requests.length;
    const path = template.replace('{id}', id).replace('{deliveryId}', deliveryId);
    const response = await harness.call(method, path, { org: 'B', body });
    expect(response.status).toBe(404);
    expect((await problemOf(response, 'not-found')).detail).toBe(
      'No such resource in this organization.',
    );
    expect(await snapshotOfA(harness, id)).toEqual(before);
    await harness.sender.processDue();
    expect(harness.transport.requests).toHaveLength(sentBefore);
  });

  it("GET /v1/webhooks by B -> 200 [] while A has an endpoint; A's list has it", async () => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness, 'A');
    const ofB = await harness.call('GET', '/v1/webhooks', { org: 'B' });
    expect(ofB.status).toBe(200);
    expect(await ofB.json()).toEqual([]);
    const ofA = (await (await harness.call('GET', '/v1/webhooks')).json()) as { id: string }[];
    expect(ofA.map((endpoint) => endpoint.id)).toEqual([id]);
  });

  it("POST /v1/events by B -> no delivery to A's endpoint", async () => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness, 'A');
    const response = await harness.call('POST', '/v1/events', { org: 'B', body: PUBLISH });
    expect(response.status).toBe(202);
    expect((await jsonOf(response)).deliveries).toBe(0);
    const history = await jsonOf(await harness.call('GET', `/v1/webhooks/${id}/deliveries`));
    expect(history.data).toEqual([]);
  });
});

describe('createManagementApi: dpaGate', () => {
  it('dpaGate resolving false -> 403 dpa-not-accepted, nothing runs and no rate-limit headers', async () => {
    const harness = createApiHarness({ api: { rateLimit: {}, dpaGate: async () => false } });
    const response = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY });
    expect(response.status).toBe(403);
    await problemOf(response, 'dpa-not-accepted');
    expect(rateLimitHeaderNames(response)).toEqual([]);
    expect(await harness.sender.listEndpoints(ORG_A)).toEqual([]);
  });

  it('dpaGate returning true -> the request passes (201)', async () => {
    const harness = createApiHarness({ api: { dpaGate: () => true } });
    const response = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY });
    expect(response.status).toBe(201);
  });

  it('dpaGate returning a truthy non-boolean (1) -> 403: only true passes', async () => {
    const gate = (() => 1) as unknown as () => boolean;
    const harness = createApiHarness({ api: { dpaGate: gate } });
    expect((await harness.call('GET', '/v1/webhooks')).status).toBe(403);
  });

  it('dpaGate receives the authenticated caller and the request; per-organization decisions apply', async () => {
    const seen: unknown[] = [];
    const harness = createApiHarness({
      api: {
        dpaGate: (caller, request) => {
          seen.push({ caller, url: request.url });
          return caller.organizationUuid === ORG_A;
        },
      },
    });
    expect((await harness.call('GET', '/v1/webhooks')).status).toBe(200);
    expect((await harness.call('GET', '/v1/webhooks', { org: 'B' })).status).toBe(403);
    expect(seen[0]).toEqual({
      caller: { organizationUuid: ORG_A, tier: 'STANDARD' },
      url: 'http://api.test/v1/webhooks',
    });
  });

  it('a dpaGate that throws -> 500 internal-error', async () => {
    const harness = createApiHarness({
      api: {
        dpaGate: () => {
          throw new Error('registry down');
        },
      },
    });
    const response = await harness.call('GET', '/v1/webhooks');
    expect(response.status).toBe(500);
    await problemOf(response, 'internal-error');
  });

  it('a request without credentials -> 401 before the dpaGate is asked', async () => {
    let asked = 0;
    const harness = createApiHarness({
      api: {
        dpaGate: () => {
          asked += 1;
          return false;
        },
      },
    });
    expect((await harness.call('GET', '/v1/webhooks', { org: null })).status).toBe(401);
    expect(asked).toBe(0);
  });
});

describe('createManagementApi: HTTP refusals', () => {
  it.each([
    ['GET', '/v2/webhooks'],
    ['GET', '/'],
    ['POST', '/v1/nothing'],
    ['GET', '/v1/webhooks/wh_x/unknown'],
  ])('%s %s (unknown path) -> 404 not-found problem', async (method, path) => {
    const response = await createApiHarness().call(method, path);
    expect(response.status).toBe(404);
    expect((await problemOf(response, 'not-found')).instance).toBe(path);
  });

  it.each([
    ['PUT', '/v1/webhooks/wh_x', 'GET, PATCH, DELETE, HEAD'],
    ['DELETE', '/v1/webhooks', 'GET, POST, HEAD'],
    ['GET', '/v1/webhooks/wh_x/test', 'POST'],
    ['GET', '/v1/events', 'POST'],
    ['POST', '/openapi.json', 'GET, HEAD'],
  ])('%s %s (known path, other method) -> 405 with Allow: %s', async (method, path, allow) => {
    const response = await createApiHarness().call(method, path);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    await problemOf(response, 'method-not-allowed');
  });

  it('a write whose body is an empty stream and no Content-Type (what Node adapters pass) -> read as {}: rotate-secret 200, create 422 per missing field', async () => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness);
    const send = (path: string) => {
      const request = new Request(`http://api.test${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN_A}`, 'idempotency-key': `empty-${path}` },
        body: new ReadableStream<Uint8Array>({ start: (controller) => controller.close() }),
        duplex: 'half',
      } as RequestInit);
      expect(request.body).not.toBeNull();
      return harness.api.fetch(request);
    };
    expect((await send(`/v1/webhooks/${id}/rotate-secret`)).status).toBe(200);
    const created = await send('/v1/webhooks');
    expect(created.status).toBe(422);
    const body = await problemOf(created, 'validation-error');
    expect((body.errors as { field: string }[]).map((error) => error.field)).toEqual([
      'url',
      'events',
    ]);
  });

  it('an empty body declared as text/plain (what `body: ""` sets) -> 415: a declared type is checked even when empty', async () => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness);
    const response = await harness.api.fetch(
      new Request(`http://api.test/v1/webhooks/${id}/rotate-secret`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN_A}`, 'idempotency-key': 'empty-text' },
        body: '',
      }),
    );
    expect(response.status).toBe(415);
    await problemOf(response, 'unsupported-media-type');
  });

  it('POST /v1/webhooks/{id}/deliveries/recover with until before since -> 202, an empty range: nothing replayed', async () => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness);
    const response = await harness.call('POST', `/v1/webhooks/${id}/deliveries/recover`, {
      body: { since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' },
    });
    expect(response.status).toBe(202);
    expect(await jsonOf(response)).toStrictEqual({ replayed: 0 });
  });

  it.each([
    ['POST', '/v1/webhooks', 'application/merge-patch+json'],
    ['POST', '/v1/webhooks', 'application/vnd.api+json'],
    ['PATCH', '/v1/webhooks/{id}', 'application/vnd.api+json'],
  ])('%s %s sent as %s -> 415 (merge-patch is for PATCH only)', async (method, template, type) => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness);
    const body = method === 'POST' ? CREATE_BODY : { description: 'x' };
    const response = await harness.call(method, template.replace('{id}', id), {
      body,
      headers: { 'content-type': type },
    });
    expect(response.status).toBe(415);
    await problemOf(response, 'unsupported-media-type');
    expect(await harness.sender.listEndpoints(ORG_A)).toHaveLength(1);
  });

  it('PATCH /v1/webhooks/{id} sent as application/merge-patch+json -> 200, patched', async () => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness);
    const response = await harness.call('PATCH', `/v1/webhooks/${id}`, {
      body: { description: 'merge-patched' },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(response.status).toBe(200);
    expect((await jsonOf(response)).description).toBe('merge-patched');
  });

  it('HEAD /openapi.json without credentials -> 200, public like GET', async () => {
    const response = await createApiHarness().call('HEAD', '/openapi.json', { org: null });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('a secret given as an array -> one error at secret (the wrong type), not a second length error', async () => {
    const response = await createApiHarness().call('POST', '/v1/webhooks', {
      body: { ...CREATE_BODY, secret: ['whsec_0123456789abcdef0123'] },
    });
    expect(response.status).toBe(422);
    const body = await problemOf(response, 'validation-error');
    expect(body.errors).toStrictEqual([{ field: 'secret', message: 'secret has the wrong type.' }]);
    expect(body.detail).toBe('The request has 1 invalid field; see errors.');
  });

  it('a body over maxBodyBytes with a Content-Length -> 413 payload-too-large, nothing created', async () => {
    const harness = createApiHarness({ api: { maxBodyBytes: 64 } });
    const body = JSON.stringify({ ...CREATE_BODY, description: 'd'.repeat(64) });
    const response = await harness.call('POST', '/v1/webhooks', {
      body,
      headers: { 'content-length': String(new TextEncoder().encode(body).byteLength) },
    });
    expect(response.status).toBe(413);
    await problemOf(response, 'payload-too-large');
    expect(await harness.sender.listEndpoints(ORG_A)).toEqual([]);
  });

  it('a streamed body over maxBodyBytes without Content-Length -> 413; the stream is cancelled', async () => {
    const harness = createApiHarness({ api: { maxBodyBytes: 64 } });
    let pulled = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new TextEncoder().encode(' '.repeat(40)));
        if (pulled === 1000) controller.close();
      },
      cancel() {
        cancelled = true;
      },
    });
    const response = await harness.call('POST', '/v1/webhooks', { body });
    expect(response.status).toBe(413);
    await problemOf(response, 'payload-too-large');
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(10);
  });

  it('a streamed body declaring a small Content-Length but sending more -> 413', async () => {
    const harness = createApiHarness({ api: { maxBodyBytes: 64 } });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(200).fill(0x20));
        controller.close();
      },
    });
    const response = await harness.call('POST', '/v1/webhooks', {
      body,
      headers: { 'content-length': '10' },
    });
    expect(response.status).toBe(413);
  });

  it('a body of exactly maxBodyBytes -> read (201), not 413', async () => {
    const text = JSON.stringify(CREATE_BODY);
    const size = new TextEncoder().encode(text).byteLength;
    const harness = createApiHarness({ api: { maxBodyBytes: size } });
    expect((await harness.call('POST', '/v1/webhooks', { body: text })).status).toBe(201);
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['no Content-Type', null],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
  ])('POST /v1/webhooks with a JSON body sent as %s -> 415 unsupported-media-type', async (_label, contentType) => {
    const harness = createApiHarness();
    const response = await harness.call('POST', '/v1/webhooks', {
      body: JSON.stringify(CREATE_BODY),
      headers: { 'content-type': contentType },
    });
    expect(response.status).toBe(415);
    await problemOf(response, 'unsupported-media-type');
    expect(await harness.sender.listEndpoints(ORG_A)).toEqual([]);
  });

  it('POST /v1/webhooks with application/json; charset=utf-8 -> 201', async () => {
    const response = await createApiHarness().call('POST', '/v1/webhooks', {
      body: CREATE_BODY,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.status).toBe(201);
  });

  it('PATCH /v1/webhooks/{id} with application/merge-patch+json -> 200, the patch applied', async () => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness);
    const response = await harness.call('PATCH', `/v1/webhooks/${id}`, {
      body: { description: 'merged' },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(response.status).toBe(200);
    expect((await jsonOf(response)).description).toBe('merged');
  });

  it.each([
    ['{bad json', '{bad json'],
    ['a truncated object', '{"url":"https://partner.example/hook",'],
  ])('POST /v1/webhooks with %s -> 400 malformed-request', async (_label, body) => {
    const response = await createApiHarness().call('POST', '/v1/webhooks', { body });
    expect(response.status).toBe(400);
    await problemOf(response, 'malformed-request');
  });

  it('POST /v1/webhooks with Content-Type: application/json and no body -> 422 naming url and events (read as {})', async () => {
    const harness = createApiHarness();
    const response = await harness.call('POST', '/v1/webhooks', { body: '' });
    expect(response.status).toBe(422);
    const body = await problemOf(response, 'validation-error');
    expect((body.errors as { field: string }[]).map((error) => error.field).sort()).toEqual([
      'events',
      'url',
    ]);
    expect(await harness.sender.listEndpoints(ORG_A)).toEqual([]);
  });

  it('POST /v1/webhooks/{id}/rotate-secret with Content-Type: application/json and no body -> 200 with a new secret', async () => {
    const harness = createApiHarness();
    const { id, secret } = await createEndpoint(harness);
    const response = await harness.call('POST', `/v1/webhooks/${id}/rotate-secret`, { body: '' });
    expect(response.status).toBe(200);
    const rotated = await jsonOf(response);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);
  });

  it('POST /v1/webhooks with invalid UTF-8 bytes in a JSON string -> 400 malformed-request', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('{"url":"'), 0xff, 0xfe, 0x22, 0x7d]);
    const response = await createApiHarness().call('POST', '/v1/webhooks', { body: bytes });
    expect(response.status).toBe(400);
    await problemOf(response, 'malformed-request');
  });

  it('POST /v1/webhooks with an unknown field -> 422 validation-error at `extra`, without its value', async () => {
    const harness = createApiHarness();
    const response = await harness.call('POST', '/v1/webhooks', {
      body: { ...CREATE_BODY, extra: 'value-of-extra' },
    });
    expect(response.status).toBe(422);
    const body = await problemOf(response, 'validation-error');
    expect(body.errors).toEqual([{ field: 'extra', message: 'extra is not a recognized field.' }]);
    expect(JSON.stringify(body)).not.toContain('value-of-extra');
    expect(await harness.sender.listEndpoints(ORG_A)).toEqual([]);
  });

  it('POST /v1/webhooks with a bad UUID in partnerIds -> 422 at partnerIds.0 with rejectedValue', async () => {
    const response = await createApiHarness().call('POST', '/v1/webhooks', {
      body: { ...CREATE_BODY, partnerIds: ['11111111-2222-3333-4444-555555555555', 'not-a-uuid'] },
    });
    expect(response.status).toBe(422);
    expect((await problemOf(response, 'validation-error')).errors).toEqual([
      {
        field: 'partnerIds.1',
        message: 'partnerIds.1 does not have the required format.',
        rejectedValue: 'not-a-uuid',
      },
    ]);
  });

  it('POST /v1/webhooks with partnerIds: ["not-a-uuid"] -> 422 at partnerIds.0', async () => {
    const response = await createApiHarness().call('POST', '/v1/webhooks', {
      body: { ...CREATE_BODY, partnerIds: ['not-a-uuid'] },
    });
    const body = await problemOf(response, 'validation-error');
    expect(body.errors).toEqual([
      expect.objectContaining({ field: 'partnerIds.0', rejectedValue: 'not-a-uuid' }),
    ]);
  });

  it.each([
    ['partnerIds', { partnerIds: ['whsec_c2VjcmV0LXZhbHVlLTAxMjM0NTY3'] }, 'partnerIds.0'],
    ['events (too long)', { events: [`whsec_${'s'.repeat(250)}`] }, 'events.0'],
    ['secret (wrong type)', { secret: ['whsec_c2VjcmV0LXZhbHVlLTAxMjM0NTY3'] }, 'secret'],
    ['secret (too short)', { secret: 'whsec_short' }, 'secret'],
  ])('a secret-like value refused in %s -> 422 at the field, the value never sent back', async (_label, fields, field) => {
    const response = await createApiHarness().call('POST', '/v1/webhooks', {
      body: { ...CREATE_BODY, ...fields },
    });
    expect(response.status).toBe(422);
    const text = await response.clone().text();
    const body = await problemOf(response, 'validation-error');
    const errors = body.errors as { field: string; rejectedValue?: unknown }[];
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.field).toBe(field);
      expect(error).not.toHaveProperty('rejectedValue');
    }
    expect(text).not.toContain('whsec_');
  });

  it.each([
    ['size=0', 'size'],
    ['size=101', 'size'],
    ['size=1.5', 'size'],
    ['page=-1', 'page'],
    ['page=abc', 'page'],
    ['sort=bogus', 'sort'],
    ['sort=createdAt,up', 'sort'],
    ['status=LOST', 'status'],
    ['since=yesterday', 'since'],
    ['since=2026-04-21T10:00:00.1234567890Z', 'since'],
    ['size=1&size=2', 'size'],
  ])('GET /v1/webhooks/{id}/deliveries?%s -> 422 validation-error at %s', async (query, field) => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness);
    const response = await harness.call('GET', `/v1/webhooks/${id}/deliveries?${query}`);
    expect(response.status).toBe(422);
    const body = await problemOf(response, 'validation-error');
    expect((body.errors as { field: string }[]).map((error) => error.field)).toEqual([field]);
    expect(body.instance).toBe(`/v1/webhooks/${id}/deliveries`);
  });

  it('GET /v1/webhooks/{id}/deliveries?page=0&size=100&sort=lastAttemptAt,asc&status=FAILED -> 200', async () => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness);
    const response = await harness.call(
      'GET',
      `/v1/webhooks/${id}/deliveries?page=0&size=100&sort=lastAttemptAt,asc&status=FAILED&since=2025-01-01T00:00:00Z`,
    );
    expect(response.status).toBe(200);
    expect((await jsonOf(response)).pagination).toMatchObject({ page: 0, size: 100 });
  });

  it.each([
    ['a dot', '/v1/webhooks/wh.x'],
    ['an encoded space', '/v1/webhooks/wh%20x'],
    ['an encoded slash', '/v1/webhooks/wh%2Fx'],
    ['a non-ASCII character', '/v1/webhooks/wh_%C3%A9'],
    ['129 characters', `/v1/webhooks/${'w'.repeat(129)}`],
    ['an encoded NUL', '/v1/webhooks/wh%00'],
  ])('GET of an endpoint id with %s -> 404 not-found', async (_label, path) => {
    const response = await createApiHarness().call('GET', path);
    expect(response.status).toBe(404);
    await problemOf(response, 'not-found');
  });

  it('DELETE of an endpoint id with odd characters -> 404 not-found', async () => {
    const response = await createApiHarness().call('DELETE', '/v1/webhooks/wh%20x');
    expect(response.status).toBe(404);
    await problemOf(response, 'not-found');
  });
});

describe('createManagementApi: X-Request-Id', () => {
  it('a sane X-Request-Id (a UUID) -> echoed and used as the problem traceId', async () => {
    const requestId = 'f0e1d2c3-b4a5-4968-8776-655443322110';
    const response = await createApiHarness().call('GET', '/v1/webhooks/wh_missing', {
      headers: { 'x-request-id': requestId },
    });
    expect(response.headers.get('x-request-id')).toBe(requestId);
    expect((await problemOf(response, 'not-found')).traceId).toBe(requestId);
  });

  it('a sane X-Request-Id on a success -> echoed', async () => {
    const response = await createApiHarness().call('GET', '/v1/webhooks', {
      headers: { 'x-request-id': 'trace-42' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-42');
  });

  it.each([
    ['too long (129 characters)', 'r'.repeat(129)],
    ['a control character', 'abc\u0001def'],
    ['a space', 'abc def'],
    ['a non-ASCII character', 'abc\u00e9'],
  ])('an X-Request-Id with %s -> replaced by a generated req_… id, which is the traceId', async (_label, requestId) => {
    const response = await createApiHarness().call('GET', '/v1/webhooks/wh_missing', {
      headers: { 'x-request-id': requestId },
    });
    const echoed = response.headers.get('x-request-id');
    expect(echoed).toMatch(/^req_[0-9a-z]{26}$/);
    expect((await problemOf(response, 'not-found')).traceId).toBe(echoed);
  });

  it('an X-Request-Id of exactly 128 characters -> echoed', async () => {
    const requestId = 'r'.repeat(128);
    const response = await createApiHarness().call('GET', '/v1/webhooks', {
      headers: { 'x-request-id': requestId },
    });
    expect(response.headers.get('x-request-id')).toBe(requestId);
  });
});

describe('createManagementApi: deprecations', () => {
  const sunset = new Date(Date.UTC(2027, 0, 1));
  const deprecated = () =>
    createApiHarness({
      api: {
        deprecations: {
          'GET /v1/webhooks/{id}': { sunset, successor: 'https://api.example/v2/webhooks' },
        },
      },
    });

  it('GET /v1/webhooks/{id} (configured) -> Deprecation: true, Sunset and the successor Link', async () => {
    const harness = deprecated();
    const { id } = await createEndpoint(harness);
    const response = await harness.call('GET', `/v1/webhooks/${id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('deprecation')).toBe('true');
    expect(response.headers.get('sunset')).toBe('Fri, 01 Jan 2027 00:00:00 GMT');
    expect(response.headers.get('link')).toBe(
      '<https://api.example/v2/webhooks>; rel="successor-version"',
    );
  });

  it('a 404 of the configured route carries the deprecation headers too', async () => {
    const response = await deprecated().call('GET', '/v1/webhooks/wh_missing');
    expect(response.status).toBe(404);
    expect(response.headers.get('deprecation')).toBe('true');
  });

  it('other routes on the same path or prefix -> no Deprecation, Sunset or Link', async () => {
    const harness = deprecated();
    const { id } = await createEndpoint(harness);
    const others = [
      await harness.call('GET', '/v1/webhooks'),
      await harness.call('PATCH', `/v1/webhooks/${id}`, { body: { description: 'x' } }),
      await harness.call('GET', `/v1/webhooks/${id}/deliveries`),
      await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY }),
    ];
    for (const response of others) {
      expect(response.status).toBeLessThan(300);
      expect(response.headers.get('deprecation')).toBeNull();
      expect(response.headers.get('sunset')).toBeNull();
      expect(response.headers.get('link')).toBeNull();
    }
  });

  it('deprecation: a Date -> Deprecation: @<unix seconds>', async () => {
    const since = new Date(START_MS);
    const harness = createApiHarness({
      api: { deprecations: { 'GET /v1/webhooks': { deprecation: since } } },
    });
    const response = await harness.call('GET', '/v1/webhooks');
    expect(response.headers.get('deprecation')).toBe(`@${START_MS / 1000}`);
    expect(response.headers.get('sunset')).toBeNull();
  });

  it.each([
    ['an unknown path', 'GET /v1/nothing'],
    ['an unknown method', 'PUT /v1/webhooks/{id}'],
    ['a concrete path instead of the template', 'GET /v1/webhooks/wh_1'],
  ])('a deprecation naming %s -> invalid_option at deprecations on construction', (_label, key) => {
    const harness = createApiHarness();
    const error = thrown(() =>
      createManagementApi(harness.sender, {
        authenticate: async () => null,
        deprecations: { [key]: { sunset } },
      }),
    );
    expect(error.code).toBe('invalid_option');
    expect(error.issues[0]?.path).toBe('deprecations');
  });
});

describe('createManagementApi: storage outage', () => {
  const down = () => {
    throw new WebhookStorageError('storage_unavailable', 'connection refused');
  };

  it('GET /v1/webhooks while storage calls throw storage_unavailable -> 503 service-unavailable with Retry-After, logged', async () => {
    const logger = recordingLogger();
    const storage = storageWith(new MemoryStorage(), { listEndpoints: async () => down() });
    const harness = createApiHarness({ storage, api: { logger } });
    const response = await harness.call('GET', '/v1/webhooks');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('10');
    await problemOf(response, 'service-unavailable');
    expect(logger.calls).toHaveLength(1);
    expect(logger.calls[0]?.fields).toMatchObject({
      error: { name: 'WebhookStorageError', code: 'storage_unavailable' },
    });
  });

  it('POST /v1/webhooks while insertEndpoint throws -> 503 with the configured retryAfterSeconds', async () => {
    const storage = storageWith(new MemoryStorage(), { insertEndpoint: async () => down() });
    const harness = createApiHarness({ storage, api: { retryAfterSeconds: 7 } });
    const response = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(JSON.stringify(await problemOf(response, 'service-unavailable'))).not.toContain(
      'connection refused',
    );
  });

  it('a storage call throwing a plain Error -> 500 internal-error with the generic detail', async () => {
    const storage = storageWith(new MemoryStorage(), {
      listEndpoints: async () => {
        throw new Error('secret internals');
      },
    });
    const response = await createApiHarness({ storage }).call('GET', '/v1/webhooks');
    expect(response.status).toBe(500);
    const body = await problemOf(response, 'internal-error');
    expect(body.detail).toBe(INTERNAL_ERROR_DETAIL);
    expect(JSON.stringify(body)).not.toContain('secret internals');
  });
});

describe('createManagementApi: the routes answer', () => {
  it('POST /v1/webhooks -> 201 with Location and the one-time secret; GET and list never show it', async () => {
    const harness = createApiHarness();
    const response = await harness.call('POST', '/v1/webhooks', { body: CREATE_BODY });
    expect(response.status).toBe(201);
    const created = await jsonOf(response);
    expect(response.headers.get('location')).toBe(`/v1/webhooks/${String(created.id)}`);
    expect(created.secret).toMatch(/^whsec_/);
    const shown = await harness.call('GET', `/v1/webhooks/${String(created.id)}`);
    const listed = await harness.call('GET', '/v1/webhooks');
    expect(await shown.text()).not.toContain(String(created.secret));
    expect(await listed.text()).not.toContain(String(created.secret));
  });

  it('DELETE /v1/webhooks/{id} -> 204 without a body; then GET -> 404', async () => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness);
    const response = await harness.call('DELETE', `/v1/webhooks/${id}`);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect((await harness.call('GET', `/v1/webhooks/${id}`)).status).toBe(404);
  });

  it('POST /v1/webhooks/{id}/test -> 202 with a test delivery, sent by processDue', async () => {
    const harness = createApiHarness();
    const { id } = await createEndpoint(harness);
    const response = await harness.call('POST', `/v1/webhooks/${id}/test`, { body: TEST_FIRE });
    expect(response.status).toBe(202);
    expect(await jsonOf(response)).toMatchObject({ endpointId: id, test: true, status: 'PENDING' });
    await harness.sender.processDue();
    expect(harness.transport.requests).toHaveLength(1);
  });

  it('POST /v1/events with ingest: false -> 404', async () => {
    const harness = createApiHarness({ api: { ingest: false } });
    const response = await harness.call('POST', '/v1/events', { body: PUBLISH });
    expect(response.status).toBe(404);
  });

  it('GET /openapi.json without credentials -> 200, the document', async () => {
    const response = await createApiHarness().call('GET', '/openapi.json', { org: null });
    expect(response.status).toBe(200);
    expect((await jsonOf(response)).openapi).toBe('3.1.0');
  });
});

describe('createManagementApi: fetch never rejects', () => {
  const failingLogger = {
    debug() {},
    info() {},
    warn() {},
    error() {
      throw new Error('log sink down');
    },
  };

  it('an authenticate that rejects and a logger that throws -> still a 500 internal-error problem', async () => {
    const harness = createApiHarness({
      api: {
        authenticate: async () => {
          throw new Error('identity provider down');
        },
        logger: failingLogger,
      },
    });
    const response = await harness.api.fetch(
      new Request('http://api.test/v1/webhooks', { headers: { 'x-request-id': 'req-trace-1' } }),
    );
    expect(response.status).toBe(500);
    const body = await problemOf(response, 'internal-error');
    expect(body.traceId).toBe('req-trace-1');
    expect(JSON.stringify(body)).not.toContain('identity provider down');
  });

  it('an argument that is not a Request -> a 500 problem, not a rejection', async () => {
    const harness = createApiHarness();
    const response = await harness.api.fetch({} as Request);
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { status: number }).status).toBe(500);
  });
});
