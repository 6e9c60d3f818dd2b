// The seeds' end-to-end flow (docs/design.md §6.4, §6.7), driven only through the typed client:
// one suite, run against every backend that serves the management API: the real
// `createManagementApi` over loopback HTTP with a real receiver
// (test/integration/client/client-loopback.test.ts), and the `/testing` msw handlers over an
// in-memory sender. A backend hides how the API is served, how deliveries reach the receiver and
// how time moves; the suite only registers, publishes, reads, replays, rotates and deletes with
// the client, and checks what the receiver got. Time is a fake clock the backend moves
// (`advance`), so the retry schedule and auto-pause run without waiting.
//
// Usage:
//   describeClientFlows('loopback', async () => ({ client, receiver, advance, now, close }));

import { afterEach, describe, expect, it } from 'vitest';
import { isNovatradeApiError } from '../../src/client/novatrade-api-error.js';
import type {
  CreatedWebhookEndpoint,
  PublishedEvent,
  WebhookDelivery,
} from '../../src/client/resource-types.js';
import type { WebhooksClient } from '../../src/client/webhooks-client.js';
import { verifyNovatradeSignature } from '../../src/signature/verify-novatrade-signature.node.js';
import { EVENT_FIXTURES } from '../../src/testing/event-fixtures.js';

/** One request the receiver got. */
export interface ReceivedDelivery {
  /** `X-Novatrade-Event-Id`. */
  readonly eventId: string;
  /** `X-Novatrade-Event-Type`. */
  readonly eventType: string;
  /** `X-Novatrade-Signature`, as sent. */
  readonly signature: string;
  /** The raw body, exactly as sent (what the signature covers). */
  readonly body: string;
  /** `X-Novatrade-Delivery-Id`, when the backend sees it. */
  readonly deliveryId?: string | undefined;
}

/** Where a backend delivers: its URL, the status it answers, what it got. */
export interface FlowReceiver {
  /** The URL to register an endpoint at. */
  readonly url: string;
  /** The status every later request is answered with (200 at first). */
  setStatus(status: number): void;
  /** Every request received so far, oldest first. */
  received(): readonly ReceivedDelivery[];
}

/** A management API to run the flows against, with its receiver and its clock. */
export interface ClientFlowBackend {
  /** A client of the API, authenticated as one organization. */
  readonly client: WebhooksClient;
  readonly receiver: FlowReceiver;
  /**
   * Moves the fake clock forward by `ms` (0: not at all) and runs every delivery due by then,
   * until nothing more is due. Resolves once those deliveries reached the receiver.
   */
  advance(ms: number): Promise<void>;
  /** The fake clock's time, epoch ms (signatures are verified against it). */
  now(): number;
  close(): Promise<void>;
}

const PARTNER = '11111111-2222-3333-4444-555555555555';
const OTHER_PARTNER = '99999999-8888-7777-6666-555555555555';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The gaps between the first five offsets of the Novatrade24 schedule: 0, 1, 5, 15, 60 min. */
const SCHEDULE_STEPS = [0, 1, 4, 10, 45].map((m) => m * MINUTE);

/** The `t=` and the `v1=` values of an `X-Novatrade-Signature` header. */
function signatureParts(header: string): { t: number; v1: string[] } {
  const parts = header.split(',').map((part) => part.split('=', 2) as [string, string]);
  return {
    t: Number(parts.find(([name]) => name === 't')?.[1]),
    v1: parts.filter(([name]) => name === 'v1').map(([, value]) => value),
  };
}

