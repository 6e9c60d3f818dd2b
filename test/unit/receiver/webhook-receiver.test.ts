import { describe, expect, it, vi } from 'vitest';
import {
  createSampleEudrEvent,
  createSampleEvent,
} from '../../../src/core/catalog/sample-events.js';
import type { AnyWebhookEvent } from '../../../src/core/catalog/webhook-event.js';
import { WebhookStorageError } from '../../../src/core/errors.js';
import { EudrWebhookReceiver as NodeEudrReceiver } from '../../../src/receiver/eudr-webhook-receiver.node.js';
import { EudrWebhookReceiver as WebEudrReceiver } from '../../../src/receiver/eudr-webhook-receiver.web.js';
import { MemoryDedupeStore } from '../../../src/receiver/memory-dedupe-store.js';
import { MemoryInbox } from '../../../src/receiver/memory-inbox.js';
import type { DedupeStore } from '../../../src/receiver/ports/dedupe-store.js';
import {
  DEFAULT_DEDUPE_TTL_MS,
  DEFAULT_PROCESSING_LEASE_MS,
} from '../../../src/receiver/receiver-options.js';
import type { ReceiverResponse } from '../../../src/receiver/receiver-request.js';
import type { WebhookReceiverOptions } from '../../../src/receiver/webhook-receiver.js';
import { WebhookReceiver as NodeReceiver } from '../../../src/receiver/webhook-receiver.node.js';
import { WebhookReceiver as WebReceiver } from '../../../src/receiver/webhook-receiver.web.js';
import { signEudrPayload } from '../../../src/signature/sign-eudr-payload.node.js';
import { signNovatradePayload } from '../../../src/signature/sign-novatrade-payload.node.js';
import { thrown } from '../../helpers/thrown.js';

const SECRET = 'whsec_engine_test';
const T = 1_790_000_000;
const now = () => T * 1000;

let counter = 0;
function event<T extends Parameters<typeof createSampleEvent>[0]>(
  type: T,
  overrides: Parameters<typeof createSampleEvent<T>>[1] = {},
) {
  counter += 1;
  return createSampleEvent(type, { id: `evt_engine_${counter}`, ...overrides });
}

function request(
  payload: unknown,
  options: { secret?: string; contentType?: string; method?: string } = {},
) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return {
    method: options.method ?? 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'x-novatrade-signature': signNovatradePayload(body, options.secret ?? SECRET, {
        timestamp: T,
      }),
    },
    body,
  };
}

function problem(response: ReceiverResponse): {
  code: string;
  status: number;
  type: string;
  detail: string;
} {
  expect(response.headers['content-type']).toBe('application/problem+json');
  return JSON.parse(response.body);
}

const VARIANTS = [
  ['node:crypto', (o: WebhookReceiverOptions) => new NodeReceiver(o)],
  ['WebCrypto', (o: WebhookReceiverOptions) => new WebReceiver(o)],
] as const;

