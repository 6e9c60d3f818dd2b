// A sender worker process for the process tests, run as `node --import tsx sender-worker.ts` with
// its configuration in SENDER_WORKER_CONFIG (`sender-worker-config.ts`). It opens the storage
// (PostgreSQL through a pg Pool, or PGlite on a data directory through
// `@electric-sql/pglite/node-postgres`), builds a WebhookSender on `PostgresStorage` with a
// millisecond retry schedule, starts dispatching if told to, and then answers commands on stdin,
// one JSON line each (`{ id, cmd, ... }` → `{ t: 'reply', id, ok, ... }`). Everything it says is
// a JSON line on stdout: `ready`, the sender's log lines (`{ t: 'log', level, fields, message }`),
// the pool's errors, replies. kill -9 is expected at any moment: nothing here relies on a clean
// exit.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import pg from 'pg';
import type { UntypedEventDataMap } from '../../../src/core/catalog/event-catalog.js';
import type { LogFields } from '../../../src/logging/logger.js';
import { DEFAULT_POSTGRES_SCHEMA, migrate } from '../../../src/postgres/migrate.js';
import { PostgresStorage } from '../../../src/postgres/postgres-storage.js';
import { HttpTransport } from '../../../src/sender/http-transport.node.js';
import type { SenderStorage } from '../../../src/sender/ports/sender-storage.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { readLedger } from './delivery-ledger.js';
import { fastProfile } from './fast-profile.js';
import type { SenderWorkerConfig } from './sender-worker-config.js';

const emit = (message: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

// A fatal error is reported with its stack and how it surfaced, so that a failing run says where
// it came from (an 'error' event nobody listened to, or a rejection nobody handled).
const fatal = (how: string) => (error: unknown) => {
  emit({
    t: 'fatal',
    how,
    error: describeError(error),
    stack: error instanceof Error ? error.stack : undefined,
  });
  process.exit(70);
};
process.on('uncaughtException', fatal('uncaughtException'));
process.on('unhandledRejection', fatal('unhandledRejection'));

const config = JSON.parse(process.env.SENDER_WORKER_CONFIG ?? 'null') as SenderWorkerConfig;
const { storage: where } = config;

let pool: pg.Pool;
let closeDatabase: () => Promise<void>;
let schema: string | undefined;
if (where.kind === 'postgres') {
  schema = where.schema;
  pool = new pg.Pool({
    connectionString: where.connectionString,
    max: where.poolMax,
    application_name: where.applicationName,
  });
  // A pg Pool emits 'error' when an idle client's connection dies (pg_terminate_backend, a
  // restarted server); without a listener Node ends the process. The pool replaces the client.
  pool.on('error', (error) => emit({ t: 'pool-error', error: describeError(error) }));
  closeDatabase = () => pool.end();
} else {
  const { PGlite } = await import('@electric-sql/pglite');
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  const startedMs = Date.now();
  const pglite = new PGlite({
    dataDir: where.dataDir,
    ...(where.loadDataDirFile === undefined
      ? {}
      : { loadDataDir: new Blob([readFileSync(where.loadDataDirFile)]) }),
  });
  await pglite.waitReady;
  emit({ t: 'pglite-open', ms: Date.now() - startedMs });
  pool = new pg.Pool(createPgConfig(pglite));
  closeDatabase = async () => {
    await pool.end();
    await pglite.close();
  };
}
if (config.migrate) await migrate(pool, schema === undefined ? {} : { schema });

const storage = new PostgresStorage(schema === undefined ? { pool } : { pool, schema });
const log =
  (level: string) =>
  (fields: LogFields, message: string): void =>
    emit({ t: 'log', level, fields, message });
const sender = new WebhookSender<UntypedEventDataMap>({
  storage,
  transport: new HttpTransport({ allowPrivateNetworks: true }), // loopback receivers: tests only
  allowInsecureUrls: true, // http:// on 127.0.0.1: tests only
  profile: fastProfile(config.profile),
  workerId: config.workerId,
  leaseMs: config.leaseMs,
  maxInFlight: config.maxInFlight,
  pollIntervalMs: config.pollIntervalMs,
  ...(config.maxInFlightPerEndpoint === undefined
    ? {}
    : { maxInFlightPerEndpoint: config.maxInFlightPerEndpoint }),
  ...(config.endpointCacheTtlMs === undefined
    ? {}
    : { endpointCacheTtlMs: config.endpointCacheTtlMs }),
  logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
});
if (config.dispatch) sender.start();

type Command = { readonly id: number; readonly cmd: string } & Record<string, unknown>;

/** Runs one command; its result's fields go into the reply. */
async function run(command: Command): Promise<Record<string, unknown>> {
  switch (command.cmd) {
    case 'createEndpoint': {
      const created = await sender.createEndpoint(
        command.organizationUuid as string,
        command.input as never,
      );
      return { endpointId: created.endpoint.id, secret: created.secret };
    }
    case 'updateEndpoint': {
      const updated = await sender.updateEndpoint(
        command.organizationUuid as string,
        command.endpointId as string,
        command.changes as never,
      );
      return { status: updated?.status ?? null };
    }
    case 'publish': {
      const published = await sender.publish(command.input as never);
      return { eventId: published.event.id, deliveries: published.deliveries };
    }
    case 'start':
      sender.start();
      return {};
    case 'hasWatch':
      return { hasWatch: typeof (storage as SenderStorage).watch === 'function' };
    case 'deliveries': {
      // The ledger, for a test that may not open the database itself (PGlite: one process).
      return { rows: await readLedger(pool, schema ?? DEFAULT_POSTGRES_SCHEMA) };
    }
    case 'stop': {
      await sender.stop({ deadlineMs: Number(command.deadlineMs ?? 5_000) });
      await closeDatabase();
      return {};
    }
    default:
      throw new Error(`unknown command ${command.cmd}`);
  }
}

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const command = JSON.parse(line) as Command;
  run(command).then(
    (result) => {
      emit({ t: 'reply', id: command.id, ok: true, ...result });
      if (command.cmd === 'stop') {
        input.close();
        // Exit once the reply is flushed.
        process.stdout.write('', () => process.exit(0));
      }
    },
    (error: unknown) =>
      emit({ t: 'reply', id: command.id, ok: false, error: describeError(error) }),
  );
});

emit({ t: 'ready', workerId: config.workerId, pid: process.pid });
