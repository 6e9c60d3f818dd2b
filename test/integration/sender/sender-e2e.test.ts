// The sender end to end: real receivers on 127.0.0.1 that verify every request with the receiver
// SDK, the real HttpTransport, and a fake clock that the test moves (no sleeps). Retry offsets,
// terminal failure, auto-pause by count and by duration, meta-events, "park, don't drop",
// partner filters, organization isolation, schema versions, and the EUDR profile.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { UntypedEventDataMap } from '../../../src/core/catalog/event-catalog.js';
import type { EventDataMap } from '../../../src/core/catalog/event-data.js';
import { EUDR_PROFILE } from '../../../src/core/profiles/eudr-profile.js';
import { HttpTransport } from '../../../src/sender/http-transport.node.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import type { EndpointPausedNotice } from '../../../src/sender/ports/notifier.js';
import { WebhookSender, type WebhookSenderOptions } from '../../../src/sender/webhook-sender.js';
import { verifyEudrSignature } from '../../../src/signature/verify-eudr-signature.node.js';
import { verifyNovatradeSignature } from '../../../src/signature/verify-novatrade-signature.node.js';
import { createFakeClock, type FakeClock } from '../../../src/testing/create-fake-clock.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const OTHER_ORG = '660e8400-e29b-41d4-a716-446655440000';
const PARTNER = '11111111-2222-3333-4444-555555555555';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Received {
  readonly atMs: number;
  readonly eventId: string;
  readonly type: string;
  readonly body: Record<string, unknown>;
  readonly signedAt: number | null;
}

/** A receiver that verifies the signature against the fake clock and answers `status`. */
class TestReceiver {
  readonly received: Received[] = [];
  /** Codes of requests whose signature did not verify (answered 401). */
  readonly rejected: string[] = [];
  status = 204;
  secret = '';
  readonly #server: Server;
  url = '';

