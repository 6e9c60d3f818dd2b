// The typed client against the `/testing` msw handlers (createManagementApiHandlers): the same
// end-to-end suite that client-loopback.test.ts runs against the real API over loopback HTTP, so
// passing both proves the mock answers as the server does. Then the mock's switches as
// docs/testing.md shows them, driven through the client: token caching and expiry on the mock's
// clock, a 503 retried with one Idempotency-Key, faults of the token endpoint (retried, or a
// TokenRequestError), a 429 surfaced as a typed error, latency, and the EUDR registration call.
//
// msw/node is imported here (ESM) while the mock loads msw through require: the combination a
// consumer's test file has.

import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEudrWebhooksClient } from '../../../src/client/create-eudr-webhooks-client.js';
import { createWebhooksClient } from '../../../src/client/create-webhooks-client.js';
import { NovatradeApiError } from '../../../src/client/novatrade-api-error.js';
import { TokenRequestError } from '../../../src/client/token-request-error.js';
import { createFakeClock, type FakeClock } from '../../../src/testing/create-fake-clock.js';
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
import { type ClientFlowBackend, describeClientFlows } from '../../helpers/client-flow-suite.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

const RECEIVER_URL = 'https://receiver.example.test/webhooks/novatrade';
const HOOK = { url: RECEIVER_URL, events: ['kyc.*'] };

/** A mock on a fake clock, served by the file's msw server. */
function mockOn(clock: FakeClock, options: ManagementApiMockOptions = {}): ManagementApiMock {
  const mock = createManagementApiHandlers({ clock, ...options });
  server.resetHandlers(...mock.handlers);
  return mock;
}

function clientOf(mock: ManagementApiMock, clock: FakeClock, retry?: false) {
  return createWebhooksClient({
    baseUrl: mock.baseUrl,
    auth: { clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, tokenUrl: mock.tokenUrl },
    now: clock.now,
    ...(retry === false ? { retry } : {}),
  });
}

describeClientFlows('msw handlers', async (): Promise<ClientFlowBackend> => {
  const clock = createFakeClock();
  let status = 200;
  const transport = createRecordingTransport({ status: () => status });
  const mock = mockOn(clock, { transport });
  return {
    client: clientOf(mock, clock),
    receiver: {
      url: RECEIVER_URL,
      setStatus(next: number) {
        status = next;
      },
      received: () =>
        transport.requests.map((request) => ({
          eventId: request.headers['X-Novatrade-Event-Id'] ?? '',
          eventType: request.headers['X-Novatrade-Event-Type'] ?? '',
          signature: request.headers['X-Novatrade-Signature'] ?? '',
          body: request.body,
          deliveryId: request.headers['X-Novatrade-Delivery-Id'],
        })),
    },
    async advance(ms: number) {
      clock.advance(ms);
      await mock.deliverDue();
    },
    now: () => clock.now(),
    close: () => mock.close(),
  };
});

