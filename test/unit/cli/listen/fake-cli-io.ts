// A CliIo for running `novatrade-webhooks` in-process: captured stdout and stderr (split into
// lines a test waits for), a fixed environment and working directory, no stdin, and shutdown
// signals the test raises itself with `signal('SIGINT')`.
import { Readable } from 'node:stream';
import type { CliIo, ShutdownSignal } from '../../../../src/cli/internal/cli-io.js';
import { waitUntil } from '../../../helpers/processes/wait-until.js';

/** A fake CliIo and what was written to it. */
export interface FakeCliIo {
  readonly io: CliIo;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** The complete stdout lines so far. */
  lines(): string[];
  /** The stdout lines that are JSON objects, parsed. */
  messages(): Record<string, unknown>[];
  /** The first stdout line `match` accepts, waiting up to `timeoutMs` for it. */
  waitForLine(match: (line: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** The first JSON line `match` accepts. */
  waitForMessage(
    match: (message: Record<string, unknown>) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Raises a shutdown signal, as Ctrl-C would. */
  signal(signal: ShutdownSignal): void;
}

/** A fake CliIo with `env` (no colour variables unless given) and `cwd`. */
export function createFakeCliIo(
  options: { readonly env?: Record<string, string>; readonly cwd?: string } = {},
): FakeCliIo {
  let out = '';
  let err = '';
  const listeners = new Set<(signal: ShutdownSignal) => void>();
  const io: CliIo = {
    stdout: {
      write(chunk: string) {
        out += chunk;
      },
      isTTY: false,
    },
    stderr: {
      write(chunk: string) {
        err += chunk;
      },
      isTTY: false,
    },
    stdin: Readable.from([]),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    onShutdownSignal(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const lines = (): string[] => {
    const all = out.split('\n');
    all.pop(); // the unfinished line (or '' after the last newline)
    return all;
  };
  const messages = (): Record<string, unknown>[] =>
    lines()
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    io,
    stdout: () => out,
    stderr: () => err,
    lines,
    messages,
    waitForLine: (match, what, timeoutMs = 10_000) =>
      waitUntil(() => lines().find(match), {
        what,
        timeoutMs,
        progress: () => `stdout:\n${out}\nstderr:\n${err}`,
      }),
    waitForMessage: (match, what, timeoutMs = 10_000) =>
      waitUntil(() => messages().find(match), {
        what,
        timeoutMs,
        progress: () => `stdout:\n${out}\nstderr:\n${err}`,
      }),
    signal(signal) {
      for (const listener of [...listeners]) listener(signal);
    },
  };
}
