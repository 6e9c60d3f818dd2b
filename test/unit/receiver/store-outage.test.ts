// Store outages on the receiver (docs/design.md §5.19), with the in-memory stores behind a double
// that can hold any call (never answer, or answer late) and fake timers for the deadline: every
// dedupe and inbox call runs under storeTimeoutMs; past it the answer is 503 with Retry-After and
// no handler runs; a reservation that arrives late is released, so the sender's retry runs the
// handlers exactly once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createSampleEudrEvent,
  createSampleEvent,
} from '../../../src/core/catalog/sample-events.js';
import { WebhookStorageError } from '../../../src/core/errors.js';
import type { WebhookHandleOptions } from '../../../src/receiver/adapters/webhook-handler-target.js';
import { EudrWebhookReceiver as NodeEudrReceiver } from '../../../src/receiver/eudr-webhook-receiver.node.js';
import { EudrWebhookReceiver as WebEudrReceiver } from '../../../src/receiver/eudr-webhook-receiver.web.js';
import { MemoryDedupeStore } from '../../../src/receiver/memory-dedupe-store.js';
import { MemoryInbox } from '../../../src/receiver/memory-inbox.js';
import type { DedupeStore } from '../../../src/receiver/ports/dedupe-store.js';
import type { Inbox } from '../../../src/receiver/ports/inbox.js';
import {
  DEFAULT_STORE_TIMEOUT_MS,
  type ReceiverBaseOptions,
  type ReceiverErrorContext,
} from '../../../src/receiver/receiver-options.js';
import type { ReceiverRequest, ReceiverResponse } from '../../../src/receiver/receiver-request.js';
import { WebhookReceiver as NodeReceiver } from '../../../src/receiver/webhook-receiver.node.js';
import { WebhookReceiver as WebReceiver } from '../../../src/receiver/webhook-receiver.web.js';
import { signEudrPayload } from '../../../src/signature/sign-eudr-payload.node.js';
import { signNovatradePayload } from '../../../src/signature/sign-novatrade-payload.node.js';
import { holdStore } from '../../helpers/held-store.js';
import { thrown } from '../../helpers/thrown.js';

const SECRET = 'whsec_store_outage_test';
const T = 1_790_000_000;
const now = () => T * 1000;
const TIMEOUT_MS = 250;

/** What these tests use of a receiver, whichever profile and build. */
interface TestReceiver {
  handle(request: ReceiverRequest, options?: WebhookHandleOptions): Promise<ReceiverResponse>;
  onAny(handler: (event: unknown) => unknown): unknown;
  onError(listener: (error: unknown, context: ReceiverErrorContext<unknown>) => unknown): unknown;
  idle(): Promise<void>;
  drainInbox(): Promise<unknown>;
}

interface Variant {
  readonly make: (options: ReceiverBaseOptions) => TestReceiver;
  /** A signed request of event number `n` (distinct `n`, distinct dedupe keys). */
  readonly signed: (n: number) => ReceiverRequest;
}

let counter = 0;
const novatrade = (n: number): ReceiverRequest => {
  const body = JSON.stringify(createSampleEvent('prospect.submitted', { id: `evt_outage_${n}` }));
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-novatrade-signature': signNovatradePayload(body, SECRET, { timestamp: T }),
    },
    body,
  };
};
const eudr = (n: number): ReceiverRequest => {
  const body = JSON.stringify(
    createSampleEudrEvent('supplier.created', { integrationId: `int_outage_${n}` }),
  );
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-webhook-signature': signEudrPayload(body, SECRET),
    },
    body,
  };
};

const VARIANTS: ReadonlyArray<readonly [string, Variant]> = [
  [
    'WebhookReceiver (node:crypto)',
    { make: (o) => new NodeReceiver({ secret: SECRET, now, ...o }) as never, signed: novatrade },
  ],
  [
    'WebhookReceiver (WebCrypto)',
    { make: (o) => new WebReceiver({ secret: SECRET, now, ...o }) as never, signed: novatrade },
  ],
  [
    'EudrWebhookReceiver (node:crypto)',
    { make: (o) => new NodeEudrReceiver({ secret: SECRET, now, ...o }) as never, signed: eudr },
  ],
  [
    'EudrWebhookReceiver (WebCrypto)',
    { make: (o) => new WebEudrReceiver({ secret: SECRET, now, ...o }) as never, signed: eudr },
  ],
];

