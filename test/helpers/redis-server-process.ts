// A private redis-server child for tests that kill Redis: its own free port, no persistence, so
// `kill()` (SIGKILL, like a crashed server) and `start()` on the same port never touch the shared
// server on 6379.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { freePort } from './tcp-proxy.js';

/** A redis-server child process on its own port. */
export interface RedisServerProcess {
  /** The port, the same across restarts. */
  readonly port: number;
  /** Starts the server and resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown, no goodbye to clients. Resolves once the process is gone. */
  kill(): Promise<void>;
}

/** True when `redis-server` is on PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A stopped server on a free port; call `start()`. */
export async function redisServerProcess(): Promise<RedisServerProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  return {
    port,
    start() {
      const started = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = started;
      return new Promise((resolve, reject) => {
        let output = '';
        started.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Ready to accept connections')) resolve();
        });
        started.once('exit', (code) =>
          reject(new Error(`redis-server exited with ${code}: ${output.slice(-500)}`)),
        );
      });
    },
    kill() {
      const current = child;
      child = undefined;
      if (current === undefined || current.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        current.once('exit', () => resolve());
        current.kill('SIGKILL');
      });
    },
  };
}
