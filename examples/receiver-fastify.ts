// Novatrade24 webhooks in a Fastify 5 app. The signature covers the exact bytes sent, so the
// webhook route needs the raw body: `fastifyWebhooks` registers the route in its own
// encapsulated scope with a raw-body parser, and the rest of the app keeps Fastify's JSON parser.
// Run: NOVATRADE_WEBHOOK_SECRET=whsec_… PORT=3000 npx tsx examples/receiver-fastify.ts
import { pathToFileURL } from 'node:url';
import { fastifyWebhooks, WebhookReceiver } from '@novatrade24/webhooks/receiver';
import Fastify, { type FastifyInstance } from 'fastify';

export interface AppOptions {
  readonly secret: string;
  /** Your code (a test passes a spy). Idempotent: delivery is at-least-once. */
  readonly onDecision: (orderUuid: string, decision: string) => unknown;
}

export async function createApp({ secret, onDecision }: AppOptions): Promise<FastifyInstance> {
  const receiver = new WebhookReceiver({ secret }).on('compliance.decision_made', (event) =>
    onDecision(event.data.orderUuid, event.data.decision),
  );

  const app = Fastify();
  // Registered as is: wrapping it in `fastify-plugin` would leak the raw parser to every route.
  await app.register(fastifyWebhooks, { receiver, path: '/webhooks/novatrade' });
  // Any other route parses JSON as usual.
  app.post('/api/orders', async (request, reply) =>
    reply.code(201).send({ created: request.body }),
  );
  return app;
}

// Listen only when run directly, not when a test imports this file.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const secret = process.env.NOVATRADE_WEBHOOK_SECRET;
  if (!secret) throw new Error('Set NOVATRADE_WEBHOOK_SECRET to the endpoint secret (whsec_…).');
  const port = Number(process.env.PORT ?? 3000);
  const app = await createApp({ secret, onDecision: () => {} /* your code */ });
  await app.listen({ port });
  console.log(`Receiving webhooks on http://localhost:${port}/webhooks/novatrade`);
}
