// One timed dispatch, shared by bench/postgres.bench.ts and its child processes: a backlog is
// published first (untimed, by a sender that is never started), then a fresh sender on the same
// storage is started and timed until its last `delivery.succeeded`. The transport is reused from
// run to run (warm connections): `stop()` closes a sender's transport, so the sender gets a
// wrapper without `close`, and the caller closes the real one at the end.
import type { HttpTransport } from '../../src/sender/http-transport.node.js';
import type { SenderStorage } from '../../src/sender/ports/sender-storage.js';
import type { Transport } from '../../src/sender/ports/transport.js';
import {
  type PublishInput,
  WebhookSender,
  type WebhookSenderOptions,
} from '../../src/sender/webhook-sender.js';
import { EVENT_FIXTURES } from '../../src/testing/event-fixtures.js';
import { BENCH_ORG as ORG } from '../sender/fan-out-endpoints.js';
import type { CpuWindow } from './cpu.js';
import type { QueryCounter, StatementTallies } from './query-counter.js';

export { BENCH_ORG as ORG, BENCH_SECRET as SECRET } from '../sender/fan-out-endpoints.js';

export const PARTNER = '11111111-2222-3333-4444-555555555555';

export const INPUT: PublishInput = {
  organizationUuid: ORG,
  type: 'compliance.decision_made',
  partnerUuid: PARTNER,
  data: EVENT_FIXTURES['compliance.decision_made'].data,
};

/** `transport` without `close`, so a stopped sender leaves it open for the next run. */
export function keptOpen(transport: HttpTransport): Transport {
  return { send: (request) => transport.send(request) };
}

/** A transport for senders that only publish: a send is a bug of the benchmark. */
export const NEVER_SENDS: Transport = {
  send() {
    throw new Error('bench: a publishing sender sent');
  },
};

/** A sender that only publishes and manages endpoints on `storage` (never started). */
export function publisherOn(
  storage: SenderStorage,
  options: Partial<WebhookSenderOptions<unknown>> = {},
): WebhookSender {
  return new WebhookSender({
    storage,
    transport: NEVER_SENDS,
    allowInsecureUrls: true,
    ...options,
  });
}

/** Publishes `events` copies of INPUT, `concurrency` at a time; returns the deliveries made. */
export async function publishBacklog(
  publisher: WebhookSender,
  events: number,
  concurrency = 16,
): Promise<number> {
  let next = 0;
  let deliveries = 0;
  const worker = async () => {
    while (next < events) {
      next++;
      const published = await publisher.publish(INPUT);
      deliveries += published.deliveries;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, events) }, worker));
  return deliveries;
}

export interface DispatchResult {
  /** From `start()` to the last `delivery.succeeded`. */
  readonly ms: number;
  /** Statements counted in that window (when a counter was given). */
  readonly statements: StatementTallies | undefined;
  /** CPU ms in that window (when a CPU window was given). */
  readonly cpu: Record<string, number> | undefined;
}

/**
 * Starts a sender on `storage` (whose backlog holds exactly `deliveries` due deliveries), times
 * it until the `deliveries`th success, and stops it. Any failed attempt fails the benchmark.
 */
export async function timedDispatch(options: {
  readonly storage: SenderStorage;
  readonly transport: Transport;
  readonly deliveries: number;
  readonly counter?: QueryCounter | undefined;
  readonly cpu?: CpuWindow | undefined;
  readonly sender?: Partial<WebhookSenderOptions<unknown>> | undefined;
}): Promise<DispatchResult> {
  const { storage, transport, deliveries, counter, cpu } = options;
  const sender = new WebhookSender({
    storage,
    transport,
    allowInsecureUrls: true,
    maxInFlightPerEndpoint: 10,
    ...options.sender,
  });
  let succeeded = 0;
  let failed = 0;
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  sender.on('delivery.attempted', ({ attempt }) => {
    if (attempt.failureReason !== null) failed++;
  });
  sender.on('delivery.succeeded', () => {
    if (++succeeded === deliveries) finished();
  });
  // Fails fast when nothing succeeds for 20 s (a storage that keeps failing its claims).
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    let last = -1;
    timer = setInterval(() => {
      if (succeeded === last) {
        reject(new Error(`dispatch: stuck at ${succeeded} of ${deliveries} successes for 20 s`));
      }
      last = succeeded;
    }, 20_000);
  });
  counter?.reset();
  cpu?.start();
  const startedAt = performance.now();
  try {
    sender.start();
    await Promise.race([done, timeout]);
    const ms = performance.now() - startedAt;
    const statements = counter?.snapshot();
    const cpuMs = cpu?.stop();
    if (failed > 0) throw new Error(`dispatch: ${failed} attempts failed`);
    return { ms, statements, cpu: cpuMs };
  } finally {
    clearInterval(timer);
    await sender.stop({ deadlineMs: 5000 });
  }
}
