// What every command's registration gets: the surroundings and the output built on them.
import type { CliIo } from './cli-io.js';
import type { Output } from './output.js';

/** A command's surroundings and output. */
export interface CliContext {
  readonly io: CliIo;
  readonly output: Output;
}
