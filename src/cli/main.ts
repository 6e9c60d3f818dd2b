// The `novatrade-webhooks` program: one commander program whose commands are registered by their
// own modules (commands/*.ts), and the one place that turns a failure into a message on stderr and
// an exit status: 0 done, 1 failed, 2 the command line is wrong (docs/cli.md, "Exit statuses").
import { Command, CommanderError } from 'commander';
import { isWebhooksError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { registerDeliveriesCommand } from './commands/deliveries.js';
import { registerEndpointsCommand } from './commands/endpoints.js';
import { registerListenCommand } from './commands/listen.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSignCommand } from './commands/sign.js';
import { registerTriggerCommand } from './commands/trigger.js';
import { registerVerifyCommand } from './commands/verify.js';
import type { CliContext } from './internal/cli-context.js';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './internal/cli-error.js';
import type { CliIo } from './internal/cli-io.js';
import { createOutput, type Output } from './internal/output.js';
import { redactUsageMessage } from './internal/redact-usage-message.js';

/** The bin's name, as package.json declares it. */
export const CLI_NAME = 'novatrade-webhooks';

/**
 * The program with every command registered. Settings made here (output, exit override) are
 * inherited by each command, so they come before the registrations.
 */
export function createProgram(context: CliContext): Command {
  const { io, output } = context;
  const program = new Command(CLI_NAME)
    .description(
      'Run the webhooks service locally, watch events arrive, fire signed events at a handler, ' +
        'check signatures by hand, and manage endpoints through the management API.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help (with examples)')
    .helpCommand('help [command]', 'show help for a command')
    .showHelpAfterError(`(run ${CLI_NAME} <command> --help for usage and examples)`)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // commander quotes refused values; a value may be a secret, so it is cut out first.
      outputError: (text, write) => write(output.errorColors.red(redactUsageMessage(text))),
    });
  registerServeCommand(program, context);
  registerListenCommand(program, context);
  registerTriggerCommand(program, context);
  registerSignCommand(program, context);
  registerVerifyCommand(program, context);
  registerEndpointsCommand(program, context);
  registerDeliveriesCommand(program, context);
  return program;
}

/** Runs the command line `argv` (without `node` and the script) and resolves with the exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const output = createOutput(io);
  const program = createProgram({ io, output });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    return reportFailure(error, output);
  }
}

/** Prints a failure (commander's own messages are already printed) and returns its exit status. */
export function reportFailure(error: unknown, output: Output): number {
  if (error instanceof CommanderError) {
    // Help or the version asked for: done. Help shown because no command was given, an unknown
    // option, a missing argument, a value a parser refused: the command line is wrong.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
      return EXIT_OK;
    }
    // `help <command>` asks for help (exit code 0); help shown for a missing command does not.
    if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    return EXIT_USAGE;
  }
  const red = output.errorColors.red;
  if (error instanceof CliError) {
    output.errorLine(`${red('error:')} ${error.message}`);
    if (error.hint !== undefined) output.errorLine(error.hint);
    return error.exitCode;
  }
  if (isWebhooksError(error)) {
    output.errorLine(`${red('error:')} ${error.message} [${error.code}]`);
    return EXIT_FAILURE;
  }
  output.errorLine(`${red('error:')} ${error instanceof Error ? error.message : String(error)}`);
  return EXIT_FAILURE;
}
