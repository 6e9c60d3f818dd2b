// Delivery under pressure, over real loopback HTTP with the real HttpTransport and a running
// dispatcher (real clock: the claim is about wall time spent waiting). Receivers are compressed
// (hundreds of ms where production sees seconds), so each case takes a few seconds.
// - Fair dispatch (docs/design.md §5.17): a healthy endpoint's first attempt starts within one claim
//   cycle, however many slow endpoints have older backlogs.
// - Honest timeouts (docs/design.md §5.18): attempts to one origin are capped at the transport's connections per
//   origin, so an attempt's timeout never includes time queued for a connection.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventType } from '../../../src/core/catalog/event-types.js';
import { NOVATRADE_PROFILE } from '../../../src/core/profiles/novatrade-profile.js';
import type { AttemptView } from '../../../src/sender/delivery-view.js';
import { HttpTransport } from '../../../src/sender/http-transport.node.js';
import { WebhookSender, type WebhookSenderOptions } from '../../../src/sender/webhook-sender.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const SLOW_TYPE = 'kyc.verification_completed';
const HEALTHY_TYPE = 'export_file.generated';

/** A receiver on its own port that answers 200 after `delayMs` and records what arrived when. */
class Receiver {
  readonly arrivals: { readonly atMs: number; readonly path: string }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  readonly #server: Server;
  readonly #delayMs: number;
  port = 0;

