// The Bearer credentials of an `Authorization` header (RFC 6750 §2.1):
//
//   credentials = "Bearer" 1*SP b64token
//   b64token    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//
// The scheme is case-insensitive (RFC 9110 §11.1); the token is returned as sent. Anything else is
// not Bearer credentials: another scheme, no token, two tokens, a token with a space, a comma (a
// header sent twice arrives joined by `, `) or any other character, or a header past
// MAX_AUTHORIZATION_HEADER_LENGTH. The pattern has no nested quantifiers, so it runs in linear time
// on any input, and the length cap bounds even that.
//
// A 401 answer names the scheme in `WWW-Authenticate` (RFC 9110 §11.6.1), with the RFC 6750 §3
// error code when the request did carry credentials: wwwAuthenticateBearer builds that value.

/** The longest `Authorization` header read; a longer one is not Bearer credentials. */
export const MAX_AUTHORIZATION_HEADER_LENGTH = 8192;

/** RFC 6750 `b64token`. */
const B64TOKEN = '[A-Za-z0-9\\-._~+/]+=*';

const TOKEN = new RegExp(`^${B64TOKEN}$`);

const BEARER = new RegExp(`^Bearer +(${B64TOKEN})$`, 'i');

/**
 * The token of a Bearer `Authorization` header, or `null` when the header is absent or is not
 * exactly `Bearer <token>`: the scheme in any case, one space or more, then one RFC 6750 token
 * (`A-Z a-z 0-9 - . _ ~ + /`, then optional trailing `=`). Never throws, whatever it is given.
 *
 * @param header - the header's value as `Headers.get` returns it (`null` when absent).
 * @returns the token as sent, or `null`.
 * @example
 * ```ts
 * bearerTokenOf('Bearer mF_9.B5f-4.1JqM'); // 'mF_9.B5f-4.1JqM'
 * bearerTokenOf('bearer   mF_9.B5f-4.1JqM'); // 'mF_9.B5f-4.1JqM'
 * bearerTokenOf('Basic dXNlcjpwYXNz'); // null
 * bearerTokenOf('Bearer a, Bearer b'); // null
 * bearerTokenOf(request.headers.get('authorization'));
 * ```
 */
export function bearerTokenOf(header: unknown): string | null {
  if (typeof header !== 'string' || header.length > MAX_AUTHORIZATION_HEADER_LENGTH) return null;
  return BEARER.exec(header)?.[1] ?? null;
}

/**
 * True when `token` has the form of an RFC 6750 bearer token (`b64token`), so it can be sent as
 * `Authorization: Bearer <token>`.
 *
 * @param token - the candidate.
 * @example
 * ```ts
 * isBearerToken('mF_9.B5f-4.1JqM=='); // true
 * isBearerToken('two words'); // false
 * ```
 */
export function isBearerToken(token: unknown): token is string {
  return typeof token === 'string' && TOKEN.test(token);
}

/** The RFC 6750 §3.1 error codes a 401 answer of the management API can give. */
export type BearerAuthenticationError = 'invalid_token' | 'invalid_request';

const WWW_AUTHENTICATE: Readonly<Record<BearerAuthenticationError, string>> = Object.freeze({
  invalid_token: 'Bearer error="invalid_token"',
  invalid_request: 'Bearer error="invalid_request"',
});

/**
 * The `WWW-Authenticate` value of a 401 answer (RFC 6750 §3): `Bearer` alone when the request
 * carried no credentials (§3.1: then no error code), `Bearer error="invalid_token"` when its token
 * is unknown, expired or revoked, `Bearer error="invalid_request"` when its credentials are
 * malformed (another scheme, two tokens, characters outside the token alphabet).
 *
 * @param error - the RFC 6750 error code, or nothing when the request carried no credentials.
 * @returns the header's value.
 * @throws TypeError when `error` is neither undefined nor one of the two codes (a programming
 *   error: the value goes into a response header).
 * @example
 * ```ts
 * wwwAuthenticateBearer(); // 'Bearer'
 * wwwAuthenticateBearer('invalid_token'); // 'Bearer error="invalid_token"'
 * ```
 */
export function wwwAuthenticateBearer(error?: BearerAuthenticationError): string {
  if (error === undefined) return 'Bearer';
  if (typeof error === 'string' && Object.hasOwn(WWW_AUTHENTICATE, error)) {
    return WWW_AUTHENTICATE[error];
  }
  throw new TypeError(
    'wwwAuthenticateBearer: `error` must be invalid_token, invalid_request or left out.',
  );
}

/**
 * The `Authorization` header of `request`, or `null` when it has none or its headers cannot be
 * read (an authenticator never rejects because of what a request contains).
 *
 * @param request - the incoming request.
 */
export function authorizationOf(request: Request): string | null {
  try {
    const value: unknown = request.headers.get('authorization');
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}
