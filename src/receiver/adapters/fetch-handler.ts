/**
 * The Fetch API adapter: `Request` in, `Response` out. Runtime-neutral (no `node:` import, no
 * `Buffer`): it ships in the `/web` entry for Cloudflare Workers, Deno, Bun, Next.js route
 * handlers and Hono, and runs on Node 20's global `Request` too.
 */

import { concatBytes } from '../../core/internal/bytes.js';
import type { ReceiverResponse } from '../receiver-request.js';
import {
  adapterFailed,
  assertWebhookHandlerTarget,
  bodyReadFailed,
  declaredContentLength,
} from './internal/adapter-kit.js';
import type { WebhookHandleOptions, WebhookHandlerTarget } from './webhook-handler-target.js';

const TOO_LARGE: unique symbol = Symbol('too large');
const READ_FAILED: unique symbol = Symbol('read failed');

/**
 * Reads the body as bytes, at most `limit` of them. A declared `Content-Length` above the limit
 * is refused without reading; otherwise the stream is read chunk by chunk and cancelled as soon as
 * the running total passes the limit, so an oversized body is never buffered whole.
 */
async function readBody(
  request: Request,
  limit: number,
): Promise<Uint8Array | typeof TOO_LARGE | typeof READ_FAILED> {
  const declared = declaredContentLength(request.headers.get('content-length'));
  if (declared !== undefined && declared > limit) return TOO_LARGE;
  const stream = request.body;
  if (stream === null) return new Uint8Array(0);
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = stream.getReader();
  } catch {
    return READ_FAILED;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!(value instanceof Uint8Array)) {
        void reader.cancel().catch(() => undefined);
        return READ_FAILED;
      }
      total += value.byteLength;
      if (total > limit) {
        // Stop the upload: the rest is never read (the runtime discards or resets it).
        void reader.cancel().catch(() => undefined);
        return TOO_LARGE;
      }
      chunks.push(value);
    }
  } catch {
    return READ_FAILED;
  }
  return chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : concatBytes(chunks);
}

/**
 * The request's `waitUntil`, from the arguments a runtime passes after the `Request`: the third
 * (Workers' `fetch(request, env, ctx)`) first, then the second (`(request, context)` on Vercel
 * Functions and Edge, Next.js middleware, Cloudflare Pages Functions, or `{ waitUntil }` passed by
 * hand). Structural: an object with a `waitUntil` method, called on that object (workerd's
 * `ExecutionContext` refuses a detached call). Anything else (Bun's server, Deno's serve info,
 * Next.js's `{ params }`, a Worker's `env`) is ignored, and so is every argument after the third.
 */
function waitUntilOf(env: unknown, ctx: unknown): WebhookHandleOptions['waitUntil'] {
  for (const context of [ctx, env]) {
    if (typeof context !== 'object' || context === null) continue;
    let method: unknown;
    try {
      method = (context as { waitUntil?: unknown }).waitUntil;
    } catch {
      continue; // a getter that throws (a proxy): not an execution context
    }
    if (typeof method === 'function') {
      return (work) => {
        (method as (this: unknown, work: Promise<void>) => void).call(context, work);
      };
    }
  }
  return undefined;
}

function toResponse(response: ReceiverResponse): Response {
  return new Response(response.body, { status: response.status, headers: response.headers });
}

/**
 * Adapts a receiver to the Fetch API: returns `(request, env?, ctx?) => Promise<Response>` for
 * any runtime that speaks it (Cloudflare Workers, Deno, Bun, Next.js route handlers, Hono, Node's
 * global `Request`). Never rejects: every failure is an answer.
 *
 * The arguments after the `Request` are the runtime's, passed on as they come: when the third or
 * else the second is an object with a `waitUntil(promise)` method (Workers' `ExecutionContext` in
 * `fetch(request, env, ctx)`, the `context` of Vercel Functions or Cloudflare Pages Functions,
 * Next.js middleware's `event`, or a `{ waitUntil }` of your own), the processing that follows a
 * 202 (`ackMode: 'async'`) is handed to it, so a runtime that ends the request with its response
 * keeps that work alive until the handlers have run. Any other argument (a fourth or later one
 * too) is ignored: Deno, Bun and Node keep running the work without it.
 *
 * A non-POST request is answered 405 (`allow: POST`) without reading its body. A POST body is
 * read as raw bytes (never decoded or re-encoded before the signature check), at most
 * `receiver.maxBodyBytes` of them: a larger `Content-Length` is answered 413 without reading, and
 * a stream that passes the limit is cancelled and answered 413 (`payload_too_large`). A body that
 * something read before (`request.bodyUsed`) is answered 500 `invalid_payload_type`; a stream
 * that fails midway, 400 `body_read_failed`. Everything else is `receiver.handle()`'s answer.
 *
 * @param receiver - a `WebhookReceiver` or an `EudrWebhookReceiver` (either build), or any
 *   {@link WebhookHandlerTarget}.
 * @returns the Fetch handler: `(request, env?, ctx?)`, the shape of a Worker's `fetch`.
 * @throws WebhookValidationError `invalid_option` naming `receiver` (or `receiver.maxBodyBytes`)
 *   when it is not a receiver.
 * @example
 * ```ts
 * import { WebhookReceiver, fetchHandler } from '@novatrade24/webhooks/web';
 *
 * const receiver = new WebhookReceiver({ secret: env.NOVATRADE_WEBHOOK_SECRET })
 *   .on('compliance.decision_made', (event) => book(event.data.orderUuid, event.data.decision));
 * const handler = fetchHandler(receiver);
 *
 * export default { fetch: handler }; // Cloudflare Workers (fetch(request, env, ctx)), Bun, Deno
 * export const POST = handler; // Next.js route handler (app/webhooks/route.ts)
 * app.post('/webhooks', (c) => handler(c.req.raw, c.env, c.executionCtx)); // Hono on Workers
 * ```
 */
export function fetchHandler(
  receiver: WebhookHandlerTarget,
): (request: Request, env?: unknown, ctx?: unknown) => Promise<Response> {
  assertWebhookHandlerTarget(receiver, 'fetchHandler');
  return async (request, env, ctx) => {
    try {
      const method = request.method;
      const headers = request.headers;
      // The method is checked before anything is read: a GET has no body worth reading.
      if (method.toUpperCase() !== 'POST') {
        return toResponse(await receiver.handle({ method, headers, body: '' }));
      }
      if (request.bodyUsed) {
        // Something read the body first (e.g. `await c.req.json()`): let the receiver diagnose
        // it as the missing raw body (500 invalid_payload_type, heard by onError listeners).
        return toResponse(
          await receiver.handle({ method, headers, body: undefined as unknown as string }),
        );
      }
      const body = await readBody(request, receiver.maxBodyBytes);
      if (body === TOO_LARGE) return toResponse(receiver.tooLarge());
      if (body === READ_FAILED) return toResponse(bodyReadFailed());
      const waitUntil = waitUntilOf(env, ctx);
      return toResponse(
        await receiver.handle(
          { method, headers, body },
          waitUntil === undefined ? undefined : { waitUntil },
        ),
      );
    } catch {
      // Only a custom WebhookHandlerTarget can get here (the receivers' handle never throws).
      return toResponse(adapterFailed());
    }
  };
}
