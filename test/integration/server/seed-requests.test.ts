// The specification's own example requests, replayed verbatim against the management API: each
// `curl` of the Novatrade24 pages about /v1/webhooks (register, partner filter, test fire,
// delivery history, replay) and the requests the pages describe in words (resume with
// `{"status": "ACTIVE"}`, history with `since`, list, get, delete), copied here as data: method,
// URL, header lines and body text exactly as the pages print them. Only the host (the test's
// base instead of https://api.novatrade24.com) and the placeholders (the token, the
// Idempotency-Key, `${WEBHOOK_ID}`, `${DELIVERY_ID}`, `<string>`, `https://...`) are swapped.
// The assertions are the documented answers (docs/design.md §6.2, §6.4, §6.14; the status codes
// the spec leaves open are settled in docs/design.md §7, A-17 to A-23), and every answer is also
// checked against the OpenAPI document the API serves.
//
// Deliveries go to the pages' example URLs (https://api.yoursystem.example.com/...), which no
// test can reach: a recording transport stands in for the network; the point is the API's answers.
import { describe, expect, it } from 'vitest';
import type { TransportRequest } from '../../../src/sender/ports/transport.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { apiKeyAuthenticator, createManagementApi } from '../../../src/server/index.js';
import { verifyNovatradeSignature } from '../../../src/signature/verify-novatrade-signature.node.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { createRecordingTransport } from '../../../src/testing/create-recording-transport.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import {
  type CheckedAnswer,
  createOpenApiResponseValidator,
  createValidatingClient,
  fetchOpenApiDocument,
  type ProblemBody,
} from '../../helpers/openapi-response-validator.js';

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const TOKEN = 'tok_seed_requests_0123456789';
const SPEC_HOST = 'https://api.novatrade24.com';
const TEST_BASE = 'http://api.test';
const START_MS = Date.parse('2026-04-22T10:00:00Z');
const MINUTE = 60_000;
/** Every offset of the Novatrade24 retry schedule (docs/design.md §5.1), in minutes. */
const SCHEDULE_MINUTES = [0, 1, 5, 15, 60, 240, 480, 960, 1440, 2160, 2880];
/** The problem base of the spec (docs/design.md §6.14). */
const PROBLEMS = 'https://api.novatrade24.com/problems/';

/** One example request of a spec page, as printed there. */
interface SeedRequest {
  /** Where it is printed: the spec-map entry of docs/design.md and the page's section. */
  readonly source: string;
  readonly method: string;
  readonly url: string;
  /** The header lines, `Name: value`, as printed. */
  readonly headers: readonly string[];
  /** The body text, as printed. */
  readonly body?: string;
}

