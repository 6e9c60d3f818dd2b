// Receivers on 127.0.0.1 for the `trigger` tests (in process and as child processes): the SDK's
// own receivers for each profile (WebhookReceiver, EudrWebhookReceiver, constructStandardEvent),
// which accept an event only when its signature and body are right and record what they
// accepted, and a plain server that answers whatever a test says (a 500, a long body, never).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CliProfileName } from '../../../src/cli/internal/cli-profiles.js';
import { toNodeListener } from '../../../src/receiver/adapters/node-listener.js';
import { constructStandardEvent } from '../../../src/receiver/construct-standard-event.node.js';
import { EudrWebhookReceiver } from '../../../src/receiver/eudr-webhook-receiver.node.js';
import { WebhookReceiver } from '../../../src/receiver/webhook-receiver.node.js';

/** A server on 127.0.0.1 and how to stop it. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>/hooks`. */
  readonly url: string;
  readonly close: () => Promise<void>;
}

/** What a receiver accepted: the envelope's facts (EUDR: `event`, `integrationId`). */
export interface AcceptedEvent {
  readonly type: string;
  /** The event id (Novatrade24 and Standard Webhooks); `undefined` for EUDR, which has none. */
  readonly id: string | undefined;
  readonly partnerUuid: string | null | undefined;
  readonly data: unknown;
  /** The request headers, lowercase names. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Listens on an ephemeral port of 127.0.0.1. */
export async function listenLoopback(server: Server): Promise<LoopbackServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The SDK's receiver of `profile`, verifying with `secret`, on 127.0.0.1. `accepted` lists every
 * event it verified and parsed (strictly), in order; anything else it answered 4xx.
 */
export async function startProfileReceiver(
  profile: CliProfileName,
  secret: string,
): Promise<LoopbackServer & { readonly accepted: AcceptedEvent[] }> {
  const accepted: AcceptedEvent[] = [];
  let lastHeaders: Record<string, string> = {};
  let listener: (req: IncomingMessage, res: ServerResponse) => void;
  if (profile === 'novatrade') {
    const receiver = new WebhookReceiver({ secret, strict: true, logger: 'silent' }).onAny(
      (event) => {
        accepted.push({
          type: event.type,
          id: event.id,
          partnerUuid: event.partnerUuid,
          data: event.data,
          headers: lastHeaders,
        });
      },
    );
    listener = toNodeListener(receiver);
  } else if (profile === 'eudr') {
    const receiver = new EudrWebhookReceiver({ secret, strict: true, logger: 'silent' }).onAny(
      (event) => {
        accepted.push({
          type: event.event,
          id: undefined,
          partnerUuid: undefined,
          data: event.data,
          headers: lastHeaders,
        });
      },
    );
    listener = toNodeListener(receiver);
  } else {
    listener = (req, res) => {
      void bodyOf(req).then((body) => {
        try {
          const event = constructStandardEvent(body, req.headers, secret, { strict: true });
          accepted.push({
            type: event.type,
            id: event.id,
            partnerUuid: event.partnerUuid,
            data: event.data,
            headers: headerRecord(req),
          });
          res.writeHead(204).end();
        } catch {
          res.writeHead(401).end();
        }
      });
    };
  }
  const server = createServer((req, res) => {
    lastHeaders = headerRecord(req);
    listener(req, res);
  });
  return { ...(await listenLoopback(server)), accepted };
}

/** A server that answers every request with `answer` (or never, when it returns `undefined`). */
export async function startAnsweringServer(
  answer: () => { status: number; body?: string; headers?: Record<string, string> } | undefined,
): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    void bodyOf(req).then(() => {
      const reply = answer();
      if (reply === undefined) return; // never answers
      res.writeHead(reply.status, reply.headers ?? { 'content-type': 'text/plain' });
      res.end(reply.body ?? '');
    });
  });
  return listenLoopback(server);
}

/** A port on 127.0.0.1 that nothing listens on (it was listening a moment ago). */
export async function closedPortUrl(): Promise<string> {
  const server = await listenLoopback(createServer());
  await server.close();
  return server.url;
}
