// A TypeScript script in a child process of its own (`node --import tsx <script>`, as `npm run
// demo` and `npm run bench` run theirs), for tests that need real processes: kill -9 one, restart
// it, run two side by side. Its stdout is read line by line (a test waits for a line or a JSON
// message rather than sleeping), its stderr is kept for failure messages, and commands go to its
// stdin as JSON lines (`request`, answered by a `{ t: 'reply', id }` line).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository's root: children run there, so `--import tsx` resolves from node_modules. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** How a child ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Options of {@link spawnScript}. */
export interface SpawnScriptOptions {
  /** A short name for messages (`worker-2`). */
  readonly name: string;
  /** Arguments after the script. */
  readonly args?: readonly string[];
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Called with each stdout line as it arrives (after it is stored). */
  readonly onLine?: (line: string) => void;
}

/** Options of a wait on a child's output. */
export interface ChildWaitOptions {
  /** Give up after this long, ms. */
  readonly timeoutMs: number;
  /** What is awaited, for the timeout's message. */
  readonly what: string;
}

/** A running (or ended) child. */
export interface ChildScript {
  readonly name: string;
  readonly pid: number;
  /** Every stdout line so far. */
  readonly lines: readonly string[];
  /** Every stdout line that is a JSON object, parsed, so far. */
  readonly messages: readonly Record<string, unknown>[];
  /** Everything written to stderr so far. */
  stderr(): string;
  /** How it ended, once it has. */
  readonly exit: ChildExit | undefined;
  /** Resolves when the process has ended. */
  readonly exited: Promise<ChildExit>;
  /**
   * The first JSON message (already received or still to come) that `match` accepts. Rejects
   * when the child ends first or the deadline passes, quoting the tail of its output.
   */
  waitForMessage(
    match: (message: Record<string, unknown>) => boolean,
    options: ChildWaitOptions,
  ): Promise<Record<string, unknown>>;
  /** Writes `message` as one JSON line to the child's stdin. */
  send(message: Record<string, unknown>): void;
  /**
   * Sends `{ id, cmd, ...fields }` and resolves with the child's `{ t: 'reply', id }` message;
   * rejects with the child's error when the reply has `ok: false`.
   */
  request(
    cmd: string,
    fields?: Record<string, unknown>,
    options?: Partial<ChildWaitOptions>,
  ): Promise<Record<string, unknown>>;
  /** SIGKILL (kill -9: no handler runs, nothing is flushed). Resolves once the process is gone. */
  kill9(): Promise<ChildExit>;
  /** Sends `signal` (SIGTERM, SIGINT, …) and resolves once the process is gone. */
  stop(signal: NodeJS.Signals): Promise<ChildExit>;
  /**
   * The first stdout line (already received or still to come) that `match` accepts. Rejects when
   * the child ends first or the deadline passes, quoting the tail of its output.
   */
  waitForLine(match: (line: string) => boolean, options: ChildWaitOptions): Promise<string>;
  /** The tail of stdout and stderr, for a failure message. */
  tail(): string;
}

let requestIds = 0;

/** Starts `node --import tsx <script> ...args` in the repository's root. */
export function spawnScript(script: string, options: SpawnScriptOptions): ChildScript {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', script, ...(options.args ?? [])],
    {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  if (child.pid === undefined) throw new Error(`${options.name}: could not start ${script}`);
  const lines: string[] = [];
  const messages: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let partial = '';
  let exit: ChildExit | undefined;
  const notify = (): void => {
    for (const waiter of [...waiters]) waiter();
  };

  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    partial += chunk;
    let newline = partial.indexOf('\n');
    while (newline !== -1) {
      const line = partial.slice(0, newline);
      partial = partial.slice(newline + 1);
      lines.push(line);
      if (line.startsWith('{')) {
        try {
          const parsed: unknown = JSON.parse(line);
          if (typeof parsed === 'object' && parsed !== null) {
            messages.push(parsed as Record<string, unknown>);
          }
        } catch {
          // not a message: kept as a line
        }
      }
      options.onLine?.(line);
      newline = partial.indexOf('\n');
    }
    notify();
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    // Bounded: a chatty child must not grow the test's memory without end.
    stderr = (stderr + chunk).slice(-64_000);
  });
  // A child killed while a command is being written closes its stdin under us.
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
      notify();
    });
  });

  const tail = (): string =>
    `${options.name} (pid ${child.pid}) stdout tail:\n${lines.slice(-15).join('\n')}\nstderr tail:\n${stderr.slice(-3000)}`;

  const handle: ChildScript = {
    name: options.name,
    pid: child.pid,
    lines,
    messages,
    stderr: () => stderr,
    get exit() {
      return exit;
    },
    exited,
    tail,
    waitForMessage(match, options) {
      return waitFor(messages, match, options);
    },
    waitForLine(match, options) {
      return waitFor(lines, match, options);
    },
    send(message) {
      child.stdin?.write(`${JSON.stringify(message)}\n`);
    },
    async request(cmd, fields = {}, wait = {}) {
      requestIds += 1;
      const id = requestIds;
      handle.send({ ...fields, id, cmd });
      const reply = await handle.waitForMessage((m) => m.t === 'reply' && m.id === id, {
        timeoutMs: wait.timeoutMs ?? 30_000,
        what: wait.what ?? `the reply to ${cmd}`,
      });
      if (reply.ok !== true) {
        throw new Error(`${options.name}: ${cmd} failed: ${String(reply.error)}\n${tail()}`);
      }
      return reply;
    },
    kill9() {
      if (exit === undefined) child.kill('SIGKILL');
      return exited;
    },
    stop(signal) {
      if (exit === undefined) child.kill(signal);
      return exited;
    },
  };

  /** The first item of `items` (growing as output arrives) that `match` accepts. */
  function waitFor<T>(
    items: readonly T[],
    match: (item: T) => boolean,
    { timeoutMs, what }: ChildWaitOptions,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      let checked = 0;
      const check = (): void => {
        for (; checked < items.length; checked++) {
          const message = items[checked] as T;
          if (match(message)) {
            done();
            resolve(message);
            return;
          }
        }
        if (exit !== undefined) {
          done();
          reject(
            new Error(`${options.name} ended (${JSON.stringify(exit)}) before ${what}\n${tail()}`),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${options.name}: no ${what} within ${timeoutMs} ms\n${tail()}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }
  return handle;
}
