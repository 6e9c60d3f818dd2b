// WebhookSender's registry, publish and dispatch rules with a scripted in-process transport (the
// HTTP side is covered by test/integration/sender). Time is a fake clock; nothing sleeps.
import { describe, expect, it, vi } from 'vitest';
import { NOVATRADE_PROFILE } from '../../../src/core/profiles/novatrade-profile.js';
import { MemoryIdempotencyStore } from '../../../src/sender/memory-idempotency-store.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import type { IdempotencyStore } from '../../../src/sender/ports/idempotency-store.js';
import type {
  Transport,
  TransportRequest,
  TransportResult,
} from '../../../src/sender/ports/transport.js';
import { WebhookSender, type WebhookSenderOptions } from '../../../src/sender/webhook-sender.js';
import { verifyNovatradeSignature } from '../../../src/signature/verify-novatrade-signature.node.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import { OK_204, storageWith } from '../../helpers/sender-doubles.js';
import { thrown } from '../../helpers/thrown.js';

const ORG = 'org-1';
const PARTNER = 'partner-1';

/** Answers every request with `status` and records what was sent. */
function scriptedTransport(status = 204) {
  const sent: TransportRequest[] = [];
  const transport: Transport & { status: number } = {
    status,
    async send(request): Promise<TransportResult> {
      sent.push(request);
      const ok = this.status >= 200 && this.status < 300;
      return {
        statusCode: this.status,
        failureReason: ok ? null : 'HTTP_ERROR',
        responseBody: '',
        retryAfter: null,
        durationMs: 1,
      };
    },
  };
  return { transport, sent };
}

function setup(options: Partial<WebhookSenderOptions> = {}) {
  const clock = createFakeClock();
  const storage = new MemoryStorage();
  const { transport, sent } = scriptedTransport();
  const sender = new WebhookSender({ storage, transport, clock, ...options });
  return { clock, storage, transport, sent, sender };
}

const decision = (partnerUuid = PARTNER) => ({
  organizationUuid: ORG,
  type: 'compliance.decision_made' as const,
  partnerUuid,
  data: { ...EVENT_FIXTURES['compliance.decision_made'].data },
});