/** A response promise whose settling the test can observe without awaiting it. */
function observe(answer: Promise<ReceiverResponse>): {
  readonly response: ReceiverResponse | undefined;
} {
  const observed: { response: ReceiverResponse | undefined } = { response: undefined };
  void answer.then((response) => {
    observed.response = response;
  });
  return observed;
}

function codeOf(response: ReceiverResponse | undefined): string | undefined {
  if (response === undefined) return undefined;
  return (JSON.parse(response.body) as { code?: string }).code;
}

/** Records every onError report: the error, and the context without the event. */
function recordErrors(receiver: TestReceiver) {
  const reports: Array<{ error: unknown; context: ReceiverErrorContext<unknown> }> = [];
  receiver.onError((error, context) => void reports.push({ error, context }));
  return reports;
}

/** `receiver` with a mock `onAny` handler and its onError reports. */
function watched(receiver: TestReceiver) {
  const handler = vi.fn();
  receiver.onAny(handler);
  return { receiver, handler, reports: recordErrors(receiver) };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe.each(VARIANTS)('%s with storeTimeoutMs', (_name, { make, signed }) => {
  it.each([
    0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 31,
    '250',
    null,
  ])('storeTimeoutMs %s -> invalid_option naming storeTimeoutMs, at construction', (value) => {
    const error = thrown(() => make({ storeTimeoutMs: value as never }));
    expect(error.code).toBe('invalid_option');
    expect(error.issues.map((issue) => issue.path)).toEqual(['storeTimeoutMs']);
  });

  it('reserve never answers -> nothing before storeTimeoutMs, then 503 dedupe_unavailable with Retry-After, no handler run, onError told', async () => {
    const held = holdStore<DedupeStore>(new MemoryDedupeStore());
    held.hold('reserve');
    const { receiver, handler, reports } = watched(
      make({ dedupe: held.store, storeTimeoutMs: TIMEOUT_MS }),
    );
    const answer = observe(receiver.handle(signed(++counter)));
    await held.called('reserve');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    expect(answer.response).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer.response).toMatchObject({
      status: 503,
      headers: { 'content-type': 'application/problem+json', 'retry-after': '60' },
    });
    expect(JSON.parse(answer.response?.body ?? '')).toEqual({
      type: 'urn:novatrade24:webhooks:problem:dedupe_unavailable',
      title: 'Service Unavailable',
      status: 503,
      detail: 'The dedupe store is unavailable; the event was not processed. Retry later.',
      code: 'dedupe_unavailable',
    });
    expect(handler).not.toHaveBeenCalled();
    expect(reports).toHaveLength(1);
    expect(reports[0]?.error).toBeInstanceOf(WebhookStorageError);
    expect(reports[0]?.error).toMatchObject({ code: 'storage_unavailable' });
    expect((reports[0]?.error as Error).message).toContain('DedupeStore.reserve');
    expect(reports[0]?.context).toMatchObject({ stage: 'dedupe', status: 503 });
  });

  it('a reserve that answers after the deadline is released with its token; the sender’s retry runs the handler exactly once', async () => {
    const held = holdStore<DedupeStore>(new MemoryDedupeStore());
    held.hold('reserve');
    const { receiver, handler } = watched(make({ dedupe: held.store, storeTimeoutMs: TIMEOUT_MS }));
    const request = signed(++counter);
    const answer = observe(receiver.handle(request));
    await held.called('reserve');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(answer.response?.status).toBe(503);

    // The store comes back: the timed-out reserve runs now and takes the key...
    held.letGo('reserve');
    await held.called('release');
    const [reserveCall] = held.callsOf('reserve');
    const [releaseCall] = held.callsOf('release');
    // ...and the receiver gives it back at once, with the late reservation's own token.
    expect(releaseCall?.args[0]).toBe(reserveCall?.args[0]);
    expect(typeof releaseCall?.args[1]).toBe('string');
    await vi.advanceTimersByTimeAsync(0);

    const retry = await receiver.handle(request);
    expect(retry.status).toBe(200);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(JSON.parse((await receiver.handle(request)).body)).toMatchObject({ duplicate: true });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it(`storeTimeoutMs defaults to ${DEFAULT_STORE_TIMEOUT_MS} ms`, async () => {
    const held = holdStore<DedupeStore>(new MemoryDedupeStore());
    held.hold('reserve');
    const receiver = make({ dedupe: held.store });
    const answer = observe(receiver.handle(signed(++counter)));
    await held.called('reserve');
    await vi.advanceTimersByTimeAsync(DEFAULT_STORE_TIMEOUT_MS - 1);
    expect(answer.response).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer.response?.status).toBe(503);
  });
});

describe('WebhookReceiver store outages, call by call', () => {
  const make = (options: ReceiverBaseOptions): TestReceiver =>
    new NodeReceiver({ secret: SECRET, now, storeTimeoutMs: TIMEOUT_MS, ...options }) as never;

  it('reserve rejects -> 503 dedupe_unavailable at once, without waiting for the deadline', async () => {
    const receiver = make({
      dedupe: {
        reserve: () => Promise.reject(new WebhookStorageError('storage_unavailable', 'down')),
        complete: async () => true,
        release: async () => {},
      },
    });
    const answer = observe(receiver.handle(novatrade(++counter)));
    await vi.advanceTimersByTimeAsync(0);
    expect(answer.response?.status).toBe(503);
    expect(answer.response?.headers['retry-after']).toBe('60');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the release of a late reservation fails -> reported (stage dedupe, status null, no event), no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const held = holdStore<DedupeStore>({
        reserve: async () => ({ status: 'reserved', token: 'tok_late' }),
        complete: async () => true,
        release: () => Promise.reject(new WebhookStorageError('storage_unavailable', 'down')),
      });
      held.hold('reserve');
      const receiver = make({ dedupe: held.store });
      const reports = recordErrors(receiver);
      const answer = observe(receiver.handle(novatrade(++counter)));
      await held.called('reserve');
      await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
      expect(answer.response?.status).toBe(503);
      held.letGo('reserve');
      await held.called('release');
      await vi.advanceTimersByTimeAsync(0);
      expect(held.callsOf('release')[0]?.args).toEqual([`evt_outage_${counter}`, 'tok_late']);
      expect(reports.map((r) => r.context)).toEqual([
        { stage: 'dedupe', status: 503, key: `evt_outage_${counter}`, event: expect.anything() },
        { stage: 'dedupe', status: null, key: `evt_outage_${counter}` },
      ]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a reserve that answers late with done or in_progress -> nothing is released', async () => {
    for (const status of ['done', 'in_progress'] as const) {
      const held = holdStore<DedupeStore>({
        reserve: async () => ({ status }),
        complete: async () => true,
        release: async () => {},
      });
      held.hold('reserve');
      const receiver = make({ dedupe: held.store });
      const answer = observe(receiver.handle(novatrade(++counter)));
      await held.called('reserve');
      await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
      expect(answer.response?.status).toBe(503);
      held.letGo('reserve');
      await vi.advanceTimersByTimeAsync(0);
      expect(held.callsOf('release')).toEqual([]);
    }
  });

  /** A request's `waitUntil` that records the promises handed to it and whether they settled. */
  function recordingWaitUntil() {
    const handed: Array<{ promise: Promise<void>; settled: 'pending' | 'resolved' | 'rejected' }> =
      [];
    const waitUntil = (promise: Promise<void>) => {
      const entry = { promise, settled: 'pending' as 'pending' | 'resolved' | 'rejected' };
      handed.push(entry);
      promise.then(
        () => {
          entry.settled = 'resolved';
        },
        () => {
          entry.settled = 'rejected';
        },
      );
    };
    return { waitUntil, handed };
  }

  it('a reserve that misses its deadline, with a waitUntil -> its late release is handed to waitUntil with the 503; that promise resolves once the release is done', async () => {
    const held = holdStore<DedupeStore>(new MemoryDedupeStore());
    held.hold('reserve');
    held.hold('release');
    const { receiver, handler } = watched(make({ dedupe: held.store }));
    const { waitUntil, handed } = recordingWaitUntil();
    const request = novatrade(++counter);
    const answer = observe(receiver.handle(request, { waitUntil }));
    await held.called('reserve');
    expect(handed).toEqual([]);
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(answer.response?.status).toBe(503);
    // Handed over by the time the 503 is answered: the runtime keeps the request alive for it.
    expect(handed.map((h) => h.settled)).toEqual(['pending']);

    held.letGo('reserve');
    await held.called('release');
    await vi.advanceTimersByTimeAsync(0);
    expect(handed.map((h) => h.settled)).toEqual(['pending']); // the release has not answered yet
    held.letGo('release');
    await vi.advanceTimersByTimeAsync(0);
    expect(handed.map((h) => h.settled)).toEqual(['resolved']);

    expect((await receiver.handle(request)).status).toBe(200);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('the late release fails, or the late reserve took nothing -> the promise handed to waitUntil still resolves, never rejects', async () => {
    for (const late of [
      { reserve: { status: 'reserved', token: 'tok_late' }, releases: 1 },
      { reserve: { status: 'done' }, releases: 0 },
    ] as const) {
      const held = holdStore<DedupeStore>({
        reserve: async () => late.reserve,
        complete: async () => true,
        release: () => Promise.reject(new WebhookStorageError('storage_unavailable', 'down')),
      });
      held.hold('reserve');
      const receiver = make({ dedupe: held.store });
      const { waitUntil, handed } = recordingWaitUntil();
      const answer = observe(receiver.handle(novatrade(++counter), { waitUntil }));
      await held.called('reserve');
      await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
      expect(answer.response?.status).toBe(503);
      held.letGo('reserve');
      await vi.advanceTimersByTimeAsync(0);
      expect(held.callsOf('release')).toHaveLength(late.releases);
      expect(handed.map((h) => h.settled)).toEqual(['resolved']);
    }
  });

  it('a reserve that fails before its deadline, or answers in time -> nothing is handed to waitUntil', async () => {
    const failing = make({
      dedupe: {
        reserve: () => Promise.reject(new WebhookStorageError('storage_unavailable', 'down')),
        complete: async () => true,
        release: async () => {},
      },
    });
    const { waitUntil, handed } = recordingWaitUntil();
    const failed = observe(failing.handle(novatrade(++counter), { waitUntil }));
    await vi.advanceTimersByTimeAsync(0);
    expect(failed.response?.status).toBe(503);
    const working = make({ dedupe: new MemoryDedupeStore() });
    expect((await working.handle(novatrade(++counter), { waitUntil })).status).toBe(200);
    expect(handed).toEqual([]);
  });

  it('a waitUntil that throws -> still 503, reported at warn (stage dedupe); the late reservation is still released', async () => {
    const held = holdStore<DedupeStore>(new MemoryDedupeStore());
    held.hold('reserve');
    const receiver = make({ dedupe: held.store });
    const reports = recordErrors(receiver);
    const waitUntil = () => {
      throw new Error('Illegal invocation');
    };
    const answer = observe(receiver.handle(novatrade(++counter), { waitUntil }));
    await held.called('reserve');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(answer.response?.status).toBe(503);
    expect(
      reports.map((r) => [r.context.stage, r.context.status, (r.error as Error).message]),
    ).toEqual([
      ['dedupe', 503, 'Illegal invocation'],
      ['dedupe', 503, expect.stringContaining('DedupeStore.reserve did not answer')],
    ]);
    held.letGo('reserve');
    await held.called('release');
  });

  it('sync: complete never answers after the handlers succeeded -> 200 at the deadline; redeliveries get 409 until the late complete lands, then duplicate; the handler ran once', async () => {
    const held = holdStore<DedupeStore>(new MemoryDedupeStore());
    const { receiver, handler, reports } = watched(make({ dedupe: held.store }));
    held.hold('complete');
    const request = novatrade(++counter);
    const answer = observe(receiver.handle(request));
    await held.called('complete');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    expect(answer.response).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer.response).toMatchObject({ status: 200, body: '{"received":true}' });
    expect(reports.map((r) => r.context.stage)).toEqual(['dedupe']);
    expect(reports[0]?.context.status).toBe(200);
    expect((reports[0]?.error as Error).message).toContain('DedupeStore.complete');

    // The key is still in progress: a redelivery is "retry later", never a second run.
    const during = await receiver.handle(request);
    expect([during.status, codeOf(during)]).toEqual([409, 'event_in_progress']);
    held.letGo('complete');
    await vi.advanceTimersByTimeAsync(0);
    expect(JSON.parse((await receiver.handle(request)).body)).toMatchObject({ duplicate: true });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('sync: a handler fails and release never answers -> 500 handler_failed at the deadline, the release failure reported', async () => {
    const held = holdStore<DedupeStore>(new MemoryDedupeStore());
    const receiver = make({ dedupe: held.store });
    receiver.onAny(() => {
      throw new Error('handler bug');
    });
    const reports = recordErrors(receiver);
    held.hold('release');
    const answer = observe(receiver.handle(novatrade(++counter)));
    await held.called('release');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect([answer.response?.status, codeOf(answer.response)]).toEqual([500, 'handler_failed']);
    expect(reports.map((r) => [r.context.stage, r.context.status])).toEqual([
      ['handler', 500],
      ['dedupe', 500],
    ]);
  });

  it('async: inbox.add never answers -> 503 inbox_unavailable with Retry-After, the reservation released; the retry is queued and processed once', async () => {
    const inbox = holdStore<Inbox>(new MemoryInbox());
    inbox.hold('add');
    const { receiver, handler, reports } = watched(make({ ackMode: 'async', inbox: inbox.store }));
    const request = novatrade(++counter);
    const answer = observe(receiver.handle(request));
    await inbox.called('add');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(answer.response).toMatchObject({ status: 503, headers: { 'retry-after': '60' } });
    expect(codeOf(answer.response)).toBe('inbox_unavailable');
    expect(reports.map((r) => [r.context.stage, r.context.status])).toEqual([['inbox', 503]]);
    expect((reports[0]?.error as Error).message).toContain('Inbox.add');
    expect(handler).not.toHaveBeenCalled();

    inbox.letGo('add');
    const retry = observe(receiver.handle(request));
    await vi.advanceTimersByTimeAsync(0);
    expect(retry.response?.status).toBe(202);
    await vi.runAllTimersAsync();
    await receiver.idle();
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('async: the dedupe complete after inbox.add never answers -> 202 at the deadline (the inbox owns the event); processed once', async () => {
    const held = holdStore<DedupeStore>(new MemoryDedupeStore());
    held.hold('complete');
    const { receiver, handler, reports } = watched(make({ ackMode: 'async', dedupe: held.store }));
    const answer = observe(receiver.handle(novatrade(++counter)));
    await held.called('complete');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(answer.response?.status).toBe(202);
    expect(reports.map((r) => [r.context.stage, r.context.status])).toEqual([['dedupe', 202]]);
    await vi.runAllTimersAsync();
    await receiver.idle();
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('async: inbox.complete never answers after the handler -> idle() still resolves, the entry stays pending and is reported', async () => {
    const memory = new MemoryInbox();
    const inbox = holdStore<Inbox>(memory);
    inbox.hold('complete');
    const { receiver, handler, reports } = watched(make({ ackMode: 'async', inbox: inbox.store }));
    const answer = observe(receiver.handle(novatrade(++counter)));
    await vi.advanceTimersByTimeAsync(0);
    expect(answer.response?.status).toBe(202);
    const idle = receiver.idle();
    await inbox.called('complete');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    await idle;
    expect(handler).toHaveBeenCalledTimes(1);
    expect(reports.map((r) => [r.context.stage, r.context.status])).toEqual([['inbox', null]]);
    expect((reports[0]?.error as Error).message).toContain('Inbox.complete');
    expect(memory.size).toBe(1);
  });

  it('async: inbox.claim after the 202 never answers -> idle() still resolves, no handler runs, the entry stays pending and is reported', async () => {
    const memory = new MemoryInbox();
    const inbox = holdStore<Inbox>(memory);
    inbox.hold('claim');
    const { receiver, handler, reports } = watched(make({ ackMode: 'async', inbox: inbox.store }));
    const answer = observe(receiver.handle(novatrade(++counter)));
    await vi.advanceTimersByTimeAsync(0);
    expect(answer.response?.status).toBe(202);
    const idle = receiver.idle();
    await inbox.called('claim');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    await idle;
    expect(handler).not.toHaveBeenCalled();
    expect(reports.map((r) => [r.context.stage, r.context.status])).toEqual([['inbox', null]]);
    expect((reports[0]?.error as Error).message).toContain('Inbox.claim');
    expect(memory.size).toBe(1);
  });

  it('drainInbox: inbox.claim never answers -> rejects with storage_unavailable at the deadline', async () => {
    const inbox = holdStore<Inbox>(new MemoryInbox());
    inbox.hold('claim');
    const receiver = make({ ackMode: 'async', inbox: inbox.store });
    const drained = receiver.drainInbox().then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await inbox.called('claim');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    const error = await drained;
    expect(error).toBeInstanceOf(WebhookStorageError);
    expect((error as Error).message).toContain('Inbox.claim');
  });
});
