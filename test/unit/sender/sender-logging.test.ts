// The sender's default logging (docs/design.md §5.23): what needs attention goes to stderr as one
// JSON line each, never with a secret, a signature, a body, a response body or an endpoint URL's
// path or query; a run of the same warning about one endpoint is written once a minute;
// `logger: 'silent'` prints nothing. And what the lines are about: a blocked destination shows in
// history as the last attempt's failure (docs/design.md §5.11), and a request that cannot be built
// is a failed attempt on the normal schedule (§5.2).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NOVATRADE_PROFILE } from '../../../src/core/profiles/novatrade-profile.js';
import { STANDARD_WEBHOOKS_PROFILE } from '../../../src/core/profiles/standard-webhooks-profile.js';
import type { WireProfile } from '../../../src/core/profiles/wire-profile.js';
import type { Logger } from '../../../src/logging/logger.js';
import { HttpTransport } from '../../../src/sender/http-transport.node.js';
import { LOG_REPEAT_WINDOW_MS } from '../../../src/sender/internal/log-throttle.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import type {
  Transport,
  TransportRequest,
  TransportResult,
} from '../../../src/sender/ports/transport.js';
import type { DeliveryRecord, EventRecord } from '../../../src/sender/records.js';
import type { SenderEventMap } from '../../../src/sender/sender-events.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import { captureStderr, recordingLogger } from '../../helpers/log-capture.js';

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const PARTNER = '11111111-2222-3333-4444-555555555555';
const SECRET = 'whsec_sender_logging_secret_Qm7Rk2Pz';
/** Tokens that must never reach a line: in the event data, a response body, a URL. */
const BODY_CANARY = 'Zq8RbodyCanary4Tx';
const RESPONSE_CANARY = 'Kp3WresponseCanary9Lm';
const URL_CANARY = 'Vt7NqueryToken2Hs';
const MINUTE_MS = 60_000;

afterEach(() => {
  vi.restoreAllMocks();
});

/** A VIES event whose `reason` carries the body canary. */
function viesEvent() {
  return {
    organizationUuid: ORG,
    type: 'kyc.vies_check_failed' as const,
    partnerUuid: PARTNER,
    data: {
      ...EVENT_FIXTURES['kyc.vies_check_failed'].data,
      reason: `VIES returned NOT_VALID ${BODY_CANARY}`,
    },
  };
}

/** The lines written: each chunk is exactly one JSON line. */
function parseLines(writes: readonly string[]): Record<string, unknown>[] {
  return writes.map((chunk) => {
    expect(chunk.endsWith('\n')).toBe(true);
    expect(chunk.slice(0, -1)).not.toContain('\n');
    return JSON.parse(chunk) as Record<string, unknown>;
  });
}

/** A sender on a fake clock with the real HttpTransport, refusing private networks (the default). */
async function blockedSetup(logger?: Logger | 'silent') {
  const clock = createFakeClock();
  const sender = new WebhookSender({
    transport: new HttpTransport(),
    allowInsecureUrls: true,
    clock,
    ...(logger === undefined ? {} : { logger }),
  });
  const { endpoint } = await sender.createEndpoint(ORG, {
    url: `http://127.0.0.1:9/hooks/${URL_CANARY}?token=${URL_CANARY}`,
    events: ['kyc.*'],
    secret: SECRET,
  });
  return { clock, sender, endpoint };
}

