// `npm run bench -- client`: what the typed client (docs/client.md) costs over the call an
// integrator would write by hand, measured in the same run. Both sides talk to the same
// management API in process (`api.fetch`, MemoryStorage, an API key, `rateLimit: false`), so the
// figures are the client's own work: the token, the headers, the Idempotency-Key, the p-retry
// wrapper, reading the rate-limit headers and the answer. Every figure is a ratio against the
// hand-written baseline; nothing is asserted about time. About 30 s on the 2-core machine.
//
// 1. `GET /v1/webhooks/{id}`: baseline `fetch(url, { headers: { authorization } })` then
//    `response.json()`; cases `client.endpoints.get(id)` with a static token and with client
//    credentials (the token cached: one token request in the whole run).
// 2. `PATCH /v1/webhooks/{id}` (a merge patch of `description`): baseline the same `fetch` with a
//    fresh `crypto.randomUUID()` key and `JSON.stringify`; case `client.endpoints.update`.
// 3. `GET /v1/webhooks/{id}` over loopback HTTP (the API served by @hono/node-server on
//    127.0.0.1, the global fetch with its keep-alive pool on both sides): what the client costs
//    where a call crosses a socket, as every real one does.

import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createWebhooksClient } from '../src/client/create-webhooks-client.js';
import { MemoryStorage } from '../src/sender/memory-storage.js';
import { WebhookSender } from '../src/sender/webhook-sender.js';
import { apiKeyAuthenticator, createManagementApi } from '../src/server/index.js';
import { createRecordingTransport } from '../src/testing/create-recording-transport.js';
import { type BenchSuite, type Comparison, compare } from './harness.js';

const BASE = 'https://api.novatrade24.test';
const TOKEN_URL = 'https://auth.novatrade24.test/token';
const ORG = '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03';
const TOKEN = 'tok_bench_0123456789abcdef';

const suite: BenchSuite = async () => {
  const sender = new WebhookSender<unknown>({
    storage: new MemoryStorage(),
    transport: createRecordingTransport(),
    logger: 'silent',
  });
  const api = createManagementApi(sender, {
    authenticate: apiKeyAuthenticator([{ token: TOKEN, organizationUuid: ORG }]),
    rateLimit: false,
    logger: 'silent',
  });
  const { endpoint } = await sender.createEndpoint(ORG, {
    url: 'https://partner.example/hook',
    events: ['kyc.*'],
  });
  const url = `${BASE}/v1/webhooks/${endpoint.id}`;

  // The API in process as the network: both sides pay the same Request construction.
  let tokenRequests = 0;
  const inProcess: typeof fetch = async (input, init) => {
    if (String(input) === TOKEN_URL) {
      tokenRequests += 1;
      return Response.json({ access_token: TOKEN, expires_in: 3600, token_type: 'Bearer' });
    }
    return api.fetch(new Request(input, init));
  };
  const staticClient = createWebhooksClient({ baseUrl: BASE, auth: TOKEN, fetch: inProcess });
  const credentialsClient = createWebhooksClient({
    baseUrl: BASE,
    auth: { clientId: 'api-client-bench', clientSecret: 'secret', tokenUrl: TOKEN_URL },
    fetch: inProcess,
  });

  const handGet = async () => {
    const response = await inProcess(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (!response.ok) throw new Error(`GET answered ${response.status}`);
    await response.json();
  };
  let n = 0;
  const handPatch = async () => {
    const response = await inProcess(url, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/merge-patch+json',
        'idempotency-key': crypto.randomUUID(),
      },
      body: JSON.stringify({ description: `bench ${n++}` }),
    });
    if (!response.ok) throw new Error(`PATCH answered ${response.status}`);
    await response.json();
  };

  const comparisons: Comparison[] = [];
  comparisons.push(
    await compare('client: GET /v1/webhooks/{id} in process (ratio vs a hand-written fetch)', {
      baseline: { name: 'fetch + json() by hand', fn: handGet },
      cases: [
        {
          name: 'client.endpoints.get, static token',
          fn: () => staticClient.endpoints.get(endpoint.id),
        },
        {
          name: 'client.endpoints.get, client credentials (token cached)',
          fn: () => credentialsClient.endpoints.get(endpoint.id),
        },
      ],
      async: true,
      rounds: 5,
      timeMs: 400,
    }),
  );
  comparisons.push(
    await compare('client: PATCH /v1/webhooks/{id} in process (ratio vs a hand-written fetch)', {
      baseline: { name: 'fetch + Idempotency-Key + json() by hand', fn: handPatch },
      cases: [
        {
          name: 'client.endpoints.update (key per call, merge patch)',
          fn: () => staticClient.endpoints.update(endpoint.id, { description: `bench ${n++}` }),
        },
      ],
      async: true,
      rounds: 5,
      timeMs: 400,
    }),
  );
  if (tokenRequests !== 1) throw new Error(`expected one token request, saw ${tokenRequests}`);

  const server = createAdaptorServer({ fetch: api.fetch });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const overSocket = createWebhooksClient({ baseUrl: origin, auth: TOKEN });
    const loopbackUrl = `${origin}/v1/webhooks/${endpoint.id}`;
    comparisons.push(
      await compare(
        'client: GET /v1/webhooks/{id} over loopback HTTP (ratio vs a hand-written fetch)',
        {
          baseline: {
            name: 'fetch + json() by hand',
            fn: async () => {
              const response = await fetch(loopbackUrl, {
                headers: { authorization: `Bearer ${TOKEN}` },
              });
              if (!response.ok) throw new Error(`GET answered ${response.status}`);
              await response.json();
            },
          },
          cases: [
            {
              name: 'client.endpoints.get, static token',
              fn: () => overSocket.endpoints.get(endpoint.id),
            },
          ],
          async: true,
          rounds: 5,
          timeMs: 400,
        },
      ),
    );
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return comparisons;
};

export default suite;
