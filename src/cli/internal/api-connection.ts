// How `endpoints` and `deliveries` reach the management API: the connection options every one of
// their subcommands takes (flags first, then the environment, then the local `serve` default),
// and the typed client built from them (docs/client.md). Secrets (a token, a client secret) are
// read from the options or the environment and handed to the client, never printed.
import type { Command } from 'commander';
import type { ClientAuth } from '../../client/client-auth.js';
import type { UntypedEventDataMap } from '../../client/input-types.js';
import type { WebhooksClient } from '../../client/webhooks-client.js';
import { isWebhooksError } from '../../core/errors.js';
import { VERSION } from '../../core/version.js';
import { usageError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import { integerParser, parseHttpUrl, parseTimeoutMs } from './option-parsers.js';

/** Where the API is when neither `--base-url` nor the environment says: a local `serve`. */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

/** The environment variables of the connection options. */
export const API_ENV = Object.freeze({
  baseUrl: 'NOVATRADE_WEBHOOKS_BASE_URL',
  token: 'NOVATRADE_WEBHOOKS_TOKEN',
  clientId: 'NOVATRADE_WEBHOOKS_CLIENT_ID',
  clientSecret: 'NOVATRADE_WEBHOOKS_CLIENT_SECRET',
  tokenUrl: 'NOVATRADE_WEBHOOKS_TOKEN_URL',
});

/** The connection options, as commander parses them. */
export interface ApiOptions {
  readonly baseUrl?: string;
  readonly token?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly tokenUrl?: string;
  readonly timeout?: number;
  readonly retries: number;
  readonly json?: boolean;
}

/** Retries a CLI call makes by default: few and short, since a person is waiting. */
export const DEFAULT_RETRIES = 2;

/**
 * Adds the connection options to a subcommand of `endpoints` or `deliveries`.
 *
 * @example
 * ```ts
 * addApiOptions(parent.command('list')).action(async (options: ApiOptions) => { … });
 * ```
 */
export function addApiOptions(command: Command): Command {
  return command
    .option(
      '--base-url <url>',
      `the management API (default: $${API_ENV.baseUrl}, else ${DEFAULT_BASE_URL})`,
      parseHttpUrl,
    )
    .option('--token <token>', `an API key or bearer token (default: $${API_ENV.token})`)
    .option(
      '--client-id <id>',
      `OAuth2 client credentials instead of a token (default: $${API_ENV.clientId})`,
    )
    .option('--client-secret <secret>', `their secret (default: $${API_ENV.clientSecret})`)
    .option(
      '--token-url <url>',
      `their token endpoint (default: $${API_ENV.tokenUrl})`,
      parseHttpUrl,
    )
    .option('--timeout <ms>', 'how long each request may take (default: 30000)', parseTimeoutMs)
    .option(
      '--retries <n>',
      `retries after a network failure, a 429 or a 5xx (0 to 9)`,
      integerParser({ min: 0, max: 9 }),
      DEFAULT_RETRIES,
    )
    .option('--json', "print the API's JSON answer as is");
}

/** A client and where it points. */
export interface ApiConnection {
  readonly client: WebhooksClient<UntypedEventDataMap>;
  /** The base URL, for messages (`could not reach …`). */
  readonly baseUrl: string;
}

/**
 * The base URL and the authentication the options and the environment give, checked.
 *
 * @throws CliError `usage` for a base URL or token URL in the environment that is not an http(s)
 *   URL, no credentials at all, a token and client credentials together, or client credentials
 *   with a part missing.
 * @example
 * ```ts
 * resolveApiSettings({ token: 'tok_…', retries: 2 }, { NOVATRADE_WEBHOOKS_BASE_URL: 'http://127.0.0.1:8080' });
 * ```
 */
export function resolveApiSettings(
  options: ApiOptions,
  env: Readonly<Record<string, string | undefined>>,
): { readonly baseUrl: string; readonly auth: ClientAuth } {
  const fromEnv = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const envUrl = (name: string): string | undefined => {
    const value = fromEnv(name);
    if (value === undefined) return undefined;
    try {
      return parseHttpUrl(value);
    } catch (error) {
      throw usageError(`$${name}: ${(error as Error).message}`);
    }
  };
  const baseUrl = options.baseUrl ?? envUrl(API_ENV.baseUrl) ?? DEFAULT_BASE_URL;
  const flagCredentials =
    options.clientId !== undefined ||
    options.clientSecret !== undefined ||
    options.tokenUrl !== undefined;
  if (options.token !== undefined && flagCredentials) {
    throw usageError('pass either --token or --client-id/--client-secret/--token-url, not both.');
  }
  if (options.token !== undefined) return { baseUrl, auth: checkToken(options.token, '--token') };
  if (!flagCredentials) {
    const token = fromEnv(API_ENV.token);
    if (token !== undefined) return { baseUrl, auth: checkToken(token, `$${API_ENV.token}`) };
  }
  const clientId = options.clientId ?? fromEnv(API_ENV.clientId);
  const clientSecret = options.clientSecret ?? fromEnv(API_ENV.clientSecret);
  const tokenUrl = options.tokenUrl ?? envUrl(API_ENV.tokenUrl);
  if (clientId === undefined && clientSecret === undefined && tokenUrl === undefined) {
    throw usageError(
      `no credentials for the management API: pass --token (or set $${API_ENV.token}), or ` +
        'client credentials with --client-id, --client-secret and --token-url.',
      'A local serve prints an API key when it starts; pass it with --token.',
    );
  }
  const missing = [
    clientId === undefined ? '--client-id' : undefined,
    clientSecret === undefined ? '--client-secret' : undefined,
    tokenUrl === undefined ? '--token-url' : undefined,
  ].filter((name) => name !== undefined);
  if (clientId === undefined || clientSecret === undefined || tokenUrl === undefined) {
    throw usageError(
      `client credentials need ${missing.join(' and ')} too (or their environment variables).`,
    );
  }
  return { baseUrl, auth: { clientId, clientSecret, tokenUrl } };
}

/** A bearer token must be visible ASCII (it goes into a header); the message never quotes it. */
function checkToken(token: string, source: string): string {
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw usageError(
      `${source}: a token is visible ASCII without spaces; got ${token.length} characters that are not.`,
    );
  }
  return token;
}

/**
 * The client for a subcommand's options (the client's module is loaded on first use).
 *
 * @throws CliError `usage` as {@link resolveApiSettings} does.
 * @example
 * ```ts
 * const { client, baseUrl } = await connectApi(options, context.io);
 * ```
 */
export async function connectApi(
  options: ApiOptions,
  io: Pick<CliIo, 'env'>,
): Promise<ApiConnection> {
  const { baseUrl, auth } = resolveApiSettings(options, io.env);
  // Loaded here, not at start-up: the commands that never call the API do not pay for it.
  const { createWebhooksClient } = await import('../../client/create-webhooks-client.js');
  const settings = {
    baseUrl,
    auth,
    userAgent: `novatrade-webhooks-cli/${VERSION}`,
    retry:
      options.retries === 0
        ? (false as const)
        : {
            attempts: options.retries + 1,
            minDelayMs: 250,
            maxDelayMs: 2_000,
            maxRetryAfterMs: 10_000,
          },
    ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
  };
  let client: WebhooksClient<UntypedEventDataMap>;
  try {
    client = createWebhooksClient<UntypedEventDataMap>(settings);
  } catch (error) {
    // A base URL or token URL the client refuses (a query, a fragment): the command line's.
    if (isWebhooksError(error) && error.code === 'invalid_option') {
      throw usageError(error.message);
    }
    throw error;
  }
  return { client, baseUrl };
}
