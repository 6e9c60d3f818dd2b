// A webhook receiver on 127.0.0.1 (node:http) for the process tests. It records every request
// (the endpoint it was sent to, the delivery and event ids from the Novatrade24 headers, whether
// the whole body arrived, whether its signature verified against the endpoint's secret, and what
// it answered), and answers by a behaviour: by default a seeded mix of 2xx, 500s and slow answers
// that is a function of (seed, delivery id, how many requests that delivery had before), so a run
// can be replayed with its seed. Paths are `/hooks/<endpoint key>`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { verifyNovatradeSignature } from '../../../src/signature/verify-novatrade-signature.node.js';
import { seededUnit } from './seeded-random.js';

/** One request the receiver saw. */
export interface ReceivedRequest {
  /** The `<key>` of the path `/hooks/<key>`. */
  readonly endpointKey: string;
  /** `X-Novatrade-Delivery-Id`. */
  readonly deliveryId: string;
  /** `X-Novatrade-Event-Id`. */
  readonly eventId: string;
  /** This delivery's nth request here, from 0. */
  readonly nth: number;
  /** When the request's headers arrived, epoch ms. */
  readonly atMs: number;
  /** The whole body arrived (a sender killed mid-request leaves it incomplete). */
  complete: boolean;
  /** The signature verified against the endpoint's secret (undefined: no secret known, or incomplete). */
  signatureValid: boolean | undefined;
  /**
   * The status answered, once the answer was written; undefined until then, and for good when the
   * sender hung up first (its timeout, or its process died): it never saw an answer.
   */
  status: number | undefined;
  /** The sender hung up before the answer was written. */
  hungUp: boolean;
}

/** What to answer to one request. */
export interface ReceiverAnswer {
  readonly status: number;
  /** Answer after this long, ms. @default 0 */
  readonly delayMs?: number;
}

/** Decides the answer to one request (complete and verified, or not). */
export type ReceiverBehaviour = (request: ReceivedRequest) => ReceiverAnswer;

/** Options of {@link seededBehaviour}. */
export interface SeededBehaviourOptions {
  readonly seed: number;
  /** Share of requests answered 500. */
  readonly failRate: number;
  /** Share of requests answered 204 after `slowMs`. */
  readonly slowRate: number;
  readonly slowMs: number;
  /** Share of requests answered 204 after `hangMs` (past the sender's timeout). @default 0 */
  readonly hangRate?: number;
  readonly hangMs?: number;
}

/**
 * Answers by `seededUnit(seed, deliveryId#nth)`: 500 below `failRate`, then a slow 204, then a 204
 * past the timeout, else a 204 at once. A request that is incomplete or fails verification is
 * answered 400 (the sender retries it like any failure; the test counts it as a bad request).
 */
export function seededBehaviour(options: SeededBehaviourOptions): ReceiverBehaviour {
  const hangRate = options.hangRate ?? 0;
  return (request) => {
    if (!request.complete || request.signatureValid !== true) return { status: 400 };
    const roll = seededUnit(options.seed, `${request.deliveryId}#${request.nth}`);
    if (roll < options.failRate) return { status: 500 };
    if (roll < options.failRate + options.slowRate) return { status: 204, delayMs: options.slowMs };
    if (roll < options.failRate + options.slowRate + hangRate) {
      return { status: 204, delayMs: options.hangMs ?? 0 };
    }
    return { status: 204 };
  };
}

/** Options of {@link startLoopbackReceiver}. */
export interface LoopbackReceiverOptions {
  /** How to answer. @default every verified request 204 at once */
  readonly behaviour?: ReceiverBehaviour;
}

/** A running receiver. */
export interface LoopbackReceiver {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The URL of an endpoint key: `${origin}/hooks/${key}`. */
  urlFor(key: string): string;
  /** The secret requests to `key` are verified with (set once `createEndpoint` returned it). */
  setSecret(key: string, secret: string): void;
  /** Replaces the behaviour (a receiver that was down comes back). */
  setBehaviour(behaviour: ReceiverBehaviour): void;
  /** Every request so far, in arrival order. */
  readonly requests: readonly ReceivedRequest[];
  /** Requests per delivery id. */
  byDelivery(): Map<string, ReceivedRequest[]>;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

const header = (request: IncomingMessage, name: string): string => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : '';
};

/** Starts a receiver on 127.0.0.1 on a free port. */
export async function startLoopbackReceiver(
  options: LoopbackReceiverOptions = {},
): Promise<LoopbackReceiver> {
  let behaviour: ReceiverBehaviour =
    options.behaviour ?? ((r) => ({ status: r.signatureValid ? 204 : 400 }));
  const secrets = new Map<string, string>();
  const requests: ReceivedRequest[] = [];
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  /** Sockets whose peer has closed its side. */
  const ended = new WeakSet<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const answer = (response: ServerResponse, status: number): void => {
    response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? '' : 'no');
  };

  const server: Server = createServer((request, response) => {
    const endpointKey = (request.url ?? '').replace(/^\/hooks\//, '');
    const deliveryId = header(request, 'x-novatrade-delivery-id');
    const nth = counts.get(deliveryId) ?? 0;
    counts.set(deliveryId, nth + 1);
    const received: ReceivedRequest = {
      endpointKey,
      deliveryId,
      eventId: header(request, 'x-novatrade-event-id'),
      nth,
      atMs: Date.now(),
      complete: false,
      signatureValid: undefined,
      status: undefined,
      hungUp: false,
    };
    requests.push(received);
    response.on('close', () => {
      if (!response.writableFinished) received.hungUp = true;
    });
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', () => undefined);
    request.on('end', () => {
      received.complete = true;
      const secret = secrets.get(endpointKey);
      if (secret !== undefined) {
        try {
          // The raw bytes, as a receiver must verify them (docs/signature.md).
          verifyNovatradeSignature(
            new Uint8Array(Buffer.concat(chunks)),
            header(request, 'x-novatrade-signature'),
            secret,
          );
          received.signatureValid = true;
        } catch {
          received.signatureValid = false;
        }
      }
      const { status, delayMs = 0 } = behaviour(received);
      const reply = (): void => {
        // An HTTP/1.1 client that half-closed (FIN) has given up waiting: the answer is not seen.
        if (received.hungUp || response.destroyed || ended.has(request.socket)) {
          received.hungUp = true;
          return;
        }
        received.status = status;
        answer(response, status);
      };
      if (delayMs <= 0) reply();
      else {
        const timer = setTimeout(() => {
          timers.delete(timer);
          reply();
        }, delayMs);
        timers.add(timer);
      }
    });
  });
  // Longer than the sender's keep-alive (4 s): the server never closes an idle connection the
  // sender is about to reuse (a POST on it would fail as a network error nobody caused).
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('end', () => ended.add(socket));
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    urlFor: (key) => `${origin}/hooks/${key}`,
    setSecret: (key, secret) => void secrets.set(key, secret),
    setBehaviour: (next) => {
      behaviour = next;
    },
    requests,
    byDelivery() {
      const map = new Map<string, ReceivedRequest[]>();
      for (const request of requests) {
        const list = map.get(request.deliveryId);
        if (list === undefined) map.set(request.deliveryId, [request]);
        else list.push(request);
      }
      return map;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