describe('WebhookSender endpoints', () => {
  it('createEndpoint -> ACTIVE view without secret, plus a generated whsec_ secret returned once', async () => {
    const { sender } = setup();
    const { endpoint, secret } = await sender.createEndpoint(ORG, {
      url: 'https://a.example/hooks',
      events: ['kyc.*'],
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(endpoint).toMatchObject({
      id: expect.stringMatching(/^wh_/),
      status: 'ACTIVE',
      events: ['kyc.*'],
      partnerIds: null,
      acceptedSchemaVersions: [1],
      liveSecrets: 1,
    });
    const views = [
      endpoint,
      await sender.getEndpoint(ORG, endpoint.id),
      ...(await sender.listEndpoints(ORG)),
    ];
    for (const view of views) expect(JSON.stringify(view)).not.toContain(secret);
  });

  it('a caller secret is used as given; a bad one is refused without echoing it', async () => {
    const { sender, sent } = setup();
    const mine = 'whsec_caller_supplied_secret_1';
    await sender.createEndpoint(ORG, {
      url: 'https://a.example',
      events: ['compliance.*'],
      secret: mine,
    });
    await sender.publish(decision());
    await sender.processDue();
    const request = sent[0] as TransportRequest;
    expect(() =>
      verifyNovatradeSignature(request.body, request.headers['X-Novatrade-Signature'], mine, {
        now: () => Date.parse('2026-01-01T00:00:00Z'),
      }),
    ).not.toThrow();
    const error = await sender
      .createEndpoint(ORG, { url: 'https://a.example', events: ['kyc.*'], secret: 'short secret!' })
      .catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'invalid_endpoint' });
    expect((error as Error).message).not.toContain('short secret!');
  });

  it('updateEndpoint is a merge patch: supplied fields replace, partnerIds null clears, the rest stays', async () => {
    const { sender } = setup();
    const { endpoint } = await sender.createEndpoint(ORG, {
      url: 'https://a.example',
      events: ['kyc.*'],
      partnerIds: [PARTNER],
      description: 'first',
    });
    const updated = await sender.updateEndpoint(ORG, endpoint.id, {
      events: ['compliance.*', 'kyc.vies_check_failed'],
      partnerIds: null,
    });
    expect(updated).toMatchObject({
      url: 'https://a.example',
      description: 'first',
      events: ['compliance.*', 'kyc.vies_check_failed'],
      partnerIds: null,
    });
  });

  it('updateEndpoint refuses unknown fields, a secret, bad statuses; unknown ids are not_found', async () => {
    const { sender } = setup();
    const { endpoint } = await sender.createEndpoint(ORG, {
      url: 'https://a.example',
      events: ['kyc.*'],
    });
    await expect(
      sender.updateEndpoint(ORG, endpoint.id, { secret: 'x', color: 'red', status: 'ON' } as never),
    ).rejects.toMatchObject({
      code: 'invalid_endpoint',
      issues: [
        expect.objectContaining({ path: 'secret' }),
        expect.objectContaining({ path: 'color' }),
        expect.objectContaining({ path: 'status' }),
      ],
    });
    await expect(sender.updateEndpoint(ORG, 'wh_nope', { status: 'PAUSED' })).rejects.toMatchObject(
      {
        code: 'not_found',
      },
    );
    await expect(
      sender.updateEndpoint('org-2', endpoint.id, { status: 'PAUSED' }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('pausing parks pending deliveries (replayable later); resume resets the failure streak', async () => {
    const { sender, storage, transport } = setup();
    transport.status = 500;
    const { endpoint } = await sender.createEndpoint(ORG, {
      url: 'https://a.example',
      events: ['compliance.*'],
    });
    const { event } = await sender.publish(decision());
    await sender.processDue(); // one failure: a retry is pending
    expect((await sender.getEndpoint(ORG, endpoint.id))?.consecutiveFailures).toBe(1);
    await sender.updateEndpoint(ORG, endpoint.id, { status: 'PAUSED' });
    const page = await storage.listDeliveries({
      organizationUuid: ORG,
      eventId: event.id,
      page: 0,
      size: 10,
      sortField: 'createdAt',
      sortDirection: 'asc',
    });
    expect(page.items).toEqual([
      expect.objectContaining({
        status: 'FAILED',
        failureReason: 'ENDPOINT_PAUSED',
        nextAttemptAtMs: null,
      }),
    ]);
    const resumed = await sender.updateEndpoint(ORG, endpoint.id, { status: 'ACTIVE' });
    expect(resumed).toMatchObject({ status: 'ACTIVE', consecutiveFailures: 0, failingSince: null });
  });

  it('deleteEndpoint stops its pending deliveries and removes it from matching', async () => {
    const { sender, sent, transport } = setup();
    transport.status = 500;
    const { endpoint } = await sender.createEndpoint(ORG, {
      url: 'https://a.example',
      events: ['compliance.*'],
    });
    await sender.publish(decision());
    await sender.processDue();
    expect(await sender.deleteEndpoint(ORG, endpoint.id)).toBe(true);
    expect(await sender.deleteEndpoint(ORG, endpoint.id)).toBe(false);
    expect((await sender.publish(decision())).deliveries).toBe(0);
    const before = sent.length;
    await sender.processDue();
    expect(sent.length).toBe(before);
  });
});

describe('WebhookSender.publish', () => {
  it('one delivery per matching endpoint; overlapping patterns deliver once; the body is serialised once per event', async () => {
    const { sender, sent } = setup();
    for (let i = 0; i < 3; i++) {
      await sender.createEndpoint(ORG, {
        url: `https://e${i}.example`,
        events: ['compliance.*', 'compliance.decision_made'],
      });
    }
    const { event, deliveries } = await sender.publish(decision());
    expect(deliveries).toBe(3);
    await sender.processDue();
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((r) => r.body)).size).toBe(1);
    // Same bytes, different signature per endpoint (different secrets).
    expect(new Set(sent.map((r) => r.headers['X-Novatrade-Signature'])).size).toBe(3);
    expect(JSON.parse(sent[0]?.body ?? '{}')).toMatchObject({ id: event.id, schemaVersion: 1 });
  });

  it('a partner event without partnerUuid is refused; an organization event gets partnerUuid null', async () => {
    const { sender } = setup();
    await expect(sender.publish({ ...decision(), partnerUuid: undefined })).rejects.toMatchObject({
      code: 'invalid_event_input',
    });
    const { event } = await sender.publish({
      organizationUuid: ORG,
      type: 'webhook.endpoint_auto_paused',
      partnerUuid: 'ignored',
      data: { ...EVENT_FIXTURES['webhook.endpoint_auto_paused'].data },
    });
    expect(event.partnerUuid).toBeNull();
  });

  it('the per-endpoint in-flight cap holds: 25 due deliveries to one endpoint go out 10 at a time', async () => {
    const clock = createFakeClock();
    let inFlight = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const transport: Transport = {
      async send() {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise<void>((resolve) => gates.push(resolve));
        inFlight--;
        return {
          statusCode: 204,
          failureReason: null,
          responseBody: '',
          retryAfter: null,
          durationMs: 1,
        };
      },
    };
    const sender = new WebhookSender({ transport, clock });
    await sender.createEndpoint(ORG, { url: 'https://a.example', events: ['compliance.*'] });
    for (let i = 0; i < 25; i++) await sender.publish(decision());
    const round = sender.processDue();
    await new Promise((resolve) => setImmediate(resolve));
    expect(inFlight).toBe(10);
    for (const open of gates.splice(0)) open();
    expect(await round).toBe(10);
    expect(peak).toBe(10);
  });

  it("the per-origin cap is the transport's connectionsPerOrigin: 3 endpoints on one origin share 2 slots, another origin is not held back", async () => {
    const clock = createFakeClock();
    const inFlight = new Map<string, number>();
    const gates: (() => void)[] = [];
    const transport: Transport = {
      connectionsPerOrigin: 2,
      async send(request) {
        const origin = new URL(request.url).origin;
        inFlight.set(origin, (inFlight.get(origin) ?? 0) + 1);
        await new Promise<void>((resolve) => gates.push(resolve));
        return {
          statusCode: 204,
          failureReason: null,
          responseBody: '',
          retryAfter: null,
          durationMs: 1,
        };
      },
    };
    const sender = new WebhookSender({ transport, clock });
    for (const url of ['https://a.example/1', 'https://a.example:443/2', 'https://A.example/3']) {
      await sender.createEndpoint(ORG, { url, events: ['compliance.*'] });
    }
    await sender.createEndpoint(ORG, { url: 'https://b.example/1', events: ['compliance.*'] });
    for (let i = 0; i < 3; i++) await sender.publish(decision());
    const round = sender.processDue();
    await new Promise((resolve) => setImmediate(resolve));
    expect(Object.fromEntries(inFlight)).toEqual({
      'https://a.example': 2,
      'https://b.example': 2,
    });
    for (const open of gates.splice(0)) open();
    expect(await round).toBe(4);
  });
});

describe('WebhookSender options', () => {
  it.each([
    ['transport', { transport: {} }],
    ['leaseMs shorter than timeout + 5 s', { leaseMs: NOVATRADE_PROFILE.timeoutMs + 1000 }],
    ['maxInFlightPerEndpoint', { maxInFlightPerEndpoint: 0 }],
    ['reservedInFlight', { reservedInFlight: 100 }],
    ['reservedInFlight', { maxInFlight: 5, reservedInFlight: -1 }],
    [
      'transport.connectionsPerOrigin',
      { transport: { send: async () => ({}), connectionsPerOrigin: 0 } },
    ],
    ['allowInsecureUrls', { allowInsecureUrls: 'yes' }],
    ['clock', { clock: { now: 5 } }],
  ])('%s -> invalid_option naming it', (label, options) => {
    const { transport } = scriptedTransport();
    const error = thrown(() => new WebhookSender({ transport, ...options } as never));
    expect(error.code).toBe('invalid_option');
    expect(error.issues[0]?.path).toBe(
      label.startsWith('transport.') || label === 'reservedInFlight'
        ? label
        : Object.keys(options)[0],
    );
  });

  it.each([
    ['maxInFlight', { maxInFlight: 0 }, 'too_small', 'must be a positive integer, got 0.'],
    ['maxInFlight', { maxInFlight: 1.5 }, 'invalid_type', 'must be a positive integer, got 1.5.'],
    [
      'leaseMs',
      { leaseMs: '60000' },
      'invalid_type',
      'must be a positive integer, got a string of 5 characters.',
    ],
    ['leaseMs', { leaseMs: NOVATRADE_PROFILE.timeoutMs }, 'too_small', 'plus a 5,000 ms margin'],
    ['retentionMs', { retentionMs: 2 ** 53 }, 'invalid_type', 'must be a positive integer'],
    ['pollIntervalMs', { pollIntervalMs: Number.NaN }, 'invalid_type', 'got NaN.'],
    ['purgeIntervalMs', { purgeIntervalMs: -1 }, 'too_small', 'got -1.'],
    ['maxInFlightPerEndpoint', { maxInFlightPerEndpoint: 0 }, 'too_small', 'got 0.'],
    [
      'endpointCacheTtlMs',
      { endpointCacheTtlMs: -1 },
      'too_small',
      'must be a non-negative integer, got -1.',
    ],
    ['endpointCacheTtlMs', { endpointCacheTtlMs: 0.5 }, 'invalid_type', 'got 0.5.'],
    [
      'reservedInFlight',
      { reservedInFlight: -1 },
      'too_small',
      'must be a non-negative integer, got -1.',
    ],
    [
      'reservedInFlight',
      { maxInFlight: 5, reservedInFlight: 5 },
      'too_big',
      '(5) must be below `maxInFlight` (5)',
    ],
    ['claimAhead', { claimAhead: -1 }, 'too_small', 'must be a non-negative integer, got -1.'],
    ['claimAhead', { claimAhead: 2.5 }, 'invalid_type', 'got 2.5.'],
    ['workerId', { workerId: '' }, 'too_small', 'must be a non-empty string'],
    ['workerId', { workerId: 7 }, 'invalid_type', 'must be a non-empty string'],
    ['random', { random: 'crypto' }, 'invalid_type', 'must be a function'],
    ['profile', { profile: 'novatrade' }, 'invalid_type', 'must be a WireProfile'],
    ['catalog', { catalog: {} }, 'invalid_type', 'must be an EventCatalog'],
    ['storage', { storage: {} }, 'invalid_type', 'must implement insertEndpoint'],
  ])('%s %j -> one issue at the option with code %s', (path, options, code, message) => {
    const { transport } = scriptedTransport();
    const error = thrown(() => new WebhookSender({ transport, ...options } as never));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([{ path, code, message: expect.stringContaining(message) }]);
    expect(error.message).toMatch(/^WebhookSender: /);
  });

  it('transport.connectionsPerOrigin 0 -> too_small at transport.connectionsPerOrigin', () => {
    const error = thrown(
      () =>
        new WebhookSender({
          transport: { send: async () => ({}) as never, connectionsPerOrigin: 0 },
        }),
    );
    expect(error.issues).toEqual([
      {
        path: 'transport.connectionsPerOrigin',
        code: 'too_small',
        message:
          'WebhookSender: `transport.connectionsPerOrigin` must be a positive integer, got 0.',
      },
    ]);
  });

  it('the integer options accept their bounds: endpointCacheTtlMs 0, reservedInFlight 0 and maxInFlight - 1', () => {
    const { transport } = scriptedTransport();
    for (const options of [
      { endpointCacheTtlMs: 0 },
      { reservedInFlight: 0 },
      { maxInFlight: 5, reservedInFlight: 4 },
      { maxInFlight: 1 },
      { claimAhead: 0 },
    ]) {
      expect(() => new WebhookSender({ transport, ...options })).not.toThrow();
    }
  });

  it.each([
    { label: 'a storage whose claims run in process (no claimCost)', maxPerEndpoint: 10 },
    { label: "claimCost 'in-process'", claimCost: 'in-process', maxPerEndpoint: 10 },
    { label: "claimCost 'round-trip'", claimCost: 'round-trip', maxPerEndpoint: 10 + 4 * 10 },
    {
      label: "claimCost 'round-trip' and claimAhead: 0",
      claimCost: 'round-trip',
      claimAhead: 0,
      maxPerEndpoint: 10,
    },
    { label: 'claimAhead: 5', claimAhead: 5, maxPerEndpoint: 10 + 5 },
  ] as const)('$label -> the running loop claims with maxPerEndpoint $maxPerEndpoint, processDue with 10', async (row) => {
    const { maxPerEndpoint } = row;
    const claimCost = 'claimCost' in row ? row.claimCost : undefined;
    const claimAhead = 'claimAhead' in row ? row.claimAhead : undefined;
    const memory = new MemoryStorage();
    const asked: number[] = [];
    const storage = storageWith(memory, {
      claimCost,
      claimDue: (input: Parameters<MemoryStorage['claimDue']>[0]) => {
        asked.push(input.maxPerEndpoint ?? -1);
        return memory.claimDue(input);
      },
    });
    const { transport } = scriptedTransport();
    const sender = new WebhookSender({
      storage,
      transport,
      ...(claimAhead === undefined ? {} : { claimAhead }),
    });
    sender.start();
    try {
      await vi.waitFor(() => expect(asked.length).toBeGreaterThan(0));
    } finally {
      await sender.stop({ deadlineMs: 1000 });
    }
    expect(asked[0]).toBe(maxPerEndpoint);
    // processDue never claims ahead.
    asked.length = 0;
    await sender.processDue();
    expect(asked).toEqual([10]);
  });

  it('deliveries claimed ahead with an endpoint record that then changes go back and are sent with the new one: a secret rotated with overlapMs 0 signs them', async () => {
    const clock = createFakeClock({ nowMs: Date.parse('2026-01-01T00:00:00Z') });
    const storage = storageWith(new MemoryStorage(), { claimCost: 'round-trip' });
    const sent: TransportRequest[] = [];
    const gates: (() => void)[] = [];
    const transport: Transport = {
      async send(request) {
        sent.push(request);
        await new Promise<void>((resolve) => gates.push(resolve));
        return OK_204;
      },
    };
    const sender = new WebhookSender({ storage, transport, clock, maxInFlightPerEndpoint: 1 });
    const { endpoint, secret: before } = await sender.createEndpoint(ORG, {
      url: 'https://a.example/hooks',
      events: ['compliance.*'],
    });
    for (let i = 0; i < 3; i++) await sender.publish(decision());
    let succeeded = 0;
    sender.on('delivery.succeeded', () => void succeeded++);
    sender.start();
    try {
      // One request in flight, the two others claimed ahead and waiting.
      await vi.waitFor(() => expect(sent).toHaveLength(1));
      const { secret: after } = await sender.rotateSecret(ORG, endpoint.id, { overlapMs: 0 });
      // Answer each request as it comes, until all three succeeded.
      while (succeeded < 3) {
        await vi.waitFor(() => expect(gates.length > 0 || succeeded === 3).toBe(true));
        gates.shift()?.();
      }
      const verifies = (request: TransportRequest, secret: string) => {
        try {
          verifyNovatradeSignature(request.body, request.headers['X-Novatrade-Signature'], secret, {
            now: () => clock.now(),
          });
          return true;
        } catch {
          return false;
        }
      };
      expect(sent.map((r) => [verifies(r, before), verifies(r, after)])).toEqual([
        [true, false],
        [false, true],
        [false, true],
      ]);
    } finally {
      for (const open of gates.splice(0)) open();
      await sender.stop({ deadlineMs: 1000 });
    }
  });

  it('http: URLs are refused unless allowInsecureUrls', async () => {
    const { sender } = setup();
    await expect(
      sender.createEndpoint(ORG, { url: 'http://a.example', events: ['kyc.*'] }),
    ).rejects.toMatchObject({ code: 'invalid_endpoint' });
    const { sender: lax } = setup({ allowInsecureUrls: true });
    await expect(
      lax.createEndpoint(ORG, { url: 'http://a.example', events: ['kyc.*'] }),
    ).resolves.toBeDefined();
  });

  it('hooks report attempts and a throwing listener changes nothing', async () => {
    const { sender } = setup();
    const seen: string[] = [];
    sender.on('delivery.succeeded', ({ delivery }) => void seen.push(delivery.status));
    sender.on('delivery.attempted', () => {
      throw new Error('listener bug');
    });
    const errors: string[] = [];
    sender.on('sender.error', ({ during }) => void errors.push(during));
    await sender.createEndpoint(ORG, { url: 'https://a.example', events: ['compliance.*'] });
    await sender.publish(decision());
    expect(await sender.processDue()).toBe(1);
    expect(seen).toEqual(['DELIVERED']);
    expect(errors).toEqual(['hook delivery.attempted']);
  });
});

describe('WebhookSender.withIdempotencyKey (docs/design.md §5.10)', () => {
  const request = (key: string, body: string, route = '/v1/webhooks') => ({
    organizationUuid: ORG,
    method: 'POST',
    route,
    key,
    body,
  });

  it('same key and body -> the stored response (a one-time secret included), execute ran once', async () => {
    const { sender } = setup();
    let runs = 0;
    const create = async () => {
      runs++;
      const { endpoint, secret } = await sender.createEndpoint(ORG, {
        url: 'https://a.example',
        events: ['kyc.*'],
      });
      return { status: 201, body: JSON.stringify({ ...endpoint, secret }) };
    };
    const body = '{"url":"https://a.example","events":["kyc.*"]}';
    const first = await sender.withIdempotencyKey(request('key-1', body), create);
    const again = await sender.withIdempotencyKey(request('key-1', body), create);
    expect(runs).toBe(1);
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ ...first, replayed: true });
    expect(JSON.parse(again.body).secret).toMatch(/^whsec_/);
    expect(await sender.listEndpoints(ORG)).toHaveLength(1);
  });

  it('same key, different body -> idempotency_key_reused; still in flight -> idempotency_key_in_flight', async () => {
    const { sender } = setup();
    let finish: () => void = () => {};
    const slow = sender.withIdempotencyKey(
      request('key-2', 'a'),
      () =>
        new Promise((resolve) => {
          finish = () => resolve({ status: 204, body: '' });
        }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    await expect(
      sender.withIdempotencyKey(request('key-2', 'a'), async () => ({ status: 204, body: '' })),
    ).rejects.toMatchObject({ code: 'idempotency_key_in_flight' });
    await expect(
      sender.withIdempotencyKey(request('key-2', 'b'), async () => ({ status: 204, body: '' })),
    ).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    finish();
    await slow;
    await expect(
      sender.withIdempotencyKey(request('key-2', 'b'), async () => ({ status: 204, body: '' })),
    ).rejects.toMatchObject({ code: 'idempotency_key_reused' });
  });

  it('a failed write releases the key; the scope includes the route; records expire after 24 h', async () => {
    const { sender, clock } = setup();
    await expect(
      sender.withIdempotencyKey(request('key-3', 'x'), async () => {
        throw new Error('database down');
      }),
    ).rejects.toThrow('database down');
    const ok = await sender.withIdempotencyKey(request('key-3', 'x'), async () => ({
      status: 200,
      body: 'first',
    }));
    expect(ok).toEqual({ status: 200, body: 'first', replayed: false });
    const otherRoute = await sender.withIdempotencyKey(
      request('key-3', 'y', '/v1/webhooks/{id}'),
      async () => ({ status: 200, body: 'other route' }),
    );
    expect(otherRoute.replayed).toBe(false);
    clock.advance(24 * 60 * 60 * 1000);
    const later = await sender.withIdempotencyKey(request('key-3', 'z'), async () => ({
      status: 200,
      body: 'after expiry',
    }));
    expect(later).toEqual({ status: 200, body: 'after expiry', replayed: false });
  });

  it('headers of the response are stored and replayed verbatim, and returned as copies', async () => {
    const { sender } = setup();
    const headers = { Location: '/v1/webhooks/wh_1', 'Content-Type': 'application/json' };
    const first = await sender.withIdempotencyKey(request('key-h', '{}'), async () => ({
      status: 201,
      headers,
      body: '{"id":"wh_1"}',
    }));
    expect(first).toStrictEqual({ status: 201, headers, body: '{"id":"wh_1"}', replayed: false });
    expect(first.headers).not.toBe(headers);
    (first.headers as Record<string, string>).Location = 'changed';
    const execute = vi.fn(async () => ({ status: 500, body: '' }));
    expect(await sender.withIdempotencyKey(request('key-h', '{}'), execute)).toStrictEqual({
      status: 201,
      headers,
      body: '{"id":"wh_1"}',
      replayed: true,
    });
    expect(execute).not.toHaveBeenCalled();
    // No headers in, no headers out.
    await sender.withIdempotencyKey(request('key-n', '{}'), async () => ({
      status: 204,
      body: '',
    }));
    expect(await sender.withIdempotencyKey(request('key-n', '{}'), execute)).toStrictEqual({
      status: 204,
      body: '',
      replayed: true,
    });
  });

  describe('a write A that runs past the 5-minute in-flight window, and a retry B with the same key and body', () => {
    /** A pending write: `finish` resolves it with `body`, `fail` rejects it. */
    function pending() {
      let finish: (body: string) => void = () => {};
      let fail: (error: Error) => void = () => {};
      const execute = () =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          finish = (body) => resolve({ status: 201, body });
          fail = reject;
        });
      return { execute, finish: (body: string) => finish(body), fail: (e: Error) => fail(e) };
    }
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    /** A begins, its record expires, B begins and runs: both writes pending. */
    async function overtaken() {
      const { sender, clock } = setup();
      const a = pending();
      const aDone = sender.withIdempotencyKey(request('key-ab', 'x'), a.execute);
      await tick();
      clock.advance(5 * 60 * 1000);
      const b = pending();
      const bDone = sender.withIdempotencyKey(request('key-ab', 'x'), b.execute);
      await tick();
      return { sender, a, aDone, b, bDone };
    }
    const retry = (sender: WebhookSender) =>
      sender.withIdempotencyKey(request('key-ab', 'x'), async () => ({ status: 201, body: 'C' }));

    it("A fails -> B's key is not freed: a third request is in flight, then replays B's response", async () => {
      const { sender, a, aDone, b, bDone } = await overtaken();
      a.fail(new Error('A failed'));
      await expect(aDone).rejects.toThrow('A failed');
      await expect(retry(sender)).rejects.toMatchObject({ code: 'idempotency_key_in_flight' });
      b.finish('B');
      await bDone;
      expect(await retry(sender)).toEqual({ status: 201, body: 'B', replayed: true });
    });

    it("A completes late -> B's record is not filled with A's response: in flight, then B's response", async () => {
      const { sender, a, aDone, b, bDone } = await overtaken();
      a.finish('A');
      expect(await aDone).toEqual({ status: 201, body: 'A', replayed: false });
      await expect(retry(sender)).rejects.toMatchObject({ code: 'idempotency_key_in_flight' });
      b.finish('B');
      await bDone;
      expect(await retry(sender)).toEqual({ status: 201, body: 'B', replayed: true });
    });
  });

  it.each([
    ['', 'too_small'],
    ['k'.repeat(256), 'too_big'],
    [42, 'invalid_type'],
  ])('key %j -> invalid_option, issue code %s at idempotencyKey', async (key, code) => {
    const { sender } = setup();
    await expect(
      sender.withIdempotencyKey(request(key as string, 'x'), async () => ({
        status: 200,
        body: '',
      })),
    ).rejects.toMatchObject({ code: 'invalid_option', issues: [{ path: 'idempotencyKey', code }] });
  });
});

