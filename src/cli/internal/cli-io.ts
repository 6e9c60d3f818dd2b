// What a command talks to: its output streams, its input, its environment, and the signals that
// end a long-running command. `nodeCliIo()` is the process's own; in-process tests pass their own
// (captured output, a fixed environment, a signal they raise themselves).

/** An output stream: `process.stdout` or a test's capture. */
export interface CliOutputStream {
  write(chunk: string): unknown;
  /** A terminal: colour is on only there (docs/cli.md, "Colour"). */
  readonly isTTY?: boolean | undefined;
}

/** The signals that stop `serve` and `listen`. */
export type ShutdownSignal = 'SIGINT' | 'SIGTERM';

/** A command's surroundings. */
export interface CliIo {
  readonly stdout: CliOutputStream;
  readonly stderr: CliOutputStream;
  /** Where `sign` and `verify` read a payload given as `-`. */
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean | undefined };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The working directory relative paths resolve against. */
  readonly cwd: string;
  /**
   * Calls `listener` on SIGINT or SIGTERM; returns the function that stops listening. A command
   * that listens owns the shutdown: the process does not end by itself on the signal.
   */
  readonly onShutdownSignal: (listener: (signal: ShutdownSignal) => void) => () => void;
}

/** The running process's streams, environment and signals. */
export function nodeCliIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    onShutdownSignal(listener) {
      const onSigint = (): void => listener('SIGINT');
      const onSigterm = (): void => listener('SIGTERM');
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigterm);
      return () => {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
      };
    },
  };
}
