// The bearer-JWT authenticator against a real loopback server publishing a key set where Keycloak
// does (`/realms/<realm>/protocol/openid-connect/certs`): the download, the cache, the refetch for
// an unknown kid after the cooldown, and the outages (an error status, a dropped connection, a
// body that is not a key set, no answer) as `authentication_unavailable`, never as a jose error
// or null. The claims clock is injected; the cache's clock (jose's `Date.now()`) is faked where a
// test needs time to pass, so nothing sleeps.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  errors as joseErrors,
  SignJWT,
} from 'jose';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebhookStorageError } from '../../../src/core/errors.js';
import {
  createJwtAuthenticator,
  type JwtAuthenticatorOptions,
} from '../../../src/server/internal/auth/jwt-authenticator.js';
import { managementProblemResponse } from '../../../src/server/internal/problem.js';
import { problemFromError } from '../../../src/server/internal/problem-from-error.js';

const ISSUER = 'https://auth.novatrade24.com/realms/nt24-idp';
const AUDIENCE = 'nt24-management-api';
const ORG_A = '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03';
const CERTS_PATH = '/realms/nt24-idp/protocol/openid-connect/certs';
const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const NOW_S = NOW_MS / 1000;

const current = await generateKeyPair('RS256');
const next = await generateKeyPair('RS256');

async function publicJwk(key: CryptoKey, kid: string): Promise<JWK> {
  return { ...(await exportJWK(key)), kid, alg: 'RS256', use: 'sig' };
}

const CURRENT_JWK = await publicJwk(current.publicKey, 'current');
const NEXT_JWK = await publicJwk(next.publicKey, 'next');

function sign(key: CryptoKey, kid: string, overrides: JWTPayload = {}): Promise<string> {
  return new SignJWT({
    iss: ISSUER,
    aud: AUDIENCE,
    exp: NOW_S + 300,
    iat: NOW_S,
    typ: 'Bearer',
    azp: 'api-client-santander-pilot',
    organizationUuid: ORG_A,
    ...overrides,
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
    .sign(key);
}

type Mode = 'ok' | 'error-500' | 'close' | 'not-json' | 'not-a-key-set' | 'hang';

/** What the key-set server answers, and what it received. */
const state: {
  mode: Mode;
  keys: JWK[];
  received: { url: string; headers: IncomingHttpHeaders }[];
} = {
  mode: 'ok',
  keys: [CURRENT_JWK],
  received: [],
};

const server = createServer((req, res) => {
  state.received.push({ url: req.url ?? '', headers: req.headers });
  if (req.method !== 'GET' || req.url !== CERTS_PATH) {
    res.writeHead(404).end();
    return;
  }
  switch (state.mode) {
    case 'ok':
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: state.keys }));
      return;
    case 'error-500':
      res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      return;
    case 'close':
      req.socket.destroy();
      return;
    case 'not-json':
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
      return;
    case 'not-a-key-set':
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"error":"realm not found"}');
      return;
    case 'hang':
      return; // headers never sent
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const ORIGIN = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const JWKS_URL = `${ORIGIN}${CERTS_PATH}`;

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  state.mode = 'ok';
  state.keys = [CURRENT_JWK];
  state.received = [];
});

afterEach(() => {
  vi.useRealTimers();
});

function authenticator(overrides: Partial<JwtAuthenticatorOptions> = {}) {
  return createJwtAuthenticator({
    jwksUrl: JWKS_URL,
    issuer: ISSUER,
    audience: AUDIENCE,
    now: () => NOW_MS,
    ...overrides,
  });
}

