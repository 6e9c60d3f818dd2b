// OAuth2/OIDC bearer JWTs: a request carrying `Authorization: Bearer <JWT>` authenticates when the
// token is signed by a key of the identity provider's JSON Web Key Set (Keycloak's realm `certs`
// endpoint, or a set given inline) and its claims pass. The checks, all done by `jose`:
//
// - Algorithms are an allow-list of asymmetric ones (RS256, PS256, ES256 and EdDSA by default),
//   checked before any key is looked up. `none` and the HMAC algorithms are refused at
//   construction: a verifier that accepts HS256 over a public key set can be fooled by a token
//   "signed" with the public key as the HMAC secret. An inline set may hold neither a symmetric
//   key nor private key material.
// - `iss` must be one of `issuer`, `aud` must name one of `audience`, `exp` is required, and `exp`
//   and `nbf` are checked at `now()` with `clockToleranceSeconds` of slack (0 is exact, not off).
// - A token whose payload has a `typ` claim other than `Bearer` is refused: Keycloak marks its
//   ID tokens `ID` and its refresh and logout tokens likewise, and only an access token may call
//   the API. Providers that put no `typ` in the payload are unaffected.
// - The organization is the claim `organizationClaim` (a dotted path reads nested objects, own
//   properties only): a non-empty string of at most 128 characters, else the token does not
//   authenticate. The tier is the claim `tierClaim` when it holds a tier, else `tier`: map it
//   from an organization attribute, not per client, since rate limits are counted per
//   organization and two tiers for one organization would check one counter against two limits.
//   The client is `azp` (Keycloak's authorized party), else `client_id` (RFC 9068).
//
// Outcomes. Anything about the token (no header, another scheme, a malformed token, a bad
// signature, an unknown `kid`, a disallowed `alg`, expired, not yet valid, the wrong issuer or
// audience, no usable organization) resolves to `null`: the API answers 401. When the key set
// cannot be loaded (a network error, a timeout, an answer other than 200, an answer that is not
// a key set, a key that cannot be imported) `authenticate` rejects with `WebhookStorageError`
// `authentication_unavailable`, which the API answers 503 with `Retry-After`, as for a storage
// outage (docs/design.md §5.34): tokens cannot be checked, which is not the client's fault. Its
// message names what failed, never the token; the underlying error is the `cause`. jose's own
// errors are never thrown as they are.
//
// The remote key set is jose's `createRemoteJWKSet`: fetched at the first verification and kept
// for `jwksCacheMaxAgeMs`; a token naming a `kid` the set lacks fetches it again, at most once per
// `jwksCooldownMs` (how rotated keys are picked up, and why forged `kid`s cannot flood the
// provider); concurrent verifications share one fetch; redirects are not followed. Its cache runs
// on the real clock (jose reads `Date.now()`); `now` sets only the time the claims are checked
// at. There is no stale-if-error: once the cache has expired, a failed fetch rejects, so to ride
// out a provider outage raise `jwksCacheMaxAgeMs` (rotation still works through the `kid` refetch).
//
// The URL must be https:, or http: on a loopback host (a local Keycloak, tests). jose runs on
// WebCrypto, so this module stays runtime-neutral like the rest of auth/.

import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  type FetchImplementation,
  type JWK,
  type JWSAlgorithm,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { WebhookStorageError } from '../../../core/errors.js';
import { assertKnownOptions } from '../../../core/internal/assert-known-options.js';
import { assertOptionsObject } from '../../../core/internal/assert-options-object.js';
import { describeNumberOption, describeValue } from '../../../core/internal/describe-value.js';
import { integerOptionOr } from '../../../core/internal/integer-option.js';
import { invalidOption } from '../../../core/internal/invalid-option.js';
import { typeIssueCode } from '../../../core/internal/type-issue-code.js';
import { RATE_LIMIT_TIERS, type RateLimitTier } from '../rate-limit/rate-limit-policy.js';
import { MAX_CLIENT_ID_LENGTH } from './api-key-authenticator.js';
import type { Authenticator, Principal } from './authenticator.js';
import { authorizationOf, bearerTokenOf } from './bearer-token.js';

/** Every signature algorithm the authenticator can accept: asymmetric ones only. */
export const JWT_ALGORITHMS = [
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
] as const;

