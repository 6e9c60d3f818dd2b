// `npm run demo`: the core end to end, in one process, on the embedded defaults.
// 1. registers three endpoints in a SubscriptionIndex (exact type, segment wildcard, partner filter);
// 2. for each of the 10 catalog event types, matches endpoints, builds the signed Novatrade24
//    request each would receive, then verifies and parses it as a receiver would;
// 3. shows what a receiver rejects (tampered body, stale timestamp, wrong secret), with codes;
// 4. prints the retry schedule and when the health policy would pause a failing endpoint;
// 5. runs a WebhookReceiver on a loopback HTTP server and sends it a delivery, the same delivery
//    again, a tampered one and an unknown event type, printing each answer;
// 6. runs the sender engine in process (MemoryStorage, real HTTP to loopback receivers, a
//    compressed clock): all 10 event types delivered to a receiver built with the receiver SDK,
//    one endpoint failing until it is auto-paused, then fixed, resumed and recovered by replay,
//    and a summary table of every delivery.
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildDeliveryRequest,
  createSampleEvent,
  type EndpointHealth,
  EVENT_TYPES,
  evaluateEndpointHealth,
  generateWebhookSecret,
  HEALTHY,
  isWebhooksError,
  NOVATRADE_PROFILE,
  NOVATRADE_RETRY_POLICY,
  nextAttemptAt,
  nodeHmacSha256Hex,
  type OutboundEvent,
  parseEventJson,
  SubscriptionIndex,
  verifyNovatradeSignature,
} from '@novatrade24/webhooks';
import { toNodeListener, WebhookReceiver } from '@novatrade24/webhooks/receiver';
import { HttpTransport, WebhookSender } from '@novatrade24/webhooks/sender';
import { createFakeClock, createSignedRequest } from '@novatrade24/webhooks/testing';

const PARTNER_A = '11111111-2222-3333-4444-555555555555';
const PARTNER_B = '22222222-3333-4444-5555-666666666666';
const nowMs = Date.now();

const endpoints = [
  { id: 'wh_compliance', events: ['compliance.*', 'export_file.generated'], partnerIds: null },
  { id: 'wh_kyc_partner_a', events: ['kyc.*'], partnerIds: [PARTNER_A] },
  {
    id: 'wh_ops',
    events: ['webhook.*', 'prospect.submitted', 'self_service_invitation.*'],
    partnerIds: null,
  },
].map((e) => ({ ...e, secret: generateWebhookSecret() }));

const index = new SubscriptionIndex();
for (const e of endpoints) index.add(e.id, { events: e.events, partnerIds: e.partnerIds });

console.log('Endpoints');
for (const e of endpoints) {
  console.log(
    `  ${e.id.padEnd(18)} ${e.events.join(', ')}${e.partnerIds ? `  (partner ${e.partnerIds[0]?.slice(0, 8)}… only)` : ''}`,
  );
}

console.log('\nPublish → match → sign → verify → parse');
const rows: string[][] = [];
for (const [i, type] of EVENT_TYPES.entries()) {
  const sample = createSampleEvent(type);
  // alternate partners so the partner filter shows; meta-events are organization-level (null)
  const partnerUuid = sample.partnerUuid === null ? null : i % 2 === 0 ? PARTNER_A : PARTNER_B;
  const event: OutboundEvent = {
    ...sample,
    id: `evt_demo_${String(i).padStart(2, '0')}`,
    createdAtMs: nowMs,
    partnerUuid,
    data: sample.data as Record<string, unknown>,
  };
  const matched = index.match(type, partnerUuid);
  const outcomes = matched.map((endpointId) => {
    const endpoint = endpoints.find((e) => e.id === endpointId);
    if (!endpoint) throw new Error(`unknown endpoint ${endpointId}`);
    const { body, headers } = buildDeliveryRequest(NOVATRADE_PROFILE, {
      event,
      endpointId,
      deliveryId: `del_demo_${i}_${endpointId}`,
      secrets: [endpoint.secret],
      nowMs,
      hmac: nodeHmacSha256Hex,
    });
    // what the receiver does with the raw body and the header
    verifyNovatradeSignature(body, headers['X-Novatrade-Signature'], endpoint.secret, {
      now: () => nowMs,
    });
    const received = parseEventJson(body, { strict: true });
    return `${endpointId} ✓ (${received.type}, ${body.length} B)`;
  });
  rows.push([
    type,
    partnerUuid ? `${partnerUuid.slice(0, 8)}…` : 'null',
    outcomes.join('; ') || '— no subscriber',
  ]);
}
const widths = [0, 1].map((c) => Math.max(...rows.map((r) => (r[c] as string).length)));
for (const r of rows)
  console.log(
    `  ${(r[0] as string).padEnd(widths[0] as number)}  ${(r[1] as string).padEnd(widths[1] as number)}  ${r[2]}`,
  );