// The pages' shell variables and placeholders are kept as printed: these strings are data, not
// templates.
/* biome-ignore-start lint/suspicious/noTemplateCurlyInString: the pages' shell variables, verbatim */
const SEEDS = {
  register: {
    source: 'docs/design.md §6.3 (setup page, "Register an endpoint")',
    method: 'POST',
    url: 'https://api.novatrade24.com/v1/webhooks',
    headers: [
      'Authorization: Bearer ${ACCESS_TOKEN}',
      'Idempotency-Key: $(uuidgen)',
      'Content-Type: application/json',
    ],
    body: `{
    "url": "https://api.yoursystem.example.com/hooks/novatrade",
    "events": [
      "compliance.*",
      "kyc.vies_check_failed",
      "kyc.verification_completed",
      "export_file.generated",
      "self_service_invitation.used"
    ]
  }`,
  },
  // The page prints only the body of this one; it is sent with the register request's headers.
  partnerFilter: {
    source: 'docs/design.md §6.3 (setup page, "Partner filtering")',
    method: 'POST',
    url: 'https://api.novatrade24.com/v1/webhooks',
    headers: [
      'Authorization: Bearer ${ACCESS_TOKEN}',
      'Idempotency-Key: $(uuidgen)',
      'Content-Type: application/json',
    ],
    body: `{
  "url": "https://...",
  "events": ["compliance.*"],
  "partnerIds": ["11111111-2222-3333-4444-555555555555"]
}`,
  },
  registerReference: {
    source: 'docs/design.md §6.2 (API reference, "Register a webhook endpoint")',
    method: 'POST',
    url: 'https://api.novatrade24.com/v1/webhooks',
    headers: [
      'Authorization: Bearer <token>',
      'Content-Type: application/json',
      'Idempotency-Key: <idempotency-key>',
    ],
    body: `
{
  "url": "<string>",
  "events": [
    "<string>"
  ],
  "partnerIds": [
    "3c90c3cc-0d44-4b50-8888-8dd25736052a"
  ],
  "secret": "<string>"
}
`,
  },
  testFire: {
    source: 'docs/design.md §6.3 (setup page, "Testing without live events")',
    method: 'POST',
    url: 'https://api.novatrade24.com/v1/webhooks/${WEBHOOK_ID}/test',
    headers: [
      'Authorization: Bearer ${ACCESS_TOKEN}',
      'Idempotency-Key: $(uuidgen)',
      'Content-Type: application/json',
    ],
    body: `{
    "eventType": "compliance.status_changed",
    "data": {
      "orderUuid": "00000000-0000-0000-0000-000000000000",
      "previousStatus": "INCOMPLETE",
      "currentStatus": "VALID",
      "blockers": []
    }
  }`,
  },
  failedHistory: {
    source: 'docs/design.md §6.3 (setup page, "Delivery history and replay")',
    method: 'GET',
    url: 'https://api.novatrade24.com/v1/webhooks/${WEBHOOK_ID}/deliveries?status=FAILED',
    headers: ['Authorization: Bearer ${ACCESS_TOKEN}'],
  },
  replay: {
    source: 'docs/design.md §6.3 (setup page, "Delivery history and replay")',
    method: 'POST',
    url: 'https://api.novatrade24.com/v1/webhooks/${WEBHOOK_ID}/deliveries/${DELIVERY_ID}/replay',
    headers: ['Authorization: Bearer ${ACCESS_TOKEN}', 'Idempotency-Key: $(uuidgen)'],
  },
  // Described in words: "status … since — ISO timestamp, filters to deliveries created after".
  failedHistorySince: {
    source: 'docs/design.md §6.4 (replay-and-test page, "Delivery history")',
    method: 'GET',
    url: 'https://api.novatrade24.com/v1/webhooks/${WEBHOOK_ID}/deliveries?status=FAILED&since=${SINCE}',
    headers: ['Authorization: Bearer ${ACCESS_TOKEN}'],
  },
  // "Resume a paused endpoint via PATCH /v1/webhooks/{id} with status: ACTIVE".
  resume: {
    source: 'docs/design.md §6.3 (setup page, "Retry policy") and §6.4 (update)',
    method: 'PATCH',
    url: 'https://api.novatrade24.com/v1/webhooks/${WEBHOOK_ID}',
    headers: [
      'Authorization: Bearer ${ACCESS_TOKEN}',
      'Idempotency-Key: $(uuidgen)',
      'Content-Type: application/json',
    ],
    body: '{"status": "ACTIVE"}',
  },
  // "Check the endpoint is ACTIVE (not paused) via GET /v1/webhooks/{id}".
  get: {
    source: 'docs/design.md §6.4 (replay-and-test page, "Debugging checklist")',
    method: 'GET',
    url: 'https://api.novatrade24.com/v1/webhooks/${WEBHOOK_ID}',
    headers: ['Authorization: Bearer ${ACCESS_TOKEN}'],
  },
  list: {
    source: 'docs/design.md §6.4 (API reference, "List webhook endpoints")',
    method: 'GET',
    url: 'https://api.novatrade24.com/v1/webhooks',
    headers: ['Authorization: Bearer ${ACCESS_TOKEN}'],
  },
  // "DELETE /webhooks/{id}" needs an Idempotency-Key like every write.
  delete: {
    source: 'docs/design.md §6.4 (API reference, "Delete a webhook endpoint")',
    method: 'DELETE',
    url: 'https://api.novatrade24.com/v1/webhooks/${WEBHOOK_ID}',
    headers: ['Authorization: Bearer ${ACCESS_TOKEN}', 'Idempotency-Key: $(uuidgen)'],
  },
} as const satisfies Record<string, SeedRequest>;
/* biome-ignore-end lint/suspicious/noTemplateCurlyInString: the pages' shell variables, verbatim */

