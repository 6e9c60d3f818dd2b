// app/v1/[...path]/route.ts: the webhook management API in a Next.js App Router route handler.
// A route handler gets a Fetch `Request` and returns a `Response`, which is what the API's
// `fetch` is: export it under every method and the API does its own routing (404 and 405
// problems included). Never read the body first (`await request.json()`): the API reads it
// itself, bounded, JSON only and hashed for Idempotency-Key. For the OpenAPI document, add
// app/openapi.json/route.ts with `export { GET } from '../v1/[...path]/route';`.
import { HttpTransport, MemoryStorage, WebhookSender } from '@novatrade24/webhooks/sender';
import {
  apiKeyAuthenticator,
  createManagementApi,
  type ManagementApi,
} from '@novatrade24/webhooks/server';

// The /server and /sender entries run on Node: keep this route off the Edge runtime.
export const runtime = 'nodejs';

// Built on the first request, not at import: `next build` imports route files without your
// runtime secrets. The sender lives as long as this server instance. MemoryStorage keeps the demo
// self-contained; in production give the sender PostgresStorage and PostgresIdempotencyStore on
// one database, so every instance shares endpoints and Idempotency-Key records, and run the
// dispatcher (`sender.start()`) in a long-lived process on the same database.
let api: ManagementApi | undefined;

function managementApi(): ManagementApi {
  const token = process.env.NT24_API_KEY;
  const organizationUuid = process.env.NT24_ORGANIZATION_UUID;
  // Thrown, so Next logs it and answers 500 until the variables are configured.
  if (!token || !organizationUuid) {
    throw new Error('Set NT24_API_KEY (16+ characters) and NT24_ORGANIZATION_UUID.');
  }
  api ??= createManagementApi(
    new WebhookSender({ storage: new MemoryStorage(), transport: new HttpTransport() }),
    { authenticate: apiKeyAuthenticator([{ token, organizationUuid }]) },
  );
  return api;
}

async function handle(request: Request): Promise<Response> {
  return managementApi().fetch(request);
}

export const GET = handle;
export const POST = handle;
export const PATCH = handle;
export const PUT = handle;
export const DELETE = handle;
