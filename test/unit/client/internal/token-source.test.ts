import fc from 'fast-check';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveClientAuth } from '../../../../src/client/internal/resolve-client-auth.js';
import {
  createTokenSource,
  TOKEN_REFRESH_MARGIN_MS,
  tokenRefreshAtMs,
} from '../../../../src/client/internal/token-source.js';
import { TokenRequestError } from '../../../../src/client/token-request-error.js';
import { WebhookValidationError } from '../../../../src/core/errors.js';
import { errorTexts, leaks } from '../../../helpers/canary.js';

const TOKEN_URL = 'https://auth.test.example/realms/nt/protocol/openid-connect/token';
const SECRET = 'CanarySecret9f3bQx7Zk2';
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** A token endpoint that answers `tok_<n>` for request n, and records the form bodies. */
function tokenEndpoint(expiresIn: number | null = 300) {
  const forms: URLSearchParams[] = [];
  const contentTypes: (string | null)[] = [];
  server.use(
    http.post(TOKEN_URL, async ({ request }) => {
      contentTypes.push(request.headers.get('content-type'));
      forms.push(new URLSearchParams(await request.text()));
      return HttpResponse.json({
        access_token: `tok_${forms.length}`,
        token_type: 'Bearer',
        ...(expiresIn === null ? {} : { expires_in: expiresIn }),
      });
    }),
  );
  return { forms, contentTypes };
}

