// PLACEHOLDER while issue 14 is in progress: replaced by the command's implementation.
import type { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.js';

/** Registers `trigger` on the program. */
export function registerTriggerCommand(program: Command, _context: CliContext): void {
  program.command('trigger').description('(not built yet)');
}
