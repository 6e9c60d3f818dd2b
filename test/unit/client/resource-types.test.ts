// The drift check between the client's hand-written types (src/client/*-types.ts) and the
// server's zod schemas (docs/design.md §5.37). Three links, each failing on its own:
//
// 1. Types (checked by `tsc -p test/tsconfig.json`, which CI runs; vitest does not type-check):
//    every resource equals `z.output` of its response schema, every body `z.input` of its request
//    schema, field by field, optionality and enum values included.
// 2. The checked-in field lists below: `satisfies PresenceOf<T>` makes tsc refuse a list that
//    misses, adds or mis-marks a field of the client type; at run time each list must equal the
//    properties and `required` of its component in the OpenAPI document the server serves.
// 3. Routes: every client method, run against a fake core, must name an operation of the
//    document (method and path template), whose success status and response/request components
//    are those of the client type the method is typed with; the history and EUDR list queries
//    send exactly the document's parameters.

import type { z } from '@hono/zod-openapi';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ApiResponse } from '../../../src/client/api-response.js';
import type {
  CreatedEudrWebhook,
  EudrWebhook,
  EudrWebhookListQuery,
  EudrWebhookPage,
  RegisterEudrWebhookInput,
  UpdateEudrWebhookInput,
} from '../../../src/client/eudr-types.js';
import type {
  CreateWebhookEndpointInput,
  DeliveryListQuery,
  PublishEventInput,
  RecoverDeliveriesInput,
  RotateSecretInput,
  TestFireInput,
  UntypedEventDataMap,
  UpdateWebhookEndpointInput,
} from '../../../src/client/input-types.js';
import { bindEudrWebhooksClient } from '../../../src/client/internal/eudr-routes.js';
import { bindWebhooksClient } from '../../../src/client/internal/webhooks-routes.js';
import type {
  CreatedWebhookEndpoint,
  DeliveryAttempt,
  DeliveryDetail,
  DeliveryPage,
  Pagination,
  PublishedEvent,
  RecoverResult,
  RotatedSecret,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookEndpoint,
  WebhookEndpointStatus,
} from '../../../src/client/resource-types.js';
import { EUDR_PROFILE } from '../../../src/sender/index.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { createEudrManagementApi, createManagementApi } from '../../../src/server/index.js';
import type {
  createdEudrWebhookSchema,
  createEudrWebhookBodySchema,
  eudrListQuerySchema,
  eudrWebhookPageSchema,
  eudrWebhookSchema,
  updateEudrWebhookBodySchema,
} from '../../../src/server/internal/eudr/eudr-schemas.js';
import type {
  deliveryAttemptSchema,
  deliveryPageSchema,
  deliveryWithAttemptsSchema,
  historyQuerySchema,
  recoverBodySchema,
  recoveredSchema,
  testFireBodySchema,
  webhookDeliverySchema,
} from '../../../src/server/internal/schemas/delivery-schemas.js';
import type {
  createdWebhookEndpointSchema,
  createWebhookEndpointBodySchema,
  rotatedSecretSchema,
  rotateSecretBodySchema,
  updateWebhookEndpointBodySchema,
  webhookEndpointSchema,
} from '../../../src/server/internal/schemas/endpoint-schemas.js';
import type {
  publishEventBodySchema,
  publishedEventSchema,
} from '../../../src/server/internal/schemas/event-schemas.js';
import { createRecordingTransport } from '../../../src/testing/create-recording-transport.js';
import { createFakeHttpCore } from './fake-http-core.js';

// ---------------------------------------------------------------- 1. types

/**
 * A response as the client types it: read-only all the way down, and every string enum open
 * (`'A' | 'B' | (string & {})`, docs/design.md §6.1). Applied to both sides, so only fields, optionality,
 * value types and known enum values are compared.
 */
