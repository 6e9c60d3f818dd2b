import { describe, expect, it } from 'vitest';
import {
  createSampleEudrEvent,
  createSampleEvent,
  EUDR_EVENT_TYPES,
  EVENT_TYPES,
  META_EVENT_TYPES,
  parseEudrEvent,
  parseEvent,
  ZERO_UUID,
} from '../../../../src/core/catalog/index.js';
import { WebhookValidationError } from '../../../../src/core/errors.js';

/** Every string in `value` that looks like a UUID. */
function uuids(value: unknown): string[] {
  const text = JSON.stringify(value);
  return text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? [];
}

describe('createSampleEvent', () => {
  it.each(EVENT_TYPES)('%s: a strictly valid v1 event with only all-zero UUIDs', (type) => {
    const event = createSampleEvent(type);
    expect(event.type).toBe(type);
    expect(event.schemaVersion).toBe(1);
    expect(event.source).toBe('SYSTEM');
    expect(parseEvent(event, { strict: true })).toEqual(event);
    const found = uuids(event);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((u) => u === ZERO_UUID)).toBe(true);
    const meta = (META_EVENT_TYPES as readonly string[]).includes(type);
    expect(event.partnerUuid).toBe(meta ? null : ZERO_UUID);
  });

  it('returns a fresh deep copy on every call', () => {
    const first = createSampleEvent('compliance.status_changed');
    (first.data.blockers as unknown[]).push({ code: 'X' });
    (first as { id: string }).id = 'evt_changed';
    const second = createSampleEvent('compliance.status_changed');
    expect(second.data.blockers).toEqual([]);
    expect(second.id).toBe('evt_00000000000000000000000000');
  });

  it('applies envelope overrides and merges data overrides', () => {
    const event = createSampleEvent('compliance.decision_made', {
      id: 'evt_1',
      source: 'API',
      createdAt: '2026-05-01T00:00:00Z',
      organizationUuid: 'org',
      partnerUuid: 'partner',
      data: { decision: 'VAT_APPLICABLE' },
    });
    expect(event).toEqual({
      id: 'evt_1',
      type: 'compliance.decision_made',
      schemaVersion: 1,
      source: 'API',
      createdAt: '2026-05-01T00:00:00Z',
      organizationUuid: 'org',
      partnerUuid: 'partner',
      data: { orderUuid: ZERO_UUID, decision: 'VAT_APPLICABLE' },
    });
    expect(
      createSampleEvent('webhook.endpoint_auto_paused', { partnerUuid: ZERO_UUID }).partnerUuid,
    ).toBe(ZERO_UUID);
  });

  it('throws unknown_event_type for a type outside the catalog', () => {
    expect(() => createSampleEvent('export_file.generation_failed' as never)).toThrow(
      WebhookValidationError,
    );
  });
});

describe('createSampleEudrEvent', () => {
  it.each(EUDR_EVENT_TYPES)('%s: a strictly valid event with all-zero ids', (type) => {
    const event = createSampleEudrEvent(type);
    expect(event.event).toBe(type);
    expect(parseEudrEvent(event, { strict: true })).toEqual(event);
    expect(uuids(event).every((u) => u === ZERO_UUID)).toBe(true);
  });

  it('applies overrides and returns fresh copies', () => {
    const event = createSampleEudrEvent('sync.completed', {
      integrationId: 'int_x',
      data: { errors: 2 },
    });
    expect(event.integrationId).toBe('int_x');
    expect(event.data).toEqual({ entityType: 'SUPPLIER', created: 1, updated: 0, errors: 2 });
    expect(createSampleEudrEvent('sync.completed').data.errors).toBe(0);
  });

  it('throws unknown_event_type for a type outside the 14', () => {
    let code: string | undefined;
    try {
      createSampleEudrEvent('connection.lost' as never);
    } catch (error) {
      code = (error as WebhookValidationError).code;
    }
    expect(code).toBe('unknown_event_type');
  });
});
