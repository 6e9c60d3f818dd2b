// The bearer-JWT authenticator with keys made here and an injected clock: which tokens
// authenticate (and as whom), which resolve to null, how a key set that cannot be loaded rejects
// (through an injected fetch), and every option it refuses. No sleeps: the claims clock is `now`.
import {
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  base64url as joseBase64url,
  SignJWT,
} from 'jose';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { WebhookStorageError } from '../../../../src/core/errors.js';
import type { UnlistedOptionNames } from '../../../../src/core/internal/assert-known-options.js';
import {
  createJwtAuthenticator,
  DEFAULT_JWT_ALGORITHMS,
  type JWT_AUTHENTICATOR_OPTION_NAMES,
  type JwtAuthenticatorOptions,
} from '../../../../src/server/internal/auth/jwt-authenticator.js';
import { thrown } from '../../../helpers/thrown.js';
import { rawRequest, UNREADABLE_REQUESTS } from './auth-requests.js';

const ISSUER = 'https://auth.novatrade24.com/realms/nt24-idp';
const AUDIENCE = 'nt24-management-api';
const ORG_A = '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03';
const CLIENT = 'api-client-santander-pilot';
const CERTS = `${ISSUER}/protocol/openid-connect/certs`;

/** The fake clock: 2026-01-15T12:00:00Z, in epoch milliseconds, and in seconds for claims. */
const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const NOW_S = NOW_MS / 1000;

/** Key material or text no error message may contain. */
const CANARY = 'CANARYx9Qz7LmP2wKs4T';

const rsa = await generateKeyPair('RS256');
const rsaNext = await generateKeyPair('RS256');
const foreign = await generateKeyPair('RS256');
const ec = await generateKeyPair('ES256');
/** A pair whose private key can be exported, to publish it by mistake. */
const exportable = await generateKeyPair('RS256', { extractable: true });

async function publicJwk(key: CryptoKey, kid: string, alg: string): Promise<JWK> {
  return { ...(await exportJWK(key)), kid, alg, use: 'sig' };
}

const RSA_JWK = await publicJwk(rsa.publicKey, 'rsa-1', 'RS256');
const RSA_NEXT_JWK = await publicJwk(rsaNext.publicKey, 'rsa-2', 'RS256');
const EC_JWK = await publicJwk(ec.publicKey, 'ec-1', 'ES256');

interface SignOptions {
  readonly key?: CryptoKey | Uint8Array;
  readonly alg?: string;
  readonly kid?: string | undefined;
}

/** A token for `claims`, signed with `key` (default: the RSA key, kid rsa-1). */
function sign(claims: JWTPayload, options: SignOptions = {}): Promise<string> {
  const { key = rsa.privateKey, alg = 'RS256' } = options;
  const kid = 'kid' in options ? options.kid : 'rsa-1';
  return new SignJWT(claims)
    .setProtectedHeader(kid === undefined ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid })
    .sign(key);
}

/** Valid claims for the default authenticator, with `overrides` applied. */
function claims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    exp: NOW_S + 300,
    iat: NOW_S,
    organizationUuid: ORG_A,
    ...overrides,
  };
}

/** `claims` without the named members. */
function claimsWithout(...names: string[]): JWTPayload {
  const all: Record<string, unknown> = claims();
  for (const name of names) delete all[name];
  return all;
}

function request(authorization?: string): Request {
  return new Request('https://api.example/v1/me', {
    headers: authorization === undefined ? {} : { authorization },
  });
}

const BASE: JwtAuthenticatorOptions = {
  jwks: { keys: [RSA_JWK, EC_JWK] },
  issuer: ISSUER,
  audience: AUDIENCE,
  now: () => NOW_MS,
};

function authenticator(overrides: Partial<JwtAuthenticatorOptions> = {}) {
  return createJwtAuthenticator({ ...BASE, ...overrides });
}

const standard = authenticator();

async function principalFor(token: string, auth = standard) {
  return auth.authenticate(request(`Bearer ${token}`));
}

