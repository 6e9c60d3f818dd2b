// The msw mock of docs/testing.md ("Mocking the management API with msw"), set up as the guide
// sets it up: one mock, one msw server and one client for the whole file, `reset()` after each
// test. The guide's examples then run one after another against it, as a reader's file would run
// them, so state that one test leaves behind (a token, a handler) shows up in the next. Each
// `#region docs:*` is copied verbatim into a code block of the guide (the last tests fail when
// they drift apart, or when the guide imports a name its entry does not export).

import { readFileSync } from 'node:fs';
import { verifyNovatradeSignature } from '@novatrade24/webhooks';
import * as clientEntry from '@novatrade24/webhooks/client';
import { createWebhooksClient, NovatradeApiError } from '@novatrade24/webhooks/client';
import * as testingEntry from '@novatrade24/webhooks/testing';
import {
  createFakeClock,
  createManagementApiHandlers,
  createSampleEvent,
  TEST_API_KEY,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
} from '@novatrade24/webhooks/testing';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as root from '../../../src/index.js';
import { expectImportsResolve, guideBlockWith, sourceRegion } from '../../helpers/docs-examples.js';

// #region docs:msw-setup
const mock = createManagementApiHandlers();
const server = setupServer(...mock.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers(); // drops what a test added with server.use()
  mock.reset(); // no endpoints, faults or records left over; tokens stay valid
});
afterAll(() => server.close());

const client = createWebhooksClient({
  baseUrl: mock.baseUrl, // https://api.novatrade24.com
  auth: { clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, tokenUrl: mock.tokenUrl },
});

it('registers an endpoint', async () => {
  const { status, data } = await client.endpoints.create({
    url: 'https://partner.example/webhooks/novatrade',
    events: ['compliance.*'],
  });
  expect(status).toBe(201);
  expect(data.secret).toMatch(/^whsec_/);
});
// #endregion

// Every answer the file's msw server gave, across tests (the mock's own records are reset).
const answers: { readonly url: string; readonly status: number }[] = [];
const statuses: number[] = [];
server.events.on('response:mocked', ({ request, response }) => {
  answers.push({ url: request.url, status: response.status });
  statuses.push(response.status);
});

it("the client's token outlives reset(): the next test asks for none and meets no 401", async () => {
  expect((await client.endpoints.list()).data).toEqual([]);
  expect(mock.tokenRequests).toEqual([]);
  expect(mock.requests.map((request) => request.status)).toEqual([200]);
});

describe('Failures and latency', () => {
  // #region docs:msw-faults
  it('retries a 503 with the same Idempotency-Key', async () => {
    mock.failNext({
      status: 503,
      times: 2,
      retryAfterSeconds: 1,
      match: { method: 'POST', path: '/v1/webhooks' },
    });
    await client.endpoints.create({ url: 'https://partner.example/hook', events: ['kyc.*'] });
    const keys = mock.requests.map((request) => request.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
  });

  it('surfaces a 429 it may not retry as a typed error', async () => {
    const once = createWebhooksClient({ baseUrl: mock.baseUrl, auth: TEST_API_KEY, retry: false });
    mock.failNext({ status: 429, times: Infinity }); // until reset()
    const error = await once.endpoints.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NovatradeApiError);
    expect((error as NovatradeApiError).status).toBe(429);
  });
  // #endregion

  it('the 503 example saw exactly [503, 503, 201], and reset() ended the endless 429', async () => {
    expect(statuses.slice(-4)).toEqual([503, 503, 201, 429]);
    expect((await client.endpoints.list()).status).toBe(200);
  });

  // #region docs:msw-token-fault
  it('waits out a Keycloak outage', async () => {
    const fresh = createWebhooksClient({
      baseUrl: mock.baseUrl,
      auth: { clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, tokenUrl: mock.tokenUrl },
    });
    mock.failNext({ status: 503, retryAfterSeconds: 1, match: { api: 'token' } });
    expect((await fresh.endpoints.list()).status).toBe(200); // the token request was retried
    expect(mock.tokenRequests.map((request) => request.status)).toEqual([503, 200]);
  });
  // #endregion
});

describe('Time', () => {
  // #region docs:msw-time
  it('fetches a new token when the old one expires', async () => {
    const clock = createFakeClock();
    const mock = createManagementApiHandlers({ clock });
    server.use(...mock.handlers);
    const client = createWebhooksClient({
      baseUrl: mock.baseUrl,
      auth: { clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, tokenUrl: mock.tokenUrl },
      now: clock.now, // the client's token cache reads the same clock
    });

    await client.endpoints.list();
    await client.endpoints.list();
    expect(mock.tokenRequests).toHaveLength(1); // cached
    clock.advance(300_000); // expires_in runs out
    await client.endpoints.list();
    expect(mock.tokenRequests).toHaveLength(2);
  });
  // #endregion

  it("after it, the file's mock answers again: the test's mock went with its test", async () => {
    expect((await client.endpoints.list()).status).toBe(200);
    expect(mock.requests.map((request) => request.path)).toEqual(['/v1/webhooks']);
  });
});

describe('Deliveries', () => {
  // #region docs:msw-deliveries
  it('signs what it delivers with the endpoint secret', async () => {
    const { data: endpoint } = await client.endpoints.create({
      url: 'https://partner.example/hook',
      events: ['kyc.*'],
    });
    const event = createSampleEvent('kyc.verification_completed');
    await client.events.publish({
      type: event.type,
      data: event.data,
      partnerUuid: event.partnerUuid,
    });

    expect(await mock.deliverDue()).toBe(1);
    const [request] = mock.transport.requests;
    // throws unless signed with the endpoint's secret
    verifyNovatradeSignature(
      request?.body ?? '',
      request?.headers['X-Novatrade-Signature'],
      endpoint.secret,
    );
    const { data: history } = await client.deliveries.list(endpoint.id);
    expect(history.data[0]?.status).toBe('DELIVERED');
  });
  // #endregion
});

it('no call of this file was answered 401; one token per client', () => {
  expect(statuses).not.toContain(401);
  // one for the file's client, one (after a 503) for the outage example's, two for Time's
  expect(answers.filter((answer) => answer.url === mock.tokenUrl).map((a) => a.status)).toEqual([
    200, 503, 200, 200, 200,
  ]);
  expect(statuses.length).toBeGreaterThan(8);
});

describe('docs/testing.md stays the code above', () => {
  const guide = readFileSync(new URL('../../../docs/testing.md', import.meta.url), 'utf8');
  const source = readFileSync(new URL(import.meta.url), 'utf8');
  const regions = ['msw-setup', 'msw-faults', 'msw-token-fault', 'msw-deliveries', 'msw-time'];

  const region = (name: string) => sourceRegion(source, name);
  const blockWith = (code: string) => guideBlockWith(guide, code);

  it.each(regions)('the %s example is in the guide verbatim', (name) => {
    expect(blockWith(region(name))).toBeDefined();
  });

  it.each(
    regions.filter((name) => name !== 'msw-token-fault'), // a block without imports
  )('the %s example imports only names its entries export', (name) => {
    const block = blockWith(region(name)) as string;
    const entries: Record<string, object> = {
      '@novatrade24/webhooks': root,
      '@novatrade24/webhooks/client': clientEntry,
      '@novatrade24/webhooks/testing': testingEntry,
      'msw/node': { setupServer },
      vitest: { afterAll, afterEach, beforeAll, describe, expect, it },
    };
    expectImportsResolve(block, entries);
  });
});
