// PLACEHOLDER while issue 14 is in progress: replaced by the command's implementation.
import type { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.js';

/** Registers `sign` on the program. */
export function registerSignCommand(program: Command, _context: CliContext): void {
  program.command('sign').description('(not built yet)');
}