type AsResponse<T> = T extends string
  ? string extends T
    ? T
    : T | (string & {})
  : T extends readonly (infer E)[]
    ? readonly AsResponse<E>[]
    : T extends object
      ? { readonly [K in keyof T]: AsResponse<T[K]> }
      : T;

/** A request body as the client types it: read-only, and a `Date` accepted where a timestamp is. */
type AsRequest<T> = T extends Date
  ? never
  : T extends readonly (infer E)[]
    ? readonly AsRequest<E>[]
    : T extends object
      ? { readonly [K in keyof T]: AsRequest<T[K]> }
      : T;

describe('client types equal the server schemas (compile-time; tsc -p test/tsconfig.json)', () => {
  it('responses equal z.output of their schemas', () => {
    expectTypeOf<AsResponse<WebhookEndpoint>>().toEqualTypeOf<
      AsResponse<z.output<typeof webhookEndpointSchema>>
    >();
    expectTypeOf<AsResponse<CreatedWebhookEndpoint>>().toEqualTypeOf<
      AsResponse<z.output<typeof createdWebhookEndpointSchema>>
    >();
    expectTypeOf<AsResponse<WebhookDelivery>>().toEqualTypeOf<
      AsResponse<z.output<typeof webhookDeliverySchema>>
    >();
    expectTypeOf<AsResponse<DeliveryAttempt>>().toEqualTypeOf<
      AsResponse<z.output<typeof deliveryAttemptSchema>>
    >();
    expectTypeOf<AsResponse<DeliveryDetail>>().toEqualTypeOf<
      AsResponse<z.output<typeof deliveryWithAttemptsSchema>>
    >();
    expectTypeOf<AsResponse<DeliveryPage>>().toEqualTypeOf<
      AsResponse<z.output<typeof deliveryPageSchema>>
    >();
    expectTypeOf<AsResponse<Pagination>>().toEqualTypeOf<
      AsResponse<z.output<typeof deliveryPageSchema>['pagination']>
    >();
    expectTypeOf<AsResponse<PublishedEvent>>().toEqualTypeOf<
      AsResponse<z.output<typeof publishedEventSchema>>
    >();
    expectTypeOf<AsResponse<RotatedSecret>>().toEqualTypeOf<
      AsResponse<z.output<typeof rotatedSecretSchema>>
    >();
    expectTypeOf<AsResponse<RecoverResult>>().toEqualTypeOf<
      AsResponse<z.output<typeof recoveredSchema>>
    >();
    expectTypeOf<AsResponse<EudrWebhook>>().toEqualTypeOf<
      AsResponse<z.output<typeof eudrWebhookSchema>>
    >();
    expectTypeOf<AsResponse<CreatedEudrWebhook>>().toEqualTypeOf<
      AsResponse<z.output<typeof createdEudrWebhookSchema>>
    >();
    expectTypeOf<AsResponse<EudrWebhookPage>>().toEqualTypeOf<
      AsResponse<z.output<typeof eudrWebhookPageSchema>>
    >();
  });

  it('the known enum values equal the schemas’ enums', () => {
    expectTypeOf<WebhookEndpointStatus>().toEqualTypeOf<
      z.output<typeof webhookEndpointSchema>['status']
    >();
    expectTypeOf<WebhookDeliveryStatus>().toEqualTypeOf<
      z.output<typeof webhookDeliverySchema>['status']
    >();
  });

  it('request bodies equal z.input of their schemas', () => {
    expectTypeOf<AsRequest<CreateWebhookEndpointInput>>().toEqualTypeOf<
      AsRequest<z.input<typeof createWebhookEndpointBodySchema>>
    >();
    expectTypeOf<AsRequest<UpdateWebhookEndpointInput>>().toEqualTypeOf<
      AsRequest<z.input<typeof updateWebhookEndpointBodySchema>>
    >();
    expectTypeOf<AsRequest<TestFireInput<UntypedEventDataMap>>>().toEqualTypeOf<
      AsRequest<z.input<typeof testFireBodySchema>>
    >();
    expectTypeOf<AsRequest<RotateSecretInput>>().toEqualTypeOf<
      AsRequest<z.input<typeof rotateSecretBodySchema>>
    >();
    expectTypeOf<AsRequest<RecoverDeliveriesInput>>().toEqualTypeOf<
      AsRequest<z.input<typeof recoverBodySchema>>
    >();
    expectTypeOf<AsRequest<PublishEventInput<UntypedEventDataMap>>>().toEqualTypeOf<
      AsRequest<z.input<typeof publishEventBodySchema>>
    >();
    expectTypeOf<AsRequest<RegisterEudrWebhookInput>>().toEqualTypeOf<
      AsRequest<z.input<typeof createEudrWebhookBodySchema>>
    >();
    expectTypeOf<AsRequest<UpdateEudrWebhookInput>>().toEqualTypeOf<
      AsRequest<z.input<typeof updateEudrWebhookBodySchema>>
    >();
  });

  it('queries have the schemas’ parameters (their values arrive as strings, so names and the typed ones)', () => {
    type History = z.input<typeof historyQuerySchema>;
    expectTypeOf<keyof DeliveryListQuery>().toEqualTypeOf<keyof History>();
    expectTypeOf<DeliveryListQuery['status']>().toEqualTypeOf<History['status']>();
    expectTypeOf<AsRequest<DeliveryListQuery['since']>>().toEqualTypeOf<History['since']>();
    expectTypeOf<keyof EudrWebhookListQuery>().toEqualTypeOf<
      keyof z.input<typeof eudrListQuerySchema>
    >();
  });
});

