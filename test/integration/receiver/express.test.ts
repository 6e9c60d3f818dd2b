// expressHandler on Express 5, through the shared adapter suite twice (behind
// `express.raw({ type: 'application/json' })`, and with no body parser at all), plus the parser
// mistakes it must diagnose.
import { createServer, type IncomingMessage } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createSampleEvent } from '../../../src/core/catalog/sample-events.js';
import { expressHandler } from '../../../src/receiver/adapters/express-handler.js';
import type { WebhookHandlerTarget } from '../../../src/receiver/adapters/webhook-handler-target.js';
import {
  describeReceiverAdapter,
  listenOnLoopback,
  post,
  recordingReceiver,
  type StartedServer,
  send,
  signedHeaders,
  uniqueEventId,
} from './adapter-suite.js';

function startApp(app: express.Express): Promise<StartedServer> {
  return listenOnLoopback(createServer(app));
}

describeReceiverAdapter('expressHandler behind express.raw (Express 5)', (receiver) => {
  const app = express();
  app.post('/webhooks', express.raw({ type: 'application/json' }), expressHandler(receiver));
  app.all('/webhooks', expressHandler(receiver));
  return startApp(app);
});

describeReceiverAdapter(
  'expressHandler without a body parser (Express 5)',
  (receiver) => {
    const app = express();
    app.all('/webhooks', expressHandler(receiver));
    return startApp(app);
  },
  { closesConnectionOnTooLarge: true },
);

describe('expressHandler', () => {
  const servers: StartedServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function serve(app: express.Express): Promise<string> {
    const server = await startApp(app);
    servers.push(server);
    return server.url;
  }

  function signedEvent() {
    const event = createSampleEvent('compliance.decision_made', { id: uniqueEventId() });
    const body = JSON.stringify(event);
    return { event, body, headers: signedHeaders(body) };
  }

  it('with express.json() mounted first answers 500 invalid_payload_type that names express.raw', async () => {
    const { receiver, seen, errors } = recordingReceiver();
    const app = express();
    app.use(express.json());
    app.post('/webhooks', expressHandler(receiver));
    const url = await serve(app);
    const { body, headers } = signedEvent();
    const answer = await post(url, body, headers);
    expect([answer.status, answer.code]).toEqual([500, 'invalid_payload_type']);
    const { detail } = JSON.parse(answer.text) as { detail: string };
    expect(detail).toContain("express.raw({ type: 'application/json' })");
    expect(detail).toContain('got an object instead of the raw request body');
    expect(seen).toEqual([]);
    expect(errors).toEqual(['invalid_payload_type']);
  });

  it('with express.json() mounted first still serves other content types from the stream', async () => {
    // express.json() skips a text/plain body: the stream is unread, so the receiver's 415 applies.
    const { receiver } = recordingReceiver();
    const app = express();
    app.use(express.json());
    app.post('/webhooks', expressHandler(receiver));
    const url = await serve(app);
    const { body, headers } = signedEvent();
    const answer = await post(url, body, { ...headers, 'content-type': 'text/plain' });
    expect([answer.status, answer.code]).toEqual([415, 'unsupported_media_type']);
  });

  it('uses req.rawBody kept by express.json({ verify })', async () => {
    const { receiver, seen } = recordingReceiver();
    const app = express();
    app.use(
      express.json({
        verify: (req: IncomingMessage & { rawBody?: Buffer }, _res, buffer) => {
          req.rawBody = buffer;
        },
      }),
    );
    app.post('/webhooks', expressHandler(receiver));
    const url = await serve(app);
    const { event, body, headers } = signedEvent();
    expect((await post(url, body, headers)).status).toBe(200);
    expect(seen).toEqual([event.id]);
  });

  it('behind express.raw a body between maxBodyBytes and the parser limit gets the receiver 413', async () => {
    const { receiver, seen } = recordingReceiver({ maxBodyBytes: 64 });
    const app = express();
    app.post('/webhooks', express.raw({ type: 'application/json' }), expressHandler(receiver));
    const url = await serve(app);
    const { body, headers } = signedEvent();
    const answer = await post(url, body, headers);
    expect([answer.status, answer.code]).toEqual([413, 'payload_too_large']);
    expect(seen).toEqual([]);
  });

  it('calls next(error) when the target fails unexpectedly', async () => {
    const failing: WebhookHandlerTarget = {
      maxBodyBytes: 1024,
      handle: () => Promise.reject(new Error('boom')),
      tooLarge: () => ({ status: 413, headers: {}, body: '' }),
    };
    const caught: string[] = [];
    const app = express();
    app.post('/webhooks', expressHandler(failing));
    app.use(
      (error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        caught.push(error.message);
        res.status(503).send('handled by the app');
      },
    );
    const url = await serve(app);
    const answer = await send(url, { method: 'POST', body: '{}' });
    expect([answer.status, answer.text]).toEqual([503, 'handled by the app']);
    expect(caught).toEqual(['boom']);
  });

  it('rejects a receiver that is not one, naming the option', () => {
    expect(() => expressHandler(null as unknown as WebhookHandlerTarget)).toThrow(
      expect.objectContaining({
        code: 'invalid_option',
        message: expect.stringContaining('`receiver`'),
      }),
    );
  });
});
