// A small TCP proxy for store-outage tests: it sits in front of a real server (Redis) and can
// forward, go silent (accept and keep connections open, pass nothing either way), stop listening
// (new connections are refused) and destroy its live connections. Silence holds bytes back rather
// than dropping them, so `forward()` afterwards delivers the commands sent meanwhile: the late
// completions of calls the receiver already gave up on.

import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/** One accepted connection and, once forwarding, its upstream connection. */
interface Pair {
  readonly client: Socket;
  upstream: Socket | undefined;
  flowing: boolean;
}

/** A running proxy. */
export interface TcpProxy {
  /** The port it listens on (kept across `stopListening` and `listen`). */
  readonly port: number;
  /** Forwards bytes both ways (the initial mode), flushing what a silent period held back. */
  forward(): void;
  /** Keeps every connection, old and new, open but passes nothing in either direction. */
  silent(): void;
  /** Stops accepting connections: a client connecting now is refused (ECONNREFUSED). */
  stopListening(): Promise<void>;
  /** Listens again on the same port. */
  listen(): Promise<void>;
  /** Destroys every live connection, both sides (the client sees its socket close). */
  destroyConnections(): void;
  /** Connections accepted and not closed. */
  readonly connections: number;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

/** Options of {@link startTcpProxy}. */
export interface TcpProxyOptions {
  /** Where to forward to (on 127.0.0.1). */
  readonly targetPort: number;
  /** The port to listen on. @default 0 (a free port) */
  readonly port?: number;
}

/** Starts a proxy on 127.0.0.1 in `forward` mode. */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let mode: 'forward' | 'silent' = 'forward';
  let server: Server | undefined;
  let port = options.port ?? 0;

  const drop = (pair: Pair): void => {
    pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  };

  const flow = (pair: Pair): void => {
    if (pair.flowing) return;
    pair.flowing = true;
    if (pair.upstream === undefined) {
      const upstream = tcpConnect({ host: '127.0.0.1', port: options.targetPort });
      pair.upstream = upstream;
      upstream.on('error', () => drop(pair));
      upstream.on('close', () => drop(pair));
    }
    pair.client.pipe(pair.upstream);
    pair.upstream.pipe(pair.client);
  };

  const hold = (pair: Pair): void => {
    pair.flowing = false;
    // unpipe, then pause: a piped source is resumed by its destination's 'drain'.
    if (pair.upstream !== undefined) {
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      pair.upstream.pause();
    }
    pair.client.pause();
  };

  const accept = (client: Socket): void => {
    const pair: Pair = { client, upstream: undefined, flowing: false };
    pairs.add(pair);
    client.on('error', () => drop(pair));
    client.on('close', () => drop(pair));
    if (mode === 'forward') flow(pair);
    else hold(pair);
  };

  const listen = async (): Promise<void> => {
    const next = createServer(accept);
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        next.off('error', reject);
        resolve();
      });
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  };

  const stopListening = async (): Promise<void> => {
    const current = server;
    server = undefined;
    if (current === undefined) return;
    // close() stops accepting at once; its callback waits for live connections, so do not wait.
    current.close();
  };

  const destroyConnections = (): void => {
    for (const pair of [...pairs]) drop(pair);
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get connections() {
      return pairs.size;
    },
    forward() {
      mode = 'forward';
      for (const pair of pairs) flow(pair);
    },
    silent() {
      mode = 'silent';
      for (const pair of pairs) hold(pair);
    },
    stopListening,
    listen,
    destroyConnections,
    async close() {
      await stopListening();
      destroyConnections();
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