/** A signature algorithm the authenticator can accept. */
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** The algorithms accepted when `algorithms` is left out. */
export const DEFAULT_JWT_ALGORITHMS: readonly JwtAlgorithm[] = Object.freeze([
  'RS256',
  'PS256',
  'ES256',
  'EdDSA',
]);

/** A JSON Web Key Set given inline (RFC 7517 §5): public keys only. */
export interface JwtAuthenticatorKeySet {
  /** The keys: at least one, each an RSA, EC or OKP public key. */
  readonly keys: readonly JWK[];
}

/** Options of {@link createJwtAuthenticator}. */
export interface JwtAuthenticatorOptions {
  /**
   * Where the identity provider publishes its key set: an absolute https: URL, or http: on
   * 127.0.0.1, localhost or [::1]; e.g. Keycloak's
   * `https://auth.novatrade24.com/realms/nt24-idp/protocol/openid-connect/certs`. Give this or
   * `jwks`, not both.
   */
  readonly jwksUrl?: string | URL | undefined;
  /** The key set itself, instead of `jwksUrl`: public keys only (no `d`, no `oct` key). */
  readonly jwks?: JwtAuthenticatorKeySet | undefined;
  /**
   * The accepted `iss`: the realm URL, e.g. `https://auth.novatrade24.com/realms/nt24-idp`
   * (compared exactly, trailing slash included), or a non-empty list of them.
   */
  readonly issuer: string | readonly string[];
  /** The accepted `aud`: the token's `aud` (a string or a list) must name at least one of them. */
  readonly audience: string | readonly string[];
  /**
   * The claim naming the organization; a dotted path (`org.uuid`) reads nested objects. Its
   * value must be a non-empty string of at most 128 characters.
   * @default 'organizationUuid'
   */
  readonly organizationClaim?: string | undefined;
  /**
   * The claim holding the organization's tier (STANDARD, HIGH_VOLUME or ENTERPRISE; a dotted
   * path reads nested objects). A token without it, or with another value, gets `tier`.
   */
  readonly tierClaim?: string | undefined;
  /**
   * The tier of a token whose `tierClaim` gives none.
   * @default 'STANDARD'
   */
  readonly tier?: RateLimitTier | undefined;
  /**
   * The claim naming the calling client, for logs (a dotted path reads nested objects); when it
   * holds no string of 1 to 128 characters, `client_id` is read instead, and when neither does,
   * the principal has no `clientId`.
   * @default 'azp'
   */
  readonly clientIdClaim?: string | undefined;
  /**
   * The accepted signature algorithms (asymmetric only: `none` and HS256/384/512 are refused).
   * @default ['RS256', 'PS256', 'ES256', 'EdDSA']
   */
  readonly algorithms?: readonly JwtAlgorithm[] | undefined;
  /**
   * Seconds of clock skew allowed when checking `exp` and `nbf`: an integer from 0 to 300.
   * @default 30
   */
  readonly clockToleranceSeconds?: number | undefined;
  /**
   * The clock the claims are checked at, in epoch milliseconds (the fake clock's `now` in tests).
   * @default `Date.now`
   */
  readonly now?: (() => number) | undefined;
  /** The `fetch` that downloads the key set (only with `jwksUrl`). @default `globalThis.fetch` */
  readonly fetch?: typeof fetch | undefined;
  /**
   * How long a downloaded key set is used before it is downloaded again, in milliseconds: an
   * integer from 1000 to 86 400 000 (only with `jwksUrl`).
   * @default 600_000 (10 minutes)
   */
  readonly jwksCacheMaxAgeMs?: number | undefined;
  /**
   * How long after a download a token with an unknown `kid` may trigger another one, in
   * milliseconds: an integer from 0 to 3 600 000 (only with `jwksUrl`). 0 refetches for every
   * unknown `kid`: for tests, not for production.
   * @default 30_000
   */
  readonly jwksCooldownMs?: number | undefined;
  /**
   * How long a download of the key set may take, in milliseconds: an integer from 1 to 60 000
   * (only with `jwksUrl`).
   * @default 5_000
   */
  readonly jwksTimeoutMs?: number | undefined;
}