// ---------------------------------------------------------------- 2. field lists

type Presence = 'required' | 'optional';
/** For each field of `T`: `'required'` or `'optional'`, exactly as `T` declares it. */
type PresenceOf<T> = {
  [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? 'optional' : 'required';
};

/** The fields the client types are written from, by OpenAPI component. */
const FIELDS = {
  WebhookEndpoint: {
    id: 'required',
    organizationUuid: 'required',
    url: 'required',
    description: 'required',
    events: 'required',
    partnerIds: 'required',
    acceptedSchemaVersions: 'required',
    status: 'required',
    createdAt: 'required',
    updatedAt: 'required',
    consecutiveFailures: 'required',
    failingSince: 'required',
    liveSecrets: 'required',
  } satisfies PresenceOf<WebhookEndpoint>,
  CreatedWebhookEndpoint: {
    id: 'required',
    organizationUuid: 'required',
    url: 'required',
    description: 'required',
    events: 'required',
    partnerIds: 'required',
    acceptedSchemaVersions: 'required',
    status: 'required',
    createdAt: 'required',
    updatedAt: 'required',
    consecutiveFailures: 'required',
    failingSince: 'required',
    liveSecrets: 'required',
    secret: 'required',
  } satisfies PresenceOf<CreatedWebhookEndpoint>,
  WebhookDelivery: {
    id: 'required',
    endpointId: 'required',
    eventId: 'required',
    eventType: 'required',
    schemaVersion: 'required',
    status: 'required',
    httpStatus: 'required',
    attempts: 'required',
    lastAttemptAt: 'required',
    nextRetryAt: 'required',
    createdAt: 'required',
    lastFailureReason: 'required',
    failureReason: 'required',
    test: 'required',
    replayOf: 'required',
  } satisfies PresenceOf<WebhookDelivery>,
  DeliveryAttempt: {
    attempt: 'required',
    startedAt: 'required',
    durationMs: 'required',
    httpStatus: 'required',
    failureReason: 'required',
    responseBody: 'required',
  } satisfies PresenceOf<DeliveryAttempt>,
  WebhookDeliveryDetail: {
    delivery: 'required',
    attempts: 'required',
  } satisfies PresenceOf<DeliveryDetail>,
  WebhookDeliveryPage: {
    data: 'required',
    pagination: 'required',
  } satisfies PresenceOf<DeliveryPage>,
  Pagination: {
    page: 'required',
    size: 'required',
    totalElements: 'required',
    totalPages: 'required',
    hasNext: 'required',
    hasPrevious: 'required',
  } satisfies PresenceOf<Pagination>,
  PublishedEvent: {
    id: 'required',
    type: 'required',
    schemaVersion: 'required',
    createdAt: 'required',
    deliveries: 'required',
  } satisfies PresenceOf<PublishedEvent>,
  RotatedSecret: { secret: 'required' } satisfies PresenceOf<RotatedSecret>,
  RecoveredDeliveries: { replayed: 'required' } satisfies PresenceOf<RecoverResult>,
  CreateWebhookEndpoint: {
    url: 'required',
    events: 'required',
    partnerIds: 'optional',
    secret: 'optional',
    description: 'optional',
    acceptedSchemaVersions: 'optional',
  } satisfies PresenceOf<CreateWebhookEndpointInput>,
  UpdateWebhookEndpoint: {
    url: 'optional',
    events: 'optional',
    partnerIds: 'optional',
    description: 'optional',
    acceptedSchemaVersions: 'optional',
    status: 'optional',
  } satisfies PresenceOf<UpdateWebhookEndpointInput>,
  TestFire: {
    eventType: 'required',
    data: 'required',
    partnerUuid: 'optional',
  } satisfies PresenceOf<TestFireInput>,
  RotateSecret: {
    overlapMs: 'optional',
    secret: 'optional',
  } satisfies PresenceOf<RotateSecretInput>,
  RecoverDeliveries: {
    since: 'required',
    until: 'optional',
  } satisfies PresenceOf<RecoverDeliveriesInput>,
  PublishEvent: {
    type: 'required',
    data: 'required',
    partnerUuid: 'optional',
    source: 'optional',
  } satisfies PresenceOf<PublishEventInput>,
} as const;

const EUDR_FIELDS = {
  EudrWebhook: {
    id: 'required',
    url: 'required',
    events: 'required',
    active: 'required',
    createdAt: 'required',
  } satisfies PresenceOf<EudrWebhook>,
  CreatedEudrWebhook: {
    id: 'required',
    url: 'required',
    events: 'required',
    active: 'required',
    secret: 'required',
    createdAt: 'required',
  } satisfies PresenceOf<CreatedEudrWebhook>,
  EudrWebhookPage: {
    entities: 'required',
    total: 'required',
    page: 'required',
    limit: 'required',
  } satisfies PresenceOf<EudrWebhookPage>,
  CreateEudrWebhook: {
    url: 'required',
    events: 'required',
  } satisfies PresenceOf<RegisterEudrWebhookInput>,
  UpdateEudrWebhook: {
    url: 'optional',
    events: 'optional',
    active: 'optional',
  } satisfies PresenceOf<UpdateEudrWebhookInput>,
} as const;

/** The known enum values, checked against the union types and the document. */
const ENDPOINT_STATUSES = ['ACTIVE', 'PAUSED', 'DISABLED'] as const;
const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
expectTypeOf<(typeof ENDPOINT_STATUSES)[number]>().toEqualTypeOf<WebhookEndpointStatus>();
expectTypeOf<(typeof DELIVERY_STATUSES)[number]>().toEqualTypeOf<WebhookDeliveryStatus>();

type Schema = { readonly [key: string]: unknown };
type Document = { readonly components: { readonly schemas: Record<string, Schema> } } & Schema;

function resolve(document: Document, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  const target = document.components.schemas[name];
  if (target === undefined) throw new Error(`unresolved ${ref}`);
  return resolve(document, target);
}

/** The properties and required names of an object schema, through `$ref` and `allOf`. */
function shapeOf(
  document: Document,
  schema: Schema,
): { properties: Record<string, Schema>; required: string[] } {
  const resolved = resolve(document, schema);
  if (Array.isArray(resolved.allOf)) {
    const parts = (resolved.allOf as Schema[]).map((part) => shapeOf(document, part));
    return {
      properties: Object.assign({}, ...parts.map((part) => part.properties)),
      required: parts.flatMap((part) => part.required),
    };
  }
  return {
    properties: (resolved.properties ?? {}) as Record<string, Schema>,
    required: (resolved.required ?? []) as string[],
  };
}

function presenceIn(document: Document, component: string): Record<string, Presence> {
  const schema = document.components.schemas[component];
  if (schema === undefined) throw new Error(`no component ${component}`);
  const { properties, required } = shapeOf(document, schema);
  return Object.fromEntries(
    Object.keys(properties)
      .sort()
      .map((name) => [name, required.includes(name) ? 'required' : 'optional']),
  );
}

const sorted = (fields: Readonly<Record<string, Presence>>) =>
  Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b)));