describe('WebhookSender default logger: a blocked destination', () => {
  it('allowInsecureUrls without allowPrivateNetworks, 127.0.0.1 -> one JSON warn line on stderr: endpoint id, origin, the fix; no path, query, secret or body', async () => {
    const stop = captureStderr();
    const { sender, endpoint } = await blockedSetup();
    await sender.publish(viesEvent());
    expect(await sender.processDue()).toBe(1);
    await sender.stop();
    const writes = stop();

    const [line, ...rest] = parseLines(writes);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      level: 'warn',
      name: '@novatrade24/webhooks',
      stage: 'attempt',
      organizationUuid: ORG,
      endpointId: endpoint.id,
      deliveryId: expect.stringMatching(/^del_/),
      origin: 'http://127.0.0.1:9',
      attempt: 1,
      failureReason: 'BLOCKED_DESTINATION',
    });
    expect(line?.msg).toContain('new HttpTransport({ allowPrivateNetworks: true })');
    for (const hidden of [URL_CANARY, SECRET, BODY_CANARY]) {
      expect(writes.join('')).not.toContain(hidden);
    }
  });

  it('a backlog to one blocked endpoint -> one line a minute, the next one counting the lines held back (suppressed)', async () => {
    const stop = captureStderr();
    const { sender, clock } = await blockedSetup();
    await sender.publish(viesEvent());
    await sender.processDue();
    for (let i = 0; i < 4; i++) await sender.publish(viesEvent());
    expect(await sender.processDue()).toBe(4);
    expect(stop()).toHaveLength(1);

    const again = captureStderr();
    clock.advance(LOG_REPEAT_WINDOW_MS);
    expect(await sender.processDue()).toBe(5); // every first attempt's 1-minute retry
    await sender.stop();
    const lines = parseLines(again());
    expect(lines).toEqual([
      expect.objectContaining({ failureReason: 'BLOCKED_DESTINATION', attempt: 2, suppressed: 4 }),
    ]);
  });

  it('history shows the waiting delivery as PENDING with lastFailureReason BLOCKED_DESTINATION, httpStatus null, failureReason null and its next retry', async () => {
    const { sender, endpoint, clock } = await blockedSetup('silent');
    await sender.publish(viesEvent());
    await sender.processDue();
    const { data } = await sender.listDeliveries(ORG, endpoint.id);
    expect(data).toEqual([
      expect.objectContaining({
        status: 'PENDING',
        attempts: 1,
        httpStatus: null,
        lastFailureReason: 'BLOCKED_DESTINATION',
        failureReason: null,
        nextRetryAt: new Date(clock.now() + MINUTE_MS).toISOString(),
      }),
    ]);
    const found = await sender.getDelivery(ORG, endpoint.id, data[0]?.id ?? '');
    expect(found?.attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        httpStatus: null,
        failureReason: 'BLOCKED_DESTINATION',
      }),
    ]);
    await sender.stop();
  });

  it("logger: 'silent' -> nothing on stderr; a custom logger gets the same line as fields and a message", async () => {
    const stop = captureStderr();
    const quiet = await blockedSetup('silent');
    await quiet.sender.publish(viesEvent());
    await quiet.sender.processDue();
    await quiet.sender.stop();
    const logger = recordingLogger();
    const custom = await blockedSetup(logger);
    await custom.sender.publish(viesEvent());
    await custom.sender.processDue();
    await custom.sender.stop();
    expect(stop()).toEqual([]);
    expect(logger.calls).toEqual([
      {
        level: 'warn',
        fields: expect.objectContaining({
          endpointId: custom.endpoint.id,
          origin: 'http://127.0.0.1:9',
          failureReason: 'BLOCKED_DESTINATION',
        }),
        message: expect.stringContaining('allowPrivateNetworks'),
      },
    ]);
  });
});

/** Meta-events cannot be stored: every meta-event the sender emits fails. */
class MetaFailingStorage extends MemoryStorage {
  override async insertEvent(event: EventRecord, deliveries: readonly DeliveryRecord[]) {
    if (event.type.startsWith('webhook.')) throw new Error('the events table is read-only');
    return super.insertEvent(event, deliveries);
  }
}