console.log('\nWhat a receiver rejects');
const [first] = endpoints;
if (!first) throw new Error('no endpoint');
const event: OutboundEvent = {
  ...createSampleEvent('compliance.decision_made'),
  createdAtMs: nowMs,
  data: { orderUuid: 'o', decision: 'VALID_EXPORT' },
};
const { body, headers } = buildDeliveryRequest(NOVATRADE_PROFILE, {
  event,
  endpointId: first.id,
  deliveryId: 'del_demo_reject',
  secrets: [first.secret],
  nowMs,
  hmac: nodeHmacSha256Hex,
});
const signature = headers['X-Novatrade-Signature'];
const attempts: [string, () => unknown][] = [
  [
    'tampered body',
    () =>
      verifyNovatradeSignature(
        body.replace('VALID_EXPORT', 'VAT_APPLICABLE'),
        signature,
        first.secret,
        { now: () => nowMs },
      ),
  ],
  [
    'replayed 6 minutes later',
    () => verifyNovatradeSignature(body, signature, first.secret, { now: () => nowMs + 360_000 }),
  ],
  [
    'wrong secret',
    () => verifyNovatradeSignature(body, signature, generateWebhookSecret(), { now: () => nowMs }),
  ],
  [
    'parsed JSON instead of raw body',
    () => verifyNovatradeSignature(JSON.parse(body), signature, first.secret),
  ],
  ['no signature header', () => verifyNovatradeSignature(body, undefined, first.secret)],
];
for (const [what, attempt] of attempts) {
  try {
    attempt();
    console.log(`  ${what.padEnd(32)} accepted (unexpected!)`);
    process.exitCode = 1;
  } catch (error) {
    console.log(
      `  ${what.padEnd(32)} rejected: ${isWebhooksError(error) ? error.code : String(error)}`,
    );
  }
}

console.log('\nRetry schedule of a delivery whose receiver always fails (Novatrade24 preset)');
const times = [0];
for (
  let next = nextAttemptAt(NOVATRADE_RETRY_POLICY, {
    attempts: 1,
    firstAttemptAtMs: 0,
    lastAttemptAtMs: 0,
  });
  next !== null;
) {
  times.push(next);
  next = nextAttemptAt(NOVATRADE_RETRY_POLICY, {
    attempts: times.length,
    firstAttemptAtMs: 0,
    lastAttemptAtMs: next,
  });
}
const fmt = (ms: number) =>
  ms === 0 ? '+0' : ms < 3_600_000 ? `+${ms / 60_000}m` : `+${ms / 3_600_000}h`;
console.log(`  ${times.length} attempts at ${times.map(fmt).join(', ')}`);

let health: EndpointHealth = HEALTHY;
let failures = 0;
for (;;) {
  failures++;
  const evaluation = evaluateEndpointHealth(NOVATRADE_PROFILE.healthPolicy, {
    health,
    succeeded: false,
    attemptAtMs: failures * 60_000,
  });
  health = evaluation.health;
  if (evaluation.transition !== 'stay') {
    console.log(
      `  health policy: ${evaluation.transition} after ${failures} consecutive failed attempts (${evaluation.reason})`,
    );
    break;
  }
}

console.log('\nA WebhookReceiver on 127.0.0.1 (real HTTP)');
const secret = generateWebhookSecret();
const handled: string[] = [];
const receiver = new WebhookReceiver({ secret })
  .on(
    'compliance.*',
    (e) => void handled.push(`${e.type} (typed: ${e.data.orderUuid.slice(0, 8)}…)`),
  )
  .onAny((e) => void handled.push(`onAny ${e.type}`));
const server = createServer(toNodeListener(receiver));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
const delivery = createSignedRequest(
  createSampleEvent('compliance.decision_made', { id: 'evt_demo_http' }),
  {
    secret,
    url,
  },
);
const unknownType = createSignedRequest(
  {
    ...createSampleEvent('prospect.submitted', { id: 'evt_demo_new_type' }),
    type: 'order.created',
  },
  { secret, url },
);
const sends: [string, () => Promise<Response>][] = [
  ['delivery', () => fetch(url, delivery.toFetchInit())],
  ['same delivery again (a retry)', () => fetch(url, delivery.toFetchInit())],
  [
    'tampered body',
    () =>
      fetch(url, { ...delivery.toFetchInit(), body: delivery.body.replace('VALID', 'INVALID') }),
  ],
  ['an event type added later', () => fetch(url, unknownType.toFetchInit())],
];
for (const [what, send] of sends) {
  const response = await send();
  const answer = (await response.json()) as { code?: string; duplicate?: boolean };
  const note =
    answer.code ?? (answer.duplicate === true ? 'duplicate, handlers not run' : 'processed');
  console.log(`  ${what.padEnd(32)} ${response.status} ${note}`);
}
console.log(`  handlers ran: ${handled.join('; ')}`);
server.close();

