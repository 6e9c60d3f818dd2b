// The `novatrade-webhooks` program run in this process (`runCli` of src/cli/main.ts) with a fake
// CliIo: captured stdout and stderr, a fixed environment, standard input from the given bytes (or
// a terminal, which has none), and no signals. Fast enough for properties over many runs.
import { Readable } from 'node:stream';
import type { CliIo } from '../../../src/cli/internal/cli-io.js';
import { runCli } from '../../../src/cli/main.js';

/** How one in-process run ended and what it printed. */
export interface InProcessRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runInProcess}. */
export interface InProcessOptions {
  /** Standard input's bytes; without it, standard input is an empty pipe. */
  readonly stdin?: string | Uint8Array;
  /** Standard input is a terminal (nothing is ever read from it). */
  readonly stdinIsTty?: boolean;
  /** The environment (nothing else is visible). @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** The working directory. @default process.cwd() */
  readonly cwd?: string;
  /** stdout and stderr claim to be terminals. @default false */
  readonly tty?: boolean;
}

/** Runs `novatrade-webhooks …argv` in this process. */
export async function runInProcess(
  argv: readonly string[],
  options: InProcessOptions = {},
): Promise<InProcessRun> {
  let stdout = '';
  let stderr = '';
  const input = options.stdin === undefined ? [] : [Buffer.from(options.stdin)];
  const stdin = Object.assign(Readable.from(input), { isTTY: options.stdinIsTty === true });
  const io: CliIo = {
    stdout: {
      write: (chunk: string) => {
        stdout += chunk;
        return true;
      },
      isTTY: options.tty === true,
    },
    stderr: {
      write: (chunk: string) => {
        stderr += chunk;
        return true;
      },
      isTTY: options.tty === true,
    },
    stdin,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    onShutdownSignal: () => () => undefined,
  };
  const status = await runCli(argv, io);
  return { status, stdout, stderr };
}
