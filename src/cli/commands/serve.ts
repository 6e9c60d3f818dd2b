// `novatrade-webhooks serve`: the management API (with `POST /v1/events`, publishing over HTTP),
// the dispatcher that delivers, and `/healthz` and `/metrics`, in one process. On PGlite in a
// data directory by default, under an exclusive lock (one process per data directory); on
// PostgreSQL with `--database-url` (or NOVATRADE_WEBHOOKS_DATABASE_URL), where several `serve`
// processes share the work. Runs until SIGINT or SIGTERM, then stops within `--shutdown-timeout`
// and exits 0. Guide: docs/cli.md, "serve"; the modules are in src/cli/serve/.
import { type Command, Option } from 'commander';
import { DEFAULT_POSTGRES_SCHEMA } from '../../postgres/internal/assert-schema-name.js';
import type { CliContext } from '../internal/cli-context.js';
import { API_KEYS_ENV } from '../serve/api-key-entries.js';
// The service (server, sender, storage) loads when serve runs, not with the program: --version,
// --help and the other commands start without it.
import type { RunServeDependencies } from '../serve/run-serve.js';
import {
  DATABASE_URL_ENV,
  DEFAULT_DATA_DIR,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  LOG_FORMATS,
  parseHost,
  parseJwksUrl,
  parsePort,
  parseSchema,
  parseShutdownTimeoutMs,
  parseText,
  type RawServeOptions,
  resolveServeConfig,
  SERVE_PROFILES,
} from '../serve/serve-options.js';

const EXAMPLES = `
Examples:
  # Local development: PGlite in ./.novatrade-webhooks, one API key, receivers on this machine
  $ novatrade-webhooks serve --allow-private-networks \\
      --api-key local_dev_key_0123456789=3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03

  # The same keys from the environment (comma-separated TOKEN=ORGANIZATION_UUID entries)
  $ ${API_KEYS_ENV}="$KEY_A=$ORG_A,$KEY_B=$ORG_B" novatrade-webhooks serve

  # PostgreSQL: run as many as you like on one database; they share the work. The URL from
  # the environment keeps its password off the command line (which ps shows)
  $ ${DATABASE_URL_ENV}="$DATABASE_URL" ${API_KEYS_ENV}="$KEY=$ORG" \\
      novatrade-webhooks serve --port 8080

  # OIDC access tokens (Keycloak), besides or instead of API keys
  $ novatrade-webhooks serve \\
      --jwks-url https://auth.example.com/realms/acme/protocol/openid-connect/certs \\
      --issuer https://auth.example.com/realms/acme --audience webhooks-api \\
      --organization-claim organization_uuid

  # A free port and machine-readable lines (the first: {"msg":"listening","url":…})
  $ novatrade-webhooks serve --port 0 --log-format json --api-key "$KEY=$ORG"

Then, with KEY and ORG as above:
  $ curl -s http://127.0.0.1:8080/v1/webhooks -H "Authorization: Bearer $KEY" \\
      -H 'Content-Type: application/json' -H "Idempotency-Key: $(uuidgen)" \\
      -d '{"url":"http://127.0.0.1:8081/","events":["compliance.*","kyc.*"]}'

/healthz and /metrics answer without credentials: keep --host on 127.0.0.1, or put them behind
your own network rules. SIGINT or SIGTERM stops serve (exit status 0); a second one exits at
once with status 130.`;

/**
 * Registers `serve` on the program.
 *
 * @param program - the program.
 * @param context - the command's surroundings.
 * @param dependencies - what tests replace (the database, the forced exit, the clock).
 */
export function registerServeCommand(
  program: Command,
  context: CliContext,
  dependencies: RunServeDependencies = {},
): void {
  program
    .command('serve')
    .summary('run the management API and the dispatcher locally (PGlite or PostgreSQL)')
    .description(
      'Run the webhooks service: the management API (endpoints, history, replay, and POST ' +
        '/v1/events to publish), the dispatcher that delivers, GET /healthz and GET /metrics, in ' +
        'one process. State lives in PGlite in a data directory (one serve per directory) or in ' +
        'PostgreSQL (--database-url; several serve processes share the work). Runs until Ctrl-C.',
    )
    .option('--port <number>', 'the port to listen on (0: any free port)', parsePort, DEFAULT_PORT)
    .option('--host <host>', 'the address to listen on', parseHost, DEFAULT_HOST)
    .option(
      '--data-dir <dir>',
      `PGlite's data directory, locked while serve runs (default: ./${DEFAULT_DATA_DIR})`,
    )
    .option(
      '--database-url <url>',
      `PostgreSQL instead of PGlite: postgres://user:password@host:5432/db (migrated at start; also ${DATABASE_URL_ENV})`,
    )
    .option(
      '--schema <name>',
      `the PostgreSQL schema (default: ${DEFAULT_POSTGRES_SCHEMA}); with --database-url only`,
      parseSchema,
    )
    .option(
      '--api-key <TOKEN=ORGANIZATION_UUID>',
      `an API key and the organization it acts for (repeatable; also ${API_KEYS_ENV}, comma-separated)`,
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      '--jwks-url <url>',
      "the OIDC provider's JSON Web Key Set (with --issuer, --audience)",
      parseJwksUrl,
    )
    .option('--issuer <iss>', 'the accepted token issuer (iss)', parseText)
    .option('--audience <aud>', 'the accepted token audience (aud)', parseText)
    .option(
      '--organization-claim <claim>',
      'the token claim naming the organization (default: organizationUuid; dotted paths read nested claims)',
      parseText,
    )
    .addOption(
      new Option('--profile <profile>', 'the wire profile deliveries are sent in')
        .choices(SERVE_PROFILES)
        .default('novatrade'),
    )
    .option(
      '--allow-private-networks',
      'deliver to loopback and private addresses and accept http: endpoint URLs (local development only)',
      false,
    )
    .addOption(
      new Option('--log-format <format>', 'pretty lines, or one JSON object per line')
        .choices(LOG_FORMATS)
        .default('pretty'),
    )
    .option(
      '--shutdown-timeout <ms>',
      'on SIGINT/SIGTERM, how long attempts in flight may finish before they are released',
      parseShutdownTimeoutMs,
      DEFAULT_SHUTDOWN_TIMEOUT_MS,
    )
    .option('--no-rate-limit', "turn off the management API's per-organization rate limits")
    .addHelpText('after', EXAMPLES)
    .action(async (options: RawServeOptions) => {
      const config = resolveServeConfig(options, context.io);
      const { runServe } = await import('../serve/run-serve.js');
      await runServe(config, context, dependencies);
    });
}