describe('createJwtAuthenticator: tokens that authenticate', () => {
  it('a valid RS256 token -> { organizationUuid, tier STANDARD }, frozen', async () => {
    const principal = await principalFor(await sign(claims()));
    expect(principal).toStrictEqual({ organizationUuid: ORG_A, tier: 'STANDARD' });
    expect(Object.isFrozen(principal)).toBe(true);
  });

  it('a Keycloak service-account access token -> its organization, tier and client (azp)', async () => {
    const auth = authenticator({ audience: 'account', tierClaim: 'rateLimitTier' });
    const token = await sign({
      exp: NOW_S + 300,
      iat: NOW_S - 5,
      jti: 'onrtcc:0c5b3a0e-5f7e-4a53-9d3c-2f8e1c0d9b47',
      iss: ISSUER,
      aud: 'account',
      sub: '6f1d2c3b-4a59-4e8f-9a7b-1c2d3e4f5a6b',
      typ: 'Bearer',
      azp: CLIENT,
      scope: 'profile email',
      clientHost: '10.12.0.7',
      preferred_username: `service-account-${CLIENT}`,
      clientAddress: '10.12.0.7',
      client_id: CLIENT,
      organizationUuid: ORG_A,
      rateLimitTier: 'HIGH_VOLUME',
    });
    expect(await principalFor(token, auth)).toStrictEqual({
      organizationUuid: ORG_A,
      tier: 'HIGH_VOLUME',
      clientId: CLIENT,
    });
  });

  it('a Keycloak token whose aud is a list naming the configured audience -> authenticates', async () => {
    const token = await sign(claims({ aud: ['account', AUDIENCE], typ: 'Bearer', azp: CLIENT }));
    expect(await principalFor(token)).toStrictEqual({
      organizationUuid: ORG_A,
      tier: 'STANDARD',
      clientId: CLIENT,
    });
  });

  it.each([
    ['Bearer', 'Bearer'],
    ['bearer', 'bearer'],
    ['BEARER, three spaces', 'BEARER  '],
  ])('the scheme as %s -> authenticates', async (_, scheme) => {
    const token = await sign(claims());
    expect(await standard.authenticate(request(`${scheme} ${token}`))).not.toBeNull();
  });

  it('an ES256 token -> authenticates', async () => {
    const token = await sign(claims(), { key: ec.privateKey, alg: 'ES256', kid: 'ec-1' });
    expect(await principalFor(token)).toStrictEqual({ organizationUuid: ORG_A, tier: 'STANDARD' });
  });

  it('a token without kid against a set with one key of its type -> authenticates', async () => {
    const token = await sign(claims(), { kid: undefined });
    expect(await principalFor(token)).not.toBeNull();
  });

  it('key rotation: a set with the old and the new key -> tokens of either authenticate', async () => {
    const auth = authenticator({ jwks: { keys: [RSA_JWK, RSA_NEXT_JWK] } });
    const old = await sign(claims());
    const next = await sign(claims(), { key: rsaNext.privateKey, kid: 'rsa-2' });
    expect(await principalFor(old, auth)).not.toBeNull();
    expect(await principalFor(next, auth)).not.toBeNull();
    const nextOnly = authenticator({ jwks: { keys: [RSA_NEXT_JWK] } });
    expect(await principalFor(old, nextOnly)).toBeNull();
    expect(await principalFor(next, nextOnly)).not.toBeNull();
  });

  it('several issuers and audiences -> any of them is accepted', async () => {
    const auth = authenticator({
      issuer: ['https://auth.example/realms/other', ISSUER],
      audience: ['x', AUDIENCE],
    });
    expect(await principalFor(await sign(claims()), auth)).not.toBeNull();
    expect(
      await principalFor(await sign(claims({ iss: 'https://auth.example/realms/other' })), auth),
    ).not.toBeNull();
  });

  it('tierClaim: a tier -> that tier; missing, unknown or not a string -> the tier option', async () => {
    const auth = authenticator({ tierClaim: 'nt24.tier', tier: 'ENTERPRISE' });
    const tierOf = async (overrides: JWTPayload) =>
      (await principalFor(await sign(claims(overrides)), auth))?.tier;
    expect(await tierOf({ nt24: { tier: 'HIGH_VOLUME' } })).toBe('HIGH_VOLUME');
    expect(await tierOf({ nt24: { tier: 'STANDARD' } })).toBe('STANDARD');
    expect(await tierOf({})).toBe('ENTERPRISE');
    expect(await tierOf({ nt24: { tier: 'GOLD' } })).toBe('ENTERPRISE');
    expect(await tierOf({ nt24: { tier: 'high_volume' } })).toBe('ENTERPRISE');
    expect(await tierOf({ nt24: { tier: 2 } })).toBe('ENTERPRISE');
    expect(await tierOf({ nt24: 'HIGH_VOLUME' })).toBe('ENTERPRISE');
    expect(await tierOf({ 'nt24.tier': 'HIGH_VOLUME' })).toBe('ENTERPRISE');
  });

  it('without tierClaim, a tier claim in the token is ignored', async () => {
    const principal = await principalFor(await sign(claims({ tier: 'ENTERPRISE' })));
    expect(principal?.tier).toBe('STANDARD');
  });

  it('the tier option -> the tier of every token', async () => {
    const auth = authenticator({ tier: 'HIGH_VOLUME' });
    expect((await principalFor(await sign(claims()), auth))?.tier).toBe('HIGH_VOLUME');
  });

  it('organizationClaim as a dotted path -> read from nested objects', async () => {
    const auth = authenticator({ organizationClaim: 'org.uuid' });
    expect(
      (await principalFor(await sign(claims({ org: { uuid: 'org-7' } })), auth))?.organizationUuid,
    ).toBe('org-7');
    expect(await principalFor(await sign(claims({ 'org.uuid': 'org-7' })), auth)).toBeNull();
    expect(await principalFor(await sign(claims({ org: [{ uuid: 'org-7' }] })), auth)).toBeNull();
  });

  it('organizationClaim naming a prototype member -> only an own claim counts', async () => {
    const auth = authenticator({ organizationClaim: 'constructor.name' });
    expect(await principalFor(await sign(claims()), auth)).toBeNull();
    const own = await sign(claims({ constructor: { name: 'org-own' } }));
    expect((await principalFor(own, auth))?.organizationUuid).toBe('org-own');
  });

  it('a claim inherited through a polluted Object.prototype -> not read', async () => {
    const auth = authenticator({ organizationClaim: 'pollutedOrg', tierClaim: 'pollutedTier' });
    const token = await sign(claims());
    const names = ['pollutedOrg', 'pollutedTier'];
    for (const name of names) {
      Object.defineProperty(Object.prototype, name, { value: 'ENTERPRISE', configurable: true });
    }
    try {
      expect(await principalFor(token, auth)).toBeNull();
    } finally {
      for (const name of names) delete (Object.prototype as Record<string, unknown>)[name];
    }
    const own = await sign(claims({ pollutedOrg: 'org-own' }));
    expect(await principalFor(own, auth)).toStrictEqual({
      organizationUuid: 'org-own',
      tier: 'STANDARD',
    });
  });

  it('organization claim of 1 and of 128 characters -> accepted as is', async () => {
    for (const organization of ['o', 'o'.repeat(128), ' padded ']) {
      const principal = await principalFor(await sign(claims({ organizationUuid: organization })));
      expect(principal?.organizationUuid).toBe(organization);
    }
  });

  it('clientId: azp, else client_id; a value that is not 1 to 128 characters is left out', async () => {
    const clientOf = async (overrides: JWTPayload, auth = standard) => {
      const principal = await principalFor(await sign(claims(overrides)), auth);
      expect(principal).not.toBeNull();
      return principal?.clientId;
    };
    expect(await clientOf({ azp: CLIENT, client_id: 'other' })).toBe(CLIENT);
    expect(await clientOf({ client_id: CLIENT })).toBe(CLIENT);
    expect(await clientOf({ azp: '', client_id: CLIENT })).toBe(CLIENT);
    expect(await clientOf({ azp: 'c'.repeat(129), client_id: CLIENT })).toBe(CLIENT);
    expect(await clientOf({ azp: 7 })).toBeUndefined();
    expect(await clientOf({ azp: 'c'.repeat(128) })).toBe('c'.repeat(128));
    expect(await clientOf({})).toBeUndefined();
    const principal = await principalFor(await sign(claims()));
    expect(principal !== null && 'clientId' in principal).toBe(false);
    const custom = authenticator({ clientIdClaim: 'client.name' });
    expect(await clientOf({ client: { name: 'nested' }, azp: CLIENT }, custom)).toBe('nested');
    expect(await clientOf({ azp: CLIENT, client_id: 'fallback' }, custom)).toBe('fallback');
  });

  it('exp and nbf within the clock tolerance (default 30 s) -> authenticates', async () => {
    expect(await principalFor(await sign(claims({ exp: NOW_S - 29 })))).not.toBeNull();
    expect(await principalFor(await sign(claims({ nbf: NOW_S + 30 })))).not.toBeNull();
  });

  it('clockToleranceSeconds 0 -> exact: exp one second ahead passes, exp now does not', async () => {
    const exact = authenticator({ clockToleranceSeconds: 0 });
    expect(await principalFor(await sign(claims({ exp: NOW_S + 1 })), exact)).not.toBeNull();
    expect(await principalFor(await sign(claims({ exp: NOW_S })), exact)).toBeNull();
    expect(await principalFor(await sign(claims({ nbf: NOW_S })), exact)).not.toBeNull();
    expect(await principalFor(await sign(claims({ nbf: NOW_S + 1 })), exact)).toBeNull();
  });

  it('clockToleranceSeconds 300 -> a token expired 299 s ago passes, 300 s ago does not', async () => {
    const lenient = authenticator({ clockToleranceSeconds: 300 });
    expect(await principalFor(await sign(claims({ exp: NOW_S - 299 })), lenient)).not.toBeNull();
    expect(await principalFor(await sign(claims({ exp: NOW_S - 300 })), lenient)).toBeNull();
  });

  it('the clock is read at each call: the same token passes, then expires as now() moves', async () => {
    let nowMs = NOW_MS;
    const auth = authenticator({ now: () => nowMs, clockToleranceSeconds: 0 });
    const token = await sign(claims({ exp: NOW_S + 60, nbf: NOW_S - 1 }));
    expect(await principalFor(token, auth)).not.toBeNull();
    nowMs = NOW_MS + 59_999;
    expect(await principalFor(token, auth)).not.toBeNull();
    nowMs = NOW_MS + 60_000;
    expect(await principalFor(token, auth)).toBeNull();
    nowMs = NOW_MS - 2_000;
    expect(await principalFor(token, auth)).toBeNull();
  });

  it('the options are copied: changing them afterwards changes nothing', async () => {
    const keys = [{ ...RSA_JWK }];
    const issuers = [ISSUER];
    const copied = createJwtAuthenticator({ ...BASE, jwks: { keys }, issuer: issuers });
    keys[0] = { ...RSA_NEXT_JWK, kid: 'rsa-1' };
    issuers[0] = 'https://elsewhere.example';
    expect(await principalFor(await sign(claims()), copied)).not.toBeNull();
  });
});

