// Every route method of the EUDR client against a fake HttpCore: the exact call it builds (paths
// relative to the integration base URL, N'entropy's error format, JSON bodies, the key only on
// writes), ids percent-encoded and checked before any request, the ApiResponse handed back.

import { describe, expect, it } from 'vitest';
import { bindEudrWebhooksClient } from '../../../src/client/internal/eudr-routes.js';
import type { HttpCall } from '../../../src/client/internal/http-call.js';
import { isWebhooksError } from '../../../src/core/errors.js';
import { createFakeHttpCore, responseOf } from './fake-http-core.js';

function setup() {
  const core = createFakeHttpCore();
  return { core, eudr: bindEudrWebhooksClient(core) };
}

/** The call without its absent fields (a query's absent parameters too). */
function defined(call: HttpCall): Record<string, unknown> {
  const entries = Object.entries(call).filter(([, value]) => value !== undefined);
  return Object.fromEntries(
    entries.map(([key, value]) =>
      key === 'query'
        ? [
            key,
            Object.fromEntries(Object.entries(value as object).filter(([, v]) => v !== undefined)),
          ]
        : [key, value],
    ),
  );
}

const signal = new AbortController().signal;
const write = { idempotencyKey: 'key-1', signal, requestId: 'req_1' } as const;
const read = { signal, requestId: 'req_1' } as const;
const REGISTER = { url: 'https://your-server.com/webhooks/eudr', events: ['supplier.created'] };

describe('bindEudrWebhooksClient: the call each method builds', () => {
  const cases: [string, (e: ReturnType<typeof setup>['eudr']) => Promise<unknown>, object][] = [
    [
      'register',
      (e) => e.register(REGISTER, write),
      { method: 'POST', path: '/webhook-events', body: REGISTER, ...write, errorFormat: 'eudr' },
    ],
    [
      'list',
      (e) => e.list({ page: 2, limit: 10 }, read),
      {
        method: 'GET',
        path: '/webhook-events',
        query: { page: 2, limit: 10 },
        ...read,
        errorFormat: 'eudr',
      },
    ],
    [
      'list without a query',
      (e) => e.list(),
      { method: 'GET', path: '/webhook-events', query: {}, errorFormat: 'eudr' },
    ],
    [
      'get',
      (e) => e.get('wh_1', read),
      { method: 'GET', path: '/webhook-events/wh_1', ...read, errorFormat: 'eudr' },
    ],
    [
      'update',
      (e) => e.update('wh_1', { active: true }, write),
      {
        method: 'PATCH',
        path: '/webhook-events/wh_1',
        body: { active: true },
        ...write,
        errorFormat: 'eudr',
      },
    ],
    [
      'delete',
      (e) => e.delete('wh_1', write),
      { method: 'DELETE', path: '/webhook-events/wh_1', ...write, errorFormat: 'eudr' },
    ],
  ];

  it.each(cases)('%s', async (_name, invoke, expected) => {
    const { core, eudr } = setup();
    await invoke(eudr);
    expect(core.calls).toHaveLength(1);
    expect(defined(core.last())).toEqual(expected);
  });

  it('sends the PATCH as application/json (the EUDR API takes no merge-patch type)', async () => {
    const { core, eudr } = setup();
    await eudr.update('wh_1', { url: 'https://x.example' });
    expect(core.last().contentType).toBeUndefined();
  });

  it('never sends a key on a read', async () => {
    const { core, eudr } = setup();
    const sneaky = { idempotencyKey: 'nope' } as never;
    await eudr.list({}, sneaky);
    await eudr.get('wh_1', sneaky);
    expect(core.calls.map((call) => call.idempotencyKey)).toEqual([undefined, undefined]);
  });

  it('percent-encodes ids and refuses empty and dot ones before any request', async () => {
    const { core, eudr } = setup();
    await eudr.get('wh 1/../x');
    expect(core.last().path).toBe('/webhook-events/wh%201%2F..%2Fx');
    for (const invoke of [
      () => eudr.get(''),
      () => eudr.update('', {}),
      () => eudr.delete(undefined as never),
      () => eudr.delete('..'),
      () => eudr.get('.'),
    ]) {
      const error = await invoke().catch((e: unknown) => e);
      expect(isWebhooksError(error) && error.code).toBe('invalid_option');
    }
    expect(core.calls).toHaveLength(1);
  });

  it('hands the core’s ApiResponse back untouched', async () => {
    const { core, eudr } = setup();
    const fields = { status: 201, idempotentReplayed: true, attempts: 2, requestId: 'req_7' };
    core.answer({ id: 'wh_1', active: true, secret: 'whsec_1' }, fields);
    const response = await eudr.register(REGISTER);
    expect(response).toEqual(responseOf({ id: 'wh_1', active: true, secret: 'whsec_1' }, fields));
  });
});