/** Runs the seeds' flow through `WebhooksClient` against the backends `createBackend` builds. */
export function describeClientFlows(
  name: string,
  createBackend: () => Promise<ClientFlowBackend>,
): void {
  describe(`client flows end to end: ${name}`, () => {
    const open: ClientFlowBackend[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((backend) => backend.close()));
    });

    async function backend(): Promise<ClientFlowBackend> {
      const created = await createBackend();
      open.push(created);
      return created;
    }

    async function publish(
      { client }: ClientFlowBackend,
      type: 'compliance.decision_made' | 'kyc.vies_check_failed' = 'compliance.decision_made',
      partnerUuid = PARTNER,
    ): Promise<PublishedEvent> {
      const { data, status } = await client.events.publish({
        type,
        partnerUuid,
        data: { ...EVENT_FIXTURES[type].data },
      } as Parameters<WebhooksClient['events']['publish']>[0]);
      expect(status).toBe(202);
      return data;
    }

    function verifies(b: ClientFlowBackend, request: ReceivedDelivery, secret: string): boolean {
      try {
        verifyNovatradeSignature(request.body, request.signature, secret, { now: () => b.now() });
        return true;
      } catch {
        return false;
      }
    }

    /**
     * Registers at the receiver, makes it answer 503, publishes 4 events and walks the clock
     * along the first five offsets: 4 × 5 = 20 consecutive failed attempts, the auto-pause
     * threshold.
     */
    async function driveToAutoPause(b: ClientFlowBackend) {
      const { data: endpoint } = await b.client.endpoints.create({
        url: b.receiver.url,
        events: ['compliance.*'],
      });
      b.receiver.setStatus(503);
      const events: PublishedEvent[] = [];
      for (let i = 0; i < 4; i++) events.push(await publish(b));
      for (const step of SCHEDULE_STEPS) await b.advance(step);
      return { endpoint, events };
    }

    async function all(b: ClientFlowBackend, id: string, status?: 'FAILED' | 'DELIVERED') {
      const found: WebhookDelivery[] = [];
      const query = { size: 100, ...(status === undefined ? {} : { status }) };
      for await (const delivery of b.client.deliveries.listAll(id, query)) found.push(delivery);
      return found;
    }

    it('registers (201, the one-time secret), and an event published over ingest arrives signed with it', async () => {
      const b = await backend();
      const created = await b.client.endpoints.create({
        url: b.receiver.url,
        events: ['compliance.*'],
        partnerIds: [PARTNER],
      });
      expect(created.status).toBe(201);
      const endpoint: CreatedWebhookEndpoint = created.data;
      expect(endpoint).toMatchObject({
        id: expect.stringMatching(/^wh_/),
        url: b.receiver.url,
        events: ['compliance.*'],
        partnerIds: [PARTNER],
        status: 'ACTIVE',
        secret: expect.any(String),
      });
      const { secret, ...view } = endpoint;
      expect((await b.client.endpoints.get(endpoint.id)).data).toEqual(view);
      expect((await b.client.endpoints.list()).data).toEqual([view]);

      const event = await publish(b);
      expect(event).toMatchObject({ type: 'compliance.decision_made', deliveries: 1 });
      await b.advance(0);
      const [request] = b.receiver.received();
      expect(b.receiver.received()).toHaveLength(1);
      expect(request).toMatchObject({ eventId: event.id, eventType: 'compliance.decision_made' });
      expect(JSON.parse(request?.body ?? '{}')).toMatchObject({
        id: event.id,
        partnerUuid: PARTNER,
        data: EVENT_FIXTURES['compliance.decision_made'].data,
      });
      expect(request && verifies(b, request, secret)).toBe(true);
      expect(request && verifies(b, request, 'whsec_not_the_secret_000000')).toBe(false);
      const history = await b.client.deliveries.list(endpoint.id);
      expect(history.data.data).toEqual([
        expect.objectContaining({ eventId: event.id, status: 'DELIVERED', httpStatus: 200 }),
      ]);
      if (request?.deliveryId !== undefined) {
        expect(request.deliveryId).toBe(history.data.data[0]?.id);
      }
    });

    it('auto-pauses after 20 consecutive failures over the schedule; a paused endpoint parks new events', async () => {
      const b = await backend();
      const { endpoint, events } = await driveToAutoPause(b);
      expect(b.receiver.received()).toHaveLength(20);
      const { data: paused } = await b.client.endpoints.get(endpoint.id);
      expect(paused).toMatchObject({ status: 'PAUSED', consecutiveFailures: 20 });
      const failed = await all(b, endpoint.id, 'FAILED');
      expect(failed.map((d) => d.eventId).sort()).toEqual(events.map((e) => e.id).sort());
      expect(failed.every((d) => d.attempts === 5 && d.failureReason === 'ENDPOINT_PAUSED')).toBe(
        true,
      );
      const parked = await publish(b);
      await b.advance(HOUR);
      expect(b.receiver.received()).toHaveLength(20);
      expect((await all(b, endpoint.id, 'FAILED')).map((d) => d.eventId)).toContain(parked.id);
    });

    it('resume makes the endpoint ACTIVE with a fresh streak and replays nothing by itself', async () => {
      const b = await backend();
      const { endpoint } = await driveToAutoPause(b);
      b.receiver.setStatus(200);
      const { data: resumed } = await b.client.endpoints.resume(endpoint.id);
      expect(resumed).toMatchObject({
        status: 'ACTIVE',
        consecutiveFailures: 0,
        failingSince: null,
      });
      await b.advance(48 * HOUR);
      expect(b.receiver.received()).toHaveLength(20);
      expect(await all(b, endpoint.id, 'FAILED')).toHaveLength(4);
    });

    it('replay sends the same event id with a fresh signature, as a new delivery (replayOf)', async () => {
      const b = await backend();
      const { endpoint } = await driveToAutoPause(b);
      b.receiver.setStatus(200);
      await b.client.endpoints.resume(endpoint.id);
      await b.advance(2 * HOUR);
      const [original] = (
        await b.client.deliveries.list(endpoint.id, { status: 'FAILED', size: 1 })
      ).data.data;
      if (original === undefined) throw new Error('no failed delivery');
      const replay = await b.client.deliveries.replay(endpoint.id, original.id);
      expect(replay.status).toBe(202);
      expect(replay.data).toMatchObject({
        eventId: original.eventId,
        replayOf: original.id,
        status: 'PENDING',
      });
      expect(replay.data.id).not.toBe(original.id);
      await b.advance(0);
      const sent = b.receiver.received().at(-1);
      const earlier = b.receiver.received().filter((r) => r.eventId === original.eventId);
      expect(earlier).toHaveLength(6);
      expect(sent?.eventId).toBe(original.eventId);
      expect(sent?.body).toBe(earlier[0]?.body);
      expect(sent && verifies(b, sent, endpoint.secret)).toBe(true);
      const earlierTimes = earlier.slice(0, 5).map((r) => signatureParts(r.signature).t);
      expect(earlierTimes).not.toContain(signatureParts(sent?.signature ?? '').t);
      const { data: detail } = await b.client.deliveries.get(endpoint.id, replay.data.id);
      expect(detail.delivery).toMatchObject({ status: 'DELIVERED', replayOf: original.id });
      expect(detail.attempts).toHaveLength(1);
      const { data: originalDetail } = await b.client.deliveries.get(endpoint.id, original.id);
      expect(originalDetail.delivery.status).toBe('FAILED');
      expect(originalDetail.attempts.map((a) => a.httpStatus)).toEqual([503, 503, 503, 503, 503]);
    });

    it('a test fire ignores the subscription and the partner filter, test: true in history', async () => {
      const b = await backend();
      const { data: endpoint } = await b.client.endpoints.create({
        url: b.receiver.url,
        events: ['compliance.*'],
        partnerIds: [PARTNER],
      });
      const unmatched = await publish(b, 'kyc.vies_check_failed', OTHER_PARTNER);
      expect(unmatched.deliveries).toBe(0);
      const fired = await b.client.endpoints.test(endpoint.id, {
        eventType: 'kyc.vies_check_failed',
        data: { ...EVENT_FIXTURES['kyc.vies_check_failed'].data },
        partnerUuid: OTHER_PARTNER,
      });
      expect(fired.status).toBe(202);
      expect(fired.data).toMatchObject({ eventType: 'kyc.vies_check_failed', test: true });
      await b.advance(0);
      expect(b.receiver.received()).toEqual([
        expect.objectContaining({
          eventId: fired.data.eventId,
          eventType: 'kyc.vies_check_failed',
        }),
      ]);
      const [request] = b.receiver.received();
      expect(request && verifies(b, request, endpoint.secret)).toBe(true);
      expect(await all(b, endpoint.id)).toEqual([
        expect.objectContaining({ id: fired.data.id, status: 'DELIVERED', test: true }),
      ]);
    });

    it('listAll walks the whole history page by page; break stops it; list pages by page and size', async () => {
      const b = await backend();
      const { data: endpoint } = await b.client.endpoints.create({
        url: b.receiver.url,
        events: ['compliance.*'],
      });
      const events: PublishedEvent[] = [];
      for (let i = 0; i < 23; i++) {
        events.push(await publish(b));
        await b.advance(1000);
      }
      const oldestFirst: string[] = [];
      for await (const d of b.client.deliveries.listAll(endpoint.id, {
        size: 10,
        sort: 'createdAt,asc',
      })) {
        oldestFirst.push(d.eventId);
      }
      expect(oldestFirst).toEqual(events.map((e) => e.id));
      const newestFirst = (await all(b, endpoint.id)).map((d) => d.eventId);
      expect(newestFirst).toEqual(events.map((e) => e.id).reverse());

      let taken = 0;
      for await (const _ of b.client.deliveries.listAll(endpoint.id, { size: 5 })) {
        taken += 1;
        if (taken === 7) break;
      }
      expect(taken).toBe(7);

      const last = await b.client.deliveries.list(endpoint.id, { page: 2, size: 10 });
      expect(last.data.pagination).toEqual({
        page: 2,
        size: 10,
        totalElements: 23,
        totalPages: 3,
        hasNext: false,
        hasPrevious: true,
      });
      expect(last.data.data).toHaveLength(3);
      const since = await b.client.deliveries.list(endpoint.id, {
        since: new Date(b.now() - 5500),
        size: 100,
      });
      expect(since.data.pagination.totalElements).toBe(5);
    });

    it('rotate-secret signs with two v1= during the overlap; recover replays the failed range; delete, then 404', async () => {
      const b = await backend();
      const { endpoint, events } = await driveToAutoPause(b);
      const firstSecret = endpoint.secret;
      b.receiver.setStatus(200);
      await b.client.endpoints.resume(endpoint.id);
      const rotated = await b.client.endpoints.rotateSecret(endpoint.id, { overlapMs: HOUR });
      expect(rotated.data.secret).not.toBe(firstSecret);
      expect((await b.client.endpoints.get(endpoint.id)).data.liveSecrets).toBe(2);
      const event = await publish(b);
      await b.advance(0);
      const signed = b.receiver.received().at(-1);
      expect(signed?.eventId).toBe(event.id);
      expect(signatureParts(signed?.signature ?? '').v1).toHaveLength(2);
      for (const secret of [firstSecret, rotated.data.secret]) {
        expect(signed && verifies(b, signed, secret)).toBe(true);
      }

      const before = b.receiver.received().length;
      const recovered = await b.client.deliveries.recover(endpoint.id, {
        since: new Date(b.now() - 2 * HOUR),
      });
      expect(recovered.status).toBe(202);
      expect(recovered.data).toEqual({ replayed: 4 });
      await b.advance(0);
      const replayedIds = b.receiver
        .received()
        .slice(before)
        .map((r) => r.eventId)
        .sort();
      expect(replayedIds).toEqual(events.map((e) => e.id).sort());

      const deleted = await b.client.endpoints.delete(endpoint.id);
      expect(deleted).toMatchObject({ status: 204, data: undefined });
      const gone = await b.client.endpoints.get(endpoint.id).catch((error: unknown) => error);
      expect(isNovatradeApiError(gone, 'not-found')).toBe(true);
      expect(gone).toMatchObject({ status: 404, problemType: 'not-found' });
      expect((await b.client.endpoints.list()).data).toEqual([]);
    });
  });
}