  constructor(
    private readonly clock: FakeClock,
    private readonly scheme: 'novatrade' | 'eudr' = 'novatrade',
  ) {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        let signedAt: number | null = null;
        try {
          if (this.scheme === 'novatrade') {
            signedAt = verifyNovatradeSignature(
              raw,
              req.headers['x-novatrade-signature'] as string,
              this.secret,
              { now: this.clock.now },
            ).timestamp;
          } else {
            verifyEudrSignature(raw, req.headers['x-webhook-signature'] as string, this.secret);
          }
        } catch (error) {
          this.rejected.push((error as { code?: string }).code ?? 'error');
          res.writeHead(401).end();
          return;
        }
        const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        this.received.push({
          atMs: this.clock.now(),
          eventId: String(body.id ?? ''),
          type: String(body.type ?? body.event),
          body,
          signedAt,
        });
        res.writeHead(this.status).end();
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function setup<D = EventDataMap>(options: Partial<WebhookSenderOptions<D>> = {}) {
  const clock = createFakeClock({ nowMs: Date.parse('2026-05-01T00:00:00Z') });
  const storage = new MemoryStorage();
  const notices: EndpointPausedNotice[] = [];
  const sender = new WebhookSender({
    storage,
    transport: new HttpTransport({ allowPrivateNetworks: true }),
    clock,
    allowInsecureUrls: true,
    notifier: { endpointPaused: (n) => void notices.push(n) },
    ...options,
  });
  cleanups.push(() => sender.stop({ deadlineMs: 1000 }));
  const receiver = async (scheme: 'novatrade' | 'eudr' = 'novatrade') => {
    const r = await new TestReceiver(clock, scheme).listen();
    cleanups.push(() => r.close());
    return r;
  };
  /** Runs the dispatcher until nothing more is due now. */
  const drain = async () => {
    let total = 0;
    for (let n = await sender.processDue(); n > 0; n = await sender.processDue()) total += n;
    return total;
  };
  return { clock, storage, sender, notices, receiver, drain };
}

async function register(
  sender: WebhookSender<UntypedEventDataMap>,
  receiver: TestReceiver,
  input: { events: string[]; partnerIds?: string[] | null; acceptedSchemaVersions?: number[] },
  organizationUuid = ORG,
) {
  const { endpoint, secret } = await sender.createEndpoint(organizationUuid, {
    url: receiver.url,
    ...input,
  });
  receiver.secret = secret;
  return endpoint;
}

const decision = () => ({
  organizationUuid: ORG,
  type: 'compliance.decision_made' as const,
  partnerUuid: PARTNER,
  data: { ...EVENT_FIXTURES['compliance.decision_made'].data },
});

describe('WebhookSender end to end (real loopback receivers, fake clock)', () => {
  it('a successful delivery arrives signed at send time, with the event id, once', async () => {
    const { sender, receiver, drain, storage } = await setup();
    const a = await receiver();
    await register(sender, a, { events: ['compliance.*'] });
    const { event, deliveries } = await sender.publish(decision());
    expect(deliveries).toBe(1);
    expect(await drain()).toBe(1);
    expect(a.received).toHaveLength(1);
    expect(a.received[0]).toMatchObject({ eventId: event.id, type: 'compliance.decision_made' });
    expect(a.received[0]?.body).toMatchObject({ organizationUuid: ORG, partnerUuid: PARTNER });
    const stored = await storage.listAttempts(
      (await findDeliveries(storage, ORG, event.id))[0]?.id ?? '',
    );
    expect(stored.map((x) => x.statusCode)).toEqual([204]);
    expect(await drain()).toBe(0);
  });

  it('a receiver that always fails gets exactly 11 attempts at +0, 1m, 5m, 15m, 1h, 4h, 8h, 16h, 24h, 36h, 48h, then delivery_failed_terminal reaches another subscribed endpoint', async () => {
    const { clock, sender, receiver, drain, storage } = await setup();
    const failing = await receiver();
    failing.status = 500;
    const watcher = await receiver();
    const failingEndpoint = await register(sender, failing, { events: ['compliance.*'] });
    await register(sender, watcher, { events: ['webhook.*'] });
    const start = clock.now();
    const { event } = await sender.publish(decision());
    const offsets = [0, 1, 5, 15, 60, 240, 480, 960, 1440, 2160, 2880].map((m) => m * MINUTE);
    for (const [i, offset] of offsets.entries()) {
      clock.set(start + offset);
      await drain();
      expect(failing.received).toHaveLength(i + 1);
    }
    expect(failing.received.map((r) => r.atMs - start)).toEqual(offsets);
    // Every attempt is signed at send time: a fresh t= each time.
    expect(failing.received.map((r) => (r.signedAt as number) * 1000 - start)).toEqual(offsets);
    expect(new Set(failing.received.map((r) => r.eventId))).toEqual(new Set([event.id]));

    const [delivery] = await findDeliveries(storage, ORG, event.id);
    expect(delivery).toMatchObject({ status: 'FAILED', attempts: 11, failureReason: 'HTTP_ERROR' });
    // The terminal failure emitted the meta-event at once; the same drain delivered it.
    expect(watcher.received).toHaveLength(1);
    expect(watcher.received[0]?.atMs).toBe(start + 48 * HOUR);
    expect(watcher.received[0]?.type).toBe('webhook.delivery_failed_terminal');
    expect(watcher.received[0]?.body).toMatchObject({
      partnerUuid: null,
      data: {
        endpointId: failingEndpoint.id,
        deliveryId: delivery?.id,
        eventId: event.id,
        eventType: 'compliance.decision_made',
        attempts: 11,
        lastHttpStatus: 500,
        failureReason: 'HTTP_ERROR',
      },
    });
    // No more attempts, ever.
    clock.advance(100 * HOUR);
    expect(await drain()).toBe(0);
    expect(failing.received).toHaveLength(11);
  });

  it('20 consecutive failures pause the endpoint: endpoint_auto_paused reaches the other subscribed endpoint (not the paused one), the notifier is called, pending retries are parked', async () => {
    const { sender, receiver, drain, storage, notices } = await setup();
    const failing = await receiver();
    failing.status = 503;
    const watcher = await receiver();
    const paused = await register(sender, failing, { events: ['compliance.*', 'webhook.*'] });
    await register(sender, watcher, { events: ['webhook.endpoint_auto_paused'] });
    const published = [];
    for (let i = 0; i < 20; i++) published.push((await sender.publish(decision())).event);
    await drain();
    expect(failing.received.filter((r) => r.type === 'compliance.decision_made')).toHaveLength(20);
    expect((await sender.getEndpoint(ORG, paused.id))?.status).toBe('PAUSED');
    expect(notices).toEqual([
      expect.objectContaining({
        endpointId: paused.id,
        status: 'PAUSED',
        reason: 'CONSECUTIVE_FAILURES',
        consecutiveFailures: 20,
      }),
    ]);
    const metas = watcher.received.filter((r) => r.type === 'webhook.endpoint_auto_paused');
    expect(metas).toHaveLength(1);
    expect(metas[0]?.body).toMatchObject({
      data: { endpointId: paused.id, pauseReason: 'CONSECUTIVE_FAILURES', consecutiveFailures: 20 },
    });
    expect(failing.received.some((r) => r.type.startsWith('webhook.'))).toBe(false);
    // Every delivery to the paused endpoint is final: parked, not dropped, no retry due.
    for (const event of published) {
      const [delivery] = await findDeliveries(storage, ORG, event.id);
      expect(delivery).toMatchObject({
        status: 'FAILED',
        failureReason: 'ENDPOINT_PAUSED',
        nextAttemptAtMs: null,
      });
    }
  });

  it('72 h of failure with fewer than 20 attempts pauses the endpoint (FAILURE_DURATION)', async () => {
    const { clock, sender, receiver, drain, notices } = await setup();
    const failing = await receiver();
    failing.status = 500;
    const endpoint = await register(sender, failing, { events: ['compliance.*'] });
    const start = clock.now();
    await sender.publish(decision());
    // Walk time forward in 1-minute steps over the first event's whole schedule (48 h), then
    // publish a second event at 60 h and follow it until the policy trips.
    const until = async (endMs: number) => {
      while (clock.now() < endMs) {
        clock.advance(MINUTE);
        await drain();
      }
    };
    await drain();
    await until(start + 60 * HOUR);
    expect(failing.received).toHaveLength(11);
    await sender.publish(decision());
    await drain();
    await until(start + 80 * HOUR);
    const view = await sender.getEndpoint(ORG, endpoint.id);
    expect(view?.status).toBe('PAUSED');
    expect(notices[0]).toMatchObject({ reason: 'FAILURE_DURATION' });
    expect(failing.received.length).toBeLessThan(20);
    // The trip happens on the first failed attempt more than 72 h after the streak began: the
    // second event's 16 h retry at 76 h.
    expect(failing.received.at(-1)?.atMs).toBe(start + 76 * HOUR);
  }, 60_000);

  it('events published while paused are in history as FAILED ENDPOINT_PAUSED; resume delivers new events again', async () => {
    const { sender, receiver, drain, storage } = await setup();
    const a = await receiver();
    const endpoint = await register(sender, a, { events: ['compliance.*'] });
    await sender.updateEndpoint(ORG, endpoint.id, { status: 'PAUSED' });
    const { event } = await sender.publish(decision());
    expect(await drain()).toBe(0);
    expect(await findDeliveries(storage, ORG, event.id)).toEqual([
      expect.objectContaining({ status: 'FAILED', attempts: 0, failureReason: 'ENDPOINT_PAUSED' }),
    ]);
    await sender.updateEndpoint(ORG, endpoint.id, { status: 'ACTIVE' });
    await sender.publish(decision());
    expect(await drain()).toBe(1);
    expect(a.received).toHaveLength(1);
  });

  it('partner filters and organization isolation', async () => {
    const { sender, receiver, drain } = await setup();
    const mine = await receiver();
    const otherPartner = await receiver();
    const otherOrg = await receiver();
    await register(sender, mine, { events: ['compliance.decision_made'], partnerIds: [PARTNER] });
    await register(sender, otherPartner, {
      events: ['compliance.*'],
      partnerIds: ['someone-else'],
    });
    await register(sender, otherOrg, { events: ['compliance.*'] }, OTHER_ORG);
    await sender.publish(decision());
    await drain();
    expect(mine.received).toHaveLength(1);
    expect(otherPartner.received).toHaveLength(0);
    expect(otherOrg.received).toHaveLength(0);
    expect(
      await sender.getEndpoint(OTHER_ORG, (await sender.listEndpoints(ORG))[0]?.id ?? ''),
    ).toBeNull();
  });

  it('schema-version negotiation: an endpoint gets the highest version it accepts that the catalog can produce', async () => {
    const { sender, receiver, drain, storage } = await setup();
    const a = await receiver();
    await register(sender, a, { events: ['compliance.*'], acceptedSchemaVersions: [3, 1, 2] });
    const { event } = await sender.publish(decision());
    await drain();
    // The catalog has version 1 of this type: versions 2 and 3 cannot be produced, 1 can.
    expect(a.received[0]?.body).toMatchObject({ schemaVersion: 1 });
    expect(await findDeliveries(storage, ORG, event.id)).toEqual([
      expect.objectContaining({ status: 'DELIVERED', schemaVersion: 1 }),
    ]);
  });

  it('an endpoint that accepts no producible schema version gets FAILED SCHEMA_VERSION_UNSUPPORTED, never a request', async () => {
    const { sender, receiver, drain, storage } = await setup();
    const a = await receiver();
    await register(sender, a, { events: ['compliance.*'], acceptedSchemaVersions: [2] });
    const { event } = await sender.publish(decision());
    await drain();
    expect(a.received).toEqual([]);
    expect(await findDeliveries(storage, ORG, event.id)).toEqual([
      expect.objectContaining({ status: 'FAILED', failureReason: 'SCHEMA_VERSION_UNSUPPORTED' }),
    ]);
  });

  it('EUDR profile: 4 attempts at 0, 1 s, 6 s, 36 s; DISABLED after 10 consecutive failed attempts', async () => {
    const { clock, sender, receiver, drain, storage, notices } = await setup({
      profile: EUDR_PROFILE,
    });
    const failing = await receiver('eudr');
    failing.status = 500;
    const endpoint = await register(sender, failing, { events: ['supplier.*'] });
    const start = clock.now();
    const publish = () =>
      sender.publish({
        organizationUuid: ORG,
        type: 'supplier.created',
        data: { externalId: 'ext-1', internalId: 'int-1' },
      });
    const { event } = await publish();
    for (const offset of [0, 1_000, 6_000, 36_000]) {
      clock.set(start + offset);
      expect(await drain()).toBe(1);
    }
    expect(failing.received.map((r) => r.atMs - start)).toEqual([0, 1_000, 6_000, 36_000]);
    expect(await findDeliveries(storage, ORG, event.id)).toEqual([
      expect.objectContaining({ status: 'FAILED', attempts: 4 }),
    ]);
    // 6 more failed attempts (10 in a row) disable the endpoint.
    for (let i = 0; i < 6; i++) await publish();
    await drain();
    expect((await sender.getEndpoint(ORG, endpoint.id))?.status).toBe('DISABLED');
    expect(notices).toEqual([
      expect.objectContaining({ status: 'DISABLED', consecutiveFailures: 10 }),
    ]);
  });

  it('rejects bad endpoints and events with every problem listed', async () => {
    const { sender } = await setup({ allowInsecureUrls: false });
    await expect(
      sender.createEndpoint(ORG, { url: 'http://example.com/x', events: ['*', 'kyc.*', 'kyc.*'] }),
    ).rejects.toMatchObject({
      code: 'invalid_endpoint',
      issues: [
        expect.objectContaining({ path: 'url' }),
        expect.objectContaining({ path: 'events.0' }),
        expect.objectContaining({ path: 'events.2' }),
      ],
    });
    // Past the static types (the documented escape), the run-time checks answer.
    const untyped = sender as WebhookSender<UntypedEventDataMap>;
    await expect(
      untyped.publish({ organizationUuid: ORG, type: 'order.created', data: {} }),
    ).rejects.toMatchObject({ code: 'invalid_event_input' });
    await expect(untyped.publish({ ...decision(), data: { orderUuid: 1 } })).rejects.toMatchObject({
      code: 'invalid_event',
    });
  });
});

async function findDeliveries(storage: MemoryStorage, organizationUuid: string, eventId: string) {
  const page = await storage.listDeliveries({
    organizationUuid,
    eventId,
    page: 0,
    size: 100,
    sortField: 'createdAt',
    sortDirection: 'asc',
  });
  return page.items;
}

describe('WebhookSender history, replay and test fire (real loopback receivers, fake clock)', () => {
  it('replay after resume: a parked event is delivered with its original id and a fresh t=', async () => {
    const { clock, sender, receiver, drain } = await setup();
    const a = await receiver();
    const endpoint = await register(sender, a, { events: ['compliance.*'] });
    await sender.updateEndpoint(ORG, endpoint.id, { status: 'PAUSED' });
    const { event } = await sender.publish(decision());
    const [parked] = (await sender.listDeliveries(ORG, endpoint.id)).data;
    expect(parked).toMatchObject({
      status: 'FAILED',
      failureReason: 'ENDPOINT_PAUSED',
      attempts: 0,
    });
    await expect(sender.replayDelivery(ORG, endpoint.id, parked?.id ?? '')).rejects.toMatchObject({
      code: 'invalid_state',
    });
    await sender.updateEndpoint(ORG, endpoint.id, { status: 'ACTIVE' });
    clock.advance(10 * MINUTE);
    const replay = await sender.replayDelivery(ORG, endpoint.id, parked?.id ?? '');
    expect(replay).toMatchObject({ replayOf: parked?.id, eventId: event.id, status: 'PENDING' });
    await drain();
    expect(a.received).toHaveLength(1);
    expect(a.received[0]?.eventId).toBe(event.id);
    expect(a.received[0]?.signedAt).toBe(Math.floor(clock.now() / 1000));
    // Replaying a DELIVERED delivery is allowed too; a PENDING one is not.
    const delivered = (await sender.listDeliveries(ORG, endpoint.id, { status: 'DELIVERED' })).data;
    expect(delivered.map((d) => d.id)).toEqual([replay.id]);
    const again = await sender.replayDelivery(ORG, endpoint.id, replay.id);
    await expect(sender.replayDelivery(ORG, endpoint.id, again.id)).rejects.toMatchObject({
      code: 'invalid_state',
    });
  });

  it('recoverDeliveries replays every FAILED delivery in the range', async () => {
    const { sender, receiver, drain, clock } = await setup();
    const a = await receiver();
    const endpoint = await register(sender, a, { events: ['compliance.*'] });
    await sender.updateEndpoint(ORG, endpoint.id, { status: 'PAUSED' });
    const since = clock.now();
    for (let i = 0; i < 3; i++) await sender.publish(decision());
    await sender.updateEndpoint(ORG, endpoint.id, { status: 'ACTIVE' });
    clock.advance(MINUTE);
    expect(await sender.recoverDeliveries(ORG, endpoint.id, { since })).toEqual({ replayed: 3 });
    await drain();
    expect(a.received).toHaveLength(3);
  });

  it('test fire reaches a PAUSED endpoint regardless of its filters, once, test: true, no health effect', async () => {
    const { sender, receiver, drain } = await setup();
    const a = await receiver();
    a.status = 500;
    const endpoint = await register(sender, a, {
      events: ['kyc.*'],
      partnerIds: ['only-this-one'],
    });
    await sender.updateEndpoint(ORG, endpoint.id, { status: 'PAUSED' });
    const data = { orderUuid: '00000000-0000-0000-0000-000000000000', decision: 'VALID_EXPORT' };
    const fired = await sender.testEndpoint(ORG, endpoint.id, {
      eventType: 'compliance.decision_made',
      data,
    });
    expect(fired).toMatchObject({ test: true, status: 'PENDING' });
    await drain();
    expect(a.received).toHaveLength(1);
    expect(a.received[0]?.body).toMatchObject({
      type: 'compliance.decision_made',
      source: 'SYSTEM',
      partnerUuid: '00000000-0000-0000-0000-000000000000',
      data,
    });
    const history = await sender.getDelivery(ORG, endpoint.id, fired.id);
    expect(history?.delivery).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      test: true,
      httpStatus: 500,
    });
    expect(history?.attempts).toEqual([expect.objectContaining({ attempt: 1, httpStatus: 500 })]);
    expect((await sender.getEndpoint(ORG, endpoint.id))?.consecutiveFailures).toBe(0);
    await sender.updateEndpoint(ORG, endpoint.id, { status: 'DISABLED' });
    await expect(
      sender.testEndpoint(ORG, endpoint.id, { eventType: 'compliance.decision_made', data }),
    ).rejects.toMatchObject({ code: 'invalid_state' });
  });

  it('rotateSecret: during the overlap every delivery carries one v1= per live secret; after it, only the new one', async () => {
    const { sender, receiver, drain, clock } = await setup();
    const a = await receiver();
    const endpoint = await register(sender, a, { events: ['compliance.*'] });
    const oldSecret = a.secret;
    const { secret: newSecret } = await sender.rotateSecret(ORG, endpoint.id, { overlapMs: HOUR });
    expect((await sender.getEndpoint(ORG, endpoint.id))?.liveSecrets).toBe(2);
    for (const secret of [oldSecret, newSecret]) {
      a.secret = secret;
      await sender.publish(decision());
      await drain();
    }
    expect(a.received).toHaveLength(2);
    clock.advance(HOUR + 1);
    a.secret = oldSecret;
    await sender.publish(decision());
    await expect(drain()).resolves.toBe(1);
    expect(a.received).toHaveLength(2);
    expect(a.rejected).toEqual(['signature_mismatch']); // signed with the new secret only
  });

  it('history pages are zero-based with totals, sorted createdAt,desc by default; bad queries list every problem', async () => {
    const { sender, receiver, drain, clock } = await setup();
    const a = await receiver();
    const endpoint = await register(sender, a, { events: ['compliance.*'] });
    for (let i = 0; i < 5; i++) {
      await sender.publish(decision());
      clock.advance(1000);
    }
    await drain();
    const first = await sender.listDeliveries(ORG, endpoint.id, { size: 2 });
    expect(first.pagination).toEqual({
      page: 0,
      size: 2,
      totalElements: 5,
      totalPages: 3,
      hasNext: true,
      hasPrevious: false,
    });
    const times = first.data.map((d) => Date.parse(d.createdAt));
    expect(times[0]).toBeGreaterThan(times[1] as number);
    const last = await sender.listDeliveries(ORG, endpoint.id, {
      size: 2,
      page: 2,
      sort: 'createdAt,asc',
    });
    expect(last.data).toHaveLength(1);
    expect(last.pagination).toMatchObject({ hasNext: false, hasPrevious: true });
    await expect(
      sender.listDeliveries(ORG, endpoint.id, {
        size: 101,
        page: -1,
        sort: 'url',
        status: 'DONE',
      } as never),
    ).rejects.toMatchObject({
      code: 'invalid_option',
      issues: [
        expect.objectContaining({ path: 'status' }),
        expect.objectContaining({ path: 'page' }),
        expect.objectContaining({ path: 'size' }),
        expect.objectContaining({ path: 'sort' }),
      ],
    });
  });
});