describe.each(VARIANTS)('WebhookReceiver (%s).handle', (_name, make) => {
  const receiver = (options: Partial<WebhookReceiverOptions> = {}) =>
    make({ secret: SECRET, now, ...options });

  it('valid event -> 200 {"received":true}; the typed handler ran once with the event', async () => {
    const seen: AnyWebhookEvent[] = [];
    const r = receiver().on('compliance.decision_made', (e) => {
      // Type-level: data is narrowed to the decision payload.
      const decision: string = e.data.decision;
      expect(decision).toBe('VALID_EXPORT');
      seen.push(e);
    });
    const sent = event('compliance.decision_made');
    const response = await r.handle(request(sent));
    expect(response).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"received":true}',
    });
    expect(seen).toEqual([sent]);
  });

  it('duplicate event id -> 200 duplicate, handlers not run again', async () => {
    const handler = vi.fn();
    const r = receiver().onAny(handler);
    const sent = event('prospect.submitted');
    expect((await r.handle(request(sent))).status).toBe(200);
    const again = await r.handle(request(sent));
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toEqual({ received: true, duplicate: true });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('segment, exact and onAny handlers: each matching one runs once, in registration order, onAny last', async () => {
    const calls: string[] = [];
    const r = receiver()
      .onAny(() => void calls.push('any'))
      .on('kyc.*', (e) => void calls.push(`segment:${e.type}`))
      .on('kyc.vies_check_failed', (e) => void calls.push(`exact:${e.data.vatNumber}`))
      .on('compliance.*', () => void calls.push('wrong segment'));
    await r.handle(request(event('kyc.vies_check_failed')));
    expect(calls).toEqual(['segment:kyc.vies_check_failed', 'exact:DE123456789', 'any']);
  });

  it('unknown event type -> 200, only onAny runs (new types are non-breaking)', async () => {
    const typed = vi.fn();
    const any = vi.fn();
    const r = receiver().on('compliance.*', typed).onAny(any);
    const unknown = { ...event('compliance.decision_made'), type: 'compliance.future_type' };
    const response = await r.handle(request(unknown));
    expect(response.status).toBe(200);
    expect(typed).not.toHaveBeenCalled();
    expect(any).toHaveBeenCalledWith(
      expect.objectContaining({ type: 'compliance.future_type' }),
      expect.objectContaining({ attempt: 1, ackMode: 'sync' }),
    );
  });

  it('partner routing: a handler with partnerUuid runs only for that partner', async () => {
    const a = vi.fn();
    const b = vi.fn();
    const r = receiver()
      .on('prospect.submitted', a, { partnerUuid: 'partner-a' })
      .on('prospect.submitted', b, { partnerUuid: ['partner-b', 'partner-c'] });
    await r.handle(request(event('prospect.submitted', { partnerUuid: 'partner-c' })));
    expect(a).not.toHaveBeenCalled();
    expect(b).toHaveBeenCalledTimes(1);
  });

  it('ignoreSources: an event from an ignored source -> 200 ignored, no handler', async () => {
    const handler = vi.fn();
    const r = receiver({ ignoreSources: ['WEB_APP'] }).onAny(handler);
    const response = await r.handle(request(event('prospect.submitted', { source: 'WEB_APP' })));
    expect(JSON.parse(response.body)).toEqual({ received: true, ignored: true });
    expect(handler).not.toHaveBeenCalled();
    await r.handle(request(event('prospect.submitted', { source: 'API' })));
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['GET', { method: 'GET' }, 405, 'method_not_allowed'],
    ['text/plain', { contentType: 'text/plain' }, 415, 'unsupported_media_type'],
    ['wrong secret', { secret: 'whsec_nope' }, 401, 'signature_mismatch'],
  ])('%s -> %i %s', async (_label, options, status, code) => {
    const handler = vi.fn();
    const r = receiver().onAny(handler);
    const response = await r.handle(request(event('prospect.submitted'), options));
    expect(response.status).toBe(status);
    expect(problem(response)).toMatchObject({
      status,
      code,
      type: `urn:novatrade24:webhooks:problem:${code}`,
    });
    if (status === 405) expect(response.headers.allow).toBe('POST');
    expect(handler).not.toHaveBeenCalled();
  });

  it('content type with parameters (application/json; charset=utf-8) -> accepted', async () => {
    const r = receiver();
    const response = await r.handle(
      request(event('prospect.submitted'), { contentType: 'Application/JSON; charset=utf-8' }),
    );
    expect(response.status).toBe(200);
  });

  it('body over maxBodyBytes (counted in UTF-8 bytes) -> 413', async () => {
    const r = receiver({ maxBodyBytes: 2048 });
    const big = event('prospect.submitted', {});
    const payload = { ...big, padding: 'é'.repeat(1100) }; // 1,100 chars, 2,200 bytes
    const response = await r.handle(request(payload));
    expect(response.status).toBe(413);
    expect(problem(response).code).toBe('payload_too_large');
  });

  it('signed bad JSON -> 400 invalid_json; bad envelope -> 400 invalid_event; 401 body says which check failed without secret or signature', async () => {
    const r = receiver();
    expect(problem(await r.handle(request('{"id":'))).code).toBe('invalid_json');
    const bad = await r.handle(request({ ...event('prospect.submitted'), createdAt: 'yesterday' }));
    expect(bad.status).toBe(400);
    expect(problem(bad).code).toBe('invalid_event');
    const req = request(event('prospect.submitted'));
    const stale = {
      ...req,
      headers: {
        ...req.headers,
        'x-novatrade-signature': signNovatradePayload(req.body, SECRET, { timestamp: T - 1000 }),
      },
    };
    const response = await r.handle(stale);
    expect(response.status).toBe(401);
    const body = problem(response);
    expect(body.code).toBe('timestamp_too_old');
    expect(response.body).not.toContain(SECRET);
    expect(response.body).not.toContain(stale.headers['x-novatrade-signature'].split('v1=')[1]);
  });

  it('a raw body that is not a string or bytes (misconfigured framework) -> 500 invalid_payload_type with the fix', async () => {
    const r = receiver();
    const response = await r.handle({ ...request(event('prospect.submitted')), body: {} as never });
    expect(response.status).toBe(500);
    const body = problem(response);
    expect(body.code).toBe('invalid_payload_type');
    expect(body.detail).toContain('express.raw');
  });

  it('sync: handler error -> 500 handler_failed, reservation released, the retry runs the handler again -> 200', async () => {
    let fail = true;
    const handler = vi.fn(() => {
      if (fail) throw new Error('database down: secret detail');
    });
    const errors: unknown[] = [];
    const r = receiver()
      .onAny(handler)
      .onError((error, context) => errors.push({ message: (error as Error).message, ...context }));
    const sent = event('compliance.status_changed');
    const first = await r.handle(request(sent));
    expect(first.status).toBe(500);
    expect(problem(first).code).toBe('handler_failed');
    expect(first.body).not.toContain('secret detail');
    expect(errors).toEqual([
      expect.objectContaining({
        stage: 'handler',
        status: 500,
        key: sent.id,
        message: 'database down: secret detail',
      }),
    ]);
    fail = false;
    expect((await r.handle(request(sent))).status).toBe(200);
    expect(handler).toHaveBeenCalledTimes(2);
    expect((await r.handle(request(sent))).body).toContain('duplicate');
  });

  it('dedupe store failure -> 503 dedupe_unavailable with Retry-After, handlers not run', async () => {
    const failing: DedupeStore = {
      reserve: () => Promise.reject(new WebhookStorageError('storage_unavailable', 'down')),
      complete: () => Promise.resolve(true),
      release: () => Promise.resolve(),
    };
    const handler = vi.fn();
    const r = receiver({ dedupe: failing }).onAny(handler);
    const response = await r.handle(request(event('prospect.submitted')));
    expect(response.status).toBe(503);
    expect(problem(response).code).toBe('dedupe_unavailable');
    expect(response.headers['retry-after']).toBe('60');
    expect(handler).not.toHaveBeenCalled();
  });

  it('dedupe: false -> every delivery runs the handlers', async () => {
    const handler = vi.fn();
    const r = receiver({ dedupe: false }).onAny(handler);
    const sent = event('prospect.submitted');
    await r.handle(request(sent));
    await r.handle(request(sent));
    expect(handler).toHaveBeenCalledTimes(2);
  });

  it('reserves in progress for the processing lease, then completes for 30 days (covers 72 h of retries plus replays)', async () => {
    const calls: string[] = [];
    const store: DedupeStore = {
      reserve: async (key, ttlMs) => {
        calls.push(`reserve ${key} ${ttlMs}`);
        return { status: 'reserved', token: 'tok-1' };
      },
      complete: async (key, token, ttlMs) => {
        calls.push(`complete ${key} ${token} ${ttlMs}`);
        return true;
      },
      release: async (key, token) => void calls.push(`release ${key} ${token}`),
    };
    const r = receiver({ dedupe: store }).onAny(() => void calls.push('handler'));
    const sent = event('prospect.submitted');
    await r.handle(request(sent));
    expect(calls).toEqual([
      `reserve ${sent.id} ${DEFAULT_PROCESSING_LEASE_MS}`,
      'handler',
      `complete ${sent.id} tok-1 ${DEFAULT_DEDUPE_TTL_MS}`,
    ]);
    expect(DEFAULT_DEDUPE_TTL_MS).toBeGreaterThanOrEqual(72 * 3600 * 1000);
  });

  it('a redelivery while the first attempt is still running -> 409 event_in_progress (retry later), never a 200 that could lose it', async () => {
    let finish: (ok: boolean) => void = () => {};
    const handler = vi.fn(
      () =>
        new Promise<void>((resolve, reject) => {
          finish = (ok) => (ok ? resolve() : reject(new Error('failed late')));
        }),
    );
    const r = receiver().onAny(handler);
    const sent = event('compliance.status_changed');
    const first = r.handle(request(sent));
    await vi.waitFor(() => expect(handler).toHaveBeenCalledTimes(1));
    const during = await r.handle(request(sent));
    expect(during.status).toBe(409);
    expect(problem(during).code).toBe('event_in_progress');
    expect(during.headers['retry-after']).toBe('60');
    finish(false);
    expect((await first).status).toBe(500);
    // The sender's next retry is processed, because the failed attempt released the key.
    const retry = r.handle(request(sent));
    await vi.waitFor(() => expect(handler).toHaveBeenCalledTimes(2));
    finish(true);
    expect((await retry).status).toBe(200);
    expect(JSON.parse((await r.handle(request(sent))).body)).toMatchObject({ duplicate: true });
  });

  it('a completion failure is reported but the answer stays 200 (the event was processed)', async () => {
    const errors: unknown[] = [];
    const store: DedupeStore = {
      reserve: async () => ({ status: 'reserved', token: 't' }),
      complete: () => Promise.reject(new WebhookStorageError('storage_unavailable', 'down')),
      release: async () => {},
    };
    const r = receiver({ dedupe: store }).onError((_e, context) => errors.push(context.stage));
    expect((await r.handle(request(event('prospect.submitted')))).status).toBe(200);
    expect(errors).toEqual(['dedupe']);
  });

  it('async: 202 queued, then the handler runs; idle() waits for it', async () => {
    const seen: string[] = [];
    const r = receiver({ ackMode: 'async' }).onAny(async (e, context) => {
      await Promise.resolve();
      seen.push(`${e.id}:${context.ackMode}:${context.attempt}`);
    });
    const sent = event('prospect.submitted');
    const response = await r.handle(request(sent));
    expect(response.status).toBe(202);
    expect(JSON.parse(response.body)).toEqual({ received: true, queued: true });
    await r.idle();
    expect(seen).toEqual([`${sent.id}:async:1`]);
  });

  it('async: an entry left by a crash is processed by drainInbox after a restart, exactly once', async () => {
    const inbox = new MemoryInbox();
    const dedupe = new MemoryDedupeStore();
    let nowMs = T * 1000;
    const clock = { now: () => nowMs };
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const dying = vi.fn(() => {
      started();
      return new Promise<void>(() => {}); // never settles: the process "dies" mid-handler
    });
    const crashed = receiver({ ackMode: 'async', inbox, dedupe, ...clock }).onAny(dying);
    const sent = event('kyc.verification_completed');
    expect((await crashed.handle(request(sent))).status).toBe(202);
    // Probe only once the handler runs (a probe before the claim after the 202 would take the
    // lease itself, and the handler would never run). A handler that never starts times out here.
    await handlerStarted;
    expect(dying).toHaveBeenCalledTimes(1);
    // The crashed process leased the entry: nobody else takes it while the lease holds.
    expect(await inbox.claim(1, { leaseMs: 1, nowMs })).toEqual([]);
    expect(await inbox.pending(10)).toHaveLength(1);

    const handler = vi.fn();
    const restarted = receiver({ ackMode: 'async', inbox, dedupe, ...clock }).onAny(handler);
    // The sender's duplicate is still a duplicate: the id was accepted before the crash.
    expect(JSON.parse((await restarted.handle(request(sent))).body)).toMatchObject({
      duplicate: true,
    });
    expect(await restarted.drainInbox()).toEqual({ processed: 0, failed: 0, skipped: 0 });
    nowMs += DEFAULT_PROCESSING_LEASE_MS; // the dead process's lease lapses
    expect(await restarted.drainInbox()).toEqual({ processed: 1, failed: 0, skipped: 0 });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler.mock.calls[0]?.[0]).toEqual(sent);
    expect(await inbox.pending(10)).toEqual([]);
    expect(await restarted.drainInbox()).toEqual({ processed: 0, failed: 0, skipped: 0 });
  });

  it('async: a failing handler keeps the entry pending with attempts; drainInbox retries it', async () => {
    const inbox = new MemoryInbox();
    let fail = true;
    let nowMs = T * 1000;
    const attempts: number[] = [];
    const r = receiver({ ackMode: 'async', inbox, now: () => nowMs }).onAny((_e, context) => {
      attempts.push(context.attempt);
      if (fail) throw new Error('flaky');
    });
    await r.handle(request(event('prospect.submitted')));
    await r.idle();
    const [pending] = await inbox.pending(10);
    expect(pending).toMatchObject({
      attempts: 1,
      lastFailure: { code: 'handler_error', atMs: T * 1000 },
    });
    // A failed entry is tried again once the lease of its last attempt lapses, not before.
    expect(await r.drainInbox()).toEqual({ processed: 0, failed: 0, skipped: 0 });
    nowMs += DEFAULT_PROCESSING_LEASE_MS;
    expect(await r.drainInbox()).toEqual({ processed: 0, failed: 1, skipped: 0 });
    fail = false;
    nowMs += DEFAULT_PROCESSING_LEASE_MS;
    expect(await r.drainInbox()).toEqual({ processed: 1, failed: 0, skipped: 0 });
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('async: inbox failure -> 503 inbox_unavailable with Retry-After, and the reservation is released', async () => {
    const inbox = new MemoryInbox();
    vi.spyOn(inbox, 'add').mockRejectedValueOnce(
      new WebhookStorageError('storage_unavailable', 'full'),
    );
    const r = receiver({ ackMode: 'async', inbox });
    const sent = event('prospect.submitted');
    const response = await r.handle(request(sent));
    expect(response.status).toBe(503);
    expect(problem(response).code).toBe('inbox_unavailable');
    expect(response.headers['retry-after']).toBe('60');
    expect((await r.handle(request(sent))).status).toBe(202);
  });

  it('onError listeners that throw or reject change nothing and never leak an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let fail = true;
      const r = receiver()
        .onError(() => {
          throw new Error('listener bug');
        })
        .onError(async () => {
          throw new Error('async listener bug');
        })
        .onAny(() => {
          if (fail) throw new Error('handler bug');
        });
      const sent = event('prospect.submitted');
      const first = await r.handle(request(sent));
      expect(first.status).toBe(500);
      expect(problem(first).code).toBe('handler_failed');
      fail = false;
      // The key was released despite the failing listeners: the retry is processed.
      expect((await r.handle(request(sent))).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('async: the 202 is answered before a handler starts, even one that begins with synchronous work', async () => {
    const order: string[] = [];
    const r = receiver({ ackMode: 'async' }).onAny(() => void order.push('handler'));
    const answered = r.handle(request(event('prospect.submitted'))).then((a) => {
      order.push(`answer ${a.status}`);
    });
    await answered;
    await r.idle();
    expect(order).toEqual(['answer 202', 'handler']);
  });

  it('async: an entry that failed maxInboxAttempts times is skipped by drainInbox (left for inspection)', async () => {
    const inbox = new MemoryInbox();
    let nowMs = T * 1000;
    const r = receiver({ ackMode: 'async', inbox, maxInboxAttempts: 2, now: () => nowMs }).onAny(
      () => {
        throw new Error('poison');
      },
    );
    await r.handle(request(event('prospect.submitted')));
    await r.idle();
    nowMs += DEFAULT_PROCESSING_LEASE_MS;
    expect(await r.drainInbox()).toEqual({ processed: 0, failed: 1, skipped: 0 });
    nowMs += DEFAULT_PROCESSING_LEASE_MS;
    expect(await r.drainInbox()).toEqual({ processed: 0, failed: 0, skipped: 1 });
    expect(await inbox.pending(10)).toEqual([expect.objectContaining({ attempts: 2 })]);
  });

  it('async, dedupe off: a redelivery of an entry that failed maxInboxAttempts times -> 202, its handlers do not run again (left for inspection)', async () => {
    const inbox = new MemoryInbox();
    let nowMs = T * 1000;
    const attempts: number[] = [];
    const r = receiver({
      ackMode: 'async',
      inbox,
      dedupe: false,
      maxInboxAttempts: 2,
      processingLeaseMs: 1000,
      now: () => nowMs,
    }).onAny((_e, context) => {
      attempts.push(context.attempt);
      throw new Error('poison');
    });
    const sent = event('prospect.submitted');
    for (let delivery = 1; delivery <= 4; delivery++) {
      expect((await r.handle(request(sent))).status).toBe(202);
      await r.idle();
      nowMs += 1000; // the failed attempt's lease lapses
    }
    expect(attempts).toEqual([1, 2]);
    expect(await inbox.pending(10)).toEqual([expect.objectContaining({ attempts: 2 })]);
    expect(await r.drainInbox()).toEqual({ processed: 0, failed: 0, skipped: 1 });
  });

  it.each([
    ['not an array', { length: 1 }],
    ['an item without a token', [{ entry: { key: 'k', attempts: 0 } }]],
  ])('async: Inbox.claim resolving %s -> reported as storage_corrupt (stage inbox, warn log); drainInbox rejects with it', async (_what, answer) => {
    const inbox = new MemoryInbox();
    vi.spyOn(inbox, 'claim').mockResolvedValue(answer as never);
    const reports: { error: unknown; stage: string }[] = [];
    const logged: { level: string; fields: Record<string, unknown> }[] = [];
    const log = (level: string) => (fields: Record<string, unknown>) =>
      void logged.push({ level, fields });
    const handler = vi.fn();
    const r = receiver({
      ackMode: 'async',
      inbox,
      logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    })
      .onAny(handler)
      .onError((error, context) => void reports.push({ error, stage: context.stage }));
    expect((await r.handle(request(event('prospect.submitted')))).status).toBe(202);
    await r.idle();
    expect(handler).not.toHaveBeenCalled();
    expect(reports).toHaveLength(1);
    expect(reports[0]?.error).toBeInstanceOf(WebhookStorageError);
    expect(reports[0]).toMatchObject({ error: { code: 'storage_corrupt' }, stage: 'inbox' });
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'warn',
        fields: expect.objectContaining({ stage: 'inbox', call: 'Inbox.claim' }),
      }),
    ]);
    await expect(r.drainInbox()).rejects.toMatchObject({
      name: 'WebhookStorageError',
      code: 'storage_corrupt',
    });
    expect(await inbox.pending(10)).toHaveLength(1);
  });

  it('a 400 never quotes the body: unknown types in strict mode and bad fields are named by path only', async () => {
    const r = receiver({ strict: true });
    const marker = 'zz_secret_looking_type_marker';
    const unknown = await r.handle(
      request({ ...event('prospect.submitted'), type: `order.${marker}` }),
    );
    expect(unknown.status).toBe(400);
    expect(problem(unknown).code).toBe('unknown_event_type');
    expect(unknown.body).not.toContain(marker);
    const bad = await r.handle(
      request({ ...event('prospect.submitted'), data: { type: marker, prospectUuid: 5 } }),
    );
    expect(problem(bad).code).toBe('invalid_event');
    expect(bad.body).not.toContain(marker);
    expect(problem(bad).detail).toContain('data.prospectUuid');
  });

  it.each([
    ['secret', { secret: '' }, 'invalid_secret'],
    ['toleranceSeconds', { toleranceSeconds: -1 }, 'invalid_option'],
    ['ackMode', { ackMode: 'later' }, 'invalid_option'],
    ['dedupe', { dedupe: {} }, 'invalid_option'],
    ['dedupeTtlMs', { dedupeTtlMs: 0 }, 'invalid_option'],
    ['processingLeaseMs', { processingLeaseMs: -5 }, 'invalid_option'],
    [
      'dedupeTtlMs not above the lease',
      { dedupeTtlMs: 1000, processingLeaseMs: 1000 },
      'invalid_option',
    ],
    ['maxInboxAttempts', { maxInboxAttempts: 0 }, 'invalid_option'],
    [
      'inbox without fail/complete',
      { ackMode: 'async', inbox: { add() {}, pending() {} } },
      'invalid_option',
    ],
    ['ignoreSources (unknown source)', { ignoreSources: ['WEB_APPP'] }, 'invalid_option'],
    ['dedupe without complete', { dedupe: { reserve() {}, release() {} } }, 'invalid_option'],
    ['maxBodyBytes', { maxBodyBytes: 1.5 }, 'invalid_option'],
    ['inbox without async', { inbox: new MemoryInbox() }, 'invalid_option'],
    ['ignoreSources', { ignoreSources: [''] }, 'invalid_option'],
    ['strict', { strict: 'yes' }, 'invalid_option'],
    ['acceptedSchemaVersions', { acceptedSchemaVersions: [] }, 'invalid_option'],
  ])('constructor with bad %s -> %s', (_name, options, code) => {
    expect(thrown(() => receiver(options as never)).code).toBe(code);
  });

  it.each([
    ['root wildcard', '*', 'invalid_subscription_pattern'],
    ['unknown type', 'order.created', 'invalid_subscription_pattern'],
  ])('on(%s) -> %s', (_name, pattern, code) => {
    expect(thrown(() => receiver().on(pattern as never, () => {})).code).toBe(code);
  });

  it('on with a non-function handler or an empty partner list -> invalid_option', () => {
    expect(thrown(() => receiver().on('kyc.*', 'nope' as never)).code).toBe('invalid_option');
    expect(thrown(() => receiver().on('kyc.*', () => {}, { partnerUuid: [] })).code).toBe(
      'invalid_option',
    );
    expect(thrown(() => receiver().onAny(null as never)).code).toBe('invalid_option');
  });
});

