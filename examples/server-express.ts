// The webhook management API in an Express 5 app. The API is a Fetch handler; the node:http
// adapter of server-node-http.ts turns Express's req/res into a `Request` and back. The order of
// the middleware matters: the API reads the raw request body itself (bounded, JSON only, hashed
// for Idempotency-Key), so `express.json()` must not run before it. Mount the API first; if a
// body parser did run first, the handler below refuses loudly instead of answering as if the
// body were empty.
// Run: NT24_API_KEY=<16+ characters> NT24_ORGANIZATION_UUID=<uuid> PORT=3000 npx tsx examples/server-express.ts
import { pathToFileURL } from 'node:url';
import { HttpTransport, MemoryStorage, WebhookSender } from '@novatrade24/webhooks/sender';
import { apiKeyAuthenticator, createManagementApi } from '@novatrade24/webhooks/server';
import express, { type Express, type RequestHandler } from 'express';
import { type AppOptions, nodeListener } from './server-node-http.js';

export function createApp({ sender, apiKeys, now }: AppOptions): Express {
  const api = createManagementApi(sender, {
    authenticate: apiKeyAuthenticator(apiKeys),
    now,
  });
  const serveApi = nodeListener(api.fetch);
  const managementApi: RequestHandler = (req, res, next) => {
    // A body parser that ran before has consumed the stream the API must read.
    if (req.body !== undefined) {
      next(new Error('Mount the management API before express.json() and other body parsers.'));
      return;
    }
    serveApi(req, res);
  };

  const app = express();
  // 1. The API's paths first, every method: the API answers 404 and 405 problems itself.
  app.all('/v1/*path', managementApi);
  app.get('/openapi.json', managementApi);
  // 2. Then JSON for the rest of the app: mounted after the API, it never sees its requests.
  app.use(express.json());
  app.post('/api/orders', (req, res) => {
    res.status(201).json({ created: req.body });
  });
  return app;
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