function credentialsSource(clock: { now: number }, scope?: string) {
  const auth = resolveClientAuth(
    { clientId: 'acme', clientSecret: SECRET, tokenUrl: TOKEN_URL, scope },
    'test',
  );
  return createTokenSource(auth, {
    fetch: () => globalThis.fetch,
    now: () => clock.now,
    userAgent: 'ua/1',
    owner: 'test',
    timeoutMs: 30_000,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Waits (real event-loop turns, never timers) until `condition` holds. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let turn = 0; turn < 1000; turn++) {
    if (await condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the condition never held');
}

function expectNoSecret(error: unknown, ...secrets: string[]) {
  for (const text of errorTexts(error)) {
    for (const secret of secrets) expect(leaks(text, secret)).toBe(false);
  }
}

describe('tokenRefreshAtMs', () => {
  it('is 60 s before expiry, half the life for 120 s or less, never without expires_in', () => {
    expect(tokenRefreshAtMs(1000, 300)).toBe(1000 + 240_000);
    expect(tokenRefreshAtMs(0, 120)).toBe(60_000);
    expect(tokenRefreshAtMs(0, 60)).toBe(30_000);
    expect(tokenRefreshAtMs(0, 0)).toBe(0);
    expect(tokenRefreshAtMs(0, undefined)).toBe(Number.POSITIVE_INFINITY);
  });

  it('refreshes within the life, at most 60 s early, and later for a longer life', () => {
    fc.assert(
      fc.property(fc.nat({ max: 4e12 }), fc.nat({ max: 10 ** 7 }), (at, seconds) => {
        const refreshAt = tokenRefreshAtMs(at, seconds);
        const expiresAt = at + seconds * 1000;
        expect(refreshAt).toBeGreaterThanOrEqual(at);
        expect(refreshAt).toBeLessThanOrEqual(expiresAt);
        expect(expiresAt - refreshAt).toBeLessThanOrEqual(TOKEN_REFRESH_MARGIN_MS);
        expect(tokenRefreshAtMs(at, seconds + 1)).toBeGreaterThan(refreshAt);
      }),
    );
  });
});

describe('createTokenSource: client credentials', () => {
  it('posts the form the spec shows, once, and caches the token', async () => {
    const { forms, contentTypes } = tokenEndpoint();
    const tokens = credentialsSource({ now: 0 }, 'webhooks:write');
    expect(await tokens.get(undefined)).toBe('tok_1');
    expect(await tokens.get(undefined)).toBe('tok_1');
    expect(forms).toHaveLength(1);
    expect(Object.fromEntries(forms[0] ?? [])).toEqual({
      grant_type: 'client_credentials',
      client_id: 'acme',
      client_secret: SECRET,
      scope: 'webhooks:write',
    });
    expect(contentTypes[0]).toBe('application/x-www-form-urlencoded');
  });

  it('refreshes from expires_in - 60 s on the injected clock, behind the call that finds it due', async () => {
    const { forms } = tokenEndpoint(300);
    const clock = { now: 1_000_000 };
    const tokens = credentialsSource(clock);
    expect(await tokens.get(undefined)).toBe('tok_1');
    clock.now += 240_000 - 1;
    expect(await tokens.get(undefined)).toBe('tok_1');
    expect(forms).toHaveLength(1);
    clock.now += 1; // due: this call still gets tok_1, and the refresh starts
    expect(await tokens.get(undefined)).toBe('tok_1');
    await until(async () => (await tokens.get(undefined)) === 'tok_2');
    expect(forms).toHaveLength(2);
  });

  it('keeps a token without expires_in until a 401 invalidates it', async () => {
    const { forms } = tokenEndpoint(null);
    const clock = { now: 0 };
    const tokens = credentialsSource(clock);
    expect(await tokens.get(undefined)).toBe('tok_1');
    clock.now = 10 ** 12;
    expect(await tokens.get(undefined)).toBe('tok_1');
    expect(tokens.invalidate('tok_1')).toBe(true);
    expect(await tokens.get(undefined)).toBe('tok_2');
    expect(forms).toHaveLength(2);
  });

  it('drops a token after a 401 only while it is still the cached one', async () => {
    const { forms } = tokenEndpoint();
    const tokens = credentialsSource({ now: 0 });
    await tokens.get(undefined);
    tokens.invalidate('tok_1');
    expect(await tokens.get(undefined)).toBe('tok_2');
    tokens.invalidate('tok_1'); // a late 401 of the old token: tok_2 stays
    expect(await tokens.get(undefined)).toBe('tok_2');
    expect(forms).toHaveLength(2);
  });

  it('makes one token request for 50 concurrent callers (single flight)', async () => {
    const { forms } = tokenEndpoint();
    const tokens = credentialsSource({ now: 0 });
    const all = await Promise.all(Array.from({ length: 50 }, () => tokens.get(undefined)));
    expect(new Set(all)).toEqual(new Set(['tok_1']));
    expect(forms).toHaveLength(1);
  });

  it('does not cache a failure: the next call asks again', async () => {
    let hits = 0;
    server.use(
      http.post(TOKEN_URL, () => {
        hits += 1;
        return hits === 1
          ? new HttpResponse('upstream down', { status: 502 })
          : HttpResponse.json({ access_token: 'tok_ok', token_type: 'bearer', expires_in: 60 });
      }),
    );
    const tokens = credentialsSource({ now: 0 });
    const failure = await failureOf(tokens.get(undefined));
    expect(failure).toBeInstanceOf(TokenRequestError);
    expect(failure).toMatchObject({ failure: 'refused', status: 502, oauthError: undefined });
    expect(await tokens.get(undefined)).toBe('tok_ok');
    expect(hits).toBe(2);
  });

  it('refuses an aborted caller in the margin, and waits for a new token after a 401 dropped it', async () => {
    let hits = 0;
    server.use(
      http.post(TOKEN_URL, () => {
        hits += 1;
        return hits === 1
          ? HttpResponse.json({ access_token: 'tok_1', token_type: 'Bearer', expires_in: 300 })
          : new HttpResponse(null, { status: 503 });
      }),
    );
    const clock = { now: 0 };
    const tokens = credentialsSource(clock);
    expect(await tokens.get(undefined)).toBe('tok_1');
    clock.now = 250_000; // in the margin
    const reason = new Error('caller left');
    expect(await failureOf(tokens.get(AbortSignal.abort(reason)))).toBe(reason);
    tokens.invalidate('tok_1'); // the API refused it: no longer a fallback
    expect(await failureOf(tokens.get(undefined))).toBeInstanceOf(TokenRequestError);
  });

  it('lets one waiter abort while the others still get the shared token', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.use(
      http.post(TOKEN_URL, async () => {
        await gate;
        return HttpResponse.json({ access_token: 'tok_shared', expires_in: 300 });
      }),
    );
    const tokens = credentialsSource({ now: 0 });
    const controller = new AbortController();
    const aborted = failureOf(tokens.get(controller.signal));
    const waiting = tokens.get(undefined);
    const reason = new Error('caller gave up');
    controller.abort(reason);
    expect(await aborted).toBe(reason);
    release();
    expect(await waiting).toBe('tok_shared');
    const before = new AbortController();
    before.abort(reason);
    expect(await failureOf(tokens.get(before.signal))).toBe(reason);
  });

  it('reports an OAuth2 refusal by status and code, never the description or the secret', async () => {
    server.use(
      http.post(TOKEN_URL, () =>
        HttpResponse.json(
          { error: 'invalid_client', error_description: `bad secret ${SECRET}` },
          { status: 401 },
        ),
      ),
    );
    const failure = await failureOf(credentialsSource({ now: 0 }).get(undefined));
    expect(failure).toMatchObject({
      code: 'token_request_failed',
      failure: 'refused',
      status: 401,
      oauthError: 'invalid_client',
    });
    expectNoSecret(failure, SECRET, 'bad secret');
  });

  it('does not report an undocumented OAuth2 error value', async () => {
    server.use(http.post(TOKEN_URL, () => HttpResponse.json({ error: SECRET }, { status: 400 })));
    const failure = await failureOf(credentialsSource({ now: 0 }).get(undefined));
    expect(failure).toMatchObject({ status: 400, oauthError: undefined });
    expectNoSecret(failure, SECRET);
  });

  it('reads Retry-After of a 429 or 503 from the token endpoint', async () => {
    server.use(
      http.post(TOKEN_URL, () =>
        HttpResponse.json(
          { error: 'temporarily_unavailable' },
          { status: 503, headers: { 'Retry-After': '3' } },
        ),
      ),
    );
    const failure = await failureOf(credentialsSource({ now: 0 }).get(undefined));
    expect(failure).toMatchObject({
      status: 503,
      oauthError: 'temporarily_unavailable',
      retryAfterSeconds: 3,
    });
  });

  it.each([
    ['no access_token', { token_type: 'Bearer', expires_in: 300 }],
    ['an empty access_token', { access_token: '', expires_in: 300 }],
    ['a token with a space', { access_token: 'a b', expires_in: 300 }],
    ['another token type', { access_token: 'x', token_type: 'mac', expires_in: 300 }],
    ['a negative expires_in', { access_token: 'x', expires_in: -1 }],
    ['a word for expires_in', { access_token: 'x', expires_in: 'soon' }],
    ['an array', [1]],
  ])('refuses a 200 with %s', async (_label, body) => {
    server.use(http.post(TOKEN_URL, () => HttpResponse.json(body)));
    const failure = await failureOf(credentialsSource({ now: 0 }).get(undefined));
    expect(failure).toMatchObject({ failure: 'unexpected_response', status: 200 });
  });

  it('takes expires_in as a digit string', async () => {
    server.use(
      http.post(TOKEN_URL, () => HttpResponse.json({ access_token: 'x', expires_in: '300' })),
    );
    expect(await credentialsSource({ now: 0 }).get(undefined)).toBe('x');
  });

  it('never follows a redirect with the secret (a 307 is a failure, its target never hit)', async () => {
    let followed = 0;
    server.use(
      http.post(TOKEN_URL, () =>
        HttpResponse.json(null, {
          status: 307,
          headers: { Location: 'https://elsewhere.test.example/token' },
        }),
      ),
      http.post('https://elsewhere.test.example/token', () => {
        followed += 1;
        return HttpResponse.json({ access_token: 'x', expires_in: 300 });
      }),
    );
    const failure = await failureOf(credentialsSource({ now: 0 }).get(undefined));
    expect(failure).toMatchObject({ failure: 'unexpected_response', status: 307 });
    expect(followed).toBe(0);
  });

  it('ends a token request that never answers at timeoutMs, and the next call asks again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const signals: AbortSignal[] = [];
      let answer = false;
      const auth = resolveClientAuth(
        { clientId: 'acme', clientSecret: SECRET, tokenUrl: TOKEN_URL },
        'test',
      );
      const tokens = createTokenSource(auth, {
        // The first request hangs and ignores its signal; the second answers.
        fetch: () => async (_input, init) => {
          signals.push(init?.signal as AbortSignal);
          if (!answer) return new Promise<Response>(() => undefined);
          return Response.json({ access_token: 'tok_late', token_type: 'Bearer', expires_in: 300 });
        },
        now: () => 0,
        userAgent: undefined,
        owner: 'test',
        timeoutMs: 30_000,
      });
      const first = failureOf(tokens.get(undefined));
      const second = failureOf(tokens.get(undefined)); // waits for the same request
      await vi.advanceTimersByTimeAsync(30_000);
      for (const error of [await first, await second]) {
        expect(error).toBeInstanceOf(TokenRequestError);
        expect(error).toMatchObject({ failure: 'network', status: undefined });
        expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' });
        expectNoSecret(error, SECRET);
      }
      expect(signals).toHaveLength(1);
      expect(signals[0]?.aborted).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
      answer = true;
      expect(await tokens.get(undefined)).toBe('tok_late');
      expect(signals).toHaveLength(2);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports a network failure with its cause', async () => {
    server.use(http.post(TOKEN_URL, () => HttpResponse.error()));
    const failure = await failureOf(credentialsSource({ now: 0 }).get(undefined));
    expect(failure).toMatchObject({ failure: 'network', status: undefined });
    expect((failure as Error).cause).toBeInstanceOf(Error);
    expectNoSecret(failure, SECRET);
  });
});

describe('createTokenSource: the refresh margin', () => {
  /** A token endpoint that answers each request when the test says so (or never). */
  function scriptedEndpoint() {
    const pending: ((response: Response) => void)[] = [];
    let count = 0;
    return {
      fetch: (async () => {
        count += 1;
        return new Promise<Response>((resolve) => pending.push(resolve)); // ignores its signal
      }) as typeof fetch,
      requests: () => count,
      answer(response: Response): void {
        const next = pending.shift();
        if (next === undefined) throw new Error('no token request is waiting');
        next(response);
      },
    };
  }

  const issued = (token: string) =>
    Response.json({ access_token: token, token_type: 'Bearer', expires_in: 300 });
  const down = () => new Response('upstream down', { status: 503 });

  /** A source whose first token, tok_1, was obtained at 0 and lives 300 s. */
  async function sourceWithToken(timeoutMs = 30_000) {
    const endpoint = scriptedEndpoint();
    const clock = { now: 0 };
    const auth = resolveClientAuth(
      { clientId: 'acme', clientSecret: SECRET, tokenUrl: TOKEN_URL },
      'test',
    );
    const tokens = createTokenSource(auth, {
      fetch: () => endpoint.fetch,
      now: () => clock.now,
      userAgent: undefined,
      owner: 'test',
      timeoutMs,
    });
    const first = tokens.get(undefined);
    await until(() => endpoint.requests() === 1);
    endpoint.answer(issued('tok_1'));
    expect(await first).toBe('tok_1');
    return { endpoint, clock, tokens };
  }

  it('answers the cached token at once while its refresh hangs, even when timeoutMs outlasts it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // 120 s for a token request, 50 s left of the token's life: waiting would outlive it.
      const { endpoint, clock, tokens } = await sourceWithToken(120_000);
      clock.now = 250_000;
      expect(await tokens.get(undefined)).toBe('tok_1'); // no timer advanced
      expect(endpoint.requests()).toBe(2); // the refresh started, and hangs
      expect(vi.getTimerCount()).toBe(1); // its deadline, nothing else
      await vi.advanceTimersByTimeAsync(120_000); // the refresh fails at its deadline
      expect(vi.getTimerCount()).toBe(0);
      await new Promise((resolve) => setImmediate(resolve)); // unhandledRejection fires by now
      expect(unhandled).toEqual([]);
      expect(await tokens.get(undefined)).toBe('tok_1'); // still unexpired: a new refresh behind it
      expect(endpoint.requests()).toBe(3);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      vi.useRealTimers();
    }
  });

  it('starts one refresh for 20 concurrent calls in the margin; later calls use the new token', async () => {
    const { endpoint, clock, tokens } = await sourceWithToken();
    clock.now = 250_000;
    const all = await Promise.all(Array.from({ length: 20 }, () => tokens.get(undefined)));
    expect(new Set(all)).toEqual(new Set(['tok_1']));
    expect(endpoint.requests()).toBe(2);
    endpoint.answer(issued('tok_2'));
    await until(async () => (await tokens.get(undefined)) === 'tok_2');
    expect(await tokens.get(undefined)).toBe('tok_2');
    expect(endpoint.requests()).toBe(2);
  });

  it('retries a failed refresh on the next call in the margin, and fails a call past expiry', async () => {
    const { endpoint, clock, tokens } = await sourceWithToken();
    clock.now = 250_000;
    expect(await tokens.get(undefined)).toBe('tok_1');
    endpoint.answer(down()); // refresh 1 fails: nobody waited for it
    await until(async () => {
      await tokens.get(undefined); // starts refresh 2 once refresh 1 has failed
      return endpoint.requests() === 3;
    });
    clock.now = 300_000; // expired: this call waits for the refresh under way
    const expired = failureOf(tokens.get(undefined));
    endpoint.answer(down());
    const failure = await expired;
    expect(failure).toBeInstanceOf(TokenRequestError);
    expect(failure).toMatchObject({ failure: 'refused', status: 503 });
    expect(endpoint.requests()).toBe(3);
  });
});

