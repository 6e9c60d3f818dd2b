// Novatrade24 webhooks on plain node:http. `toNodeListener` reads the raw body itself (the
// signature covers the exact bytes sent, so nothing may parse it first), verifies it, drops
// duplicates by event id, runs your typed handlers and answers 200 (or a problem+json error).
// Run: NOVATRADE_WEBHOOK_SECRET=whsec_… PORT=3000 npx tsx examples/receiver-node-http.ts
import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import {
  type AnyWebhookEvent,
  isWebhooksError,
  type ReceiverErrorStage,
  toNodeListener,
  WebhookReceiver,
} from '@novatrade24/webhooks/receiver';

/** Where the handlers send the work: your services in the app, spies in a test. */
export interface Services {
  bookDecision(orderUuid: string, decision: string): unknown;
  refreshBuyer(buyerUuid: string): unknown;
  audit(event: AnyWebhookEvent): unknown;
  reportFailure(stage: ReceiverErrorStage, code: string): unknown;
}

export interface AppOptions {
  readonly secret: string;
  readonly services: Services;
}

export function createApp({ secret, services }: AppOptions): Server {
  const receiver = new WebhookReceiver({ secret })
    // `event.data` is narrowed to the type's payload. Delivery is at-least-once and a throw
    // answers 500 (the sender retries), so keep handlers idempotent.
    .on('compliance.decision_made', (event) =>
      services.bookDecision(event.data.orderUuid, event.data.decision),
    )
    // A segment: every `kyc.` type (all of them carry `buyerUuid`).
    .on('kyc.*', (event) => services.refreshBuyer(event.data.buyerUuid))
    // Every event, after the typed handlers, including types this SDK does not know yet.
    .onAny((event) => services.audit(event))
    // 401s (stage 'verify'), 400s ('parse'), failing handlers ('handler'): codes are stable.
    .onError((error, { stage }) =>
      services.reportFailure(stage, isWebhooksError(error) ? error.code : 'unexpected'),
    );
  return createServer(toNodeListener(receiver));
}

// Listen only when run directly, not when a test imports this file.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const secret = process.env.NOVATRADE_WEBHOOK_SECRET;
  if (!secret) throw new Error('Set NOVATRADE_WEBHOOK_SECRET to the endpoint secret (whsec_…).');
  const port = Number(process.env.PORT ?? 3000);
  const services: Services = {
    bookDecision: () => {}, // your code here
    refreshBuyer: () => {},
    audit: () => {},
    reportFailure: () => {},
  };
  createApp({ secret, services }).listen(port, () => {
    console.log(`Receiving webhooks on http://localhost:${port}/`);
  });
}
