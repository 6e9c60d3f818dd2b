// HttpTransport against real servers on 127.0.0.1 (docs/design.md §5.13, §5.14). Every assertion on
// the wire reads what the server saw: the request it received, the connections it accepted, the
// bytes it managed to hand to its socket.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server,
  type Socket,
} from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type HostLookup,
  HttpTransport,
  type HttpTransportOptions,
} from '../../../src/sender/http-transport.node.js';
import type { TransportRequest } from '../../../src/sender/ports/transport.js';
import { thrown } from '../../helpers/thrown.js';

interface Received {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

interface Loopback {
  readonly port: number;
  readonly url: string;
  /** TCP connections the server accepted. */
  readonly connections: () => number;
  readonly requests: Received[];
}

const transports: HttpTransport[] = [];
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** Listens on 127.0.0.1 and counts connections; closed (connections destroyed) after the test. */
async function listen(server: Server): Promise<{ port: number; connections: () => number }> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => accepted };
}

/** An HTTP server on loopback that records each request, then runs `answer`. */
async function httpServer(
  answer: (req: IncomingMessage, res: ServerResponse) => void = (_, res) => {
    res.writeHead(204).end();
  },
): Promise<Loopback> {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      answer(req, res);
    });
  });
  const { port, connections } = await listen(server);
  return { port, url: `http://127.0.0.1:${port}`, connections, requests };
}

/** A raw TCP server on loopback: `onSocket` plays the receiver, byte by byte. */
async function tcpServer(onSocket: (socket: Socket) => void): Promise<Loopback> {
  const server = createNetServer(onSocket);
  const { port, connections } = await listen(server);
  return { port, url: `http://127.0.0.1:${port}`, connections, requests: [] };
}

function transport(options: HttpTransportOptions = { allowPrivateNetworks: true }): HttpTransport {
  const created = new HttpTransport(options);
  transports.push(created);
  return created;
}

function post(url: string, extra: Partial<TransportRequest> = {}): TransportRequest {
  return {
    url,
    body: '{"id":"evt_1","type":"compliance.decision_made"}',
    headers: { 'content-type': 'application/json' },
    timeoutMs: 5_000,
    ...extra,
  };
}