describe('createTokenSource: a static token and a function', () => {
  const deps = {
    fetch: () => globalThis.fetch,
    now: () => 0,
    userAgent: undefined,
    owner: 'test',
    timeoutMs: 30_000,
  };

  it('answers a static token and asks for no retry after a 401', async () => {
    const tokens = createTokenSource(resolveClientAuth('tok_static', 'test'), deps);
    expect(await tokens.get(undefined)).toBe('tok_static');
    expect(tokens.invalidate('tok_static')).toBe(false);
  });

  it('calls the function each time, and retries after a 401', async () => {
    let calls = 0;
    const tokens = createTokenSource(
      resolveClientAuth(async () => `tok_${++calls}`, 'test'),
      deps,
    );
    expect(await tokens.get(undefined)).toBe('tok_1');
    expect(await tokens.get(undefined)).toBe('tok_2');
    expect(tokens.invalidate('tok_2')).toBe(true);
  });

  it('refuses what the function answers when it is no token, without quoting it', async () => {
    for (const value of ['', 'Bearer x', 42, undefined, `bad\n${SECRET}`]) {
      const tokens = createTokenSource(
        resolveClientAuth(() => value as string, 'test'),
        deps,
      );
      const failure = await failureOf(tokens.get(undefined));
      expect(failure).toBeInstanceOf(WebhookValidationError);
      expect(failure).toMatchObject({ code: 'invalid_option' });
      expectNoSecret(failure, SECRET);
    }
  });

  it("passes the function's own error on unchanged", async () => {
    const own = new Error('vault down');
    const tokens = createTokenSource(
      resolveClientAuth(() => Promise.reject(own), 'test'),
      deps,
    );
    expect(await failureOf(tokens.get(undefined))).toBe(own);
  });
});
