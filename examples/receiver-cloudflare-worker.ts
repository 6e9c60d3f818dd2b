// A Cloudflare Worker receiving Novatrade24 webhooks with the /web build (WebCrypto only, no
// `node:` imports). It verifies the raw body, acknowledges fast and hands the event to a Queue;
// a queue consumer does the slow work. Secret: `wrangler secret put NOVATRADE_WEBHOOK_SECRET`.
import { fetchHandler, WebhookReceiver } from '@novatrade24/webhooks/web';

/** The bindings this Worker uses, typed structurally: no @cloudflare/workers-types needed. */
/** What a Worker's `fetch` gets as its third argument; `waitUntil` keeps work after the answer. */
export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void;
}

export interface Env {
  readonly NOVATRADE_WEBHOOK_SECRET: string;
  /** A Queue producer binding (`[[queues.producers]]` in wrangler.toml). */
  readonly WEBHOOK_EVENTS: { send(message: unknown): Promise<void> };
}

type Handler = (request: Request, env: Env, ctx: WorkerContext) => Promise<Response>;

function createHandler(env: Env): Handler {
  // Dedupe: the default MemoryDedupeStore lasts as long as this isolate, and Cloudflare runs
  // many, so a redelivery can reach one that has not seen the event. To dedupe across isolates,
  // pass `dedupe:` a `DedupeStore` whose `reserve(key, ttlMs)` is atomic: a D1
  // `INSERT … ON CONFLICT DO NOTHING` (one row changed = first delivery) or a Durable Object
  // keyed by event id. KV cannot do it (no atomic put-if-absent).
  const receiver = new WebhookReceiver({ secret: env.NOVATRADE_WEBHOOK_SECRET }).on(
    'compliance.decision_made',
    // If `send` rejects, the receiver answers 500 and the sender retries: nothing is lost.
    (event) =>
      env.WEBHOOK_EVENTS.send({ orderUuid: event.data.orderUuid, decision: event.data.decision }),
  );
  return fetchHandler(receiver);
}

// One receiver per isolate, built on the first request (bindings only arrive with a request),
// so the WebCrypto key is imported once and reused.
let handler: Handler | undefined;

export default {
  // `ctx` is passed on: in ackMode 'async' the handlers run after the 202 under ctx.waitUntil.
  fetch(request: Request, env: Env, ctx: WorkerContext): Promise<Response> {
    handler ??= createHandler(env);
    return handler(request, env, ctx);
  },
};