function senderFor(profile?: typeof EUDR_PROFILE) {
  return new WebhookSender<unknown>({
    transport: createRecordingTransport(),
    logger: 'silent',
    ...(profile === undefined ? {} : { profile }),
  }) as never;
}

const authenticate = async () => null;
const novatradeDocument = createManagementApi(senderFor(), {
  authenticate,
  logger: 'silent',
}).openApiDocument() as unknown as Document;
const eudrDocument = createEudrManagementApi(senderFor(EUDR_PROFILE), {
  authenticate,
  logger: 'silent',
}).openApiDocument() as unknown as Document;

describe('the checked-in field lists equal the served OpenAPI document', () => {
  it.each(Object.entries(FIELDS))('%s', (component, fields) => {
    expect(presenceIn(novatradeDocument, component)).toEqual(sorted(fields));
  });

  it.each(Object.entries(EUDR_FIELDS))('%s (EUDR)', (component, fields) => {
    expect(presenceIn(eudrDocument, component)).toEqual(sorted(fields));
  });

  it('the known enum values equal the document’s enums', () => {
    const endpoint = shapeOf(novatradeDocument, { $ref: '#/components/schemas/WebhookEndpoint' });
    const delivery = shapeOf(novatradeDocument, { $ref: '#/components/schemas/WebhookDelivery' });
    expect(resolve(novatradeDocument, endpoint.properties.status ?? {}).enum).toEqual(
      ENDPOINT_STATUSES,
    );
    expect(resolve(novatradeDocument, delivery.properties.status ?? {}).enum).toEqual(
      DELIVERY_STATUSES,
    );
  });

  it('covers every component of both documents but the problem bodies', () => {
    // A new component (a new resource) fails here until the client has a type for it.
    expect(Object.keys(novatradeDocument.components.schemas).sort()).toEqual(
      [...Object.keys(FIELDS), 'Problem', 'ProblemFieldError', 'WebhookEndpointStatus'].sort(),
    );
    expect(Object.keys(eudrDocument.components.schemas).sort()).toEqual(
      [...Object.keys(EUDR_FIELDS), 'EudrError'].sort(),
    );
  });
});

