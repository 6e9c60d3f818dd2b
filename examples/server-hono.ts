// The webhook management API in a Hono app on Node (@hono/node-server). The API is a Fetch
// handler, and `c.req.raw` is the untouched Fetch `Request`: hand it over as it is. Do not read
// the body first (`c.req.json()`, a validator middleware): the API reads it itself, bounded,
// JSON only and hashed for Idempotency-Key (docs/server.md).
// Run: NT24_API_KEY=<16+ characters> NT24_ORGANIZATION_UUID=<uuid> PORT=3000 npx tsx examples/server-hono.ts
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { HttpTransport, MemoryStorage, WebhookSender } from '@novatrade24/webhooks/sender';
import {
  type ApiKey,
  apiKeyAuthenticator,
  createManagementApi,
} from '@novatrade24/webhooks/server';
import { Hono } from 'hono';

export interface AppOptions {
  /** The sender the API manages: endpoints, deliveries and Idempotency-Key records. */
  readonly sender: WebhookSender;
  /** The accepted API keys, each `{ token, organizationUuid, tier? }` (a test passes its own). */
  readonly apiKeys: readonly ApiKey[];
  /** The rate limits' clock, epoch ms (a test passes a fake clock). @default Date.now */
  readonly now?: (() => number) | undefined;
}

export function createApp({ sender, apiKeys, now }: AppOptions): Hono {
  const api = createManagementApi(sender, {
    authenticate: apiKeyAuthenticator(apiKeys),
    now,
  });

  const app = new Hono();
  // Every method under /v1: the API answers 404 and 405 problems itself.
  app.all('/v1/*', (c) => api.fetch(c.req.raw));
  app.get('/openapi.json', (c) => api.fetch(c.req.raw));
  // The app's own routes are untouched by the API's authentication.
  app.get('/health', (c) => c.json({ ok: true }));
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
  const app = createApp({ sender, apiKeys: [{ token, organizationUuid }] });
  serve({ fetch: app.fetch, port }, () => {
    console.log(`Management API on http://localhost:${port}/v1/webhooks`);
  });
}
