import { describe, expect, it } from 'vitest';
import {
  createSampleEudrEvent,
  EUDR_EVENT_TYPES,
  type EudrEventType,
  isKnownEudrEvent,
  parseEudrEvent,
  parseEudrEventJson,
  safeParseEudrEvent,
  safeParseEudrEventJson,
} from '../../../../src/core/catalog/index.js';
import type { WebhookValidationError } from '../../../../src/core/errors.js';
import { thrown } from '../../../helpers/thrown.js';
import { DOC_EUDR_EVENTS, DOC_EUDR_JSON } from './spec-examples.js';

const paths = (error: WebhookValidationError) => error.issues.map((issue) => issue.path);

const entity = ['externalId', 'internalId'];
const REQUIRED_DATA_FIELDS: { readonly [T in EudrEventType]: readonly string[] } = {
  'supplier.created': entity,
  'supplier.updated': entity,
  'supplier.deleted': ['externalId'],
  'product.created': entity,
  'product.updated': entity,
  'product.deleted': ['externalId'],
  'batch.created': entity,
  'batch.updated': entity,
  'batch.deleted': ['externalId'],
  'sync.completed': ['entityType', 'created', 'updated', 'errors'],
  'sync.failed': [],
  'dds.status_changed': ['batchExternalId', 'ddsNumber', 'previousStatus', 'newStatus'],
  'dds.submitted': [],
  'dds.approved': [],
};

describe('parseEudrEvent: required and optional data fields', () => {
  it.each(
    EUDR_EVENT_TYPES,
  )('%s: each required field missing → invalid_event; others optional', (type) => {
    const sample = createSampleEudrEvent(type);
    const required = REQUIRED_DATA_FIELDS[type];
    for (const key of Object.keys(sample.data)) {
      const data: Record<string, unknown> = { ...sample.data };
      delete data[key];
      const result = safeParseEudrEvent({ ...sample, data }, { strict: true });
      expect(result.success).toBe(!required.includes(key));
      if (!result.success) expect(paths(result.error)).toEqual([`data.${key}`]);
    }
    expect(required.filter((key) => !(key in sample.data))).toEqual([]);
  });
});