function request(token: string): Request {
  return new Request('https://api.example/v1/me', {
    headers: { authorization: `Bearer ${token}` },
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Fails unless `error` is authentication_unavailable, not a jose error, and holds no `token`. */
function expectUnavailable(error: unknown, token: string, reason: RegExp): void {
  expect(error).toBeInstanceOf(WebhookStorageError);
  expect(error).not.toBeInstanceOf(joseErrors.JOSEError);
  const outage = error as WebhookStorageError;
  expect(outage.code).toBe('authentication_unavailable');
  expect(outage.message).toMatch(reason);
  const text = [
    outage.message,
    outage.stack,
    JSON.stringify({ ...outage }),
    String(outage.cause),
  ].join('\n');
  expect(text).not.toContain(token);
  expect(text).not.toContain(token.split('.')[2] as string);
}

describe('createJwtAuthenticator with jwksUrl on a loopback server', () => {
  it('downloads the set at the first verification, then uses its cache: two verifications, one GET', async () => {
    const auth = authenticator();
    expect(state.received).toEqual([]); // nothing at construction
    const token = await sign(current.privateKey, 'current');
    expect(await auth.authenticate(request(token))).toStrictEqual({
      organizationUuid: ORG_A,
      tier: 'STANDARD',
      clientId: 'api-client-santander-pilot',
    });
    expect(
      await auth.authenticate(
        request(await sign(current.privateKey, 'current', { organizationUuid: 'org-b' })),
      ),
    ).toMatchObject({
      organizationUuid: 'org-b',
    });
    expect(state.received).toHaveLength(1);
    expect(state.received[0]?.url).toBe(CERTS_PATH);
    expect(state.received[0]?.headers.accept).toBe('application/json, application/jwk-set+json');
    expect(state.received[0]?.headers.authorization).toBeUndefined();
  });

  it('concurrent first verifications share one download', async () => {
    const auth = authenticator();
    const token = await sign(current.privateKey, 'current');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => auth.authenticate(request(token))),
    );
    expect(answers.every((principal) => principal?.organizationUuid === ORG_A)).toBe(true);
    expect(state.received).toHaveLength(1);
  });

  it('an expired cache (jwksCacheMaxAgeMs passed) -> downloads again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW_MS);
    const auth = authenticator({ jwksCacheMaxAgeMs: 60_000 });
    const token = await sign(current.privateKey, 'current');
    expect(await auth.authenticate(request(token))).not.toBeNull();
    vi.setSystemTime(NOW_MS + 59_999);
    expect(await auth.authenticate(request(token))).not.toBeNull();
    expect(state.received).toHaveLength(1);
    vi.setSystemTime(NOW_MS + 60_000);
    expect(await auth.authenticate(request(token))).not.toBeNull();
    expect(state.received).toHaveLength(2);
  });

  it('an unknown kid inside the cooldown -> null without a download; after it -> downloads and finds the rotated key', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW_MS);
    const auth = authenticator({ jwksCooldownMs: 30_000 });
    expect(
      await auth.authenticate(request(await sign(current.privateKey, 'current'))),
    ).not.toBeNull();
    state.keys = [CURRENT_JWK, NEXT_JWK]; // the provider rotates in a new key
    const rotated = await sign(next.privateKey, 'next');
    vi.setSystemTime(NOW_MS + 29_999);
    expect(await auth.authenticate(request(rotated))).toBeNull();
    expect(state.received).toHaveLength(1);
    vi.setSystemTime(NOW_MS + 30_000);
    expect(await auth.authenticate(request(rotated))).not.toBeNull();
    expect(state.received).toHaveLength(2);
    // Both keys are now known: neither needs another download.
    expect(
      await auth.authenticate(request(await sign(current.privateKey, 'current'))),
    ).not.toBeNull();
    expect(state.received).toHaveLength(2);
  });

  it('jwksCooldownMs 0 -> an unknown kid downloads again at once; a kid still unknown after it -> null', async () => {
    const auth = authenticator({ jwksCooldownMs: 0 });
    expect(
      await auth.authenticate(request(await sign(current.privateKey, 'current'))),
    ).not.toBeNull();
    state.keys = [NEXT_JWK];
    expect(await auth.authenticate(request(await sign(next.privateKey, 'next')))).not.toBeNull();
    expect(state.received).toHaveLength(2);
    const stranger = await generateKeyPair('RS256');
    expect(
      await auth.authenticate(request(await sign(stranger.privateKey, 'stranger'))),
    ).toBeNull();
    expect(state.received).toHaveLength(3);
  });

  it.each<[Mode, RegExp]>([
    ['error-500', /the key set URL answered HTTP 500, not 200/],
    ['close', /the key set could not be downloaded \(see cause\)/],
    ['not-json', /not valid JSON/],
    ['not-a-key-set', /not a JSON Web Key Set/],
  ])('a server in mode %s -> authenticate rejects with authentication_unavailable, no token in it', async (mode, reason) => {
    state.mode = mode;
    const auth = authenticator();
    const token = await sign(current.privateKey, 'current');
    expectUnavailable(await rejection(auth.authenticate(request(token))), token, reason);
  });

  it('a server that never answers -> rejects after jwksTimeoutMs', async () => {
    state.mode = 'hang';
    const auth = authenticator({ jwksTimeoutMs: 200 });
    const token = await sign(current.privateKey, 'current');
    const started = performance.now();
    expectUnavailable(
      await rejection(auth.authenticate(request(token))),
      token,
      /did not arrive within 200 ms/,
    );
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('a jwksUrl with the wrong path (404) -> rejects with authentication_unavailable', async () => {
    const auth = authenticator({ jwksUrl: `${ORIGIN}/realms/nt24-idp/certs` });
    const token = await sign(current.privateKey, 'current');
    expectUnavailable(await rejection(auth.authenticate(request(token))), token, /HTTP 404/);
  });

  it('a port nobody listens on -> rejects with authentication_unavailable, the network error as cause', async () => {
    // Port 1 (tcpmux): privileged and unused, so the connection is refused at once; a port freed
    // by the test could be taken by a parallel test meanwhile.
    const auth = authenticator({ jwksUrl: `http://127.0.0.1:1${CERTS_PATH}` });
    const token = await sign(current.privateKey, 'current');
    const error = await rejection(auth.authenticate(request(token)));
    expectUnavailable(error, token, /could not be downloaded/);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it('an outage ends -> the next verification downloads the set and authenticates', async () => {
    state.mode = 'error-500';
    const auth = authenticator();
    const token = await sign(current.privateKey, 'current');
    await expect(auth.authenticate(request(token))).rejects.toMatchObject({
      code: 'authentication_unavailable',
    });
    state.mode = 'ok';
    expect(await auth.authenticate(request(token))).not.toBeNull();
    expect(state.received).toHaveLength(2);
  });

  it('the rejection answers as the API would: 503 service-unavailable with Retry-After, no token', async () => {
    state.mode = 'close';
    const auth = authenticator();
    const token = await sign(current.privateKey, 'current');
    const error = await rejection(auth.authenticate(request(token)));
    const response = managementProblemResponse(problemFromError(error), {
      url: '/v1/me',
      requestId: 'req_1',
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('10');
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({
      detail: 'Authentication is temporarily unavailable; retry after the Retry-After delay.',
    });
    expect(body).not.toContain(token.split('.')[2] as string);
  });

  it('a token that fails for its own reasons never reaches the server', async () => {
    state.mode = 'error-500';
    const auth = authenticator();
    expect(await auth.authenticate(new Request('https://api.example/v1/me'))).toBeNull();
    expect(await auth.authenticate(request('not.a.jwt'))).toBeNull();
    const hs = await new SignJWT({ organizationUuid: ORG_A })
      .setProtectedHeader({ alg: 'HS256', kid: 'current' })
      .sign(new TextEncoder().encode('s'.repeat(32)));
    expect(await auth.authenticate(request(hs))).toBeNull();
    expect(state.received).toEqual([]);
  });
});
