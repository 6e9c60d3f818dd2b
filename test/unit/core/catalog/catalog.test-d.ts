// Type tests (checked by `tsc -p test/tsconfig.json`): the event unions narrow on their
// discriminant, the parsers' overloads return the right union, and every hand-written payload
// type has exactly the fields of its zod schema.

import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  type AnyEudrWebhookEvent,
  type AnyWebhookEvent,
  type ComplianceBlocker,
  type ComplianceStatusChangedData,
  createSampleEudrEvent,
  createSampleEvent,
  type EUDR_EVENT_DATA_SCHEMAS,
  type EudrEventData,
  type EudrEventDataMap,
  type EudrEventType,
  type EudrSyncCompletedData,
  type EudrWebhookEvent,
  type EVENT_DATA_SCHEMAS,
  type EventData,
  type EventDataMap,
  type EventType,
  isKnownEudrEvent,
  isKnownEvent,
  type KycViesCheckFailedData,
  type OpenEnum,
  parseEudrEvent,
  parseEvent,
  parseEventJson,
  type SafeParseEventResult,
  safeParseEvent,
  type UnknownWebhookEvent,
  type WebhookDeliveryFailedTerminalData,
  type WebhookEvent,
} from '../../../../src/core/catalog/index.js';

declare const json: unknown;

describe('WebhookEvent', () => {
  it('switch (event.type) narrows event.data', () => {
    const event = parseEvent(json, { strict: true });
    expectTypeOf(event).toEqualTypeOf<WebhookEvent>();
    switch (event.type) {
      case 'compliance.status_changed':
        expectTypeOf(event.data).toEqualTypeOf<ComplianceStatusChangedData>();
        expectTypeOf(event.data.blockers).toEqualTypeOf<readonly ComplianceBlocker[]>();
        expectTypeOf(event.partnerUuid).toEqualTypeOf<string>();
        break;
      case 'kyc.vies_check_failed':
        expectTypeOf(event.data).toEqualTypeOf<KycViesCheckFailedData>();
        expectTypeOf(event.data.vatNumber).toEqualTypeOf<string>();
        break;
      case 'webhook.delivery_failed_terminal':
        expectTypeOf(event.data).toEqualTypeOf<WebhookDeliveryFailedTerminalData>();
        expectTypeOf(event.partnerUuid).toEqualTypeOf<string | null>();
        break;
      default:
        expectTypeOf(event.type).toEqualTypeOf<
          Exclude<
            EventType,
            | 'compliance.status_changed'
            | 'kyc.vies_check_failed'
            | 'webhook.delivery_failed_terminal'
          >
        >();
    }
  });

  it('an exhaustive switch leaves never', () => {
    const event = parseEvent(json, { strict: true });
    switch (event.type) {
      case 'compliance.status_changed':
      case 'compliance.decision_made':
      case 'kyc.vies_check_failed':
      case 'kyc.verification_completed':
      case 'export_file.generated':
      case 'prospect.submitted':
      case 'self_service_invitation.used':
      case 'self_service_invitation.expired':
      case 'webhook.endpoint_auto_paused':
      case 'webhook.delivery_failed_terminal':
        break;
      default:
        expectTypeOf(event).toBeNever();
    }
  });

  it('WebhookEvent<T> and EventData<T> select one type', () => {
    expectTypeOf<
      WebhookEvent<'compliance.decision_made'>['type']
    >().toEqualTypeOf<'compliance.decision_made'>();
    expectTypeOf<WebhookEvent<'compliance.decision_made'>['data']>().toEqualTypeOf<
      EventData<'compliance.decision_made'>
    >();
    expectTypeOf<WebhookEvent<'webhook.endpoint_auto_paused'>['partnerUuid']>().toEqualTypeOf<
      string | null
    >();
    expectTypeOf<WebhookEvent<'prospect.submitted'>['partnerUuid']>().toEqualTypeOf<string>();
    expectTypeOf<
      WebhookEvent<'compliance.decision_made' | 'prospect.submitted'>['type']
    >().toEqualTypeOf<'compliance.decision_made' | 'prospect.submitted'>();
    expectTypeOf<keyof EventDataMap>().toEqualTypeOf<EventType>();
    // payloads are plain object types: usable where a record is expected (converters, senders)
    expectTypeOf<EventData>().toExtend<Record<string, unknown>>();
  });

  it('enum fields are open: known values autocomplete, unknown strings type-check', () => {
    expectTypeOf<EventData<'compliance.decision_made'>['decision']>().toEqualTypeOf<
      OpenEnum<'VALID_EXPORT' | 'VAT_APPLICABLE'>
    >();
    expectTypeOf<'VALID_EXPORT'>().toExtend<EventData<'compliance.decision_made'>['decision']>();
    expectTypeOf<'SOMETHING_NEW'>().toExtend<EventData<'compliance.decision_made'>['decision']>();
    expectTypeOf<42>().not.toExtend<EventData<'compliance.decision_made'>['decision']>();
  });

  it('lenient parsing returns AnyWebhookEvent; isKnownEvent narrows it', () => {
    const event = parseEvent(json);
    expectTypeOf(event).toEqualTypeOf<AnyWebhookEvent>();
    expectTypeOf(parseEvent(json, { strict: false })).toEqualTypeOf<AnyWebhookEvent>();
    expectTypeOf(parseEventJson('{}')).toEqualTypeOf<AnyWebhookEvent>();
    expectTypeOf(parseEventJson(new Uint8Array(), { strict: true })).toEqualTypeOf<WebhookEvent>();
    if (isKnownEvent(event)) {
      expectTypeOf(event).toEqualTypeOf<WebhookEvent>();
      if (event.type === 'compliance.status_changed') {
        expectTypeOf(event.data.currentStatus).toEqualTypeOf<
          OpenEnum<'INCOMPLETE' | 'VALID' | 'INVALID'>
        >();
      }
    } else {
      expectTypeOf(event).toEqualTypeOf<UnknownWebhookEvent>();
      expectTypeOf(event.data).toEqualTypeOf<Record<string, unknown>>();
    }
  });

  it('safeParseEvent narrows on success', () => {
    const result = safeParseEvent(json);
    expectTypeOf(result).toEqualTypeOf<SafeParseEventResult>();
    if (result.success) expectTypeOf(result.data).toEqualTypeOf<AnyWebhookEvent>();
    else expectTypeOf(result.error.code).toExtend<string>();
    const strict = safeParseEvent(json, { strict: true });
    if (strict.success) expectTypeOf(strict.data).toEqualTypeOf<WebhookEvent>();
  });

  it('createSampleEvent returns the event of its type', () => {
    expectTypeOf(createSampleEvent('kyc.vies_check_failed')).toEqualTypeOf<
      WebhookEvent<'kyc.vies_check_failed'>
    >();
    // @ts-expect-error: not a catalog type
    createSampleEvent('export_file.generation_failed');
    // @ts-expect-error: data overrides are typed
    createSampleEvent('compliance.decision_made', { data: { orderUuid: 1 } });
  });
});

