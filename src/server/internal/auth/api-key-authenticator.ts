// Static API keys: each configured token authenticates as one organization. The keys are long-lived
// secrets, so the authenticator is careful with them:
//
// - A presented token is never looked up by its own value (a Map or string comparison on the
//   secret ends at the first differing character, and the time that takes can be measured). The
//   authenticator keeps the SHA-256 digest of each configured token, digests the presented one, and
//   compares it with every configured digest in constant time, with no early exit: the time depends
//   on the number of keys, never on which key (if any) matched or how close a guess came. Static
//   key lists are short (one key per client), so the scan costs microseconds.
// - Digests come from WebCrypto (`crypto.subtle.digest`), present on Node >= 20, browsers,
//   Workers, Deno and Bun. They are computed at the first request (digesting is asynchronous and
//   construction is not), and computed again if that fails. The authenticator keeps its copy of the
//   tokens: they stay in memory anyway (the caller's options hold them), and the digests are there
//   for the constant-time comparison, not to keep the tokens out of memory.
// - Every option is checked at construction. Messages name a key by its index (`keys[2].token`),
//   never by its token, and describe a rejected token by its length only. The keys are a list,
//   not a record keyed by token, so no error path or option dump can carry a secret.
// - Rate limits are counted per organization, with the limits of the principal's tier, so the keys
//   of one organization must give it one tier (a key without a tier gives STANDARD): two tiers
//   would check one counter against two limits, and `X-RateLimit-Limit` would change between calls.

import { WebhookValidationError } from '../../../core/errors.js';
import { assertKnownOptions } from '../../../core/internal/assert-known-options.js';
import { assertOptionsObject } from '../../../core/internal/assert-options-object.js';
import { constantTimeEqual, utf8Encode } from '../../../core/internal/bytes.js';
import { describeValue } from '../../../core/internal/describe-value.js';
import { invalidOption } from '../../../core/internal/invalid-option.js';
import { typeIssueCode } from '../../../core/internal/type-issue-code.js';
import { assertOrganization } from '../../../sender/internal/assert-organization.js';
import { RATE_LIMIT_TIERS, type RateLimitTier } from '../rate-limit/rate-limit-policy.js';
import type { Authenticator, Principal } from './authenticator.js';
import { authorizationOf, bearerTokenOf, isBearerToken } from './bearer-token.js';

/** One static API key: the token a client sends as a Bearer token, and whom it names. */
export interface ApiKey {
  /**
   * The secret: an RFC 6750 bearer token (`A-Z a-z 0-9 - . _ ~ + /`, then optional trailing `=`)
   * of {@link MIN_API_KEY_LENGTH} to {@link MAX_API_KEY_LENGTH} characters. Generate it randomly
   * (32 random bytes in base64url, say); each key's token must be unique.
   */
  readonly token: string;
  /** The organization the key authenticates as: a non-empty string of at most 128 characters. */
  readonly organizationUuid: string;
  /**
   * The organization's rate-limit tier: every key of one organization must give the same tier
   * (leaving it out counts as `'STANDARD'`), since its rate limits are counted per organization.
   * @default 'STANDARD'
   */
  readonly tier?: RateLimitTier | undefined;
  /** The API client the key belongs to, for logs: 1 to 128 characters. */
  readonly clientId?: string | undefined;
}

/** Options of {@link createApiKeyAuthenticator}. */
export interface ApiKeyAuthenticatorOptions {
  /** The accepted keys: at least one, each with its own token, one tier per organization. */
  readonly keys: readonly ApiKey[];
}

/** Every option of {@link ApiKeyAuthenticatorOptions}. */
export const API_KEY_AUTHENTICATOR_OPTION_NAMES = [
  'keys',
] as const satisfies readonly (keyof ApiKeyAuthenticatorOptions)[];

/** Every field of {@link ApiKey}. */
export const API_KEY_FIELD_NAMES = [
  'token',
  'organizationUuid',
  'tier',
  'clientId',
] as const satisfies readonly (keyof ApiKey)[];

/** The shortest token accepted: a static key is a long-lived secret, hard to guess only if long. */
export const MIN_API_KEY_LENGTH = 16;

