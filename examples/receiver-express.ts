// Novatrade24 webhooks in an Express 5 app. The order of the middleware is the whole trick: the
// signature covers the exact bytes sent, so the webhook route needs the raw body, and
// `express.json()` must not run before it (if it does, the receiver answers 500
// invalid_payload_type and says how to fix it).
// Run: NOVATRADE_WEBHOOK_SECRET=whsec_… PORT=3000 npx tsx examples/receiver-express.ts
import { pathToFileURL } from 'node:url';
import { expressHandler, WebhookReceiver } from '@novatrade24/webhooks/receiver';
import express, { type Express } from 'express';

export interface AppOptions {
  readonly secret: string;
  /** Your code (a test passes a spy). Idempotent: delivery is at-least-once. */
  readonly onDecision: (orderUuid: string, decision: string) => unknown;
}

export function createApp({ secret, onDecision }: AppOptions): Express {
  const receiver = new WebhookReceiver({ secret }).on('compliance.decision_made', (event) =>
    onDecision(event.data.orderUuid, event.data.decision),
  );

  const app = express();
  // 1. The webhook route first, with a raw-body parser on that route only. Its `limit` follows
  //    the receiver's (1 MiB), or body-parser would refuse bodies over its own 100 kB default.
  app.post(
    '/webhooks/novatrade',
    express.raw({ type: 'application/json', limit: receiver.maxBodyBytes }),
    expressHandler(receiver),
  );
  // 2. Then JSON for the rest of the app: mounted after the webhook route, it never sees it.
  app.use(express.json());
  app.post('/api/orders', (req, res) => {
    res.status(201).json({ created: req.body });
  });
  return app;
}

// Listen only when run directly, not when a test imports this file.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const secret = process.env.NOVATRADE_WEBHOOK_SECRET;
  if (!secret) throw new Error('Set NOVATRADE_WEBHOOK_SECRET to the endpoint secret (whsec_…).');
  const port = Number(process.env.PORT ?? 3000);
  createApp({ secret, onDecision: () => {} /* your code */ }).listen(port, () => {
    console.log(`Receiving webhooks on http://localhost:${port}/webhooks/novatrade`);
  });
}
