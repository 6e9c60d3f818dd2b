// Every route method of the Novatrade24 client against a fake HttpCore: the exact call it builds
// (method, path with percent-encoded ids, query, body, content type, Idempotency-Key on writes
// only, signal, request id, error format), the ApiResponse handed back untouched, id checks
// before any request, and the listAll pager (several pages, empty, break, signal).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../../src/client/api-response.js';
import { createWebhooksClient } from '../../../src/client/create-webhooks-client.js';
import type { HttpCall } from '../../../src/client/internal/http-call.js';
import { bindWebhooksClient } from '../../../src/client/internal/webhooks-routes.js';
import type { WebhookDelivery } from '../../../src/client/resource-types.js';
import { isWebhooksError } from '../../../src/core/errors.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import { createFakeHttpCore, responseOf } from './fake-http-core.js';

const PARTNER = '11111111-2222-3333-4444-555555555555';

/** What `promise` rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function setup() {
  const core = createFakeHttpCore();
  return { core, client: bindWebhooksClient(core) };
}

const signal = new AbortController().signal;
const write = { idempotencyKey: 'key-1', signal, requestId: 'req_1' } as const;
const read = { signal, requestId: 'req_1' } as const;

/** The call, with its absent (undefined) fields dropped, for exact comparison. */
function defined(call: HttpCall): Record<string, unknown> {
  return Object.fromEntries(Object.entries(call).filter(([, value]) => value !== undefined));
}

function delivery(n: number): WebhookDelivery {
  return {
    id: `del_${n}`,
    endpointId: 'wh_1',
    eventId: `evt_${n}`,
    eventType: 'compliance.decision_made',
    schemaVersion: 1,
    status: 'DELIVERED',
    httpStatus: 200,
    attempts: 1,
    lastAttemptAt: null,
    nextRetryAt: null,
    createdAt: '2026-05-01T00:00:00.000Z',
    lastFailureReason: null,
    failureReason: null,
    test: false,
    replayOf: null,
  };
}

/** A history page of `items` out of `total`, `size` a page. */
function page(items: WebhookDelivery[], pageNumber: number, size: number, total: number) {
  const totalPages = Math.ceil(total / size);
  return {
    data: items,
    pagination: {
      page: pageNumber,
      size,
      totalElements: total,
      totalPages,
      hasNext: pageNumber + 1 < totalPages,
      hasPrevious: pageNumber > 0,
    },
  };
}

