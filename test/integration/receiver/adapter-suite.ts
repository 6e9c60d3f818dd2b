// One suite for every framework adapter (CONTRIBUTING.md, "Tests"): each `*.test.ts` next to this file
// starts a real HTTP server on 127.0.0.1 with its adapter, and the same cases run against it with
// real `fetch` requests, asserting the status, the problem `code`, and what the handlers received.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyEudrWebhookEvent } from '../../../src/core/catalog/eudr-webhook-event.js';
import {
  createSampleEudrEvent,
  createSampleEvent,
} from '../../../src/core/catalog/sample-events.js';
import type { AnyWebhookEvent, WebhookEvent } from '../../../src/core/catalog/webhook-event.js';
import { isWebhooksError } from '../../../src/core/errors.js';
import type { WebhookHandlerTarget } from '../../../src/receiver/adapters/webhook-handler-target.js';
import { EudrWebhookReceiver } from '../../../src/receiver/eudr-webhook-receiver.node.js';
import { MemoryDedupeStore } from '../../../src/receiver/memory-dedupe-store.js';
import { MemoryInbox } from '../../../src/receiver/memory-inbox.js';
import {
  DEFAULT_PROCESSING_LEASE_MS,
  type HandlerContext,
} from '../../../src/receiver/receiver-options.js';
import { WebhookReceiver } from '../../../src/receiver/webhook-receiver.node.js';
import { signEudrPayload } from '../../../src/signature/sign-eudr-payload.node.js';
import { signNovatradePayload } from '../../../src/signature/sign-novatrade-payload.node.js';

/** A server started for one test; `url` is the webhook route's absolute URL. */
export interface StartedServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts a real HTTP server on 127.0.0.1, port 0, serving `receiver` through one adapter. */
export type StartServer = (receiver: WebhookHandlerTarget) => Promise<StartedServer>;

/** What differs between adapters, so the shared cases can assert it where it applies. */
export interface AdapterTraits {
  /** The adapter itself answers an oversized body with `connection: close`. */
  readonly closesConnectionOnTooLarge?: boolean;
}

export const SECRET = 'whsec_adapter_suite_secret';
export const OLD_SECRET = 'whsec_adapter_suite_old_secret';
const PARTNER_A = '11111111-1111-4111-8111-111111111111';
const PARTNER_B = '22222222-2222-4222-8222-222222222222';

/**
 * Listens on 127.0.0.1, port 0, and returns the URL of `path` and a `close` that also drops idle
 * keep-alive connections (fetch keeps them open).
 */
export async function listenOnLoopback(server: Server, path = '/webhooks'): Promise<StartedServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return listening(server, path);
}

/** The URL of `path` on a server that is already listening on 127.0.0.1, and its `close`. */
export function listening(server: Server, path = '/webhooks'): StartedServer {
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let sequence = 0;
/**
 * A Novatrade24 receiver (node:crypto) that records the ids its `onAny` handler saw and the codes
 * its `onError` listener heard.
 */
export function recordingReceiver(options: { maxBodyBytes?: number } = {}): {
  receiver: WebhookReceiver;
  seen: string[];
  errors: string[];
} {
  const seen: string[] = [];
  const errors: string[] = [];
  const receiver = new WebhookReceiver({ secret: SECRET, ...options })
    .onAny((event) => {
      seen.push(event.id);
    })
    .onError((error) => {
      errors.push(isWebhooksError(error) ? error.code : 'other');
    });
  return { receiver, seen, errors };
}

/** A fresh event id per call, so no two requests of the whole run collide in a dedupe store. */
export function uniqueEventId(): string {
  sequence += 1;
  return `evt_adapter_suite_${process.pid}_${sequence}`;
}

/** The Unix time in seconds now. */
function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Signed Novatrade24 request headers for `body`. */
export function signedHeaders(
  body: string,
  options: { secret?: string | readonly string[]; timestamp?: number; contentType?: string } = {},
): Record<string, string> {
  return {
    'content-type': options.contentType ?? 'application/json',
    'x-novatrade-signature': signNovatradePayload(body, options.secret ?? SECRET, {
      timestamp: options.timestamp ?? nowSeconds(),
    }),
  };
}

/** What a test reads back from a response. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The problem's `code`, or `undefined` for a non-problem answer. */
  readonly code: string | undefined;
}

