// The webhook management API on plain node:http. `createManagementApi` returns a Fetch handler
// (`Request -> Response`); node:http speaks IncomingMessage/ServerResponse, so a small adapter
// turns one into the other. It streams the request body into the `Request` untouched: the API
// reads it itself, with its size cap (`maxBodyBytes`), and refuses what is not JSON. The Express
// and Fastify examples reuse this adapter (server-express.ts, server-fastify.ts).
// Run: NT24_API_KEY=<16+ characters> NT24_ORGANIZATION_UUID=<uuid> PORT=3000 npx tsx examples/server-node-http.ts
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { HttpTransport, MemoryStorage, WebhookSender } from '@novatrade24/webhooks/sender';
import {
  type ApiKey,
  apiKeyAuthenticator,
  createManagementApi,
} from '@novatrade24/webhooks/server';

/** What `createManagementApi(...).fetch` is: one request in, one response out. */
export type FetchHandler = (request: Request) => Promise<Response>;

export interface AppOptions {
  /** The sender the API manages: endpoints, deliveries and Idempotency-Key records. */
  readonly sender: WebhookSender;
  /** The accepted API keys, each `{ token, organizationUuid, tier? }` (a test passes its own). */
  readonly apiKeys: readonly ApiKey[];
  /** The rate limits' clock, epoch ms (a test passes a fake clock). @default Date.now */
  readonly now?: (() => number) | undefined;
}

/**
 * The Fetch `Request` of a Node request: method, path, headers and the body as a stream. Only the
 * path matters to the API; the origin is a fixed placeholder, not the client's `Host` header.
 */
export function toFetchRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  const url = new URL(`http://localhost${req.url ?? '/'}`);
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
 * Writes a Fetch `Response` to a Node response (the API's bodies are small JSON documents). When
 * the API answered without reading the whole request body (a 401, 413 or 429 before the body
 * arrived), the connection is closed after the answer: the rest of that body must not be read
 * as the next request on a keep-alive connection.
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
  res.end(body);
}

/** A node:http request listener (also an Express handler) that answers with `handle`. */
export function nodeListener(
  handle: FetchHandler,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    let request: Request;
    try {
      request = toFetchRequest(req);
    } catch {
      // A request target no URL can hold: nothing the API could route.
      res.statusCode = 400;
      res.end();
      return;
    }
    // `api.fetch` never rejects (every error is a problem+json answer); writing may still fail.
    handle(request)
      .then((response) => sendFetchResponse(response, req, res))
      .catch(() => {
        if (res.headersSent) res.destroy();
        else {
          res.statusCode = 500;
          res.end();
        }
      });
  };
}

export function createApp({ sender, apiKeys, now }: AppOptions): Server {
  const api = createManagementApi(sender, {
    authenticate: apiKeyAuthenticator(apiKeys),
    now,
  });
  // Every path goes to the API: it answers 404 and 405 problems itself.
  return createServer(nodeListener(api.fetch));
}

// Listen only when run directly, not when a test imports this file.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const token = process.env.NT24_API_KEY;
  const organizationUuid = process.env.NT24_ORGANIZATION_UUID;
  if (!token || !organizationUuid) {
    throw new Error('Set NT24_API_KEY (16+ characters) and NT24_ORGANIZATION_UUID.');
  }
  // In memory for the demo; in production PostgresStorage and PostgresIdempotencyStore.
  const sender = new WebhookSender({
    storage: new MemoryStorage(),
    transport: new HttpTransport(),
  });
  sender.start();
  const port = Number(process.env.PORT ?? 3000);
  createApp({ sender, apiKeys: [{ token, organizationUuid }] }).listen(port, () => {
    console.log(`Management API on http://localhost:${port}/v1/webhooks`);
  });
}
