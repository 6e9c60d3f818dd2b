// How a command fails: a `CliError` carries the exit status (2: the command line is wrong; 1: the
// command could not do its job) and a stable `code` tests and scripts can match. `main.ts` prints
// `error: <message>` on stderr and exits with its status; anything else thrown is a failure (1).

/** The exit statuses of `novatrade-webhooks` (docs/cli.md, "Exit statuses"). */
export const EXIT_OK = 0;
/** The command ran and failed: a refused signature, an unreachable API, a locked data directory. */
export const EXIT_FAILURE = 1;
/** The command line is wrong: an unknown option, a missing argument, a bad value. */
export const EXIT_USAGE = 2;

/** A command's failure, with its exit status. */
export class CliError extends Error {
  override readonly name = 'CliError';
  /** A stable, machine-readable reason (`usage`, `data_dir_locked`, `signature_mismatch`, …). */
  readonly code: string;
  readonly exitCode: typeof EXIT_FAILURE | typeof EXIT_USAGE;
  /** A line printed after the message: what to do about it. */
  readonly hint: string | undefined;

  constructor(
    code: string,
    message: string,
    options: {
      readonly exitCode?: typeof EXIT_FAILURE | typeof EXIT_USAGE;
      readonly hint?: string;
      readonly cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
    this.hint = options.hint;
  }
}

/** A usage error (exit status 2): the command line cannot be run as given. */
export function usageError(message: string, hint?: string): CliError {
  return new CliError('usage', message, {
    exitCode: EXIT_USAGE,
    ...(hint === undefined ? {} : { hint }),
  });
}