describe('bindWebhooksClient: the call each route method builds', () => {
  const CREATE = { url: 'https://partner.example/hook', events: ['compliance.*'] };
  const TEST_FIRE = {
    eventType: 'compliance.decision_made' as const,
    data: EVENT_FIXTURES['compliance.decision_made'].data,
  };
  const PUBLISH = {
    type: 'compliance.decision_made' as const,
    partnerUuid: PARTNER,
    data: EVENT_FIXTURES['compliance.decision_made'].data,
  };
  const W = { ...write, errorFormat: 'problem' };
  const R = { ...read, errorFormat: 'problem' };

  const cases: [string, (c: ReturnType<typeof setup>['client']) => Promise<unknown>, object][] = [
    [
      'endpoints.create',
      (c) => c.endpoints.create(CREATE, write),
      { method: 'POST', path: '/v1/webhooks', body: CREATE, ...W },
    ],
    [
      'endpoints.list',
      (c) => c.endpoints.list(read),
      { method: 'GET', path: '/v1/webhooks', ...R },
    ],
    [
      'endpoints.get',
      (c) => c.endpoints.get('wh_1', read),
      { method: 'GET', path: '/v1/webhooks/wh_1', ...R },
    ],
    [
      'endpoints.update',
      (c) => c.endpoints.update('wh_1', { partnerIds: null, description: 'x' }, write),
      {
        method: 'PATCH',
        path: '/v1/webhooks/wh_1',
        body: { partnerIds: null, description: 'x' },
        contentType: 'application/merge-patch+json',
        ...W,
      },
    ],
    [
      'endpoints.pause',
      (c) => c.endpoints.pause('wh_1', write),
      {
        method: 'PATCH',
        path: '/v1/webhooks/wh_1',
        body: { status: 'PAUSED' },
        contentType: 'application/merge-patch+json',
        ...W,
      },
    ],
    [
      'endpoints.resume',
      (c) => c.endpoints.resume('wh_1', write),
      {
        method: 'PATCH',
        path: '/v1/webhooks/wh_1',
        body: { status: 'ACTIVE' },
        contentType: 'application/merge-patch+json',
        ...W,
      },
    ],
    [
      'endpoints.delete',
      (c) => c.endpoints.delete('wh_1', write),
      { method: 'DELETE', path: '/v1/webhooks/wh_1', ...W },
    ],
    [
      'endpoints.test',
      (c) => c.endpoints.test('wh_1', TEST_FIRE, write),
      { method: 'POST', path: '/v1/webhooks/wh_1/test', body: TEST_FIRE, ...W },
    ],
    [
      'endpoints.rotateSecret',
      (c) => c.endpoints.rotateSecret('wh_1', { overlapMs: 0 }, write),
      { method: 'POST', path: '/v1/webhooks/wh_1/rotate-secret', body: { overlapMs: 0 }, ...W },
    ],
    [
      'endpoints.rotateSecret without input',
      (c) => c.endpoints.rotateSecret('wh_1'),
      {
        method: 'POST',
        path: '/v1/webhooks/wh_1/rotate-secret',
        body: {},
        errorFormat: 'problem',
      },
    ],
    [
      'deliveries.list',
      (c) =>
        c.deliveries.list(
          'wh_1',
          {
            status: 'FAILED',
            since: '2026-05-01T00:00:00Z',
            page: 2,
            size: 50,
            sort: 'createdAt,asc',
          },
          read,
        ),
      {
        method: 'GET',
        path: '/v1/webhooks/wh_1/deliveries',
        query: {
          status: 'FAILED',
          since: '2026-05-01T00:00:00Z',
          page: 2,
          size: 50,
          sort: 'createdAt,asc',
        },
        ...R,
      },
    ],
    [
      'deliveries.get',
      (c) => c.deliveries.get('wh_1', 'del_1', read),
      { method: 'GET', path: '/v1/webhooks/wh_1/deliveries/del_1', ...R },
    ],
    [
      'deliveries.replay',
      (c) => c.deliveries.replay('wh_1', 'del_1', write),
      { method: 'POST', path: '/v1/webhooks/wh_1/deliveries/del_1/replay', ...W },
    ],
    [
      'deliveries.recover',
      (c) =>
        c.deliveries.recover(
          'wh_1',
          { since: new Date(Date.UTC(2026, 4, 1)), until: '2026-05-02T00:00:00Z' },
          write,
        ),
      {
        method: 'POST',
        path: '/v1/webhooks/wh_1/deliveries/recover',
        body: { since: '2026-05-01T00:00:00.000Z', until: '2026-05-02T00:00:00Z' },
        ...W,
      },
    ],
    [
      'events.publish',
      (c) => c.events.publish(PUBLISH, write),
      { method: 'POST', path: '/v1/events', body: PUBLISH, ...W },
    ],
  ];

  it.each(cases)('%s', async (_name, invoke, expected) => {
    const { core, client } = setup();
    await invoke(client);
    expect(core.calls).toHaveLength(1);
    const call = defined(core.last());
    if ('query' in call) {
      call.query = Object.fromEntries(
        Object.entries(call.query as object).filter(([, value]) => value !== undefined),
      );
    }
    expect(call).toEqual(expected);
  });

  it('sends no Idempotency-Key on a read, even when a JavaScript caller passes one', async () => {
    const { core, client } = setup();
    const sneaky = { idempotencyKey: 'nope' } as unknown as { signal?: AbortSignal };
    await client.endpoints.list(sneaky);
    await client.endpoints.get('wh_1', sneaky);
    await client.deliveries.list('wh_1', {}, sneaky);
    await client.deliveries.get('wh_1', 'del_1', sneaky);
    expect(core.calls.map((call) => call.idempotencyKey)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(core.calls.every((call) => call.method === 'GET')).toBe(true);
  });

  it('leaves the key to the core when the caller gives none (one per logical call)', async () => {
    const { core, client } = setup();
    await client.endpoints.create({ url: 'https://x.example', events: ['kyc.*'] });
    await client.deliveries.replay('wh_1', 'del_1');
    expect(core.calls.map((call) => call.idempotencyKey)).toEqual([undefined, undefined]);
  });

  it('sends only the named query parameters; a Date since goes as its ISO string', async () => {
    const { core, client } = setup();
    const query = { since: new Date(Date.UTC(2026, 4, 1, 12)), pageSize: 5 } as never;
    await client.deliveries.list('wh_1', query);
    expect(core.last().query).toEqual({
      status: undefined,
      since: '2026-05-01T12:00:00.000Z',
      page: undefined,
      size: undefined,
      sort: undefined,
    });
  });

  it('hands the core’s ApiResponse back untouched', async () => {
    const { core, client } = setup();
    const answer = responseOf(
      { id: 'wh_1', secret: 'whsec_x' },
      { status: 201, idempotentReplayed: true, attempts: 3, requestId: 'req_9' },
    );
    core.answerWith(() => answer.data);
    const plain = await client.endpoints.create({ url: 'https://x.example', events: ['kyc.*'] });
    expect(plain.data).toEqual({ id: 'wh_1', secret: 'whsec_x' });
    const fields = { status: 201, idempotentReplayed: true, attempts: 3, requestId: 'req_9' };
    core.answer({ id: 'wh_1' }, fields);
    const response: ApiResponse<unknown> = await client.endpoints.get('wh_1');
    expect(response).toMatchObject({ data: { id: 'wh_1' }, ...fields });
    expect(response.rateLimit).toEqual({
      limit: 10,
      remaining: 9,
      resetSeconds: 1_767_225_660,
      category: 'webhook',
    });
  });

  it('passes the core’s rejection through', async () => {
    const { core, client } = setup();
    const failure = new Error('boom');
    core.fail(failure);
    await expect(client.endpoints.list()).rejects.toBe(failure);
  });
});

const notDotSegment = (id: string): boolean => id !== '.' && id !== '..';

describe('bindWebhooksClient: ids in paths', () => {
  it('percent-encodes every id as one path segment (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        // `.` and `..` are refused before any request (a test of their own below).
        fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }).filter(notDotSegment),
        fc.string({ minLength: 1, maxLength: 40 }).filter(notDotSegment),
        async (endpointId, deliveryId) => {
          const { core, client } = setup();
          await client.endpoints.get(endpointId);
          await client.deliveries.replay(endpointId, deliveryId);
          const [get, replay] = core.calls;
          const e = encodeURIComponent(endpointId);
          const d = encodeURIComponent(deliveryId);
          expect(get?.path).toBe(`/v1/webhooks/${e}`);
          expect(replay?.path).toBe(`/v1/webhooks/${e}/deliveries/${d}/replay`);
          // One segment each: no `/`, `?` or `#` of the id survives unencoded.
          expect(replay?.path.split('/')).toHaveLength(7);
          expect(replay?.path).not.toMatch(/[?#]/);
          expect(decodeURIComponent(get?.path.slice('/v1/webhooks/'.length) ?? '')).toBe(
            endpointId,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps every id one segment of the URL fetch receives, and refuses dot segments (property)', async () => {
    const dotty = fc.constantFrom('.', '..', '%2e', '%2E%2e', '.%2e', '...', './x', '..\\', ' ..');
    const id = fc.oneof(fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }), dotty);
    await fc.assert(
      fc.asyncProperty(id, id, async (endpointId, deliveryId) => {
        const urls: string[] = [];
        const client = createWebhooksClient({
          baseUrl: 'https://api.test.example/prefix',
          auth: 'tok',
          retry: false,
          fetch: async (input) => {
            // What fetch itself sends: the URL after WHATWG parsing (dot segments resolved).
            urls.push(new Request(input).url);
            return new Response('{}', { headers: { 'Content-Type': 'application/json' } });
          },
        });
        const call = client.deliveries.replay(endpointId, deliveryId);
        if ([endpointId, deliveryId].some((one) => one === '.' || one === '..')) {
          const error = await rejection(call);
          expect(isWebhooksError(error) && error.code).toBe('invalid_option');
          expect(urls).toEqual([]);
          return;
        }
        await call;
        const url = new URL(urls[0] ?? '');
        const segments = url.pathname.split('/');
        expect(segments).toHaveLength(8);
        expect(segments.slice(0, 3)).toEqual(['', 'prefix', 'v1']);
        expect(segments[4] === undefined ? '' : decodeURIComponent(segments[4])).toBe(endpointId);
        expect(segments[6] === undefined ? '' : decodeURIComponent(segments[6])).toBe(deliveryId);
        expect(segments[7]).toBe('replay');
        expect(url.search).toBe('');
        expect(url.hash).toBe('');
      }),
      { numRuns: 200 },
    );
  });

  it('encodes a traversal attempt so it stays inside the resource', async () => {
    const { core, client } = setup();
    await client.endpoints.get('../events');
    await client.endpoints.delete('wh_1/deliveries');
    expect(core.calls.map((call) => call.path)).toEqual([
      '/v1/webhooks/..%2Fevents',
      '/v1/webhooks/wh_1%2Fdeliveries',
    ]);
  });

  const methods: [
    string,
    (c: ReturnType<typeof setup>['client'], id: unknown) => Promise<unknown>,
  ][] = [
    ['endpoints.get', (c, id) => c.endpoints.get(id as string)],
    ['endpoints.update', (c, id) => c.endpoints.update(id as string, {})],
    ['endpoints.pause', (c, id) => c.endpoints.pause(id as string)],
    ['endpoints.resume', (c, id) => c.endpoints.resume(id as string)],
    ['endpoints.delete', (c, id) => c.endpoints.delete(id as string)],
    [
      'endpoints.test',
      (c, id) =>
        c.endpoints.test(id as string, {
          eventType: 'compliance.decision_made',
          data: EVENT_FIXTURES['compliance.decision_made'].data,
        }),
    ],
    ['endpoints.rotateSecret', (c, id) => c.endpoints.rotateSecret(id as string)],
    ['deliveries.list', (c, id) => c.deliveries.list(id as string)],
    ['deliveries.get', (c, id) => c.deliveries.get(id as string, 'del_1')],
    ['deliveries.get (deliveryId)', (c, id) => c.deliveries.get('wh_1', id as string)],
    ['deliveries.replay', (c, id) => c.deliveries.replay(id as string, 'del_1')],
    ['deliveries.replay (deliveryId)', (c, id) => c.deliveries.replay('wh_1', id as string)],
    [
      'deliveries.recover',
      (c, id) => c.deliveries.recover(id as string, { since: '2026-01-01T00:00:00Z' }),
    ],
  ];

  it.each(
    methods,
  )('%s rejects an empty, dot or non-string id with invalid_option before any request', async (name, invoke) => {
    for (const bad of ['', '.', '..', undefined, null, 42, {}]) {
      const { core, client } = setup();
      const promise = invoke(client, bad);
      expect(promise).toBeInstanceOf(Promise); // a rejection, never a synchronous throw
      const error = await rejection(promise);
      expect(isWebhooksError(error) && error.code).toBe('invalid_option');
      expect((error as Error).message).toContain(name.split(' ')[0]);
      expect(core.calls).toHaveLength(0);
    }
  });

  it('refuses an invalid Date before any request', async () => {
    const { core, client } = setup();
    const error = await rejection(
      client.deliveries.recover('wh_1', { since: new Date(Number.NaN) }),
    );
    expect(isWebhooksError(error) && error.code).toBe('invalid_option');
    await expect(client.deliveries.list('wh_1', { since: new Date('nope') })).rejects.toThrow(
      /since is an invalid Date/,
    );
    expect(core.calls).toHaveLength(0);
  });
});

