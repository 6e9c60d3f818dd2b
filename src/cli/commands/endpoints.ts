// PLACEHOLDER while issue 14 is in progress: replaced by the command's implementation.
import type { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.js';

/** Registers `endpoints` on the program. */
export function registerEndpointsCommand(program: Command, _context: CliContext): void {
  program.command('endpoints').description('(not built yet)');
}
