// A producer sends only what its catalog defines (docs/design.md §5.24): publish and testEndpoint
// check `data` against the strict schemas (closed enums) unless the sender has
// `allowUnknownEnumValues`; meta-events the sender builds are always strict; a custom catalog
// passed as `catalog` is what the sender validates against and what endpoints subscribe to.
// Readers stay lenient: a receiver still accepts an enum value it does not know.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { UntypedEventDataMap } from '../../../src/core/catalog/event-catalog.js';
import { createEventCatalog } from '../../../src/core/catalog/event-catalog.js';
import type { EventDataMap } from '../../../src/core/catalog/event-data.js';
import { WebhookValidationError } from '../../../src/core/errors.js';
import { EUDR_PROFILE } from '../../../src/core/profiles/eudr-profile.js';
import { NOVATRADE_PROFILE } from '../../../src/core/profiles/novatrade-profile.js';
import { WebhookReceiver } from '../../../src/receiver/webhook-receiver.node.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import type { Logger } from '../../../src/sender/ports/logger.js';
import { WebhookSender, type WebhookSenderOptions } from '../../../src/sender/webhook-sender.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { createRecordingTransport } from '../../../src/testing/create-recording-transport.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import { thrown } from '../../helpers/thrown.js';

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const PARTNER = '11111111-2222-3333-4444-555555555555';
const QUIET: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function setup<D = EventDataMap>(options: Partial<WebhookSenderOptions<D>> = {}) {
  const storage = new MemoryStorage();
  const transport = createRecordingTransport();
  const sender = new WebhookSender({
    storage,
    transport,
    clock: createFakeClock(),
    logger: QUIET,
    ...options,
  });
  return { storage, transport, sender };
}

/** The rejection of `promise`, which must be a WebhookValidationError. */
async function rejection(promise: Promise<unknown>): Promise<WebhookValidationError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WebhookValidationError);
  return error as WebhookValidationError;
}

const maybe = {
  organizationUuid: ORG,
  type: 'compliance.decision_made',
  partnerUuid: PARTNER,
  data: { orderUuid: 'o-1', decision: 'MAYBE' },
} as const;

describe('publish validates strictly by default', () => {
  it("decision: 'MAYBE' -> invalid_event at data.decision, no value in the message, nothing stored", async () => {
    const { sender } = setup();
    const { endpoint } = await sender.createEndpoint(ORG, {
      url: 'https://receiver.example/hooks',
      events: ['compliance.*'],
    });
    const error = await rejection(sender.publish(maybe));
    expect(error.code).toBe('invalid_event');
    expect(error.issues).toEqual([
      {
        path: 'data.decision',
        code: 'invalid_value',
        message: expect.stringContaining('expected one of'),
      },
    ]);
    expect(error.message).toMatch(/^publish: invalid "compliance.decision_made" data: /);
    expect(error.message).toContain('allowUnknownEnumValues: true');
    expect(error.message).not.toContain('MAYBE');
    expect(JSON.stringify(error.issues)).not.toContain('MAYBE');
    expect((await sender.listDeliveries(ORG, endpoint.id)).data).toEqual([]);
  });

  it('a nested or list enum names its own path; the known values pass', async () => {
    const { sender } = setup();
    const error = await rejection(
      sender.publish({
        organizationUuid: ORG,
        type: 'compliance.status_changed',
        partnerUuid: PARTNER,
        data: {
          orderUuid: 'o-1',
          previousStatus: 'INCOMPLETE',
          currentStatus: 'ALMOST_VALID',
          blockers: [],
        },
      }),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['data.currentStatus']);
    await expect(
      sender.publish({ ...maybe, data: { orderUuid: 'o-1', decision: 'VAT_APPLICABLE' } }),
    ).resolves.toMatchObject({ event: { data: { decision: 'VAT_APPLICABLE' } } });
  });

  it('a mistake that is not an enum value gets no hint about the option', async () => {
    const { sender } = setup({ allowUnknownEnumValues: true });
    const loose = sender as WebhookSender<UntypedEventDataMap>;
    const error = await rejection(
      loose.publish({ ...maybe, data: { orderUuid: 1, decision: 'VALID_EXPORT' } }),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['data.orderUuid']);
    expect(error.message).not.toContain('allowUnknownEnumValues');
  });

  it('the EUDR profile is strict too: entityType outside SUPPLIER, PRODUCT, BATCH is refused', async () => {
    const { sender } = setup({ profile: EUDR_PROFILE });
    const data = { entityType: 'PLANT', created: 1, updated: 0, errors: 0 };
    const error = await rejection(
      sender.publish({ organizationUuid: ORG, type: 'sync.completed', data }),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['data.entityType']);
    const { sender: knowing } = setup({ profile: EUDR_PROFILE, allowUnknownEnumValues: true });
    await expect(
      knowing.publish({ organizationUuid: ORG, type: 'sync.completed', data }),
    ).resolves.toMatchObject({ event: { data } });
  });
});

