// createWebhooksClient and createEudrWebhooksClient wired to the real HTTP core, over a fake
// `fetch` that records each Request: options checked at construction (each error names the
// factory and the option; unknown ones refused, the core's internal `owner` too), the base URL's
// path prefix kept, the token sent, writes keyed once per call and reused on a retry, reads
// unkeyed, the answer's facts in the ApiResponse, errors typed per API. The token, retry and
// error behaviour itself is the core's, tested in its own files; the full loop runs over
// loopback in test/integration/client/client-loopback.test.ts.

import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createEudrWebhooksClient,
  type EUDR_WEBHOOKS_CLIENT_OPTION_NAMES,
  type EudrWebhooksClientOptions,
} from '../../../src/client/create-eudr-webhooks-client.js';
import {
  createWebhooksClient,
  type WEBHOOKS_CLIENT_OPTION_NAMES,
  type WebhooksClientOptions,
} from '../../../src/client/create-webhooks-client.js';
import * as barrel from '../../../src/client/index.js';
import type { HttpCoreOptions } from '../../../src/client/internal/http-core.js';
import { isWebhooksError } from '../../../src/core/errors.js';
import type { UnlistedOptionNames } from '../../../src/core/internal/assert-known-options.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';

const TOKEN = 'tok_unit_0123456789abcdef';

interface Sent {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string | undefined;
}

/** A `fetch` that records each request and answers the next queued response (default 200 {}). */
function fakeFetch(...answers: (() => Response)[]) {
  const sent: Sent[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    sent.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body === null ? undefined : await request.text(),
    });
    const next = answers.shift();
    return next === undefined ? json(200, {}) : next();
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

const noWait = { sleep: async () => undefined, random: () => 0 };

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('createWebhooksClient: options', () => {
  it('lists every option (type-level) and no more than the core takes', () => {
    expectTypeOf<
      UnlistedOptionNames<WebhooksClientOptions, typeof WEBHOOKS_CLIENT_OPTION_NAMES>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      UnlistedOptionNames<EudrWebhooksClientOptions, typeof EUDR_WEBHOOKS_CLIENT_OPTION_NAMES>
    >().toEqualTypeOf<never>();
    // The public options are the core's, less its internal `owner`.
    expectTypeOf<keyof WebhooksClientOptions>().toEqualTypeOf<
      Exclude<keyof HttpCoreOptions, 'owner'>
    >();
    expectTypeOf<keyof EudrWebhooksClientOptions>().toEqualTypeOf<
      Exclude<keyof HttpCoreOptions, 'owner'>
    >();
    expectTypeOf<WebhooksClientOptions>().toMatchTypeOf<HttpCoreOptions>();
  });

  it('refuses an unknown option with the nearest name, and the core’s internal owner', () => {
    const misspelt = errorOf(() =>
      createWebhooksClient({ baseUrl: 'https://api.example', auth: TOKEN, retyr: false } as never),
    );
    expect(isWebhooksError(misspelt) && misspelt.code).toBe('invalid_option');
    expect((misspelt as Error).message).toMatch(/^createWebhooksClient: unknown option `retyr`/);
    expect((misspelt as Error).message).toContain('did you mean `retry`?');
    const owner = errorOf(() =>
      createWebhooksClient({ baseUrl: 'https://api.example', auth: TOKEN, owner: 'x' } as never),
    );
    expect((owner as Error).message).toMatch(/unknown option `owner`/);
  });

  it('names itself in the core’s option errors', () => {
    const error = errorOf(() => createWebhooksClient({ baseUrl: 'ftp://x', auth: TOKEN }));
    expect(isWebhooksError(error) && error.code).toBe('invalid_option');
    expect((error as Error).message).toMatch(/^createWebhooksClient: /);
    expect((error as Error).message).toContain('baseUrl');
    for (const bad of [undefined, null, 'https://api.example', []]) {
      const notObject = errorOf(() => createWebhooksClient(bad as never));
      expect((notObject as Error).message).toMatch(
        /^createWebhooksClient: options must be an object/,
      );
    }
  });

  it('does not put the token into an option error', () => {
    const error = errorOf(() => createWebhooksClient({ baseUrl: 'nope', auth: TOKEN }));
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });

  it('exports the documented names from the barrel', () => {
    expect(Object.keys(barrel).sort()).toEqual(
      [
        'DEFAULT_CLIENT_RETRY_OPTIONS',
        'EUDR_API_ERROR_CODES',
        'EudrApiError',
        'NOVATRADE_PROBLEM_TYPES',
        'NovatradeApiError',
        'OAUTH_ERROR_CODES',
        'TokenRequestError',
        'WebhookClientError',
        'WebhookValidationError',
        'WebhooksError',
        'createEudrWebhooksClient',
        'createWebhooksClient',
        'isEudrApiError',
        'isNovatradeApiError',
        'isWebhooksError',
        'problemTypeOf',
      ].sort(),
    );
  });
});

