// Serving one Node request: the bounded raw-body read, the call to `handle`, the answer. Shared
// by `toNodeListener` and `expressHandler`; never re-exported by an entry point.

import { concatBytes } from '../../../core/internal/bytes.js';
import { isRawBody } from '../../internal/raw-body.js';
import type { ReceiverResponse } from '../../receiver-request.js';
import type { NodeRequestLike, NodeResponseLike } from '../node-listener.js';
import type { WebhookHandlerTarget } from '../webhook-handler-target.js';
import { adapterFailed, bodyReadFailed, declaredContentLength } from './adapter-kit.js';

const TOO_LARGE: unique symbol = Symbol('too large');
const READ_FAILED: unique symbol = Symbol('read failed');
/** The stream was consumed upstream and no raw body is left: `handle` diagnoses what is. */
interface Consumed {
  readonly consumed: unknown;
}

function isConsumed(value: string | Uint8Array | Consumed): value is Consumed {
  return typeof value === 'object' && !(value instanceof Uint8Array);
}

type BodyResult = string | Uint8Array | Consumed | typeof TOO_LARGE | typeof READ_FAILED;

const encoder = /* @__PURE__ */ new TextEncoder();

function isStreamUnread(req: NodeRequestLike): boolean {
  // body-parser 1.x marks a parsed request with `_body`; 2.x and other readers end the stream.
  return (
    req.readableEnded !== true &&
    req.readableDidRead !== true &&
    (req as { readonly _body?: unknown })._body !== true
  );
}

/**
 * Reads the stream to its end, at most `limit` bytes. On overflow it stops collecting at once and
 * lets the rest flow to nowhere (`resume`), so the socket neither stalls nor buffers the excess.
 */
function readStream(req: NodeRequestLike, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    const finish = (result: BodyResult): void => {
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onFailure);
      req.removeListener('close', onFailure);
      if (result === TOO_LARGE || result === READ_FAILED) req.resume();
      resolve(result);
    };
    const onData = (chunk: unknown): void => {
      // A string only if something called setEncoding() upstream; bytes otherwise.
      const bytes =
        typeof chunk === 'string'
          ? encoder.encode(chunk)
          : chunk instanceof Uint8Array
            ? chunk
            : undefined;
      if (bytes === undefined) {
        finish(READ_FAILED);
        return;
      }
      total += bytes.byteLength;
      if (total > limit) {
        finish(TOO_LARGE);
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = (): void => finish(concatBytes(chunks));
    // 'close' before 'end': the client aborted (Node 20 emits 'error' first, then 'close').
    const onFailure = (): void => finish(READ_FAILED);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onFailure);
    req.on('close', onFailure);
    req.resume();
  });
}

function readBody(req: NodeRequestLike, limit: number): Promise<BodyResult> | BodyResult {
  if (isRawBody(req.body)) return req.body;
  if (isRawBody(req.rawBody)) return req.rawBody;
  // A parser that did not run (another content type) leaves the stream unread and `body`
  // undefined (body-parser 2) or `{}` (body-parser 1): read the stream ourselves.
  if (!isStreamUnread(req)) return { consumed: req.body };
  if (req.destroyed === true) return READ_FAILED;
  const header = req.headers['content-length'];
  const declared = declaredContentLength(typeof header === 'string' ? header : undefined);
  if (declared !== undefined && declared > limit) {
    req.resume(); // discard what arrives while we answer; `connection: close` ends the socket
    return TOO_LARGE;
  }
  return readStream(req, limit);
}

function writeResponse(res: NodeResponseLike, response: ReceiverResponse, close: boolean): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  // After an unread or half-read body the connection cannot be reused: say so, and Node closes it
  // once the answer is written. (HTTP/2 forbids the header; its streams end on their own.)
  if (close) res.setHeader('connection', 'close');
  res.end(response.body);
}

/** Whether an answer may carry `connection: close` (HTTP/1.x only). */
function canClose(req: NodeRequestLike): boolean {
  return req.httpVersionMajor === undefined || req.httpVersionMajor < 2;
}

/**
 * Serves one request: reads the raw body (bounded), calls `handle`, writes the answer. Rejects
 * only on an unexpected failure (a throwing custom `handle`, a response already sent upstream).
 * Internal: shared by {@link toNodeListener} and `expressHandler`.
 */
export async function serveNodeRequest(
  receiver: WebhookHandlerTarget,
  req: NodeRequestLike,
  res: NodeResponseLike,
): Promise<void> {
  const method = typeof req.method === 'string' ? req.method : '';
  const headers = req.headers;
  // The method is checked before reading: Node discards an unread body after the answer.
  if (method.toUpperCase() !== 'POST') {
    writeResponse(res, await receiver.handle({ method, headers, body: '' }), false);
    return;
  }
  const body = await readBody(req, receiver.maxBodyBytes);
  if (body === TOO_LARGE) {
    writeResponse(res, receiver.tooLarge(), canClose(req));
  } else if (body === READ_FAILED) {
    if (req.destroyed === true || res.headersSent) return; // nobody is listening any more
    writeResponse(res, bodyReadFailed(), canClose(req));
  } else {
    // A consumed stream without a raw body (express.json() ran first): `handle` answers 500
    // invalid_payload_type, explains how to get the raw body, and tells the onError listeners.
    const raw = isConsumed(body) ? (body.consumed as string) : body;
    writeResponse(res, await receiver.handle({ method, headers, body: raw }), false);
  }
}

/** Last resort after an unexpected failure: a 500 if the head is still unsent, else a reset. */
export function failNodeResponse(res: NodeResponseLike): void {
  try {
    if (!res.headersSent) {
      writeResponse(res, adapterFailed(), false);
      return;
    }
  } catch {
    // fall through: the response is unusable
  }
  res.destroy?.();
}
