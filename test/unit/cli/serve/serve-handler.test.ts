// `serve`'s routes around the management API: /healthz (200 while the database answers, 503
// problem+json when it does not), /metrics (the exporter's text), GET and HEAD only, and the
// EUDR API's prefix.
import { describe, expect, it } from 'vitest';
import type { FetchHandler } from '../../../../src/cli/serve/node-fetch-bridge.js';
import { createServeHandler } from '../../../../src/cli/serve/serve-handler.js';

const named =
  (name: string): FetchHandler =>
  async (request) =>
    new Response(`${name} ${new URL(request.url).pathname}`);

function handler(options: { healthy?: boolean; eudr?: boolean } = {}): FetchHandler {
  return createServeHandler({
    api: named('api'),
    eudrApi: options.eudr === true ? named('eudr') : undefined,
    health: async () => options.healthy ?? true,
    metrics: {
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
      render: async () => 'm_total 3\n',
    },
  });
}

const get = (path: string, method = 'GET') => new Request(`http://localhost${path}`, { method });

describe('createServeHandler', () => {
  it('answers /healthz 200 {"status":"ok"} while the database answers', async () => {
    const response = await handler()(get('/healthz'));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /healthz 503 problem+json when the database does not', async () => {
    const response = await handler({ healthy: false })(get('/healthz'));
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toEqual({
      type: 'https://api.novatrade24.com/problems/service-unavailable',
      title: 'Service Unavailable',
      status: 503,
      detail: 'The database did not answer.',
    });
  });

  it("answers /metrics with the exporter's text and content type", async () => {
    const response = await handler()(get('/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await response.text()).toBe('m_total 3\n');
  });

  it('takes GET and HEAD only on /healthz and /metrics', async () => {
    expect((await handler()(get('/metrics', 'HEAD'))).status).toBe(200);
    for (const path of ['/healthz', '/metrics']) {
      const response = await handler()(get(path, 'POST'));
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
  });

  it('sends everything else to the management API, and the EUDR prefix to the EUDR API when there is one', async () => {
    expect(await (await handler()(get('/v1/webhooks'))).text()).toBe('api /v1/webhooks');
    expect(await (await handler()(get('/healthz/x'))).text()).toBe('api /healthz/x');
    expect(await (await handler()(get('/api/v1/integration/webhook-events'))).text()).toBe(
      'api /api/v1/integration/webhook-events',
    );
    const eudr = handler({ eudr: true });
    expect(await (await eudr(get('/api/v1/integration/webhook-events'))).text()).toBe(
      'eudr /api/v1/integration/webhook-events',
    );
    expect(await (await eudr(get('/v1/events'))).text()).toBe('api /v1/events');
  });
});