/** The longest token accepted (well inside the `Authorization` header's cap). */
export const MAX_API_KEY_LENGTH = 1024;

/** The longest `clientId` accepted. */
export const MAX_CLIENT_ID_LENGTH = 128;

/** The tier of a key that gives none. */
export const DEFAULT_API_KEY_TIER: RateLimitTier = 'STANDARD';

const OWNER = 'createApiKeyAuthenticator';

/**
 * An {@link Authenticator} for static API keys: a request carrying `Authorization: Bearer <token>`
 * with a configured token authenticates as that key's organization, tier and client. Every other
 * request (no header, another scheme, a malformed or unknown token) resolves to `null`; no request
 * makes it reject. Tokens are compared as SHA-256 digests in constant time.
 *
 * @param options - `keys`, the accepted keys.
 * @param digest - the SHA-256 used for tokens. @default WebCrypto's
 * @returns the authenticator.
 * @throws WebhookValidationError `invalid_option` naming the faulty path: `options`, `keys` (not
 *   a non-empty array, or an unknown option), `keys[i]` (not an object, or an unknown field),
 *   `keys[i].token` (not a string, empty, shorter than 16 or longer than 1024 characters, not an
 *   RFC 6750 token, or the same as an earlier key's), `keys[i].organizationUuid`, `keys[i].tier`
 *   (not STANDARD, HIGH_VOLUME or ENTERPRISE, or not the tier of an earlier key of the same
 *   organization, STANDARD counting for a key without one) or `keys[i].clientId`. No message
 *   contains a token.
 * @example
 * ```ts
 * const authenticator = createApiKeyAuthenticator({
 *   keys: [
 *     {
 *       token: 'nt24_live_4f9c2b7e8a1d6053b2e9',
 *       organizationUuid: '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03',
 *       tier: 'HIGH_VOLUME',
 *       clientId: 'api-client-santander-pilot',
 *     },
 *   ],
 * });
 * const principal = await authenticator.authenticate(
 *   new Request('https://api.example/v1/me', {
 *     headers: { authorization: 'Bearer nt24_live_4f9c2b7e8a1d6053b2e9' },
 *   }),
 * );
 * // { organizationUuid: '3f1c9a2e-…', tier: 'HIGH_VOLUME', clientId: 'api-client-santander-…' }
 * ```
 */
export function createApiKeyAuthenticator(
  options: ApiKeyAuthenticatorOptions,
  digest: Sha256 = webCryptoSha256,
): Authenticator {
  const keys = resolveKeys(options);
  const principals = keys.map(({ principal }) => principal);
  const tokens = keys.map(({ token }) => token);
  let digests: Promise<readonly Uint8Array[]> | undefined;

  function configuredDigests(): Promise<readonly Uint8Array[]> {
    if (digests === undefined) {
      const pending = Promise.all(tokens.map(async (token) => digest(token)));
      digests = pending;
      // A failed digest is not kept: the next request tries again.
      pending.catch(() => {
        if (digests === pending) digests = undefined;
      });
    }
    return digests;
  }

  return Object.freeze({
    async authenticate(request: Request): Promise<Principal | null> {
      const token = bearerTokenOf(authorizationOf(request));
      // A length no key can have is no secret: refuse it without digesting.
      if (
        token === null ||
        token.length < MIN_API_KEY_LENGTH ||
        token.length > MAX_API_KEY_LENGTH
      ) {
        return null;
      }
      const [presented, configured] = await Promise.all([digest(token), configuredDigests()]);
      let match: Principal | null = null;
      // Every digest is compared, whether or not an earlier one matched.
      for (let i = 0; i < configured.length; i++) {
        if (constantTimeEqual(presented, configured[i] as Uint8Array)) {
          match = principals[i] as Principal;
        }
      }
      return match;
    },
  });
}

/**
 * A SHA-256 of a string's UTF-8 bytes. WebCrypto's is the default (every runtime); on Node the
 * `/server` entry passes `node:crypto`'s synchronous one, as WebCrypto's digest waits a round trip
 * to a worker thread: about 30 to 100 µs a request against 2 to 5 µs (`npm run bench -- server`).
 */
