// PLACEHOLDER while issue 14 is in progress: replaced by the command's implementation.
import type { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.js';

/** Registers `serve` on the program. */
export function registerServeCommand(program: Command, _context: CliContext): void {
  program.command('serve').description('(not built yet)');
}