describe('EudrWebhookEvent', () => {
  it('switch (event.event) narrows event.data', () => {
    const event = parseEudrEvent(json, { strict: true });
    expectTypeOf(event).toEqualTypeOf<EudrWebhookEvent>();
    switch (event.event) {
      case 'sync.completed':
        expectTypeOf(event.data).toEqualTypeOf<EudrSyncCompletedData>();
        expectTypeOf(event.data.errors).toEqualTypeOf<number>();
        break;
      case 'supplier.deleted':
        expectTypeOf(event.data.internalId).toEqualTypeOf<string | undefined>();
        break;
      case 'dds.status_changed':
        expectTypeOf(event.data.newStatus).toEqualTypeOf<OpenEnum<
          'DRAFT' | 'SUBMITTED' | 'APPROVED' | 'REJECTED'
        > | null>();
        break;
    }
  });

  it('lenient parsing returns AnyEudrWebhookEvent; isKnownEudrEvent narrows it', () => {
    const event = parseEudrEvent(json);
    expectTypeOf(event).toEqualTypeOf<AnyEudrWebhookEvent>();
    if (isKnownEudrEvent(event)) expectTypeOf(event).toEqualTypeOf<EudrWebhookEvent>();
    expectTypeOf<keyof EudrEventDataMap>().toEqualTypeOf<EudrEventType>();
    expectTypeOf(createSampleEudrEvent('batch.created')).toEqualTypeOf<
      EudrWebhookEvent<'batch.created'>
    >();
  });
});

// A schema's output without zod's loose index signature.
type WithoutIndex<T> = {
  [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K];
};
type KnownKeys<T> = keyof WithoutIndex<T>;
type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];
type KnownRequiredKeys<T> = RequiredKeys<WithoutIndex<T>>;

describe('payload types match their schemas', () => {
  it('Novatrade24: same fields, same required fields, output assignable', () => {
    type Check<T extends EventType> = [
      KnownKeys<z.output<(typeof EVENT_DATA_SCHEMAS)[T]>>,
      KnownRequiredKeys<z.output<(typeof EVENT_DATA_SCHEMAS)[T]>>,
    ];
    expectTypeOf<{ [T in EventType]: Check<T> }>().toEqualTypeOf<{
      [T in EventType]: [keyof EventData<T>, RequiredKeys<EventData<T>>];
    }>();
    expectTypeOf<
      z.output<(typeof EVENT_DATA_SCHEMAS)['compliance.status_changed']>
    >().toExtend<ComplianceStatusChangedData>();
  });

  it('EUDR: same fields, same required fields', () => {
    type Check<T extends EudrEventType> = [
      KnownKeys<z.output<(typeof EUDR_EVENT_DATA_SCHEMAS)[T]>>,
      KnownRequiredKeys<z.output<(typeof EUDR_EVENT_DATA_SCHEMAS)[T]>>,
    ];
    expectTypeOf<{ [T in EudrEventType]: Check<T> }>().toEqualTypeOf<{
      [T in EudrEventType]: [keyof EudrEventData<T>, RequiredKeys<EudrEventData<T>>];
    }>();
  });
});
