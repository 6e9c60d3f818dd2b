// fetchHandler with the WebCrypto WebhookReceiver and EudrWebhookReceiver of the built /web entry,
// over the runtime's own Request, Response, Headers and ReadableStream: the cases of
// test/integration/receiver/adapter-suite.ts and fetch-handler.test.ts. The shared cases run
// twice: with a Request handed to the handler, and through the runtime's own server
// (Bun.serve, Deno.serve, a workerd service binding).
import {
  type DedupeStore,
  EudrWebhookReceiver,
  fetchHandler,
  isWebhooksError,
  MemoryDedupeStore,
  MemoryInbox,
  RECEIVER_PROBLEM_TYPE_PREFIX,
  type WebhookHandlerTarget,
  WebhookReceiver,
} from '@novatrade24/webhooks/web';
import { equal, ok } from '../assert.js';
import {
  decisionEvent,
  supplierCreatedEvent,
  syncCompletedEvent,
  uniqueEventId,
  viesEvent,
} from '../events.js';
import type { FetchHandler, Harness } from '../harness.js';
import { eudrHeader, novatradeHeader } from '../reference.js';

const SECRET = 'whsec_edge_fetch_handler_secret';
const OLD_SECRET = 'whsec_edge_fetch_handler_old_secret';
const URL_ = 'http://127.0.0.1/webhooks';
const encoder = new TextEncoder();

const nowSeconds = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function signedHeaders(
  body: string,
  options: { secret?: string; timestamp?: number; contentType?: string } = {},
): Promise<Record<string, string>> {
  return {
    'content-type': options.contentType ?? 'application/json',
    'x-novatrade-signature': await novatradeHeader(
      body,
      options.secret ?? SECRET,
      options.timestamp ?? nowSeconds(),
    ),
  };
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
  /** The problem's `code`, or `undefined` for a non-problem answer. */
  readonly code: string | undefined;
}

async function read(response: Response): Promise<Answer> {
  ok(response instanceof Response, "the handler answers with the runtime's own Response");
  const text = await response.text();
  const json = text === '' ? undefined : (JSON.parse(text) as unknown);
  const problem = response.headers.get('content-type')?.startsWith('application/problem+json');
  if (problem === true) {
    const { type, code, status } = json as { type: string; code: string; status: number };
    equal(type, `${RECEIVER_PROBLEM_TYPE_PREFIX}${code}`, 'problem type');
    equal(status, response.status, 'problem status');
  }
  return {
    status: response.status,
    headers: response.headers,
    json,
    code: problem === true ? (json as { code: string }).code : undefined,
  };
}

/** How a case reaches the handler: directly, or through the runtime's server. */
interface Transport {
  readonly label: string;
  /** Through the runtime's server: the handler runs in a request of its own. */
  readonly served: boolean;
  open(handler: FetchHandler): Promise<{
    send(init: RequestInit): Promise<Answer>;
    close(): Promise<void>;
  }>;
}

function transports({ serve }: Harness): Transport[] {
  const direct: Transport = {
    label: 'a Request',
    served: false,
    open: async (handler) => ({
      send: async (init) => read(await handler(new Request(URL_, init))),
      close: async () => undefined,
    }),
  };
  if (serve === undefined) return [direct];
  return [
    direct,
    {
      label: "the runtime's server",
      served: true,
      async open(handler) {
        const served = await serve(handler);
        return {
          send: async (init) => read(await served.fetch(init)),
          close: () => served.close(),
        };
      },
    },
  ];
}

/** A receiver whose onAny records ids and whose onError records `stage status`. */
function recording(options: { maxBodyBytes?: number; secret?: string | readonly string[] } = {}) {
  const seen: string[] = [];
  const errors: string[] = [];
  const receiver = new WebhookReceiver({ secret: options.secret ?? SECRET, ...options })
    .onAny((event) => {
      seen.push(event.id);
    })
    .onError((error, context) => {
      errors.push(
        `${context.stage} ${context.status} ${isWebhooksError(error) ? error.code : 'other'}`,
      );
    });
  return { receiver, seen, errors };
}

async function post(
  send: (init: RequestInit) => Promise<Answer>,
  event: object | string,
  options: Parameters<typeof signedHeaders>[1] = {},
): Promise<Answer> {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  return send({ method: 'POST', body, headers: await signedHeaders(body, options) });
}

