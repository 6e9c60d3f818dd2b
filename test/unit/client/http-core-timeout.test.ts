// Each HTTP request's own deadline (`timeoutMs`): an attempt that has not answered, body included,
// is aborted and counts as a network failure, retried by the policy, `api_unreachable` after the
// last one with a TimeoutError as its cause. The caller's signal still wins, and no call leaves a
// listener on a caller's long-lived signal or a timer behind. Fake timers drive every deadline.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHttpCore, type HttpCoreOptions } from '../../../src/client/internal/http-core.js';
import { WebhookClientError } from '../../../src/core/errors.js';
import { countingSignal } from './counting-signal.js';

const API = 'https://api.test.example';
const TOKEN_URL = 'https://auth.test.example/token';
const GET = { method: 'GET', path: '/v1/webhooks/wh_1', errorFormat: 'problem' } as const;
const POST = { method: 'POST', path: '/v1/events', body: {}, errorFormat: 'problem' } as const;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(() => {
  vi.useRealTimers();
});

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A fetch that hangs (ignoring its signal) `hangs` times, then answers `answer()`. */
function hangingFetch(hangs: number, answer = () => Response.json({ ok: true })) {
  const signals: AbortSignal[] = [];
  const fetch = async (_input: unknown, init?: RequestInit): Promise<Response> => {
    signals.push(init?.signal as AbortSignal);
    if (signals.length <= hangs) return new Promise<Response>(() => undefined);
    return answer();
  };
  return { fetch: fetch as typeof globalThis.fetch, signals };
}

function core(options: Partial<HttpCoreOptions>) {
  return createHttpCore({
    baseUrl: API,
    auth: 'tok',
    sleep: async () => undefined,
    ...options,
  });
}

describe('createHttpCore: timeoutMs', () => {
  it('aborts an attempt that has not answered by timeoutMs and retries it', async () => {
    const { fetch, signals } = hangingFetch(1);
    const pending = core({ fetch, timeoutMs: 5_000 }).request(GET);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(signals).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toMatchObject({ data: { ok: true }, attempts: 2 });
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toMatchObject({ name: 'TimeoutError' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is api_unreachable after the last attempt, its cause a TimeoutError', async () => {
    const { fetch, signals } = hangingFetch(Number.POSITIVE_INFINITY);
    const pending = failureOf(core({ fetch, retry: { attempts: 3 } }).request(POST));
    await vi.advanceTimersByTimeAsync(3 * 30_000); // the default deadline, three times
    const error = await pending;
    expect(error).toBeInstanceOf(WebhookClientError);
    expect(error).toMatchObject({ code: 'api_unreachable' });
    expect((error as Error).message).toMatch(/no answer came within 30000 ms \(timeoutMs\)/);
    expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' });
    expect(signals).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times out a 2xx whose body never ends', async () => {
    const endless = () =>
      new Response(new ReadableStream({ start: () => undefined }), {
        headers: { 'Content-Type': 'application/json' },
      });
    const { fetch } = hangingFetch(0, endless);
    const pending = failureOf(core({ fetch, retry: false, timeoutMs: 1_000 }).request(GET));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await pending).toMatchObject({ code: 'api_unreachable' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets the caller’s abort win: the call rejects with the caller’s reason, not a timeout', async () => {
    const { fetch, signals } = hangingFetch(Number.POSITIVE_INFINITY);
    const caller = countingSignal();
    const pending = failureOf(core({ fetch }).request({ ...GET, signal: caller.signal }));
    await vi.advanceTimersByTimeAsync(10_000);
    const reason = new Error('user left');
    caller.controller.abort(reason);
    expect(await pending).toBe(reason);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.reason).toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    expect(caller.listeners()).toBe(0);
  });

  it('leaves no listener on a long-lived signal after calls that answered, failed or retried', async () => {
    const caller = countingSignal();
    let n = 0;
    const fetch = (async (input: RequestInfo | URL) => {
      n += 1;
      if (String(input) === TOKEN_URL) {
        return Response.json({ access_token: `tok_${n}`, token_type: 'Bearer', expires_in: 300 });
      }
      if (n % 3 === 0) return Response.json({}, { status: 503, headers: { 'Retry-After': '0' } });
      if (n % 5 === 0) return Response.json({ title: 'Not Found' }, { status: 404 });
      return Response.json({ ok: n });
    }) as typeof globalThis.fetch;
    const c = createHttpCore({
      baseUrl: API,
      auth: { clientId: 'c', clientSecret: 's', tokenUrl: TOKEN_URL },
      fetch,
      random: () => 0, // the real, timer-based wait of 0 ms between attempts
    });
    const calls = Array.from({ length: 20 }, (_, i) =>
      c.request({ ...(i % 2 === 0 ? GET : POST), signal: caller.signal }).catch(() => undefined),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(calls);
    expect(caller.listeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
