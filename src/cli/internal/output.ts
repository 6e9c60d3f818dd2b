// Colour and printing. Colour is on only when the stream is a terminal, `NO_COLOR` is unset or
// empty (https://no-color.org) and `TERM` is not `dumb`; `FORCE_COLOR` (anything but `0`) turns it
// on anyway, for a pager that understands it. Piped output is plain text.
import picocolors from 'picocolors';
import type { CliIo, CliOutputStream } from './cli-io.js';

/** picocolors' functions: `colors.red(text)`, … (each returns `text` untouched when colour is off). */
export type Colors = ReturnType<typeof picocolors.createColors>;

/** Whether output to `stream` is coloured, given the environment. */
export function colorEnabled(
  stream: CliOutputStream,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** Where a command writes: lines to stdout and stderr, each with its own colours. */
export interface Output {
  /** Colours for stdout. */
  readonly colors: Colors;
  /** Colours for stderr. */
  readonly errorColors: Colors;
  /** Writes one line (a newline is added) to stdout. */
  line(text?: string): void;
  /** Writes one line to stderr. */
  errorLine(text: string): void;
}

/** The output of a command run with `io`. */
export function createOutput(io: CliIo): Output {
  const colors = picocolors.createColors(colorEnabled(io.stdout, io.env));
  const errorColors = picocolors.createColors(colorEnabled(io.stderr, io.env));
  return {
    colors,
    errorColors,
    line(text = '') {
      io.stdout.write(`${text}\n`);
    },
    errorLine(text) {
      io.stderr.write(`${text}\n`);
    },
  };
}