export type Sha256 = (text: string) => Uint8Array | Promise<Uint8Array>;

async function webCryptoSha256(text: string): Promise<Uint8Array> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', utf8Encode(text) as BufferSource);
  return new Uint8Array(digest);
}

interface ResolvedKey {
  readonly token: string;
  readonly principal: Principal;
}

function resolveKeys(options: unknown): ResolvedKey[] {
  assertOptionsObject(options);
  assertKnownNames(options, API_KEY_AUTHENTICATOR_OPTION_NAMES, '');
  const { keys } = options as { keys?: unknown };
  if (!Array.isArray(keys)) {
    throw invalidOption(
      'keys',
      `${OWNER}: \`keys\` must be an array of { token, organizationUuid, tier?, clientId? }; got ${describeValue(keys)}.`,
      typeIssueCode(keys),
    );
  }
  if (keys.length === 0) {
    throw invalidOption(
      'keys',
      `${OWNER}: \`keys\` must list at least one key; an authenticator without keys refuses every request.`,
      'too_small',
    );
  }
  const firstIndexOf = new Map<string, number>();
  const firstOfOrganization = new Map<string, { index: number; tier: RateLimitTier }>();
  return keys.map((key: unknown, index) => {
    const resolved = resolveKey(key, `keys[${index}]`);
    const first = firstIndexOf.get(resolved.token);
    if (first !== undefined) {
      throw invalidOption(
        `keys[${index}].token`,
        `${OWNER}: \`keys[${index}].token\` is the same as \`keys[${first}].token\`; each key needs its own token.`,
        'invalid_value',
      );
    }
    firstIndexOf.set(resolved.token, index);
    const { organizationUuid, tier } = resolved.principal;
    const sameOrganization = firstOfOrganization.get(organizationUuid);
    if (sameOrganization !== undefined && sameOrganization.tier !== tier) {
      throw invalidOption(
        `keys[${index}].tier`,
        `${OWNER}: \`keys[${index}].tier\` is ${tier} but \`keys[${sameOrganization.index}]\`, of the same organization, has tier ${sameOrganization.tier}` +
          ` (a key without a tier has ${DEFAULT_API_KEY_TIER}); rate limits are counted per organization, so all its keys need the same tier.`,
        'invalid_value',
      );
    }
    if (sameOrganization === undefined) firstOfOrganization.set(organizationUuid, { index, tier });
    return resolved;
  });
}

function resolveKey(key: unknown, at: string): ResolvedKey {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) {
    throw invalidOption(
      at,
      `${OWNER}: \`${at}\` must be an object { token, organizationUuid, tier?, clientId? }; got ${describeValue(key)}.`,
      typeIssueCode(key),
    );
  }
  assertKnownNames(key, API_KEY_FIELD_NAMES, at);
  // Each field is read once, so a getter cannot answer differently to the check and to the copy.
  const { token, organizationUuid, tier, clientId } = key as Record<
    (typeof API_KEY_FIELD_NAMES)[number],
    unknown
  >;
  checkToken(token, `${at}.token`);
  checkOrganization(organizationUuid, `${at}.organizationUuid`);
  const resolvedTier = resolveTier(tier, `${at}.tier`);
  checkClientId(clientId, `${at}.clientId`);
  const principal: Principal =
    clientId === undefined
      ? { organizationUuid, tier: resolvedTier }
      : { organizationUuid, tier: resolvedTier, clientId };
  return { token, principal: Object.freeze(principal) };
}

