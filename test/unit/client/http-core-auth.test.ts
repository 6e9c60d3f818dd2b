// Authentication through the HTTP core: the token on every request, one token request for many
// calls, one refresh after a 401, and no secret or token in any error.
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpCore, type HttpCoreOptions } from '../../../src/client/internal/http-core.js';
import { NovatradeApiError } from '../../../src/client/novatrade-api-error.js';
import { errorTexts, leaks } from '../../helpers/canary.js';

const API = 'https://api.test.example';
const TOKEN_URL = 'https://auth.test.example/realms/nt/protocol/openid-connect/token';
const SECRET = 'CanarySecretQ7x9Zk2mWp4';
const TOKEN_PREFIX = 'CanaryTokenR8y3Hn6';
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const GET = { method: 'GET', path: '/v1/webhooks', errorFormat: 'problem' } as const;
const CREDENTIALS = { clientId: 'acme', clientSecret: SECRET, tokenUrl: TOKEN_URL };

function unauthorized() {
  return HttpResponse.json(
    {
      type: 'https://api.novatrade24.com/problems/unauthorized',
      title: 'Unauthorized',
      status: 401,
      detail: 'Send a valid bearer token.',
    },
    { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } },
  );
}

/** A token endpoint answering `<TOKEN_PREFIX>_<n>`; counts its hits. */
function tokenEndpoint() {
  const hits = { count: 0 };
  server.use(
    http.post(TOKEN_URL, () => {
      hits.count += 1;
      return HttpResponse.json({
        access_token: `${TOKEN_PREFIX}_${hits.count}`,
        token_type: 'Bearer',
        expires_in: 300,
      });
    }),
  );
  return hits;
}

/** The API: answers each request with `answer(n, authorization)`; records the Authorization. */
function api(answer: (n: number, authorization: string | null) => Response) {
  const authorizations: (string | null)[] = [];
  server.use(
    http.get(`${API}/v1/webhooks`, ({ request }) => {
      const authorization = request.headers.get('authorization');
      authorizations.push(authorization);
      return answer(authorizations.length, authorization);
    }),
  );
  return authorizations;
}