/** A port nobody listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Lets the event loop run, so a connection the client might have opened would be seen. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

describe('HttpTransport.send: outcomes', () => {
  it('a 204 is a success with no failure reason and an empty body', async () => {
    const server = await httpServer();
    const result = await transport().send(post(`${server.url}/hooks`));
    expect(result).toMatchObject({
      statusCode: 204,
      failureReason: null,
      responseBody: '',
      retryAfter: null,
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.durationMs).toBeLessThan(5_000);
  });

  it('any 2xx is a success and its body is kept', async () => {
    const server = await httpServer((_, res) => {
      res.writeHead(202, { 'content-type': 'text/plain' }).end('queued ✓');
    });
    const result = await transport().send(post(server.url));
    expect(result).toMatchObject({
      statusCode: 202,
      failureReason: null,
      responseBody: 'queued ✓',
    });
  });

  it('a 500 is HTTP_ERROR with the status and the response body', async () => {
    const server = await httpServer((_, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('database is down');
    });
    const result = await transport().send(post(server.url));
    expect(result).toMatchObject({
      statusCode: 500,
      failureReason: 'HTTP_ERROR',
      responseBody: 'database is down',
      retryAfter: null,
    });
  });

  it('a 503 with Retry-After reports the header as received', async () => {
    const server = await httpServer((_, res) => {
      res.writeHead(503, { 'retry-after': '120' }).end();
    });
    const result = await transport().send(post(server.url));
    expect(result).toMatchObject({
      statusCode: 503,
      failureReason: 'HTTP_ERROR',
      retryAfter: '120',
    });
  });

  it('a 429 with an HTTP-date Retry-After keeps the date verbatim', async () => {
    const date = 'Wed, 21 Oct 2015 07:28:00 GMT';
    const server = await httpServer((_, res) => {
      res.writeHead(429, { 'retry-after': date }).end('slow down');
    });
    const result = await transport().send(post(server.url));
    expect(result).toMatchObject({ statusCode: 429, retryAfter: date, responseBody: 'slow down' });
  });

  it('a 302 is HTTP_ERROR and its Location is never requested', async () => {
    const target = await httpServer();
    const server = await httpServer((_, res) => {
      res.writeHead(302, { location: `${target.url}/elsewhere` }).end('moved');
    });
    const result = await transport().send(post(server.url));
    expect(result).toMatchObject({
      statusCode: 302,
      failureReason: 'HTTP_ERROR',
      responseBody: 'moved',
    });
    await settle();
    expect(target.connections()).toBe(0);
    expect(target.requests).toEqual([]);
  });

  it('a server that never answers is TIMEOUT after timeoutMs, with no status', async () => {
    const server = await tcpServer(() => {
      // accepts the connection and reads nothing back
    });
    const result = await transport().send(post(server.url, { timeoutMs: 200 }));
    expect(result).toMatchObject({ statusCode: null, failureReason: 'TIMEOUT', responseBody: '' });
    expect(result.durationMs).toBeGreaterThanOrEqual(190);
    expect(result.durationMs).toBeLessThan(2_000);
    expect(server.connections()).toBe(1);
  });

  it('a body that stalls after the headers is TIMEOUT, keeping the status and the bytes so far', async () => {
    const server = await httpServer((_, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const result = await transport().send(post(server.url, { timeoutMs: 200 }));
    expect(result).toMatchObject({
      statusCode: 200,
      failureReason: 'TIMEOUT',
      responseBody: 'partial',
    });
  });

  it('a refused connection is NETWORK_ERROR with no status', async () => {
    const port = await closedPort();
    const result = await transport().send(post(`http://127.0.0.1:${port}/`));
    expect(result).toMatchObject({
      statusCode: null,
      failureReason: 'NETWORK_ERROR',
      responseBody: '',
    });
  });

  it('a connection reset before any response is NETWORK_ERROR with no status', async () => {
    const server = await tcpServer((socket) => {
      socket.once('data', () => socket.resetAndDestroy());
    });
    const result = await transport().send(post(server.url));
    expect(result).toMatchObject({ statusCode: null, failureReason: 'NETWORK_ERROR' });
  });

  it('a response cut off mid-body is NETWORK_ERROR, keeping the status and the bytes so far', async () => {
    // A 2xx status line is not a delivery: the receiver never finished answering.
    const server = await tcpServer((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial', () => {
          socket.resetAndDestroy();
        });
      });
    });
    const result = await transport().send(post(server.url));
    expect(result).toMatchObject({
      statusCode: 200,
      failureReason: 'NETWORK_ERROR',
      responseBody: 'partial',
    });
  });

  it('a DNS failure is NETWORK_ERROR', async () => {
    const lookup: HostLookup = () =>
      Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    const result = await transport({ allowPrivateNetworks: true, lookup }).send(
      post('http://missing.test/'),
    );
    expect(result).toMatchObject({ statusCode: null, failureReason: 'NETWORK_ERROR' });
  });

  it('a caller abort is NETWORK_ERROR, before or during the request', async () => {
    const server = await tcpServer(() => {});
    const client = transport();
    const before = await client.send(post(server.url, { signal: AbortSignal.abort() }));
    expect(before).toMatchObject({ statusCode: null, failureReason: 'NETWORK_ERROR' });

    const controller = new AbortController();
    const pending = client.send(post(server.url, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    const during = await pending;
    expect(during).toMatchObject({ statusCode: null, failureReason: 'NETWORK_ERROR' });
    expect(during.durationMs).toBeLessThan(4_000);
  });
});

describe('HttpTransport.send: the request on the wire', () => {
  it('POSTs the exact body and headers, with no Accept-Encoding even when one is supplied', async () => {
    const server = await httpServer();
    const body = '{"id":"evt_ü","data":{"note":"line\\nbreak"}}';
    await transport().send(
      post(`${server.url}/webhooks/in?tenant=7`, {
        body,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Novatrade24-Webhooks/1.0',
          'X-Novatrade-Signature': 't=1700000000,v1=abc',
          'Accept-Encoding': 'gzip, br',
        },
      }),
    );
    expect(server.requests).toHaveLength(1);
    const [received] = server.requests;
    expect(received?.method).toBe('POST');
    expect(received?.url).toBe('/webhooks/in?tenant=7');
    expect(received?.body).toBe(body);
    expect(received?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Novatrade24-Webhooks/1.0',
      'x-novatrade-signature': 't=1700000000,v1=abc',
      'content-length': String(Buffer.byteLength(body)),
    });
    expect(received?.headers).not.toHaveProperty('accept-encoding');
  });

  it('sends no Accept-Encoding of its own', async () => {
    const server = await httpServer();
    await transport().send(post(server.url));
    expect(server.requests[0]?.headers).not.toHaveProperty('accept-encoding');
  });

  it('reuses one idle keep-alive connection for consecutive requests', async () => {
    const server = await httpServer((_, res) => {
      res.writeHead(200).end('x'.repeat(4096)); // exactly the cap: read to the end, socket kept
    });
    const client = transport();
    const lengths: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      lengths.push((await client.send(post(server.url))).responseBody.length);
      // undici hands the socket back to its pool a tick after the body ends; a send in that
      // same tick would open a second connection (the pool allows 32), which is not reuse failing
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(lengths).toEqual([4096, 4096, 4096]);
    expect(server.requests).toHaveLength(3);
    expect(server.connections()).toBe(1);
  });

  it('opens a new pool after close(), so a stopped sender can start again', async () => {
    const server = await httpServer();
    const client = transport();
    expect((await client.send(post(server.url))).statusCode).toBe(204);
    await client.close();
    expect((await client.send(post(server.url))).statusCode).toBe(204);
    expect(server.connections()).toBe(2);
  });
});

describe('HttpTransport.send: the response cap', () => {
  const TEN_MB = 10 * 1024 * 1024;

  /** Streams 10 MB with backpressure; reports how much the server could hand to its socket. */
  async function hugeResponder(): Promise<{
    server: Loopback;
    outcome: Promise<{ handedOver: number; finished: boolean }>;
  }> {
    let report!: (value: { handedOver: number; finished: boolean }) => void;
    const outcome = new Promise<{ handedOver: number; finished: boolean }>((resolve) => {
      report = resolve;
    });
    const server = await httpServer((_, res) => {
      let handedOver = 0;
      let finished = false;
      const chunk = Buffer.alloc(64 * 1024, 'a');
      res.on('close', () => report({ handedOver, finished }));
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(TEN_MB) });
      const pump = (): void => {
        while (handedOver < TEN_MB) {
          handedOver += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        finished = true;
        res.end();
      };
      pump();
    });
    return { server, outcome };
  }

  it('keeps exactly maxResponseBytes of a 10 MB body and aborts the rest of the download', async () => {
    const { server, outcome } = await hugeResponder();
    const result = await transport().send(post(server.url));
    expect(result.failureReason).toBeNull();
    expect(result.responseBody).toBe('a'.repeat(4096));
    // The server's response closes because the client dropped the connection, not because it
    // sent everything: with backpressure it could hand over only what the socket buffers on both
    // sides absorbed (about 4 MB on Linux loopback), never the whole body.
    const { handedOver, finished } = await outcome;
    expect(finished).toBe(false);
    expect(handedOver).toBeLessThan(TEN_MB);
  });

  it('honours a custom maxResponseBytes, and 0 keeps no body', async () => {
    const server = await httpServer((_, res) => {
      res.writeHead(500).end('0123456789');
    });
    const three = await transport({ allowPrivateNetworks: true, maxResponseBytes: 3 }).send(
      post(server.url),
    );
    expect(three).toMatchObject({
      statusCode: 500,
      failureReason: 'HTTP_ERROR',
      responseBody: '012',
    });
    const none = await transport({ allowPrivateNetworks: true, maxResponseBytes: 0 }).send(
      post(server.url),
    );
    expect(none).toMatchObject({ statusCode: 500, failureReason: 'HTTP_ERROR', responseBody: '' });
  });
});

