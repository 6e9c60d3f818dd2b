// The hooks speak the views' vocabulary (docs/design.md §5.25): the `delivery.*` hooks carry the
// same DeliveryView and AttemptView that listDeliveries and getDelivery return, never the storage
// records (`statusCode`, `startedAtMs`, `lastStatusCode`, …); `endpoint.paused` carries the
// EndpointView; `event.published` carries what publish returns.
import { describe, expect, it } from 'vitest';
import type { TransportResult } from '../../../src/sender/ports/transport.js';
import type { SenderEventMap } from '../../../src/sender/sender-events.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const PARTNER = '11111111-2222-3333-4444-555555555555';
/** The storage records' names, which no hook payload may use. */
const RECORD_NAMES = [
  'statusCode',
  'startedAtMs',
  'lastStatusCode',
  'nextAttemptAtMs',
  'createdAtMs',
];

/** Every key in `value`, at any depth. */
function keysOf(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [key, ...keysOf(item)]);
}

async function setup(statuses: number[]) {
  const clock = createFakeClock();
  const sender = new WebhookSender({
    transport: {
      async send(): Promise<TransportResult> {
        const status = statuses.shift() ?? 204;
        const ok = status >= 200 && status < 300;
        return {
          statusCode: status,
          failureReason: ok ? null : 'HTTP_ERROR',
          responseBody: ok ? '' : 'try later',
          retryAfter: null,
          durationMs: 12,
        };
      },
    },
    clock,
    logger: 'silent',
  });
  const { endpoint } = await sender.createEndpoint(ORG, {
    url: 'https://partner.example/hooks',
    events: ['compliance.*'],
  });
  const seen: { name: string; payload: unknown }[] = [];
  for (const name of [
    'event.published',
    'delivery.attempted',
    'delivery.succeeded',
    'delivery.retry_scheduled',
    'delivery.failed',
    'endpoint.paused',
  ] as const) {
    sender.on(name, (payload) => void seen.push({ name, payload }));
  }
  return { clock, sender, endpoint, seen };
}

const decision = () => ({
  organizationUuid: ORG,
  type: 'compliance.decision_made' as const,
  partnerUuid: PARTNER,
  data: { ...EVENT_FIXTURES['compliance.decision_made'].data },
});

describe('sender hook payloads', () => {
  it('delivery.attempted and delivery.retry_scheduled carry one payload: the delivery as listDeliveries shows it then, and the attempt as getDelivery lists it', async () => {
    const { sender, endpoint, seen } = await setup([503]);
    const published = await sender.publish(decision());
    await sender.processDue();

    expect(seen.map((s) => s.name)).toEqual([
      'event.published',
      'delivery.attempted',
      'delivery.retry_scheduled',
    ]);
    expect(seen[0]?.payload).toEqual(published);
    const [attempted, retry] = [
      seen[1]?.payload,
      seen[2]?.payload,
    ] as SenderEventMap['delivery.attempted'][];
    expect(attempted).toBe(retry);
    const { data } = await sender.listDeliveries(ORG, endpoint.id);
    const found = await sender.getDelivery(ORG, endpoint.id, data[0]?.id ?? '');
    expect(attempted?.delivery).toEqual(data[0]);
    expect(attempted?.attempt).toEqual(found?.attempts[0]);
    expect(attempted?.delivery).toMatchObject({
      status: 'PENDING',
      httpStatus: 503,
      lastFailureReason: 'HTTP_ERROR',
      failureReason: null,
      nextRetryAt: expect.any(String),
    });
    expect(attempted?.attempt).toEqual({
      attempt: 1,
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      durationMs: 12,
      httpStatus: 503,
      failureReason: 'HTTP_ERROR',
      responseBody: 'try later',
    });
    // Spread and JSON show both views (own, enumerable properties), with the views' names only.
    // The origin, never the path of https://partner.example/hooks.
    expect(attempted?.origin).toBe('https://partner.example');
    expect(JSON.parse(JSON.stringify(attempted))).toEqual({
      delivery: data[0],
      attempt: found?.attempts[0],
      origin: 'https://partner.example',
    });
    expect({ ...attempted }).toEqual({
      delivery: data[0],
      attempt: found?.attempts[0],
      origin: 'https://partner.example',
    });
    for (const name of RECORD_NAMES) expect(keysOf({ ...attempted })).not.toContain(name);
  });

  it('delivery.succeeded after a retry -> the DELIVERED view (lastFailureReason cleared) and the second attempt', async () => {
    const { sender, endpoint, seen, clock } = await setup([500]);
    await sender.publish(decision());
    await sender.processDue();
    clock.advance(60_000);
    await sender.processDue();
    const succeeded = seen.find((s) => s.name === 'delivery.succeeded')
      ?.payload as SenderEventMap['delivery.succeeded'];
    const { data } = await sender.listDeliveries(ORG, endpoint.id);
    expect(succeeded.delivery).toEqual(data[0]);
    expect(succeeded.delivery).toMatchObject({
      status: 'DELIVERED',
      attempts: 2,
      httpStatus: 204,
      lastFailureReason: null,
      nextRetryAt: null,
    });
    expect(succeeded.attempt).toMatchObject({ attempt: 2, httpStatus: 204, failureReason: null });
  });

  it('delivery.failed and endpoint.paused at the 20th failure -> the views of history and getEndpoint', async () => {
    const { sender, endpoint, seen } = await setup(Array(20).fill(500));
    for (let i = 0; i < 20; i++) await sender.publish(decision());
    await sender.processDue();
    await sender.processDue();
    const paused = seen.filter((s) => s.name === 'endpoint.paused');
    expect(paused).toHaveLength(1);
    expect((paused[0]?.payload as SenderEventMap['endpoint.paused']).endpoint).toEqual(
      await sender.getEndpoint(ORG, endpoint.id),
    );
    const failed = seen.filter((s) => s.name === 'delivery.failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const { payload } of failed) {
      expect((payload as SenderEventMap['delivery.failed']).delivery).toMatchObject({
        status: 'FAILED',
        failureReason: 'ENDPOINT_PAUSED',
        lastFailureReason: 'HTTP_ERROR',
        httpStatus: 500,
      });
    }
    // `event.published` carries what publish returns, the stored event (docs/design.md §5.25).
    for (const { name, payload } of seen.filter((s) => s.name !== 'event.published')) {
      for (const key of RECORD_NAMES) {
        expect(keysOf({ ...(payload as object) }), name).not.toContain(key);
      }
    }
  });
});

describe('sender.on', () => {
  it('a listener that is not a function -> invalid_option at listener, code invalid_type', async () => {
    const { sender } = await setup([]);
    expect(() => sender.on('delivery.failed', 'log it' as never)).toThrow(
      expect.objectContaining({
        code: 'invalid_option',
        issues: [
          {
            path: 'listener',
            code: 'invalid_type',
            message: expect.stringContaining('the listener must be a function'),
          },
        ],
      }),
    );
  });
});
