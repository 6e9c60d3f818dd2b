// Type tests (checked by `tsc -p test/tsconfig.json`): `publish` and `testEndpoint` are typed by
// the sender's catalog (docs/design.md §5.24). A type outside the catalog, a missing `data` field
// and a field of the wrong type fail to compile, for the Novatrade24 catalog (the default), the
// EUDR profile and a custom catalog; the catalog's map is inferred from the options.

import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  type CatalogEventType,
  createEventCatalog,
  type EudrEventData,
  type EudrEventDataMap,
  type EventCatalog,
  type EventData,
  type EventDataMap,
  type EventDataMapOf,
  type EventType,
  NOVATRADE_CATALOG,
  type UntypedEventDataMap,
} from '../../../src/index.js';
import {
  EUDR_PROFILE,
  NOVATRADE_PROFILE,
  type PublishInput,
  type PublishResult,
  STANDARD_WEBHOOKS_PROFILE,
  type TestEndpointInput,
  WebhookSender,
  type WebhookSenderOptions,
  type WireProfile,
} from '../../../src/sender/index.js';
import { createRecordingTransport } from '../../../src/testing/index.js';

const transport = createRecordingTransport();
const org = '550e8400-e29b-41d4-a716-446655440000';
const partnerUuid = '11111111-1111-1111-1111-111111111111';
const orderUuid = 'o1p2q3r4';

const orders = createEventCatalog([
  {
    type: 'order.shipped',
    versions: [
      { version: 1, schema: z.looseObject({ orderId: z.string() }) },
      {
        version: 2,
        schema: z.looseObject({ order: z.looseObject({ id: z.string() }), carrier: z.string() }),
        toPrevious: ({ order, ...rest }) => ({ ...rest, orderId: (order as { id: string }).id }),
      },
    ],
  },
  {
    type: 'order.cancelled',
    scope: 'organization',
    versions: [{ version: 1, schema: z.looseObject({ reason: z.enum(['FRAUD', 'CUSTOMER']) }) }],
  },
]);
type OrderEvents = EventDataMapOf<typeof orders>;

describe('the sender infers its catalog types from its options', () => {
  it('Novatrade24 by default, and for the Novatrade24 and Standard Webhooks profiles', () => {
    expectTypeOf(new WebhookSender({ transport })).toEqualTypeOf<WebhookSender<EventDataMap>>();
    expectTypeOf(new WebhookSender({ transport })).toEqualTypeOf<WebhookSender>();
    expectTypeOf(new WebhookSender({ transport, profile: NOVATRADE_PROFILE })).toEqualTypeOf<
      WebhookSender<EventDataMap>
    >();
    expectTypeOf(
      new WebhookSender({ transport, profile: STANDARD_WEBHOOKS_PROFILE }),
    ).toEqualTypeOf<WebhookSender<EventDataMap>>();
    expectTypeOf(new WebhookSender({ transport, catalog: NOVATRADE_CATALOG })).toEqualTypeOf<
      WebhookSender<EventDataMap>
    >();
  });

  it('EUDR for EUDR_PROFILE, also spread into a profile of your own', () => {
    expectTypeOf(new WebhookSender({ transport, profile: EUDR_PROFILE })).toEqualTypeOf<
      WebhookSender<EudrEventDataMap>
    >();
    const slower = { ...EUDR_PROFILE, timeoutMs: 20_000 };
    expectTypeOf(new WebhookSender({ transport, profile: slower })).toEqualTypeOf<
      WebhookSender<EudrEventDataMap>
    >();
  });

  it("a custom catalog's own map, which wins over the profile's", () => {
    expectTypeOf(new WebhookSender({ transport, catalog: orders })).toEqualTypeOf<
      WebhookSender<OrderEvents>
    >();
    expectTypeOf(
      new WebhookSender({ transport, catalog: orders, profile: EUDR_PROFILE }),
    ).toEqualTypeOf<WebhookSender<OrderEvents>>();
    expectTypeOf(
      new WebhookSender({ transport, profile: NOVATRADE_PROFILE, catalog: orders }),
    ).toEqualTypeOf<WebhookSender<OrderEvents>>();
  });

  it('a catalog or profile without static types gives an untyped sender', () => {
    const untypedCatalog: EventCatalog = orders;
    expectTypeOf(new WebhookSender({ transport, catalog: untypedCatalog })).toEqualTypeOf<
      WebhookSender<UntypedEventDataMap>
    >();
    const untypedProfile: WireProfile = EUDR_PROFILE;
    expectTypeOf(new WebhookSender({ transport, profile: untypedProfile })).toEqualTypeOf<
      WebhookSender<UntypedEventDataMap>
    >();
  });

  it('createEventCatalog infers each type with its latest version', () => {
    expectTypeOf<CatalogEventType<OrderEvents>>().toEqualTypeOf<
      'order.shipped' | 'order.cancelled'
    >();
    expectTypeOf<OrderEvents['order.shipped']['carrier']>().toEqualTypeOf<string>();
    expectTypeOf<OrderEvents['order.shipped']['order']['id']>().toEqualTypeOf<string>();
    expectTypeOf<OrderEvents['order.cancelled']['reason']>().toEqualTypeOf<'FRAUD' | 'CUSTOMER'>();
    expectTypeOf<EventDataMapOf<typeof NOVATRADE_CATALOG>>().toEqualTypeOf<EventDataMap>();
    expectTypeOf<EventDataMapOf<typeof EUDR_PROFILE>>().toEqualTypeOf<EudrEventDataMap>();
    expectTypeOf<CatalogEventType<EventDataMap>>().toEqualTypeOf<EventType>();
    expectTypeOf<CatalogEventType<UntypedEventDataMap>>().toEqualTypeOf<string>();
  });
});