// ---------------------------------------------------------------- 3. routes

/** The client type of each component: a route's method must resolve to it. */
interface Components {
  WebhookEndpoint: WebhookEndpoint;
  CreatedWebhookEndpoint: CreatedWebhookEndpoint;
  WebhookDelivery: WebhookDelivery;
  WebhookDeliveryDetail: DeliveryDetail;
  WebhookDeliveryPage: DeliveryPage;
  PublishedEvent: PublishedEvent;
  RotatedSecret: RotatedSecret;
  RecoveredDeliveries: RecoverResult;
  EudrWebhook: EudrWebhook;
  CreatedEudrWebhook: CreatedEudrWebhook;
  EudrWebhookPage: EudrWebhookPage;
}

interface RouteCase {
  readonly name: string;
  readonly invoke: () => Promise<unknown>;
  readonly status: string;
  /** The success body's component (`[name]` for an array of it), or `null` for no body. */
  readonly response: string | null;
  /** The request body's component, or `null` for none. */
  readonly request: string | null;
}

/** A case whose method must resolve to the client type of `response` (checked by tsc). */
function route<K extends keyof Components>(
  name: string,
  invoke: () => Promise<ApiResponse<Components[K]>>,
  status: string,
  response: K,
  request: string | null = null,
): RouteCase {
  return { name, invoke, status, response, request };
}

