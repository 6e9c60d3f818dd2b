// The OpenAPI 3.1 document the management API serves (docs/server.md; the routes of
// docs/design.md §6.4 and this SDK's extensions), read the way a client reads it: `GET
// /openapi.json` through the API's Fetch handler. Also the response validator of
// test/helpers/openapi-response-validator.ts, which the end-to-end suites rely on: it must fail
// on every kind of mismatch, or their checks would prove nothing.
import { describe, expect, it } from 'vitest';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import {
  apiKeyAuthenticator,
  createManagementApi,
  type ManagementApiOptions,
} from '../../../src/server/index.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { createRecordingTransport } from '../../../src/testing/create-recording-transport.js';
import {
  createOpenApiResponseValidator,
  createValidatingClient,
  fetchOpenApiDocument,
  type OpenApiDocument,
} from '../../helpers/openapi-response-validator.js';

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const TOKEN = 'tok_0123456789abcdef';
const PROBLEM_REF = '#/components/schemas/Problem';

type Json = Record<string, unknown>;

function makeApi(options: Partial<ManagementApiOptions> = {}) {
  const sender = new WebhookSender({
    transport: createRecordingTransport(),
    clock: createFakeClock({ nowMs: Date.parse('2026-05-01T00:00:00Z') }),
    logger: 'silent',
  });
  const api = createManagementApi(sender, {
    authenticate: apiKeyAuthenticator([{ token: TOKEN, organizationUuid: ORG }]),
    rateLimit: false,
    logger: 'silent',
    ...options,
  });
  return { sender, api };
}

async function served(options: Partial<ManagementApiOptions> = {}) {
  const { api, sender } = makeApi(options);
  const document = await fetchOpenApiDocument(api);
  const validator = createOpenApiResponseValidator(document);
  const client = createValidatingClient(api, validator, { token: TOKEN });
  return { api, sender, document, validator, client };
}

const operations = (document: OpenApiDocument) =>
  Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );

const responsesOf = (document: OpenApiDocument, method: string, path: string) =>
  ((document.paths as Record<string, Record<string, Json>>)[path]?.[method]?.responses ??
    {}) as Record<string, Json>;

const schemaOf = (response: Json | undefined, mediaType = 'application/json') =>
  ((response?.content as Record<string, Json> | undefined)?.[mediaType]?.schema ?? undefined) as
    | Json
    | undefined;

/** Every operation: the spec's routes, then the extensions, with the documented success. */
const ROUTES: readonly {
  readonly method: string;
  readonly path: string;
  readonly status: string;
  readonly schema: Json | null;
}[] = [
  {
    method: 'get',
    path: '/v1/webhooks',
    status: '200',
    schema: { type: 'array', items: { $ref: '#/components/schemas/WebhookEndpoint' } },
  },
  {
    method: 'post',
    path: '/v1/webhooks',
    status: '201',
    schema: { $ref: '#/components/schemas/CreatedWebhookEndpoint' },
  },
  {
    method: 'get',
    path: '/v1/webhooks/{id}',
    status: '200',
    schema: { $ref: '#/components/schemas/WebhookEndpoint' },
  },
  {
    method: 'patch',
    path: '/v1/webhooks/{id}',
    status: '200',
    schema: { $ref: '#/components/schemas/WebhookEndpoint' },
  },
  { method: 'delete', path: '/v1/webhooks/{id}', status: '204', schema: null },
  {
    method: 'post',
    path: '/v1/webhooks/{id}/test',
    status: '202',
    schema: { $ref: '#/components/schemas/WebhookDelivery' },
  },
  {
    method: 'get',
    path: '/v1/webhooks/{id}/deliveries',
    status: '200',
    schema: { $ref: '#/components/schemas/WebhookDeliveryPage' },
  },
  {
    method: 'post',
    path: '/v1/webhooks/{id}/deliveries/{deliveryId}/replay',
    status: '202',
    schema: { $ref: '#/components/schemas/WebhookDelivery' },
  },
  // Extensions.
  {
    method: 'post',
    path: '/v1/webhooks/{id}/rotate-secret',
    status: '200',
    schema: { $ref: '#/components/schemas/RotatedSecret' },
  },
  {
    method: 'get',
    path: '/v1/webhooks/{id}/deliveries/{deliveryId}',
    status: '200',
    schema: { $ref: '#/components/schemas/WebhookDeliveryDetail' },
  },
  {
    method: 'post',
    path: '/v1/webhooks/{id}/deliveries/recover',
    status: '202',
    schema: { $ref: '#/components/schemas/RecoveredDeliveries' },
  },
  {
    method: 'post',
    path: '/v1/events',
    status: '202',
    schema: { $ref: '#/components/schemas/PublishedEvent' },
  },
];

