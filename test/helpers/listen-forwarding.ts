// Shared pieces of the `listen` tests (in process and as a child process): posting a signed event
// to the URL `listen` printed, loopback targets (test/helpers/processes/loopback-receiver.ts) that
// a test starts and that are closed after each test, the `--forward-to … --events …` arguments
// for targets that verify with the listener's secret, and the `forwarded` lines as rows.
import { afterEach } from 'vitest';
import {
  type CreateSignedRequestOptions,
  createSignedRequest,
  type SignableEvent,
} from '../../src/testing/index.js';
import { type LoopbackReceiver, startLoopbackReceiver } from './processes/loopback-receiver.js';

/** POSTs `event` to `url`, signed as a delivery of the given profile would be. */
export function postSigned(
  url: string,
  event: SignableEvent,
  options: CreateSignedRequestOptions,
): Promise<Response> {
  return fetch(url, createSignedRequest(event, options).toFetchInit());
}

/** Loopback targets of a test file: `start()` starts one, closed after the test. */
export interface LoopbackTargets {
  start(): Promise<LoopbackReceiver>;
}

/**
 * Loopback targets for a test file; call at its top level. An `afterEach` of its own closes the
 * test's targets (after the file's own `afterEach` hooks registered later, which stop `listen`).
 */
export function loopbackTargets(): LoopbackTargets {
  const started = new Set<LoopbackReceiver>();
  afterEach(async () => {
    for (const receiver of started) await receiver.close();
    started.clear();
  });
  return {
    async start() {
      const receiver = await startLoopbackReceiver();
      started.add(receiver);
      return receiver;
    },
  };
}

/**
 * The arguments forwarding to `target`'s endpoint key of each route, with one `--events` a
 * pattern entry (an entry may itself be a comma list). Each key verifies with `secret`.
 */
export function forwardArgs(
  target: LoopbackReceiver,
  secret: string,
  routes: Readonly<Record<string, readonly string[]>>,
): string[] {
  return Object.entries(routes).flatMap(([key, events]) => {
    target.setSecret(key, secret);
    return ['--forward-to', target.urlFor(key), ...events.flatMap((e) => ['--events', e])];
  });
}

/** The `forwarded` JSON lines among `messages` as `[eventId, url, status]` rows. */
export function forwardedRows(messages: readonly Record<string, unknown>[]): unknown[][] {
  return messages.filter((m) => m.msg === 'forwarded').map((m) => [m.eventId, m.url, m.status]);
}
