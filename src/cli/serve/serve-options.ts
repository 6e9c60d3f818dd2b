// `serve`'s command line, from what commander parsed to a checked configuration. Values that
// cannot be secret (a port, a host, a schema, a timeout) are parsed while commander reads them
// (`parse*` here throw commander's InvalidArgumentError, which it prints after the option's name
// and turns into exit status 2). Values that may hold a secret (`--api-key`, `--database-url`
// with its password) are checked in `resolveServeConfig`, whose messages never quote them, and
// so are the rules that span several options (one database, JWT options together, at least one
// source of credentials).
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { MAX_TIMER_MS } from '../../core/internal/timer-delay.js';
import {
  assertSchemaName,
  DEFAULT_POSTGRES_SCHEMA,
} from '../../postgres/internal/assert-schema-name.js';
import { usageError } from '../internal/cli-error.js';
import { API_KEYS_ENV, type ApiKeyEntry, parseApiKeys } from './api-key-entries.js';

/** The profiles `serve --profile` takes. */
export const SERVE_PROFILES = ['novatrade', 'eudr'] as const;
/** A profile `serve` runs. */
export type ServeProfile = (typeof SERVE_PROFILES)[number];

/** The output formats `serve --log-format` takes. */
export const LOG_FORMATS = ['pretty', 'json'] as const;
/** How `serve` writes its lines. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * The environment variable that stands for `--database-url` when the option is not given (an
 * empty value counts as unset): the password then stays out of the command line, which `ps`
 * shows.
 */
export const DATABASE_URL_ENV = 'NOVATRADE_WEBHOOKS_DATABASE_URL';

/** The data directory when neither `--data-dir` nor `--database-url` is given (against the cwd). */
export const DEFAULT_DATA_DIR = '.novatrade-webhooks';
/** `--port`'s default. */
export const DEFAULT_PORT = 8080;
/** `--host`'s default: loopback only, so `/healthz` and `/metrics` (no credentials) stay local. */
export const DEFAULT_HOST = '127.0.0.1';
/** `--shutdown-timeout`'s default, ms: as long as an attempt's own timeout. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * A TCP port: decimal digits only, 0 to 65535 (0: the system picks a free one).
 *
 * @throws InvalidArgumentError otherwise.
 * @example
 * ```ts
 * parsePort('8080'); // 8080
 * ```
 */
export function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new InvalidArgumentError('Expected a port from 0 to 65535 (0: any free port).');
  }
  return port;
}

const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/**
 * The address to listen on: an IPv4 or IPv6 literal (brackets optional: `[::1]` and `::1` are
 * the same) or a host name (RFC 1123 labels, at most 253 characters). Returned without brackets.
 *
 * @throws InvalidArgumentError otherwise.
 * @example
 * ```ts
 * parseHost('[::1]'); // '::1'
 * parseHost('localhost'); // 'localhost'
 * ```
 */
export function parseHost(value: string): string {
  const bare = /^\[.*\]$/.test(value) ? value.slice(1, -1) : value;
  if (isIP(bare) !== 0) return bare;
  if (bare === value && value.length <= 253 && value.split('.').every((l) => HOST_LABEL.test(l))) {
    return value;
  }
  throw new InvalidArgumentError(
    'Expected an IP address or a host name, such as 127.0.0.1, ::1, 0.0.0.0 or localhost.',
  );
}

/**
 * How long shutdown waits for attempts in flight, ms: decimal digits, 0 to 2^31 − 1 (0: abort
 * them at once; they are released, not lost).
 *
 * @throws InvalidArgumentError otherwise.
 * @example
 * ```ts
 * parseShutdownTimeoutMs('10000'); // 10000
 * ```
 */
export function parseShutdownTimeoutMs(value: string): number {
  const ms = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!(ms >= 0 && ms <= MAX_TIMER_MS)) {
    throw new InvalidArgumentError(`Expected milliseconds from 0 to ${MAX_TIMER_MS}.`);
  }
  return ms;
}

/**
 * A PostgreSQL schema name as `migrate()` takes it: lowercase letters, digits and underscores,
 * not starting with a digit, at most 63 characters, not `pg_…` or `information_schema`.
 *
 * @throws InvalidArgumentError otherwise.
 * @example
 * ```ts
 * parseSchema('webhooks_dev'); // 'webhooks_dev'
 * ```
 */
