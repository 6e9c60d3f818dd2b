// The bearer token of each attempt. For client credentials: one token cached and refreshed from
// 60 s before `expires_in` runs out (half its life when that is 120 s or less, so a short-lived
// token is still used). In that margin the cached token still works, so a call goes on with it at
// once while the refresh runs behind it: no call waits for the token endpoint (or for its
// `timeoutMs` when it hangs) while an unexpired token is at hand, and a slow or failed refresh
// costs nothing before the token actually expires. One token request however many calls need a
// token at once (single flight), whether they wait for it or not; a failed one is not cached, so
// the next call in the margin starts another. A call waits for a token request only when no
// unexpired token is cached: the first call, after expiry, and after a 401 dropped the token that
// failed (only if it is still the cached one: a concurrent call may have replaced it already). A
// token request has its own deadline (`timeoutMs`), so one that never answers cannot hold the
// calls waiting for it for good. The secret goes into the request body only; no error holds it,
// the token or the endpoint's `error_description`.

import { WebhookValidationError } from '../../core/errors.js';
import { describeValue } from '../../core/internal/describe-value.js';
import {
  OAUTH_ERROR_CODES,
  type OAuthErrorCode,
  TokenRequestError,
} from '../token-request-error.js';
import { abortable } from './abortable.js';
import { isHeaderToken, MAX_TOKEN_LENGTH } from './header-safe.js';
import { readCappedText } from './read-capped-text.js';
import { jsonObjectOf } from './read-error-body.js';
import type { ResolvedAuth } from './resolve-client-auth.js';
import { retryAfterMsOf } from './retry-after-ms-of.js';
import { withDeadline } from './with-deadline.js';

/** How long before `expires_in` runs out a token is refreshed, at most. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;

/** The most of a token endpoint's answer read; a token answer is a few kilobytes. */
const MAX_TOKEN_RESPONSE_BYTES = 256 * 1024;

/** Where the bearer token of each attempt comes from. */
export interface TokenSource {
  /**
   * The token to send now: the cached one while it has not expired (starting a refresh behind it
   * in the refresh margin), else the answer of a token request, waited for (ended early by
   * `signal`).
   */
  get(signal: AbortSignal | undefined): Promise<string>;
  /**
   * The API answered 401 to `token`: drops it, and tells whether one retry with a new token
   * makes sense (not for a static token, which would fail alike).
   */
  invalidate(token: string): boolean;
}

/** What the token source needs from the HTTP core. */
export interface TokenSourceDeps {
  /** The `fetch` to use, looked up per request. */
  readonly fetch: () => typeof fetch;
  /** The current time, epoch milliseconds. */
  readonly now: () => number;
  /** The `User-Agent` to send, if any. */
  readonly userAgent: string | undefined;
  /** The public factory, named in messages. */
  readonly owner: string;
  /**
   * Milliseconds a token request may take, body included: one that has not answered by then is
   * aborted and fails as `network` (its `cause` a `TimeoutError`), so the calls waiting for it
   * are freed and the next one starts a new request.
   */
  readonly timeoutMs: number;
}

/** A cached token, when to refresh it and when it stops working. */
interface CachedToken {
  readonly token: string;
  /** Epoch milliseconds; `Infinity` when the answer had no `expires_in` (used until a 401). */
  readonly refreshAtMs: number;
  /**
   * `obtainedAt + expires_in`, epoch milliseconds (`Infinity` without `expires_in`): until then
   * calls use this token without waiting, whatever becomes of its refresh.
   */
  readonly expiresAtMs: number;
}

/**
 * When a token obtained at `obtainedAtMs` with `expiresInSeconds` is refreshed: 60 s before it
 * expires, or at half its life when that is 120 s or less (so the margin never eats the whole
 * life, and a refresh is never due before the token is used). Without `expires_in`, never (a 401
 * refreshes it).
 *
 * @example
 * ```ts
 * tokenRefreshAtMs(0, 300); // 240000
 * tokenRefreshAtMs(0, 60); // 30000
 * ```
 */
export function tokenRefreshAtMs(
  obtainedAtMs: number,
  expiresInSeconds: number | undefined,
): number {
  if (expiresInSeconds === undefined) return Number.POSITIVE_INFINITY;
  const lifeMs = expiresInSeconds * 1000;
  return obtainedAtMs + lifeMs - Math.min(TOKEN_REFRESH_MARGIN_MS, lifeMs / 2);
}

/**
 * The token source for `auth`.
 *
 * @example
 * ```ts
 * const tokens = createTokenSource(resolveClientAuth(options.auth, owner), deps);
 * const token = await tokens.get(call.signal);
 * ```
 */
export function createTokenSource(auth: ResolvedAuth, deps: TokenSourceDeps): TokenSource {
  switch (auth.kind) {
    case 'static':
      return { get: () => Promise.resolve(auth.token), invalidate: () => false };
    case 'provider':
      return {
        get: async (signal) => {
          // Before calling it: a token nobody waits for would be a rejection nobody handles.
          signal?.throwIfAborted();
          return abortable(provided(auth.provide, deps.owner), signal);
        },
        invalidate: () => true,
      };
    default:
      return credentialsSource(auth, deps);
  }
}