/** Sends one request with the global fetch and reads the whole answer. */
export async function send(url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  const isProblem = response.headers.get('content-type')?.startsWith('application/problem+json');
  const code = isProblem === true ? (JSON.parse(text) as { code?: string }).code : undefined;
  return { status: response.status, headers: response.headers, text, code };
}

/** POSTs `body` with `headers`. */
export function post(url: string, body: string, headers: Record<string, string>): Promise<Answer> {
  return send(url, { method: 'POST', body, headers });
}

/** A correctly signed event, sent as its JSON. */
function postEvent(url: string, event: object, secret: string | readonly string[] = SECRET) {
  const body = JSON.stringify(event);
  return post(url, body, signedHeaders(body, { secret }));
}

/** A body over 1024 bytes: a valid event padded with blockers. */
function oversizedBody(id: string): string {
  const event = createSampleEvent('compliance.status_changed', { id });
  const blockers = Array.from({ length: 40 }, (_, i) => ({
    module: 'transport',
    code: `MISSING_CMR_${i}`,
    message: 'CMR document missing.',
  }));
  return JSON.stringify({ ...event, data: { ...event.data, blockers } });
}

/** A promise plus its resolve, to await a handler's call without sleeping. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Runs the shared receiver cases against one adapter.
 *
 * @param name - the adapter, as the describe block's title.
 * @param start - starts a server for a receiver; each test starts its own and it is closed after.
 * @param traits - what the adapter itself does beyond `handle`.
 */