describe('createWebhooksClient: requests', () => {
  it('keeps the base URL’s path prefix, sends the token and the JSON body', async () => {
    const { fetch, sent } = fakeFetch(() => json(201, { id: 'wh_1', secret: 'whsec_1' }));
    const client = createWebhooksClient({
      baseUrl: 'https://gw.example/nt24/',
      auth: TOKEN,
      fetch,
    });
    const response = await client.endpoints.create(
      { url: 'https://partner.example/hook', events: ['compliance.*'] },
      { requestId: 'req_create_1' },
    );
    expect(response.status).toBe(201);
    expect(response.data).toEqual({ id: 'wh_1', secret: 'whsec_1' });
    const [request] = sent;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('https://gw.example/nt24/v1/webhooks');
    expect(request?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers.get('content-type')).toBe('application/json');
    expect(request?.headers.get('x-request-id')).toBe('req_create_1');
    expect(request?.headers.get('idempotency-key')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(JSON.parse(request?.body ?? '')).toEqual({
      url: 'https://partner.example/hook',
      events: ['compliance.*'],
    });
  });

  it('reuses one generated key across the retries of a call, and makes a new one per call', async () => {
    const { fetch, sent } = fakeFetch(
      () =>
        json(
          503,
          { type: 'https://api.novatrade24.com/problems/service-unavailable' },
          { 'retry-after': '1' },
        ),
      () => json(202, { id: 'evt_1' }),
      () => json(202, { id: 'evt_2' }),
    );
    const client = createWebhooksClient({
      baseUrl: 'https://api.example',
      auth: TOKEN,
      fetch,
      ...noWait,
    });
    const input = {
      type: 'compliance.decision_made' as const,
      partnerUuid: '11111111-2222-3333-4444-555555555555',
      data: EVENT_FIXTURES['compliance.decision_made'].data,
    };
    const first = await client.events.publish(input);
    expect(first.attempts).toBe(2);
    await client.events.publish(input);
    const keys = sent.map((r) => r.headers.get('idempotency-key'));
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('sends the caller’s key as given, and none on a read', async () => {
    const { fetch, sent } = fakeFetch();
    const client = createWebhooksClient({ baseUrl: 'https://api.example', auth: TOKEN, fetch });
    await client.deliveries.replay('wh_1', 'del_1', { idempotencyKey: 'order-42-replay' });
    await client.deliveries.list('wh_1', {
      status: 'FAILED',
      since: new Date(Date.UTC(2026, 0, 1)),
      size: 5,
    });
    expect(sent[0]?.headers.get('idempotency-key')).toBe('order-42-replay');
    expect(sent[0]?.body).toBeUndefined();
    expect(sent[1]?.headers.has('idempotency-key')).toBe(false);
    expect(sent[1]?.url).toBe(
      'https://api.example/v1/webhooks/wh_1/deliveries?status=FAILED&since=2026-01-01T00%3A00%3A00.000Z&size=5',
    );
  });

  it('sends a PATCH as application/merge-patch+json and a DELETE without a body', async () => {
    const { fetch, sent } = fakeFetch(
      () => json(200, { id: 'wh_1', status: 'ACTIVE' }),
      () => new Response(null, { status: 204 }),
    );
    const client = createWebhooksClient({ baseUrl: 'https://api.example', auth: TOKEN, fetch });
    await client.endpoints.resume('wh_1');
    const deleted = await client.endpoints.delete('wh_1');
    expect(sent[0]?.headers.get('content-type')).toBe('application/merge-patch+json');
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({ status: 'ACTIVE' });
    expect(sent[1]?.method).toBe('DELETE');
    expect(sent[1]?.body).toBeUndefined();
    expect(deleted).toMatchObject({ status: 204, data: undefined });
  });

  it('rejects a problem answer with a NovatradeApiError', async () => {
    const problem = {
      type: 'https://api.novatrade24.com/problems/not-found',
      title: 'Not Found',
      status: 404,
      detail: 'No such resource in this organization.',
      instance: '/v1/webhooks/wh_gone',
      traceId: 'req_1',
    };
    const { fetch } = fakeFetch(() =>
      json(404, problem, { 'content-type': 'application/problem+json' }),
    );
    const client = createWebhooksClient({ baseUrl: 'https://api.example', auth: TOKEN, fetch });
    const error = await client.endpoints.get('wh_gone').catch((e: unknown) => e);
    expect(barrel.isNovatradeApiError(error)).toBe(true);
    expect(error).toMatchObject({ status: 404, problemType: 'not-found', traceId: 'req_1' });
  });

  it('types publish by the catalog: type narrows data (compile-time)', () => {
    const client = createWebhooksClient({ baseUrl: 'https://api.example', auth: TOKEN });
    type Publish = Parameters<typeof client.events.publish<'compliance.decision_made'>>[0];
    expectTypeOf<Publish['data']>().toEqualTypeOf<
      (typeof EVENT_FIXTURES)['compliance.decision_made']['data']
    >();
    // @ts-expect-error: not a catalog type
    void (() => client.events.publish({ type: 'no.such_type', data: {} }));
    void (() =>
      client.events.publish({
        type: 'compliance.decision_made',
        // @ts-expect-error: the data of another type
        data: EVENT_FIXTURES['kyc.vies_check_failed'].data,
      }));
    const untyped = createWebhooksClient<barrel.UntypedEventDataMap>({
      baseUrl: 'https://api.example',
      auth: TOKEN,
    });
    void (() => untyped.events.publish({ type: 'any.type', data: { any: 1 } }));
  });
});

describe('createEudrWebhooksClient', () => {
  it('appends /webhook-events to the integration base URL and types errors as EudrApiError', async () => {
    const { fetch, sent } = fakeFetch(
      () =>
        json(201, {
          id: 'wh_1',
          url: 'https://your-server.com/webhooks/eudr',
          events: ['supplier.created'],
          active: true,
          secret: 'whsec_1',
          createdAt: '2026-01-01T00:00:00.000Z',
        }),
      () =>
        json(400, {
          error: 'VALIDATION_ERROR',
          message: 'The request has 1 invalid field; see details.',
          details: [{ field: 'events', message: 'events is required.' }],
        }),
    );
    const eudr = createEudrWebhooksClient({
      baseUrl: 'https://backend.example/api/v1/integration',
      auth: 'eudr_live_0123456789abcdef0123456789abcdef0123456789abcdef',
      fetch,
    });
    const created = await eudr.register({
      url: 'https://your-server.com/webhooks/eudr',
      events: ['supplier.created'],
    });
    expect(created.data).toMatchObject({ active: true, secret: 'whsec_1' });
    expect(sent[0]?.url).toBe('https://backend.example/api/v1/integration/webhook-events');
    expect(sent[0]?.headers.get('idempotency-key')).not.toBeNull();
    const error = await eudr.update('wh_1', {}).catch((e: unknown) => e);
    expect(barrel.isEudrApiError(error)).toBe(true);
    expect(error).toMatchObject({
      status: 400,
      errorCode: 'VALIDATION_ERROR',
      details: [{ field: 'events', message: 'events is required.' }],
    });
    expect(sent[1]?.headers.get('content-type')).toBe('application/json');
  });

  it('refuses client credentials and unknown options, naming itself', () => {
    const credentials = errorOf(() =>
      createEudrWebhooksClient({
        baseUrl: 'https://backend.example/api/v1/integration',
        auth: {
          clientId: 'api-client-acme',
          clientSecret: 'client-secret-value',
          tokenUrl: 'https://auth.example/token',
        } as never,
      }),
    );
    expect(isWebhooksError(credentials) && credentials.code).toBe('invalid_option');
    expect((credentials as Error).message).toMatch(/^createEudrWebhooksClient: `auth` must be/);
    expect((credentials as Error).message).not.toContain('client-secret-value');
    const unknown = errorOf(() =>
      createEudrWebhooksClient({ baseUrl: 'https://x.example', auth: 't', base: 1 } as never),
    );
    expect((unknown as Error).message).toMatch(/^createEudrWebhooksClient: unknown option `base`/);
  });
});
