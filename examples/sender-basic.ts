// Sending webhooks from your app: a `WebhookSender` with the real `HttpTransport` delivers one
// signed event to a receiver built with the receiver SDK, both on 127.0.0.1 in this process.
// The sender keeps endpoints, events and deliveries in memory (the default `MemoryStorage`),
// retries on the Novatrade24 schedule and never throws for what the network does.
// Run: node --import tsx examples/sender-basic.ts
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  type AnyWebhookEvent,
  toNodeListener,
  WebhookReceiver,
} from '@novatrade24/webhooks/receiver';
import { type DeliveryView, HttpTransport, WebhookSender } from '@novatrade24/webhooks/sender';

const ORGANIZATION = '550e8400-e29b-41d4-a716-446655440000';
const PARTNER = '11111111-2222-3333-4444-555555555555';
const ORDER = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

export interface ExampleOptions {
  /** Where the example prints. @default console.log */
  readonly log?: ((line: string) => void) | undefined;
  /** Give up after this long, ms. @default 10_000 */
  readonly timeoutMs?: number | undefined;
}

export interface ExampleResult {
  /** The event as the receiver got it: signature verified, envelope parsed and typed. */
  readonly received: AnyWebhookEvent;
  /** The delivery as the sender's history shows it, DELIVERED. */
  readonly delivery: DeliveryView;
  /** The event id `publish` assigned. */
  readonly publishedEventId: string;
}

export async function main(options: ExampleOptions = {}): Promise<ExampleResult> {
  const log = options.log ?? console.log;

  // 1. The receiving side, normally another company's app. Listening first gives us its URL;
  //    the request handler is attached once the endpoint's secret exists (step 3).
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/novatrade`;

  // 2. The sender. Both flags below are for this local demo only; production omits them:
  //    - `allowPrivateNetworks: true` lets the transport connect to 127.0.0.1. By default it
  //      refuses loopback, private, link-local and other internal addresses at connect time,
  //      so a customer cannot point an endpoint at your internal network (SSRF, docs/design.md §5.14).
  //    - `allowInsecureUrls: true` accepts an `http:` endpoint URL. By default only `https:`.
  const sender = new WebhookSender({
    transport: new HttpTransport({ allowPrivateNetworks: true }),
    allowInsecureUrls: true,
  });

  try {
    // 3. Register the endpoint. The secret is returned here once; the endpoint's owner
    //    configures their receiver with it. No later call (get, list, hooks, logs) shows it.
    const { endpoint, secret } = await sender.createEndpoint(ORGANIZATION, {
      url,
      events: ['compliance.*'],
      partnerIds: [PARTNER],
    });

    let resolveReceived: (event: AnyWebhookEvent) => void = () => {};
    const receivedEvent = new Promise<AnyWebhookEvent>((resolve) => {
      resolveReceived = resolve;
    });
    const receiver = new WebhookReceiver({ secret })
      // Runs only after the signature, the replay window and the envelope were checked.
      .on('compliance.decision_made', (event) => {
        log(`receiver: ${event.type} for order ${event.data.orderUuid}: ${event.data.decision}`);
        resolveReceived(event);
      });
    server.on('request', toNodeListener(receiver));

    // 4. Wait for the sender's own confirmation (a 2xx answer was recorded), or fail fast if the
    //    first attempt failed: the next retry would come only a minute later.
    const delivered = new Promise<DeliveryView>((resolve, reject) => {
      sender.on('delivery.succeeded', ({ delivery }) => resolve(delivery));
      sender.on('delivery.retry_scheduled', ({ attempt }) =>
        reject(
          new Error(
            `The first attempt failed (${attempt.failureReason}, HTTP ${attempt.httpStatus ?? '-'}).`,
          ),
        ),
      );
    });

    // 5. Run the dispatcher and publish. `publish` validates the payload against the catalog,
    //    stores the event once and creates one delivery per matching endpoint.
    sender.start();
    const { event, deliveries } = await sender.publish({
      organizationUuid: ORGANIZATION,
      type: 'compliance.decision_made',
      partnerUuid: PARTNER,
      data: { orderUuid: ORDER, decision: 'VALID_EXPORT' },
    });
    log(`sender: published ${event.id} to ${deliveries} endpoint(s)`);

    const timeoutMs = options.timeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`No delivery within ${timeoutMs} ms.`)), timeoutMs);
    });
    try {
      const [received, delivery] = await Promise.race([
        Promise.all([receivedEvent, delivered]),
        timeout,
      ]);
      log(
        `sender: ${delivery.id} to ${endpoint.id} ${delivery.status} after ${delivery.attempts} attempt(s), HTTP ${delivery.httpStatus}`,
      );
      return { received, delivery, publishedEventId: event.id };
    } finally {
      clearTimeout(timer);
    }
  } finally {
    // 6. Stop: waits for in-flight attempts (up to the deadline), then closes the connections.
    await sender.stop({ deadlineMs: 5_000 });
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// Run only when executed directly, not when a test imports this file.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