describe('publish on the Novatrade24 catalog (the default)', () => {
  const sender = new WebhookSender({ transport });

  it('types data as EventData<T> of the literal type', () => {
    expectTypeOf(
      sender.publish({
        organizationUuid: org,
        type: 'compliance.decision_made',
        partnerUuid,
        data: { orderUuid, decision: 'VALID_EXPORT' },
      }),
    ).toEqualTypeOf<Promise<PublishResult>>();
    expectTypeOf<PublishInput<EventDataMap, 'compliance.decision_made'>['data']>().toEqualTypeOf<
      EventData<'compliance.decision_made'>
    >();
    expectTypeOf<PublishInput['type']>().toEqualTypeOf<EventType>();
  });

  it('refuses a type outside the catalog', () => {
    sender.publish({
      organizationUuid: org,
      // @ts-expect-error: not a Novatrade24 type
      type: 'order.created',
      partnerUuid,
      data: { orderUuid, decision: 'VALID_EXPORT' },
    });
  });

  it('refuses data without a required field', () => {
    sender.publish({
      organizationUuid: org,
      type: 'compliance.decision_made',
      partnerUuid,
      // @ts-expect-error: `decision` is required
      data: { orderUuid },
    });
  });

  it('refuses a field of the wrong type, and a field the type does not have', () => {
    sender.publish({
      organizationUuid: org,
      type: 'compliance.decision_made',
      partnerUuid,
      // @ts-expect-error: `orderUuid` is a string
      data: { orderUuid: 1, decision: 'VALID_EXPORT' },
    });
    sender.publish({
      organizationUuid: org,
      type: 'compliance.decision_made',
      partnerUuid,
      // @ts-expect-error: `wrong` is not a field of compliance.decision_made
      data: { orderUuid, decision: 'VALID_EXPORT', wrong: 1 },
    });
    sender.publish({
      organizationUuid: org,
      type: 'kyc.vies_check_failed',
      partnerUuid,
      // @ts-expect-error: the data of another type
      data: { orderUuid, decision: 'VALID_EXPORT' },
    });
  });

  it('an enum field completes the known values and, being open, leaves unknown ones to the run time', () => {
    expectTypeOf<PublishInput<EventDataMap, 'compliance.decision_made'>['data']['decision']>()
      .extract<'VALID_EXPORT' | 'VAT_APPLICABLE'>()
      .toEqualTypeOf<'VALID_EXPORT' | 'VAT_APPLICABLE'>();
  });
});

describe('testEndpoint on the Novatrade24 catalog', () => {
  const sender = new WebhookSender({ transport });

  it('types data as EventData<T> of the literal eventType', () => {
    sender.testEndpoint(org, 'wh_1', {
      eventType: 'compliance.decision_made',
      data: { orderUuid, decision: 'VAT_APPLICABLE' },
    });
    expectTypeOf<TestEndpointInput<EventDataMap, 'kyc.vies_check_failed'>['data']>().toEqualTypeOf<
      EventData<'kyc.vies_check_failed'>
    >();
  });

  it('refuses a type outside the catalog, a missing field and a wrong field type', () => {
    // @ts-expect-error: not a Novatrade24 type
    sender.testEndpoint(org, 'wh_1', { eventType: 'order.created', data: { orderUuid } });
    sender.testEndpoint(org, 'wh_1', {
      eventType: 'compliance.decision_made',
      // @ts-expect-error: `decision` is required
      data: { orderUuid },
    });
    sender.testEndpoint(org, 'wh_1', {
      eventType: 'compliance.decision_made',
      // @ts-expect-error: `decision` is a string
      data: { orderUuid, decision: 1 },
    });
  });
});

