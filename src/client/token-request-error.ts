import { WebhookClientError } from '../core/errors.js';

/**
 * The `error` codes of RFC 6749 §5.2 (and the two of §4.1.2.1 that servers also answer with) that
 * {@link TokenRequestError.oauthError} reports. Another value is not reported: the token endpoint
 * is outside this package's control, and its text could echo what it was sent.
 *
 * @example
 * ```ts
 * OAUTH_ERROR_CODES.includes('invalid_client'); // true
 * if (err instanceof TokenRequestError && err.oauthError === 'invalid_client') alertOps();
 * ```
 */
export const OAUTH_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
  'server_error',
  'temporarily_unavailable',
] as const;

/**
 * A documented OAuth2 `error` code, e.g. `invalid_client`.
 *
 * @example
 * ```ts
 * const fixByConfiguration: OAuthErrorCode[] = ['invalid_client', 'unauthorized_client', 'invalid_scope'];
 * ```
 */
export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

/**
 * Why the token could not be obtained.
 *
 * @example
 * ```ts
 * if (err instanceof TokenRequestError && err.failure === 'network') retryLater();
 * ```
 */
export type TokenRequestFailure =
  /** The endpoint answered an error status (see `status` and `oauthError`). */
  | 'refused'
  /** No answer came (see `cause`). */
  | 'network'
  /** A 2xx without a usable bearer `access_token` or with a bad `expires_in`. */
  | 'unexpected_response';

/**
 * What a {@link TokenRequestError} is made of.
 *
 * @example
 * ```ts
 * // A test double of a token endpoint that refused the credentials:
 * const refused = new TokenRequestError({ failure: 'refused', status: 401, oauthError: 'invalid_client' });
 * ```
 */
export interface TokenRequestErrorInit {
  readonly failure: TokenRequestFailure;
  /** The HTTP status, when an answer came. */
  readonly status?: number | undefined;
  /** The answer's OAuth2 `error`, when it is one of {@link OAUTH_ERROR_CODES}. */
  readonly oauthError?: OAuthErrorCode | undefined;
  /** `Retry-After` in seconds (rounded up), when a 429 or 503 had one. */
  readonly retryAfterSeconds?: number | undefined;
  /**
   * The `Idempotency-Key` of the write whose retry needed this token, when an attempt of that
   * write had already been sent (so it may have happened).
   */
  readonly idempotencyKey?: string | undefined;
  readonly cause?: unknown;
}

const HINTS: Readonly<Partial<Record<OAuthErrorCode, string>>> = {
  invalid_client: 'check auth.clientId and auth.clientSecret',
  unauthorized_client: 'enable the client credentials grant (service account) for auth.clientId',
  invalid_scope: 'check auth.scope',
  unsupported_grant_type: 'enable the client credentials grant for auth.clientId',
};

/**
 * The OAuth2 token endpoint (`auth.tokenUrl`) did not give a token: it refused (`status`, and the
 * standard `oauthError` such as `invalid_client`), could not be reached, or answered something
 * that is not a bearer token. Code `token_request_failed`. Neither the message nor any property
 * holds the client secret, a token or the endpoint's `error_description`. A 429, a 5xx or a
 * network failure was retried like any call before this was thrown.
 *
 * `idempotencyKey` is set when the call was a write and one of its attempts had been sent before
 * the token failed (a retry needed a new token): that write may have happened, so retry it with
 * this key. Each such call gets an error of its own (the shared token request's fields and
 * `cause`, plus its key); `undefined` when nothing was sent, so nothing was written.
 *
 * @example
 * ```ts
 * if (err instanceof TokenRequestError && err.oauthError === 'invalid_client') alertOps();
 * ```
 */
export class TokenRequestError extends WebhookClientError<'token_request_failed'> {
  /** Why no token came. */
  readonly failure: TokenRequestFailure;
  /** The answer's OAuth2 `error`, when it is a documented code. */
  readonly oauthError: OAuthErrorCode | undefined;
  /** `Retry-After` in seconds (rounded up), when the answer had one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: TokenRequestErrorInit) {
    super('token_request_failed', messageOf(init), {
      status: init.status,
      cause: init.cause,
      idempotencyKey: init.idempotencyKey,
    });
    this.name = 'TokenRequestError';
    this.failure = init.failure;
    this.oauthError = init.oauthError;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

function messageOf(init: TokenRequestErrorInit): string {
  switch (init.failure) {
    case 'network':
      return 'Token request failed: no answer from auth.tokenUrl; check the URL and the network.';
    case 'unexpected_response':
      return (
        `Token request failed: auth.tokenUrl answered ${init.status ?? 'a 2xx'} without a usable ` +
        'bearer access_token and expires_in; check that auth.tokenUrl is the OAuth2 token endpoint.'
      );
    default: {
      const hint = init.oauthError === undefined ? undefined : HINTS[init.oauthError];
      const status = init.status ?? 'an error';
      return (
        `Token request failed: auth.tokenUrl answered ${status}` +
        `${init.oauthError === undefined ? '' : ` (${init.oauthError})`}` +
        `${hint === undefined ? '' : `; ${hint}`}.`
      );
    }
  }
}
