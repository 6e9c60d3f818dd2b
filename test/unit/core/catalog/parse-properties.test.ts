// Property tests of the parsers: total (only WebhookValidationError escapes), faithful (a JSON round
// trip of any valid event parses back to what was sent) and strict ⊆ lenient.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EUDR_EVENT_TYPES,
  EVENT_SOURCES,
  EVENT_TYPES,
  isKnownEudrEvent,
  isKnownEvent,
  parseEudrEvent,
  parseEudrEventJson,
  parseEvent,
  parseEventJson,
  safeParseEudrEvent,
  safeParseEudrEventJson,
  safeParseEvent,
  safeParseEventJson,
} from '../../../../src/core/catalog/index.js';
import { WebhookValidationError } from '../../../../src/core/errors.js';
import { eudrEventArbitrary, eventArbitrary, isoDateTime, overTheWire } from './arbitraries.js';

/** Runs `fn`; anything thrown other than a WebhookValidationError fails the property. */
function onlyValidationErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof WebhookValidationError)) throw error;
    expect([
      'invalid_json',
      'invalid_payload_type',
      'invalid_event',
      'unknown_event_type',
      'unsupported_schema_version',
    ]).toContain(error.code);
  }
}

// Inputs that get past the first checks: envelope-shaped objects with random field values.
const envelopeShaped = fc.record(
  {
    id: fc.oneof(fc.string(), fc.anything()),
    type: fc.oneof(fc.constantFrom(...EVENT_TYPES), fc.string(), fc.anything()),
    schemaVersion: fc.oneof(fc.constantFrom(1, 2), fc.anything()),
    source: fc.oneof(fc.constantFrom(...EVENT_SOURCES), fc.anything()),
    createdAt: fc.oneof(isoDateTime, fc.anything()),
    organizationUuid: fc.oneof(fc.string(), fc.anything()),
    partnerUuid: fc.oneof(fc.string(), fc.constant(null), fc.anything()),
    data: fc.oneof(fc.dictionary(fc.string(), fc.anything()), fc.anything()),
  },
  { requiredKeys: [] },
);

const eudrShaped = fc.record(
  {
    event: fc.oneof(fc.constantFrom(...EUDR_EVENT_TYPES), fc.anything()),
    timestamp: fc.oneof(isoDateTime, fc.anything()),
    integrationId: fc.oneof(fc.string(), fc.anything()),
    data: fc.oneof(fc.dictionary(fc.string(), fc.anything()), fc.anything()),
  },
  { requiredKeys: [] },
);

const anyInput = fc.oneof(fc.anything(), fc.jsonValue(), envelopeShaped, eudrShaped);
const anyRaw = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.uint8Array({ maxLength: 64 }),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  envelopeShaped.map((v) => JSON.stringify(v) ?? ''),
);

describe('parsers are total', () => {
  it('parseEvent / parseEudrEvent throw only WebhookValidationError on any value, both modes', () => {
    fc.assert(
      fc.property(anyInput, fc.boolean(), (input, strict) => {
        onlyValidationErrors(() => parseEvent(input, { strict }));
        onlyValidationErrors(() => parseEudrEvent(input, { strict }));
      }),
      { numRuns: 500 },
    );
  });

  it('parseEventJson / parseEudrEventJson throw only WebhookValidationError on any string or bytes', () => {
    fc.assert(
      fc.property(anyRaw, fc.boolean(), (raw, strict) => {
        onlyValidationErrors(() => parseEventJson(raw, { strict }));
        onlyValidationErrors(() => parseEudrEventJson(raw, { strict }));
      }),
      { numRuns: 500 },
    );
  });

  it('the safe variants never throw and agree with the throwing ones', () => {
    fc.assert(
      fc.property(anyInput, anyRaw, fc.boolean(), (input, raw, strict) => {
        const pairs: [() => { success: boolean }, () => unknown][] = [
          [() => safeParseEvent(input, { strict }), () => parseEvent(input, { strict })],
          [() => safeParseEudrEvent(input, { strict }), () => parseEudrEvent(input, { strict })],
          [() => safeParseEventJson(raw, { strict }), () => parseEventJson(raw, { strict })],
          [
            () => safeParseEudrEventJson(raw, { strict }),
            () => parseEudrEventJson(raw, { strict }),
          ],
        ];
        for (const [safe, unsafe] of pairs) {
          const result = safe();
          let threw = false;
          try {
            unsafe();
          } catch {
            threw = true;
          }
          expect(threw).toBe(!result.success);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('valid events round-trip', () => {
  it('JSON.stringify → parseEventJson returns the sent event, extra fields included (lenient, open enums)', () => {
    fc.assert(
      fc.property(eventArbitrary(true), (event) => {
        const wire = JSON.stringify(event);
        const parsed = parseEventJson(wire);
        expect(parsed).toEqual(JSON.parse(wire));
        expect(JSON.stringify(parsed).length).toBe(wire.length);
        expect(isKnownEvent(parsed)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('events with known enum values parse strictly, from text and from UTF-8 bytes', () => {
    fc.assert(
      fc.property(eventArbitrary(false), (event) => {
        const wire = JSON.stringify(event);
        expect(parseEventJson(wire, { strict: true })).toEqual(JSON.parse(wire));
        const bytes = new TextEncoder().encode(wire);
        expect(parseEventJson(bytes, { strict: true })).toEqual(
          JSON.parse(new TextDecoder().decode(bytes)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('parse is idempotent: parsing a parsed event returns an equal event', () => {
    fc.assert(
      fc.property(eventArbitrary(true), (event) => {
        const once = parseEvent(overTheWire(event));
        expect(parseEvent(once)).toEqual(once);
      }),
      { numRuns: 200 },
    );
  });

  it('EUDR: JSON.stringify → parseEudrEventJson returns the sent event (lenient and strict)', () => {
    fc.assert(
      fc.property(eudrEventArbitrary(true), eudrEventArbitrary(false), (open, known) => {
        const wire = JSON.stringify(open);
        const parsed = parseEudrEventJson(wire);
        expect(parsed).toEqual(JSON.parse(wire));
        expect(isKnownEudrEvent(parsed)).toBe(true);
        expect(parseEudrEventJson(JSON.stringify(known), { strict: true })).toEqual(
          overTheWire(known),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('strict accepts a subset of lenient: whatever strict accepts, lenient returns equally', () => {
    fc.assert(
      fc.property(fc.oneof(eventArbitrary(true), envelopeShaped), (input) => {
        const strict = safeParseEvent(input, { strict: true });
        if (strict.success) expect(parseEvent(input)).toEqual(strict.data);
      }),
      { numRuns: 300 },
    );
  });
});