async function provided(provide: () => string | Promise<string>, owner: string): Promise<string> {
  const token: unknown = await provide();
  if (!isHeaderToken(token, MAX_TOKEN_LENGTH)) {
    throw new WebhookValidationError(
      'invalid_option',
      `${owner}: the \`auth\` function must return 1 to ${MAX_TOKEN_LENGTH} visible ASCII ` +
        `characters (the token alone, without "Bearer "); it returned ${describeValue(token)}.`,
      {
        issues: [{ path: 'auth', code: 'invalid_format', message: 'returned no usable token' }],
      },
    );
  }
  return token as string;
}

function credentialsSource(
  auth: Extract<ResolvedAuth, { kind: 'credentials' }>,
  deps: TokenSourceDeps,
): TokenSource {
  let cached: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;

  const start = (): Promise<CachedToken> => {
    const flight = requestToken(auth, deps).then(
      (token) => {
        cached = token;
        inFlight = undefined;
        return token;
      },
      (error: unknown) => {
        inFlight = undefined; // not cached: the next call asks again
        throw error;
      },
    );
    // Nobody may wait for it (a refresh in the margin, or every waiter aborted): its failure must
    // not surface as an unhandled rejection. It is not cached either: the next call asks again.
    flight.catch(() => undefined);
    return flight;
  };

  return {
    async get(signal) {
      signal?.throwIfAborted();
      const current = cached;
      const nowMs = deps.now();
      if (current !== undefined && nowMs < current.expiresAtMs) {
        // In the margin: refresh behind the call, one request at a time, never waited for.
        if (nowMs >= current.refreshAtMs) inFlight ??= start();
        return current.token;
      }
      inFlight ??= start();
      return (await abortable(inFlight, signal)).token;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
      return true;
    },
  };
}

/** One token request; throws TokenRequestError for every failure. */
async function requestToken(
  auth: Extract<ResolvedAuth, { kind: 'credentials' }>,
  deps: TokenSourceDeps,
): Promise<CachedToken> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: auth.clientId,
    client_secret: auth.clientSecret,
  });
  if (auth.scope !== undefined) form.set('scope', auth.scope);
  const headers = new Headers({
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  });
  if (deps.userAgent !== undefined) headers.set('User-Agent', deps.userAgent);
  const obtainedAtMs = deps.now();
  // Its own deadline, and no caller's signal: many calls share this request (single flight), and
  // one that stops waiting must not end it for the others.
  const { response, text } = await withDeadline(
    async (signal) => {
      try {
        // Never followed: a 307/308 would send the secret on to wherever it points. `manual`,
        // not `error`, which Cloudflare's workerd refuses to construct (the edge suite runs there).
        const answered = await deps.fetch()(auth.tokenUrl, {
          method: 'POST',
          headers,
          body: form.toString(),
          redirect: 'manual',
          signal,
        });
        return {
          response: answered,
          text: await readCappedText(answered, MAX_TOKEN_RESPONSE_BYTES),
        };
      } catch (cause) {
        throw new TokenRequestError({ failure: 'network', cause });
      }
    },
    {
      timeoutMs: deps.timeoutMs,
      timedOut: (cause) => new TokenRequestError({ failure: 'network', cause }),
    },
  );
  // A redirect (a 3xx where fetch hands it over, an `opaqueredirect` with status 0 in browsers)
  // is not the token endpoint's answer.
  if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
    throw new TokenRequestError({ failure: 'unexpected_response', status: response.status });
  }
  const body = jsonObjectOf(text);
  if (!response.ok) {
    const retryAfterMs =
      response.status === 429 || response.status === 503
        ? retryAfterMsOf(response.headers.get('Retry-After'), deps.now())
        : undefined;
    throw new TokenRequestError({
      failure: 'refused',
      status: response.status,
      oauthError: oauthErrorOf(body?.error),
      retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
    });
  }
  const token = body?.access_token;
  const tokenType = body?.token_type;
  const expiresIn = expiresInOf(body?.expires_in);
  if (
    !isHeaderToken(token, MAX_TOKEN_LENGTH) ||
    (tokenType !== undefined &&
      (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer')) ||
    expiresIn === null
  ) {
    throw new TokenRequestError({ failure: 'unexpected_response', status: response.status });
  }
  return {
    token: token as string,
    refreshAtMs: tokenRefreshAtMs(obtainedAtMs, expiresIn),
    expiresAtMs:
      expiresIn === undefined ? Number.POSITIVE_INFINITY : obtainedAtMs + expiresIn * 1000,
  };
}

const OAUTH_ERRORS: ReadonlySet<string> = new Set(OAUTH_ERROR_CODES);

function oauthErrorOf(value: unknown): OAuthErrorCode | undefined {
  return typeof value === 'string' && OAUTH_ERRORS.has(value)
    ? (value as OAuthErrorCode)
    : undefined;
}

/**
 * `expires_in` in seconds: `undefined` when absent, `null` when present but not a non-negative
 * number (Keycloak sends an integer; a digit string is taken too).
 */
function expiresInOf(value: unknown): number | undefined | null {
  if (value === undefined) return undefined;
  const seconds = typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}
