// The Keycloak token endpoint of the management API mock (`createManagementApiHandlers`): the
// OAuth2 client-credentials grant as Keycloak answers it (RFC 6749 §4.4, §5), over the clients
// the mock was given, issuing opaque access tokens that live `lifetimeSeconds` on the mock's
// clock. The API's `authenticate` asks `callerOf` about each bearer token it is sent.
//
// Keycloak's order of checks is kept: the method (405), the form body (400 `invalid_request`),
// `grant_type` present (400 `invalid_request`), the client's credentials (401 `invalid_client`),
// then the grant (400 `unsupported_grant_type`). A mock is not a security boundary, so tokens are
// looked up in a Map rather than compared in constant time.

import type { AuthenticatedCaller } from '../../server/management-api.js';

/** One client-credentials client the mock's token endpoint knows. */
export interface MockTokenClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly caller: AuthenticatedCaller;
}

/** One call of the token endpoint, as the mock records it. */
export interface MockTokenRequest {
  /**
   * The client that asked (from the form or HTTP Basic), or `null` when none was named or the
   * endpoint did not read the request (`faulted` or `aborted`).
   */
  readonly clientId: string | null;
  /** The `grant_type` sent, or `null`. */
  readonly grantType: string | null;
  /** The status answered: 200 for an issued token; 0 when nothing was answered (aborted). */
  readonly status: number;
  /**
   * `true` when a fault of `failNext` (`match: { api: 'token' }`) answered instead of the
   * endpoint: no token was issued.
   */
  readonly faulted: boolean;
  /**
   * `true` when the caller aborted the request while the mock's latency held it: it reached
   * nothing (no token was issued) and `status` is 0.
   */
  readonly aborted: boolean;
  /** When it was answered, epoch ms on the mock's clock. */
  readonly atMs: number;
}

/** What the token endpoint needs. */
export interface MockTokenEndpointSettings {
  readonly clients: readonly MockTokenClient[];
  /** `expires_in` of every token, seconds. */
  readonly lifetimeSeconds: number;
  /** The mock's clock, epoch ms. */
  readonly now: () => number;
}

/** How a token request that the endpoint did not see ended. */
export interface UnhandledTokenRequest {
  readonly status: number;
  readonly faulted: boolean;
  readonly aborted: boolean;
}

/** The token endpoint and the tokens it issued. */
export interface MockTokenEndpoint {
  /** Answers one request to the token URL. */
  readonly handle: (request: Request) => Promise<Response>;
  /**
   * Records a request that was not handed to `handle`: answered by a fault, or aborted (status
   * 0) before the endpoint saw it.
   */
  readonly recordUnhandled: (outcome: UnhandledTokenRequest) => void;
  /** The caller a bearer token stands for, or `null` when it is unknown or expired. */
  readonly callerOf: (token: string) => AuthenticatedCaller | null;
  /** Every call, in order: one array for the endpoint's life, emptied by `clearRequests`. */
  readonly requests: readonly MockTokenRequest[];
  /**
   * Forgets the recorded calls, not the issued tokens: Keycloak keeps those when the API it
   * serves is wiped, and a client's cached token must keep working. A call `handle` is still
   * answering is not recorded.
   */
  readonly clearRequests: () => void;
}

/** Keycloak's `scope` for a client without optional scopes. */
const SCOPE = 'profile email';

/** Keycloak's words for an unknown client and for a wrong secret alike. */
const INVALID_CLIENT = 'Invalid client or Invalid client credentials';

const TOKEN_BYTES = 32;

/**
 * The token endpoint over `settings.clients`.
 *
 * @param settings - the clients, the tokens' lifetime and the clock.
 */
