// Aborting a call: before it, while a request is in flight, while waiting between attempts and
// while waiting for a token. The call rejects with the signal's reason; nothing is sent after, no
// timer is left running, and a token request given up on ends at its own deadline.
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpCore } from '../../../src/client/internal/http-core.js';

const API = 'https://api.test.example';
const TOKEN_URL = 'https://auth.test.example/token';
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

const GET = { method: 'GET', path: '/v1/webhooks', errorFormat: 'problem' } as const;

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Resolves once `check()` holds, polling on the event loop (no fixed sleep). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setImmediate(r));
  expect(check()).toBe(true);
}

function counting(answer: () => Response | Promise<Response>) {
  const seen = { count: 0 };
  server.use(
    http.get(`${API}/v1/webhooks`, async () => {
      seen.count += 1;
      return answer();
    }),
  );
  return seen;
}

describe('createHttpCore: abort', () => {
  it('sends nothing when the signal has already aborted', async () => {
    const seen = counting(() => HttpResponse.json({}));
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    const core = createHttpCore({ baseUrl: API, auth: 'tok' });
    expect(await failureOf(core.request({ ...GET, signal: controller.signal }))).toBe(reason);
    expect(seen.count).toBe(0);
  });

  it("cancels the request in flight with the signal's reason, and sends no retry", async () => {
    const seen = counting(async () => {
      await delay('infinite');
      return HttpResponse.json({});
    });
    const controller = new AbortController();
    const core = createHttpCore({ baseUrl: API, auth: 'tok' });
    const pending = failureOf(core.request({ ...GET, signal: controller.signal }));
    await until(() => seen.count === 1);
    const reason = new Error('user left');
    controller.abort(reason);
    expect(await pending).toBe(reason);
    expect(seen.count).toBe(1);
  });

  it('ends the wait between attempts with the reason, clears its timer, and sends nothing more', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const seen = counting(() =>
      HttpResponse.json({}, { status: 503, headers: { 'Retry-After': '30' } }),
    );
    const controller = new AbortController();
    const core = createHttpCore({ baseUrl: API, auth: 'tok' }); // the timer-based wait, faked
    const pending = failureOf(core.request({ ...GET, signal: controller.signal }));
    await until(() => seen.count === 1 && vi.getTimerCount() === 1); // the 30 s wait has begun
    const reason = new DOMException('Timed out', 'TimeoutError');
    controller.abort(reason);
    expect(await pending).toBe(reason);
    expect(vi.getTimerCount()).toBe(0); // the wait's timer went with the abort
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen.count).toBe(1);
  });

  it('rejects with the reason even when it is not an Error', async () => {
    const seen = counting(() => HttpResponse.json({}, { status: 500 }));
    const controller = new AbortController();
    const core = createHttpCore({
      baseUrl: API,
      auth: 'tok',
      sleep: async () => {
        controller.abort('a plain string');
      },
    });
    expect(await failureOf(core.request({ ...GET, signal: controller.signal }))).toBe(
      'a plain string',
    );
    expect(seen.count).toBe(1);
  });

  it('stops waiting for a token request, and sends nothing to the API; the token request ends at its deadline', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const seen = counting(() => HttpResponse.json({}));
    let tokenRequests = 0;
    let tokenRequestsEnded = 0;
    server.use(
      http.post(TOKEN_URL, async ({ request }) => {
        tokenRequests += 1;
        if (tokenRequests === 1) {
          // No answer: this request ends only when the client gives up on it.
          await new Promise((resolve) => request.signal.addEventListener('abort', resolve));
          tokenRequestsEnded += 1;
          return HttpResponse.json({});
        }
        return HttpResponse.json({ access_token: 'tok', token_type: 'Bearer', expires_in: 300 });
      }),
    );
    const controller = new AbortController();
    const core = createHttpCore({
      baseUrl: API,
      auth: { clientId: 'c', clientSecret: 's', tokenUrl: TOKEN_URL },
      timeoutMs: 30_000,
    });
    const pending = failureOf(core.request({ ...GET, signal: controller.signal }));
    await until(() => tokenRequests === 1);
    const reason = new Error('gave up');
    controller.abort(reason);
    expect(await pending).toBe(reason);
    expect(seen.count).toBe(0);
    // The token request goes on for other callers, up to its own deadline, and then ends.
    expect(tokenRequestsEnded).toBe(0);
    await vi.advanceTimersByTimeAsync(30_000);
    await until(() => tokenRequestsEnded === 1);
    expect(vi.getTimerCount()).toBe(0);
    // Nothing is left waiting: the next call starts a new token request.
    await expect(core.request(GET)).resolves.toMatchObject({ status: 200 });
    expect(tokenRequests).toBe(2);
    expect(seen.count).toBe(1);
  });
});
