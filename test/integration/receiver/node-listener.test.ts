// toNodeListener on node:http, through the shared adapter suite, plus what only a bare Node
// listener meets: a body read upstream into req.body / req.rawBody, and a request body cut short.
import { createServer, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSampleEvent } from '../../../src/core/catalog/sample-events.js';
import { toNodeListener } from '../../../src/receiver/adapters/node-listener.js';
import type { WebhookReceiver } from '../../../src/receiver/webhook-receiver.node.js';
import {
  describeReceiverAdapter,
  listenOnLoopback,
  post,
  recordingReceiver,
  type StartedServer,
  signedHeaders,
  uniqueEventId,
} from './adapter-suite.js';

describeReceiverAdapter(
  'toNodeListener (node:http)',
  (receiver) => listenOnLoopback(createServer(toNodeListener(receiver))),
  { closesConnectionOnTooLarge: true },
);

describe('toNodeListener', () => {
  const servers: StartedServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  /** A server whose listener first runs `before` (a stand-in for a framework's body reading). */
  async function serveWith(
    receiver: WebhookReceiver,
    before: (req: IncomingMessage & { body?: unknown; rawBody?: unknown }) => Promise<void>,
  ): Promise<string> {
    const listener = toNodeListener(receiver);
    const server = await listenOnLoopback(
      createServer((req, res) => {
        void before(req).then(() => listener(req, res));
      }),
    );
    servers.push(server);
    return server.url;
  }

  async function readAll(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  it('uses a raw body a framework already read into req.body (a Buffer)', async () => {
    const { receiver, seen } = recordingReceiver();
    const url = await serveWith(receiver, async (req) => {
      req.body = await readAll(req);
    });
    const event = createSampleEvent('kyc.vies_check_failed', { id: uniqueEventId() });
    const body = JSON.stringify(event);
    expect((await post(url, body, signedHeaders(body))).status).toBe(200);
    expect(seen).toEqual([event.id]);
  });

  it('uses req.rawBody next to a parsed req.body (Google Cloud Functions style)', async () => {
    const { receiver, seen } = recordingReceiver();
    const url = await serveWith(receiver, async (req) => {
      const raw = await readAll(req);
      req.rawBody = raw;
      req.body = JSON.parse(raw.toString('utf8'));
    });
    const event = createSampleEvent('kyc.vies_check_failed', { id: uniqueEventId() });
    const body = JSON.stringify(event);
    expect((await post(url, body, signedHeaders(body))).status).toBe(200);
    expect(seen).toEqual([event.id]);
  });

  it('answers 500 invalid_payload_type when only parsed JSON is left in req.body', async () => {
    const { receiver, seen, errors } = recordingReceiver();
    const url = await serveWith(receiver, async (req) => {
      req.body = JSON.parse((await readAll(req)).toString('utf8'));
    });
    const body = JSON.stringify(
      createSampleEvent('kyc.vies_check_failed', { id: uniqueEventId() }),
    );
    const answer = await post(url, body, signedHeaders(body));
    expect([answer.status, answer.code]).toEqual([500, 'invalid_payload_type']);
    expect(JSON.parse(answer.text).detail).toContain(
      'got an object instead of the raw request body',
    );
    expect(seen).toEqual([]);
    expect(errors).toEqual(['invalid_payload_type']);
  });

  it('reads the stream when a string chunk encoding was set upstream', async () => {
    const { receiver, seen } = recordingReceiver();
    const url = await serveWith(receiver, async (req) => {
      req.setEncoding('utf8');
    });
    const event = createSampleEvent('kyc.vies_check_failed', {
      id: uniqueEventId(),
      data: { reason: 'Prüfung fehlgeschlagen: VIES — nicht gültig' },
    });
    const body = JSON.stringify(event);
    expect((await post(url, body, signedHeaders(body))).status).toBe(200);
    expect(seen).toEqual([event.id]);
  });

  it('survives a client that sends half its body and disconnects, and keeps serving', async () => {
    const { receiver, seen } = recordingReceiver();
    const listener = toNodeListener(receiver);
    const closed = new Promise<void>((resolve) => {
      const server = createServer((req, res) => {
        req.once('close', () => resolve());
        listener(req, res);
      });
      void listenOnLoopback(server).then((started) => {
        servers.push(started);
        const { port } = new URL(started.url);
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(
            'POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
              'Content-Length: 100\r\n\r\n{"id":',
          );
          socket.destroy();
        });
      });
    });
    await closed;
    const url = servers[0]?.url ?? '';
    const event = createSampleEvent('kyc.vies_check_failed', { id: uniqueEventId() });
    const body = JSON.stringify(event);
    expect((await post(url, body, signedHeaders(body))).status).toBe(200);
    expect(seen).toEqual([event.id]);
  });

  it('rejects a receiver that is not one, naming the option', () => {
    expect(() => toNodeListener({} as WebhookReceiver)).toThrow(
      expect.objectContaining({
        code: 'invalid_option',
        message: expect.stringContaining('`receiver`'),
      }),
    );
  });
});