/** Every option of {@link JwtAuthenticatorOptions}. */
export const JWT_AUTHENTICATOR_OPTION_NAMES = [
  'jwksUrl',
  'jwks',
  'issuer',
  'audience',
  'organizationClaim',
  'tierClaim',
  'tier',
  'clientIdClaim',
  'algorithms',
  'clockToleranceSeconds',
  'now',
  'fetch',
  'jwksCacheMaxAgeMs',
  'jwksCooldownMs',
  'jwksTimeoutMs',
] as const satisfies readonly (keyof JwtAuthenticatorOptions)[];

/** The claim naming the organization when `organizationClaim` is left out. */
export const DEFAULT_ORGANIZATION_CLAIM = 'organizationUuid';

/** The claim naming the client when `clientIdClaim` is left out (Keycloak's authorized party). */
export const DEFAULT_CLIENT_ID_CLAIM = 'azp';

/** The claim read for the client when `clientIdClaim` gives no usable value (RFC 9068 §2.2). */
export const FALLBACK_CLIENT_ID_CLAIM = 'client_id';

/** The tier of a token whose `tierClaim` gives none, when `tier` is left out. */
export const DEFAULT_JWT_TIER: RateLimitTier = 'STANDARD';

/** The longest organization a token may name. */
export const MAX_ORGANIZATION_CLAIM_LENGTH = 128;

/** The longest claim path accepted as `organizationClaim`, `tierClaim` or `clientIdClaim`. */
export const MAX_CLAIM_PATH_LENGTH = 256;

/** The clock tolerance when `clockToleranceSeconds` is left out. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;

/** The largest `clockToleranceSeconds` accepted. */
export const MAX_CLOCK_TOLERANCE_SECONDS = 300;

/** How long a downloaded key set is used when `jwksCacheMaxAgeMs` is left out. */
export const DEFAULT_JWKS_CACHE_MAX_AGE_MS = 600_000;

/** The unknown-`kid` refetch cooldown when `jwksCooldownMs` is left out. */
export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;

/** The download timeout when `jwksTimeoutMs` is left out. */
export const DEFAULT_JWKS_TIMEOUT_MS = 5_000;

const OWNER = 'createJwtAuthenticator';

/**
 * A signed JWT in compact form (RFC 7515 §7.1): three base64url segments without padding. Checked
 * before jose, which would also take `=` padding after the signature (two strings, one token).
 */
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The only hosts a key set may be fetched from over http:. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The key types an inline key set may hold: RSA, EC and OKP public keys. */
const KEY_TYPES: readonly string[] = ['RSA', 'EC', 'OKP'];

/** JWK members that hold private or secret key material (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PRIVATE_KEY_MEMBERS: readonly string[] = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The options that configure a download, so apply only with `jwksUrl`. */
const REMOTE_ONLY_OPTIONS = [
  'fetch',
  'jwksCacheMaxAgeMs',
  'jwksCooldownMs',
  'jwksTimeoutMs',
] as const;