/** A token with the given header and payload and no (or any) signature: never verifies. */
function unsignedToken(header: object, payload: object, signature = ''): string {
  const encode = (value: object) => joseBase64url.encode(JSON.stringify(value));
  return `${encode(header)}.${encode(payload)}.${signature}`;
}

describe('createJwtAuthenticator: requests that do not authenticate -> null', () => {
  it.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['the scheme without a token', 'Bearer'],
    ['an opaque token', 'Bearer nt24_live_4f9c2b7e8a1d6053b2e9'],
    ['two segments', 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0'],
    ['four segments', 'Bearer a.b.c.d'],
    ['empty segments', 'Bearer ..'],
    ['base64 that is not JSON', 'Bearer aGVsbG8.d29ybGQ.c2ln'],
  ])('%s -> null', async (_, header) => {
    expect(await standard.authenticate(request(header))).toBeNull();
  });

  it('a valid token under another scheme, twice, or with something around it -> null', async () => {
    const token = await sign(claims());
    for (const header of [
      `Basic ${token}`,
      `DPoP ${token}`,
      token,
      `Bearer ${token} ${token}`,
      `Bearer ${token}, Bearer ${token}`,
      `Bearer ${token}x`,
      `Bearer x${token}`,
      `Bearer ${token}=`,
      `Bearer ${token}==`,
      `Bearer ${token}.`,
      `Bearer "${token}"`,
    ]) {
      expect(await standard.authenticate(request(header))).toBeNull();
    }
  });

  it('a raw header with a newline, NUL or non-ASCII around the token -> null', async () => {
    const token = await sign(claims());
    for (const header of [`Bearer ${token}\n`, `Bearer ${token}\u0000`, `Bearer ${token}é`]) {
      expect(await standard.authenticate(rawRequest(header))).toBeNull();
    }
  });

  it.each(
    UNREADABLE_REQUESTS.map((request, index) => [index, request] as const),
  )('unreadable request #%i (headers that throw, none, no Authorization) -> null, not a rejection', async (_index, request) => {
    await expect(standard.authenticate(request)).resolves.toBeNull();
  });

  it.each<[string, () => Promise<string>]>([
    ['expired (exp 31 s ago, tolerance 30 s)', () => sign(claims({ exp: NOW_S - 30 }))],
    ['expired long ago', () => sign(claims({ exp: NOW_S - 86_400 }))],
    ['without exp', () => sign(claimsWithout('exp'))],
    ['exp that is a string', () => sign(claims({ exp: String(NOW_S + 300) as never }))],
    ['not yet valid (nbf 31 s ahead)', () => sign(claims({ nbf: NOW_S + 31 }))],
    ['nbf that is a string', () => sign(claims({ nbf: 'now' as never }))],
    ['iat that is a string', () => sign(claims({ iat: 'now' as never }))],
    ['the wrong audience', () => sign(claims({ aud: 'account' }))],
    ['an audience list without ours', () => sign(claims({ aud: ['account', 'broker'] }))],
    ['no audience', () => sign(claimsWithout('aud'))],
    ['the wrong issuer', () => sign(claims({ iss: 'https://auth.novatrade24.com/realms/other' }))],
    ['the issuer with a trailing slash', () => sign(claims({ iss: `${ISSUER}/` }))],
    ['no issuer', () => sign(claimsWithout('iss'))],
    ['no organization claim', () => sign(claimsWithout('organizationUuid'))],
    ['an empty organization', () => sign(claims({ organizationUuid: '' }))],
    [
      'an organization of 129 characters',
      () => sign(claims({ organizationUuid: 'o'.repeat(129) })),
    ],
    ['an organization that is a number', () => sign(claims({ organizationUuid: 42 }))],
    ['an organization that is a list', () => sign(claims({ organizationUuid: [ORG_A] }))],
    ['an organization that is an object', () => sign(claims({ organizationUuid: { id: ORG_A } }))],
    ['an organization that is null', () => sign(claims({ organizationUuid: null }))],
    ['a Keycloak ID token (typ ID)', () => sign(claims({ typ: 'ID', azp: CLIENT }))],
    ['a Keycloak refresh token (typ Refresh)', () => sign(claims({ typ: 'Refresh' }))],
    ['a typ claim that is not a string', () => sign(claims({ typ: 1 as never }))],
    [
      'an unknown kid, signed by another key',
      () => sign(claims(), { key: foreign.privateKey, kid: 'rsa-9' }),
    ],
    ['a known kid, signed by another key', () => sign(claims(), { key: foreign.privateKey })],
    [
      'no kid, signed by another key',
      () => sign(claims(), { key: foreign.privateKey, kid: undefined }),
    ],
    [
      'an ES256 token claiming the RSA kid',
      () => sign(claims(), { key: ec.privateKey, alg: 'ES256' }),
    ],
    [
      'an HS256 token (the HMAC secret being a key of the set)',
      () =>
        sign(claims(), { key: new TextEncoder().encode(JSON.stringify(RSA_JWK)), alg: 'HS256' }),
    ],
    [
      'an HS256 token without kid',
      () =>
        sign(claims(), {
          key: new TextEncoder().encode('s'.repeat(32)),
          alg: 'HS256',
          kid: undefined,
        }),
    ],
    ['alg none', async () => unsignedToken({ alg: 'none', typ: 'JWT' }, claims())],
    ['alg none with a signature', async () => unsignedToken({ alg: 'none' }, claims(), 'c2ln')],
    [
      'alg RS256 with no signature',
      async () => unsignedToken({ alg: 'RS256', kid: 'rsa-1' }, claims()),
    ],
    [
      'alg RS256 with a junk signature',
      async () => unsignedToken({ alg: 'RS256', kid: 'rsa-1' }, claims(), 'c2ln'),
    ],
    [
      'a crit header jose does not know',
      async () => unsignedToken({ alg: 'RS256', crit: ['x'], x: 1 }, claims(), 'c2ln'),
    ],
  ])('a token %s -> null', async (_, make) => {
    expect(await principalFor(await make())).toBeNull();
  });

  it('a token signed with an algorithm outside `algorithms` -> null, though its key is in the set', async () => {
    const rsOnly = authenticator({ algorithms: ['RS256'] });
    const es = await sign(claims(), { key: ec.privateKey, alg: 'ES256', kid: 'ec-1' });
    expect(await principalFor(es, rsOnly)).toBeNull();
    expect(await principalFor(es)).not.toBeNull();
  });

  it('a tampered payload (another organization, same signature) -> null', async () => {
    const token = await sign(claims());
    const [header, , signature] = token.split('.');
    const forged = `${header}.${joseBase64url.encode(JSON.stringify(claims({ organizationUuid: 'someone-else' })))}.${signature}`;
    expect(await principalFor(forged)).toBeNull();
  });
});

