// PLACEHOLDER while issue 14 is in progress: replaced by the command's implementation.
import type { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.js';

/** Registers `verify` on the program. */
export function registerVerifyCommand(program: Command, _context: CliContext): void {
  program.command('verify').description('(not built yet)');
}