/**
 * An {@link Authenticator} for OAuth2/OIDC bearer JWTs: a request carrying
 * `Authorization: Bearer <JWT>` signed by a key of the identity provider's key set, with an
 * accepted `iss` and `aud`, an `exp` (and any `nbf`) valid at `now()`, and an organization claim,
 * authenticates as that organization, with its tier and client. Every other request resolves to
 * `null`.
 *
 * @param options - the key set (`jwksUrl` or `jwks`), `issuer` and `audience`, and how to read the
 *   principal from the claims; see {@link JwtAuthenticatorOptions}.
 * @returns the authenticator. Its `authenticate` rejects with WebhookStorageError
 *   `authentication_unavailable` (the API answers 503) when the key set cannot be downloaded
 *   (a network error, no answer within `jwksTimeoutMs`, an answer other than 200, a body that is
 *   not a JSON Web Key Set) or a key of it cannot be imported, and with WebhookValidationError
 *   `invalid_option` at `now` when `now()` returns no valid epoch milliseconds; never because of
 *   the request, and no message contains the token.
 * @throws WebhookValidationError `invalid_option` naming the faulty path: `options`, an unknown
 *   option (with the nearest known name), `jwksUrl` (neither it nor `jwks` given, both given, not
 *   a string or URL, not an absolute https: URL or an http: URL on a loopback host, or carrying
 *   credentials), `jwks`, `jwks.keys`, `jwks.keys[i]` (private key material), `jwks.keys[i].kty`
 *   (not RSA, EC or OKP), `issuer`, `issuer[i]`, `audience`, `audience[i]`, `organizationClaim`,
 *   `tierClaim`, `clientIdClaim` (not a dotted path of non-empty names, at most 256 characters),
 *   `tier`, `algorithms`, `algorithms[i]` (`none`, HS256/384/512 or an unknown name),
 *   `clockToleranceSeconds`, `now`, `fetch`, `jwksCacheMaxAgeMs`, `jwksCooldownMs` or
 *   `jwksTimeoutMs` (out of range, or given with `jwks`). No message contains key material.
 * @example
 * ```ts
 * const authenticator = createJwtAuthenticator({
 *   jwksUrl: 'https://auth.novatrade24.com/realms/nt24-idp/protocol/openid-connect/certs',
 *   issuer: 'https://auth.novatrade24.com/realms/nt24-idp',
 *   audience: 'nt24-management-api',
 *   tierClaim: 'rateLimitTier',
 * });
 * const principal = await authenticator.authenticate(
 *   new Request('https://api.example/v1/me', {
 *     headers: { authorization: `Bearer ${accessToken}` },
 *   }),
 * );
 * // { organizationUuid: '3f1c9a2e-…', tier: 'HIGH_VOLUME', clientId: 'api-client-santander-pilot' }
 * // or null (401) for a missing, expired or foreign token
 * ```
 */
export function createJwtAuthenticator(options: JwtAuthenticatorOptions): Authenticator {
  const config = resolveOptions(options);
  const verifyOptions = {
    algorithms: [...config.algorithms] as JWSAlgorithm[],
    issuer: [...config.issuer],
    audience: [...config.audience],
    clockTolerance: config.clockToleranceSeconds,
    requiredClaims: ['exp'],
  };

  return Object.freeze({
    async authenticate(request: Request): Promise<Principal | null> {
      const token = bearerTokenOf(authorizationOf(request));
      if (token === null || !JWS_COMPACT.test(token)) return null;
      const currentDate = new Date(nowMs(config.now));
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, config.keyOf, { ...verifyOptions, currentDate }));
      } catch (error) {
        if (error instanceof KeySetFailure) {
          throw new WebhookStorageError(
            'authentication_unavailable',
            `${OWNER}: bearer tokens cannot be verified: ${error.message}. Requests are refused until the key set loads.`,
            error.cause === undefined ? undefined : { cause: error.cause },
          );
        }
        // Everything else is about the token: its form, signature, algorithm, key id or claims.
        return null;
      }
      return principalOf(payload, config);
    },
  });
}

interface ResolvedOptions {
  readonly keyOf: JWTVerifyGetKey;
  readonly issuer: readonly string[];
  readonly audience: readonly string[];
  readonly organizationClaim: readonly string[];
  readonly tierClaim: readonly string[] | undefined;
  readonly tier: RateLimitTier;
  readonly clientIdClaim: readonly string[];
  readonly algorithms: readonly JwtAlgorithm[];
  readonly clockToleranceSeconds: number;
  readonly now: () => number;
}

/** The principal the verified claims name, or `null` when they name no usable organization. */
function principalOf(payload: JWTPayload, config: ResolvedOptions): Principal | null {
  // Keycloak's ID, refresh and logout tokens say what they are in `typ`; only access tokens pass.
  if (Object.hasOwn(payload, 'typ') && payload.typ !== 'Bearer') return null;
  const organizationUuid = claimAt(payload, config.organizationClaim);
  if (
    typeof organizationUuid !== 'string' ||
    organizationUuid.length === 0 ||
    organizationUuid.length > MAX_ORGANIZATION_CLAIM_LENGTH
  ) {
    return null;
  }
  const tierValue = config.tierClaim === undefined ? undefined : claimAt(payload, config.tierClaim);
  const tier = isTier(tierValue) ? tierValue : config.tier;
  const clientId =
    clientIdIn(claimAt(payload, config.clientIdClaim)) ??
    clientIdIn(claimAt(payload, [FALLBACK_CLIENT_ID_CLAIM]));
  const principal: Principal =
    clientId === undefined ? { organizationUuid, tier } : { organizationUuid, tier, clientId };
  return Object.freeze(principal);
}