describe('parseEudrEvent', () => {
  it.each(
    EUDR_EVENT_TYPES,
  )('parseEudrEvent(createSampleEudrEvent(%s)) returns an equal, known event', (type) => {
    const sample = createSampleEudrEvent(type);
    for (const strict of [false, true]) {
      const event = parseEudrEvent(sample, { strict });
      expect(event.event).toBe(type);
      expect(event).toEqual(sample);
      expect(isKnownEudrEvent(event)).toBe(true);
    }
  });

  it('parseEudrEventJson(the EUDR overview payload, docs/design.md §6.10) returns the documented supplier.created event', () => {
    const event = parseEudrEventJson(DOC_EUDR_JSON, { strict: true });
    expect(event).toEqual(JSON.parse(DOC_EUDR_JSON));
    if (event.event !== 'supplier.created') throw new Error('narrowing failed');
    expect(event.data.externalId).toBe('VENDOR-001');
    expect(event.data.internalId).toBe('clx...');
    const bytes = parseEudrEventJson(new TextEncoder().encode(DOC_EUDR_JSON));
    expect(bytes).toEqual(event);
  });

  it.each(
    DOC_EUDR_EVENTS.map((e, i) => [i, e] as const),
  )('parseEudrEvent(documented example %i) parses strictly and unchanged', (_i, input) => {
    expect(parseEudrEvent(input, { strict: true })).toEqual(input);
  });

  it('keeps unknown envelope and data fields unchanged', () => {
    const sample = createSampleEudrEvent('batch.updated');
    const input = { ...sample, attempt: 2, data: { ...sample.data, batchNumber: 'B-7', qty: 1.5 } };
    expect(parseEudrEvent(input, { strict: true })).toEqual(input);
  });

  it('*.deleted accepts a payload without internalId; created/updated require it (docs/design.md §7, N-7)', () => {
    const { internalId: _omit, ...data } = createSampleEudrEvent('supplier.deleted').data;
    expect(parseEudrEvent({ ...createSampleEudrEvent('supplier.deleted'), data }).data).toEqual(
      data,
    );
    const error = thrown(() =>
      parseEudrEvent({ ...createSampleEudrEvent('supplier.created'), data }),
    );
    expect(error.code).toBe('invalid_event');
    expect(paths(error)).toEqual(['data.internalId']);
  });

  it('dds.submitted / dds.approved / sync.failed accept an empty data object (inferred shapes)', () => {
    for (const type of ['dds.submitted', 'dds.approved', 'sync.failed'] as const) {
      expect(
        parseEudrEvent({ ...createSampleEudrEvent(type), data: {} }, { strict: true }).data,
      ).toEqual({});
    }
  });

  it('lenient: an unknown event type (connection.lost, docs/design.md §7, N-9) returns a generic event', () => {
    const input = {
      ...createSampleEudrEvent('sync.completed'),
      event: 'connection.lost',
      data: { a: 1 },
    };
    const event = parseEudrEvent(input);
    expect(event).toEqual(input);
    expect(isKnownEudrEvent(event)).toBe(false);
  });

  it('strict: an unknown event type throws unknown_event_type at path event, giving its length, not its value', () => {
    const input = { ...createSampleEudrEvent('sync.completed'), event: 'connection.lost' };
    const error = thrown(() => parseEudrEvent(input, { strict: true }));
    expect(error.code).toBe('unknown_event_type');
    expect(paths(error)).toEqual(['event']);
    expect(error.message).toBe(
      'parseEudrEvent: `event` is a string of 15 characters that is not one of the 14 EUDR ' +
        'event types (strict mode). Parse without `strict` to receive unknown types as unknown ' +
        'events.',
    );
  });

  it('unknown enum values: lenient keeps them, strict reports each path', () => {
    const sync = createSampleEudrEvent('sync.completed', { data: { entityType: 'CERTIFICATE' } });
    expect(parseEudrEvent(sync).data).toMatchObject({ entityType: 'CERTIFICATE' });
    expect(paths(thrown(() => parseEudrEvent(sync, { strict: true })))).toEqual([
      'data.entityType',
    ]);
    const dds = createSampleEudrEvent('dds.status_changed', { data: { newStatus: 'WITHDRAWN' } });
    expect(parseEudrEvent(dds).data).toMatchObject({ newStatus: 'WITHDRAWN' });
    expect(paths(thrown(() => parseEudrEvent(dds, { strict: true })))).toEqual(['data.newStatus']);
  });

  it.each([
    ['event', ''],
    ['event', 3],
    ['timestamp', '2024-01-15'],
    ['timestamp', 1705314600],
    ['integrationId', null],
    ['data', null],
    ['data', [1]],
  ] as const)('an envelope with %s = %j throws invalid_event at that path', (field, value) => {
    const error = thrown(() =>
      parseEudrEvent({ ...createSampleEudrEvent('batch.created'), [field]: value }),
    );
    expect(error.code).toBe('invalid_event');
    expect(paths(error)).toEqual([field]);
  });

  it('sync.completed with mistyped counts reports each data path', () => {
    const input = createSampleEudrEvent('sync.completed', {
      data: { created: -1, updated: 1.5, errors: [] as never },
    });
    expect(paths(thrown(() => parseEudrEvent(input)))).toEqual([
      'data.created',
      'data.updated',
      'data.errors',
    ]);
  });

  it('bad JSON throws invalid_json; safe variants return the same codes', () => {
    expect(thrown(() => parseEudrEventJson('{"event":')).code).toBe('invalid_json');
    const bad = safeParseEudrEventJson(new Uint8Array([0xc3]));
    expect(!bad.success && bad.error.code).toBe('invalid_json');
    const unknown = safeParseEudrEvent(
      { ...createSampleEudrEvent('batch.created'), event: 'x.y' },
      { strict: true },
    );
    expect(!unknown.success && unknown.error.code).toBe('unknown_event_type');
    const ok = safeParseEudrEvent(createSampleEudrEvent('batch.created'));
    expect(ok).toEqual({ success: true, data: createSampleEudrEvent('batch.created') });
  });
});
