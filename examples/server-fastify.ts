// The webhook management API in a Fastify 5 app. The API reads the raw request body itself
// (bounded, JSON only, hashed for Idempotency-Key), so its routes live in an encapsulated scope
// whose only content-type parser leaves the body unread; the rest of the app keeps Fastify's JSON
// parser. The handler turns the raw Node request into a Fetch `Request` with the adapter of
// server-node-http.ts and copies the `Response` onto the reply.
// Run: NT24_API_KEY=<16+ characters> NT24_ORGANIZATION_UUID=<uuid> PORT=3000 npx tsx examples/server-fastify.ts
import { pathToFileURL } from 'node:url';
import { HttpTransport, MemoryStorage, WebhookSender } from '@novatrade24/webhooks/sender';
import { apiKeyAuthenticator, createManagementApi } from '@novatrade24/webhooks/server';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type AppOptions, toFetchRequest } from './server-node-http.js';

export async function createApp({ sender, apiKeys, now }: AppOptions): Promise<FastifyInstance> {
  const api = createManagementApi(sender, {
    authenticate: apiKeyAuthenticator(apiKeys),
    now,
  });
  const serveApi = async (request: FastifyRequest, reply: FastifyReply) => {
    const response = await api.fetch(toFetchRequest(request.raw));
    reply.code(response.status);
    response.headers.forEach((value, name) => {
      reply.header(name, value);
    });
    // An early answer (401, 413, 429) leaves the rest of the body unread: close the connection.
    if (!request.raw.complete) reply.header('connection', 'close');
    return reply.send(Buffer.from(await response.arrayBuffer()));
  };

  const app = Fastify();
  // Registered as is: wrapping it in `fastify-plugin` would leak the no-op parser to every route.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // Any content type, and none: the body stays unread for the API (which answers 415 itself).
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    // Every method under /v1: the API answers 404 and 405 problems itself.
    scope.all('/v1/*', serveApi);
    scope.get('/openapi.json', serveApi);
  });
  // Any other route parses JSON as usual.
  app.post('/api/orders', async (request, reply) =>
    reply.code(201).send({ created: request.body }),
  );
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
  const app = await createApp({ sender, apiKeys: [{ token, organizationUuid }] });
  await app.listen({ port });
  console.log(`Management API on http://localhost:${port}/v1/webhooks`);
}
