// The delivery ledger (issue 4): N events fanned out to M endpoints in two organizations, with
// partner filters, over real receivers on 127.0.0.1 that fail at random (500, 429 with
// Retry-After, the odd 204), driven by a fake clock through the whole Novatrade24 retry schedule
// (docs/design.md §5.1), meta-events included (§5.4). At the end, the ledger in storage and what the
// receivers saw must agree with a model computed from the endpoint definitions alone:
//
// - every (event, endpoint) pair that should match has exactly one delivery, DELIVERED or FAILED
//   with a reason; no other pair has one; nothing is left PENDING or due;
// - a pair is answered 2xx at most once, and DELIVERED exactly when it was; the receiver saw as
//   many requests as the ledger counts attempts, at the times the schedule and Retry-After give;
// - every request verified against its endpoint's secret, at send time;
// - meta-events reach only the organization's other endpoints that subscribe to them.
//
// Receiver answers are a pure function of (seed, endpoint, event, attempt), keyed by the
// scenario's event index rather than random ids, so a fast-check counterexample replays the same
// answers.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventType } from '../../../src/core/catalog/event-types.js';
import { HttpTransport } from '../../../src/sender/http-transport.node.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import type { DeliveryRecord, EventRecord } from '../../../src/sender/records.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { verifyNovatradeSignature } from '../../../src/signature/verify-novatrade-signature.node.js';
import { createFakeClock, type FakeClock } from '../../../src/testing/create-fake-clock.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Novatrade24 retry offsets from the first attempt (docs/design.md §5.1). */
const OFFSETS_MS = [1, 5, 15, 60, 240, 480, 960, 1440, 2160, 2880].map((m) => m * MINUTE);
const MAX_ATTEMPTS = OFFSETS_MS.length + 1;
/** The last retry, 48 h after the first attempt. */
const LAST_OFFSET_MS = 48 * HOUR;
/** The longest Retry-After the Novatrade24 policy honours. */
const MAX_RETRY_AFTER_MS = 12 * HOUR;
/** Events are published over the first 30 minutes; Retry-After answers stay under 30 minutes. */
const PUBLISH_WINDOW_MS = 30 * MINUTE;
const MAX_RETRY_AFTER_SECONDS = 1800;
/**
 * Regular deliveries end by 30 min + 48 h; a terminal meta-event emitted then runs its own 48 h
 * schedule. Nothing may be due after this.
 */
const HORIZON_MS = PUBLISH_WINDOW_MS + 2 * LAST_OFFSET_MS;

const ORG_A = '550e8400-e29b-41d4-a716-446655440000';
const ORG_B = '660e8400-e29b-41d4-a716-446655440000';
const P1 = '11111111-1111-4111-8111-111111111111';
const P2 = '22222222-2222-4222-8222-222222222222';
const P3 = '33333333-3333-4333-8333-333333333333';

/** An endpoint and how its receiver behaves. */
interface EndpointSpec {
  readonly name: string;
  readonly organizationUuid: string;
  readonly events: readonly string[];
  readonly partnerIds: readonly string[] | null;
  /** Chance that a pair always fails (its schedule runs out: FAILED HTTP_ERROR, terminal meta). */
  readonly doomRate: number;
  /** Chance that any other attempt is answered 204. */
  readonly successRate: number;
}

const ENDPOINTS: readonly EndpointSpec[] = [
  {
    name: 'a-compliance',
    organizationUuid: ORG_A,
    events: ['compliance.*'],
    partnerIds: null,
    doomRate: 0.15,
    successRate: 0.5,
  },
  {
    name: 'a-p1',
    organizationUuid: ORG_A,
    events: ['compliance.decision_made', 'kyc.*'],
    partnerIds: [P1],
    doomRate: 0.15,
    successRate: 0.4,
  },
  {
    // Watches every meta-event of organization A; its partner filter does not apply to them.
    name: 'a-watcher',
    organizationUuid: ORG_A,
    events: ['webhook.*', 'export_file.generated'],
    partnerIds: [P2],
    doomRate: 0,
    successRate: 0.6,
  },
  {
    // Nearly always down: auto-paused, and subscribed to the meta-event about its own pause,
    // which it must never receive.
    name: 'a-down',
    organizationUuid: ORG_A,
    events: ['kyc.vies_check_failed', 'webhook.endpoint_auto_paused', 'compliance.*'],
    partnerIds: [P1, P2],
    doomRate: 0,
    successRate: 0.03,
  },
  {
    name: 'b-p1-p3',
    organizationUuid: ORG_B,
    events: ['compliance.*', 'kyc.*', 'prospect.submitted'],
    partnerIds: [P1, P3],
    doomRate: 0.15,
    successRate: 0.5,
  },
  {
    // Overlapping patterns deliver once (docs/design.md §5.5); only the terminal meta-event.
    name: 'b-watcher',
    organizationUuid: ORG_B,
    events: ['webhook.delivery_failed_terminal', 'compliance.status_changed', 'compliance.*'],
    partnerIds: null,
    doomRate: 0,
    successRate: 0.6,
  },
  {
    // Down too: its auto-pause meta-event has no subscriber in organization B.
    name: 'b-down',
    organizationUuid: ORG_B,
    events: ['kyc.*', 'export_file.generated'],
    partnerIds: null,
    doomRate: 0,
    successRate: 0.03,
  },
];

