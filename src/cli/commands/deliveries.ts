// PLACEHOLDER while issue 14 is in progress: replaced by the command's implementation.
import type { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.js';

/** Registers `deliveries` on the program. */
export function registerDeliveriesCommand(program: Command, _context: CliContext): void {
  program.command('deliveries').description('(not built yet)');
}