console.log('\nThe sender engine, in process (MemoryStorage, loopback HTTP, a compressed clock)');
const clock = createFakeClock({ nowMs: nowMs });
const ORG = '550e8400-e29b-41d4-a716-446655440000';
const listen = async (listener: RequestListener) => {
  const httpServer = createServer(listener);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return {
    httpServer,
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/hooks`,
  };
};
const sender = new WebhookSender({
  transport: new HttpTransport({ allowPrivateNetworks: true }), // loopback: demo only
  allowInsecureUrls: true, // http:// on 127.0.0.1: demo only
  clock,
  notifier: {
    endpointPaused: (n) =>
      console.log(
        `  notifier ("email the admin"): endpoint B ${n.status} after ${n.consecutiveFailures} consecutive failed attempts (${n.reason})`,
      ),
  },
});
// Receiver A: the receiver SDK, on the same compressed clock as the sender.
let routeA: RequestListener = (_req, res) => void res.writeHead(503).end();
const a = await listen((req, res) => routeA(req, res));
const endpointA = await sender.createEndpoint(ORG, {
  url: a.url,
  events: [
    'compliance.*',
    'kyc.*',
    'export_file.*',
    'prospect.*',
    'self_service_invitation.*',
    'webhook.*',
  ],
});
const seenByA: string[] = [];
routeA = toNodeListener(
  new WebhookReceiver({ secret: endpointA.secret, now: clock.now }).onAny(
    (e) => void seenByA.push(e.type),
  ),
);
// Endpoint B: down (503) until we fix it.
let bIsDown = true;
const b = await listen((_req, res) => void res.writeHead(bIsDown ? 503 : 204).end());
const endpointB = await sender.createEndpoint(ORG, { url: b.url, events: ['compliance.*'] });
const drainSender = async () => {
  while ((await sender.processDue()) > 0) {
    // until nothing more is due now
  }
};

const PARTNER = '11111111-2222-3333-4444-555555555555';
for (const type of EVENT_TYPES) {
  const sample = createSampleEvent(type);
  await sender.publish({
    organizationUuid: ORG,
    type,
    partnerUuid: sample.partnerUuid === null ? null : PARTNER,
    data: sample.data,
  });
}
await drainSender();
console.log(
  `  all 10 types published: A received ${seenByA.length} (${new Set(seenByA).size} types)`,
);

// B fails every attempt; a burst of compliance events walks its streak to 20 on a clock that
// moves a minute per step: retries follow the schedule, then the health policy pauses B.
for (
  let step = 0;
  (await sender.getEndpoint(ORG, endpointB.endpoint.id))?.status === 'ACTIVE';
  step++
) {
  if (step < 18) {
    await sender.publish({
      organizationUuid: ORG,
      type: 'compliance.status_changed',
      partnerUuid: PARTNER,
      data: createSampleEvent('compliance.status_changed').data,
    });
  }
  await drainSender();
  clock.advance(60_000);
}
console.log(
  `  A received webhook.endpoint_auto_paused: ${seenByA.includes('webhook.endpoint_auto_paused')}`,
);

// Fix B, resume it, replay everything it missed.
bIsDown = false;
await sender.updateEndpoint(ORG, endpointB.endpoint.id, { status: 'ACTIVE' });
const { replayed } = await sender.recoverDeliveries(ORG, endpointB.endpoint.id, { since: nowMs });
await drainSender();
console.log(`  B fixed and resumed; ${replayed} failed deliveries replayed`);

console.log('\n  endpoint      delivered  failed  pending');
for (const [name, endpoint] of [
  ['A', endpointA],
  ['B', endpointB],
] as const) {
  const count = async (status: 'DELIVERED' | 'FAILED' | 'PENDING') =>
    (await sender.listDeliveries(ORG, endpoint.endpoint.id, { status, size: 1 })).pagination
      .totalElements;
  console.log(
    `  ${name.padEnd(12)}  ${String(await count('DELIVERED')).padStart(9)}  ${String(await count('FAILED')).padStart(6)}  ${String(await count('PENDING')).padStart(7)}`,
  );
}
console.log("  (B's FAILED rows are the originals; their replays are the DELIVERED ones)");
await sender.stop({ deadlineMs: 1000 });
a.httpServer.close();
b.httpServer.close();