describe('WebhookSender retention', () => {
  it('purgeExpired deletes final history older than retentionMs (gone, not replayable); recent and PENDING stay', async () => {
    const { sender, receiver, drain, clock } = await setup({ retentionMs: 10 * 24 * HOUR });
    const ok = await receiver();
    const okEndpoint = await register(sender, ok, { events: ['compliance.*'] });
    await sender.publish(decision());
    await drain();
    const [old] = (await sender.listDeliveries(ORG, okEndpoint.id)).data;
    expect(old?.status).toBe('DELIVERED');
    clock.advance(11 * 24 * HOUR);
    await sender.publish(decision());
    await drain(); // a recent DELIVERED
    await sender.publish(decision()); // a PENDING one, not sent yet
    expect(await sender.purgeExpired()).toBe(1);
    expect(await sender.getDelivery(ORG, okEndpoint.id, old?.id ?? '')).toBeNull();
    await expect(sender.replayDelivery(ORG, okEndpoint.id, old?.id ?? '')).rejects.toMatchObject({
      code: 'not_found',
    });
    const left = await sender.listDeliveries(ORG, okEndpoint.id, { sort: 'createdAt,asc' });
    expect(left.data.map((d) => d.status).sort()).toEqual(['DELIVERED', 'PENDING']);
    expect(await sender.purgeExpired()).toBe(0);
  });
});

