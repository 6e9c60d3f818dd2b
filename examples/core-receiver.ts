// A Novatrade24 webhook receiver on node:http with the core alone: raw body in, signature
// verified, event parsed and typed, 2xx fast. (The receiver SDK adds dedupe, ack modes and
// framework adapters on top of exactly these calls.)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  isKnownEvent,
  isWebhooksError,
  parseEventJson,
  verifyNovatradeSignature,
} from '@novatrade24/webhooks';

export function createReceiver(secret: string, onEvent: (type: string, id: string) => void) {
  return createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks); // the exact bytes: never re-serialize before verifying
    try {
      verifyNovatradeSignature(rawBody, req.headers['x-novatrade-signature'] as string, secret);
      const event = parseEventJson(rawBody); // lenient: unknown types and fields pass through
      if (isKnownEvent(event) && event.type === 'compliance.decision_made') {
        const decision: string = event.data.decision; // narrowed by type
        void decision;
      }
      onEvent(event.type, event.id);
      res.writeHead(200).end();
    } catch (error) {
      const status =
        isWebhooksError(error) && error.name === 'WebhookVerificationError' ? 401 : 400;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: isWebhooksError(error) ? error.code : 'bad_request' }));
    }
  });
}