describe('createJwtAuthenticator: a key set that cannot be loaded', () => {
  /** An authenticator on CERTS whose downloads go to `fetch`. */
  function remote(fetchImpl: typeof fetch, overrides: Partial<JwtAuthenticatorOptions> = {}) {
    const { jwks: _, ...base } = BASE;
    return createJwtAuthenticator({ ...base, jwksUrl: CERTS, fetch: fetchImpl, ...overrides });
  }

  async function rejection(auth: ReturnType<typeof remote>, token: string): Promise<unknown> {
    try {
      await principalFor(token, auth);
    } catch (error) {
      return error;
    }
    throw new Error('expected a rejection');
  }

  /** Fails unless `error` is authentication_unavailable and nothing in it holds `token`. */
  function expectUnavailable(error: unknown, token: string, reason: RegExp): void {
    expect(error).toBeInstanceOf(WebhookStorageError);
    const outage = error as WebhookStorageError;
    expect(outage.code).toBe('authentication_unavailable');
    expect(outage.name).toBe('WebhookStorageError');
    expect(outage.message).toMatch(/^createJwtAuthenticator: bearer tokens cannot be verified: /);
    expect(outage.message).toMatch(reason);
    const signature = token.split('.')[2] as string;
    const everything = [
      outage.message,
      outage.stack ?? '',
      JSON.stringify({ ...outage }),
      String(outage.cause),
      JSON.stringify(outage.cause ?? null),
      String((outage.cause as { stack?: unknown } | undefined)?.stack ?? ''),
    ].join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(signature);
  }

  const jwksResponse = (keys: JWK[]) =>
    new Response(JSON.stringify({ keys }), { headers: { 'content-type': 'application/json' } });

  it('a fetch that downloads the set -> authenticates; the request is a GET of jwksUrl', async () => {
    const calls: [string, RequestInit | undefined][] = [];
    const auth = remote(async (url, init) => {
      calls.push([String(url), init]);
      return jwksResponse([RSA_JWK]);
    });
    expect(await principalFor(await sign(claims()), auth)).not.toBeNull();
    expect(await principalFor(await sign(claims()), auth)).not.toBeNull();
    expect(calls.map(([url, init]) => [url, init?.method, init?.redirect])).toEqual([
      [CERTS, 'GET', 'manual'],
    ]);
  });

  it.each<[string, () => Promise<Response>, RegExp]>([
    [
      'answers 500',
      async () => new Response('oops', { status: 500 }),
      /the key set URL answered HTTP 500, not 200/,
    ],
    [
      'answers 404',
      async () => new Response(null, { status: 404 }),
      /the key set URL answered HTTP 404/,
    ],
    [
      'redirects (302, not followed)',
      async () => new Response(null, { status: 302, headers: { location: 'https://x.example/' } }),
      /HTTP 302/,
    ],
    [
      'rejects (a network error)',
      async () => {
        throw new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') });
      },
      /the key set could not be downloaded \(see cause\)/,
    ],
    ['answers invalid JSON', async () => new Response('{"keys": ['), /not valid JSON/],
    [
      'answers JSON that is not a key set',
      async () => new Response(JSON.stringify({ keys: 'none' })),
      /not a JSON Web Key Set/,
    ],
    [
      'answers a set holding a private key',
      async () =>
        new Response(
          JSON.stringify({ keys: [{ ...(await exportJWK(exportable.privateKey)), kid: 'rsa-1' }] }),
        ),
      /the key set is not a JSON Web Key Set of public keys/,
    ],

    [
      'resolves to something other than a Response',
      async () => undefined as unknown as Response,
      /something other than a Response/,
    ],
  ])('a fetch that %s -> rejects with authentication_unavailable, no token in it', async (_, answer, reason) => {
    const auth = remote(() => answer());
    const token = await sign(claims());
    expectUnavailable(await rejection(auth, token), token, reason);
  });

  it('a set whose key for the token cannot be imported -> rejects with authentication_unavailable', async () => {
    const broken = { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', kid: 'ec-1', alg: 'ES256' };
    const auth = remote(async () => jwksResponse([RSA_JWK, broken as JWK]));
    const token = await sign(claims(), { key: ec.privateKey, alg: 'ES256', kid: 'ec-1' });
    expectUnavailable(
      await rejection(auth, token),
      token,
      /a key of the key set could not be imported \(see cause\)/,
    );
    // The set's other key still verifies its own tokens.
    expect(await principalFor(await sign(claims()), auth)).not.toBeNull();
  });

  it('a fetch that never answers -> rejects after jwksTimeoutMs with authentication_unavailable', async () => {
    const hang: typeof fetch = (_url, init) =>
      new Promise((_, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const auth = remote(hang, { jwksTimeoutMs: 5 });
    const token = await sign(claims());
    expectUnavailable(await rejection(auth, token), token, /did not arrive within 5 ms/);
  });

  it('a failed download is not cached: the next request downloads again and authenticates', async () => {
    let calls = 0;
    const auth = remote(async () => {
      calls += 1;
      return calls === 1 ? new Response(null, { status: 503 }) : jwksResponse([RSA_JWK]);
    });
    const token = await sign(claims());
    expect(await rejection(auth, token)).toMatchObject({ code: 'authentication_unavailable' });
    expect(await principalFor(token, auth)).not.toBeNull();
    expect(calls).toBe(2);
  });

  it('a request that does not authenticate for its own reasons never downloads the set', async () => {
    let calls = 0;
    const auth = remote(async () => {
      calls += 1;
      return new Response(null, { status: 500 });
    });
    expect(await auth.authenticate(request())).toBeNull();
    expect(await auth.authenticate(request('Bearer not-a-jwt'))).toBeNull();
    expect(await principalFor(unsignedToken({ alg: 'none' }, claims()), auth)).toBeNull();
    expect(
      await principalFor(
        await sign(claims(), { key: new TextEncoder().encode('s'.repeat(32)), alg: 'HS256' }),
        auth,
      ),
    ).toBeNull();
    expect(calls).toBe(0);
  });

  it('an unknown kid with the set already loaded, inside the cooldown -> null without a download', async () => {
    let calls = 0;
    const auth = remote(async () => {
      calls += 1;
      return jwksResponse([RSA_JWK]);
    });
    expect(await principalFor(await sign(claims()), auth)).not.toBeNull();
    const stranger = await sign(claims(), { key: foreign.privateKey, kid: 'rsa-9' });
    expect(await principalFor(stranger, auth)).toBeNull();
    expect(calls).toBe(1);
  });

  it('an unknown kid after the cooldown -> downloads again and finds a rotated-in key', async () => {
    let keys = [RSA_JWK];
    let calls = 0;
    const auth = remote(
      async () => {
        calls += 1;
        return jwksResponse(keys);
      },
      { jwksCooldownMs: 0 },
    );
    expect(await principalFor(await sign(claims()), auth)).not.toBeNull();
    keys = [RSA_JWK, RSA_NEXT_JWK];
    const rotated = await sign(claims(), { key: rsaNext.privateKey, kid: 'rsa-2' });
    expect(await principalFor(rotated, auth)).not.toBeNull();
    expect(calls).toBe(2);
  });

  it('concurrent first requests -> one download, each its own answer', async () => {
    let calls = 0;
    const auth = remote(async () => {
      calls += 1;
      return jwksResponse([RSA_JWK, EC_JWK]);
    });
    const answers = await Promise.all([
      principalFor(await sign(claims()), auth),
      principalFor(
        await sign(claims({ organizationUuid: 'org-b' }), {
          key: ec.privateKey,
          alg: 'ES256',
          kid: 'ec-1',
        }),
        auth,
      ),
      principalFor(await sign(claims({ exp: NOW_S - 3_600 })), auth),
    ]);
    expect(answers.map((principal) => principal?.organizationUuid ?? null)).toEqual([
      ORG_A,
      'org-b',
      null,
    ]);
    expect(calls).toBe(1);
  });

  it('a clock that returns no valid time -> rejects with invalid_option at now, never accepts', async () => {
    const token = await sign(claims());
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, -1, 9e15, '0' as never]) {
      const auth = authenticator({ now: () => value });
      const error = await auth.authenticate(request(`Bearer ${token}`)).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: 'invalid_option', issues: [{ path: 'now' }] });
      expect(String((error as Error).message)).not.toContain(token);
    }
  });
});

