// The management API behind `jwtAuthenticator`: a Keycloak-shaped access token reaches the
// routes as its organization; missing, malformed, expired, wrong-audience, wrong-issuer and
// unknown-key tokens are 401 problems; two organizations never see each other's endpoints; a key
// set that cannot be loaded is a 503 with Retry-After. Keys are made here; the clock is injected.
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { createManagementApi, jwtAuthenticator } from '../../../src/server/index.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { createRecordingTransport } from '../../../src/testing/create-recording-transport.js';

const ISSUER = 'https://auth.novatrade24.com/realms/nt24-idp';
const AUDIENCE = 'nt24-management-api';
const ORG_A = '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03';
const ORG_B = '9b2d4f6a-8c1e-4a3b-b5d7-0e9f1a2b3c4d';
const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const NOW_S = NOW_MS / 1000;

const keys = await generateKeyPair('RS256');
const foreign = await generateKeyPair('RS256');
const jwks = {
  keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }],
};

/** A Keycloak-shaped client-credentials access token. */
function token(overrides: JWTPayload = {}, key: CryptoKey = keys.privateKey): Promise<string> {
  return new SignJWT({
    exp: NOW_S + 300,
    iat: NOW_S,
    jti: 'b5c2a4e1-7f3d-4c8e-9a1b-2d3e4f5a6b7c',
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'e0f1a2b3-c4d5-4e6f-8a7b-9c0d1e2f3a4b',
    typ: 'Bearer',
    azp: 'api-client-santander-pilot',
    scope: 'profile email',
    preferred_username: 'service-account-api-client-santander-pilot',
    organization_uuid: ORG_A,
    ...overrides,
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'rsa-1' })
    .sign(key);
}

function apiWith(
  authenticate = jwtAuthenticator({
    jwks,
    issuer: ISSUER,
    audience: AUDIENCE,
    organizationClaim: 'organization_uuid',
    now: () => NOW_MS,
  }),
) {
  const clock = createFakeClock({ nowMs: NOW_MS });
  const sender = new WebhookSender({
    transport: createRecordingTransport(),
    clock,
    logger: 'silent',
  });
  return createManagementApi(sender, { authenticate, rateLimit: false, logger: 'silent' });
}

function call(
  api: ReturnType<typeof createManagementApi>,
  bearer: string | undefined,
  init: { method?: string; path?: string; body?: unknown; key?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.key !== undefined) headers['idempotency-key'] = init.key;
  return api.fetch(
    new Request(`http://api.test${init.path ?? '/v1/webhooks'}`, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    }),
  );
}

describe('createManagementApi with jwtAuthenticator', () => {
  const api = apiWith();

  it('a valid Keycloak-shaped token -> 200, scoped to its organization claim', async () => {
    const response = await call(api, await token());
    expect(response.status).toBe(200);
    expect(await response.json()).toStrictEqual([]);
  });

  it.each([
    ['no Authorization header', async () => undefined],
    ['a malformed token', async () => 'not.a-jwt'],
    ['an expired token', () => token({ exp: NOW_S - 3600 })],
    ['a wrong audience', () => token({ aud: 'another-api' })],
    ['a wrong issuer', () => token({ iss: 'https://auth.example/realms/other' })],
    ['an unknown key', () => token({}, foreign.privateKey)],
    ['no organization claim', () => token({ organization_uuid: undefined })],
  ])('%s -> 401 unauthorized problem with WWW-Authenticate', async (_name, make) => {
    const bearer = await make();
    const response = await call(api, bearer);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const body = (await response.json()) as { type: string };
    expect(body.type).toBe('https://api.novatrade24.com/problems/unauthorized');
    if (bearer !== undefined) expect(JSON.stringify(body)).not.toContain(bearer);
  });

  it("organization B's token never reads or changes A's endpoint: 404, and A's endpoint is unchanged", async () => {
    const created = await call(api, await token(), {
      method: 'POST',
      key: 'create-a',
      body: { url: 'https://a.example/hooks', events: ['kyc.*'] },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const tokenB = await token({ organization_uuid: ORG_B });
    expect((await call(api, tokenB, { path: `/v1/webhooks/${id}` })).status).toBe(404);
    expect(
      (
        await call(api, tokenB, {
          method: 'PATCH',
          path: `/v1/webhooks/${id}`,
          key: 'p',
          body: { status: 'PAUSED' },
        })
      ).status,
    ).toBe(404);
    expect(
      (await call(api, tokenB, { method: 'DELETE', path: `/v1/webhooks/${id}`, key: 'd' })).status,
    ).toBe(404);
    expect(await (await call(api, tokenB)).json()).toStrictEqual([]);
    const mine = (await (
      await call(api, await token(), { path: `/v1/webhooks/${id}` })
    ).json()) as {
      status: string;
    };
    expect(mine.status).toBe('ACTIVE');
  });

  it('a JWKS that cannot be fetched -> 503 service-unavailable with Retry-After', async () => {
    const offline = apiWith(
      jwtAuthenticator({
        jwksUrl: 'https://auth.novatrade24.com/realms/nt24-idp/protocol/openid-connect/certs',
        issuer: ISSUER,
        audience: AUDIENCE,
        organizationClaim: 'organization_uuid',
        now: () => NOW_MS,
        fetch: async () => {
          throw new TypeError('fetch failed');
        },
      }),
    );
    const response = await call(offline, await token());
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('10');
    const body = (await response.json()) as { type: string };
    expect(body.type).toBe('https://api.novatrade24.com/problems/service-unavailable');
  });
});