function checkToken(token: unknown, path: string): asserts token is string {
  const expected = `an RFC 6750 bearer token (A-Z a-z 0-9 - . _ ~ + /, then optional trailing =) of ${MIN_API_KEY_LENGTH} to ${MAX_API_KEY_LENGTH} characters`;
  if (typeof token !== 'string') {
    throw invalidOption(
      path,
      `${OWNER}: \`${path}\` must be ${expected}; got ${describeValue(token)}.`,
      typeIssueCode(token),
    );
  }
  if (token.length < MIN_API_KEY_LENGTH || token.length > MAX_API_KEY_LENGTH) {
    throw invalidOption(
      path,
      `${OWNER}: \`${path}\` must be ${expected}; got ${describeValue(token)}. ` +
        'Generate it randomly, e.g. 32 random bytes in base64url.',
      token.length < MIN_API_KEY_LENGTH ? 'too_small' : 'too_big',
    );
  }
  if (!isBearerToken(token)) {
    throw invalidOption(
      path,
      `${OWNER}: \`${path}\` must be ${expected}; got ${describeValue(token)} with other characters ` +
        '(spaces, commas, quotes or non-ASCII cannot be sent in an Authorization header).',
      'invalid_format',
    );
  }
}

function checkOrganization(value: unknown, path: string): asserts value is string {
  try {
    assertOrganization(value);
  } catch (error) {
    if (!(error instanceof WebhookValidationError)) throw error;
    const code = error.issues[0]?.code ?? 'invalid_value';
    throw invalidOption(
      path,
      `${OWNER}: \`${path}\` must be a non-empty string of at most 128 characters; got ${describeValue(value)}.`,
      code,
    );
  }
}

function resolveTier(tier: unknown, path: string): RateLimitTier {
  if (tier === undefined) return DEFAULT_API_KEY_TIER;
  if (typeof tier !== 'string' || !(RATE_LIMIT_TIERS as readonly string[]).includes(tier)) {
    throw invalidOption(
      path,
      `${OWNER}: \`${path}\` must be one of ${RATE_LIMIT_TIERS.join(', ')} (or left out for ${DEFAULT_API_KEY_TIER}); got ${describeValue(tier)}.`,
      typeof tier === 'string' ? 'invalid_value' : 'invalid_type',
    );
  }
  return tier as RateLimitTier;
}

function checkClientId(clientId: unknown, path: string): asserts clientId is string | undefined {
  if (clientId === undefined) return;
  if (
    typeof clientId !== 'string' ||
    clientId.length === 0 ||
    clientId.length > MAX_CLIENT_ID_LENGTH
  ) {
    throw invalidOption(
      path,
      `${OWNER}: \`${path}\` must be a string of 1 to ${MAX_CLIENT_ID_LENGTH} characters, or left out; got ${describeValue(clientId)}.`,
      typeof clientId !== 'string'
        ? 'invalid_type'
        : clientId.length === 0
          ? 'too_small'
          : 'too_big',
    );
  }
}

/**
 * `assertKnownOptions` for the options (`at` = '') or one key (`at` = `keys[i]`), with issue paths
 * from the options. Its message quotes an unknown name when it looks like an identifier; a name
 * that could be a token (keys passed as a record keyed by token, by mistake) is withheld instead.
 */
function assertKnownNames(value: object, known: readonly string[], at: string): void {
  const caller = at === '' ? OWNER : `${OWNER} \`${at}\``;
  try {
    assertKnownOptions(value, known, caller);
  } catch (error) {
    if (!(error instanceof WebhookValidationError)) throw error;
    const unknown = Object.keys(value).filter((name) => !known.includes(name));
    const mayBeToken = unknown.some(
      (name) => name.length >= MIN_API_KEY_LENGTH && isBearerToken(name),
    );
    const message = mayBeToken
      ? `${caller}: unknown ${unknown.length === 1 ? 'name' : 'names'} (withheld: one may be an API key). ` +
        `Known names: ${known.join(', ')}. Pass the keys as { keys: [{ token, organizationUuid }] }.`
      : error.message;
    throw new WebhookValidationError('invalid_option', message, {
      issues: error.issues.map((issue) => ({
        ...issue,
        path: mayBeToken ? at : pathUnder(at, issue.path),
        message: mayBeToken ? 'unknown name (withheld)' : issue.message,
      })),
    });
  }
}

/** `path` (relative to the part at `at`; `''` is the part itself) as a path from the options. */
function pathUnder(at: string, path: string): string {
  if (at === '') return path;
  return path === '' ? at : `${at}.${path}`;
}