/** The value at `path` in `claims`, through own properties of plain objects only. */
function claimAt(claims: unknown, path: readonly string[]): unknown {
  let value = claims;
  for (const name of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    if (!Object.hasOwn(value, name)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

function isTier(value: unknown): value is RateLimitTier {
  return typeof value === 'string' && (RATE_LIMIT_TIERS as readonly string[]).includes(value);
}

function clientIdIn(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_CLIENT_ID_LENGTH
    ? value
    : undefined;
}

/** The largest epoch milliseconds a `Date` holds (8.64e15: 100 million days). */
const MAX_DATE_MS = 8.64e15;

function nowMs(now: () => number): number {
  const value: unknown = now();
  // jose would refuse such a date for every token, which would read as a 401 for everyone: name
  // the clock instead.
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_DATE_MS) {
    throw invalidOption(
      'now',
      `${OWNER}: \`now()\` must return finite, non-negative epoch milliseconds; got ${describeNumberOption(value)}.`,
      'invalid_type',
    );
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// The key set

/**
 * Why the key set could not be used; `message` is this module's own wording (never a token), and
 * `cause` the error it came from. Private: `authenticate` turns it into `authentication_unavailable`.
 */
class KeySetFailure extends Error {
  constructor(reason: string, cause?: unknown) {
    super(reason, cause === undefined ? undefined : { cause });
    this.name = 'KeySetFailure';
  }
}

/** jose's errors that are about the token, not the key set: the token resolves to `null`. */
function isAboutTheToken(error: unknown): boolean {
  return (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported
  );
}

/** `keySet` with its failures to load or import a key marked as {@link KeySetFailure}. */
function markingFailures(keySet: JWTVerifyGetKey, timeoutMs: number | undefined): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (error) {
      if (error instanceof KeySetFailure || isAboutTheToken(error)) throw error;
      throw new KeySetFailure(reasonOf(error, timeoutMs), error);
    }
  };
}

function reasonOf(error: unknown, timeoutMs: number | undefined): string {
  if (error instanceof errors.JWKSTimeout) {
    return `the key set did not arrive within ${timeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS} ms`;
  }
  if (error instanceof errors.JWKSInvalid) {
    return 'the key set is not a JSON Web Key Set of public keys';
  }
  if (error instanceof errors.JOSEError) {
    return 'the key set is not valid JSON, or a key of it is not valid';
  }
  return 'a key of the key set could not be imported (see cause)';
}

/**
 * The `fetch` jose downloads the key set with: it marks a failed request and an answer other than
 * 200 itself, so the rejection can say which (jose would say neither), and releases the body of
 * an answer it refuses.
 */
function downloader(fetchImpl: typeof fetch | undefined, timeoutMs: number): FetchImplementation {
  return async (url, init) => {
    let response: Response;
    try {
      response = await (fetchImpl ?? globalThis.fetch)(url, init);
    } catch (error) {
      throw new KeySetFailure(
        init.signal.aborted
          ? `the key set did not arrive within ${timeoutMs} ms`
          : 'the key set could not be downloaded (see cause)',
        error,
      );
    }
    const status: unknown = (response as { status?: unknown } | null | undefined)?.status;
    if (typeof status !== 'number') {
      throw new KeySetFailure('the fetch function resolved to something other than a Response');
    }
    if (status !== 200) {
      // Release the connection: the body of a refused answer is not read.
      await response.body?.cancel().catch(() => undefined);
      throw new KeySetFailure(`the key set URL answered HTTP ${status}, not 200`);
    }
    return response;
  };
}

// ---------------------------------------------------------------------------------------------
// Options

function resolveOptions(options: unknown): ResolvedOptions {
  assertOptionsObject(options);
  assertKnownOptions(options, JWT_AUTHENTICATOR_OPTION_NAMES, OWNER);
  // Each option is read once, so a getter cannot answer differently to the check and to the use.
  const {
    jwksUrl,
    jwks,
    issuer,
    audience,
    organizationClaim,
    tierClaim,
    tier,
    clientIdClaim,
    algorithms,
    clockToleranceSeconds,
    now,
    fetch: fetchImpl,
    jwksCacheMaxAgeMs,
    jwksCooldownMs,
    jwksTimeoutMs,
  } = options as Record<(typeof JWT_AUTHENTICATOR_OPTION_NAMES)[number], unknown>;

  let keyOf: JWTVerifyGetKey;
  if (jwksUrl !== undefined && jwks !== undefined) {
    throw invalidOption(
      'jwksUrl',
      `${OWNER}: give \`jwksUrl\` or \`jwks\`, not both.`,
      'invalid_value',
    );
  }
  if (jwks !== undefined) {
    const remoteOnly = { fetch: fetchImpl, jwksCacheMaxAgeMs, jwksCooldownMs, jwksTimeoutMs };
    for (const name of REMOTE_ONLY_OPTIONS) {
      if (remoteOnly[name] !== undefined) {
        throw invalidOption(
          name,
          `${OWNER}: \`${name}\` applies only to a key set downloaded from \`jwksUrl\`; leave it out with \`jwks\`.`,
          'invalid_value',
        );
      }
    }
    keyOf = markingFailures(resolveKeySet(jwks), undefined);
  } else {
    const url = resolveJwksUrl(jwksUrl);
    const timeoutMs = integerOptionOr(
      OWNER,
      'jwksTimeoutMs',
      jwksTimeoutMs,
      DEFAULT_JWKS_TIMEOUT_MS,
      {
        min: 1,
        max: 60_000,
      },
    );
    const cooldownMs = integerOptionOr(
      OWNER,
      'jwksCooldownMs',
      jwksCooldownMs,
      DEFAULT_JWKS_COOLDOWN_MS,
      { min: 0, max: 3_600_000 },
    );
    const cacheMaxAgeMs = integerOptionOr(
      OWNER,
      'jwksCacheMaxAgeMs',
      jwksCacheMaxAgeMs,
      DEFAULT_JWKS_CACHE_MAX_AGE_MS,
      { min: 1_000, max: 86_400_000 },
    );
    checkFunction(fetchImpl, 'fetch', 'the fetch API');
    const remote = createRemoteJWKSet(url, {
      timeoutDuration: timeoutMs,
      cooldownDuration: cooldownMs,
      cacheMaxAge: cacheMaxAgeMs,
      [customFetch]: downloader(fetchImpl as typeof fetch | undefined, timeoutMs),
    });
    keyOf = markingFailures(remote, timeoutMs);
  }

  const resolvedIssuer = resolveStringList(issuer, 'issuer', 'the realm URL');
  const resolvedAudience = resolveStringList(audience, 'audience', 'an audience');
  const resolvedOrganizationClaim = resolveClaimPath(organizationClaim, 'organizationClaim') ?? [
    DEFAULT_ORGANIZATION_CLAIM,
  ];
  const resolvedTierClaim = resolveClaimPath(tierClaim, 'tierClaim');
  const resolvedTier = resolveTier(tier);
  const resolvedClientIdClaim = resolveClaimPath(clientIdClaim, 'clientIdClaim') ?? [
    DEFAULT_CLIENT_ID_CLAIM,
  ];
  const resolvedAlgorithms = resolveAlgorithms(algorithms);
  const tolerance = integerOptionOr(
    OWNER,
    'clockToleranceSeconds',
    clockToleranceSeconds,
    DEFAULT_CLOCK_TOLERANCE_SECONDS,
    { min: 0, max: MAX_CLOCK_TOLERANCE_SECONDS },
  );
  checkFunction(now, 'now', 'a function returning epoch milliseconds');
  return {
    keyOf,
    issuer: resolvedIssuer,
    audience: resolvedAudience,
    organizationClaim: resolvedOrganizationClaim,
    tierClaim: resolvedTierClaim,
    tier: resolvedTier,
    clientIdClaim: resolvedClientIdClaim,
    algorithms: resolvedAlgorithms,
    clockToleranceSeconds: tolerance,
    now: (now as (() => number) | undefined) ?? Date.now,
  };
}

function resolveJwksUrl(value: unknown): URL {
  const expected =
    'an absolute https: URL (http: only on 127.0.0.1, localhost or [::1]), ' +
    "e.g. Keycloak's https://<host>/realms/<realm>/protocol/openid-connect/certs";
  if (value === undefined) {
    throw invalidOption(
      'jwksUrl',
      `${OWNER}: give \`jwksUrl\` (${expected}) or \`jwks\` (an inline key set).`,
      'required',
    );
  }
  let url: URL;
  if (value instanceof URL) {
    url = new URL(value.href);
  } else if (typeof value === 'string') {
    try {
      url = new URL(value);
    } catch {
      throw invalidOption(
        'jwksUrl',
        `${OWNER}: \`jwksUrl\` must be ${expected}; got ${describeValue(value)} that is not an absolute URL.`,
        'invalid_format',
      );
    }
  } else {
    throw invalidOption(
      'jwksUrl',
      `${OWNER}: \`jwksUrl\` must be ${expected}, as a string or URL; got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw invalidOption(
      'jwksUrl',
      `${OWNER}: \`jwksUrl\` must not carry credentials (user:password@); a key set is public.`,
      'invalid_format',
    );
  }
  const loopback = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !loopback) {
    throw invalidOption(
      'jwksUrl',
      `${OWNER}: \`jwksUrl\` must be ${expected}; got a ${url.protocol} URL` +
        (url.protocol === 'http:' ? ' on a host that is not a loopback address.' : '.'),
      'invalid_format',
    );
  }
  return url;
}

function resolveKeySet(value: unknown): JWTVerifyGetKey {
  const expected = '{ keys: [...] }, a JSON Web Key Set of public RSA, EC or OKP keys';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidOption(
      'jwks',
      `${OWNER}: \`jwks\` must be ${expected}; got ${describeValue(value)}.`,
      typeIssueCode(value),
    );
  }
  const { keys } = value as { keys?: unknown };
  if (!Array.isArray(keys)) {
    throw invalidOption(
      'jwks.keys',
      `${OWNER}: \`jwks.keys\` must be an array of public JWKs; got ${describeValue(keys)}.`,
      typeIssueCode(keys),
    );
  }
  if (keys.length === 0) {
    throw invalidOption(
      'jwks.keys',
      `${OWNER}: \`jwks.keys\` must list at least one key; a key set without keys refuses every token.`,
      'too_small',
    );
  }
  keys.forEach((key: unknown, index) => {
    const at = `jwks.keys[${index}]`;
    if (typeof key !== 'object' || key === null || Array.isArray(key)) {
      throw invalidOption(
        at,
        `${OWNER}: \`${at}\` must be a public JWK (an object with kty); got ${describeValue(key)}.`,
        typeIssueCode(key),
      );
    }
    const { kty } = key as { kty?: unknown };
    if (typeof kty !== 'string') {
      throw invalidOption(
        `${at}.kty`,
        `${OWNER}: \`${at}.kty\` must be RSA, EC or OKP; got ${describeValue(kty)}.`,
        typeIssueCode(kty),
      );
    }
    if (!KEY_TYPES.includes(kty)) {
      throw invalidOption(
        `${at}.kty`,
        kty === 'oct'
          ? `${OWNER}: \`${at}\` is a symmetric (oct) key; only public RSA, EC or OKP keys verify bearer tokens.`
          : `${OWNER}: \`${at}.kty\` must be RSA, EC or OKP; got ${describeValue(kty)}.`,
        'invalid_value',
      );
    }
    const secret = PRIVATE_KEY_MEMBERS.filter((member) => Object.hasOwn(key, member));
    if (secret.length > 0) {
      throw invalidOption(
        at,
        `${OWNER}: \`${at}\` holds private key material (${secret.join(', ')}); give the public key only ` +
          '(export it with its private members left out).',
        'invalid_value',
      );
    }
  });
  try {
    // jose keeps its own copy, so changing the options afterwards changes nothing.
    return createLocalJWKSet(value as { keys: JWK[] });
  } catch {
    throw invalidOption(
      'jwks',
      `${OWNER}: \`jwks\` must be ${expected}; it could not be read as one.`,
      'invalid_value',
    );
  }
}