describe('WebhookSender default logger: every kind of line, no secret, signature or body in any', () => {
  it('blocked, unsignable, throwing transport, HTTP 500s, terminal failures, auto-pause, notifier, meta-events and a throwing listener -> warn and error lines, none holding a canary', async () => {
    const clock = createFakeClock();
    const sent: TransportRequest[] = [];
    const unsignable = new Set<string>();
    const result = (failureReason: TransportResult['failureReason'], statusCode: number | null) =>
      ({
        statusCode,
        failureReason,
        responseBody: statusCode === null ? '' : `upstream said ${RESPONSE_CANARY}`,
        retryAfter: null,
        durationMs: 3,
      }) satisfies TransportResult;
    const transport: Transport = {
      async send(request) {
        sent.push(request);
        const host = new URL(request.url).host;
        if (host === 'blocked.example') return result('BLOCKED_DESTINATION', null);
        if (host === 'throws.example') {
          // A leaky custom transport: its message quotes the signature header and the secret.
          throw new Error(
            `cannot send ${request.headers['X-Novatrade-Signature']} signed with ${SECRET}`,
          );
        }
        if (host === 'fails.example') return result('HTTP_ERROR', 500);
        return result(null, 204);
      },
    };
    // A profile whose signing throws for some endpoints, quoting the secret it was given.
    const profile: WireProfile = {
      ...NOVATRADE_PROFILE,
      retryPolicy: {
        schedule: { kind: 'offsets', offsetsMs: [MINUTE_MS] },
        maxRetryAfterMs: 60_000,
      },
      healthPolicy: { maxConsecutiveFailures: 2, action: 'PAUSED' },
      buildHeaders(body, context) {
        if (unsignable.has(context.endpointId)) {
          throw new TypeError(`secret ${context.secrets.join(',')} has the wrong format`);
        }
        return NOVATRADE_PROFILE.buildHeaders(body, context);
      },
    };
    const stop = captureStderr();
    const sender = new WebhookSender({
      storage: new MetaFailingStorage(),
      transport,
      profile,
      clock,
      notifier: {
        endpointPaused: async () => {
          throw new Error('smtp down');
        },
      },
    });
    sender.on('delivery.failed', () => {
      throw new Error('metrics backend down');
    });
    for (const host of ['blocked', 'throws', 'fails', 'unsignable']) {
      const { endpoint } = await sender.createEndpoint(ORG, {
        url: `https://${host}.example/hooks?token=${URL_CANARY}`,
        events: ['kyc.*'],
        secret: SECRET,
      });
      if (host === 'unsignable') unsignable.add(endpoint.id);
    }
    await sender.createEndpoint(ORG, { url: 'https://ok.example/meta', events: ['webhook.*'] });
    await sender.publish(viesEvent());
    expect(await sender.processDue()).toBe(4);
    clock.advance(MINUTE_MS);
    expect(await sender.processDue()).toBe(4); // the last attempts: FAILED, and each endpoint PAUSED
    await sender.stop();
    const writes = stop();
    const lines = parseLines(writes);

    const kinds = lines.map((l) => `${l.level} ${l.stage} ${l.call ?? l.failureReason ?? ''}`);
    for (const kind of [
      'warn attempt BLOCKED_DESTINATION',
      'error attempt transport.send',
      'error attempt profile.buildHeaders',
      'warn delivery HTTP_ERROR',
      'warn delivery INTERNAL_ERROR',
      'warn health ',
      'error health notifier.endpointPaused',
      'error meta-event ',
      'warn hook ',
    ]) {
      expect(kinds.some((k) => k.startsWith(kind))).toBe(true);
    }
    expect(lines.every((l) => l.level === 'warn' || l.level === 'error')).toBe(true);
    // The masked messages still say what failed.
    expect(lines.find((l) => l.call === 'transport.send')?.error).toMatchObject({
      name: 'Error',
      message: expect.stringContaining('[redacted]'),
    });
    expect(lines.find((l) => l.call === 'profile.buildHeaders')?.error).toMatchObject({
      name: 'TypeError',
      message: 'secret [redacted] has the wrong format',
    });

    const signatures = sent.flatMap((r) => {
      const header = r.headers['X-Novatrade-Signature'] ?? '';
      return [header, ...(header.match(/[0-9a-f]{64}/g) ?? [])];
    });
    expect(signatures.length).toBeGreaterThan(0);
    const all = writes.join('');
    for (const hidden of [SECRET, BODY_CANARY, RESPONSE_CANARY, URL_CANARY, ...signatures]) {
      expect(all).not.toContain(hidden);
    }
  });
});

