// `novatrade-webhooks listen`: a local webhook receiver for development. It verifies each request
// as a production receiver would, prints each accepted event, and forwards it unchanged to the
// `--forward-to` targets (each narrowed by the `--events` that follow it). The secret is
// `--secret` (or `$NOVATRADE_WEBHOOKS_SECRET`), or one generated once and kept in a file so that
// it survives restarts; `--print-secret` prints it and exits. It runs until SIGINT or SIGTERM,
// then exits 0.
// Guide: docs/cli.md, "listen".
import { type Command, Option } from 'commander';
import { generateWebhookSecret } from '../../signature/generate-webhook-secret.js';
import type { CliContext } from '../internal/cli-context.js';
import { usageError } from '../internal/cli-error.js';
import type { ShutdownSignal } from '../internal/cli-io.js';
import { SECRET_ENV } from '../internal/signing-options.js';
import {
  addEventFilter,
  addForwardTarget,
  type ForwardSpec,
  parseEventList,
  parseForwardUrl,
  resolveForwardPlan,
} from '../listen/forward-plan.js';
import {
  eventTypesOf,
  LISTEN_PROFILES,
  type ListenProfile,
  parsePath,
  parsePort,
  shellQuote,
} from '../listen/listen-options.js';
import {
  createListenPrinter,
  LISTEN_FORMATS,
  type ListenFormat,
} from '../listen/listen-printer.js';
import {
  defaultSecretFile,
  type ListenSecret,
  loadOrCreateSecret,
  secretProblem,
} from '../listen/listen-secret.js';
// The server (the receiver, its catalog's schemas) loads when listen runs, not with the program.
import type { ListenServer } from '../listen/listen-server.js';
import { parseHost } from '../serve/serve-options.js';

/** The port `listen` takes by default (`serve` takes 8080). */
export const DEFAULT_LISTEN_PORT = 8081;

interface ListenOptions {
  readonly port: number;
  readonly host: string;
  readonly path: string;
  readonly secret?: string;
  readonly secretFile?: string;
  readonly printSecret?: boolean;
  readonly profile: ListenProfile;
  readonly format: ListenFormat;
}

const EXAMPLES = `
Examples:
  # Receive on http://127.0.0.1:8081/ with a secret kept across restarts
  $ novatrade-webhooks listen
  $ novatrade-webhooks listen --print-secret        # the secret to register the endpoint with

  # Forward to your handler, which verifies with the same secret
  $ novatrade-webhooks listen --forward-to http://localhost:3000/webhooks

  # Two handlers, each with its own events (--events applies to the --forward-to before it)
  $ novatrade-webhooks listen \\
      --forward-to http://localhost:3000/kyc --events 'kyc.*' \\
      --forward-to http://localhost:4000/hooks --events 'compliance.*,export_file.generated'

  # A given secret, a free port, machine-readable output (one JSON object per line)
  $ novatrade-webhooks listen --secret "$SECRET" --port 0 --format json

Each accepted request is answered after the targets answered: 200 when they all answered 2xx,
else 502 forward_failed, and the sender retries. A request that fails verification is answered
as a receiver would (401 signature_mismatch, …) and shown as refused, with its reason code.`;

