// eventArbitrary: every value is a valid Novatrade24 event (the core's own parsers and
// constructEvent accept it and give it back unchanged), every type, field, null and enum value
// turns up, and the options are checked when the arbitrary is built.

import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  EVENT_DATA_SCHEMAS,
  EVENT_SOURCES,
  EVENT_TYPES,
  type EventType,
  eventEnvelopeSchema,
  getCatalogEntry,
  META_EVENT_TYPES,
  NOVATRADE_CATALOG,
  parseEvent,
  type WebhookEvent,
} from '../../../../src/core/catalog/index.js';
import { constructEvent } from '../../../../src/receiver/construct-event.node.js';
import { eventArbitrary } from '../../../../src/testing/arbitraries/event-arbitrary.js';
import { createFakeClock } from '../../../../src/testing/create-fake-clock.js';
import { createSignedRequest } from '../../../../src/testing/create-signed-request.node.js';
import { thrown } from '../../../helpers/thrown.js';
import { NOVATRADE_ENUM_FIELDS } from '../../core/catalog/arbitraries.js';
import { expectFieldCoverage, type SchemaShape } from './field-coverage.js';

const SECRET = 'whsec_arbitrary_test_secret';
const PARTNERS = ['11111111-2222-3333-4444-555555555555', 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'];
const isMeta = (type: string) => (META_EVENT_TYPES as readonly string[]).includes(type);

function samples<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, seed = 7): T[] {
  return fc.sample(arbitrary, { seed, numRuns });
}

describe('eventArbitrary: validity', () => {
  it('every event passes strict parsing, the lenient envelope schema and a JSON round trip unchanged', () => {
    fc.assert(
      fc.property(eventArbitrary(), (event) => {
        expect(parseEvent(event, { strict: true })).toEqual(event);
        expect(eventEnvelopeSchema.safeParse(event).success).toBe(true);
        expect(JSON.parse(JSON.stringify(event))).toEqual(event);
        expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
        expect(Object.getPrototypeOf(event.data)).toBe(Object.prototype);
      }),
      { numRuns: 200 },
    );
  });

  it('signed with createSignedRequest, the body is the event and constructEvent (strict) accepts it', () => {
    const clock = createFakeClock();
    fc.assert(
      fc.property(eventArbitrary(), (event) => {
        const request = createSignedRequest(event, { secret: SECRET, now: clock.now });
        expect(JSON.parse(request.body)).toEqual(event);
        expect(
          constructEvent(request.body, request.headers, SECRET, { now: clock.now, strict: true }),
        ).toEqual(event);
      }),
      { numRuns: 150 },
    );
  });

  it('generates the schema version the catalog has for every type', () => {
    for (const type of EVENT_TYPES) {
      expect(getCatalogEntry(NOVATRADE_CATALOG, type).latestVersion).toBe(1);
    }
    for (const event of samples(eventArbitrary(), 50)) expect(event.schemaVersion).toBe(1);
  });

  it('ids and createdAt are as the sender writes them', () => {
    for (const event of samples(eventArbitrary(), 200)) {
      expect(event.id).toMatch(/^evt_[0-9a-z]{26}$/);
      expect(event.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z$/);
      expect(event.createdAt.endsWith('.000Z')).toBe(false);
      expect(event.organizationUuid).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
    }
  });

  it('partner-level events always carry a partner; meta-events carry null or a partner', () => {
    const seenMetaPartners = new Set<string | null>();
    for (const event of samples(eventArbitrary(), 400)) {
      if (isMeta(event.type)) seenMetaPartners.add(event.partnerUuid === null ? null : 'partner');
      else expect(event.partnerUuid).toEqual(expect.any(String));
    }
    expect(seenMetaPartners).toEqual(new Set([null, 'partner']));
  });

  it('meta-events: ids and URLs as the sender writes them, times in order, never a meta-event undelivered', () => {
    const arbitrary = eventArbitrary({
      types: ['webhook.endpoint_auto_paused', 'webhook.delivery_failed_terminal'],
    });
    for (const event of samples(arbitrary, 300)) {
      const { endpointUrl } = event.data;
      if (endpointUrl !== undefined) expect(new URL(endpointUrl).protocol).toBe('https:');
      expect(event.data.endpointId).toMatch(/^wh_[0-9a-z]{26}$/);
      if (event.type === 'webhook.endpoint_auto_paused') {
        const { firstFailureAt, lastFailureAt, pausedAt } = event.data;
        const times = [firstFailureAt, lastFailureAt, pausedAt].filter(
          (time): time is string => time !== undefined,
        );
        expect(times.map(Date.parse)).toEqual(times.map(Date.parse).sort((a, b) => a - b));
      } else {
        expect(isMeta(event.data.eventType)).toBe(false);
        const { firstAttemptAt, lastAttemptAt } = event.data;
        if (firstAttemptAt !== undefined && lastAttemptAt !== undefined) {
          expect(Date.parse(firstAttemptAt)).toBeLessThanOrEqual(Date.parse(lastAttemptAt));
        }
      }
    }
  });
});