export function parseSchema(value: string): string {
  try {
    return assertSchemaName('--schema', value);
  } catch {
    throw new InvalidArgumentError(
      'Expected a schema name of lowercase letters a-z, digits and underscores, not starting with a digit, at most 63 characters, not pg_… or information_schema.',
    );
  }
}

/**
 * The JWKS URL of `--jwks-url`: an absolute `https:` URL, or `http:` on a loopback host (the rule
 * `jwtAuthenticator` applies; a key set is public, so the URL is quoted in errors).
 *
 * @throws InvalidArgumentError otherwise.
 * @example
 * ```ts
 * parseJwksUrl('https://auth.example.com/realms/r/protocol/openid-connect/certs');
 * ```
 */
export function parseJwksUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('Expected an absolute https: URL of a JSON Web Key Set.');
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
    throw new InvalidArgumentError(
      'Expected an https: URL (http: only on 127.0.0.1, localhost or [::1]).',
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new InvalidArgumentError('Expected a URL without user:password@.');
  }
  return value;
}

/**
 * A non-empty value without control characters (`--issuer`, `--audience`,
 * `--organization-claim`).
 *
 * @throws InvalidArgumentError otherwise.
 */
export function parseText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (value.length === 0 || value.length > 2048 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidArgumentError('Expected 1 to 2048 printable characters.');
  }
  return value;
}

/** A database URL with its password (and any `password` parameter) replaced by `***`. */
export function maskDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(a database URL)';
  }
  if (parsed.password !== '') parsed.password = '***';
  for (const name of [...parsed.searchParams.keys()]) {
    if (/pass/i.test(name)) parsed.searchParams.set(name, '***');
  }
  return parsed.href;
}

/** What commander hands the action: each option as parsed (see serve.ts). */
export interface RawServeOptions {
  readonly port: number;
  readonly host: string;
  readonly dataDir?: string | undefined;
  readonly databaseUrl?: string | undefined;
  readonly schema?: string | undefined;
  readonly apiKey: readonly string[];
  readonly jwksUrl?: string | undefined;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  readonly organizationClaim?: string | undefined;
  readonly profile: ServeProfile;
  readonly allowPrivateNetworks: boolean;
  readonly logFormat: LogFormat;
  readonly shutdownTimeout: number;
  readonly rateLimit: boolean;
}

/** Where `serve` keeps its state. */
export type ServeDatabaseConfig =
  | {
      readonly kind: 'pglite';
      /** The data directory, absolute: `serve.lock` and `pglite/` live in it. */
      readonly dataDir: string;
    }
  | {
      readonly kind: 'postgres';
      /** The connection string, password included: never printed (see {@link maskDatabaseUrl}). */
      readonly url: string;
      readonly schema: string;
    };

/** The OIDC token check of `--jwks-url`, `--issuer`, `--audience` and `--organization-claim`. */
export interface ServeJwtConfig {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  readonly organizationClaim?: string | undefined;
}

/** `serve`'s configuration, checked. */
export interface ServeConfig {
  readonly port: number;
  readonly host: string;
  readonly database: ServeDatabaseConfig;
  readonly apiKeys: readonly ApiKeyEntry[];
  readonly jwt: ServeJwtConfig | undefined;
  readonly profile: ServeProfile;
  readonly allowPrivateNetworks: boolean;
  readonly logFormat: LogFormat;
  readonly shutdownTimeoutMs: number;
  readonly rateLimit: boolean;
}

/**
 * Checks the options that need more than their own value and builds the configuration.
 *
 * @param raw - the options as commander parsed them.
 * @param io - the environment (NOVATRADE_WEBHOOKS_API_KEYS, and NOVATRADE_WEBHOOKS_DATABASE_URL
 *   when `--database-url` is not given) and the directory relative paths resolve against.
 * @throws CliError `usage` (exit status 2): `--data-dir` with a database URL (the option or the
 *   variable), `--schema` without one, a database URL that is not `postgres:`/`postgresql:`, JWT options
 *   given only in part, a bad API key, or no credentials at all. No message quotes a token or a
 *   database URL.
 */
