// fetchHandler served bare by @hono/node-server's createAdaptorServer, through the shared adapter
// suite, then called directly with `new Request(…)` for what needs a hand-made body stream.
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import {
  createSampleEudrEvent,
  createSampleEvent,
} from '../../../src/core/catalog/sample-events.js';
import { isWebhooksError } from '../../../src/core/errors.js';
import { fetchHandler } from '../../../src/receiver/adapters/fetch-handler.js';
import type { WebhookHandlerTarget } from '../../../src/receiver/adapters/webhook-handler-target.js';
import { EudrWebhookReceiver } from '../../../src/receiver/eudr-webhook-receiver.node.js';
import { EudrWebhookReceiver as WebEudrWebhookReceiver } from '../../../src/receiver/eudr-webhook-receiver.web.js';
import { WebhookReceiver } from '../../../src/receiver/webhook-receiver.node.js';
import { WebhookReceiver as WebWebhookReceiver } from '../../../src/receiver/webhook-receiver.web.js';
import { signEudrPayload } from '../../../src/signature/sign-eudr-payload.node.js';
import {
  describeReceiverAdapter,
  listenOnLoopback,
  recordingReceiver,
  SECRET,
  signedHeaders,
  uniqueEventId,
} from './adapter-suite.js';

describeReceiverAdapter('fetchHandler (bare, createAdaptorServer)', (receiver) =>
  listenOnLoopback(createAdaptorServer({ fetch: fetchHandler(receiver) }) as Server),
);

const REQUEST_URL = 'http://127.0.0.1/webhooks';
const encoder = new TextEncoder();

/** A body stream that counts the chunks pulled and records a cancel; endless unless `chunks`. */
function countingStream(chunkBytes: number, chunks = Number.POSITIVE_INFINITY) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= chunks) {
        controller.close();
        return;
      }
      state.pulled += 1;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

function streamRequest(stream: ReadableStream<Uint8Array>, headers: Record<string, string>) {
  return new Request(REQUEST_URL, {
    method: 'POST',
    body: stream,
    headers,
    duplex: 'half',
  } as RequestInit);
}

async function problemCode(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { code?: string }).code;
}

function recording(options: { maxBodyBytes?: number } = {}) {
  const recorded = recordingReceiver(options);
  return { ...recorded, handler: fetchHandler(recorded.receiver) };
}