describe('HttpTransport.send: SSRF guard (allowPrivateNetworks off)', () => {
  const guarded = (lookup?: HostLookup): HttpTransport =>
    transport(lookup === undefined ? {} : { lookup });

  it.each([
    ['loopback', (port: number) => `http://127.0.0.1:${port}/`],
    ['IPv4-mapped loopback', (port: number) => `http://[::ffff:127.0.0.1]:${port}/`],
    ['IPv6 loopback', (port: number) => `http://[::1]:${port}/`],
    ['loopback in hex', (port: number) => `http://0x7f.1:${port}/`],
  ])('refuses %s with BLOCKED_DESTINATION and never connects', async (_, urlFor) => {
    const server = await httpServer();
    const result = await guarded().send(post(urlFor(server.port)));
    expect(result).toMatchObject({
      statusCode: null,
      failureReason: 'BLOCKED_DESTINATION',
      responseBody: '',
      retryAfter: null,
    });
    await settle();
    expect(server.connections()).toBe(0);
  });

  it.each([
    'http://10.0.0.1/',
    'https://169.254.169.254/latest/meta-data/',
    'http://192.168.1.1:8080/',
    'http://100.64.0.1/',
    'http://[fd00::1]/',
    'http://[64:ff9b::a9fe:a9fe]/',
  ])('refuses %s before connecting', async (url) => {
    const result = await guarded().send(post(url, { timeoutMs: 1_000 }));
    expect(result).toMatchObject({ statusCode: null, failureReason: 'BLOCKED_DESTINATION' });
    // refused without a connect attempt: no time spent waiting on an unroutable address
    expect(result.durationMs).toBeLessThan(500);
  });

  it('refuses a host name that resolves to loopback, without connecting', async () => {
    const server = await httpServer();
    const asked: string[] = [];
    const lookup: HostLookup = async (hostname) => {
      asked.push(hostname);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const result = await guarded(lookup).send(post(`http://internal.test:${server.port}/`));
    expect(result).toMatchObject({ statusCode: null, failureReason: 'BLOCKED_DESTINATION' });
    expect(asked).toEqual(['internal.test']);
    await settle();
    expect(server.connections()).toBe(0);
  });

  it('refuses localhost through the system resolver, without connecting', async () => {
    const server = await httpServer();
    const result = await guarded().send(post(`http://localhost:${server.port}/`));
    expect(result).toMatchObject({ statusCode: null, failureReason: 'BLOCKED_DESTINATION' });
    await settle();
    expect(server.connections()).toBe(0);
  });

  it('checks IP literals itself, because Node connects to them without any lookup', async () => {
    const server = await httpServer();
    const asked: string[] = [];
    const lookup: HostLookup = async (hostname) => {
      asked.push(hostname);
      return [{ address: '127.0.0.1' }];
    };
    const open = await transport({ allowPrivateNetworks: true, lookup }).send(post(server.url));
    expect(open.statusCode).toBe(204);
    expect(asked).toEqual([]); // the connect-time guard never saw this destination
    const refused = await guarded(lookup).send(post(server.url));
    expect(refused.failureReason).toBe('BLOCKED_DESTINATION');
    expect(server.connections()).toBe(1);
  });

  it('refuses a host name when any one of its addresses is internal', async () => {
    const server = await httpServer();
    const lookup: HostLookup = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '::ffff:7f00:1', family: 6 },
    ];
    const result = await guarded(lookup).send(post(`http://mixed.test:${server.port}/`));
    expect(result).toMatchObject({ statusCode: null, failureReason: 'BLOCKED_DESTINATION' });
    await settle();
    expect(server.connections()).toBe(0);
  });

  it('with allowPrivateNetworks, connects to the address the lookup vetted', async () => {
    const server = await httpServer();
    const lookup: HostLookup = async () => [{ address: '127.0.0.1' }];
    const result = await transport({ allowPrivateNetworks: true, lookup }).send(
      post(`http://receiver.test:${server.port}/in`),
    );
    expect(result).toMatchObject({ statusCode: 204, failureReason: null });
    expect(server.requests[0]?.headers.host).toBe(`receiver.test:${server.port}`);
  });

  it('a lookup that answers no address is NETWORK_ERROR', async () => {
    const result = await guarded(async () => []).send(post('http://empty.test/'));
    expect(result).toMatchObject({ statusCode: null, failureReason: 'NETWORK_ERROR' });
  });
});

