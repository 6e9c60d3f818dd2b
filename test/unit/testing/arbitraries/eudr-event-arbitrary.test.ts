// eudrEventArbitrary: every value is a valid N'entropy EUDR event (strict parsing and
// constructEudrEvent after signing accept it unchanged), every type, field and enum value turns
// up, and the options are checked when the arbitrary is built.

import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  EUDR_EVENT_DATA_SCHEMAS,
  EUDR_EVENT_TYPES,
  type EudrWebhookEvent,
  eudrEventEnvelopeSchema,
  parseEudrEvent,
} from '../../../../src/core/catalog/index.js';
import { constructEudrEvent } from '../../../../src/receiver/construct-eudr-event.node.js';
import { eudrEventArbitrary } from '../../../../src/testing/arbitraries/eudr-event-arbitrary.js';
import { createSignedRequest } from '../../../../src/testing/create-signed-request.node.js';
import { thrown } from '../../../helpers/thrown.js';
import { EUDR_ENUM_FIELDS } from '../../core/catalog/arbitraries.js';
import { expectFieldCoverage, type SchemaShape } from './field-coverage.js';

const SECRET = 'whsec_arbitrary_test_secret';

function samples<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, seed = 11): T[] {
  return fc.sample(arbitrary, { seed, numRuns });
}

describe('eudrEventArbitrary', () => {
  it('every event passes strict parsing and the envelope schema unchanged', () => {
    fc.assert(
      fc.property(eudrEventArbitrary(), (event) => {
        expect(parseEudrEvent(event, { strict: true })).toEqual(event);
        expect(eudrEventEnvelopeSchema.safeParse(event).success).toBe(true);
        expect(JSON.parse(JSON.stringify(event))).toEqual(event);
        expect(event.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }),
      { numRuns: 200 },
    );
  });

  it('signed for the eudr profile, the body is the event and constructEudrEvent (strict) accepts it', () => {
    fc.assert(
      fc.property(eudrEventArbitrary(), (event) => {
        const request = createSignedRequest(event, { secret: SECRET, profile: 'eudr' });
        expect(JSON.parse(request.body)).toEqual(event);
        expect(request.headers['X-Webhook-Timestamp']).toBe(event.timestamp);
        expect(constructEudrEvent(request.body, request.headers, SECRET, { strict: true })).toEqual(
          event,
        );
      }),
      { numRuns: 100 },
    );
  });

  it('generates every EUDR type', () => {
    const seen = new Set(samples(eudrEventArbitrary(), 250).map((event) => event.event));
    expect([...seen].sort()).toEqual([...EUDR_EVENT_TYPES].sort());
  });

  it.each(
    EUDR_EVENT_TYPES,
  )('%s: every data field is present, and absent or null where the schema allows it', (type) => {
    const shape = EUDR_EVENT_DATA_SCHEMAS[type].shape as SchemaShape;
    const events = samples(eudrEventArbitrary({ types: [type] }), 150);
    expectFieldCoverage(
      events.map((event) => event.data as Record<string, unknown>),
      { shape, enumFields: EUDR_ENUM_FIELDS },
    );
  });

  it('types narrows what is generated, statically too', () => {
    const arbitrary = eudrEventArbitrary({ types: ['sync.failed'] });
    expectTypeOf(arbitrary).toEqualTypeOf<fc.Arbitrary<EudrWebhookEvent<'sync.failed'>>>();
    for (const event of samples(arbitrary, 20)) expect(event.event).toBe('sync.failed');
  });

  it('unknownEnumValues and unknownFields: lenient parsing keeps every event; both turn up', () => {
    let refused = 0;
    let extra = 0;
    fc.assert(
      fc.property(eudrEventArbitrary({ unknownEnumValues: true, unknownFields: true }), (event) => {
        expect(parseEudrEvent(event)).toEqual(event);
        const known = Object.keys(EUDR_EVENT_DATA_SCHEMAS[event.event].shape);
        if (Object.keys(event.data).some((key) => !known.includes(key))) extra += 1;
        try {
          parseEudrEvent(event, { strict: true });
        } catch {
          refused += 1;
        }
      }),
      { numRuns: 300, seed: 5 },
    );
    expect(refused).toBeGreaterThan(0);
    expect(extra).toBeGreaterThan(0);
  });

  it('the same seed gives the same events', () => {
    expect(samples(eudrEventArbitrary(), 20, 42)).toEqual(samples(eudrEventArbitrary(), 20, 42));
  });

  it.each([
    [{ types: [] }, 'types', 'too_small'],
    [{ types: ['compliance.decision_made'] }, 'types[0]', 'invalid_value'],
    [{ partnerUuids: [] }, 'partnerUuids', 'unrecognized_key'],
    [{ unknownFields: 'no' }, 'unknownFields', 'invalid_type'],
  ])('refuses %j at construction: %s (%s)', (options, path, code) => {
    const error = thrown(() => eudrEventArbitrary(options as never));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([expect.objectContaining({ path, code })]);
  });
});