describe('deliveries.listAll', () => {
  /** A core serving `total` deliveries, `size` a page, with the page the call asks for. */
  function serving(total: number) {
    const all = Array.from({ length: total }, (_, i) => delivery(i));
    const { core, client } = setup();
    for (let i = 0; i < 100; i++) {
      core.answerWith((call) => {
        const p = Number(call.query?.page ?? 0);
        const size = Number(call.query?.size ?? 20);
        return page(all.slice(p * size, (p + 1) * size), p, size, total);
      });
    }
    return { core, client, all };
  }

  it('yields every delivery of every page, in order, one request per page', async () => {
    const { core, client, all } = serving(23);
    const seen: string[] = [];
    for await (const d of client.deliveries.listAll('wh_1', { size: 10, status: 'FAILED' })) {
      seen.push(d.id);
    }
    expect(seen).toEqual(all.map((d) => d.id));
    expect(core.calls.map((call) => call.query?.page)).toEqual([0, 1, 2]);
    expect(core.calls.every((call) => call.query?.status === 'FAILED')).toBe(true);
    expect(core.calls.every((call) => call.path === '/v1/webhooks/wh_1/deliveries')).toBe(true);
  });

  it('makes no request until iterated, and one for an empty history', async () => {
    const { core, client } = serving(0);
    const iterable = client.deliveries.listAll('wh_1');
    expect(core.calls).toHaveLength(0);
    const seen: WebhookDelivery[] = [];
    for await (const d of iterable) seen.push(d);
    expect(seen).toEqual([]);
    expect(core.calls).toHaveLength(1);
  });

  it('stops without another request on break', async () => {
    const { core, client } = serving(100);
    let n = 0;
    for await (const _ of client.deliveries.listAll('wh_1', { size: 10 })) {
      n += 1;
      if (n === 15) break;
    }
    expect(core.calls.map((call) => call.query?.page)).toEqual([0, 1]);
  });

  it('starts at query.page', async () => {
    const { core, client } = serving(30);
    const seen: string[] = [];
    for await (const d of client.deliveries.listAll('wh_1', { page: 1, size: 10 })) seen.push(d.id);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `del_${i + 10}`));
    expect(core.calls.map((call) => call.query?.page)).toEqual([1, 2]);
  });

  it('stops on an empty page even when the server says hasNext', async () => {
    const { core, client } = setup();
    core.answer(page([delivery(1)], 0, 1, 5));
    core.answer({ data: [], pagination: { ...page([], 1, 1, 5).pagination, hasNext: true } });
    const seen: string[] = [];
    for await (const d of client.deliveries.listAll('wh_1', { size: 1 })) seen.push(d.id);
    expect(seen).toEqual(['del_1']);
    expect(core.calls).toHaveLength(2);
  });

  it('passes the signal to every page and rejects with its reason once aborted', async () => {
    const { core, client } = serving(30);
    const controller = new AbortController();
    const seen: string[] = [];
    const reason = new Error('stop');
    const loop = async () => {
      for await (const d of client.deliveries.listAll(
        'wh_1',
        { size: 10 },
        { signal: controller.signal },
      )) {
        seen.push(d.id);
        if (seen.length === 12) controller.abort(reason);
      }
    };
    await expect(loop()).rejects.toBe(reason);
    expect(seen).toHaveLength(12);
    expect(core.calls).toHaveLength(2);
    expect(core.calls.every((call) => call.signal === controller.signal)).toBe(true);
  });

  it('does not start when the signal is already aborted', async () => {
    const { core, client } = serving(5);
    const iterator = client.deliveries
      .listAll('wh_1', {}, { signal: AbortSignal.abort() })
      [Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(core.calls).toHaveLength(0);
  });

  it('rejects an empty endpoint id on the first step, before any request', async () => {
    const { core, client } = setup();
    const iterator = client.deliveries.listAll('')[Symbol.asyncIterator]();
    const error = await rejection(iterator.next());
    expect(isWebhooksError(error) && error.code).toBe('invalid_option');
    expect(core.calls).toHaveLength(0);
  });

  it('yields the concatenation of the pages for any total and size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(60), fc.integer({ min: 1, max: 25 }), async (total, size) => {
        const { core, client, all } = serving(total);
        const seen: string[] = [];
        for await (const d of client.deliveries.listAll('wh_1', { size })) seen.push(d.id);
        expect(seen).toEqual(all.map((d) => d.id));
        expect(core.calls).toHaveLength(Math.max(1, Math.ceil(total / size)));
      }),
      { numRuns: 100 },
    );
  });
});