describe('allowUnknownEnumValues: true', () => {
  it('publishes the unknown value as given, and a lenient receiver accepts it', async () => {
    const secret = 'whsec_strict_validation_test_0123456789';
    const clock = createFakeClock();
    const decisions: string[] = [];
    const receiver = new WebhookReceiver({ secret, now: clock.now, logger: 'silent' }).on(
      'compliance.decision_made',
      (event) => void decisions.push(event.data.decision),
    );
    const transport = createRecordingTransport({ receiver });
    const { sender } = setup({ transport, clock, allowUnknownEnumValues: true });
    await sender.createEndpoint(ORG, {
      url: 'https://receiver.example/hooks',
      events: ['compliance.*'],
      secret,
    });
    const { event } = await sender.publish(maybe);
    expect(event.data).toEqual({ orderUuid: 'o-1', decision: 'MAYBE' });
    await sender.processDue();
    expect(decisions).toEqual(['MAYBE']);
  });

  it('must be a boolean', () => {
    const error = thrown(
      () =>
        new WebhookSender({
          transport: createRecordingTransport(),
          allowUnknownEnumValues: 'yes' as never,
        }),
    );
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([
      {
        path: 'allowUnknownEnumValues',
        code: 'invalid_type',
        message: expect.stringContaining('must be a boolean'),
      },
    ]);
  });
});

describe('testEndpoint validates as publish does', () => {
  async function withEndpoint(options: Partial<WebhookSenderOptions> = {}) {
    const context = setup(options);
    const { endpoint } = await context.sender.createEndpoint(ORG, {
      url: 'https://receiver.example/hooks',
      events: ['kyc.*'],
    });
    return { ...context, endpointId: endpoint.id };
  }

  it("decision: 'MAYBE' -> invalid_event at data.decision, named testEndpoint", async () => {
    const { sender, endpointId } = await withEndpoint();
    const error = await rejection(
      sender.testEndpoint(ORG, endpointId, {
        eventType: 'compliance.decision_made',
        data: maybe.data,
      }),
    );
    expect(error.code).toBe('invalid_event');
    expect(error.issues.map((issue) => issue.path)).toEqual(['data.decision']);
    expect(error.message).toMatch(/^testEndpoint: invalid "compliance.decision_made" data: /);
  });

  it('a missing field is refused; valid data is sent verbatim, with the option an unknown value too', async () => {
    const { sender, endpointId, transport } = await withEndpoint({
      allowUnknownEnumValues: true,
    });
    const loose = sender as WebhookSender<UntypedEventDataMap>;
    const missing = await rejection(
      loose.testEndpoint(ORG, endpointId, {
        eventType: 'compliance.decision_made',
        data: { orderUuid: 'o-1' },
      }),
    );
    expect(missing.issues.map((issue) => issue.path)).toEqual(['data.decision']);
    await sender.testEndpoint(ORG, endpointId, {
      eventType: 'compliance.decision_made',
      data: { decision: 'MAYBE', orderUuid: 'o-1' },
    });
    await sender.processDue();
    const [request] = transport.requests;
    expect(JSON.parse(request?.body ?? '{}').data).toEqual({ decision: 'MAYBE', orderUuid: 'o-1' });
  });
});