/** Values for the placeholders of one request. */
interface Fill {
  readonly webhookId?: string;
  readonly deliveryId?: string;
  readonly since?: string;
  readonly idempotencyKey?: string;
  /** Values for `"<string>"` in the body, in order of appearance. */
  readonly strings?: readonly string[];
  /** A replacement for the `https://...` URL placeholder. */
  readonly url?: string;
  /** Header lines to leave out (to show what their absence answers). */
  readonly without?: readonly string[];
}

/** `${NAME}`: a shell variable as the pages print it. */
const shellVariable = (name: string): string => `\${${name}}`;

/** `text` with the token, the Idempotency-Key and the ids in place of the pages' placeholders. */
function placeholders(text: string, fill: Fill, key: string): string {
  const variables: Record<string, string | undefined> = {
    ACCESS_TOKEN: TOKEN,
    WEBHOOK_ID: fill.webhookId,
    DELIVERY_ID: fill.deliveryId,
    SINCE: fill.since === undefined ? undefined : encodeURIComponent(fill.since),
  };
  let filled = text
    .replaceAll('<token>', TOKEN)
    .replaceAll('$(uuidgen)', key)
    .replaceAll('<idempotency-key>', key);
  for (const [name, value] of Object.entries(variables)) {
    const variable = shellVariable(name);
    if (!filled.includes(variable)) continue;
    if (value === undefined) throw new Error(`No value given for ${variable}`);
    filled = filled.replaceAll(variable, value);
  }
  return filled;
}

function bodyOf(seed: SeedRequest, fill: Fill): string | undefined {
  if (seed.body === undefined) return undefined;
  const strings = [...(fill.strings ?? [])];
  let body = seed.body.replaceAll('"<string>"', () => JSON.stringify(strings.shift()));
  if (fill.url !== undefined) body = body.replaceAll('"https://..."', JSON.stringify(fill.url));
  if (strings.length > 0) throw new Error(`${seed.source}: unused placeholder values`);
  return body;
}

async function setup() {
  const clock = createFakeClock({ nowMs: START_MS });
  let answer = 200;
  const transport = createRecordingTransport({ status: () => answer });
  const sender = new WebhookSender({ transport, clock, logger: 'silent' });
  // The published limits (docs/design.md §6.14): webhook management is 10 a minute on STANDARD,
  // at most 3 in 10 seconds. Each seed request is sent 20 s after the previous one.
  const api = createManagementApi(sender, {
    authenticate: apiKeyAuthenticator([{ token: TOKEN, organizationUuid: ORG }]),
    now: clock.now,
    logger: 'silent',
  });
  const validator = createOpenApiResponseValidator(await fetchOpenApiDocument(api));
  const client = createValidatingClient(api, validator, { token: TOKEN, baseUrl: TEST_BASE });

  /** Sends `seed` with its placeholders filled; checks the answer against the document. */
  const send = async <T = unknown>(
    seed: SeedRequest,
    fill: Fill = {},
  ): Promise<CheckedAnswer<T>> => {
    clock.advance(20_000);
    const key = fill.idempotencyKey ?? crypto.randomUUID();
    const url = placeholders(seed.url, fill, key);
    expect(url.startsWith(SPEC_HOST), seed.source).toBe(true);
    const headers: Record<string, string> = {};
    for (const line of seed.headers) {
      const name = line.slice(0, line.indexOf(':'));
      if (fill.without?.includes(name)) continue;
      headers[name] = placeholders(line.slice(name.length + 1).trim(), fill, key);
    }
    const body = bodyOf(seed, fill);
    const checked = await client.send<T>(seed.method, url.slice(SPEC_HOST.length), {
      headers,
      idempotencyKey: false,
      ...(body === undefined ? {} : { body }),
    });
    // Every answer is counted in the webhook-management category (docs/design.md §7, A-27).
    expect(checked.headers.get('x-ratelimit-category'), seed.source).toBe('webhook');
    expect(checked.headers.get('x-ratelimit-limit'), seed.source).toBe('10');
    return checked;
  };

  /** Runs the dispatcher until nothing more is due now. */
  const drain = async (): Promise<number> => {
    let total = 0;
    for (let n = await sender.processDue(); n > 0; n = await sender.processDue()) total += n;
    return total;
  };
  const setAnswer = (status: number) => {
    answer = status;
  };
  return { clock, sender, api, client, validator, transport, send, drain, setAnswer };
}

interface Endpoint {
  readonly id: string;
  readonly url: string;
  readonly events: string[];
  readonly partnerIds: string[] | null;
  readonly status: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly secret?: string;
}

