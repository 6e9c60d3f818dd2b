// The built /client entry on the runtime (docs/client.md, "Edge runtimes"): client credentials
// with one token for concurrent calls, the Idempotency-Key kept across retries (p-retry, bundled
// from its ESM build), Retry-After, problem+json as typed errors, abort. The API is a `fetch`
// function answering in the management API's words, so no network is needed; the runtime's own
// Request, Response, Headers, URLSearchParams and crypto.randomUUID do the work.
import {
  createWebhooksClient,
  isNovatradeApiError,
  NovatradeApiError,
  type WebhooksClientOptions,
} from '@novatrade24/webhooks/client';
import { equal, failure, includes, matches, ok, rejectsWith } from '../assert.js';
import type { Harness } from '../harness.js';

const BASE = 'https://api.novatrade24.test';
const TOKEN_URL = 'https://auth.novatrade24.test/realms/nt24-idp/protocol/openid-connect/token';
const SECRET = 'client-secret-CANARY-7f3a';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const ENDPOINT = {
  id: 'wh_1',
  url: 'https://partner.example/hook',
  events: ['kyc.*'],
  status: 'ACTIVE',
};

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
}

/** A fetch that plays the token endpoint and answers API calls with `answer`. */
function fakeApi(answer: (request: Seen, n: number) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  let tokenCalls = 0;
  let apiCalls = 0;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const entry: Seen = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: await request.text(),
    };
    if (entry.url === TOKEN_URL) {
      tokenCalls += 1;
      const form = new URLSearchParams(entry.body);
      equal(form.get('grant_type'), 'client_credentials', 'grant_type');
      equal(form.get('client_secret'), SECRET, 'client_secret');
      return Response.json({ access_token: `at_${tokenCalls}`, expires_in: 300 });
    }
    seen.push(entry);
    apiCalls += 1;
    return answer(entry, apiCalls);
  };
  return {
    fetch: fetch as typeof globalThis.fetch,
    seen,
    tokenCalls: () => tokenCalls,
  };
}

function clientOver(
  api: ReturnType<typeof fakeApi>,
  extra: Partial<WebhooksClientOptions> = {},
): ReturnType<typeof createWebhooksClient> {
  return createWebhooksClient({
    baseUrl: BASE,
    auth: { clientId: 'api-client-edge', clientSecret: SECRET, tokenUrl: TOKEN_URL },
    fetch: api.fetch,
    random: () => 0,
    sleep: () => Promise.resolve(),
    ...extra,
  });
}

function problem(status: number, type: string, extra: Record<string, unknown> = {}): Response {
  return new Response(
    JSON.stringify({ type: `https://api.novatrade24.com/problems/${type}`, status, ...extra }),
    { status, headers: { 'content-type': 'application/problem+json' } },
  );
}

export function clientSuite({ test }: Harness): void {
  const name = (text: string) => `createWebhooksClient: ${text}`;

  test(name('client credentials: one token for concurrent calls, sent as Bearer'), async () => {
    const api = fakeApi(() =>
      Response.json([ENDPOINT], {
        headers: {
          'x-ratelimit-limit': '300',
          'x-ratelimit-remaining': '299',
          'x-ratelimit-reset': '1767225660',
          'x-ratelimit-category': 'read',
        },
      }),
    );
    const client = clientOver(api);
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => client.endpoints.list()));
    equal(api.tokenCalls(), 1, 'token requests');
    equal(api.seen.length, 5, 'API calls');
    for (const seen of api.seen) {
      equal(seen.headers.get('authorization'), 'Bearer at_1', 'Authorization');
      equal(seen.url, `${BASE}/v1/webhooks`, 'URL');
    }
    const [first] = answers;
    ok(first !== undefined, 'an answer');
    equal(first.data, [ENDPOINT], 'data');
    equal(first.rateLimit, {
      limit: 300,
      remaining: 299,
      resetSeconds: 1767225660,
      category: 'read',
    });
  });

  test(name('a write keeps its Idempotency-Key across a 503 and waits Retry-After'), async () => {
    const waits: number[] = [];
    const api = fakeApi((_, n) =>
      n === 1
        ? new Response(null, { status: 503, headers: { 'retry-after': '2' } })
        : Response.json({ ...ENDPOINT, secret: 'whsec_x' }, { status: 201 }),
    );
    const client = clientOver(api, {
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    const created = await client.endpoints.create({ url: ENDPOINT.url, events: ['kyc.*'] });
    equal(created.status, 201, 'status');
    equal(created.attempts, 2, 'attempts');
    equal(waits, [2000], 'waits');
    const keys = api.seen.map((seen) => seen.headers.get('idempotency-key') ?? '');
    equal(keys.length, 2, 'requests');
    matches(keys[0] ?? '', UUID, 'Idempotency-Key');
    equal(keys[1], keys[0], 'the same key on the retry');
    equal(created.idempotencyKey, keys[0], 'the key on the answer');
    equal(JSON.parse(api.seen[0]?.body ?? ''), { url: ENDPOINT.url, events: ['kyc.*'] }, 'body');
  });

  test(
    name('problem+json is a NovatradeApiError narrowed by its type; 422 is not retried'),
    async () => {
      const api = fakeApi(() =>
        problem(422, 'validation-error', {
          title: 'Validation Error',
          detail: 'The request has 1 invalid field; see errors.',
          traceId: 'req_edge',
          errors: [{ field: 'url', message: 'must be an https URL' }],
        }),
      );
      const client = clientOver(api);
      const error = await rejectsWith(
        () => client.endpoints.create({ url: 'http://x.example', events: ['kyc.*'] }),
        NovatradeApiError,
        'api_error',
        [SECRET, 'http://x.example'],
      );
      ok(isNovatradeApiError(error, 'validation-error'), 'narrowed to validation-error');
      equal(error.status, 422, 'status');
      equal(error.traceId, 'req_edge', 'traceId');
      equal(error.errors, [{ field: 'url', message: 'must be an https URL' }], 'errors');
      equal(api.seen.length, 1, 'requests');
      includes(error.message, '422', 'message');
    },
  );

  test(
    name('an abort during the wait rejects with the reason and sends nothing more'),
    async () => {
      const controller = new AbortController();
      const api = fakeApi(() => problem(429, 'rate-limited', { title: 'Rate Limit Exceeded' }));
      const client = clientOver(api, {
        sleep: (_, signal) =>
          new Promise((_resolve, reject) => {
            signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
            controller.abort(new Error('stop'));
          }),
      });
      const error = await failure(() =>
        client.endpoints.get('wh_1', { signal: controller.signal }),
      );
      ok(error instanceof Error && error.message === 'stop', 'the signal reason');
      equal(api.seen.length, 1, 'requests');
    },
  );
}