describe('a custom catalog (the catalog option)', () => {
  const orders = createEventCatalog([
    {
      type: 'order.shipped',
      versions: [{ version: 1, schema: z.looseObject({ orderId: z.string() }) }],
    },
    {
      type: 'order.cancelled',
      scope: 'organization',
      versions: [{ version: 1, schema: z.looseObject({ reason: z.enum(['FRAUD', 'CUSTOMER']) }) }],
    },
  ]);

  it('is what endpoints subscribe to and what publish validates against', async () => {
    const { sender, transport } = setup({ catalog: orders });
    await expect(
      sender.createEndpoint(ORG, {
        url: 'https://receiver.example/hooks',
        events: ['compliance.*'],
      }),
    ).rejects.toMatchObject({ code: 'invalid_endpoint', issues: [{ path: 'events.0' }] });
    await sender.createEndpoint(ORG, {
      url: 'https://receiver.example/hooks',
      events: ['order.*'],
    });
    const { deliveries } = await sender.publish({
      organizationUuid: ORG,
      type: 'order.shipped',
      partnerUuid: PARTNER,
      data: { orderId: 'o-1' },
    });
    expect(deliveries).toBe(1);
    const loose = sender as WebhookSender<UntypedEventDataMap>;
    await expect(
      loose.publish({ ...maybe, data: { ...EVENT_FIXTURES['compliance.decision_made'].data } }),
    ).rejects.toMatchObject({ code: 'invalid_event_input', issues: [{ path: 'type' }] });
    const error = await rejection(
      loose.publish({ organizationUuid: ORG, type: 'order.cancelled', data: { reason: 'MAYBE' } }),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['data.reason']);
    await sender.processDue();
    expect(transport.requests).toHaveLength(1);
  });

  it('must look like a catalog', () => {
    const error = thrown(
      () => new WebhookSender({ transport: createRecordingTransport(), catalog: {} as never }),
    );
    expect(error.code).toBe('invalid_option');
    expect(error.issues.map((issue) => issue.path)).toEqual(['catalog']);
  });
});

describe('meta-events the sender builds', () => {
  it('are checked strictly whatever allowUnknownEnumValues says: one the catalog refuses is not sent', async () => {
    // A catalog whose auto-pause event knows no pause reason the sender gives.
    const narrow = createEventCatalog([
      {
        type: 'order.shipped',
        versions: [{ version: 1, schema: z.looseObject({ orderId: z.string() }) }],
      },
      {
        type: 'webhook.endpoint_auto_paused',
        scope: 'organization',
        versions: [
          {
            version: 1,
            schema: z.looseObject({ endpointId: z.string(), pauseReason: z.string() }),
            strictSchema: z.looseObject({
              endpointId: z.string(),
              pauseReason: z.enum(['MAINTENANCE']),
            }),
          },
        ],
      },
    ]);
    const run = async (catalog: typeof narrow | undefined) => {
      const transport = createRecordingTransport({
        status: (request) => (request.url.includes('failing') ? 500 : 204),
      });
      const { sender, storage } = setup({
        transport,
        allowUnknownEnumValues: true,
        profile: {
          ...NOVATRADE_PROFILE,
          healthPolicy: { maxConsecutiveFailures: 1, action: 'PAUSED' },
        },
        ...(catalog === undefined ? {} : { catalog }),
      });
      const loose = sender as WebhookSender<UntypedEventDataMap>;
      const watcher = await loose.createEndpoint(ORG, {
        url: 'https://watcher.example/hooks',
        events: ['webhook.endpoint_auto_paused'],
      });
      await loose.createEndpoint(ORG, {
        url: 'https://failing.example/hooks',
        events: [catalog === undefined ? 'compliance.*' : 'order.*'],
      });
      await loose.publish(
        catalog === undefined
          ? { ...maybe, data: { ...EVENT_FIXTURES['compliance.decision_made'].data } }
          : {
              organizationUuid: ORG,
              type: 'order.shipped',
              partnerUuid: PARTNER,
              data: { orderId: 'o-1' },
            },
      );
      await sender.processDue();
      const page = await storage.listDeliveries({
        organizationUuid: ORG,
        endpointId: watcher.endpoint.id,
        page: 0,
        size: 10,
        sortField: 'createdAt',
        sortDirection: 'desc',
      });
      return page.items.map((delivery) => delivery.eventType);
    };
    // The Novatrade24 catalog knows the sender's pause reasons: the meta-event goes out.
    expect(await run(undefined)).toEqual(['webhook.endpoint_auto_paused']);
    // The narrow catalog does not: refused, even though the sender allows unknown enum values.
    expect(await run(narrow)).toEqual([]);
  });
});