describe('eventArbitrary: coverage', () => {
  it('generates every catalog type', () => {
    const seen = new Set(samples(eventArbitrary(), 200).map((event) => event.type));
    expect([...seen].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('generates every source value', () => {
    const seen = new Set(samples(eventArbitrary(), 100).map((event) => event.source));
    expect([...seen].sort()).toEqual([...EVENT_SOURCES].sort());
  });

  it.each(
    EVENT_TYPES,
  )('%s: every data field is present, and absent or null where the schema allows it', (type) => {
    const shape = EVENT_DATA_SCHEMAS[type].shape as SchemaShape;
    const events = samples(eventArbitrary({ types: [type] }), 200);
    expectFieldCoverage(
      events.map((event) => event.data as Record<string, unknown>),
      { shape, enumFields: NOVATRADE_ENUM_FIELDS },
    );
    // Nothing outside the schema's fields by default.
    for (const event of events) {
      for (const key of Object.keys(event.data)) expect(Object.keys(shape)).toContain(key);
    }
  });
});

describe('eventArbitrary: options', () => {
  it('types narrows what is generated, statically too', () => {
    const arbitrary = eventArbitrary({ types: ['kyc.vies_check_failed', 'prospect.submitted'] });
    expectTypeOf(arbitrary).toEqualTypeOf<
      fc.Arbitrary<WebhookEvent<'kyc.vies_check_failed' | 'prospect.submitted'>>
    >();
    expectTypeOf(eventArbitrary()).toEqualTypeOf<fc.Arbitrary<WebhookEvent<EventType>>>();
    const seen = new Set(samples(arbitrary, 100).map((event) => event.type));
    expect([...seen].sort()).toEqual(['kyc.vies_check_failed', 'prospect.submitted']);
  });

  it('partnerUuids: partners come from the list, and every partner of it turns up', () => {
    const seen = new Set<string | null>();
    for (const event of samples(eventArbitrary({ partnerUuids: PARTNERS }), 300)) {
      seen.add(event.partnerUuid);
      if (event.partnerUuid !== null) expect(PARTNERS).toContain(event.partnerUuid);
    }
    expect(seen).toEqual(new Set([...PARTNERS, null]));
  });

  it('unknownEnumValues: lenient parsing keeps every event, strict parsing refuses some', () => {
    let refused = 0;
    fc.assert(
      fc.property(eventArbitrary({ unknownEnumValues: true }), (event) => {
        expect(parseEvent(event)).toEqual(event);
        try {
          parseEvent(event, { strict: true });
        } catch (error) {
          expect((error as { code?: unknown }).code).toBe('invalid_event');
          refused += 1;
        }
      }),
      { numRuns: 200, seed: 3 },
    );
    expect(refused).toBeGreaterThan(0);
  });

  it('unknownFields: both parsers keep the extra data fields, which do turn up', () => {
    let extra = 0;
    fc.assert(
      fc.property(eventArbitrary({ unknownFields: true }), (event) => {
        expect(parseEvent(event, { strict: true })).toEqual(event);
        const known = Object.keys(EVENT_DATA_SCHEMAS[event.type].shape);
        if (Object.keys(event.data).some((key) => !known.includes(key))) extra += 1;
      }),
      { numRuns: 200, seed: 3 },
    );
    expect(extra).toBeGreaterThan(0);
  });

  it('the same seed gives the same events', () => {
    const arbitrary = eventArbitrary();
    expect(samples(arbitrary, 20, 42)).toEqual(samples(eventArbitrary(), 20, 42));
    expect(samples(arbitrary, 20, 42)).not.toEqual(samples(arbitrary, 20, 43));
  });

  it.each([
    [{ types: [] }, 'types', 'too_small'],
    [{ types: 'kyc.vies_check_failed' }, 'types', 'invalid_type'],
    [{ types: ['kyc.unknown'] }, 'types[0]', 'invalid_value'],
    [{ types: ['kyc.vies_check_failed', 3] }, 'types[1]', 'invalid_type'],
    [{ types: ['supplier.created'] }, 'types[0]', 'invalid_value'],
    [{ partnerUuids: [] }, 'partnerUuids', 'too_small'],
    [{ partnerUuids: ['not-a-uuid'] }, 'partnerUuids[0]', 'invalid_format'],
    [{ unknownFields: 'yes' }, 'unknownFields', 'invalid_type'],
    [{ unknownEnumValues: 1 }, 'unknownEnumValues', 'invalid_type'],
    [{ typs: ['kyc.vies_check_failed'] }, 'typs', 'unrecognized_key'],
  ])('refuses %j at construction: %s (%s)', (options, path, code) => {
    const error = thrown(() => eventArbitrary(options as never));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([expect.objectContaining({ path, code })]);
  });

  it('names the nearest option for a misspelt one', () => {
    expect(thrown(() => eventArbitrary({ partnerUuid: PARTNERS } as never)).message).toContain(
      'did you mean `partnerUuids`',
    );
    expect(thrown(() => eventArbitrary(null as never)).issues[0]?.path).toBe('options');
  });
});