describe('fetchHandler', () => {
  it('accepts a valid event from a Request', async () => {
    const { handler, seen } = recording();
    const event = createSampleEvent('compliance.decision_made', { id: uniqueEventId() });
    const body = JSON.stringify(event);
    const response = await handler(
      new Request(REQUEST_URL, { method: 'POST', body, headers: signedHeaders(body) }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ received: true });
    expect(seen).toEqual([event.id]);
  });

  it('answers 413 on a Content-Length over the limit without reading the body', async () => {
    const { handler, seen, errors } = recording({ maxBodyBytes: 1024 });
    const { stream, state } = countingStream(512);
    const response = await handler(
      streamRequest(stream, { 'content-type': 'application/json', 'content-length': '5000' }),
    );
    expect(response.status).toBe(413);
    expect(await problemCode(response)).toBe('payload_too_large');
    // A ReadableStream pulls once to fill its queue when created; the handler pulled nothing.
    expect(state.pulled).toBeLessThanOrEqual(1);
    expect(state.cancelled).toBe(false);
    expect(seen).toEqual([]);
    expect(errors).toEqual(['payload_too_large']);
  });

  it('answers 413 and cancels an endless stream as soon as it passes the limit', async () => {
    const { handler, seen } = recording({ maxBodyBytes: 1024 });
    const { stream, state } = countingStream(300);
    const response = await handler(streamRequest(stream, { 'content-type': 'application/json' }));
    expect(response.status).toBe(413);
    expect(await problemCode(response)).toBe('payload_too_large');
    expect(state.cancelled).toBe(true);
    // 4 chunks of 300 bytes pass 1024; at most one more was queued ahead.
    expect(state.pulled).toBeLessThanOrEqual(5);
    expect(seen).toEqual([]);
  });

  it('reads a streamed body of exactly maxBodyBytes', async () => {
    const event = createSampleEvent('compliance.decision_made', { id: uniqueEventId() });
    const bytes = encoder.encode(JSON.stringify(event));
    const { handler, seen } = recording({ maxBodyBytes: bytes.byteLength });
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.byteLength; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const headers = signedHeaders(JSON.stringify(event));
    const response = await handler(streamRequest(chunked, headers));
    expect(response.status).toBe(200);
    expect(seen).toEqual([event.id]);
  });

  it('answers 405 to GET without touching the body', async () => {
    const { handler } = recording();
    const response = await handler(new Request(REQUEST_URL, { method: 'GET' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await problemCode(response)).toBe('method_not_allowed');
  });

  it('answers 500 invalid_payload_type when the body was read before', async () => {
    const { handler, errors } = recording();
    const body = JSON.stringify(
      createSampleEvent('compliance.decision_made', { id: uniqueEventId() }),
    );
    const request = new Request(REQUEST_URL, {
      method: 'POST',
      body,
      headers: signedHeaders(body),
    });
    await request.json();
    const response = await handler(request);
    expect(response.status).toBe(500);
    expect(await problemCode(response)).toBe('invalid_payload_type');
    expect(errors).toEqual(['invalid_payload_type']);
  });

  it('answers 400 body_read_failed when the body stream errors midway', async () => {
    const { handler, seen } = recording();
    let sent = false;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) {
          controller.error(new Error('connection reset'));
          return;
        }
        sent = true;
        controller.enqueue(encoder.encode('{"id":'));
      },
    });
    const response = await handler(streamRequest(failing, { 'content-type': 'application/json' }));
    expect(response.status).toBe(400);
    expect(await problemCode(response)).toBe('body_read_failed');
    expect(seen).toEqual([]);
  });

  it('answers 500 internal_error when a custom target throws', async () => {
    const target: WebhookHandlerTarget = {
      maxBodyBytes: 1024,
      handle: () => Promise.reject(new Error('boom')),
      tooLarge: () => ({ status: 413, headers: {}, body: '' }),
    };
    const response = await fetchHandler(target)(
      new Request(REQUEST_URL, { method: 'POST', body: '{}' }),
    );
    expect(response.status).toBe(500);
    expect(await problemCode(response)).toBe('internal_error');
  });

  it('serves the WebCrypto receivers of the /web build', async () => {
    const seen: string[] = [];
    const web = new WebWebhookReceiver({ secret: SECRET }).onAny((event) => {
      seen.push(event.id);
    });
    const event = createSampleEvent('compliance.decision_made', { id: uniqueEventId() });
    const body = JSON.stringify(event);
    const response = await fetchHandler(web)(
      new Request(REQUEST_URL, { method: 'POST', body, headers: signedHeaders(body) }),
    );
    expect(response.status).toBe(200);
    expect(seen).toEqual([event.id]);

    const eudr = new WebEudrWebhookReceiver({ secret: SECRET });
    const eudrBody = JSON.stringify(createSampleEudrEvent('sync.completed'));
    const eudrResponse = await fetchHandler(eudr)(
      new Request(REQUEST_URL, {
        method: 'POST',
        body: eudrBody,
        headers: {
          'content-type': 'application/json',
          'x-webhook-signature': signEudrPayload(eudrBody, SECRET),
        },
      }),
    );
    expect(eudrResponse.status).toBe(200);
  });

  it('accepts every receiver class as a WebhookHandlerTarget', () => {
    const targets: WebhookHandlerTarget[] = [
      new WebhookReceiver({ secret: SECRET }),
      new EudrWebhookReceiver({ secret: SECRET }),
      new WebWebhookReceiver({ secret: SECRET }),
      new WebEudrWebhookReceiver({ secret: SECRET }),
    ];
    for (const target of targets) expect(typeof fetchHandler(target)).toBe('function');
  });

  it('rejects what is not a receiver, naming the option', () => {
    const bad = [undefined, {}, { handle() {}, tooLarge() {}, maxBodyBytes: 0 }];
    const paths = bad.map((value) => {
      try {
        fetchHandler(value as unknown as WebhookHandlerTarget);
        return 'no error';
      } catch (error) {
        return isWebhooksError(error) && error.code === 'invalid_option'
          ? (error as { issues?: readonly { path: string }[] }).issues?.[0]?.path
          : 'other error';
      }
    });
    expect(paths).toEqual(['receiver', 'receiver', 'receiver.maxBodyBytes']);
  });
});