describe('a request that cannot be built (docs/design.md §5.2)', () => {
  it("an endpoint secret outside the profile's format after a profile switch -> a failed attempt INTERNAL_ERROR on the retry schedule, one error line and sender.error per attempt, FAILED when the schedule ends; nothing sent", async () => {
    const clock = createFakeClock();
    const storage = new MemoryStorage();
    const sent: TransportRequest[] = [];
    const transport: Transport = {
      async send(request) {
        sent.push(request);
        return {
          statusCode: 204,
          failureReason: null,
          responseBody: '',
          retryAfter: null,
          durationMs: 1,
        };
      },
    };
    // Registered while the platform spoke the Novatrade24 profile: '!' is not base64.
    const before = new WebhookSender({ storage, transport, clock, logger: 'silent' });
    const badSecret = 'whsec_registered!before!the!switch';
    const { endpoint } = await before.createEndpoint(ORG, {
      url: 'https://partner.example/hooks',
      events: ['kyc.*'],
      secret: badSecret,
    });
    const logger = recordingLogger();
    const sender = new WebhookSender({
      storage,
      transport,
      clock,
      logger,
      profile: STANDARD_WEBHOOKS_PROFILE,
    });
    const errors: SenderEventMap['sender.error'][] = [];
    sender.on('sender.error', (payload) => void errors.push(payload));
    await sender.publish(viesEvent());

    expect(await sender.processDue()).toBe(1);
    const { data } = await sender.listDeliveries(ORG, endpoint.id);
    const deliveryId = data[0]?.id ?? '';
    expect(data).toEqual([
      expect.objectContaining({
        status: 'PENDING',
        attempts: 1,
        httpStatus: null,
        lastFailureReason: 'INTERNAL_ERROR',
        failureReason: null,
      }),
    ]);
    expect(logger.calls).toEqual([
      {
        level: 'error',
        fields: expect.objectContaining({
          stage: 'attempt',
          call: 'profile.buildHeaders',
          endpointId: endpoint.id,
          deliveryId,
          attempt: 1,
          failureReason: 'INTERNAL_ERROR',
          error: expect.objectContaining({
            name: 'WebhookValidationError',
            code: 'invalid_secret',
          }),
        }),
        message: expect.stringContaining("the profile's secret format"),
      },
    ]);
    expect(errors).toEqual([
      {
        error: expect.objectContaining({ code: 'invalid_secret' }),
        during: 'profile.buildHeaders',
        endpointId: endpoint.id,
        deliveryId,
      },
    ]);
    // Recorded, so not claimed again when the lease lapses: only at its retry.
    clock.advance(45_000);
    expect(await sender.processDue()).toBe(0);

    // The rest of the Novatrade24 schedule: 11 attempts in all, then FAILED.
    const offsetsMs = STANDARD_WEBHOOKS_PROFILE.retryPolicy.schedule;
    expect(offsetsMs.kind).toBe('offsets');
    const startMs = clock.now() - 45_000;
    for (const offsetMs of offsetsMs.kind === 'offsets' ? offsetsMs.offsetsMs : []) {
      clock.set(startMs + offsetMs);
      expect(await sender.processDue()).toBe(1);
    }
    clock.advance(7 * 24 * 60 * MINUTE_MS);
    expect(await sender.processDue()).toBe(0);
    const found = await sender.getDelivery(ORG, endpoint.id, deliveryId);
    expect(found?.delivery).toMatchObject({
      status: 'FAILED',
      attempts: 11,
      failureReason: 'INTERNAL_ERROR',
      lastFailureReason: 'INTERNAL_ERROR',
    });
    expect(found?.attempts.map((a) => a.failureReason)).toEqual(Array(11).fill('INTERNAL_ERROR'));
    expect(sent).toEqual([]);
    expect((await sender.getEndpoint(ORG, endpoint.id))?.consecutiveFailures).toBe(11);
    // The retries are at least a minute apart: every attempt has its line, then the terminal one.
    expect(logger.calls.filter((c) => c.level === 'error')).toHaveLength(11);
    expect(errors).toHaveLength(11);
    expect(logger.calls.at(-1)).toMatchObject({
      level: 'warn',
      fields: { stage: 'delivery', failureReason: 'INTERNAL_ERROR', attempts: 11 },
    });
    expect(JSON.stringify(logger.calls)).not.toContain(badSecret);
  });

  it('a throwing serializer or schema converter -> the same INTERNAL_ERROR attempt, naming the call that threw', async () => {
    const clock = createFakeClock();
    const logger = recordingLogger();
    const sender = new WebhookSender({
      transport: {
        send: async () => ({
          statusCode: 204,
          failureReason: null,
          responseBody: '',
          retryAfter: null,
          durationMs: 1,
        }),
      },
      clock,
      logger,
      profile: {
        ...NOVATRADE_PROFILE,
        serializeBody: () => {
          throw new RangeError('cannot serialize');
        },
      },
    });
    const { endpoint } = await sender.createEndpoint(ORG, {
      url: 'https://partner.example/hooks',
      events: ['kyc.*'],
    });
    await sender.publish(viesEvent());
    expect(await sender.processDue()).toBe(1);
    expect(logger.calls).toEqual([
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({
          call: 'profile.serializeBody',
          failureReason: 'INTERNAL_ERROR',
        }),
      }),
    ]);
    const { data } = await sender.listDeliveries(ORG, endpoint.id);
    expect(data[0]).toMatchObject({ status: 'PENDING', lastFailureReason: 'INTERNAL_ERROR' });
  });
});