describe('WebhookSender replay and recover rules (review findings)', () => {
  it('a delivery the endpoint cannot accept (SCHEMA_VERSION_UNSUPPORTED) is not replayed; a test fire neither', async () => {
    const { sender, receiver, drain } = await setup();
    const a = await receiver();
    const endpoint = await register(sender, a, {
      events: ['compliance.*'],
      acceptedSchemaVersions: [2],
    });
    await sender.publish(decision());
    const [unsupported] = (await sender.listDeliveries(ORG, endpoint.id)).data;
    expect(unsupported?.failureReason).toBe('SCHEMA_VERSION_UNSUPPORTED');
    await expect(
      sender.replayDelivery(ORG, endpoint.id, unsupported?.id ?? ''),
    ).rejects.toMatchObject({
      code: 'invalid_state',
    });
    expect(await sender.recoverDeliveries(ORG, endpoint.id, { since: 0 })).toEqual({ replayed: 0 });
    const fired = await sender.testEndpoint(ORG, endpoint.id, {
      eventType: 'compliance.decision_made',
      data: { ...EVENT_FIXTURES['compliance.decision_made'].data },
    });
    await drain();
    await expect(sender.replayDelivery(ORG, endpoint.id, fired.id)).rejects.toMatchObject({
      code: 'invalid_state',
    });
    expect(a.received.map((r) => r.body.schemaVersion)).toEqual([1]); // the test fire only
  });

  it('recoverDeliveries replays each failure once: a second recover of the same range replays nothing; a non-ACTIVE endpoint is refused', async () => {
    const { sender, receiver, drain, clock } = await setup();
    const a = await receiver();
    const endpoint = await register(sender, a, { events: ['compliance.*'] });
    await sender.updateEndpoint(ORG, endpoint.id, { status: 'PAUSED' });
    await expect(sender.recoverDeliveries(ORG, endpoint.id, { since: 0 })).rejects.toMatchObject({
      code: 'invalid_state',
    });
    await sender.publish(decision());
    await sender.publish(decision());
    await sender.updateEndpoint(ORG, endpoint.id, { status: 'ACTIVE' });
    clock.advance(MINUTE);
    expect(await sender.recoverDeliveries(ORG, endpoint.id, { since: 0 })).toEqual({ replayed: 2 });
    expect(await sender.recoverDeliveries(ORG, endpoint.id, { since: 0 })).toEqual({ replayed: 0 });
    await drain();
    expect(a.received).toHaveLength(2);
  });

  it('recoverDeliveries skips failures outside retention instead of failing the whole call', async () => {
    const { sender, receiver, clock } = await setup({ retentionMs: 24 * HOUR });
    const a = await receiver();
    const endpoint = await register(sender, a, { events: ['compliance.*'] });
    await sender.updateEndpoint(ORG, endpoint.id, { status: 'PAUSED' });
    await sender.publish(decision()); // will be outside retention
    clock.advance(2 * 24 * HOUR);
    await sender.publish(decision());
    await sender.updateEndpoint(ORG, endpoint.id, { status: 'ACTIVE' });
    clock.advance(MINUTE); // `until` defaults to now, exclusive
    expect(await sender.recoverDeliveries(ORG, endpoint.id, { since: 0 })).toEqual({ replayed: 1 });
  });

  it('liveSecrets counts only secrets that still sign', async () => {
    const { sender, receiver, clock } = await setup();
    const a = await receiver();
    const endpoint = await register(sender, a, { events: ['compliance.*'] });
    await sender.rotateSecret(ORG, endpoint.id, { overlapMs: 1000 });
    expect((await sender.getEndpoint(ORG, endpoint.id))?.liveSecrets).toBe(2);
    clock.advance(5000);
    expect((await sender.getEndpoint(ORG, endpoint.id))?.liveSecrets).toBe(1);
  });
});
