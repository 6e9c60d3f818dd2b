// `serve` from start to exit: the database (PGlite under its lock, or PostgreSQL), the sender and
// its dispatcher, the management API and the HTTP server, in one process; then, on SIGINT or
// SIGTERM, an orderly stop within `--shutdown-timeout`. The command resolves (exit status 0) once
// everything is closed; it never calls process.exit, except on a second signal during shutdown,
// which ends the process at once with status 130 (docs/cli.md, "serve").
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isWebhooksError } from '../../core/errors.js';
import { EUDR_PROFILE } from '../../core/profiles/eudr-profile.js';
import { NOVATRADE_PROFILE } from '../../core/profiles/novatrade-profile.js';
import { VERSION } from '../../core/version.js';
import { HttpTransport } from '../../sender/http-transport.node.js';
import { createPrometheusExporter } from '../../sender/prometheus-exporter.js';
import { WebhookSender } from '../../sender/webhook-sender.js';
import { apiKeyAuthenticator } from '../../server/api-key-authenticator.js';
import { createEudrManagementApi } from '../../server/eudr-management-api.js';
import { jwtAuthenticator } from '../../server/jwt-authenticator.js';
import { type Authenticate, createManagementApi } from '../../server/management-api.js';
import type { CliContext } from '../internal/cli-context.js';
import { CliError, usageError } from '../internal/cli-error.js';
import type { CliIo, ShutdownSignal } from '../internal/cli-io.js';
import { createNodeRequestListener } from './node-fetch-bridge.js';
import { openServeDatabase, type ServeDatabase } from './serve-database.js';
import { createServeHandler, EUDR_PATH_PREFIX } from './serve-handler.js';
import { attemptFields, createServeLog, type ServeLog } from './serve-log.js';
import type { ServeConfig } from './serve-options.js';

/** The exit status of a second signal during shutdown (128 + SIGINT, as shells report Ctrl-C). */
export const FORCED_EXIT_STATUS = 130;

/** How long `/healthz` waits for `SELECT 1`, ms. */
export const HEALTH_TIMEOUT_MS = 2_000;

/** What tests replace. */
export interface RunServeDependencies {
  /** Opens the database. @default openServeDatabase */
  readonly openDatabase?: typeof openServeDatabase | undefined;
  /** Ends the process on a second signal. @default process.exit */
  readonly forceExit?: ((status: number) => void) | undefined;
  /** The clock of the printed times. @default () => new Date() */
  readonly now?: (() => Date) | undefined;
}

/**
 * Runs `serve` with `config` until a shutdown signal, then stops it.
 *
 * @throws CliError `usage` for JWT options the authenticator refuses; `data_dir_locked`,
 *   `missing_dependency`, `database_unavailable` (from opening the database); `listen_failed`
 *   when the address cannot be bound.
 */
export async function runServe(
  config: ServeConfig,
  context: CliContext,
  dependencies: RunServeDependencies = {},
): Promise<void> {
  const log = createServeLog({
    format: config.logFormat,
    output: context.output,
    now: dependencies.now,
  });
  const authenticate = buildAuthenticate(config);
  const signals = watchSignals(
    context.io,
    log,
    dependencies.forceExit ?? ((status) => process.exit(status)),
  );
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const openDatabase = dependencies.openDatabase ?? openServeDatabase;
    const database = await openDatabase(config.database, {
      logger: log.logger,
      progress: (text, fields) => log.info(text, 'creating database', { database: fields }),
    });
    cleanups.push(() => database.close());
    if (signals.received !== undefined) return await stopNow(cleanups, log);

    const profile = config.profile === 'eudr' ? EUDR_PROFILE : NOVATRADE_PROFILE;
    const transport = new HttpTransport({ allowPrivateNetworks: config.allowPrivateNetworks });
    // No cleanup of its own: `sender.stop()` closes the transport (its keep-alive connections to
    // receivers) once the attempts in flight ended, and a transport the sender never used has no
    // connections to close.
    const sender = new WebhookSender<unknown>({
      storage: database.storage,
      idempotencyStore: database.idempotencyStore,
      transport,
      profile: profile as never,
      logger: log.logger,
      allowInsecureUrls: config.allowPrivateNetworks,
    });
    sender.on('delivery.attempted', (payload) => log.attempt(attemptFields(payload)));
    const exporter = createPrometheusExporter(sender, {
      onError: (error) => log.logger.warn({ error }, 'metrics: the backlog age could not be read'),
    });
    const handler = createServeHandler({
      api: managementApi(sender, config, authenticate, log),
      eudrApi: config.profile === 'eudr' ? eudrApi(sender, config, authenticate, log) : undefined,
      health: () => database.ping(HEALTH_TIMEOUT_MS),
      metrics: exporter,
    });
    const server = createServer(createNodeRequestListener(handler));
    const sockets = trackSockets(server);
    const address = await listen(server, config);
    const closeServer = closing(server, sockets);
    cleanups.unshift(closeServer.finish);
    sender.start();
    cleanups.unshift(async () => {
      await sender.stop({ deadlineMs: config.shutdownTimeoutMs });
      exporter.close();
    });
    printListening(log, config, database, address);

    const signal = await signals.first;
    log.info(
      `stopping (${signal}): no new requests; attempts in flight get up to ${config.shutdownTimeoutMs} ms`,
      'stopping',
      { signal, deadlineMs: config.shutdownTimeoutMs },
    );
    closeServer.begin();
    await runCleanups(cleanups);
    log.info('stopped', 'stopped');
  } catch (error) {
    await runCleanups(cleanups).catch(() => undefined);
    throw error;
  } finally {
    signals.dispose();
  }
}