  constructor(delayMs: number) {
    this.#delayMs = delayMs;
    this.#server = createServer((req, res) => {
      this.arrivals.push({ atMs: performance.now(), path: req.url ?? '' });
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      req.resume();
      const timer = setTimeout(() => {
        this.inFlight--;
        res.writeHead(200).end();
      }, this.#delayMs);
      res.on('close', () => {
        if (!res.writableEnded) {
          clearTimeout(timer);
          this.inFlight--;
        }
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

const receivers: Receiver[] = [];
const senders: WebhookSender[] = [];

async function receiver(delayMs: number): Promise<Receiver> {
  const made = await new Receiver(delayMs).listen();
  receivers.push(made);
  return made;
}

function sender(options: Partial<WebhookSenderOptions> & { connections?: number } = {}) {
  const { connections, ...rest } = options;
  const made = new WebhookSender({
    transport: new HttpTransport({
      allowPrivateNetworks: true,
      ...(connections === undefined ? {} : { connections }),
    }),
    allowInsecureUrls: true,
    ...rest,
  });
  senders.push(made);
  return made;
}

function publish(target: WebhookSender, type: EventType) {
  const fixture = EVENT_FIXTURES[type];
  return target.publish({
    organizationUuid: ORG,
    type,
    data: fixture.data as Record<string, unknown>,
    partnerUuid: fixture.partnerUuid,
  });
}

/** Resolves once `check()` holds, polling every few ms (real I/O: there is no clock to move). */
async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.stop({ deadlineMs: 0 })));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('fair dispatch (real loopback receivers, running dispatcher)', () => {
  const SLOW_MS = 250;

  it.each([
    12, 50, 200,
  ])("with %i slow endpoints each 100 deliveries behind -> a healthy endpoint's first attempt comes within one round of turns, well under 1 s", async (slowCount) => {
    const engine = sender(); // defaults: 100 in flight (10 reserved), 10 per endpoint
    const slow = await Promise.all(Array.from({ length: slowCount }, () => receiver(SLOW_MS)));
    for (const r of slow) {
      await engine.createEndpoint(ORG, { url: r.url(), events: [SLOW_TYPE] });
    }
    const healthy = await receiver(0);
    await engine.createEndpoint(ORG, { url: healthy.url(), events: [HEALTHY_TYPE] });
    for (let i = 0; i < 100; i++) await publish(engine, SLOW_TYPE);
    engine.start();
    // Saturated: slow attempts hold every slot that an endpoint with work in flight may take.
    const inFlight = () => slow.reduce((n, r) => n + r.inFlight, 0);
    await until(() => inFlight() >= 90, 10_000);

    const publishedAt = performance.now();
    await publish(engine, HEALTHY_TYPE);
    await until(() => healthy.arrivals.length > 0, 30_000);
    const firstAt = healthy.arrivals[0]?.atMs ?? Number.POSITIVE_INFINITY;
    // Oldest-due-first claims made it wait for every older backlog: seconds to a minute here.
    expect(firstAt - publishedAt).toBeLessThan(1_000);
    if (slowCount < 90) {
      // The 10 reserved slots: it did not even wait for a slow attempt to end.
      expect(firstAt - publishedAt).toBeLessThan(SLOW_MS);
    }
    // One round of turns: no slow endpoint had a second delivery claimed before it.
    for (const r of slow) {
      const before = r.arrivals.filter((a) => a.atMs > publishedAt && a.atMs < firstAt);
      expect(before.length).toBeLessThanOrEqual(1);
    }
  }, 60_000);
});

describe('honest timeouts (per-origin cap = the transport connections per origin)', () => {
  const fast = { ...NOVATRADE_PROFILE, timeoutMs: 1_000 };

  /** Records every attempt's outcome. */
  function attempts(engine: WebhookSender): AttemptView[] {
    const seen: AttemptView[] = [];
    engine.on('delivery.attempted', ({ attempt }) => seen.push(attempt));
    return seen;
  }

  it('15 endpoints on one origin, 2 deliveries each, 600 ms answers, 1 s timeout, 4 connections -> zero TIMEOUT, at most 4 at once', async () => {
    const host = await receiver(600);
    const engine = sender({ profile: fast, connections: 4 });
    for (let i = 0; i < 15; i++) {
      await engine.createEndpoint(ORG, { url: host.url(`/e${i}`), events: [SLOW_TYPE] });
    }
    const seen = attempts(engine);
    for (let i = 0; i < 2; i++) await publish(engine, SLOW_TYPE);
    engine.start();
    await until(() => seen.length >= 30, 20_000);
    expect(seen.filter((a) => a.failureReason !== null)).toEqual([]);
    expect(host.arrivals).toHaveLength(30);
    expect(host.maxInFlight).toBeLessThanOrEqual(4);
  }, 30_000);

  it('a receiver that really takes longer than the timeout still times out at the timeout', async () => {
    const slow = await receiver(1_500);
    const engine = sender({ profile: fast, connections: 4 });
    await engine.createEndpoint(ORG, { url: slow.url(), events: [SLOW_TYPE] });
    const seen = attempts(engine);
    await publish(engine, SLOW_TYPE);
    engine.start();
    await until(() => seen.length >= 1, 10_000);
    const [attempt] = seen;
    expect(attempt?.failureReason).toBe('TIMEOUT');
    expect(attempt?.durationMs).toBeGreaterThanOrEqual(950);
    expect(attempt?.durationMs).toBeLessThan(2_500);
  }, 15_000);

  it('an origin cap of 1 serialises that origin without slowing another origin', async () => {
    const shared = await receiver(300);
    const other = await receiver(0);
    const engine = sender({ profile: fast, connections: 1 });
    // Four 300 ms answers in a row pass the 1 s timeout only if none waits in the pool.
    for (let i = 0; i < 4; i++) {
      await engine.createEndpoint(ORG, { url: shared.url(`/e${i}`), events: [SLOW_TYPE] });
    }
    await engine.createEndpoint(ORG, { url: other.url(), events: [SLOW_TYPE] });
    const seen = attempts(engine);
    await publish(engine, SLOW_TYPE);
    engine.start();
    await until(() => seen.length >= 5, 10_000);
    expect(seen.filter((a) => a.failureReason !== null)).toEqual([]);
    expect(shared.maxInFlight).toBe(1);
    expect(shared.arrivals).toHaveLength(4);
    // Serialised: each of the shared origin's requests started after the previous one answered.
    const gaps = shared.arrivals.slice(1).map((a, i) => a.atMs - (shared.arrivals[i]?.atMs ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(290);
    // The other origin did not wait behind the shared one's queue.
    // (an order, not a time: it arrived before the shared origin's second request)
    expect(other.arrivals[0]?.atMs ?? Number.POSITIVE_INFINITY).toBeLessThan(
      shared.arrivals[1]?.atMs ?? 0,
    );
  }, 15_000);
});
