// The node:http ↔ Fetch bridge of `serve`, on a real server on 127.0.0.1: what the handler sees
// (method, path and query, repeated headers, the body as streamed), what the client gets back,
// the connection closed after an answer given before the body was read, 400 for a target no URL
// can hold, 500 when the handler fails.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createNodeRequestListener,
  type FetchHandler,
  requestPathOf,
} from '../../../../src/cli/serve/node-fetch-bridge.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function serve(handle: FetchHandler): Promise<string> {
  const server = createServer(createNodeRequestListener(handle));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Sends raw bytes and resolves with everything the server wrote until it closed the connection. */
function raw(origin: string, text: string): Promise<string> {
  const { port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

describe('createNodeRequestListener', () => {
  it('hands the handler the method, path, query, headers and streamed body, and writes its answer back', async () => {
    let seen: { method: string; url: string; cookies: string | null; body: string } | undefined;
    const origin = await serve(async (request) => {
      seen = {
        method: request.method,
        url: request.url,
        cookies: request.headers.get('x-multi'),
        body: await request.text(),
      };
      return new Response('{"ok":true}', {
        status: 201,
        headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'req_1' },
      });
    });
    const response = await new Promise<{
      status: number;
      headers: Record<string, unknown>;
      body: string;
    }>((resolve, reject) => {
      const req = httpRequest(`${origin}/v1/webhooks?page=2`, {
        method: 'POST',
        headers: { 'X-Multi': ['a', 'b'], 'Content-Type': 'application/json' },
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end('{"url":"https://hooks.example.com"}');
    });
    expect(seen).toEqual({
      method: 'POST',
      url: 'http://localhost/v1/webhooks?page=2',
      cookies: 'a, b',
      body: '{"url":"https://hooks.example.com"}',
    });
    expect(response.status).toBe(201);
    expect(response.headers['x-request-id']).toBe('req_1');
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body).toBe('{"ok":true}');
  });

  it('closes the connection after answering a request whose body it did not read', async () => {
    const origin = await serve(async () => new Response('no', { status: 401 }));
    // A keep-alive request with a body that is never read (and only half sent): the answer says
    // Connection: close and the server hangs up, so the rest is never read as a next request.
    const answer = await raw(
      origin,
      'POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"partial":',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    expect(answer.toLowerCase()).toContain('connection: close');
  });

  it('keeps the connection for the next request when the body was read', async () => {
    const origin = await serve(async (request) => new Response(await request.text()));
    const answer = await raw(
      origin,
      'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(answer.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
  });

  it('answers 400 to a target no URL can hold, and 500 when the handler rejects', async () => {
    const origin = await serve(async (request) => {
      if (request.url.endsWith('/boom')) throw new Error('boom');
      return new Response('ok');
    });
    expect(await raw(origin, 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${origin}/boom`)).status).toBe(500);
    expect((await fetch(`${origin}/fine`)).status).toBe(200);
  });

  it('answers HEAD without a body', async () => {
    const origin = await serve(async () => new Response('text that a HEAD must not get'));
    const answer = await raw(
      origin,
      'HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).not.toContain('text that');
  });
});

describe('requestPathOf', () => {
  it('keeps an origin-form target, reads the path of an absolute one, refuses the rest', () => {
    expect(requestPathOf('/v1/webhooks?x=1')).toBe('/v1/webhooks?x=1');
    expect(requestPathOf('http://example.com/v1/events?y=2')).toBe('/v1/events?y=2');
    expect(requestPathOf('*')).toBeNull();
    expect(requestPathOf('example.com:443')).toBeNull();
    expect(requestPathOf('')).toBeNull();
    expect(requestPathOf(undefined)).toBeNull();
  });

  it('gives a path that starts with / for every target it accepts (property)', () => {
    const check = (target: string): void => {
      const path = requestPathOf(target);
      if (path !== null) expect(path.startsWith('/')).toBe(true);
    };
    fc.assert(fc.property(fc.string(), check));
    fc.assert(
      fc.property(
        fc
          .tuple(
            fc.constantFrom('http://', 'https://', 'ftp://', ''),
            fc.constantFrom('example.com', '127.0.0.1:8080', '[::1]', ''),
            fc.string({ maxLength: 30 }).map((path) => `/${path}`),
          )
          .map((parts) => parts.join('')),
        check,
      ),
    );
  });
});