interface Delivery {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: string;
  readonly httpStatus: number | null;
  readonly attempts: number;
  readonly lastAttemptAt: string | null;
  readonly nextRetryAt: string | null;
  readonly createdAt: string;
  readonly test: boolean;
  readonly replayOf: string | null;
}

interface DeliveryPage {
  readonly data: Delivery[];
  readonly pagination: Record<string, unknown>;
}

const header = (request: TransportRequest | undefined, name: string): string | undefined =>
  Object.entries(request?.headers ?? {}).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];

/** The setup page's register request: the endpoint and its one-time secret. */
async function registered(context: Awaited<ReturnType<typeof setup>>) {
  const created = await context.send<Endpoint>(SEEDS.register);
  expect(created.status).toBe(201);
  return { endpoint: created.body, secret: created.body.secret as string };
}

describe("the spec pages' example requests, replayed verbatim against the management API", () => {
  it("POST /v1/webhooks as the setup page prints it answers 201 with the page's response shape: id, url, events as registered, partnerIds null, the one-time secret, status ACTIVE, createdAt = updatedAt", async () => {
    const context = await setup();
    const created = await context.send<Endpoint>(SEEDS.register);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^wh_/),
      url: 'https://api.yoursystem.example.com/hooks/novatrade',
      events: [
        'compliance.*',
        'kyc.vies_check_failed',
        'kyc.verification_completed',
        'export_file.generated',
        'self_service_invitation.used',
      ],
      partnerIds: null,
      secret: expect.stringMatching(/^whsec_/),
      status: 'ACTIVE',
      createdAt: new Date(context.clock.now()).toISOString(),
    });
    expect(created.body.updatedAt).toBe(created.body.createdAt);
    // Every field of the page's example response is there.
    expect(Object.keys(created.body)).toEqual(
      expect.arrayContaining([
        'id',
        'url',
        'events',
        'partnerIds',
        'secret',
        'status',
        'createdAt',
        'updatedAt',
      ]),
    );
    expect(created.headers.get('location')).toBe(`/v1/webhooks/${created.body.id}`);
  });

  it('the "Partner filtering" body (url placeholder filled) answers 201 with partnerIds ["11111111-2222-3333-4444-555555555555"]', async () => {
    const context = await setup();
    const created = await context.send<Endpoint>(SEEDS.partnerFilter, {
      url: 'https://api.yoursystem.example.com/hooks/dealer-1',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: 'https://api.yoursystem.example.com/hooks/dealer-1',
      events: ['compliance.*'],
      partnerIds: ['11111111-2222-3333-4444-555555555555'],
      status: 'ACTIVE',
    });
  });

  it("the API reference's register request (its <string> placeholders filled) answers 201 with the given partnerIds and the caller's own secret", async () => {
    const context = await setup();
    const secret = 'whsec_caller_chosen_secret_0001';
    const created = await context.send<Endpoint>(SEEDS.registerReference, {
      strings: ['https://api.yoursystem.example.com/hooks/reference', 'compliance.*', secret],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: 'https://api.yoursystem.example.com/hooks/reference',
      events: ['compliance.*'],
      partnerIds: ['3c90c3cc-0d44-4b50-8888-8dd25736052a'],
      secret,
      status: 'ACTIVE',
    });
  });

  it('GET /v1/webhooks answers 200 with a bare array and GET /v1/webhooks/{id} 200 with the endpoint, neither with the secret', async () => {
    const context = await setup();
    const { endpoint, secret } = await registered(context);
    const list = await context.send<Endpoint[]>(SEEDS.list);
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body)).toBe(true);
    expect(list.body.map((e) => e.id)).toEqual([endpoint.id]);
    const got = await context.send<Endpoint>(SEEDS.get, { webhookId: endpoint.id });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: endpoint.id, status: 'ACTIVE' });
    for (const answer of [list.body[0], got.body]) expect(answer).not.toHaveProperty('secret');
    expect(JSON.stringify([list.body, got.body])).not.toContain(secret);
  });

  it("the test fire request answers 202; the delivery is signed like a real event with the endpoint's secret, data forwarded verbatim, test: true in history", async () => {
    const context = await setup();
    const { endpoint, secret } = await registered(context);
    const fired = await context.send<Delivery>(SEEDS.testFire, { webhookId: endpoint.id });
    expect(fired.status).toBe(202);
    expect(fired.body).toMatchObject({
      eventType: 'compliance.status_changed',
      status: 'PENDING',
      test: true,
    });
    expect(await context.drain()).toBe(1);
    const [request] = context.transport.requests;
    expect(request?.url).toBe('https://api.yoursystem.example.com/hooks/novatrade');
    const envelope = JSON.parse(request?.body ?? '{}') as Record<string, unknown>;
    expect(envelope).toMatchObject({
      id: fired.body.eventId,
      type: 'compliance.status_changed',
      data: JSON.parse(SEEDS.testFire.body).data,
    });
    expect(header(request, 'X-Novatrade-Event-Id')).toBe(fired.body.eventId);
    expect(
      verifyNovatradeSignature(
        request?.body ?? '',
        header(request, 'X-Novatrade-Signature'),
        secret,
        {
          now: context.clock.now,
        },
      ).timestamp,
    ).toBe(context.clock.nowSeconds());
    const history = await context.client.send<DeliveryPage>(
      'GET',
      `/v1/webhooks/${endpoint.id}/deliveries`,
    );
    expect(history.body.data).toEqual([
      expect.objectContaining({ id: fired.body.id, status: 'DELIVERED', test: true }),
    ]);
  });

  it("GET …/deliveries?status=FAILED answers 200 {data, pagination} with the delivery that failed its whole schedule, shaped as the page's example; since=… is exclusive; the replay request answers 202 and re-sends the same event id with a fresh signature", async () => {
    const context = await setup();
    const { clock, sender, send, drain, transport, setAnswer } = context;
    const { endpoint, secret } = await registered(context);
    setAnswer(503);
    const { event } = await sender.publish({
      organizationUuid: ORG,
      type: 'compliance.status_changed',
      partnerUuid: '11111111-2222-3333-4444-555555555555',
      data: { ...EVENT_FIXTURES['compliance.status_changed'].data },
    });
    const publishedMs = clock.now();
    for (const minutes of SCHEDULE_MINUTES) {
      clock.set(publishedMs + minutes * MINUTE);
      expect(await drain()).toBe(1);
    }
    expect(transport.requests).toHaveLength(11);

    const failed = await send<DeliveryPage>(SEEDS.failedHistory, { webhookId: endpoint.id });
    expect(failed.status).toBe(200);
    expect(failed.body.pagination).toEqual({
      page: 0,
      size: 20,
      totalElements: 1,
      totalPages: 1,
      hasNext: false,
      hasPrevious: false,
    });
    const [delivery] = failed.body.data;
    if (delivery === undefined) throw new Error('no failed delivery');
    // The fields of the page's example delivery.
    expect(delivery).toMatchObject({
      id: expect.stringMatching(/^del_/),
      eventId: event.id,
      eventType: 'compliance.status_changed',
      status: 'FAILED',
      httpStatus: 503,
      attempts: 11,
      lastAttemptAt: new Date(publishedMs + 2880 * MINUTE).toISOString(),
      nextRetryAt: null,
      createdAt: new Date(publishedMs).toISOString(),
    });

    const exclusive = await send<DeliveryPage>(SEEDS.failedHistorySince, {
      webhookId: endpoint.id,
      since: delivery.createdAt,
    });
    expect(exclusive.status).toBe(200);
    expect(exclusive.body.data).toEqual([]);
    const before = await send<DeliveryPage>(SEEDS.failedHistorySince, {
      webhookId: endpoint.id,
      since: new Date(publishedMs - 1).toISOString(),
    });
    expect(before.body.data.map((d) => d.id)).toEqual([delivery.id]);

    setAnswer(200);
    const replay = await send<Delivery>(SEEDS.replay, {
      webhookId: endpoint.id,
      deliveryId: delivery.id,
    });
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({
      eventId: event.id,
      replayOf: delivery.id,
      status: 'PENDING',
    });
    expect(await drain()).toBe(1);
    const resent = transport.requests.at(-1);
    const first = transport.requests[0];
    expect(header(resent, 'X-Novatrade-Event-Id')).toBe(event.id);
    expect(resent?.body).toBe(first?.body);
    expect(header(resent, 'X-Novatrade-Signature')).not.toBe(
      header(first, 'X-Novatrade-Signature'),
    );
    expect(
      verifyNovatradeSignature(
        resent?.body ?? '',
        header(resent, 'X-Novatrade-Signature'),
        secret,
        {
          now: clock.now,
        },
      ).timestamp,
    ).toBe(clock.nowSeconds());
  });

  it('PATCH /v1/webhooks/{id} {"status": "ACTIVE"} resumes a PAUSED endpoint: 200, the endpoint without its secret; GET then reads ACTIVE', async () => {
    const context = await setup();
    const { endpoint } = await registered(context);
    await context.sender.updateEndpoint(ORG, endpoint.id, { status: 'PAUSED' });
    expect((await context.send<Endpoint>(SEEDS.get, { webhookId: endpoint.id })).body.status).toBe(
      'PAUSED',
    );
    const resumed = await context.send<Endpoint>(SEEDS.resume, { webhookId: endpoint.id });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ id: endpoint.id, status: 'ACTIVE' });
    expect(resumed.body).not.toHaveProperty('secret');
    expect((await context.send<Endpoint>(SEEDS.get, { webhookId: endpoint.id })).body.status).toBe(
      'ACTIVE',
    );
  });

  it('DELETE /v1/webhooks/{id} with an Idempotency-Key answers 204 with no body, then GET answers 404 not-found; without the key it is a 400 malformed-request', async () => {
    const context = await setup();
    const { endpoint } = await registered(context);
    const keyless = await context.send<ProblemBody>(SEEDS.delete, {
      webhookId: endpoint.id,
      without: ['Idempotency-Key'],
    });
    expect(keyless.status).toBe(400);
    expect(keyless.body.type).toBe(`${PROBLEMS}malformed-request`);
    const deleted = await context.send(SEEDS.delete, { webhookId: endpoint.id });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    const gone = await context.send<ProblemBody>(SEEDS.get, { webhookId: endpoint.id });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({
      type: `${PROBLEMS}not-found`,
      status: 404,
      instance: `/v1/webhooks/${endpoint.id}`,
    });
  });

  it('the register request repeated with the same Idempotency-Key returns the cached 201 (the same secret); with the same key and another body it is a 422 idempotency-key-reused', async () => {
    const context = await setup();
    const key = '5f0c8d4e-2b1a-4c3d-9e8f-7a6b5c4d3e2f';
    const first = await context.send<Endpoint>(SEEDS.register, { idempotencyKey: key });
    const again = await context.send<Endpoint>(SEEDS.register, { idempotencyKey: key });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await context.send<ProblemBody>(SEEDS.partnerFilter, {
      idempotencyKey: key,
      url: 'https://api.yoursystem.example.com/hooks/dealer-1',
    });
    expect(other.status).toBe(422);
    expect(other.body.type).toBe(`${PROBLEMS}idempotency-key-reused`);
    expect((await context.send<Endpoint[]>(SEEDS.list)).body).toHaveLength(1);
  });

  it('the register body with the root wildcard "*" is refused: 422 validation-error on events.0', async () => {
    const context = await setup();
    const refused = await context.send<ProblemBody>({
      ...SEEDS.register,
      body: SEEDS.register.body.replace('"compliance.*"', '"*"'),
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      type: `${PROBLEMS}validation-error`,
      title: 'Validation Error',
      errors: [expect.objectContaining({ field: 'events.0' })],
    });
    expect((await context.send<Endpoint[]>(SEEDS.list)).body).toEqual([]);
  });

  it('four requests inside 10 seconds exceed the STANDARD webhook burst (3): the fourth answers 429 rate-limited with Retry-After', async () => {
    const { api, validator } = await setup();
    const answers: Response[] = [];
    for (let i = 0; i < 4; i++) {
      answers.push(
        await api.fetch(
          new Request(`${TEST_BASE}/v1/webhooks`, {
            headers: { Authorization: `Bearer ${TOKEN}` },
          }),
        ),
      );
    }
    const statuses = answers.map((a) => a.status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = answers[3] as Response;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    for (const answer of answers.slice(0, 3))
      await validator.assertResponse('GET', '/v1/webhooks', answer);
    expect(await validator.assertResponse('GET', '/v1/webhooks', limited)).toMatchObject({
      type: `${PROBLEMS}rate-limited`,
      title: 'Rate Limit Exceeded',
      status: 429,
    });
  });
});