/** Registers `listen` on the program. */
export function registerListenCommand(program: Command, context: CliContext): void {
  // Commander runs option parsers in command-line order: each --events joins the plan's last
  // --forward-to (src/cli/listen/forward-plan.ts).
  let plan: ForwardSpec[] = [];
  program
    .command('listen')
    .summary('receive webhooks locally: verify, print, forward')
    .description(
      'Receive webhooks on this machine: verify each request with a secret as a production ' +
        'receiver would, print each event, and forward it unchanged (same body and signature ' +
        'headers) to your handlers. Runs until Ctrl-C.',
    )
    .option(
      '--port <number>',
      'the port to listen on (0: any free port)',
      parsePort,
      DEFAULT_LISTEN_PORT,
    )
    .option('--host <host>', 'the address to listen on', parseHost, '127.0.0.1')
    .option(
      '--path <path>',
      'the path webhooks are posted to (others are answered 404)',
      parsePath,
      '/',
    )
    .option(
      '--secret <secret>',
      `verify with this secret (default: $${SECRET_ENV}, else the remembered one)`,
    )
    .option(
      '--secret-file <file>',
      'where the generated secret is kept (default: $XDG_CONFIG_HOME/novatrade-webhooks/listen-secret, else ~/.config/novatrade-webhooks/listen-secret)',
    )
    .option('--print-secret', 'print the secret (generating it if needed) and exit')
    .addOption(
      new Option('--profile <profile>', 'the wire profile of the sender')
        .choices(LISTEN_PROFILES)
        .default('novatrade'),
    )
    .addOption(
      new Option('--format <format>', 'pretty lines, or one JSON object per line')
        .choices(LISTEN_FORMATS)
        .default('pretty'),
    )
    .option(
      '--forward-to <url>',
      'forward each accepted request to this URL (repeatable)',
      (value: string) => {
        plan = addForwardTarget(plan, parseForwardUrl(value));
        return plan;
      },
    )
    .option(
      '--events <patterns>',
      'forward only these event types or segments to the --forward-to before it (comma-separated, e.g. kyc.*,compliance.decision_made)',
      (value: string) => {
        plan = addEventFilter(plan, parseEventList(value));
        return plan;
      },
    )
    .addHelpText('after', EXAMPLES)
    .action((options: ListenOptions) => runListen(options, plan, context));
}

/**
 * The secret to verify with: `--secret`, else `$NOVATRADE_WEBHOOKS_SECRET` (as `trigger`, `sign`
 * and `verify` read it; an explicit `--secret-file` wins over it), else the remembered one.
 */
async function resolveSecret(options: ListenOptions, context: CliContext): Promise<ListenSecret> {
  if (options.secret !== undefined && options.secretFile !== undefined) {
    throw usageError(
      '--secret and --secret-file cannot be used together.',
      'Use --secret to give the secret, or --secret-file to say where it is kept.',
    );
  }
  const fromEnv = context.io.env[SECRET_ENV];
  const given =
    options.secret !== undefined
      ? { secret: options.secret, where: '--secret', kind: 'option' as const }
      : options.secretFile === undefined && fromEnv !== undefined && fromEnv !== ''
        ? { secret: fromEnv, where: `$${SECRET_ENV}`, kind: 'env' as const }
        : undefined;
  if (given !== undefined) {
    const problem = secretProblem(given.secret);
    if (problem !== null)
      throw usageError(`The secret of ${given.where} cannot be used: ${problem}.`);
    return { secret: given.secret, origin: { kind: given.kind } };
  }
  return loadOrCreateSecret(options.secretFile ?? defaultSecretFile(context.io.env), {
    cwd: context.io.cwd,
    generate: generateWebhookSecret,
  });
}

/** The first SIGINT or SIGTERM, and how to stop waiting for it. */
function shutdownSignal(context: CliContext): {
  readonly received: Promise<ShutdownSignal>;
  readonly dispose: () => void;
} {
  let dispose = (): void => undefined;
  const received = new Promise<ShutdownSignal>((resolve) => {
    dispose = context.io.onShutdownSignal((signal) => {
      dispose();
      resolve(signal);
    });
  });
  return { received, dispose };
}

async function runListen(
  options: ListenOptions,
  plan: readonly ForwardSpec[],
  context: CliContext,
): Promise<void> {
  const targets = resolveForwardPlan(plan, eventTypesOf(options.profile));
  const { secret, origin } = await resolveSecret(options, context);
  if (options.printSecret === true) {
    context.io.stdout.write(`${secret}\n`);
    return;
  }
  const printer = createListenPrinter(options.format, context.output);
  // Listening for the signal first: one that arrives while the server starts still stops it.
  const signal = shutdownSignal(context);
  let server: ListenServer;
  try {
    const { startListenServer } = await import('../listen/listen-server.js');
    server = await startListenServer({
      host: options.host,
      port: options.port,
      path: options.path,
      secret,
      profile: options.profile,
      targets,
      reporter: printer,
    });
  } catch (error) {
    signal.dispose();
    throw error;
  }
  printer.started({
    url: server.url,
    profile: options.profile,
    secret: origin,
    targets,
    printSecretCommand: `novatrade-webhooks listen${
      options.secretFile === undefined ? '' : ` --secret-file ${shellQuote(options.secretFile)}`
    } --print-secret`,
  });
  const received = await signal.received;
  await server.close();
  printer.stopped(received);
}