describe('HttpTransport: each transport its own URLs', () => {
  it('two transports with different allowPrivateNetworks apply their own verdict to one loopback URL, in either order', async () => {
    const server = await httpServer();
    const open = transport({ allowPrivateNetworks: true });
    const guarded = transport({});
    expect((await open.send(post(server.url))).statusCode).toBe(204);
    expect((await guarded.send(post(server.url))).failureReason).toBe('BLOCKED_DESTINATION');
    expect((await open.send(post(server.url))).statusCode).toBe(204);

    const guardedFirst = transport({});
    const openSecond = transport({ allowPrivateNetworks: true });
    expect((await guardedFirst.send(post(server.url))).failureReason).toBe('BLOCKED_DESTINATION');
    expect((await openSecond.send(post(server.url))).statusCode).toBe(204);
    expect((await guardedFirst.send(post(server.url))).failureReason).toBe('BLOCKED_DESTINATION');
    expect(server.requests).toHaveLength(3);
  });

  it('two transports with different lookups resolve one host-name URL each their own way', async () => {
    const server = await httpServer();
    const url = `http://receiver.test:${server.port}/in`;
    const toLoopback: HostLookup = async () => [{ address: '127.0.0.1' }];
    const open = transport({ allowPrivateNetworks: true, lookup: toLoopback });
    const guarded = transport({ lookup: toLoopback });
    const nowhere = transport({ allowPrivateNetworks: true, lookup: async () => [] });
    for (let round = 0; round < 2; round++) {
      expect((await guarded.send(post(url))).failureReason).toBe('BLOCKED_DESTINATION');
      expect((await open.send(post(url))).statusCode).toBe(204);
      expect((await nowhere.send(post(url))).failureReason).toBe('NETWORK_ERROR');
    }
    expect(server.requests).toHaveLength(2);
  });

  it('keeps its parsed URLs to itself: another transport sending to 1,000 other URLs evicts none of them', async () => {
    const server = await httpServer();
    const mine = transport();
    expect((await mine.send(post(server.url))).statusCode).toBe(204);
    const other = transport({});
    for (let i = 0; i < 1_000; i++) {
      // internal IP literals: refused before any connection, so this is quick
      const result = await other.send(post(`http://10.9.9.9/others/${i}`));
      expect(result.failureReason).toBe('BLOCKED_DESTINATION');
    }
    const canParse = vi.spyOn(URL, 'canParse');
    try {
      expect((await mine.send(post(server.url))).statusCode).toBe(204);
      // still parsed from before: the other transport's URLs did not push it out
      expect(canParse.mock.calls.filter(([value]) => value === server.url)).toEqual([]);
    } finally {
      canParse.mockRestore();
    }
  });
});

