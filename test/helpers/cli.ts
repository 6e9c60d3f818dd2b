// The `novatrade-webhooks` command as a real child process, run from the sources
// (`node --import tsx src/cli/bin.ts …`, so a stale dist/ never hides a change; the built bin is
// checked by test/package). `runCli` runs a command to its end with optional stdin; `startCli`
// starts a long-running one (`serve`, `listen`) whose stdout lines a test waits for.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ChildScript, REPOSITORY_ROOT, spawnScript } from './processes/child-process.js';

/** The bin's source, relative to the repository's root. */
export const CLI_SOURCE = 'src/cli/bin.ts';

/**
 * tsx's loader as a file URL: `--import tsx` resolves from the child's working directory, so a
 * command run in a temporary directory would not find it.
 */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let sharedConfigHome: string | undefined;

/**
 * One configuration home for the children of this test process, made on first use and removed
 * when the process exits.
 */
function configHome(): string {
  if (sharedConfigHome === undefined) {
    const made = mkdtempSync(join(tmpdir(), 'nw-cli-config-'));
    sharedConfigHome = made;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  return sharedConfigHome;
}

/**
 * The environment every CLI child gets on top of this process's: no colour variables (a test
 * that wants them sets them), and a configuration home of its own so `listen`'s remembered secret
 * never touches the developer's.
 */
export function cliEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (name === 'NO_COLOR' || name === 'FORCE_COLOR' || name.startsWith('NOVATRADE_WEBHOOKS_')) {
      continue;
    }
    env[name] = value;
  }
  if (extra.XDG_CONFIG_HOME === undefined) env.XDG_CONFIG_HOME = configHome();
  return { ...env, ...extra };
}

/** How a command ended and what it printed. */
export interface CliRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Written to the command's stdin, which is then closed. @default nothing (closed at once) */
  readonly input?: string | Uint8Array;
  /** Added to {@link cliEnv}'s environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** The working directory. @default the repository's root */
  readonly cwd?: string;
  /** The command is killed (SIGKILL) after this long, ms, and the run rejects. @default 30 000 */
  readonly timeoutMs?: number;
}

/** Runs `novatrade-webhooks …args` to its end. */
export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliRun> {
  const child = spawn(
    process.execPath,
    ['--import', TSX, join(REPOSITORY_ROOT, CLI_SOURCE), ...args],
    {
      cwd: options.cwd ?? REPOSITORY_ROOT,
      env: cliEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `novatrade-webhooks ${args.join(' ')}: still running after ${timeoutMs} ms\nstdout:\n${stdout.slice(-2000)}\nstderr:\n${stderr.slice(-2000)}`,
        ),
      );
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** Options of {@link startCli}. */
export interface StartCliOptions {
  /** A short name for messages (`serve`, `listen-2`). */
  readonly name: string;
  /** Added to {@link cliEnv}'s environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts a long-running `novatrade-webhooks …args`; stop it with `stop('SIGTERM')` or `kill9()`. */
export function startCli(args: readonly string[], options: StartCliOptions): ChildScript {
  return spawnScript(CLI_SOURCE, { name: options.name, args, env: cliEnv(options.env) });
}
