// node:http to a Fetch handler and back, for `serve`: the management API is a Fetch handler
// (`Request -> Response`), and Node's server speaks IncomingMessage/ServerResponse. Modelled on
// examples/server-node-http.ts: the request body is streamed into the `Request` untouched (the API
// reads it itself, with its size cap), and when the handler answered without reading the whole
// body (a 401, 413 or 429 before it arrived) the connection is closed after the answer, so the
// rest of that body is never read as the next request of a keep-alive connection.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** One request in, one response out. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * The path and query of a request target: origin-form (`/v1/webhooks?x=1`) as it is, the path
 * and query of an absolute-form target (`http://host/v1/…`, as a proxy sends it), or null for
 * anything else (`*`, an authority).
 */
export function requestPathOf(target: string | undefined): string | null {
  if (target === undefined || target === '') return null;
  if (target.startsWith('/')) return target;
  try {
    const url = new URL(target);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return `${url.pathname}${url.search}`;
  } catch {
    return null;
  }
}

/**
 * The Fetch `Request` of a Node request: method, path, headers and the body as a stream. The
 * origin is a fixed placeholder (`http://localhost`), not the client's `Host` header: the API
 * routes on the path only.
 *
 * @throws TypeError for a target no URL can hold (the listener answers 400).
 */
export function toFetchRequest(req: IncomingMessage): Request {
  const path = requestPathOf(req.url);
  if (path === null) throw new TypeError('unsupported request target');
  const url = new URL(`http://localhost${path}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers });
  const init = {
    method,
    headers,
    body: Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>,
    duplex: 'half', // Node's fetch needs it for a streamed body
  };
  return new Request(url, init as RequestInit);
}

/**
 * Writes a Fetch `Response` to a Node response. The body is read whole first (the API's answers
 * and the metrics text are small), so the status and headers go out with a `Content-Length`.
 * When the request's body was not read to its end, `Connection: close` ends the connection after
 * this answer.
 */
export async function sendFetchResponse(
  response: Response,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  if (!req.complete) res.setHeader('Connection', 'close');
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * A node:http request listener that answers with `handle`: 400 for a request target no URL can
 * hold, 500 when `handle` rejects (before anything was sent; after, the connection is dropped).
 *
 * @example
 * ```ts
 * createServer(createNodeRequestListener(api.fetch)).listen(8080, '127.0.0.1');
 * ```
 */
export function createNodeRequestListener(
  handle: FetchHandler,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    // A client that goes away mid-body must not turn into an unhandled stream error.
    req.on('error', () => undefined);
    let request: Request;
    try {
      request = toFetchRequest(req);
    } catch {
      res.statusCode = 400;
      res.setHeader('Connection', 'close');
      res.end();
      return;
    }
    handle(request)
      .then((response) => sendFetchResponse(response, req, res))
      .catch(() => {
        if (res.headersSent) res.destroy();
        else {
          res.statusCode = 500;
          if (!req.complete) res.setHeader('Connection', 'close');
          res.end();
        }
      });
  };
}