/** A body over 1024 bytes: a valid event padded with blockers. */
function oversizedBody(): string {
  const event = decisionEvent();
  const blockers = Array.from({ length: 40 }, (_, i) => ({
    code: `MISSING_CMR_${i}`,
    message: 'CMR document missing.',
  }));
  return JSON.stringify({ ...event, data: { ...event.data, blockers } });
}

export function fetchHandlerSuite(harness: Harness): void {
  const { test } = harness;

  for (const transport of transports(harness)) {
    const name = (text: string) => `fetchHandler via ${transport.label}: ${text}`;
    /** Opens the transport for `receiver`, runs `body`, closes. */
    const using = async (
      receiver: WebhookHandlerTarget,
      body: (send: (init: RequestInit) => Promise<Answer>) => Promise<void>,
    ) => {
      const opened = await transport.open(fetchHandler(receiver));
      try {
        await body(opened.send);
      } finally {
        await opened.close();
      }
    };

    test(
      name('a valid event answers 200 and runs the typed handler once, with its context'),
      async () => {
        const seen: { event: unknown; key: string; attempt: number; ackMode: string }[] = [];
        const receiver = new WebhookReceiver({ secret: SECRET }).on(
          'compliance.decision_made',
          (event, context) => {
            seen.push({
              event,
              key: context.key,
              attempt: context.attempt,
              ackMode: context.ackMode,
            });
          },
        );
        const event = decisionEvent({ decision: 'VAT_APPLICABLE' });
        await using(receiver, async (send) => {
          const answer = await post(send, event);
          equal(answer.status, 200, 'status');
          equal(answer.headers.get('content-type'), 'application/json', 'content-type');
          equal(answer.json, { received: true });
          // The same event again: a duplicate, the handler does not run twice.
          const again = await post(send, event);
          equal([again.status, again.json], [200, { received: true, duplicate: true }]);
        });
        equal(seen, [{ event, key: event.id, attempt: 1, ackMode: 'sync' }]);
      },
    );

    test(name('bad signatures answer 401 with the verifier code; no handler runs'), async () => {
      const { receiver, seen, errors } = recording();
      await using(receiver, async (send) => {
        const body = JSON.stringify(decisionEvent());
        const tampered = body.replace('VALID_EXPORT', 'VAT_APPLICABLE');
        const headers = await signedHeaders(body);
        const answers = [
          await send({ method: 'POST', body: tampered, headers }),
          await post(send, decisionEvent(), { secret: 'whsec_someone_else' }),
          await post(send, decisionEvent(), { timestamp: nowSeconds() - 1000 }),
          await post(send, decisionEvent(), { timestamp: nowSeconds() + 1000 }),
          await send({ method: 'POST', body, headers: { 'content-type': 'application/json' } }),
        ];
        equal(
          answers.map((a) => `${a.status} ${a.code}`),
          [
            '401 signature_mismatch',
            '401 signature_mismatch',
            '401 timestamp_too_old',
            '401 timestamp_too_new',
            '401 missing_header',
          ],
        );
      });
      equal(seen, []);
      equal(errors[0], 'verify 401 signature_mismatch', 'onError');
    });

    test(name('during a rotation ([new, old]) either secret verifies'), async () => {
      const { receiver, seen } = recording({ secret: [SECRET, OLD_SECRET] });
      const byOld = decisionEvent();
      const byNew = decisionEvent();
      await using(receiver, async (send) => {
        equal((await post(send, byOld, { secret: OLD_SECRET })).status, 200);
        equal((await post(send, byNew, { secret: SECRET })).status, 200);
      });
      equal(seen, [byOld.id, byNew.id]);
    });

    test(
      name('routing: kyc.* runs for kyc.vies_check_failed; an unknown type only onAny'),
      async () => {
        const kyc: string[] = [];
        const any: string[] = [];
        const receiver = new WebhookReceiver({ secret: SECRET })
          .on('kyc.*', (event) => {
            kyc.push(`${event.type} ${event.data.buyerUuid}`);
          })
          .onAny((event) => {
            any.push(event.type);
          });
        const vies = viesEvent();
        await using(receiver, async (send) => {
          equal((await post(send, vies)).status, 200);
          equal((await post(send, { ...decisionEvent(), type: 'order.created' })).status, 200);
        });
        equal(kyc, [`kyc.vies_check_failed ${vies.data.buyerUuid}`]);
        equal(any, ['kyc.vies_check_failed', 'order.created']);
      },
    );

    test(
      name('signed but not JSON answers 400 invalid_json; not an event 400 invalid_event'),
      async () => {
        const { receiver, seen } = recording();
        await using(receiver, async (send) => {
          const answers = [
            await post(send, '{"id": "evt_truncated",'),
            await post(send, '{"hello":"world"}'),
          ];
          equal(
            answers.map((a) => `${a.status} ${a.code}`),
            ['400 invalid_json', '400 invalid_event'],
          );
        });
        equal(seen, []);
      },
    );

    test(name('a failing handler answers 500 handler_failed; the retry is processed'), async () => {
      let calls = 0;
      const processed: string[] = [];
      const receiver = new WebhookReceiver({ secret: SECRET }).on(
        'compliance.decision_made',
        (event) => {
          calls += 1;
          if (calls === 1) throw new Error('database down');
          processed.push(event.id);
        },
      );
      const event = decisionEvent();
      await using(receiver, async (send) => {
        const failed = await post(send, event);
        equal([failed.status, failed.code], [500, 'handler_failed']);
        const retry = await post(send, event);
        equal([retry.status, retry.json], [200, { received: true }]);
      });
      equal(processed, [event.id]);
    });

    // Served on workerd, the request ends with its 202: the handlers run only because fetchHandler
    // hands them to the ctx.waitUntil the Worker's fetch(request, env, ctx) passes on. What the
    // test watches is the handler and the inbox, never receiver.idle(): on workerd it would await
    // a promise of the request that has ended, which docs/receiver.md says not to do.
    test(
      name("ackMode 'async' answers 202, then the handler runs and the entry completes"),
      async () => {
        const seen: string[] = [];
        const inbox = new MemoryInbox();
        const receiver = new WebhookReceiver({ secret: SECRET, ackMode: 'async', inbox }).on(
          'compliance.decision_made',
          async (event, context) => {
            await Promise.resolve();
            seen.push(`${event.id} ${context.ackMode} ${context.attempt}`);
          },
        );
        const event = decisionEvent();
        await using(receiver, async (send) => {
          const answer = await post(send, event);
          equal([answer.status, answer.json], [202, { received: true, queued: true }]);
        });
        // The handlers start on a later macrotask, and Inbox.complete follows them: poll both for
        // up to 5 s (as long as it takes when fast), then say what is missing.
        const pendingKeys = async () =>
          (await inbox.pending(10)).map((e) => `${e.key} attempts=${e.attempts}`);
        let pending = await pendingKeys();
        for (let i = 0; i < 100 && (seen.length === 0 || pending.length > 0); i++) {
          await sleep(50);
          pending = await pendingKeys();
        }
        ok(
          seen.length > 0,
          `the handler did not run within 5 s of the 202; inbox pending: ${pending.join(', ')}`,
        );
        equal(seen, [`${event.id} async 1`]);
        equal(pending, []);
      },
    );

    test(
      name("ackMode 'async': a handler still awaiting timers after the 202 finishes its work"),
      async () => {
        const steps: string[] = [];
        const inbox = new MemoryInbox();
        const receiver = new WebhookReceiver({ secret: SECRET, ackMode: 'async', inbox }).on(
          'compliance.decision_made',
          async (event) => {
            steps.push('started');
            await sleep(100); // a request that ended without waitUntil would never come back here
            steps.push(`done ${event.id}`);
          },
        );
        const event = decisionEvent();
        await using(receiver, async (send) => {
          equal((await post(send, event)).status, 202);
        });
        for (let i = 0; i < 100 && steps.length < 2; i++) await sleep(50);
        equal(steps, ['started', `done ${event.id}`]);
        // Inbox.complete follows the handler within the same kept-alive work.
        for (let i = 0; i < 200 && (await inbox.pending(10)).length > 0; i++) await sleep(25);
        equal(await inbox.pending(10), []);
      },
    );

    // Served on workerd, the request ends with its 503: the reservation that arrives after the
    // deadline is released only because the receiver hands that work to the request's waitUntil.
    test(
      name('a reserve that answers after storeTimeoutMs: 503, then its reservation is released'),
      async () => {
        const inner = new MemoryDedupeStore();
        const released: string[] = [];
        let reserves = 0;
        const dedupe: DedupeStore = {
          async reserve(key, leaseMs) {
            reserves += 1;
            if (reserves === 1) await sleep(200); // the first one only: past the 20 ms deadline
            return inner.reserve(key, leaseMs);
          },
          complete: (key, token, ttlMs) => inner.complete(key, token, ttlMs),
          async release(key, token) {
            await inner.release(key, token);
            released.push(key);
          },
        };
        const seen: string[] = [];
        const receiver = new WebhookReceiver({
          secret: SECRET,
          dedupe,
          storeTimeoutMs: 20,
          logger: 'silent',
        }).onAny((event) => {
          seen.push(event.id);
        });
        const event = decisionEvent();
        await using(receiver, async (send) => {
          const answer = await post(send, event);
          equal([answer.status, answer.code], [503, 'dedupe_unavailable']);
        });
        for (let i = 0; i < 100 && released.length === 0; i++) await sleep(50);
        equal(released, [event.id], 'the late reservation was released within 5 s');
        // The sender's retry finds the key free: processed once.
        await using(receiver, async (send) => {
          equal((await post(send, event)).status, 200);
        });
        equal(seen, [event.id]);
      },
    );

    test(name('a body over maxBodyBytes answers 413, with a length or streamed'), async () => {
      const { receiver, seen, errors } = recording({ maxBodyBytes: 1024 });
      const body = oversizedBody();
      ok(body.length > 1024, 'the body is over the limit');
      await using(receiver, async (send) => {
        const sized = await send({ method: 'POST', body, headers: await signedHeaders(body) });
        equal([sized.status, sized.code], [413, 'payload_too_large']);
        const bytes = encoder.encode(body);
        const half = Math.floor(bytes.byteLength / 2);
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(bytes.subarray(0, half));
            controller.enqueue(bytes.subarray(half));
            controller.close();
          },
        });
        const streamed = await send({
          method: 'POST',
          body: stream,
          headers: { 'content-type': 'application/json' },
          duplex: 'half',
        } as RequestInit);
        equal([streamed.status, streamed.code], [413, 'payload_too_large']);
      });
      equal(seen, []);
      equal(errors[0], 'request 413 payload_too_large', 'onError');
    });

    test(name('text/plain answers 415; GET answers 405 with allow: POST'), async () => {
      const { receiver, seen } = recording();
      await using(receiver, async (send) => {
        const plain = await post(send, decisionEvent(), { contentType: 'text/plain' });
        equal([plain.status, plain.code], [415, 'unsupported_media_type']);
        const get = await send({ method: 'GET' });
        equal([get.status, get.code], [405, 'method_not_allowed']);
        equal(get.headers.get('allow'), 'POST', 'allow');
      });
      equal(seen, []);
    });

    test(
      name('an EudrWebhookReceiver: 200, the same body a duplicate, a bad signature 401'),
      async () => {
        const seen: string[] = [];
        const receiver = new EudrWebhookReceiver({ secret: SECRET })
          .on('supplier.created', (event) => {
            seen.push(`${event.event} ${event.data.externalId}`);
          })
          .onAny((event) => {
            seen.push(`any ${event.event}`);
          });
        const externalId = uniqueEventId();
        const body = JSON.stringify(supplierCreatedEvent(externalId));
        const headers = {
          'content-type': 'application/json',
          'x-webhook-signature': await eudrHeader(body, SECRET),
        };
        const sync = JSON.stringify(syncCompletedEvent());
        await using(receiver, async (send) => {
          equal((await send({ method: 'POST', body, headers })).status, 200);
          const again = await send({ method: 'POST', body, headers });
          equal([again.status, again.json], [200, { received: true, duplicate: true }]);
          const bad = await send({ method: 'POST', body: `${body} `, headers });
          equal([bad.status, bad.code], [401, 'signature_mismatch']);
          const other = await send({
            method: 'POST',
            body: sync,
            headers: {
              'content-type': 'application/json',
              'x-webhook-signature': await eudrHeader(sync, SECRET),
            },
          });
          equal(other.status, 200);
        });
        equal(seen, [
          `supplier.created ${externalId}`,
          'any supplier.created',
          'any sync.completed',
        ]);
      },
    );
  }

  // What needs a hand-made Request: body streams of this runtime, a body already read.
  const name = (text: string) => `fetchHandler via a Request: ${text}`;

  /** A body stream that counts the chunks pulled and records a cancel; endless unless `chunks`. */
  function countingStream(chunkBytes: number, chunks = Number.POSITIVE_INFINITY) {
    const state = { pulled: 0, cancelled: false };
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (state.pulled >= chunks) {
          controller.close();
          return;
        }
        state.pulled += 1;
        controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
      },
      cancel() {
        state.cancelled = true;
      },
    });
    return { stream, state };
  }

  const streamRequest = (stream: ReadableStream<Uint8Array>, headers: Record<string, string>) =>
    new Request(URL_, { method: 'POST', body: stream, headers, duplex: 'half' } as RequestInit);

  test(
    name('answers 413 on a Content-Length over the limit without reading the body'),
    async () => {
      const { receiver, seen, errors } = recording({ maxBodyBytes: 1024 });
      const { stream, state } = countingStream(512);
      const answer = await read(
        await fetchHandler(receiver)(
          streamRequest(stream, { 'content-type': 'application/json', 'content-length': '5000' }),
        ),
      );
      equal([answer.status, answer.code], [413, 'payload_too_large']);
      // A ReadableStream may pull once to fill its queue when created; the handler pulled nothing.
      ok(state.pulled <= 1, `pulled ${state.pulled} chunks`);
      equal(state.cancelled, false, 'cancelled');
      equal(seen, []);
      equal(errors, ['request 413 payload_too_large']);
    },
  );

  test(
    name('answers 413 and cancels an endless stream as soon as it passes the limit'),
    async () => {
      const { receiver, seen } = recording({ maxBodyBytes: 1024 });
      const { stream, state } = countingStream(300);
      const answer = await read(
        await fetchHandler(receiver)(streamRequest(stream, { 'content-type': 'application/json' })),
      );
      equal([answer.status, answer.code], [413, 'payload_too_large']);
      equal(state.cancelled, true, 'cancelled');
      ok(state.pulled <= 6, `pulled ${state.pulled} chunks`);
      equal(seen, []);
    },
  );

  test(name('reads a streamed body of exactly maxBodyBytes, in 7-byte chunks'), async () => {
    const event = decisionEvent();
    const body = JSON.stringify(event);
    const bytes = encoder.encode(body);
    const { receiver, seen } = recording({ maxBodyBytes: bytes.byteLength });
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.byteLength; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const answer = await read(
      await fetchHandler(receiver)(streamRequest(chunked, await signedHeaders(body))),
    );
    equal(answer.status, 200);
    equal(seen, [event.id]);
  });

  test(name('answers 500 invalid_payload_type when the body was read before'), async () => {
    const { receiver, errors } = recording();
    const body = JSON.stringify(decisionEvent());
    const request = new Request(URL_, { method: 'POST', body, headers: await signedHeaders(body) });
    await request.json();
    const answer = await read(await fetchHandler(receiver)(request));
    equal([answer.status, answer.code], [500, 'invalid_payload_type']);
    equal(errors, ['request 500 invalid_payload_type']);
  });

  test(name('answers 400 body_read_failed when the body stream errors midway'), async () => {
    const { receiver, seen } = recording();
    let sent = false;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) {
          controller.error(new Error('connection reset'));
          return;
        }
        sent = true;
        controller.enqueue(encoder.encode('{"id":'));
      },
    });
    const answer = await read(
      await fetchHandler(receiver)(streamRequest(failing, { 'content-type': 'application/json' })),
    );
    equal([answer.status, answer.code], [400, 'body_read_failed']);
    equal(seen, []);
  });

  test(name('answers 500 internal_error when a custom target throws'), async () => {
    const target: WebhookHandlerTarget = {
      maxBodyBytes: 1024,
      handle: () => Promise.reject(new Error('boom')),
      tooLarge: () => ({ status: 413, headers: {}, body: '' }),
    };
    const answer = await read(
      await fetchHandler(target)(new Request(URL_, { method: 'POST', body: '{}' })),
    );
    equal([answer.status, answer.code], [500, 'internal_error']);
  });

  test(name('rejects what is not a receiver, naming the option'), () => {
    const bad = [undefined, {}, { handle() {}, tooLarge() {}, maxBodyBytes: 0 }];
    const paths = bad.map((value) => {
      try {
        fetchHandler(value as unknown as WebhookHandlerTarget);
        return 'no error';
      } catch (error) {
        return isWebhooksError(error) && error.code === 'invalid_option'
          ? (error as { issues?: readonly { path: string }[] }).issues?.[0]?.path
          : 'other error';
      }
    });
    equal(paths, ['receiver', 'receiver', 'receiver.maxBodyBytes']);
  });
}