describe('the client against the msw mock: the switches of docs/testing.md', () => {
  it('caches the token until 60 s before expires_in, then fetches one on the mock clock', async () => {
    const clock = createFakeClock();
    const mock = mockOn(clock);
    const client = clientOf(mock, clock);
    await client.endpoints.list();
    await client.endpoints.list();
    expect(mock.tokenRequests).toHaveLength(1);
    clock.advance(239_000);
    await client.endpoints.list();
    expect(mock.tokenRequests).toHaveLength(1);
    clock.advance(300_000);
    await client.endpoints.list();
    expect(mock.tokenRequests.map((r) => [r.clientId, r.status])).toEqual([
      [TEST_CLIENT_ID, 200],
      [TEST_CLIENT_ID, 200],
    ]);
    expect(mock.requests.every((r) => r.status === 200)).toBe(true);
  });

  it('retries a 503 with the same Idempotency-Key, and the endpoint is created once', async () => {
    const clock = createFakeClock();
    const mock = mockOn(clock);
    const waits: number[] = [];
    const client = createWebhooksClient({
      baseUrl: mock.baseUrl,
      auth: TEST_API_KEY,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    mock.failNext({
      status: 503,
      times: 2,
      retryAfterSeconds: 1,
      match: { method: 'POST', path: '/v1/webhooks' },
    });
    const { status, attempts } = await client.endpoints.create(HOOK);
    expect([status, attempts]).toEqual([201, 3]);
    const keys = mock.requests.map((request) => request.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(mock.requests.map((r) => r.faulted)).toEqual([true, true, false]);
    // Retry-After: 1 plus 0-500 ms of jitter
    expect(waits.every((ms) => ms >= 1000 && ms <= 1500)).toBe(true);
    expect(await mock.sender.listEndpoints(TEST_ORGANIZATION_UUID)).toHaveLength(1);
  });

  it('a 503 of the token endpoint is retried after its Retry-After, and the call succeeds', async () => {
    const clock = createFakeClock();
    const mock = mockOn(clock);
    const waits: number[] = [];
    const client = createWebhooksClient({
      baseUrl: mock.baseUrl,
      auth: { clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, tokenUrl: mock.tokenUrl },
      now: clock.now,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    mock.failNext({ status: 503, retryAfterSeconds: 1, match: { api: 'token' } });
    const { status, data } = await client.endpoints.list();
    expect([status, data]).toEqual([200, []]);
    expect(mock.tokenRequests.map((r) => [r.status, r.faulted])).toEqual([
      [503, true],
      [200, false],
    ]);
    // Retry-After: 1 plus 0-500 ms of jitter
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(1000);
    expect(waits[0]).toBeLessThanOrEqual(1500);
    expect(mock.requests.map((r) => r.status)).toEqual([200]);
  });

  it('a 429 of the token endpoint with retry: false is a TokenRequestError with its Retry-After', async () => {
    const clock = createFakeClock();
    const mock = mockOn(clock);
    const client = clientOf(mock, clock, false);
    mock.failNext({ status: 429, retryAfterSeconds: 7, match: { api: 'token' } });
    const error = await client.endpoints.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({
      code: 'token_request_failed',
      failure: 'refused',
      status: 429,
      oauthError: 'temporarily_unavailable',
      retryAfterSeconds: 7,
    });
    expect(mock.requests).toEqual([]);
  });

  it('a 429 with retry: false is a NovatradeApiError with the rate-limit headers', async () => {
    const clock = createFakeClock({ nowMs: Date.UTC(2026, 0, 1, 0, 0, 20) });
    const mock = mockOn(clock);
    const client = createWebhooksClient({
      baseUrl: mock.baseUrl,
      auth: TEST_API_KEY,
      retry: false,
    });
    mock.failNext({ status: 429, times: Number.POSITIVE_INFINITY });
    const error = await client.endpoints.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NovatradeApiError);
    expect(error).toMatchObject({
      status: 429,
      problemType: 'rate-limited',
      detail: '10 requests per minute for webhook category exceeded.',
    });
    expect(mock.requests).toHaveLength(1);
    mock.reset();
    expect((await client.endpoints.list()).status).toBe(200);
  });

  it('latency delays the client by latencyMs (fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const clock = createFakeClock();
    const mock = mockOn(clock, { latencyMs: 2000 });
    const client = createWebhooksClient({ baseUrl: mock.baseUrl, auth: TEST_API_KEY });
    let done = false;
    const pending = client.endpoints.list().then((answer) => {
      done = true;
      return answer;
    });
    await vi.advanceTimersByTimeAsync(1999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).status).toBe(200);
  });

  it('registers an EUDR endpoint through the EUDR client', async () => {
    const clock = createFakeClock();
    const mock = mockOn(clock, { eudr: true });
    const eudr = createEudrWebhooksClient({
      baseUrl: mock.eudrBaseUrl ?? '',
      auth: TEST_EUDR_API_KEY,
    });
    const { status, data } = await eudr.register({
      url: 'https://partner.example/eudr',
      events: ['supplier.created'],
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({ active: true, secret: expect.any(String) });
    expect((await eudr.get(data.id)).data.id).toBe(data.id);
  });
});