describe('WebhookSender idempotencyStore option (docs/design.md §5.10)', () => {
  const request = (key: string) => ({
    organizationUuid: ORG,
    method: 'POST',
    route: '/v1/webhooks',
    key,
    body: '{}',
  });

  /** A MemoryIdempotencyStore that records the calls made to it. */
  function recordingStore() {
    const inner = new MemoryIdempotencyStore();
    const calls: string[] = [];
    const purges: [number, number][] = [];
    let expiredLeft = 2_500;
    const store: IdempotencyStore = {
      begin(input) {
        calls.push('begin');
        return inner.begin(input);
      },
      complete(input) {
        calls.push('complete');
        return inner.complete(input);
      },
      abandon(scope, token) {
        calls.push('abandon');
        return inner.abandon(scope, token);
      },
      async purgeExpired(nowMs, limit) {
        purges.push([nowMs, limit]);
        const deleted = Math.min(limit, expiredLeft);
        expiredLeft -= deleted;
        return deleted;
      },
    };
    return { store, calls, purges };
  }

  it('withIdempotencyKey keeps its records in the given store, and nowhere else', async () => {
    const { store, calls } = recordingStore();
    const { sender } = setup({ idempotencyStore: store });
    await sender.withIdempotencyKey(request('k-1'), async () => ({ status: 201, body: 'a' }));
    await expect(
      sender.withIdempotencyKey(request('k-2'), async () => {
        throw new Error('write failed');
      }),
    ).rejects.toThrow('write failed');
    expect(calls).toEqual(['begin', 'complete', 'begin', 'abandon']);
  });

  it("a failed abandon after a failed write: the caller gets the write's error; the abandon failure is a sender.error and a warning", async () => {
    const inner = new MemoryIdempotencyStore();
    const store: IdempotencyStore = {
      begin: (input) => inner.begin(input),
      complete: (input) => inner.complete(input),
      abandon: async () => {
        throw new Error('store down');
      },
      purgeExpired: (nowMs, limit) => inner.purgeExpired(nowMs, limit),
    };
    const warnings: unknown[] = [];
    const logger = {
      debug() {},
      info() {},
      warn: (fields: unknown) => void warnings.push(fields),
      error() {},
    };
    const { sender } = setup({ idempotencyStore: store, logger });
    const errors: string[] = [];
    sender.on('sender.error', ({ during }) => void errors.push(during));
    await expect(
      sender.withIdempotencyKey(request('k-abandon'), async () => {
        throw new Error('write failed');
      }),
    ).rejects.toThrow('write failed');
    expect(errors).toEqual(['IdempotencyStore.abandon']);
    expect(warnings).toEqual([
      expect.objectContaining({ stage: 'idempotency', call: 'IdempotencyStore.abandon' }),
    ]);
  });

  it('two senders (two processes) on one shared store replay each other; on their own default stores they do not', async () => {
    const shared = new MemoryIdempotencyStore();
    const one = setup({ idempotencyStore: shared }).sender;
    const two = setup({ idempotencyStore: shared }).sender;
    const first = await one.withIdempotencyKey(request('k'), async () => ({
      status: 201,
      body: 'created once',
    }));
    const execute = vi.fn(async () => ({ status: 201, body: 'created twice' }));
    expect(await two.withIdempotencyKey(request('k'), execute)).toEqual({
      ...first,
      replayed: true,
    });
    expect(execute).not.toHaveBeenCalled();

    const three = setup().sender;
    const four = setup().sender;
    await three.withIdempotencyKey(request('k'), async () => ({ status: 201, body: 'a' }));
    expect((await four.withIdempotencyKey(request('k'), execute)).replayed).toBe(false);
    expect(execute).toHaveBeenCalledOnce();
  });

  it('purgeExpired deletes expired records through the store, at the clock time, in batches of 1,000 until one comes back short', async () => {
    const { store, purges } = recordingStore();
    const { sender, clock } = setup({ idempotencyStore: store });
    expect(await sender.purgeExpired()).toBe(0);
    expect(purges).toEqual([
      [clock.now(), 1000],
      [clock.now(), 1000],
      [clock.now(), 1000],
    ]);
  });

  it('the running dispatcher purges the store every purgeIntervalMs', async () => {
    const { store, purges } = recordingStore();
    const { sender } = setup({ idempotencyStore: store, purgeIntervalMs: 60_000 });
    sender.start();
    await vi.waitFor(() => expect(purges.length).toBeGreaterThan(0));
    await sender.stop();
  });

  it('a store without the port methods -> invalid_option naming idempotencyStore, code invalid_type', () => {
    const { transport } = scriptedTransport();
    const error = thrown(
      () => new WebhookSender({ transport, idempotencyStore: { begin() {} } as never }),
    );
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([
      {
        path: 'idempotencyStore',
        code: 'invalid_type',
        message: expect.stringContaining('must implement begin, complete, abandon, purgeExpired'),
      },
    ]);
  });
});

