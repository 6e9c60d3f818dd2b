// Novatrade24 webhooks in a Hono app on Node (@hono/node-server). `c.req.raw` is the untouched
// Fetch `Request`: `fetchHandler` reads its raw bytes, which the signature covers. Do not call
// `c.req.json()` or `c.req.text()` before it (the receiver would answer 500
// invalid_payload_type). On Bun, Deno or Workers import the same names from
// `@novatrade24/webhooks/web`; on Node, `/receiver` verifies with the faster node:crypto.
// Run: NOVATRADE_WEBHOOK_SECRET=whsec_… PORT=3000 npx tsx examples/receiver-hono.ts
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { fetchHandler, WebhookReceiver } from '@novatrade24/webhooks/receiver';
import { Hono } from 'hono';

export interface AppOptions {
  readonly secret: string;
  /** Your code (a test passes a spy). Idempotent: delivery is at-least-once. */
  readonly onDecision: (orderUuid: string, decision: string) => unknown;
}

export function createApp({ secret, onDecision }: AppOptions): Hono {
  const receiver = new WebhookReceiver({ secret }).on('compliance.decision_made', (event) =>
    onDecision(event.data.orderUuid, event.data.decision),
  );
  const handle = fetchHandler(receiver);

  const app = new Hono();
  app.post('/webhooks/novatrade', (c) => handle(c.req.raw));
  // Any other route reads JSON as usual.
  app.post('/api/orders', async (c) => c.json({ created: await c.req.json() }, 201));
  return app;
}

// Listen only when run directly, not when a test imports this file.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const secret = process.env.NOVATRADE_WEBHOOK_SECRET;
  if (!secret) throw new Error('Set NOVATRADE_WEBHOOK_SECRET to the endpoint secret (whsec_…).');
  const port = Number(process.env.PORT ?? 3000);
  const app = createApp({ secret, onDecision: () => {} /* your code */ });
  serve({ fetch: app.fetch, port }, () => {
    console.log(`Receiving webhooks on http://localhost:${port}/webhooks/novatrade`);
  });
}