/** recordAttempt fails `failures` times, then works. */
class FlakyRecordStorage extends MemoryStorage {
  failures: number;

  constructor(failures: number) {
    super();
    this.failures = failures;
  }

  override async recordAttempt(input: Parameters<MemoryStorage['recordAttempt']>[0]) {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('connection terminated');
    }
    return super.recordAttempt(input);
  }
}

describe('storage failures in the dispatch loop', () => {
  it('recordAttempt fails -> processDue resolves, one error line and sender.error; the delivery is sent again when its lease lapses', async () => {
    const clock = createFakeClock();
    const logger = recordingLogger();
    let sends = 0;
    const sender = new WebhookSender({
      storage: new FlakyRecordStorage(1),
      transport: {
        send: async () => {
          sends++;
          return {
            statusCode: 204,
            failureReason: null,
            responseBody: '',
            retryAfter: null,
            durationMs: 1,
          };
        },
      },
      clock,
      logger,
    });
    const errors: string[] = [];
    sender.on('sender.error', ({ during }) => void errors.push(during));
    const { endpoint } = await sender.createEndpoint(ORG, {
      url: 'https://partner.example/hooks',
      events: ['kyc.*'],
    });
    await sender.publish(viesEvent());
    expect(await sender.processDue()).toBe(1);
    expect(errors).toEqual(['storage.recordAttempt']);
    expect(logger.calls).toEqual([
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({
          stage: 'dispatch',
          call: 'storage.recordAttempt',
          endpointId: endpoint.id,
          error: { name: 'Error', message: 'connection terminated' },
        }),
      }),
    ]);
    clock.advance(NOVATRADE_PROFILE.timeoutMs + 30_000);
    expect(await sender.processDue()).toBe(1);
    expect(sends).toBe(2);
    const { data } = await sender.listDeliveries(ORG, endpoint.id);
    expect(data[0]).toMatchObject({ status: 'DELIVERED', attempts: 1 });
  });

  it('the running loop survives a failing recordAttempt (no unhandled rejection) and reports it', async () => {
    const logger = recordingLogger();
    const sender = new WebhookSender({
      storage: new FlakyRecordStorage(1),
      transport: {
        send: async () => ({
          statusCode: 204,
          failureReason: null,
          responseBody: '',
          retryAfter: null,
          durationMs: 1,
        }),
      },
      logger,
    });
    const errors: string[] = [];
    sender.on('sender.error', ({ during }) => void errors.push(during));
    await sender.createEndpoint(ORG, { url: 'https://partner.example/hooks', events: ['kyc.*'] });
    sender.start();
    try {
      await sender.publish(viesEvent());
      await vi.waitFor(() => expect(errors).toEqual(['storage.recordAttempt']));
    } finally {
      await sender.stop({ deadlineMs: 1000 });
    }
    expect(logger.calls.map((c) => c.fields.call)).toEqual(['storage.recordAttempt']);
  });
});