const core = createFakeHttpCore();
const client = bindWebhooksClient<UntypedEventDataMap>(core);
const eudrCore = createFakeHttpCore();
const eudr = bindEudrWebhooksClient(eudrCore);

const ROUTES: readonly RouteCase[] = [
  route(
    'endpoints.create',
    () => client.endpoints.create({ url: 'https://x.example', events: ['kyc.*'] }),
    '201',
    'CreatedWebhookEndpoint',
    'CreateWebhookEndpoint',
  ),
  {
    name: 'endpoints.list',
    invoke: (): Promise<ApiResponse<readonly WebhookEndpoint[]>> => client.endpoints.list(),
    status: '200',
    response: '[WebhookEndpoint]',
    request: null,
  },
  route('endpoints.get', () => client.endpoints.get('wh_1'), '200', 'WebhookEndpoint'),
  route(
    'endpoints.update',
    () => client.endpoints.update('wh_1', {}),
    '200',
    'WebhookEndpoint',
    'UpdateWebhookEndpoint',
  ),
  route(
    'endpoints.pause',
    () => client.endpoints.pause('wh_1'),
    '200',
    'WebhookEndpoint',
    'UpdateWebhookEndpoint',
  ),
  route(
    'endpoints.resume',
    () => client.endpoints.resume('wh_1'),
    '200',
    'WebhookEndpoint',
    'UpdateWebhookEndpoint',
  ),
  {
    name: 'endpoints.delete',
    invoke: (): Promise<ApiResponse<undefined>> => client.endpoints.delete('wh_1'),
    status: '204',
    response: null,
    request: null,
  },
  route(
    'endpoints.test',
    () => client.endpoints.test('wh_1', { eventType: 'kyc.vies_check_failed', data: {} }),
    '202',
    'WebhookDelivery',
    'TestFire',
  ),
  route(
    'endpoints.rotateSecret',
    () => client.endpoints.rotateSecret('wh_1'),
    '200',
    'RotatedSecret',
    'RotateSecret',
  ),
  route('deliveries.list', () => client.deliveries.list('wh_1'), '200', 'WebhookDeliveryPage'),
  route(
    'deliveries.get',
    () => client.deliveries.get('wh_1', 'del_1'),
    '200',
    'WebhookDeliveryDetail',
  ),
  route(
    'deliveries.replay',
    () => client.deliveries.replay('wh_1', 'del_1'),
    '202',
    'WebhookDelivery',
  ),
  route(
    'deliveries.recover',
    () => client.deliveries.recover('wh_1', { since: '2026-01-01T00:00:00Z' }),
    '202',
    'RecoveredDeliveries',
    'RecoverDeliveries',
  ),
  route(
    'events.publish',
    () => client.events.publish({ type: 'kyc.vies_check_failed', data: {} }),
    '202',
    'PublishedEvent',
    'PublishEvent',
  ),
];

const EUDR_ROUTES: readonly RouteCase[] = [
  route(
    'register',
    () => eudr.register({ url: 'https://x.example', events: ['supplier.*'] }),
    '201',
    'CreatedEudrWebhook',
    'CreateEudrWebhook',
  ),
  route('list', () => eudr.list(), '200', 'EudrWebhookPage'),
  route('get', () => eudr.get('wh_1'), '200', 'EudrWebhook'),
  route('update', () => eudr.update('wh_1', {}), '200', 'EudrWebhook', 'UpdateEudrWebhook'),
  {
    name: 'delete',
    invoke: (): Promise<ApiResponse<undefined>> => eudr.delete('wh_1'),
    status: '204',
    response: null,
    request: null,
  },
];