describe('WebhookSender.start / stop', () => {
  it('stop waits for in-flight attempts up to the deadline, then aborts and releases them: nothing is lost', async () => {
    const clock = createFakeClock();
    const storage = new MemoryStorage();
    let started = 0;
    const hanging: Transport = {
      send(request) {
        started++;
        // Never answers; only the stop signal ends it.
        return new Promise((resolve) => {
          request.signal?.addEventListener('abort', () =>
            resolve({
              statusCode: null,
              failureReason: 'NETWORK_ERROR',
              responseBody: '',
              retryAfter: null,
              durationMs: 0,
            }),
          );
        });
      },
    };
    const first = new WebhookSender({ storage, transport: hanging, clock });
    await first.createEndpoint(ORG, { url: 'https://a.example', events: ['compliance.*'] });
    const { event } = await first.publish(decision());
    first.start();
    await vi.waitFor(() => expect(started).toBe(1));
    await first.stop({ deadlineMs: 20 });

    // The attempt was aborted, not recorded: the delivery is PENDING, with no attempt, and
    // another worker sends it at once.
    const page = await storage.listDeliveries({
      organizationUuid: ORG,
      eventId: event.id,
      page: 0,
      size: 10,
      sortField: 'createdAt',
      sortDirection: 'asc',
    });
    expect(page.items).toEqual([expect.objectContaining({ status: 'PENDING', attempts: 0 })]);
    const { transport, sent } = scriptedTransport();
    const second = new WebhookSender({ storage, transport, clock });
    expect(await second.processDue()).toBe(1);
    expect(sent).toHaveLength(1);
  });

  it('start delivers as events are published, without processDue', async () => {
    const { transport, sent } = scriptedTransport();
    const sender = new WebhookSender({ transport });
    await sender.createEndpoint(ORG, { url: 'https://a.example', events: ['compliance.*'] });
    sender.start();
    try {
      await sender.publish(decision());
      await vi.waitFor(() => expect(sent).toHaveLength(1));
    } finally {
      await sender.stop();
    }
  });
});