describe('publish and testEndpoint on EUDR_PROFILE', () => {
  const sender = new WebhookSender({ transport, profile: EUDR_PROFILE });

  it('type the EUDR events and their data', () => {
    sender.publish({
      organizationUuid: org,
      type: 'sync.completed',
      data: { entityType: 'SUPPLIER', created: 1, updated: 0, errors: 0 },
    });
    sender.testEndpoint(org, 'wh_1', {
      eventType: 'supplier.created',
      data: { externalId: 'ext-1', internalId: 'int-1' },
    });
    expectTypeOf<PublishInput<EudrEventDataMap, 'supplier.created'>['data']>().toEqualTypeOf<
      EudrEventData<'supplier.created'>
    >();
  });

  it('refuse a Novatrade24 type, a missing field and a wrong field type', () => {
    sender.publish({
      organizationUuid: org,
      // @ts-expect-error: a Novatrade24 type, not an EUDR one
      type: 'compliance.decision_made',
      data: { externalId: 'ext-1', internalId: 'int-1' },
    });
    sender.publish({
      organizationUuid: org,
      type: 'supplier.created',
      // @ts-expect-error: `internalId` is required
      data: { externalId: 'ext-1' },
    });
    sender.publish({
      organizationUuid: org,
      type: 'sync.completed',
      // @ts-expect-error: `created` is a count
      data: { entityType: 'SUPPLIER', created: '1', updated: 0, errors: 0 },
    });
    // @ts-expect-error: not an EUDR type
    sender.testEndpoint(org, 'wh_1', { eventType: 'order.created', data: {} });
    sender.testEndpoint(org, 'wh_1', {
      eventType: 'supplier.deleted',
      // @ts-expect-error: `externalId` is required
      data: { internalId: 'int-1' },
    });
    sender.testEndpoint(org, 'wh_1', {
      eventType: 'supplier.deleted',
      // @ts-expect-error: `externalId` is a string
      data: { externalId: 1 },
    });
  });
});

describe('publish and testEndpoint on a custom catalog', () => {
  const sender = new WebhookSender({ transport, catalog: orders });

  it("type the catalog's events with their latest version's data", () => {
    sender.publish({
      organizationUuid: org,
      type: 'order.shipped',
      partnerUuid,
      data: { order: { id: 'o-1' }, carrier: 'DHL' },
    });
    sender.testEndpoint(org, 'wh_1', { eventType: 'order.cancelled', data: { reason: 'FRAUD' } });
  });

  it('refuse a Novatrade24 type, a missing field and a wrong field type', () => {
    sender.publish({
      organizationUuid: org,
      // @ts-expect-error: not a type of this catalog
      type: 'compliance.decision_made',
      partnerUuid,
      data: { reason: 'FRAUD' },
    });
    sender.publish({
      organizationUuid: org,
      type: 'order.shipped',
      partnerUuid,
      // @ts-expect-error: version 1's shape; the latest needs `order` and `carrier`
      data: { orderId: 'o-1' },
    });
    sender.publish({
      organizationUuid: org,
      type: 'order.shipped',
      partnerUuid,
      // @ts-expect-error: `carrier` is a string
      data: { order: { id: 'o-1' }, carrier: 7 },
    });
    // @ts-expect-error: not a type of this catalog
    sender.testEndpoint(org, 'wh_1', { eventType: 'order.created', data: {} });
    // @ts-expect-error: `reason` is required
    sender.testEndpoint(org, 'wh_1', { eventType: 'order.cancelled', data: {} });
    sender.testEndpoint(org, 'wh_1', {
      eventType: 'order.cancelled',
      // @ts-expect-error: a closed zod enum refuses another value at compile time too
      data: { reason: 'MAYBE' },
    });
  });
});

describe('the escape for types known only at run time', () => {
  it('WebhookSender<UntypedEventDataMap> takes any type and object, checked at run time', () => {
    const sender = new WebhookSender({ transport });
    const loose = sender as WebhookSender<UntypedEventDataMap>;
    const type: string = 'compliance.decision_made';
    loose.publish({ organizationUuid: org, type, partnerUuid, data: { anything: 1 } });
    loose.testEndpoint(org, 'wh_1', { eventType: type, data: {} });
    // @ts-expect-error: data is still an object
    loose.publish({ organizationUuid: org, type, partnerUuid, data: 'x' });
  });

  it('a typed input reaches an untyped sender, and every sender is a WebhookSender<Untyped…>', () => {
    const input: PublishInput = {
      organizationUuid: org,
      type: 'compliance.decision_made',
      partnerUuid,
      data: { orderUuid, decision: 'VALID_EXPORT' },
    };
    const novatrade = new WebhookSender({ transport });
    const eudr = new WebhookSender({ transport, profile: EUDR_PROFILE });
    const untyped: WebhookSender<UntypedEventDataMap> = novatrade;
    untyped.publish(input);
    expectTypeOf(eudr).toMatchTypeOf<WebhookSender<UntypedEventDataMap>>();
    // @ts-expect-error: an EUDR sender is not a Novatrade24 one
    const wrong: WebhookSender = eudr;
    void wrong;
  });

  it('WebhookSenderOptions and PublishInput without type arguments are the Novatrade24 ones', () => {
    expectTypeOf<WebhookSenderOptions>().toEqualTypeOf<WebhookSenderOptions<EventDataMap>>();
    expectTypeOf<PublishInput>().toEqualTypeOf<PublishInput<EventDataMap, EventType>>();
    expectTypeOf<TestEndpointInput>().toEqualTypeOf<TestEndpointInput<EventDataMap, EventType>>();
  });
});
