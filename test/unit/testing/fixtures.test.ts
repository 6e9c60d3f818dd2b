import { describe, expect, it } from 'vitest';
import {
  EUDR_EVENT_TYPES,
  EVENT_TYPES,
  META_EVENT_TYPES,
  parseEudrEvent,
  parseEvent,
} from '../../../src/core/catalog/index.js';
import {
  createSampleEudrEvent,
  createSampleEvent,
  ZERO_UUID,
} from '../../../src/core/catalog/sample-events.js';
import { EUDR_EVENT_FIXTURES } from '../../../src/testing/eudr-event-fixtures.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';

/** Every UUID-shaped string in `value`. */
function uuids(value: unknown): string[] {
  return (
    JSON.stringify(value).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ??
    []
  );
}

/** Every object and array reachable from `value`, itself included. */
function objectsIn(value: unknown): object[] {
  if (typeof value !== 'object' || value === null) return [];
  return [value, ...Object.values(value).flatMap(objectsIn)];
}

describe('EVENT_FIXTURES', () => {
  it('has exactly the 10 catalog types as keys, in catalog order', () => {
    expect(Object.keys(EVENT_FIXTURES)).toEqual([...EVENT_TYPES]);
  });

  it.each(EVENT_TYPES)('%s parses strictly and equals createSampleEvent', (type) => {
    const fixture = EVENT_FIXTURES[type];
    expect(fixture.type).toBe(type);
    expect(parseEvent(fixture, { strict: true })).toEqual(fixture);
    expect(fixture).toEqual(createSampleEvent(type));
  });

  it.each(EVENT_TYPES)('%s uses only all-zero test UUIDs', (type) => {
    const found = uuids(EVENT_FIXTURES[type]);
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found)).toEqual(new Set([ZERO_UUID]));
  });

  it('gives meta-events a null partnerUuid and the others the zero UUID', () => {
    for (const type of EVENT_TYPES) {
      const meta = (META_EVENT_TYPES as readonly string[]).includes(type);
      expect(EVENT_FIXTURES[type].partnerUuid).toBe(meta ? null : ZERO_UUID);
    }
  });

  it('is deep-frozen: the record, each event, its data and nested arrays', () => {
    const all = objectsIn(EVENT_FIXTURES);
    expect(all.length).toBeGreaterThan(20);
    expect(all.every((o) => Object.isFrozen(o))).toBe(true);
    const blockers = EVENT_FIXTURES['compliance.status_changed'].data.blockers as unknown[];
    expect(() => blockers.push({})).toThrow(TypeError);
    expect(() => {
      (EVENT_FIXTURES['kyc.vies_check_failed'].data as { vatNumber: string }).vatNumber = 'x';
    }).toThrow(TypeError);
  });

  it('does not share objects with later createSampleEvent results', () => {
    const copy = createSampleEvent('compliance.status_changed');
    expect(Object.isFrozen(copy)).toBe(false);
    expect(copy.data.blockers).not.toBe(EVENT_FIXTURES['compliance.status_changed'].data.blockers);
  });
});

describe('EUDR_EVENT_FIXTURES', () => {
  it('has exactly the 14 EUDR types as keys, in order', () => {
    expect(Object.keys(EUDR_EVENT_FIXTURES)).toEqual([...EUDR_EVENT_TYPES]);
  });

  it.each(EUDR_EVENT_TYPES)('%s parses strictly and equals createSampleEudrEvent', (type) => {
    const fixture = EUDR_EVENT_FIXTURES[type];
    expect(fixture.event).toBe(type);
    expect(parseEudrEvent(fixture, { strict: true })).toEqual(fixture);
    expect(fixture).toEqual(createSampleEudrEvent(type));
  });

  it('is deep-frozen', () => {
    expect(objectsIn(EUDR_EVENT_FIXTURES).every((o) => Object.isFrozen(o))).toBe(true);
  });
});