/** Types the scenario publishes: every non-meta type, one of which nobody subscribes to. */
const PUBLISHABLE = EVENT_TYPES.filter((type) => !type.startsWith('webhook.'));

/** The reference matcher: written from the rules (docs/design.md §6.1, docs/design.md §5.5), not the index. */
function subscribes(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

function shouldReceive(
  spec: EndpointSpec,
  event: { organizationUuid: string; type: string; partnerUuid: string | null },
): boolean {
  return (
    spec.organizationUuid === event.organizationUuid &&
    subscribes(spec.events, event.type) &&
    (event.partnerUuid === null ||
      spec.partnerIds === null ||
      spec.partnerIds.includes(event.partnerUuid))
  );
}

/** A deterministic stream of numbers in [0, 1) from a string key (FNV-1a, then mulberry32). */
function draws(key: string): () => number {
  let state = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    state ^= key.charCodeAt(i);
    state = Math.imul(state, 0x01000193);
  }
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Answer {
  readonly status: number;
  readonly retryAfterSeconds: number | null;
}

/**
 * The receiver's answer: 204, 500 (half of them with a Retry-After the sender must ignore:
 * only 429 and 503 move a retry, docs/design.md §5.1) or 429 with Retry-After.
 */
function answerFor(spec: EndpointSpec, seed: number, pairKey: string, attempt: number): Answer {
  const doomed = draws(`${seed}|${spec.name}|${pairKey}|doom`)() < spec.doomRate;
  const next = draws(`${seed}|${spec.name}|${pairKey}|${attempt}`);
  if (!doomed && next() < spec.successRate) return { status: 204, retryAfterSeconds: null };
  const kind = next();
  const retryAfterSeconds = 1 + Math.floor(next() * MAX_RETRY_AFTER_SECONDS);
  if (kind < 0.3) return { status: 500, retryAfterSeconds: null };
  if (kind < 0.5) return { status: 500, retryAfterSeconds };
  return { status: 429, retryAfterSeconds };
}

/** One request as a receiver saw it, and what it answered. */
interface Hit {
  readonly eventId: string;
  readonly type: string;
  readonly endpointIdHeader: string;
  readonly atMs: number;
  /** The verification error's code, or `null` when the signature verified. */
  readonly verifyError: string | null;
  readonly data: Record<string, unknown>;
  readonly answer: Answer;
}

interface ScenarioEvent {
  readonly organizationUuid: string;
  readonly type: (typeof PUBLISHABLE)[number];
  readonly partnerUuid: string;
  /** Publication time after the start, ms. */
  readonly atMs: number;
}

interface Scenario {
  readonly seed: number;
  readonly events: readonly ScenarioEvent[];
}

/** The state of one run that the (shared) receivers answer from. */
class Run {
  readonly hits: Hit[][] = ENDPOINTS.map(() => []);
  readonly secrets: string[] = [];
  readonly endpointIds: string[] = [];
  /** Published event id -> the scenario index, the stable key of answers. */
  readonly eventKeys = new Map<string, string>();

  constructor(
    readonly clock: FakeClock,
    readonly seed: number,
  ) {}

  receive(slot: number, raw: Buffer, headers: IncomingHttpHeaders): Answer {
    const spec = ENDPOINTS[slot] as EndpointSpec;
    let verifyError: string | null = null;
    try {
      verifyNovatradeSignature(
        raw,
        headers['x-novatrade-signature'] as string | undefined,
        this.secrets[slot] ?? '',
        { now: this.clock.now },
      );
    } catch (error) {
      verifyError = String((error as { code?: unknown }).code ?? error);
    }
    const body = JSON.parse(raw.toString('utf8')) as {
      id: string;
      type: string;
      data: Record<string, unknown>;
    };
    const hits = this.hits[slot] as Hit[];
    const attempt = hits.filter((h) => h.eventId === body.id).length + 1;
    const answer = answerFor(spec, this.seed, this.#pairKey(body), attempt);
    hits.push({
      eventId: body.id,
      type: body.type,
      endpointIdHeader: String(headers['x-novatrade-endpoint-id']),
      atMs: this.clock.now(),
      verifyError,
      data: body.data,
      answer: verifyError === null ? answer : { status: 401, retryAfterSeconds: null },
    });
    return verifyError === null ? answer : { status: 401, retryAfterSeconds: null };
  }

  /** A key for the event that does not depend on random ids. */
  #pairKey(body: { id: string; type: string; data: Record<string, unknown> }): string {
    const known = this.eventKeys.get(body.id);
    if (known !== undefined) return known;
    // A meta-event: keyed by what it is about.
    const about = this.endpointIds.indexOf(String(body.data.endpointId));
    const eventKey = this.eventKeys.get(String(body.data.eventId)) ?? '';
    return `${body.type}|${about}|${eventKey}`;
  }
}

/** One loopback receiver per endpoint slot, shared by the runs (each run installs its state). */
let current: Run | undefined;
const servers: Server[] = [];
const urls: string[] = [];

beforeAll(async () => {
  for (const [slot] of ENDPOINTS.entries()) {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (current === undefined) {
          res.writeHead(503).end();
          return;
        }
        const answer = current.receive(slot, Buffer.concat(chunks), req.headers);
        res
          .writeHead(
            answer.status,
            answer.retryAfterSeconds === null
              ? {}
              : { 'retry-after': String(answer.retryAfterSeconds) },
          )
          .end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/${slot}`);
  }
});

afterAll(async () => {
  await Promise.all(
    servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
});

/** Every delivery of an organization, oldest first. */
async function ledgerOf(storage: MemoryStorage, organizationUuid: string) {
  const all: DeliveryRecord[] = [];
  for (let page = 0; ; page++) {
    const { items, totalElements } = await storage.listDeliveries({
      organizationUuid,
      page,
      size: 100,
      sortField: 'createdAt',
      sortDirection: 'asc',
    });
    all.push(...items);
    if (all.length >= totalElements || items.length === 0) return all;
  }
}

/**
 * When the attempt after `previous` is due: its slot in the schedule, or at once if a Retry-After
 * already pushed the previous attempt past that slot (a retry is never earlier than the attempt
 * before it; `nextAttemptAt` in src/core/retry/retry-policy.ts), and no earlier than a 429/503's
 * Retry-After allows.
 */
function expectedNextAtMs(firstAtMs: number, attemptsSoFar: number, previous: Hit): number {
  const scheduled = Math.max(firstAtMs + (OFFSETS_MS[attemptsSoFar - 1] as number), previous.atMs);
  const { status, retryAfterSeconds } = previous.answer;
  if ((status === 429 || status === 503) && retryAfterSeconds !== null) {
    return Math.max(
      scheduled,
      previous.atMs + Math.min(retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS),
    );
  }
  return scheduled;
}

interface Coverage {
  delivered: number;
  exhausted: number;
  parked: number;
  metaDeliveries: number;
  retryAfterHonoured: number;
  pauses: number;
}

async function runScenario(scenario: Scenario, coverage: Coverage): Promise<void> {
  const start = Date.parse('2026-05-01T00:00:00Z');
  const clock = createFakeClock({ nowMs: start });
  const storage = new MemoryStorage();
  const sender = new WebhookSender({
    storage,
    transport: new HttpTransport({ allowPrivateNetworks: true }),
    clock,
    allowInsecureUrls: true,
  });
  const run = new Run(clock, scenario.seed);
  const published: EventRecord[] = [];
  const pausedIds = new Set<string>();
  const senderErrors: unknown[] = [];
  sender.on('event.published', ({ event }) => published.push(event));
  sender.on('endpoint.paused', ({ endpoint }) => {
    expect(pausedIds.has(endpoint.id)).toBe(false); // each endpoint trips once
    pausedIds.add(endpoint.id);
  });
  sender.on('sender.error', ({ error }) => senderErrors.push(error));
  current = run;
  try {
    for (const spec of ENDPOINTS) {
      const { endpoint, secret } = await sender.createEndpoint(spec.organizationUuid, {
        url: urls[run.endpointIds.length] as string,
        events: spec.events,
        partnerIds: spec.partnerIds,
      });
      run.endpointIds.push(endpoint.id);
      run.secrets.push(secret);
    }

    // Drive: jump the clock to whatever comes first, a publication or a due delivery, and run the
    // dispatcher until nothing more is due at that instant. Every attempt thus happens exactly
    // at its due time, which the timing assertions below rely on.
    const queue = scenario.events
      .map((event, index) => ({ event, index }))
      .sort((a, b) => a.event.atMs - b.event.atMs);
    const regularIds: string[] = new Array(scenario.events.length);
    let next = 0;
    for (let steps = 0; ; steps++) {
      expect(steps).toBeLessThan(20_000);
      const dueAtMs = await storage.nextDueAtMs();
      const upcoming = queue[next];
      if (dueAtMs === null && upcoming === undefined) break;
      const atMs = Math.min(
        dueAtMs ?? Number.POSITIVE_INFINITY,
        upcoming === undefined ? Number.POSITIVE_INFINITY : start + upcoming.event.atMs,
      );
      clock.set(Math.max(clock.now(), atMs));
      for (let item = queue[next]; item !== undefined && start + item.event.atMs <= clock.now(); ) {
        const { event } = await sender.publish({
          organizationUuid: item.event.organizationUuid,
          type: item.event.type,
          partnerUuid: item.event.partnerUuid,
          data: { ...EVENT_FIXTURES[item.event.type as EventType].data },
        });
        regularIds[item.index] = event.id;
        run.eventKeys.set(event.id, `e${item.index}`);
        next++;
        item = queue[next];
      }
      while ((await sender.processDue()) > 0) {}
    }
    expect(clock.now() - start).toBeLessThanOrEqual(HORIZON_MS);
    expect(await storage.nextDueAtMs()).toBeNull();
    expect(senderErrors).toEqual([]);

    // ------------------------------------------------------------------ the ledger
    const ledger = [...(await ledgerOf(storage, ORG_A)), ...(await ledgerOf(storage, ORG_B))];
    const eventsById = new Map(published.map((event) => [event.id, event]));
    const slotOf = new Map(run.endpointIds.map((id, slot) => [id, slot]));
    const finalStatus = new Map<string, string>();
    for (const id of run.endpointIds) {
      const view = await sender.getEndpoint(
        (ENDPOINTS[slotOf.get(id) as number] as EndpointSpec).organizationUuid,
        id,
      );
      finalStatus.set(id, view?.status ?? 'GONE');
    }
    const byPair = new Map<string, DeliveryRecord[]>();
    for (const delivery of ledger) {
      const key = `${delivery.eventId}|${delivery.endpointId}`;
      byPair.set(key, [...(byPair.get(key) ?? []), delivery]);
    }

    // Every delivery belongs to a stored event and a known endpoint, and is final.
    for (const delivery of ledger) {
      const event = eventsById.get(delivery.eventId);
      expect(event, `delivery ${delivery.id} of an unknown event`).toBeDefined();
      expect(slotOf.has(delivery.endpointId)).toBe(true);
      expect(delivery).toMatchObject({
        organizationUuid: event?.organizationUuid,
        eventType: event?.type,
        nextAttemptAtMs: null,
        test: false,
        replayOf: null,
      });
      expect(delivery.attempts).toBeLessThanOrEqual(MAX_ATTEMPTS);
      if (delivery.status === 'DELIVERED') {
        expect(delivery.failureReason).toBeNull();
        expect(delivery.lastStatusCode).toBe(204);
      } else {
        expect(delivery.status).toBe('FAILED');
        expect(['HTTP_ERROR', 'ENDPOINT_PAUSED']).toContain(delivery.failureReason);
        if (delivery.failureReason === 'HTTP_ERROR') {
          // The schedule ran out: 11 attempts, the last one 48 h after the first (§5.1).
          expect(delivery.attempts).toBe(MAX_ATTEMPTS);
          expect(delivery.lastAttemptAtMs).toBe(
            (delivery.firstAttemptAtMs as number) + LAST_OFFSET_MS,
          );
        } else {
          // Parked, not dropped (§5.3): only an endpoint taken out of rotation parks.
          expect(finalStatus.get(delivery.endpointId)).toBe('PAUSED');
        }
      }
    }

    // Regular events: exactly one delivery per matching pair, none for any other pair.
    for (const [index, input] of scenario.events.entries()) {
      const eventId = regularIds[index] as string;
      const event = eventsById.get(eventId) as EventRecord;
      expect(event.partnerUuid).toBe(input.partnerUuid);
      for (const [slot, spec] of ENDPOINTS.entries()) {
        const deliveries = byPair.get(`${eventId}|${run.endpointIds[slot]}`) ?? [];
        expect(
          deliveries.length,
          `${input.type} (${input.organizationUuid.slice(0, 4)}, ${input.partnerUuid.slice(0, 4)}) to ${spec.name}`,
        ).toBe(shouldReceive(spec, event) ? 1 : 0);
      }
    }

    // Meta-events: only to the organization's other endpoints that subscribe (§5.4); every such
    // endpoint that was never taken out of rotation got one. Endpoints that were paused during the
    // run may or may not, depending on when.
    const metaEvents = published.filter((event) => !run.eventKeys.has(event.id));
    for (const meta of metaEvents) {
      expect(meta.type.startsWith('webhook.')).toBe(true);
      expect(meta.partnerUuid).toBeNull();
      const about = String(meta.data.endpointId);
      const deliveredTo = ledger.filter((d) => d.eventId === meta.id).map((d) => d.endpointId);
      expect(new Set(deliveredTo).size).toBe(deliveredTo.length);
      for (const endpointId of deliveredTo) {
        const spec = ENDPOINTS[slotOf.get(endpointId) as number] as EndpointSpec;
        expect(endpointId).not.toBe(about);
        expect(shouldReceive(spec, meta)).toBe(true);
      }
      for (const [slot, spec] of ENDPOINTS.entries()) {
        const id = run.endpointIds[slot] as string;
        if (id !== about && !pausedIds.has(id) && shouldReceive(spec, meta)) {
          expect(deliveredTo, `${meta.type} to ${spec.name}`).toContain(id);
        }
      }
      coverage.metaDeliveries += deliveredTo.length;
    }
    // A terminal meta-event for every regular delivery whose schedule ran out, and only those;
    // a meta-event's own failure emits none.
    const terminal = metaEvents.filter((e) => e.type === 'webhook.delivery_failed_terminal');
    const exhausted = ledger.filter(
      (d) => d.failureReason === 'HTTP_ERROR' && run.eventKeys.has(d.eventId),
    );
    expect(terminal.map((e) => e.data.deliveryId).sort()).toEqual(
      exhausted.map((d) => d.id).sort(),
    );
    for (const meta of terminal) {
      const about = exhausted.find((d) => d.id === meta.data.deliveryId);
      expect(meta.data).toMatchObject({
        endpointId: about?.endpointId,
        eventId: about?.eventId,
        attempts: MAX_ATTEMPTS,
        failureReason: 'HTTP_ERROR',
      });
    }
    // An auto-pause meta-event only about an endpoint that is PAUSED, at most one each.
    const autoPaused = metaEvents.filter((e) => e.type === 'webhook.endpoint_auto_paused');
    const pausedAbout = autoPaused.map((e) => String(e.data.endpointId));
    expect(new Set(pausedAbout).size).toBe(pausedAbout.length);
    for (const id of pausedAbout) {
      expect(pausedIds.has(id)).toBe(true);
      expect(finalStatus.get(id)).toBe('PAUSED');
    }
    for (const id of pausedIds) expect(finalStatus.get(id)).toBe('PAUSED');
    for (const [id, status] of finalStatus) {
      if (status !== 'ACTIVE') expect(pausedIds.has(id)).toBe(true);
    }

    // ------------------------------------------------------------------ the receivers' side
    for (const [slot, spec] of ENDPOINTS.entries()) {
      const endpointId = run.endpointIds[slot] as string;
      const hits = run.hits[slot] as Hit[];
      for (const hit of hits) {
        // Verified against this endpoint's own secret, with the fake clock: signed at send time.
        expect(hit.verifyError, `${spec.name} ${hit.type}`).toBeNull();
        expect(hit.endpointIdHeader).toBe(endpointId);
        if (hit.type.startsWith('webhook.')) {
          expect(subscribes(spec.events, hit.type), `${hit.type} at ${spec.name}`).toBe(true);
          expect(hit.data.endpointId).not.toBe(endpointId);
        }
      }
      const hitsByEvent = new Map<string, Hit[]>();
      for (const hit of hits)
        hitsByEvent.set(hit.eventId, [...(hitsByEvent.get(hit.eventId) ?? []), hit]);
      // No request for a pair the ledger does not hold.
      for (const eventId of hitsByEvent.keys()) {
        expect(byPair.get(`${eventId}|${endpointId}`)).toHaveLength(1);
      }
      for (const delivery of ledger.filter((d) => d.endpointId === endpointId)) {
        const pairHits = hitsByEvent.get(delivery.eventId) ?? [];
        const successes = pairHits.filter((h) => h.answer.status >= 200 && h.answer.status < 300);
        // Never DELIVERED twice; DELIVERED exactly when the receiver said 2xx, and then last.
        expect(successes.length).toBeLessThanOrEqual(1);
        expect(delivery.status === 'DELIVERED').toBe(successes.length === 1);
        if (successes.length === 1) expect(pairHits.at(-1)).toBe(successes[0]);
        expect(pairHits).toHaveLength(delivery.attempts);
        if (pairHits.length === 0) continue;
        // Timing: first attempt at once, each retry when the schedule or Retry-After says.
        const first = pairHits[0] as Hit;
        expect(first.atMs).toBe(delivery.createdAtMs);
        expect(delivery.firstAttemptAtMs).toBe(first.atMs);
        expect(delivery.lastAttemptAtMs).toBe(pairHits.at(-1)?.atMs);
        expect(delivery.lastStatusCode).toBe(pairHits.at(-1)?.answer.status);
        for (let k = 1; k < pairHits.length; k++) {
          const previous = pairHits[k - 1] as Hit;
          const expected = expectedNextAtMs(first.atMs, k, previous);
          expect((pairHits[k] as Hit).atMs, `${spec.name} attempt ${k + 1}`).toBe(expected);
          if (expected > Math.max(first.atMs + (OFFSETS_MS[k - 1] as number), previous.atMs)) {
            coverage.retryAfterHonoured++;
          }
        }
      }
    }

    for (const delivery of ledger) {
      if (delivery.status === 'DELIVERED') coverage.delivered++;
      else if (delivery.failureReason === 'HTTP_ERROR') coverage.exhausted++;
      else coverage.parked++;
    }
    coverage.pauses += pausedIds.size;
  } finally {
    await sender.stop({ deadlineMs: 1000 });
    current = undefined;
  }
}

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record({
  seed: fc.integer(),
  events: fc.array(
    fc.record({
      organizationUuid: fc.constantFrom(ORG_A, ORG_B),
      type: fc.constantFrom(...PUBLISHABLE),
      partnerUuid: fc.constantFrom(P1, P2, P3),
      atMs: fc.integer({ min: 0, max: PUBLISH_WINDOW_MS }),
    }),
    { minLength: 60, maxLength: 60 },
  ),
});

describe('delivery ledger (real loopback receivers failing at random, fake clock)', () => {
  it('every matching (event, endpoint) pair ends DELIVERED or FAILED with a reason, exactly once; nothing else is delivered; 2xx at most once per pair', async () => {
    const coverage: Coverage = {
      delivered: 0,
      exhausted: 0,
      parked: 0,
      metaDeliveries: 0,
      retryAfterHonoured: 0,
      pauses: 0,
    };
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, (scenario) => runScenario(scenario, coverage)),
      { numRuns: 4, endOnFailure: true },
    );
    // The runs went through every path the ledger can take.
    expect(coverage.delivered).toBeGreaterThan(0);
    expect(coverage.exhausted).toBeGreaterThan(0);
    expect(coverage.parked).toBeGreaterThan(0);
    expect(coverage.metaDeliveries).toBeGreaterThan(0);
    expect(coverage.retryAfterHonoured).toBeGreaterThan(0);
    expect(coverage.pauses).toBeGreaterThan(0);
  });
});
