// Child processes of bench/postgres.bench.ts: forked with tsx and an IPC channel; each answers a
// message with one of `{ type }` (see worker-child.ts and pglite-child.ts).
import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** Forks `script` (a path under bench/) with tsx; stderr is inherited, stdout dropped. */
export function forkBench(script: string, args: readonly string[] = []): ChildProcess {
  return fork(join(root, 'bench', script), [...args], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

/** The next message of `child` whose `type` is `type`; rejects if the child exits first. */
export function nextMessage<T extends { type: string }>(
  child: ChildProcess,
  type: T['type'],
  what: string,
  timeoutMs = 120_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what}: no ${type} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${what} exited (${code}) before ${type}`));
    };
    const onMessage = (message: unknown) => {
      const m = message as { type?: unknown; error?: unknown };
      if (m?.type === 'error') {
        cleanup();
        reject(new Error(`${what}: ${String(m.error)}`));
      } else if (m?.type === type) {
        cleanup();
        resolve(message as T);
      }
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('message', onMessage);
    };
    child.on('exit', onExit);
    child.on('message', onMessage);
  });
}

/** Sends `message` and waits for the answer of type `answer`. */
export function ask<T extends { type: string }>(
  child: ChildProcess,
  message: unknown,
  answer: T['type'],
  what: string,
  timeoutMs?: number,
): Promise<T> {
  const reply = nextMessage<T>(child, answer, what, timeoutMs);
  child.send(message as never);
  return reply;
}

/** Disconnects `child` and waits for it to exit (SIGKILL after `graceMs`). */
export async function endChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** The forked 204 receiver of bench/sender (node:http, keep-alive, 204 at once). */
export interface ForkedReceiver {
  readonly url: string;
  readonly pid: number;
  requests(): Promise<number>;
  stop(): Promise<void>;
}

export async function forkReceiver(): Promise<ForkedReceiver> {
  const child = forkBench('sender/receiver-204.ts');
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the receiver exited (${code}) early`)));
    child.once('message', (message) => resolve(message as { port: number }));
  });
  child.removeAllListeners('exit');
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    pid: child.pid as number,
    requests: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve((message as { requests: number }).requests));
        child.send('count');
      }),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
