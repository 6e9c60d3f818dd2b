// app/api/webhooks/novatrade/route.ts: Novatrade24 webhooks in a Next.js App Router route
// handler. A route handler gets the untouched Fetch `Request`, so `fetchHandler` reads the raw
// bytes the signature covers: never `await request.json()` first (the receiver would answer 500
// invalid_payload_type). The /web build verifies on WebCrypto, so this file runs on the Node.js
// and the Edge runtime alike; to opt in to Edge, add:
//   export const runtime = 'edge';
import { fetchHandler, WebhookReceiver } from '@novatrade24/webhooks/web';

// Stand-in for your data layer (Prisma, Drizzle, a queue…): replace with real, idempotent
// writes, since delivery is at-least-once.
const decisions = new Map<string, string>();

function createHandler(secret: string): (request: Request) => Promise<Response> {
  const receiver = new WebhookReceiver({ secret }).on('compliance.decision_made', (event) => {
    decisions.set(event.data.orderUuid, event.data.decision); // event.data is typed
  });
  return fetchHandler(receiver);
}

// Built on the first request, not at import: `next build` imports route files without your
// runtime secrets. Deduplication lives in this instance's memory; with several instances or on
// serverless, give the receiver `dedupe:` a shared `DedupeStore` (e.g. `RedisDedupeStore` from
// `@novatrade24/webhooks/receiver` on the Node.js runtime).
let handler: ((request: Request) => Promise<Response>) | undefined;

export async function POST(request: Request): Promise<Response> {
  const secret = process.env.NOVATRADE_WEBHOOK_SECRET;
  // Thrown, so Next logs it and answers 500: the sender retries until the secret is configured.
  if (!secret) throw new Error('Set NOVATRADE_WEBHOOK_SECRET to the endpoint secret (whsec_…).');
  handler ??= createHandler(secret);
  return handler(request);
}
