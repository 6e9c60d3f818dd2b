/**
 * OAuth2 client credentials against the identity provider (Keycloak): the client posts
 * `grant_type=client_credentials&client_id=…&client_secret=…` (form-encoded, plus `scope` when
 * given) to `tokenUrl`, caches the `access_token` and refreshes it from 60 s before its
 * `expires_in` runs out (half its life when that is 2 minutes or less) in the background, calls
 * going on with the cached token until it expires; fetches one token when many calls need one at
 * the same time, and fetches a new one once when the API answers 401.
 *
 * @example
 * ```ts
 * const auth: ClientCredentials = {
 *   clientId: 'acme-integration',
 *   clientSecret: process.env.NOVATRADE_CLIENT_SECRET!,
 *   tokenUrl: 'https://auth.novatrade24.com/realms/nt24-idp/protocol/openid-connect/token',
 * };
 * ```
 */
export interface ClientCredentials {
  /** The OAuth2 client id (Keycloak: the client with a service account). */
  readonly clientId: string;
  /** The client secret; never written to an error, a log or a header other than the token request. */
  readonly clientSecret: string;
  /** The token endpoint: an absolute `https:` (or `http:`) URL. */
  readonly tokenUrl: string;
  /** Space-separated scopes to ask for; none by default. */
  readonly scope?: string | undefined;
}

/**
 * A function that answers the bearer token to send, called before each attempt of each call
 * (and again after a 401, which is retried once with what it answers next). It should cache the
 * token itself; it must answer a non-empty token of visible ASCII characters.
 *
 * @example
 * ```ts
 * const auth: BearerTokenProvider = async () => (await myTokenCache.current()).accessToken;
 * const client = createWebhooksClient({ baseUrl: 'https://api.novatrade24.com', auth });
 * ```
 */
export type BearerTokenProvider = () => string | Promise<string>;

/**
 * How the client authenticates: {@link ClientCredentials} (the client fetches and caches tokens),
 * a static bearer token (never refreshed: a 401 is thrown), or a {@link BearerTokenProvider}.
 *
 * @example
 * ```ts
 * createWebhooksClient({ baseUrl, auth: () => tokenCache.current() });
 * ```
 */
export type ClientAuth = ClientCredentials | string | BearerTokenProvider;