export function describeReceiverAdapter(
  name: string,
  start: StartServer,
  traits: AdapterTraits = {},
): void {
  describe(`${name}: the shared receiver cases`, () => {
    const servers: StartedServer[] = [];
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((server) => server.close()));
    });

    async function serve(receiver: WebhookHandlerTarget): Promise<string> {
      const server = await start(receiver);
      servers.push(server);
      return server.url;
    }

    /** A sync receiver with one typed handler that records what it gets. */
    function decisionReceiver(options: { secret?: string | readonly string[] } = {}) {
      const seen: { event: WebhookEvent<'compliance.decision_made'>; context: HandlerContext }[] =
        [];
      const receiver = new WebhookReceiver({ secret: options.secret ?? SECRET }).on(
        'compliance.decision_made',
        (event, context) => {
          seen.push({ event, context });
        },
      );
      return { receiver, seen };
    }

    it('a valid event answers 200 and runs the typed handler once with the event', async () => {
      const { receiver, seen } = decisionReceiver();
      const url = await serve(receiver);
      const event = createSampleEvent('compliance.decision_made', {
        id: uniqueEventId(),
        data: { decision: 'VAT_APPLICABLE' },
      });
      const answer = await postEvent(url, event);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(JSON.parse(answer.text)).toEqual({ received: true });
      expect(seen).toHaveLength(1);
      expect(seen[0]?.event).toEqual(event);
      expect(seen[0]?.event.data.decision).toBe('VAT_APPLICABLE');
      expect(seen[0]?.context).toMatchObject({ key: event.id, attempt: 1, ackMode: 'sync' });
    });

    it('the same event again answers 200 duplicate without running the handler again', async () => {
      const { receiver, seen } = decisionReceiver();
      const url = await serve(receiver);
      const event = createSampleEvent('compliance.decision_made', { id: uniqueEventId() });
      expect((await postEvent(url, event)).status).toBe(200);
      const again = await postEvent(url, event);
      expect(again.status).toBe(200);
      expect(JSON.parse(again.text)).toEqual({ received: true, duplicate: true });
      expect(seen).toHaveLength(1);
    });

    it('a tampered body answers 401 signature_mismatch', async () => {
      const { receiver, seen } = decisionReceiver();
      const url = await serve(receiver);
      const body = JSON.stringify(
        createSampleEvent('compliance.decision_made', { id: uniqueEventId() }),
      );
      const tampered = body.replace('VALID_EXPORT', 'VAT_APPLICABLE');
      expect(tampered).not.toBe(body);
      const answer = await post(url, tampered, signedHeaders(body));
      expect([answer.status, answer.code]).toEqual([401, 'signature_mismatch']);
      expect(seen).toEqual([]);
    });

    it('a body signed with another secret answers 401 signature_mismatch', async () => {
      const { receiver, seen } = decisionReceiver();
      const url = await serve(receiver);
      const event = createSampleEvent('compliance.decision_made', { id: uniqueEventId() });
      const answer = await postEvent(url, event, 'whsec_someone_else');
      expect([answer.status, answer.code]).toEqual([401, 'signature_mismatch']);
      expect(seen).toEqual([]);
    });

    it('a timestamp 1000 s old answers 401 timestamp_too_old', async () => {
      const { receiver, seen } = decisionReceiver();
      const url = await serve(receiver);
      const body = JSON.stringify(
        createSampleEvent('compliance.decision_made', { id: uniqueEventId() }),
      );
      const answer = await post(url, body, signedHeaders(body, { timestamp: nowSeconds() - 1000 }));
      expect([answer.status, answer.code]).toEqual([401, 'timestamp_too_old']);
      expect(seen).toEqual([]);
    });

    it('a timestamp 1000 s ahead answers 401 timestamp_too_new', async () => {
      const { receiver, seen } = decisionReceiver();
      const url = await serve(receiver);
      const body = JSON.stringify(
        createSampleEvent('compliance.decision_made', { id: uniqueEventId() }),
      );
      const answer = await post(url, body, signedHeaders(body, { timestamp: nowSeconds() + 1000 }));
      expect([answer.status, answer.code]).toEqual([401, 'timestamp_too_new']);
      expect(seen).toEqual([]);
    });

    it('a request without the signature header answers 401 missing_header', async () => {
      const { receiver, seen } = decisionReceiver();
      const url = await serve(receiver);
      const body = JSON.stringify(
        createSampleEvent('compliance.decision_made', { id: uniqueEventId() }),
      );
      const answer = await post(url, body, { 'content-type': 'application/json' });
      expect([answer.status, answer.code]).toEqual([401, 'missing_header']);
      expect(seen).toEqual([]);
    });

    it('during a rotation ([new, old]) bodies signed with either secret verify', async () => {
      const { receiver, seen } = decisionReceiver({ secret: [SECRET, OLD_SECRET] });
      const url = await serve(receiver);
      const byOld = createSampleEvent('compliance.decision_made', { id: uniqueEventId() });
      const byNew = createSampleEvent('compliance.decision_made', { id: uniqueEventId() });
      expect((await postEvent(url, byOld, OLD_SECRET)).status).toBe(200);
      expect((await postEvent(url, byNew, SECRET)).status).toBe(200);
      expect(seen.map((s) => s.event.id)).toEqual([byOld.id, byNew.id]);
    });

    it('an unknown event type answers 200 and runs only the onAny handlers', async () => {
      const { receiver, seen } = decisionReceiver();
      const any: AnyWebhookEvent[] = [];
      receiver.onAny((event) => {
        any.push(event);
      });
      const url = await serve(receiver);
      const event = {
        ...createSampleEvent('compliance.decision_made', { id: uniqueEventId() }),
        type: 'order.created',
      };
      const answer = await postEvent(url, event);
      expect(answer.status).toBe(200);
      expect(seen).toEqual([]);
      expect(any).toEqual([event]);
    });

    it('a correctly signed body that is not JSON answers 400 invalid_json', async () => {
      const { receiver, seen } = decisionReceiver();
      const url = await serve(receiver);
      const body = '{"id": "evt_truncated",';
      const answer = await post(url, body, signedHeaders(body));
      expect([answer.status, answer.code]).toEqual([400, 'invalid_json']);
      expect(seen).toEqual([]);
    });

    it('a correctly signed body that is not an event answers 400 invalid_event', async () => {
      const { receiver, seen } = decisionReceiver();
      const url = await serve(receiver);
      const body = '{"hello":"world"}';
      const answer = await post(url, body, signedHeaders(body));
      expect([answer.status, answer.code]).toEqual([400, 'invalid_event']);
      expect(seen).toEqual([]);
    });

    it('a failing handler answers 500 handler_failed; the retry is processed', async () => {
      const processed: string[] = [];
      let calls = 0;
      const receiver = new WebhookReceiver({ secret: SECRET }).on(
        'compliance.decision_made',
        (event) => {
          calls += 1;
          if (calls === 1) throw new Error('database down');
          processed.push(event.id);
        },
      );
      const url = await serve(receiver);
      const event = createSampleEvent('compliance.decision_made', { id: uniqueEventId() });
      const failed = await postEvent(url, event);
      expect([failed.status, failed.code]).toEqual([500, 'handler_failed']);
      expect(processed).toEqual([]);
      const retry = await postEvent(url, event);
      expect(retry.status).toBe(200);
      expect(JSON.parse(retry.text)).toEqual({ received: true });
      expect(processed).toEqual([event.id]);
      expect(calls).toBe(2);
    });

    it("ackMode 'async' answers 202 and the handler has run after idle()", async () => {
      const seen: { id: string; context: HandlerContext }[] = [];
      const receiver = new WebhookReceiver({ secret: SECRET, ackMode: 'async' }).on(
        'compliance.decision_made',
        async (event, context) => {
          await Promise.resolve();
          seen.push({ id: event.id, context });
        },
      );
      const url = await serve(receiver);
      const event = createSampleEvent('compliance.decision_made', { id: uniqueEventId() });
      const answer = await postEvent(url, event);
      expect(answer.status).toBe(202);
      expect(JSON.parse(answer.text)).toEqual({ received: true, queued: true });
      await receiver.idle();
      expect(seen).toEqual([
        { id: event.id, context: expect.objectContaining({ ackMode: 'async', attempt: 1 }) },
      ]);
    });

    it('after a crash mid-handler, another receiver on the same inbox processes the event once', async () => {
      const inbox = new MemoryInbox();
      const dedupe = new MemoryDedupeStore();
      const started = deferred<string>();
      // Receiver A's handler never settles: the process "crashes" while it runs.
      const crashed = new WebhookReceiver({ secret: SECRET, ackMode: 'async', inbox, dedupe }).on(
        'compliance.decision_made',
        (event) => {
          started.resolve(event.id);
          return new Promise(() => undefined);
        },
      );
      const urlA = await serve(crashed);
      const event = createSampleEvent('compliance.decision_made', { id: uniqueEventId() });
      expect((await postEvent(urlA, event)).status).toBe(202);
      expect(await started.promise).toBe(event.id);
      expect((await inbox.pending(10)).map((entry) => entry.key)).toEqual([event.id]);

      // Receiver B: the restarted process, on the same inbox and dedupe store. Its clock runs
      // ahead by the processing lease for the drain: the dead process's lease has lapsed.
      let aheadMs = 0;
      const processed: string[] = [];
      const restarted = new WebhookReceiver({
        secret: SECRET,
        ackMode: 'async',
        inbox,
        dedupe,
        now: () => Date.now() + aheadMs,
      }).on('compliance.decision_made', (e) => {
        processed.push(e.id);
      });
      expect(await restarted.drainInbox()).toEqual({ processed: 0, failed: 0, skipped: 0 });
      aheadMs = DEFAULT_PROCESSING_LEASE_MS;
      expect(await restarted.drainInbox()).toEqual({ processed: 1, failed: 0, skipped: 0 });
      aheadMs = 0;
      expect(processed).toEqual([event.id]);
      expect(await inbox.pending(10)).toEqual([]);

      // The sender's retry reaches B: a duplicate, not a second run.
      const urlB = await serve(restarted);
      const retry = await postEvent(urlB, event);
      expect(JSON.parse(retry.text)).toEqual({ received: true, duplicate: true });
      expect(await restarted.drainInbox()).toEqual({ processed: 0, failed: 0, skipped: 0 });
      expect(processed).toEqual([event.id]);
    });

    it('a body over maxBodyBytes answers 413 payload_too_large', async () => {
      const seen: string[] = [];
      const errors: string[] = [];
      const receiver = new WebhookReceiver({ secret: SECRET, maxBodyBytes: 1024 })
        .onAny((event) => {
          seen.push(event.id);
        })
        .onError((_error, context) => {
          errors.push(`${context.stage} ${context.status}`);
        });
      const url = await serve(receiver);
      const body = oversizedBody(uniqueEventId());
      expect(body.length).toBeGreaterThan(1024);
      const answer = await post(url, body, signedHeaders(body));
      expect([answer.status, answer.code]).toEqual([413, 'payload_too_large']);
      if (traits.closesConnectionOnTooLarge === true) {
        expect(answer.headers.get('connection')).toBe('close');
      }
      expect(seen).toEqual([]);
      expect(errors).toEqual(['request 413']);
    });

    it('a streamed body (no Content-Length) over maxBodyBytes answers 413 payload_too_large', async () => {
      const seen: string[] = [];
      const receiver = new WebhookReceiver({ secret: SECRET, maxBodyBytes: 1024 }).onAny(
        (event) => {
          seen.push(event.id);
        },
      );
      const url = await serve(receiver);
      const body = new TextEncoder().encode(oversizedBody(uniqueEventId()));
      const half = Math.floor(body.byteLength / 2);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(body.subarray(0, half));
          controller.enqueue(body.subarray(half));
          controller.close();
        },
      });
      const answer = await send(url, {
        method: 'POST',
        body: stream,
        headers: { 'content-type': 'application/json' },
        duplex: 'half',
      } as RequestInit);
      expect([answer.status, answer.code]).toEqual([413, 'payload_too_large']);
      expect(seen).toEqual([]);
    });

    it('a text/plain body answers 415 unsupported_media_type', async () => {
      const { receiver, seen } = decisionReceiver();
      const url = await serve(receiver);
      const body = JSON.stringify(
        createSampleEvent('compliance.decision_made', { id: uniqueEventId() }),
      );
      const answer = await post(url, body, signedHeaders(body, { contentType: 'text/plain' }));
      expect([answer.status, answer.code]).toEqual([415, 'unsupported_media_type']);
      expect(seen).toEqual([]);
    });

    it('GET answers 405 method_not_allowed with allow: POST', async () => {
      const { receiver } = decisionReceiver();
      const url = await serve(receiver);
      const answer = await send(url, { method: 'GET' });
      expect([answer.status, answer.code]).toEqual([405, 'method_not_allowed']);
      expect(answer.headers.get('allow')).toBe('POST');
    });

    it('a kyc.* handler runs for kyc.vies_check_failed', async () => {
      const seen: string[] = [];
      const receiver = new WebhookReceiver({ secret: SECRET }).on('kyc.*', (event) => {
        seen.push(`${event.type} ${event.data.buyerUuid}`);
      });
      const url = await serve(receiver);
      const event = createSampleEvent('kyc.vies_check_failed', { id: uniqueEventId() });
      expect((await postEvent(url, event)).status).toBe(200);
      expect(seen).toEqual([`kyc.vies_check_failed ${event.data.buyerUuid}`]);
    });

    it('a handler registered with partnerUuid runs only for that partner', async () => {
      const runs: string[] = [];
      const receiver = new WebhookReceiver({ secret: SECRET })
        .on('compliance.decision_made', (event) => void runs.push(`A ${event.id}`), {
          partnerUuid: PARTNER_A,
        })
        .on('compliance.decision_made', (event) => void runs.push(`B ${event.id}`), {
          partnerUuid: [PARTNER_B],
        });
      const url = await serve(receiver);
      const forA = createSampleEvent('compliance.decision_made', {
        id: uniqueEventId(),
        partnerUuid: PARTNER_A,
      });
      const forB = createSampleEvent('compliance.decision_made', {
        id: uniqueEventId(),
        partnerUuid: PARTNER_B,
      });
      const forOther = createSampleEvent('compliance.decision_made', { id: uniqueEventId() });
      for (const event of [forA, forB, forOther]) {
        expect((await postEvent(url, event)).status).toBe(200);
      }
      expect(runs).toEqual([`A ${forA.id}`, `B ${forB.id}`]);
    });

    it('an EudrWebhookReceiver: valid 200, the same body again a duplicate, a bad signature 401', async () => {
      const seen: AnyEudrWebhookEvent[] = [];
      const receiver = new EudrWebhookReceiver({ secret: SECRET }).on(
        'supplier.created',
        (event) => {
          seen.push(event);
        },
      );
      const url = await serve(receiver);
      const event = createSampleEudrEvent('supplier.created', {
        data: { externalId: uniqueEventId() },
      });
      const body = JSON.stringify(event);
      const headers = {
        'content-type': 'application/json',
        'x-webhook-signature': signEudrPayload(body, SECRET),
      };
      const first = await post(url, body, headers);
      expect(first.status).toBe(200);
      expect(JSON.parse(first.text)).toEqual({ received: true });
      const again = await post(url, body, headers);
      expect(JSON.parse(again.text)).toEqual({ received: true, duplicate: true });
      expect(seen).toEqual([event]);

      const forged = await post(url, body.replace('supplier', 'product'), headers);
      expect([forged.status, forged.code]).toEqual([401, 'signature_mismatch']);
      const wrongSecret = await post(url, body, {
        ...headers,
        'x-webhook-signature': signEudrPayload(body, 'whsec_someone_else'),
      });
      expect([wrongSecret.status, wrongSecret.code]).toEqual([401, 'signature_mismatch']);
      expect(seen).toHaveLength(1);
    });
  });
}
