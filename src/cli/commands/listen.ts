// PLACEHOLDER while issue 14 is in progress: replaced by the command's implementation.
import type { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.js';

/** Registers `listen` on the program. */
export function registerListenCommand(program: Command, _context: CliContext): void {
  program.command('listen').description('(not built yet)');
}
