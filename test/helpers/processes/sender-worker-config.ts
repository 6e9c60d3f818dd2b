// What a sender worker process (`sender-worker.ts`) is told at start, in the environment variable
// SENDER_WORKER_CONFIG as JSON, and how a test starts one.
import { fileURLToPath } from 'node:url';
import { type ChildScript, type SpawnScriptOptions, spawnScript } from './child-process.js';
import type { FastProfileSpec } from './fast-profile.js';

/** Where the worker's storage lives. */
export type WorkerStorageConfig =
  | {
      readonly kind: 'postgres';
      readonly connectionString: string;
      readonly schema: string;
      /** The pool's `max`. */
      readonly poolMax: number;
      /** The sessions' `application_name` (a test finds and terminates them by it). */
      readonly applicationName: string;
    }
  | {
      readonly kind: 'pglite';
      /** PGlite's data directory (a file path). One process at a time. */
      readonly dataDir: string;
      /**
       * A data-directory dump (a tar file, `pgliteDump`) to start a new, empty `dataDir` from,
       * instead of running initdb.
       */
      readonly loadDataDirFile?: string;
    };

/** The sender worker's configuration. */
export interface SenderWorkerConfig {
  readonly workerId: string;
  readonly storage: WorkerStorageConfig;
  /** Run `migrate` on the schema at start (idempotent). */
  readonly migrate: boolean;
  readonly profile: FastProfileSpec;
  readonly leaseMs: number;
  readonly maxInFlight: number;
  readonly maxInFlightPerEndpoint?: number;
  readonly pollIntervalMs: number;
  readonly endpointCacheTtlMs?: number;
  /** `start()` the dispatcher before saying ready. */
  readonly dispatch: boolean;
}

/** The worker script's path. */
export const SENDER_WORKER_SCRIPT = fileURLToPath(new URL('./sender-worker.ts', import.meta.url));

/**
 * Starts a worker process and resolves once it says `ready` (its storage open, its dispatcher
 * started when `dispatch` is set).
 */
export async function startSenderWorker(
  config: SenderWorkerConfig,
  options: Omit<SpawnScriptOptions, 'name' | 'env'> & {
    readonly name?: string;
    readonly readyTimeoutMs?: number;
  } = {},
): Promise<ChildScript> {
  const child = spawnScript(SENDER_WORKER_SCRIPT, {
    ...options,
    name: options.name ?? config.workerId,
    env: { SENDER_WORKER_CONFIG: JSON.stringify(config) },
  });
  try {
    await child.waitForMessage((m) => m.t === 'ready', {
      timeoutMs: options.readyTimeoutMs ?? 30_000,
      what: 'ready',
    });
  } catch (error) {
    await child.kill9();
    throw error;
  }
  return child;
}

/** The sender log lines a worker printed (`{ t: 'log', level, fields, message }`). */
export function workerLogs(child: ChildScript): {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}[] {
  return child.messages
    .filter((m) => m.t === 'log')
    .map((m) => ({
      level: String(m.level),
      fields: (m.fields ?? {}) as Record<string, unknown>,
      message: String(m.message),
    }));
}

/**
 * The worker's last warning or error log line, fatal error or pool error, and how it ended if it
 * has, for a timeout's message.
 */
export function lastWorkerProblem(child: ChildScript): string {
  const last = child.messages
    .filter(
      (m) =>
        (m.t === 'log' && (m.level === 'warn' || m.level === 'error')) ||
        m.t === 'pool-error' ||
        m.t === 'fatal',
    )
    .at(-1);
  const ended = child.exit === undefined ? '' : ` (ended: ${JSON.stringify(child.exit)})`;
  return `${child.name}${ended}: ${last === undefined ? 'no warning logged' : JSON.stringify(last)}`;
}
