// fastifyWebhooks on Fastify 5, through the shared adapter suite, plus encapsulation: the raw
// parser and the error handler stay inside the plugin's scope.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSampleEudrEvent,
  createSampleEvent,
} from '../../../src/core/catalog/sample-events.js';
import { fastifyWebhooks } from '../../../src/receiver/adapters/fastify-plugin.js';
import type { WebhookHandlerTarget } from '../../../src/receiver/adapters/webhook-handler-target.js';
import { EudrWebhookReceiver } from '../../../src/receiver/eudr-webhook-receiver.node.js';
import { WebhookReceiver } from '../../../src/receiver/webhook-receiver.node.js';
import { signEudrPayload } from '../../../src/signature/sign-eudr-payload.node.js';
import {
  describeReceiverAdapter,
  post,
  SECRET,
  type StartedServer,
  send,
  signedHeaders,
  uniqueEventId,
} from './adapter-suite.js';

async function listen(app: FastifyInstance, path = '/webhooks'): Promise<StartedServer> {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `${address}${path}`, close: () => app.close() };
}

describeReceiverAdapter(
  'fastifyWebhooks (Fastify 5)',
  async (receiver) => {
    const app = Fastify();
    await app.register(fastifyWebhooks, { receiver, path: '/webhooks' });
    return listen(app);
  },
  { closesConnectionOnTooLarge: true },
);

describe('fastifyWebhooks', () => {
  const apps: StartedServer[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function start(app: FastifyInstance, path?: string): Promise<string> {
    const server = await listen(app, path);
    apps.push(server);
    return server.url.replace(/\/webhooks$/, '');
  }

  function signedEvent() {
    const event = createSampleEvent('compliance.decision_made', { id: uniqueEventId() });
    const body = JSON.stringify(event);
    return { event, body, headers: signedHeaders(body) };
  }

  it('leaves the JSON parser and error handling of the rest of the app alone', async () => {
    const seen: string[] = [];
    const receiver = new WebhookReceiver({ secret: SECRET, maxBodyBytes: 1024 }).onAny((event) => {
      seen.push(event.id);
    });
    const app = Fastify();
    await app.register(fastifyWebhooks, { receiver });
    app.post('/orders', async (request) => ({ parsed: request.body }));
    const base = await start(app);

    const { event, body, headers } = signedEvent();
    expect((await post(`${base}/webhooks`, body, headers)).status).toBe(200);
    expect(seen).toEqual([event.id]);

    const json = await post(`${base}/orders`, '{"quantity":3}', {
      'content-type': 'application/json',
    });
    expect([json.status, JSON.parse(json.text)]).toEqual([200, { parsed: { quantity: 3 } }]);
    // Fastify's own errors outside the plugin: not the receiver's problem format.
    const malformed = await post(`${base}/orders`, '{', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.code).toBeUndefined();
    expect(JSON.parse(malformed.text)).toMatchObject({ code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    const plain = await post(`${base}/orders`, 'hello', { 'content-type': 'application/xml' });
    expect(plain.status).toBe(415);
    expect(plain.code).toBeUndefined();
    const big = await post(`${base}/orders`, JSON.stringify({ pad: 'x'.repeat(4096) }), {
      'content-type': 'application/json',
    });
    expect(big.status).toBe(200);
  });

  it('serves at a custom path under a prefix', async () => {
    const seen: string[] = [];
    const receiver = new WebhookReceiver({ secret: SECRET }).onAny((event) => {
      seen.push(event.id);
    });
    const app = Fastify();
    await app.register(fastifyWebhooks, { receiver, path: '/novatrade', prefix: '/hooks' });
    const base = await start(app);
    const { event, body, headers } = signedEvent();
    expect((await post(`${base}/hooks/novatrade`, body, headers)).status).toBe(200);
    expect(seen).toEqual([event.id]);
    expect((await send(`${base}/hooks/novatrade`, { method: 'DELETE' })).status).toBe(405);
  });

  it('serves a Novatrade24 and an EUDR receiver side by side, each in its own scope', async () => {
    const seen: string[] = [];
    const novatrade = new WebhookReceiver({ secret: SECRET }).onAny((event) => {
      seen.push(event.type);
    });
    const eudr = new EudrWebhookReceiver({ secret: SECRET }).onAny((event) => {
      seen.push(event.event);
    });
    const app = Fastify();
    await app.register(fastifyWebhooks, { receiver: novatrade, path: '/webhooks/novatrade' });
    await app.register(fastifyWebhooks, { receiver: eudr, path: '/webhooks/eudr' });
    const base = await start(app);
    const { body, headers } = signedEvent();
    expect((await post(`${base}/webhooks/novatrade`, body, headers)).status).toBe(200);
    const eudrBody = JSON.stringify(createSampleEudrEvent('sync.completed'));
    const eudrAnswer = await post(`${base}/webhooks/eudr`, eudrBody, {
      'content-type': 'application/json',
      'x-webhook-signature': signEudrPayload(eudrBody, SECRET),
    });
    expect(eudrAnswer.status).toBe(200);
    expect(seen).toEqual(['compliance.decision_made', 'sync.completed']);
  });

  it("hands errors that are not body errors to the app's error handler", async () => {
    const receiver = new WebhookReceiver({ secret: SECRET });
    const app = Fastify();
    app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
      void reply.code(error.statusCode ?? 500).send({ app: error.message });
    });
    app.addHook('onRequest', async (request) => {
      if (request.headers['x-block'] === 'yes') {
        throw Object.assign(new Error('blocked by the app'), { statusCode: 403 });
      }
    });
    await app.register(fastifyWebhooks, { receiver });
    const base = await start(app);
    const { body, headers } = signedEvent();
    const answer = await post(`${base}/webhooks`, body, { ...headers, 'x-block': 'yes' });
    expect([answer.status, JSON.parse(answer.text)]).toEqual([403, { app: 'blocked by the app' }]);
  });

  it('rejects registration with a bad receiver or path, naming the option', async () => {
    const app = Fastify();
    await expect(
      app.register(fastifyWebhooks, { receiver: {} as WebhookHandlerTarget }).ready(),
    ).rejects.toMatchObject({ code: 'invalid_option' });
    const other = Fastify();
    await expect(
      other
        .register(fastifyWebhooks, {
          receiver: new WebhookReceiver({ secret: SECRET }),
          path: 'webhooks',
        })
        .ready(),
    ).rejects.toMatchObject({ code: 'invalid_option', message: expect.stringContaining('`path`') });
  });
});