export function resolveServeConfig(
  raw: RawServeOptions,
  io: { readonly env: Readonly<Record<string, string | undefined>>; readonly cwd: string },
): ServeConfig {
  const database = resolveDatabase(raw, io.env[DATABASE_URL_ENV], io.cwd);
  const apiKeys = parseApiKeys({ flags: raw.apiKey, env: io.env[API_KEYS_ENV] });
  const jwt = resolveJwt(raw);
  if (apiKeys.length === 0 && jwt === undefined) {
    throw usageError(
      'serve needs credentials for its management API: give --api-key TOKEN=ORGANIZATION_UUID, set ' +
        `${API_KEYS_ENV}, or give --jwks-url, --issuer and --audience.`,
      'For local development: novatrade-webhooks serve --api-key local_dev_key_0123456789=3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03',
    );
  }
  return {
    port: raw.port,
    host: raw.host,
    database,
    apiKeys,
    jwt,
    profile: raw.profile,
    allowPrivateNetworks: raw.allowPrivateNetworks,
    logFormat: raw.logFormat,
    shutdownTimeoutMs: raw.shutdownTimeout,
    rateLimit: raw.rateLimit,
  };
}

function resolveDatabase(
  raw: RawServeOptions,
  envUrl: string | undefined,
  cwd: string,
): ServeDatabaseConfig {
  // `--database-url` wins; the variable stands for it when it is not given (empty: unset).
  const [databaseUrl, source] =
    raw.databaseUrl !== undefined
      ? [raw.databaseUrl, '--database-url']
      : envUrl !== undefined && envUrl !== ''
        ? [envUrl, DATABASE_URL_ENV]
        : [undefined, '--database-url'];
  if (databaseUrl === undefined) {
    if (raw.schema !== undefined) {
      throw usageError(
        '--schema applies to PostgreSQL only: give it with --database-url.',
        'PGlite keeps its tables in the default schema of its own data directory.',
      );
    }
    if (raw.dataDir !== undefined && raw.dataDir.trim() === '') {
      throw usageError('--data-dir is empty: give a directory.');
    }
    return { kind: 'pglite', dataDir: resolve(cwd, raw.dataDir ?? DEFAULT_DATA_DIR) };
  }
  if (raw.dataDir !== undefined) {
    throw usageError(
      `--data-dir and ${source} exclude each other: serve uses PGlite in a data directory, or PostgreSQL.`,
      source === DATABASE_URL_ENV
        ? `Unset ${DATABASE_URL_ENV} (or set it empty) to use PGlite in --data-dir.`
        : undefined,
    );
  }
  const example =
    'Give a connection string such as postgres://user:password@127.0.0.1:5432/webhooks';
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw usageError(`${source} is not a URL.`, example);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw usageError(
      `${source} must be a postgres: or postgresql: URL; got a ${describeProtocol(url.protocol)} URL.`,
      example,
    );
  }
  return { kind: 'postgres', url: databaseUrl, schema: raw.schema ?? DEFAULT_POSTGRES_SCHEMA };
}

// A scheme is quoted only when it looks like one (it is never the secret part of a URL).
function describeProtocol(protocol: string): string {
  return /^[a-z][a-z0-9+.-]{0,30}:$/i.test(protocol) ? protocol : 'non-PostgreSQL';
}

function resolveJwt(raw: RawServeOptions): ServeJwtConfig | undefined {
  const given = {
    '--jwks-url': raw.jwksUrl,
    '--issuer': raw.issuer,
    '--audience': raw.audience,
  };
  const missing = Object.entries(given)
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (missing.length === 3) {
    if (raw.organizationClaim !== undefined) {
      throw usageError('--organization-claim needs --jwks-url, --issuer and --audience.');
    }
    return undefined;
  }
  if (missing.length > 0) {
    throw usageError(
      `OIDC tokens need --jwks-url, --issuer and --audience together; missing ${missing.join(', ')}.`,
    );
  }
  return {
    jwksUrl: raw.jwksUrl as string,
    issuer: raw.issuer as string,
    audience: raw.audience as string,
    organizationClaim: raw.organizationClaim,
  };
}
