// The cases of WebhookSender.backlogAgeSeconds over one storage adapter (CONTRIBUTING.md, "Tests":
// one suite factory over every variant): nothing waiting, a delivery due for some time, an attempt
// in flight (not counted while its lease is live, counted once it has lapsed), a retry due in the
// future, and a delivery held back by its endpoint's in-flight cap (counted).
import { describe, expect, it } from 'vitest';
import type { SenderStorage } from '../../../../src/sender/ports/sender-storage.js';
import type { TransportRequest, TransportResult } from '../../../../src/sender/ports/transport.js';
import { WebhookSender } from '../../../../src/sender/webhook-sender.js';
import { createFakeClock, type FakeClock } from '../../../../src/testing/create-fake-clock.js';
import { EVENT_FIXTURES } from '../../../../src/testing/event-fixtures.js';
import { waitUntil } from '../../../helpers/processes/wait-until.js';
import { OK_204 } from '../../../helpers/sender-doubles.js';

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const PARTNER = '11111111-2222-3333-4444-555555555555';
/** Above the profile's 10 s timeout plus 5 s, as the sender requires. */
const LEASE_MS = 16_000;

/** A transport whose answers the test releases one by one (`answer`), recording each request. */
function heldTransport() {
  const requests: TransportRequest[] = [];
  const pending: ((result: TransportResult) => void)[] = [];
  return {
    requests,
    async send(request: TransportRequest): Promise<TransportResult> {
      requests.push(request);
      return new Promise<TransportResult>((resolve) => pending.push(resolve));
    },
    /** Answers the oldest request still waiting. */
    answer(result: TransportResult): void {
      const resolve = pending.shift();
      if (resolve === undefined) throw new Error('no request is waiting');
      resolve(result);
    },
  };
}

interface Setup {
  readonly clock: FakeClock;
  readonly sender: WebhookSender;
  readonly transport: ReturnType<typeof heldTransport>;
  publish(): Promise<void>;
}

/**
 * Runs the backlog-age cases on the storage `makeStorage` gives (a fresh, empty one per case).
 */
export function describeBacklogAge(label: string, makeStorage: () => Promise<SenderStorage>): void {
  describe(`WebhookSender.backlogAgeSeconds on ${label}`, () => {
    async function setup(options: { maxInFlightPerEndpoint?: number } = {}): Promise<Setup> {
      const clock = createFakeClock();
      const transport = heldTransport();
      const sender = new WebhookSender({
        storage: await makeStorage(),
        transport,
        clock,
        logger: 'silent',
        leaseMs: LEASE_MS,
        // No delivery claimed ahead: a claimed-ahead delivery is leased, so it would not count.
        claimAhead: 0,
        ...options,
      });
      await sender.createEndpoint(ORG, {
        url: 'https://partner.example/hooks',
        events: ['compliance.*'],
      });
      return {
        clock,
        sender,
        transport,
        async publish() {
          await sender.publish({
            organizationUuid: ORG,
            type: 'compliance.decision_made',
            partnerUuid: PARTNER,
            data: { ...EVENT_FIXTURES['compliance.decision_made'].data },
          });
        },
      };
    }

    /**
     * Starts `processDue` and waits until `n` requests reached the transport; `run` is the
     * processDue call (wrapped: an async function would wait for a promise it returns).
     */
    async function inFlight(s: Setup, n: number): Promise<{ run: Promise<number> }> {
      const run = s.sender.processDue();
      await waitUntil(() => s.transport.requests.length >= n, {
        what: `${n} request(s) in flight`,
        timeoutMs: 5_000,
        progress: () => `${s.transport.requests.length} sent`,
      });
      return { run };
    }

    it('is 0 with nothing stored, and 0 for a delivery that has just fallen due', async () => {
      const s = await setup();
      expect(await s.sender.backlogAgeSeconds()).toBe(0);
      await s.publish();
      expect(await s.sender.backlogAgeSeconds()).toBe(0);
    });

    it('grows with the sender clock while a due delivery waits, in seconds with ms precision', async () => {
      const s = await setup();
      await s.publish();
      s.clock.advance(2_500);
      expect(await s.sender.backlogAgeSeconds()).toBe(2.5);
      s.clock.advance(7_001);
      expect(await s.sender.backlogAgeSeconds()).toBe(9.501);
    });

    it('does not count a delivery in flight while its lease is live; counts it from the lease expiry once lapsed', async () => {
      const s = await setup();
      await s.publish();
      s.clock.advance(1_000);
      const { run } = await inFlight(s, 1);
      const claimedAtMs = s.clock.now();
      s.clock.advance(LEASE_MS - 1);
      expect(await s.sender.backlogAgeSeconds()).toBe(0);
      s.clock.set(claimedAtMs + LEASE_MS + 4_000);
      expect(await s.sender.backlogAgeSeconds()).toBe(4);
      s.transport.answer(OK_204);
      expect(await run).toBe(1);
      expect(await s.sender.backlogAgeSeconds()).toBe(0);
    });

    it('is 0 while a failed delivery waits for its retry, and counts from the retry time after', async () => {
      const s = await setup();
      await s.publish();
      const { run } = await inFlight(s, 1);
      s.transport.answer({ ...OK_204, statusCode: 503, failureReason: 'HTTP_ERROR' });
      await run;
      const [delivery] = (await s.sender.listDeliveries(ORG, await endpointId(s))).data;
      const retryAtMs = Date.parse(delivery?.nextRetryAt ?? 'no retry');
      expect(retryAtMs).toBeGreaterThan(s.clock.now());
      expect(await s.sender.backlogAgeSeconds()).toBe(0);
      s.clock.set(retryAtMs + 3_000);
      expect(await s.sender.backlogAgeSeconds()).toBe(3);
    });

    it('counts a due delivery held back by its endpoint in-flight cap', async () => {
      const s = await setup({ maxInFlightPerEndpoint: 1 });
      await s.publish();
      await s.publish();
      const { run } = await inFlight(s, 1);
      s.clock.advance(6_000);
      // One in flight (leased, not counted), one due since the publish and not claimed.
      expect(await s.sender.backlogAgeSeconds()).toBe(6);
      s.transport.answer(OK_204);
      await run;
      expect(s.transport.requests).toHaveLength(1);
    });
  });
}

async function endpointId(s: Setup): Promise<string> {
  const [endpoint] = await s.sender.listEndpoints(ORG);
  if (endpoint === undefined) throw new Error('no endpoint');
  return endpoint.id;
}