describe('GET /openapi.json (the served OpenAPI document)', () => {
  it('GET /openapi.json without a token answers 200 application/json: OpenAPI 3.1.0, the same document as openApiDocument()', async () => {
    const { api } = makeApi();
    const response = await api.fetch(new Request('http://api.test/openapi.json'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const document = (await response.json()) as Json;
    expect(document).toMatchObject({
      openapi: '3.1.0',
      info: { title: expect.any(String), version: '1.0.0' },
    });
    expect(document).toEqual(api.openApiDocument());
  });

  it('documents every route of the spec and every extension, each with exactly its success status and schema, and nothing else', async () => {
    const { document } = await served();
    const documented = operations(document).map(({ method, path }) => `${method} ${path}`);
    expect(documented.sort()).toEqual(ROUTES.map(({ method, path }) => `${method} ${path}`).sort());
    for (const route of ROUTES) {
      const responses = responsesOf(document, route.method, route.path);
      const successes = Object.keys(responses).filter((status) => status.startsWith('2'));
      expect(successes, `${route.method} ${route.path}`).toEqual([route.status]);
      const success = responses[route.status];
      if (route.schema === null) {
        expect(success?.content, `${route.method} ${route.path}`).toBeUndefined();
      } else {
        expect(schemaOf(success), `${route.method} ${route.path}`).toEqual(route.schema);
      }
    }
    // The create answer says where the endpoint lives.
    expect(responsesOf(document, 'post', '/v1/webhooks')['201']?.headers).toHaveProperty(
      'Location',
    );
  });

  it('documents the Idempotency-Key header parameter as required on every write (POST, PATCH, DELETE), 1 to 255 characters', async () => {
    const { document } = await served();
    const writes = operations(document).filter(({ method }) =>
      ['post', 'patch', 'delete', 'put'].includes(method),
    );
    expect(writes).toHaveLength(8);
    for (const { method, path, operation } of writes) {
      const parameters = (operation.parameters ?? []) as Json[];
      const key = parameters.find(
        (p) => p.in === 'header' && String(p.name).toLowerCase() === 'idempotency-key',
      );
      expect(key, `${method} ${path}`).toMatchObject({
        required: true,
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      });
    }
    const reads = operations(document).filter(({ method }) => method === 'get');
    for (const { path, operation } of reads) {
      const parameters = (operation.parameters ?? []) as Json[];
      expect(
        parameters.some((p) => String(p.name).toLowerCase() === 'idempotency-key'),
        `get ${path}`,
      ).toBe(false);
    }
  });

  it('documents 401, 429 and 500 on every operation (404 on every one with an {id}; 400, 413, 415, 422 on every write), each as application/problem+json with the Problem schema', async () => {
    const { document } = await served();
    for (const { method, path, operation } of operations(document)) {
      const responses = operation.responses as Record<string, Json>;
      const expected = ['401', '429', '500'];
      if (path.includes('{id}')) expected.push('404');
      if (method !== 'get') expected.push('400', '413', '415', '422');
      for (const status of expected) {
        expect(
          schemaOf(responses[status], 'application/problem+json'),
          `${method} ${path} ${status}`,
        ).toEqual({ $ref: PROBLEM_REF });
      }
    }
    const problem = (document.components as Json).schemas as Record<string, Json>;
    expect(problem.Problem).toMatchObject({
      type: 'object',
      required: expect.arrayContaining([
        'type',
        'title',
        'status',
        'detail',
        'instance',
        'traceId',
      ]),
    });
  });

  it('declares the bearer security scheme and applies it to the whole document', async () => {
    const { document } = await served();
    expect((document.components as Json).securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    expect(document.security).toEqual([{ bearerAuth: [] }]);
  });

  it('documents the history query: status, exclusive since, zero-based page (default 0), size 1 to 100 (default 20), sort (default createdAt,desc)', async () => {
    const { document } = await served();
    const history = (document.paths as Record<string, Record<string, Json>>)[
      '/v1/webhooks/{id}/deliveries'
    ]?.get;
    const query = Object.fromEntries(
      ((history?.parameters ?? []) as Json[])
        .filter((p) => p.in === 'query')
        .map((p) => [p.name, p.schema as Json]),
    );
    expect(Object.keys(query).sort()).toEqual(['page', 'since', 'size', 'sort', 'status']);
    expect(query.status).toMatchObject({ enum: ['PENDING', 'DELIVERED', 'FAILED'] });
    expect(query.since).toMatchObject({ type: 'string', format: 'date-time' });
    expect(query.page).toMatchObject({ type: 'integer', minimum: 0, default: 0 });
    expect(query.size).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
    expect(query.sort).toMatchObject({ type: 'string', default: 'createdAt,desc' });
  });

  it('ingest: false leaves POST /v1/events out of the document and answers it 404', async () => {
    const { document, client } = await served({ ingest: false });
    expect(Object.keys(document.paths as Json)).not.toContain('/v1/events');
    const answer = await client.send('POST', '/v1/events', {
      json: { type: 'compliance.decision_made', data: {} },
    });
    expect(answer.status).toBe(404);
  });

  it("openApiPath: '/docs/openapi.json' serves the document there, unauthenticated; /openapi.json is then an authenticated 404 problem", async () => {
    const { api } = makeApi({ openApiPath: '/docs/openapi.json' });
    const document = await fetchOpenApiDocument(api, '/docs/openapi.json');
    expect(document).toEqual(api.openApiDocument());
    const validator = createOpenApiResponseValidator(document);
    const client = createValidatingClient(api, validator, { token: TOKEN });
    expect((await client.send('GET', '/openapi.json')).status).toBe(404);
  });

  it('openApiPath: false serves no document: GET /openapi.json is a 401 problem without a token and a 404 problem with one', async () => {
    const { validator } = await served();
    const { api } = makeApi({ openApiPath: false });
    const anonymous = await api.fetch(new Request('http://api.test/openapi.json'));
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await validator.assertProblem('/openapi.json', anonymous, 401)).toMatchObject({
      type: 'https://api.novatrade24.com/problems/unauthorized',
    });
    const authenticated = await api.fetch(
      new Request('http://api.test/openapi.json', {
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
    );
    expect(await validator.assertProblem('/openapi.json', authenticated, 404)).toMatchObject({
      type: 'https://api.novatrade24.com/problems/not-found',
    });
    // The document itself is still there for the host to serve.
    expect(api.openApiDocument()).toMatchObject({ openapi: '3.1.0' });
  });
});

describe('createOpenApiResponseValidator (test helper)', () => {
  const json = (body: unknown, status = 200, contentType = 'application/json') =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': contentType, 'x-request-id': 'req_1' },
    });

  // `new Response(body, { status: 204 })` throws; a server on the wire can still send one.
  const withStatus = (response: Response, status: number): Response =>
    Object.defineProperty(response, 'status', { value: status });

  async function endpointView() {
    const { client } = await served();
    const created = await client.send<Json>('POST', '/v1/webhooks', {
      json: { url: 'https://partner.example/hook', events: ['kyc.*'] },
    });
    const { secret: _secret, ...view } = created.body;
    return { client, view };
  }

  it('accepts the answers of the real API: create 201, list 200, get 200, delete 204, a 404 problem, a 401 problem', async () => {
    const { api, client, validator } = await served();
    const created = await client.send<Json>('POST', '/v1/webhooks', {
      json: { url: 'https://partner.example/hook', events: ['kyc.*'] },
    });
    expect(created.status).toBe(201);
    expect((await client.send('GET', '/v1/webhooks')).status).toBe(200);
    expect((await client.send('GET', `/v1/webhooks/${created.body.id}`)).status).toBe(200);
    expect((await client.send('DELETE', `/v1/webhooks/${created.body.id}`)).status).toBe(204);
    expect((await client.send('GET', `/v1/webhooks/${created.body.id}`)).status).toBe(404);
    const anonymous = await api.fetch(new Request('http://api.test/v1/webhooks'));
    expect(await validator.assertResponse('GET', '/v1/webhooks', anonymous)).toMatchObject({
      status: 401,
    });
  });

  it('rejects a 200 body without a required field, naming the operation, the status and the field', async () => {
    const { client, view } = await endpointView();
    const { url: _url, ...withoutUrl } = view;
    await expect(
      client.validator.assertResponse('GET', `/v1/webhooks/${view.id}`, json(withoutUrl)),
    ).rejects.toThrow(
      /GET \/v1\/webhooks\/\{id\} -> 200: .*does not match the documented schema: .*must have required property 'url'/,
    );
  });

  it('rejects a field of the wrong type, a value outside its enum and a timestamp that is not a date-time', async () => {
    const { client, view } = await endpointView();
    const path = `/v1/webhooks/${view.id}`;
    await expect(
      client.validator.assertResponse('GET', path, json({ ...view, consecutiveFailures: '0' })),
    ).rejects.toThrow(/\/consecutiveFailures must be integer/);
    await expect(
      client.validator.assertResponse('GET', path, json({ ...view, status: 'RUNNING' })),
    ).rejects.toThrow(/\/status must be equal to one of the allowed values/);
    await expect(
      client.validator.assertResponse('GET', path, json({ ...view, createdAt: 'yesterday' })),
    ).rejects.toThrow(/\/createdAt must match format "date-time"/);
    // A list must be a bare array.
    await expect(
      client.validator.assertResponse('GET', '/v1/webhooks', json({ data: [view] })),
    ).rejects.toThrow(/GET \/v1\/webhooks -> 200: .*\(root\) must be array/);
  });

  it('rejects an undocumented status, an undocumented content type, a non-JSON body and a 204 with a body', async () => {
    const { client, view } = await endpointView();
    const path = `/v1/webhooks/${view.id}`;
    await expect(client.validator.assertResponse('GET', path, json(view, 201))).rejects.toThrow(
      /GET \/v1\/webhooks\/\{id\} -> 201: status not documented/,
    );
    await expect(
      client.validator.assertResponse('GET', path, json(view, 200, 'text/plain')),
    ).rejects.toThrow(/content type text\/plain is not documented/);
    await expect(
      client.validator.assertResponse(
        'GET',
        path,
        new Response('{not json', {
          headers: { 'content-type': 'application/json', 'x-request-id': 'req_1' },
        }),
      ),
    ).rejects.toThrow(/the body is not JSON/);
    await expect(
      client.validator.assertResponse(
        'DELETE',
        path,
        withStatus(new Response('{}', { headers: { 'x-request-id': 'req_1' } }), 204),
      ),
    ).rejects.toThrow(/DELETE \/v1\/webhooks\/\{id\} -> 204: expected an empty body/);
    // A success must not be sent as a problem, nor a problem as plain JSON.
    await expect(
      client.validator.assertResponse('GET', path, json(view, 200, 'application/problem+json')),
    ).rejects.toThrow(/content type application\/problem\+json is not documented/);
  });

  it('rejects problems that break the Problem schema or its invariants (status, instance, traceId)', async () => {
    const { validator } = await served();
    const problem = {
      type: 'https://api.novatrade24.com/problems/not-found',
      title: 'Not Found',
      status: 404,
      detail: 'No such resource in this organization.',
      instance: '/v1/webhooks/wh_1',
      traceId: 'req_1',
    };
    const send = (body: unknown, status = 404) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/problem+json', 'x-request-id': 'req_1' },
      });
    await expect(
      validator.assertResponse('GET', '/v1/webhooks/wh_1', send(problem)),
    ).resolves.toEqual(problem);
    const { traceId: _traceId, ...withoutTraceId } = problem;
    await expect(
      validator.assertResponse('GET', '/v1/webhooks/wh_1', send(withoutTraceId)),
    ).rejects.toThrow(/must have required property 'traceId'/);
    await expect(
      validator.assertResponse('GET', '/v1/webhooks/wh_1', send({ ...problem, status: 400 })),
    ).rejects.toThrow(/body status is not 404/);
    await expect(
      validator.assertResponse('GET', '/v1/webhooks/wh_2', send(problem)),
    ).rejects.toThrow(/instance is not the request path/);
    await expect(
      validator.assertResponse('GET', '/v1/webhooks/wh_1', send({ ...problem, traceId: 'req_2' })),
    ).rejects.toThrow(/traceId is not the X-Request-Id header/);
    await expect(validator.assertProblem('/nowhere', json(problem, 404), 404)).rejects.toThrow(
      /is not problem\+json/,
    );
    await expect(validator.assertProblem('/v1/webhooks/wh_1', send(problem), 405)).rejects.toThrow(
      /expected status 405/,
    );
  });

  it('rejects a path the document does not have and a method it does not document for a path', async () => {
    const { validator } = await served();
    await expect(validator.assertResponse('GET', '/v2/webhooks', json([]))).rejects.toThrow(
      /no documented path matches \/v2\/webhooks/,
    );
    await expect(validator.assertResponse('PUT', '/v1/webhooks/wh_1', json({}))).rejects.toThrow(
      /PUT \/v1\/webhooks\/\{id\} is not documented \(documented: GET, PATCH, DELETE\)/,
    );
    // The most literal template wins: recover is not a delivery id.
    expect(validator.resolve('POST', '/v1/webhooks/wh_1/deliveries/recover?x=1').template).toBe(
      '/v1/webhooks/{id}/deliveries/recover',
    );
    expect(
      validator.resolve('GET', 'http://api.test/v1/webhooks/wh_1/deliveries/del_1'),
    ).toMatchObject({ template: '/v1/webhooks/{id}/deliveries/{deliveryId}', method: 'get' });
  });

  it('rejects a missing header the document marks required, and a present documented header that does not fit its schema', async () => {
    const { document } = await served();
    const validator = createOpenApiResponseValidator(document);
    const withoutId = new Response('[]', { headers: { 'content-type': 'application/json' } });
    await expect(validator.assertResponse('GET', '/v1/webhooks', withoutId)).rejects.toThrow(
      /GET \/v1\/webhooks -> 200: required header X-Request-Id missing/,
    );
    const withId = new Response('[]', {
      headers: { 'content-type': 'application/json', 'x-request-id': 'req_1' },
    });
    await expect(validator.assertResponse('GET', '/v1/webhooks', withId)).resolves.toEqual([]);
    const badLimit = new Response('[]', {
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'req_1',
        'x-ratelimit-limit': 'ten',
      },
    });
    await expect(
      createOpenApiResponseValidator(document).assertResponse('GET', '/v1/webhooks', badLimit),
    ).rejects.toThrow(
      /header X-RateLimit-Limit does not match its schema: \(root\) must be integer/,
    );
  });

  it('refuses a document that is not OpenAPI 3.1.0', () => {
    expect(() => createOpenApiResponseValidator({ openapi: '3.0.3', paths: {} })).toThrow(
      /OpenAPI 3\.1\.0/,
    );
  });
});