function resolveStringList(value: unknown, name: string, example: string): readonly string[] {
  const expected = `${example} as a non-empty string, or a non-empty list of them`;
  if (typeof value === 'string') {
    if (value.length === 0) {
      throw invalidOption(
        name,
        `${OWNER}: \`${name}\` must be ${expected}; got an empty string.`,
        'too_small',
      );
    }
    return [value];
  }
  if (!Array.isArray(value)) {
    throw invalidOption(
      name,
      `${OWNER}: \`${name}\` must be ${expected}; got ${describeValue(value)}.`,
      typeIssueCode(value),
    );
  }
  if (value.length === 0) {
    throw invalidOption(
      name,
      `${OWNER}: \`${name}\` must be ${expected}; got an empty list, which accepts no token.`,
      'too_small',
    );
  }
  return value.map((item: unknown, index) => {
    if (typeof item !== 'string' || item.length === 0) {
      throw invalidOption(
        `${name}[${index}]`,
        `${OWNER}: \`${name}[${index}]\` must be a non-empty string; got ${describeValue(item)}.`,
        typeof item === 'string' ? 'too_small' : typeIssueCode(item),
      );
    }
    return item;
  });
}

/** A claim path as its names, or `undefined` when the option is left out. */
function resolveClaimPath(value: unknown, name: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const expected = `a claim name, or a dotted path of non-empty names (org.uuid), of 1 to ${MAX_CLAIM_PATH_LENGTH} characters`;
  if (typeof value !== 'string') {
    throw invalidOption(
      name,
      `${OWNER}: \`${name}\` must be ${expected}; got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
  if (value.length === 0 || value.length > MAX_CLAIM_PATH_LENGTH) {
    throw invalidOption(
      name,
      `${OWNER}: \`${name}\` must be ${expected}; got ${describeValue(value)}.`,
      value.length === 0 ? 'too_small' : 'too_big',
    );
  }
  const path = value.split('.');
  if (path.some((part) => part.length === 0)) {
    throw invalidOption(
      name,
      `${OWNER}: \`${name}\` must be ${expected}; got a path with an empty name (a leading, trailing or doubled dot).`,
      'invalid_format',
    );
  }
  return path;
}