/** The path template of a concrete client path (`wh_1` is `{id}`, `del_1` `{deliveryId}`). */
const templateOf = (path: string) =>
  path.replace('/wh_1', '/{id}').replace('/del_1', '/{deliveryId}');

function refName(schema: Schema | undefined): string | null {
  if (schema === undefined) return null;
  if (schema.type === 'array') return `[${refName(schema.items as Schema)}]`;
  return typeof schema.$ref === 'string' ? schema.$ref.replace('#/components/schemas/', '') : '?';
}

type Operation = {
  readonly responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  readonly requestBody?: { content: Record<string, { schema: Schema }> };
  readonly parameters?: readonly { name: string; in: string }[];
};

function operationOf(document: Document, method: string, path: string): Operation {
  const paths = document.paths as Record<string, Record<string, Operation>>;
  const operation = paths[path]?.[method.toLowerCase()];
  if (operation === undefined) throw new Error(`the document has no ${method} ${path}`);
  return operation;
}

function checkRoute(
  document: Document,
  fake: ReturnType<typeof createFakeHttpCore>,
  prefix: string,
  route: RouteCase,
) {
  return async () => {
    await route.invoke();
    const call = fake.last();
    const operation = operationOf(document, call.method, `${prefix}${templateOf(call.path)}`);
    const successes = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
    expect(successes).toEqual([route.status]);
    const content = operation.responses[route.status]?.content;
    expect(refName(content?.['application/json']?.schema)).toBe(route.response);
    const bodyTypes = Object.keys(operation.requestBody?.content ?? {});
    const requestType = call.body === undefined ? null : (call.contentType ?? 'application/json');
    if (route.request === null) expect(requestType).toBeNull();
    else {
      expect(bodyTypes).toContain(requestType);
      expect(refName(operation.requestBody?.content[requestType ?? '']?.schema)).toBe(
        route.request,
      );
    }
  };
}

describe('every client method names an operation of the document', () => {
  it.each(ROUTES.map((r) => [r.name, r] as const))('%s', (_name, r) =>
    checkRoute(novatradeDocument, core, '', r)());

  it.each(EUDR_ROUTES.map((r) => [r.name, r] as const))('%s (EUDR)', (_name, r) =>
    checkRoute(eudrDocument, eudrCore, '/api/v1/integration', r)());

  it('covers every operation of both documents', async () => {
    for (const r of [...ROUTES, ...EUDR_ROUTES]) await r.invoke();
    const operations = (document: Document, skip: string) =>
      Object.entries(document.paths as Record<string, Record<string, unknown>>)
        .filter(([path]) => path !== skip)
        .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
        .sort();
    const called = (fake: ReturnType<typeof createFakeHttpCore>, prefix: string) =>
      [...new Set(fake.calls.map((c) => `${c.method} ${prefix}${templateOf(c.path)}`))].sort();
    expect(called(core, '')).toEqual(operations(novatradeDocument, '/openapi.json'));
    expect(called(eudrCore, '/api/v1/integration')).toEqual(
      operations(eudrDocument, '/openapi.json'),
    );
  });

  it('queries send exactly the documented parameters', async () => {
    const queryNames = (operation: Operation) =>
      (operation.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort();
    await client.deliveries.list('wh_1');
    expect(Object.keys(core.last().query ?? {}).sort()).toEqual(
      queryNames(operationOf(novatradeDocument, 'GET', '/v1/webhooks/{id}/deliveries')),
    );
    await eudr.list();
    expect(Object.keys(eudrCore.last().query ?? {}).sort()).toEqual(
      queryNames(operationOf(eudrDocument, 'GET', '/api/v1/integration/webhook-events')),
    );
  });
});