/** Options with `overrides` applied to a valid base (an inline set holding the canary nowhere). */
function options(overrides: Record<string, unknown>): unknown {
  return { ...BASE, ...overrides };
}

const { jwks: _unused, ...REMOTE_BASE } = BASE;

function remoteOptions(overrides: Record<string, unknown>): unknown {
  return { ...REMOTE_BASE, jwksUrl: CERTS, ...overrides };
}

describe('createJwtAuthenticator: options', () => {
  it('lists every option', () => {
    expectTypeOf<
      UnlistedOptionNames<JwtAuthenticatorOptions, typeof JWT_AUTHENTICATOR_OPTION_NAMES>
    >().toBeNever();
    expect(DEFAULT_JWT_ALGORITHMS).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA']);
  });

  it.each<[string, unknown, string, string]>([
    ['no options', undefined, 'options', 'invalid_type'],
    ['options that are an array', [BASE], 'options', 'invalid_type'],
    ['an unknown option', options({ audiance: AUDIENCE }), 'audiance', 'unrecognized_key'],
    ['neither jwksUrl nor jwks', REMOTE_BASE, 'jwksUrl', 'required'],
    ['both jwksUrl and jwks', options({ jwksUrl: CERTS }), 'jwksUrl', 'invalid_value'],
    ['jwksUrl that is a number', remoteOptions({ jwksUrl: 443 }), 'jwksUrl', 'invalid_type'],
    [
      'jwksUrl that is not a URL',
      remoteOptions({ jwksUrl: 'auth.novatrade24.com/certs' }),
      'jwksUrl',
      'invalid_format',
    ],
    [
      'jwksUrl that is relative',
      remoteOptions({ jwksUrl: '/realms/nt24-idp/certs' }),
      'jwksUrl',
      'invalid_format',
    ],
    [
      'jwksUrl over http: on a public host',
      remoteOptions({ jwksUrl: 'http://auth.novatrade24.com/certs' }),
      'jwksUrl',
      'invalid_format',
    ],
    [
      'jwksUrl over http: on a private address',
      remoteOptions({ jwksUrl: 'http://10.0.0.5/certs' }),
      'jwksUrl',
      'invalid_format',
    ],
    [
      'jwksUrl over http: on a localhost lookalike',
      remoteOptions({ jwksUrl: 'http://localhost.evil.example/certs' }),
      'jwksUrl',
      'invalid_format',
    ],
    [
      'jwksUrl with another scheme',
      remoteOptions({ jwksUrl: 'ftp://auth.example/certs' }),
      'jwksUrl',
      'invalid_format',
    ],
    [
      'jwksUrl with credentials',
      remoteOptions({ jwksUrl: `https://admin:${CANARY}@auth.example/certs` }),
      'jwksUrl',
      'invalid_format',
    ],
    [
      'jwksUrl as a URL with credentials',
      remoteOptions({ jwksUrl: new URL(`https://admin:${CANARY}@auth.example/certs`) }),
      'jwksUrl',
      'invalid_format',
    ],
    ['jwks that is null', options({ jwks: null }), 'jwks', 'invalid_type'],
    ['jwks that is an array', options({ jwks: [RSA_JWK] }), 'jwks', 'invalid_type'],
    ['jwks without keys', options({ jwks: {} }), 'jwks.keys', 'required'],
    [
      'jwks.keys that is an object',
      options({ jwks: { keys: { a: RSA_JWK } } }),
      'jwks.keys',
      'invalid_type',
    ],
    ['jwks.keys empty', options({ jwks: { keys: [] } }), 'jwks.keys', 'too_small'],
    [
      'a key that is null',
      options({ jwks: { keys: [RSA_JWK, null] } }),
      'jwks.keys[1]',
      'invalid_type',
    ],
    [
      'a key without kty',
      options({ jwks: { keys: [{ n: 'x', e: 'AQAB' }] } }),
      'jwks.keys[0].kty',
      'required',
    ],
    [
      'a key with kty a number',
      options({ jwks: { keys: [{ kty: 1 }] } }),
      'jwks.keys[0].kty',
      'invalid_type',
    ],
    [
      'a key of an unknown kty',
      options({ jwks: { keys: [{ kty: 'XYZ' }] } }),
      'jwks.keys[0].kty',
      'invalid_value',
    ],
    [
      'a symmetric key',
      options({ jwks: { keys: [{ kty: 'oct', k: CANARY, kid: 'h' }] } }),
      'jwks.keys[0].kty',
      'invalid_value',
    ],
    [
      'a private RSA key',
      options({ jwks: { keys: [RSA_JWK, { ...RSA_JWK, d: CANARY }] } }),
      'jwks.keys[1]',
      'invalid_value',
    ],
    [
      'a private EC key',
      options({ jwks: { keys: [{ ...EC_JWK, d: CANARY }] } }),
      'jwks.keys[0]',
      'invalid_value',
    ],
    [
      'a key set that cannot be cloned',
      options({ jwks: { keys: [{ ...RSA_JWK, x5u: () => CANARY }] } }),
      'jwks',
      'invalid_value',
    ],
    ['fetch with jwks', options({ fetch: globalThis.fetch }), 'fetch', 'invalid_value'],
    [
      'jwksCacheMaxAgeMs with jwks',
      options({ jwksCacheMaxAgeMs: 60_000 }),
      'jwksCacheMaxAgeMs',
      'invalid_value',
    ],
    ['jwksCooldownMs with jwks', options({ jwksCooldownMs: 0 }), 'jwksCooldownMs', 'invalid_value'],
    [
      'jwksTimeoutMs with jwks',
      options({ jwksTimeoutMs: 1_000 }),
      'jwksTimeoutMs',
      'invalid_value',
    ],
    ['no issuer', options({ issuer: undefined }), 'issuer', 'required'],
    ['an empty issuer', options({ issuer: '' }), 'issuer', 'too_small'],
    ['an empty issuer list', options({ issuer: [] }), 'issuer', 'too_small'],
    ['an issuer list with a number', options({ issuer: [ISSUER, 7] }), 'issuer[1]', 'invalid_type'],
    ['an issuer list with an empty string', options({ issuer: [''] }), 'issuer[0]', 'too_small'],
    [
      'an issuer that is a URL object',
      options({ issuer: new URL(ISSUER) }),
      'issuer',
      'invalid_type',
    ],
    ['no audience', options({ audience: undefined }), 'audience', 'required'],
    ['an empty audience', options({ audience: '' }), 'audience', 'too_small'],
    ['an empty audience list', options({ audience: [] }), 'audience', 'too_small'],
    ['an audience list with null', options({ audience: [null] }), 'audience[0]', 'invalid_type'],
    [
      'an organizationClaim that is a number',
      options({ organizationClaim: 1 }),
      'organizationClaim',
      'invalid_type',
    ],
    [
      'an empty organizationClaim',
      options({ organizationClaim: '' }),
      'organizationClaim',
      'too_small',
    ],
    [
      'an organizationClaim of 257 characters',
      options({ organizationClaim: 'c'.repeat(257) }),
      'organizationClaim',
      'too_big',
    ],
    [
      'an organizationClaim with a doubled dot',
      options({ organizationClaim: 'org..uuid' }),
      'organizationClaim',
      'invalid_format',
    ],
    [
      'an organizationClaim with a leading dot',
      options({ organizationClaim: '.uuid' }),
      'organizationClaim',
      'invalid_format',
    ],
    [
      'an organizationClaim with a trailing dot',
      options({ organizationClaim: 'org.' }),
      'organizationClaim',
      'invalid_format',
    ],
    ['a tierClaim that is null', options({ tierClaim: null }), 'tierClaim', 'invalid_type'],
    ['a tierClaim that is only a dot', options({ tierClaim: '.' }), 'tierClaim', 'invalid_format'],
    [
      'a clientIdClaim that is a list',
      options({ clientIdClaim: ['azp'] }),
      'clientIdClaim',
      'invalid_type',
    ],
    ['an empty clientIdClaim', options({ clientIdClaim: '' }), 'clientIdClaim', 'too_small'],
    ['an unknown tier', options({ tier: 'GOLD' }), 'tier', 'invalid_value'],
    ['a tier in lower case', options({ tier: 'standard' }), 'tier', 'invalid_value'],
    ['a tier that is a number', options({ tier: 1 }), 'tier', 'invalid_type'],
    ['algorithms that is a string', options({ algorithms: 'RS256' }), 'algorithms', 'invalid_type'],
    ['empty algorithms', options({ algorithms: [] }), 'algorithms', 'too_small'],
    ['algorithm none', options({ algorithms: ['none'] }), 'algorithms[0]', 'invalid_value'],
    [
      'algorithm NONE',
      options({ algorithms: ['RS256', 'NONE'] }),
      'algorithms[1]',
      'invalid_value',
    ],
    ['algorithm HS256', options({ algorithms: ['HS256'] }), 'algorithms[0]', 'invalid_value'],
    [
      'algorithm HS384',
      options({ algorithms: ['RS256', 'HS384'] }),
      'algorithms[1]',
      'invalid_value',
    ],
    ['algorithm HS512', options({ algorithms: ['HS512'] }), 'algorithms[0]', 'invalid_value'],
    [
      'an algorithm in lower case',
      options({ algorithms: ['rs256'] }),
      'algorithms[0]',
      'invalid_value',
    ],
    [
      'an encryption algorithm',
      options({ algorithms: ['RSA-OAEP'] }),
      'algorithms[0]',
      'invalid_value',
    ],
    [
      'an algorithm that is a number',
      options({ algorithms: [256] }),
      'algorithms[0]',
      'invalid_type',
    ],
    [
      'a negative clock tolerance',
      options({ clockToleranceSeconds: -1 }),
      'clockToleranceSeconds',
      'too_small',
    ],
    [
      'a clock tolerance of 301 s',
      options({ clockToleranceSeconds: 301 }),
      'clockToleranceSeconds',
      'too_big',
    ],
    [
      'a fractional clock tolerance',
      options({ clockToleranceSeconds: 1.5 }),
      'clockToleranceSeconds',
      'invalid_type',
    ],
    [
      'a clock tolerance of NaN',
      options({ clockToleranceSeconds: Number.NaN }),
      'clockToleranceSeconds',
      'invalid_type',
    ],
    [
      'an infinite clock tolerance',
      options({ clockToleranceSeconds: Number.POSITIVE_INFINITY }),
      'clockToleranceSeconds',
      'invalid_type',
    ],
    [
      'a clock tolerance as a string',
      options({ clockToleranceSeconds: '30' }),
      'clockToleranceSeconds',
      'invalid_type',
    ],
    ['now that is a number', options({ now: NOW_MS }), 'now', 'invalid_type'],
    ['fetch that is a string', remoteOptions({ fetch: 'fetch' }), 'fetch', 'invalid_type'],
    [
      'a cache max age of 999 ms',
      remoteOptions({ jwksCacheMaxAgeMs: 999 }),
      'jwksCacheMaxAgeMs',
      'too_small',
    ],
    [
      'an infinite cache max age',
      remoteOptions({ jwksCacheMaxAgeMs: Number.POSITIVE_INFINITY }),
      'jwksCacheMaxAgeMs',
      'invalid_type',
    ],
    [
      'a cache max age over a day',
      remoteOptions({ jwksCacheMaxAgeMs: 86_400_001 }),
      'jwksCacheMaxAgeMs',
      'too_big',
    ],
    ['a negative cooldown', remoteOptions({ jwksCooldownMs: -1 }), 'jwksCooldownMs', 'too_small'],
    [
      'a cooldown over an hour',
      remoteOptions({ jwksCooldownMs: 3_600_001 }),
      'jwksCooldownMs',
      'too_big',
    ],
    ['a timeout of 0', remoteOptions({ jwksTimeoutMs: 0 }), 'jwksTimeoutMs', 'too_small'],
    [
      'a timeout over a minute',
      remoteOptions({ jwksTimeoutMs: 60_001 }),
      'jwksTimeoutMs',
      'too_big',
    ],
    [
      'a fractional timeout',
      remoteOptions({ jwksTimeoutMs: 1.5 }),
      'jwksTimeoutMs',
      'invalid_type',
    ],
  ])('%s -> invalid_option at %j (%s), and no key material in any message', (_, given, path, code) => {
    const error = thrown(() => createJwtAuthenticator(given as never));
    expect(error.code).toBe('invalid_option');
    expect(error.issues.map((issue) => [issue.path, issue.code])).toEqual([[path, code]]);
    const everything = JSON.stringify({
      message: error.message,
      stack: error.stack,
      issues: error.issues,
      own: { ...error },
    });
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain(RSA_JWK.n);
  });

  it('a message names the option and says what was expected', () => {
    expect(
      thrown(() => createJwtAuthenticator(options({ audiance: 'x' }) as never)).message,
    ).toContain('did you mean `audience`?');
    expect(
      thrown(() => createJwtAuthenticator(options({ algorithms: ['HS256'] }) as never)).message,
    ).toMatch(
      /^createJwtAuthenticator: `algorithms\[0\]` names an unsigned or symmetric algorithm/,
    );
    expect(
      thrown(() =>
        createJwtAuthenticator(remoteOptions({ jwksUrl: 'http://auth.example/certs' }) as never),
      ).message,
    ).toBe(
      "createJwtAuthenticator: `jwksUrl` must be an absolute https: URL (http: only on 127.0.0.1, localhost or [::1]), e.g. Keycloak's https://<host>/realms/<realm>/protocol/openid-connect/certs; got a http: URL on a host that is not a loopback address.",
    );
    expect(
      thrown(() =>
        createJwtAuthenticator(
          options({ jwks: { keys: [{ ...RSA_JWK, d: CANARY, p: CANARY }] } }) as never,
        ),
      ).message,
    ).toContain('holds private key material (d, p)');
    expect(
      thrown(() => createJwtAuthenticator(options({ tier: 'GOLD' }) as never)).message,
    ).toContain('STANDARD, HIGH_VOLUME, ENTERPRISE');
    expect(
      thrown(() => createJwtAuthenticator(options({ clockToleranceSeconds: 301 }) as never))
        .message,
    ).toBe(
      'createJwtAuthenticator: `clockToleranceSeconds` must be an integer from 0 to 300, got 301.',
    );
  });

  it.each([
    ['https: URL as a string', CERTS],
    ['https: URL object', new URL(CERTS)],
    [
      'http: on 127.0.0.1 with a port',
      'http://127.0.0.1:8080/realms/nt24-idp/protocol/openid-connect/certs',
    ],
    ['http: on localhost', 'http://localhost:8080/certs'],
    ['http: on [::1]', 'http://[::1]:8080/certs'],
  ])('jwksUrl as %s -> accepted, nothing downloaded at construction', (_, jwksUrl) => {
    let calls = 0;
    const counting: typeof fetch = async () => {
      calls += 1;
      return new Response('{}');
    };
    expect(() =>
      createJwtAuthenticator({ ...REMOTE_BASE, jwksUrl, fetch: counting }),
    ).not.toThrow();
    expect(calls).toBe(0);
  });

  it('options valid at every limit -> accepted', () => {
    const limits: JwtAuthenticatorOptions[] = [
      { ...BASE, clockToleranceSeconds: 0, algorithms: ['RS256'] },
      {
        ...BASE,
        clockToleranceSeconds: 300,
        algorithms: [
          'RS256',
          'RS384',
          'RS512',
          'PS256',
          'PS384',
          'PS512',
          'ES256',
          'ES384',
          'ES512',
          'EdDSA',
          'Ed25519',
        ],
        organizationClaim: 'a'.repeat(256),
        tierClaim: 'a.b.c',
        clientIdClaim: 'client_id',
        tier: 'ENTERPRISE',
        issuer: [ISSUER, 'https://auth.example/realms/b'],
        audience: ['a', 'b'],
      },
      {
        ...REMOTE_BASE,
        jwksUrl: CERTS,
        jwksCacheMaxAgeMs: 1_000,
        jwksCooldownMs: 0,
        jwksTimeoutMs: 1,
        fetch: globalThis.fetch,
      },
      {
        ...REMOTE_BASE,
        jwksUrl: CERTS,
        jwksCacheMaxAgeMs: 86_400_000,
        jwksCooldownMs: 3_600_000,
        jwksTimeoutMs: 60_000,
      },
      {
        ...BASE,
        jwksUrl: undefined,
        tierClaim: undefined,
        tier: undefined,
        clientIdClaim: undefined,
        algorithms: undefined,
        clockToleranceSeconds: undefined,
        now: undefined,
        fetch: undefined,
        jwksCacheMaxAgeMs: undefined,
        jwksCooldownMs: undefined,
        jwksTimeoutMs: undefined,
      },
    ];
    for (const given of limits) expect(() => createJwtAuthenticator(given)).not.toThrow();
  });

  it('an inline set as Keycloak publishes it (with an encryption key) -> accepted, its signing key used', async () => {
    const encryption = {
      ...(await exportJWK((await generateKeyPair('RSA-OAEP')).publicKey)),
      kid: 'enc-1',
      alg: 'RSA-OAEP',
      use: 'enc',
    };
    const auth = authenticator({ jwks: { keys: [encryption as JWK, RSA_JWK] } });
    expect(await principalFor(await sign(claims()), auth)).not.toBeNull();
  });
});