function core(options: Partial<HttpCoreOptions> = {}) {
  return createHttpCore({
    baseUrl: API,
    auth: CREDENTIALS,
    sleep: async () => undefined,
    ...options,
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

function expectNoSecrets(error: unknown) {
  for (const text of errorTexts(error)) {
    expect(leaks(text, SECRET)).toBe(false);
    expect(leaks(text, TOKEN_PREFIX)).toBe(false);
  }
}

describe('createHttpCore: authentication', () => {
  it('sends the client-credentials token, fetched once for 50 concurrent calls', async () => {
    const hits = tokenEndpoint();
    const authorizations = api(() => HttpResponse.json({}));
    const c = core();
    await Promise.all(Array.from({ length: 50 }, () => c.request(GET)));
    expect(hits.count).toBe(1);
    expect(new Set(authorizations)).toEqual(new Set([`Bearer ${TOKEN_PREFIX}_1`]));
  });

  it('refreshes the token from expires_in - 60 s on the injected clock, behind the calls', async () => {
    const hits = tokenEndpoint();
    const authorizations = api(() => HttpResponse.json({}));
    const clock = { now: 0 };
    const c = core({ now: () => clock.now });
    await c.request(GET);
    clock.now = 239_999;
    await c.request(GET);
    expect(hits.count).toBe(1);
    clock.now = 240_000; // due: this call goes on with the cached token, the refresh behind it
    await c.request(GET);
    const fresh = `Bearer ${TOKEN_PREFIX}_2`;
    for (let turn = 0; turn < 1000 && authorizations.at(-1) !== fresh; turn++) {
      await c.request(GET); // the cached token until the refresh has landed
    }
    expect(hits.count).toBe(2);
    expect(authorizations.slice(0, 3)).toEqual([
      `Bearer ${TOKEN_PREFIX}_1`,
      `Bearer ${TOKEN_PREFIX}_1`,
      `Bearer ${TOKEN_PREFIX}_1`,
    ]);
    expect(authorizations.at(-1)).toBe(fresh);
  });

  it('refreshes once on a 401 and retries with the new token', async () => {
    const hits = tokenEndpoint();
    const authorizations = api((n) => (n === 1 ? unauthorized() : HttpResponse.json({ ok: 1 })));
    const result = await core().request(GET);
    expect(result).toMatchObject({ data: { ok: 1 }, attempts: 2 });
    expect(hits.count).toBe(2);
    expect(authorizations).toEqual([`Bearer ${TOKEN_PREFIX}_1`, `Bearer ${TOKEN_PREFIX}_2`]);
  });

  it('throws a second 401, after exactly one refresh', async () => {
    const hits = tokenEndpoint();
    const authorizations = api(() => unauthorized());
    const failure = await failureOf(core().request(GET));
    expect(failure).toBeInstanceOf(NovatradeApiError);
    expect(failure).toMatchObject({ status: 401, problemType: 'unauthorized' });
    expect(hits.count).toBe(2);
    expect(authorizations).toHaveLength(2);
    expectNoSecrets(failure);
  });

  it('throws a 401 of a static token at once', async () => {
    const authorizations = api(() => unauthorized());
    const failure = await failureOf(core({ auth: `${TOKEN_PREFIX}_static` }).request(GET));
    expect(failure).toMatchObject({ status: 401 });
    expect(authorizations).toEqual([`Bearer ${TOKEN_PREFIX}_static`]);
    expectNoSecrets(failure);
  });

  it('asks a token function again after a 401', async () => {
    let calls = 0;
    const authorizations = api((n) => (n === 1 ? unauthorized() : HttpResponse.json({})));
    await core({ auth: () => `fn_${++calls}` }).request(GET);
    expect(authorizations).toEqual(['Bearer fn_1', 'Bearer fn_2']);
  });

  it('does not call a token function for a resend after an abort, and leaves no rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const controller = new AbortController();
      const reason = new Error('caller left');
      let provided = 0;
      const c = core({
        // The second call's token would fail: nobody would be left to handle it.
        auth: () => (++provided === 1 ? 'fn_1' : Promise.reject(new Error('provider down'))),
        fetch: async () => {
          controller.abort(reason); // while the 401 comes back
          return new Response('{}', { status: 401 });
        },
      });
      expect(await failureOf(c.request({ ...GET, signal: controller.signal }))).toBe(reason);
      await new Promise((resolve) => setTimeout(resolve, 10)); // unhandledRejection fires by now
      expect(unhandled).toEqual([]);
      expect(provided).toBe(1);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('keeps the secret out of every failure: a refusal echoing it, a network error, a 5xx', async () => {
    const failures: unknown[] = [];
    server.use(
      http.post(TOKEN_URL, () =>
        HttpResponse.json(
          { error: 'invalid_client', error_description: `secret ${SECRET} is wrong` },
          { status: 401 },
        ),
      ),
    );
    failures.push(await failureOf(core().request(GET)));
    server.use(http.post(TOKEN_URL, () => HttpResponse.error()));
    failures.push(await failureOf(core({ retry: { attempts: 2 } }).request(GET)));
    server.use(http.post(TOKEN_URL, () => new HttpResponse(`oops ${SECRET}`, { status: 500 })));
    failures.push(await failureOf(core({ retry: false }).request(GET)));
    tokenEndpoint();
    api(() => HttpResponse.error());
    failures.push(await failureOf(core({ retry: false }).request(GET)));
    api(() => HttpResponse.json({ detail: `echo ${SECRET} ${TOKEN_PREFIX}` }, { status: 400 }));
    const echoed = await failureOf(core({ retry: false }).request(GET));
    // the raw problem keeps what the server sent; the message never does
    expect(leaks((echoed as Error).message, SECRET)).toBe(false);
    expect(failures.map((f) => (f as { code?: unknown }).code)).toEqual([
      'token_request_failed',
      'token_request_failed',
      'token_request_failed',
      'api_unreachable',
    ]);
    for (const failure of failures) expectNoSecrets(failure);
  });
});