describe('HttpTransport: validation', () => {
  it.each<[string, unknown, string, string]>([
    ['allowPrivateNetworks', 'yes', 'invalid_type', 'must be a boolean, got a string'],
    ['maxResponseBytes', -1, 'too_small', 'must be a non-negative integer, got -1'],
    ['maxResponseBytes', 1.5, 'invalid_type', 'must be a non-negative integer, got 1.5'],
    ['maxResponseBytes', '4096', 'invalid_type', 'must be a non-negative integer, got a string'],
    ['connections', 0, 'too_small', 'must be a positive integer, got 0'],
    ['connections', 2 ** 53, 'invalid_type', 'must be a positive integer, got 9007199254740992'],
    ['keepAliveTimeoutMs', 0, 'too_small', 'must be a positive integer, got 0'],
    ['keepAliveTimeoutMs', Number.NaN, 'invalid_type', 'must be a positive integer, got NaN'],
    ['lookup', 42, 'invalid_type', 'must be a function'],
  ])('new HttpTransport({ %s: %o }) throws invalid_option naming it, issue code %s', (name, value, code, text) => {
    const error = thrown(() => new HttpTransport({ [name]: value } as HttpTransportOptions));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([expect.objectContaining({ path: name, code })]);
    expect(error.message).toContain(`HttpTransport: \`${name}\` ${text}`);
  });

  it('new HttpTransport(null) throws invalid_option, issue code invalid_type', () => {
    const error = thrown(() => new HttpTransport(null as unknown as HttpTransportOptions));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'options', code: 'invalid_type' }),
    ]);
  });

  it.each<[string, Partial<TransportRequest>, string, string]>([
    ['no url', { url: undefined as unknown as string }, 'url', 'required'],
    ['a url that is not a string', { url: 42 as unknown as string }, 'url', 'invalid_type'],
    ['not a url', { url: 'not a url' }, 'url', 'invalid_format'],
    ['a non-HTTP scheme', { url: 'ftp://example.com/' }, 'url', 'invalid_value'],
    ['no timeoutMs', { timeoutMs: undefined as unknown as number }, 'timeoutMs', 'required'],
    ['a string timeoutMs', { timeoutMs: '5000' as unknown as number }, 'timeoutMs', 'invalid_type'],
    ['a NaN timeoutMs', { timeoutMs: Number.NaN }, 'timeoutMs', 'invalid_type'],
    ['a zero timeoutMs', { timeoutMs: 0 }, 'timeoutMs', 'too_small'],
    ['an infinite timeoutMs', { timeoutMs: Number.POSITIVE_INFINITY }, 'timeoutMs', 'too_big'],
    // Node fires a timer above 2^31 - 1 ms at once: such a timeout would end every attempt at once.
    ['a timeoutMs past what a timer holds', { timeoutMs: 2 ** 31 }, 'timeoutMs', 'too_big'],
  ])('send rejects a malformed request: %s', async (_, change, path, code) => {
    await expect(transport().send(post('https://example.com/', change))).rejects.toMatchObject({
      code: 'invalid_option',
      issues: [expect.objectContaining({ path, code })],
    });
  });

  it('send rejects a header undici forbids, without sending anything', async () => {
    const server = await httpServer();
    const request = post(server.url, { headers: { 'transfer-encoding': 'chunked' } });
    await expect(transport().send(request)).rejects.toMatchObject({
      code: 'UND_ERR_INVALID_ARG',
    });
    expect(server.requests).toEqual([]);
  });
});