function resolveTier(tier: unknown): RateLimitTier {
  if (tier === undefined) return DEFAULT_JWT_TIER;
  if (!isTier(tier)) {
    throw invalidOption(
      'tier',
      `${OWNER}: \`tier\` must be one of ${RATE_LIMIT_TIERS.join(', ')} (or left out for ${DEFAULT_JWT_TIER}); got ${describeValue(tier)}.`,
      typeof tier === 'string' ? 'invalid_value' : 'invalid_type',
    );
  }
  return tier;
}

function resolveAlgorithms(value: unknown): readonly JwtAlgorithm[] {
  if (value === undefined) return DEFAULT_JWT_ALGORITHMS;
  const expected = `a non-empty list of ${JWT_ALGORITHMS.join(', ')}`;
  if (!Array.isArray(value)) {
    throw invalidOption(
      'algorithms',
      `${OWNER}: \`algorithms\` must be ${expected}; got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
  if (value.length === 0) {
    throw invalidOption(
      'algorithms',
      `${OWNER}: \`algorithms\` must be ${expected}; got an empty list, which accepts no token.`,
      'too_small',
    );
  }
  return value.map((algorithm: unknown, index) => {
    const at = `algorithms[${index}]`;
    if (typeof algorithm !== 'string') {
      throw invalidOption(
        at,
        `${OWNER}: \`${at}\` must be one of ${JWT_ALGORITHMS.join(', ')}; got ${describeValue(algorithm)}.`,
        'invalid_type',
      );
    }
    if (!(JWT_ALGORITHMS as readonly string[]).includes(algorithm)) {
      const unsafe = algorithm.toLowerCase() === 'none' || /^hs\d+$/i.test(algorithm);
      throw invalidOption(
        at,
        unsafe
          ? `${OWNER}: \`${at}\` names an unsigned or symmetric algorithm (none, HS256, HS384, HS512); ` +
              'a key-set verifier accepts asymmetric signatures only, or a token "signed" with a public key as an HMAC secret could pass.'
          : `${OWNER}: \`${at}\` must be one of ${JWT_ALGORITHMS.join(', ')}; got ${describeValue(algorithm)}.`,
        'invalid_value',
      );
    }
    return algorithm as JwtAlgorithm;
  });
}

function checkFunction(value: unknown, name: string, expected: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw invalidOption(
      name,
      `${OWNER}: \`${name}\` must be ${expected}, or left out; got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
}