describe.each([
  ['node:crypto', NodeEudrReceiver],
  ['WebCrypto', WebEudrReceiver],
] as const)('EudrWebhookReceiver (%s)', (_name, Receiver) => {
  const eudr = (body: string, secret = SECRET) => ({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-webhook-signature': signEudrPayload(body, secret),
    },
    body,
  });

  it('valid -> 200 and the typed handler ran; identical body again -> duplicate (key = SHA-256 of the body)', async () => {
    const reserve = vi.fn(async () => ({ status: 'reserved' as const, token: 't' }));
    const seen: string[] = [];
    const r = new Receiver({
      secret: SECRET,
      dedupe: { reserve, complete: async () => true, release: async () => {} },
    }).on('supplier.*', (e) => void seen.push(e.event));
    const body = JSON.stringify(createSampleEudrEvent('supplier.created'));
    expect((await r.handle(eudr(body))).status).toBe(200);
    expect(seen).toEqual(['supplier.created']);
    const { createHash } = await import('node:crypto');
    expect(reserve).toHaveBeenCalledWith(
      createHash('sha256').update(body).digest('hex'),
      DEFAULT_PROCESSING_LEASE_MS,
    );

    const real = new Receiver({ secret: SECRET });
    const handler = vi.fn();
    real.onAny(handler);
    await real.handle(eudr(body));
    expect(JSON.parse((await real.handle(eudr(body))).body)).toMatchObject({ duplicate: true });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('custom dedupeKey is used; bad signature -> 401', async () => {
    const reserve = vi.fn(async () => ({ status: 'reserved' as const, token: 't' }));
    const r = new Receiver({
      secret: SECRET,
      dedupe: { reserve, complete: async () => true, release: async () => {} },
      dedupeKey: (e) => `${e.event}:${e.timestamp}`,
    });
    const sample = createSampleEudrEvent('sync.failed');
    await r.handle(eudr(JSON.stringify(sample)));
    expect(reserve).toHaveBeenCalledWith(
      `sync.failed:${sample.timestamp}`,
      DEFAULT_PROCESSING_LEASE_MS,
    );
    const response = await r.handle(eudr(JSON.stringify(sample), 'whsec_other'));
    expect(response.status).toBe(401);
    expect(problem(response).code).toBe('signature_mismatch');
  });
});
