/**
 * The node:http adapter and the Node request shapes the Express adapter shares. Only types come
 * from `node:http`; at runtime the adapter uses the request and response objects it is given, so
 * it also serves Connect, Next.js API routes (pages router) and anything else built on them.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HeadersRecord } from '../headers.js';
import { assertWebhookHandlerTarget } from './internal/adapter-kit.js';
import { failNodeResponse, serveNodeRequest } from './internal/serve-node-request.js';
import type { WebhookHandlerTarget } from './webhook-handler-target.js';

/**
 * The parts of a Node request the adapters use: an `http.IncomingMessage`, or a framework's
 * request built on it (Express, Connect). Structural, so no framework types are needed.
 */
export interface NodeRequestLike {
  /** The HTTP method. */
  readonly method?: string | undefined;
  /** The request headers, lowercase keys as Node gives them. */
  readonly headers: HeadersRecord;
  /**
   * A body read upstream (a framework's body parser): used when it is a string or bytes (e.g.
   * `express.raw()`'s Buffer); anything else is diagnosed if the stream was consumed.
   */
  readonly body?: unknown;
  /**
   * The raw body some platforms keep next to a parsed `body` (Google Cloud Functions, Firebase,
   * or your own `express.json({ verify })`): used when it is a string or bytes.
   */
  readonly rawBody?: unknown;
  /** True once the stream has ended (a body parser read it). */
  readonly readableEnded?: boolean | undefined;
  /** True once any data was read from the stream. */
  readonly readableDidRead?: boolean | undefined;
  /** True once the stream is destroyed (e.g. the client went away). */
  readonly destroyed?: boolean | undefined;
  /** 1 for HTTP/1.x; with 2 (the http2 compatibility API) no `connection` header is sent. */
  readonly httpVersionMajor?: number | undefined;
  /** Adds a stream listener (`data`, `end`, `error`, `close`). */
  on(event: string, listener: (...args: never[]) => void): unknown;
  /** Removes a stream listener. */
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  /** Lets the stream flow (to the listeners, or to nowhere once they are removed). */
  resume(): unknown;
}

/** The parts of a Node response the adapters use: an `http.ServerResponse` or one built on it. */
export interface NodeResponseLike {
  /** The status code to send. */
  statusCode: number;
  /** True once the head was written. */
  readonly headersSent: boolean;
  /** Sets one response header. */
  setHeader(name: string, value: string): unknown;
  /** Writes the body and ends the response. */
  end(body: string): unknown;
  /** Resets the response (last resort after an unexpected failure). */
  destroy?(error?: Error): unknown;
}

/**
 * Adapts a receiver to node:http: returns a `(req, res) => void` listener for
 * `http.createServer`, `https.createServer`, Connect, or a Next.js API route (pages router, with
 * `export const config = { api: { bodyParser: false } }`). Never throws.
 *
 * The request's raw body is read as bytes, at most `receiver.maxBodyBytes` of them: a larger
 * `Content-Length` is answered 413 without reading, and a stream that passes the limit stops
 * being collected at once; both 413 answers carry `connection: close`. A body that a framework
 * already read into `req.body` as a string or bytes (or into `req.rawBody`, as Google Cloud
 * Functions do) is used as is; a parsed object is answered 500 `invalid_payload_type` with the
 * fix. Non-POST requests are answered 405 without reading. A stream that fails midway is
 * answered 400 `body_read_failed` if the client is still there.
 *
 * @param receiver - a `WebhookReceiver` or an `EudrWebhookReceiver`, or any
 *   {@link WebhookHandlerTarget}.
 * @returns the request listener.
 * @throws WebhookValidationError `invalid_option` naming `receiver` (or `receiver.maxBodyBytes`)
 *   when it is not a receiver.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { WebhookReceiver, toNodeListener } from '@novatrade24/webhooks/receiver';
 *
 * const receiver = new WebhookReceiver({ secret: process.env.NOVATRADE_WEBHOOK_SECRET! })
 *   .on('compliance.decision_made', (event) => book(event.data.orderUuid, event.data.decision));
 * createServer(toNodeListener(receiver)).listen(3000);
 * ```
 */
export function toNodeListener(
  receiver: WebhookHandlerTarget,
): (req: IncomingMessage, res: ServerResponse) => void {
  assertWebhookHandlerTarget(receiver, 'toNodeListener');
  return (req, res) => {
    serveNodeRequest(receiver, req, res).catch(() => failNodeResponse(res));
  };
}