export function createMockTokenEndpoint(settings: MockTokenEndpointSettings): MockTokenEndpoint {
  const { lifetimeSeconds, now } = settings;
  const clients = new Map(settings.clients.map((client) => [client.clientId, client]));
  const issued = new Map<string, { caller: AuthenticatedCaller; expiresAtMs: number }>();
  const requests: MockTokenRequest[] = [];
  // Counts `clearRequests()`: a request it overtook is not recorded in the emptied array.
  let cleared = 0;

  async function answer(
    request: Request,
    record: { clientId: string | null; grantType: string | null },
  ): Promise<Response> {
    if (request.method !== 'POST') {
      // Only POST: the mock answers no CORS preflight, so `Allow` does not offer OPTIONS either.
      return new Response(null, { status: 405, headers: { Allow: 'POST' } });
    }
    const form = await formOf(request);
    if (form === null) {
      return oauthError(400, 'invalid_request', 'Send the parameters form-encoded.');
    }
    const grantType = form.get('grant_type');
    record.grantType = grantType;
    const credentials = basicCredentialsOf(request) ?? {
      clientId: form.get('client_id'),
      clientSecret: form.get('client_secret'),
    };
    record.clientId = credentials.clientId;
    if (grantType === null) {
      return oauthError(400, 'invalid_request', 'Missing form parameter: grant_type');
    }
    const client = credentials.clientId === null ? undefined : clients.get(credentials.clientId);
    if (client === undefined || credentials.clientSecret !== client.clientSecret) {
      return oauthError(401, 'invalid_client', INVALID_CLIENT);
    }
    if (grantType !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'Unsupported grant_type');
    }
    const token = newToken();
    issued.set(token, { caller: client.caller, expiresAtMs: now() + lifetimeSeconds * 1000 });
    return Response.json(
      {
        access_token: token,
        expires_in: lifetimeSeconds,
        refresh_expires_in: 0,
        token_type: 'Bearer',
        'not-before-policy': 0,
        scope: SCOPE,
      },
      { headers: NO_STORE },
    );
  }

  return Object.freeze({
    requests,
    async handle(request: Request): Promise<Response> {
      const record = { clientId: null as string | null, grantType: null as string | null };
      const born = cleared;
      const response = await answer(request, record);
      if (cleared !== born) return response;
      requests.push(
        Object.freeze({
          ...record,
          status: response.status,
          faulted: false,
          aborted: false,
          atMs: now(),
        }),
      );
      return response;
    },
    recordUnhandled({ status, faulted, aborted }: UnhandledTokenRequest): void {
      requests.push(
        Object.freeze({ clientId: null, grantType: null, status, faulted, aborted, atMs: now() }),
      );
    },
    callerOf(token: string): AuthenticatedCaller | null {
      const entry = issued.get(token);
      if (entry === undefined) return null;
      if (now() >= entry.expiresAtMs) {
        issued.delete(token);
        return null;
      }
      return entry.caller;
    },
    clearRequests(): void {
      cleared += 1;
      requests.splice(0);
    },
  });
}

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

function oauthError(status: number, error: string, description: string): Response {
  return Response.json({ error, error_description: description }, { status, headers: NO_STORE });
}

// The form of an `application/x-www-form-urlencoded` body, or `null` for any other body.
async function formOf(request: Request): Promise<URLSearchParams | null> {
  const type = request.headers.get('content-type') ?? '';
  if (type.split(';')[0]?.trim().toLowerCase() !== 'application/x-www-form-urlencoded') {
    return null;
  }
  try {
    return new URLSearchParams(await request.text());
  } catch {
    return null;
  }
}

// HTTP Basic client authentication (RFC 6749 §2.3.1): both parts form-urlencoded, then base64.
function basicCredentialsOf(
  request: Request,
): { clientId: string | null; clientSecret: string | null } | null {
  const match = /^Basic +([A-Za-z0-9+/]+=*)$/i.exec(request.headers.get('authorization') ?? '');
  if (match === null) return null;
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(
      Uint8Array.from(atob(match[1] as string), (char) => char.charCodeAt(0)),
    );
  } catch {
    return { clientId: null, clientSecret: null };
  }
  const colon = decoded.indexOf(':');
  if (colon === -1) return { clientId: null, clientSecret: null };
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return { clientId: null, clientSecret: null };
  }
}

// An opaque token: 32 random bytes as hex. Keycloak's are JWTs, but a client must not read them.
function newToken(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(TOKEN_BYTES));
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return `mock_at_${hex}`;
}