async function stopNow(cleanups: (() => Promise<void>)[], log: ServeLog): Promise<void> {
  await runCleanups(cleanups);
  log.info('stopped before it started listening', 'stopped');
}

async function runCleanups(cleanups: (() => Promise<void>)[]): Promise<void> {
  // In order, each once; the first failure is thrown after the others ran.
  let failure: unknown;
  for (const cleanup of cleanups.splice(0)) {
    try {
      await cleanup();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}

/**
 * The management API's `authenticate`: the API keys first, then OIDC tokens; `null` (401) when
 * neither accepts the request.
 *
 * @throws CliError `usage` when the authenticators refuse their options.
 */
export function buildAuthenticate(config: ServeConfig): Authenticate {
  const authenticators: Authenticate[] = [];
  try {
    if (config.apiKeys.length > 0) {
      authenticators.push(
        apiKeyAuthenticator(
          config.apiKeys.map(({ token, organizationUuid }) => ({ token, organizationUuid })),
        ),
      );
    }
    if (config.jwt !== undefined) {
      const { jwksUrl, issuer, audience, organizationClaim } = config.jwt;
      authenticators.push(
        jwtAuthenticator({
          jwksUrl,
          issuer,
          audience,
          ...(organizationClaim === undefined ? {} : { organizationClaim }),
        }),
      );
    }
  } catch (error) {
    // The library's messages name the option and never a token.
    if (isWebhooksError(error)) throw usageError(error.message);
    throw error;
  }
  return async (request) => {
    for (const authenticate of authenticators) {
      const caller = await authenticate(request);
      if (caller !== null) return caller;
    }
    return null;
  };
}

function managementApi(
  sender: WebhookSender<unknown>,
  config: ServeConfig,
  authenticate: Authenticate,
  log: ServeLog,
) {
  return createManagementApi(sender, {
    authenticate,
    ingest: true,
    logger: log.logger,
    ...(config.rateLimit ? {} : { rateLimit: false }),
  }).fetch;
}

function eudrApi(
  sender: WebhookSender<unknown>,
  config: ServeConfig,
  authenticate: Authenticate,
  log: ServeLog,
) {
  return createEudrManagementApi(sender, {
    authenticate,
    logger: log.logger,
    openApiPath: `${EUDR_PATH_PREFIX}openapi.json`,
    ...(config.rateLimit ? {} : { rateLimit: false }),
  }).fetch;
}

/** The first shutdown signal, and the forced exit on a second one. */
function watchSignals(
  io: CliIo,
  log: ServeLog,
  forceExit: (status: number) => void,
): {
  readonly first: Promise<ShutdownSignal>;
  readonly received: ShutdownSignal | undefined;
  dispose(): void;
} {
  let received: ShutdownSignal | undefined;
  let resolveFirst: (signal: ShutdownSignal) => void = () => undefined;
  const first = new Promise<ShutdownSignal>((resolve) => {
    resolveFirst = resolve;
  });
  const stop = io.onShutdownSignal((signal) => {
    if (received === undefined) {
      received = signal;
      resolveFirst(signal);
      return;
    }
    log.warn(
      `${signal} again: exiting at once (status ${FORCED_EXIT_STATUS}); attempts in flight are claimed again after their leases lapse`,
      'forced exit',
      { signal, status: FORCED_EXIT_STATUS },
    );
    forceExit(FORCED_EXIT_STATUS);
  });
  return {
    first,
    get received() {
      return received;
    },
    dispose: stop,
  };
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

/**
 * Stopping the server in two steps: `begin` stops accepting connections and closes the idle
 * keep-alive ones at once (a request in progress finishes); `finish`, after the sender stopped,
 * drops whatever is still open and waits for the server to close.
 */
function closing(server: Server, sockets: Set<Socket>) {
  let closed: Promise<void> | undefined;
  const begin = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    return closed;
  };
  return {
    begin,
    async finish() {
      const done = begin();
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}

async function listen(server: Server, config: ServeConfig): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const where = `${config.host}:${config.port}`;
      const reason =
        error.code === 'EADDRINUSE'
          ? 'the address is in use'
          : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
            ? 'no such address on this machine'
            : error.code === 'EACCES'
              ? 'permission denied (ports below 1024 need privileges)'
              : `${error.code ?? error.message}`;
      reject(
        new CliError('listen_failed', `serve cannot listen on ${where}: ${reason}.`, {
          hint: 'Pick another --port (0 picks a free one) or --host.',
          cause: error,
        }),
      );
    };
    server.once('error', onError);
    server.listen(config.port, config.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

/**
 * The URL a local client reaches the server at: the bound address and port, with a wildcard
 * address (`0.0.0.0`, `::`) replaced by the loopback address of its family.
 */
export function listeningUrl(address: AddressInfo): string {
  const host =
    address.address === '0.0.0.0'
      ? '127.0.0.1'
      : address.address === '::'
        ? '::1'
        : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/** Whether a bound address is a loopback one (127.0.0.0/8, ::1, or 127.x mapped into IPv6). */
export function isLoopbackAddress(address: string): boolean {
  return /^(127\.|::ffff:127\.)/.test(address) || address === '::1';
}

/**
 * The start-up warning for a bound address other machines may reach, or `undefined` for a
 * loopback one. With `allowPrivateNetworks`, it also says that any holder of a credential can make
 * serve call into private networks: an endpoint URL may name any address (server-side request
 * forgery).
 */
export function exposureWarning(
  address: string,
  allowPrivateNetworks: boolean,
): string | undefined {
  if (isLoopbackAddress(address)) return undefined;
  const ssrf = allowPrivateNetworks
    ? '; and with --allow-private-networks, anyone holding an API key or token can register an endpoint on a private or loopback address and make serve send requests into this network (server-side request forgery): keep that to local development'
    : '';
  return `listening on ${address}, which other machines may reach: /healthz and /metrics answer them without credentials${ssrf}`;
}

function printListening(
  log: ServeLog,
  config: ServeConfig,
  database: ServeDatabase,
  address: AddressInfo,
): void {
  const url = listeningUrl(address);
  const credentials = [
    config.apiKeys.length > 0
      ? `${config.apiKeys.length} API key${config.apiKeys.length === 1 ? '' : 's'}`
      : undefined,
    config.jwt === undefined ? undefined : `OIDC tokens of ${config.jwt.issuer}`,
  ].filter((part) => part !== undefined);
  const api =
    config.profile === 'eudr'
      ? `${url}${EUDR_PATH_PREFIX}webhook-events and ${url}/v1`
      : `${url}/v1`;
  const pretty = [
    `listening on ${url} (novatrade-webhooks ${VERSION}, profile ${config.profile}, pid ${process.pid})`,
    `  management API  ${api} (${credentials.join(' or ')}${config.rateLimit ? '' : ', no rate limits'})`,
    `  database        ${database.description.text}`,
    `  health, metrics ${url}/healthz, ${url}/metrics (no credentials)`,
    ...(config.allowPrivateNetworks
      ? [
          '  outbound        private and loopback receivers and http: URLs allowed (local development only)',
        ]
      : []),
  ].join('\n');
  log.info(pretty, 'listening', {
    url,
    database: database.description.fields,
    profile: config.profile,
    pid: process.pid,
    version: VERSION,
    allowPrivateNetworks: config.allowPrivateNetworks,
  });
  const warning = exposureWarning(address.address, config.allowPrivateNetworks);
  if (warning !== undefined) {
    log.warn(warning, 'not loopback only', {
      address: address.address,
      allowPrivateNetworks: config.allowPrivateNetworks,
    });
  }
}
