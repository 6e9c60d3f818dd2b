import { describe, expect, it } from 'vitest';
import {
  createSampleEvent,
  EVENT_TYPES,
  type EventType,
  isKnownEvent,
  parseEvent,
  parseEventJson,
  safeParseEvent,
  safeParseEventJson,
} from '../../../../src/core/catalog/index.js';
import { WebhookValidationError } from '../../../../src/core/errors.js';
import { thrown } from '../../../helpers/thrown.js';
import { ENVELOPE_KEYS } from './arbitraries.js';
import { DOC_ENVELOPE_JSON, DOC_EVENTS, VECTOR_BODY } from './spec-examples.js';

function paths(error: WebhookValidationError): string[] {
  return error.issues.map((issue) => issue.path);
}

describe('parseEvent: samples', () => {
  it.each(
    EVENT_TYPES,
  )('parseEvent(createSampleEvent(%s)) returns an equal, known event', (type) => {
    const sample = createSampleEvent(type);
    for (const strict of [false, true]) {
      const event = parseEvent(sample, { strict });
      expect(event.type).toBe(type);
      expect(event).toEqual(sample);
      expect(event).not.toBe(sample);
      expect(isKnownEvent(event)).toBe(true);
    }
  });
});

describe('parseEvent: the spec documented examples', () => {
  it('parseEventJson(the Novatrade24 setup page (docs/design.md §6.15) envelope) returns the documented event, placeholders kept', () => {
    const event = parseEventJson(DOC_ENVELOPE_JSON, { strict: true });
    expect(event).toEqual(JSON.parse(DOC_ENVELOPE_JSON));
    if (event.type !== 'compliance.status_changed') throw new Error('narrowing failed');
    expect(event.data.orderUuid).toBe('o1p2q3r4-...');
    expect(event.data.blockers).toEqual([]);
  });

  it('parseEventJson(§1.14 vector body) returns compliance.decision_made VALID_EXPORT, as text and bytes', () => {
    const bytes = new TextEncoder().encode(VECTOR_BODY);
    expect(bytes.byteLength).toBe(324);
    for (const raw of [VECTOR_BODY, bytes]) {
      const event = parseEventJson(raw, { strict: true });
      expect(event.type).toBe('compliance.decision_made');
      expect(event.id).toBe('evt_test_0001');
      expect(event.data).toEqual({
        orderUuid: '00000000-0000-0000-0000-000000000000',
        decision: 'VALID_EXPORT',
      });
    }
  });

  it.each(
    DOC_EVENTS.map((e, i) => [i, e.type, e.data] as const),
  )('parseEvent(catalog example %i, %s) parses strictly and unchanged', (_i, type, input) => {
    const event = parseEvent(input, { strict: true });
    expect(event.type).toBe(type);
    expect(event).toEqual(input);
  });

  it('parseEventJson(bytes) honours the view of a larger buffer (byteOffset/byteLength)', () => {
    const body = new TextEncoder().encode(VECTOR_BODY);
    const pool = new Uint8Array(body.byteLength + 20).fill(0x7b); // '{' garbage around it
    pool.set(body, 10);
    const view = pool.subarray(10, 10 + body.byteLength);
    expect(parseEventJson(view).id).toBe('evt_test_0001');
  });
});

describe('parseEvent: unknown fields pass through', () => {
  it('keeps unknown envelope, data and nested blocker fields unchanged', () => {
    const sample = createSampleEvent('compliance.status_changed');
    const input = {
      ...sample,
      deliveryAttempt: 3,
      trace: { spans: [1, 2], ok: true },
      data: {
        ...sample.data,
        rollupVersion: 7,
        blockers: [{ module: 'transport', code: 'MISSING_CMR', message: 'm', severity: 'HIGH' }],
      },
    };
    for (const strict of [false, true]) {
      const event = parseEvent(input, { strict });
      expect(event).toEqual(input);
      expect((event as Record<string, unknown>).trace).toEqual({ spans: [1, 2], ok: true });
      expect((event.data as Record<string, unknown>).rollupVersion).toBe(7);
    }
  });

  it('does not mutate its input', () => {
    const input = createSampleEvent('kyc.vies_check_failed');
    const before = structuredClone(input);
    parseEvent(input);
    expect(input).toEqual(before);
  });

  it('drops an own __proto__ key and never changes the prototype of the result', () => {
    const raw = VECTOR_BODY.replace('{"id"', '{"__proto__":{"polluted":true},"id"').replace(
      '"data":{',
      '"data":{"__proto__":{"polluted":true},',
    );
    const event = parseEventJson(raw) as Record<string, unknown>;
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(event.data)).toBe(Object.prototype);
    expect(event.polluted).toBeUndefined();
    expect(Object.hasOwn(event, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseEvent: unknown types, versions and enum values', () => {
  const sample = createSampleEvent('compliance.status_changed');

  it('lenient: an unknown type (Phase 2 export_file.generation_failed) returns a generic event', () => {
    const input = { ...sample, type: 'export_file.generation_failed', data: { any: ['thing'] } };
    const event = parseEvent(input);
    expect(event).toEqual(input);
    expect(isKnownEvent(event)).toBe(false);
  });

  it('strict: an unknown type throws unknown_event_type naming the path `type` and its length, not its value', () => {
    const error = thrown(() =>
      parseEvent({ ...sample, type: 'export_file.generation_failed' }, { strict: true }),
    );
    expect(error.code).toBe('unknown_event_type');
    expect(paths(error)).toEqual(['type']);
    expect(error.message).toBe(
      'parseEvent: `type` is a string of 29 characters that is not in the catalog (strict ' +
        'mode). Parse without `strict` to receive unknown types as unknown events.',
    );
  });

  it('lenient: a generic event still needs a valid envelope (invalid_event, not a pass)', () => {
    const error = thrown(() => parseEvent({ ...sample, type: 'x.y', createdAt: 'yesterday' }));
    expect(error.code).toBe('invalid_event');
    expect(paths(error)).toEqual(['createdAt']);
  });

  it('lenient: a known type at an unknown schemaVersion returns a generic event, data unchecked', () => {
    const input = { ...sample, schemaVersion: 2, data: { order: { uuid: 'o-1' } } };
    const event = parseEvent(input);
    expect(event).toEqual(input);
    expect(isKnownEvent(event)).toBe(false);
  });

  it("strict: a known type at an unknown schemaVersion throws unsupported_schema_version naming the known versions, not the event's", () => {
    const error = thrown(() => parseEvent({ ...sample, schemaVersion: 7 }, { strict: true }));
    expect(error.code).toBe('unsupported_schema_version');
    expect(paths(error)).toEqual(['schemaVersion']);
    expect(error.message).toBe(
      'parseEvent: the "compliance.status_changed" event has a `schemaVersion` this catalog ' +
        'does not know (it knows 1; strict mode). Register the endpoint with ' +
        'acceptedSchemaVersions your code knows, or parse without `strict`.',
    );
  });

  it('lenient: unknown enum values in envelope and data are accepted and kept', () => {
    const input = {
      ...sample,
      source: 'PARTNER_PORTAL',
      data: { ...sample.data, previousStatus: 'ON_HOLD', currentStatus: 'ARCHIVED' },
    };
    const event = parseEvent(input);
    expect(event).toEqual(input);
    expect(isKnownEvent(event)).toBe(true);
  });

  it('strict: unknown enum values throw invalid_event with each path', () => {
    const input = {
      ...sample,
      source: 'PARTNER_PORTAL',
      data: { ...sample.data, currentStatus: 'ARCHIVED' },
    };
    const error = thrown(() => parseEvent(input, { strict: true }));
    expect(error.code).toBe('invalid_event');
    expect(paths(error)).toEqual(['source', 'data.currentStatus']);
  });

  it.each([
    ['compliance.decision_made', { decision: 'VAT_REVERSE_CHARGE' }, 'data.decision'],
    ['kyc.vies_check_failed', { currentResult: 'SUSPENDED' }, 'data.currentResult'],
    ['kyc.verification_completed', { outcome: 'EXPIRED' }, 'data.outcome'],
    ['prospect.submitted', { type: 'PUBLIC_BODY' }, 'data.type'],
    ['self_service_invitation.used', { kind: 'PAYMENT' }, 'data.kind'],
    ['webhook.endpoint_auto_paused', { pauseReason: 'MANUAL' }, 'data.pauseReason'],
    ['webhook.delivery_failed_terminal', { failureReason: 'GONE' }, 'data.failureReason'],
  ] as const)('%s with an unknown enum value: lenient keeps it, strict rejects %s', (type, data, path) => {
    const input = createSampleEvent(type as EventType, { data: data as never });
    expect(parseEvent(input).data).toMatchObject(data);
    expect(paths(thrown(() => parseEvent(input, { strict: true })))).toEqual([path]);
  });
});

// The contract of each payload: exactly these fields are required; every other field of the
// sample may be left out (docs/events.md).
const REQUIRED_DATA_FIELDS: { readonly [T in EventType]: readonly string[] } = {
  'compliance.status_changed': ['orderUuid', 'previousStatus', 'currentStatus', 'blockers'],
  'compliance.decision_made': ['orderUuid', 'decision'],
  'kyc.vies_check_failed': ['buyerUuid', 'vatNumber', 'currentResult', 'checkedAt', 'reason'],
  'kyc.verification_completed': ['buyerUuid', 'outcome', 'sessionId', 'completedAt'],
  'export_file.generated': ['downloadUrl'],
  'prospect.submitted': ['type'],
  'self_service_invitation.used': ['kind'],
  'self_service_invitation.expired': [],
  'webhook.endpoint_auto_paused': ['endpointId'],
  'webhook.delivery_failed_terminal': ['endpointId', 'deliveryId', 'eventId', 'eventType'],
};

describe('parseEvent: required and optional data fields', () => {
  it.each(
    EVENT_TYPES,
  )('%s: each required field missing → invalid_event at data.<field>; others optional', (type) => {
    const sample = createSampleEvent(type);
    const required = REQUIRED_DATA_FIELDS[type];
    for (const key of Object.keys(sample.data)) {
      const data: Record<string, unknown> = { ...sample.data };
      delete data[key];
      const result = safeParseEvent({ ...sample, data }, { strict: true });
      if (required.includes(key)) {
        expect(result.success).toBe(false);
        if (!result.success) expect(paths(result.error)).toEqual([`data.${key}`]);
      } else {
        expect(result.success).toBe(true);
      }
    }
    // the sample fills every required field
    expect(required.filter((key) => !(key in sample.data))).toEqual([]);
  });
});

describe('parseEvent: invalid input', () => {
  const sample = createSampleEvent('kyc.vies_check_failed');

  it.each([
    ['id', ''],
    ['id', 42],
    ['type', ''],
    ['schemaVersion', 0],
    ['schemaVersion', 1.5],
    ['schemaVersion', '1'],
    ['source', null],
    ['createdAt', '2026-04-22'],
    ['createdAt', '22/04/2026 10:30'],
    ['organizationUuid', null],
    ['partnerUuid', 7],
    ['data', null],
    ['data', []],
    ['data', 'x'],
  ] as const)('an envelope with %s = %j throws invalid_event at that path', (field, value) => {
    const error = thrown(() => parseEvent({ ...sample, [field]: value }));
    expect(error.code).toBe('invalid_event');
    expect(paths(error)).toEqual([field]);
  });

  it.each(ENVELOPE_KEYS)('an envelope without %s throws invalid_event at that path', (field) => {
    const input: Record<string, unknown> = { ...sample };
    delete input[field];
    expect(paths(thrown(() => parseEvent(input)))).toEqual([field]);
  });

  it('missing and mistyped data fields are each reported under data.', () => {
    const { vatNumber: _omit, ...data } = sample.data;
    const error = thrown(() =>
      parseEvent({ ...sample, data: { ...data, checkedAt: 'soon', buyerUuid: 1 } }),
    );
    expect(error.code).toBe('invalid_event');
    expect(paths(error)).toEqual(['data.buyerUuid', 'data.vatNumber', 'data.checkedAt']);
    expect(error.message).toContain('"kyc.vies_check_failed"');
    expect(error.message).toContain('data.buyerUuid');
  });

  it('nested issues carry the full path (data.blockers.0.code)', () => {
    const input = createSampleEvent('compliance.status_changed', {
      data: { blockers: [{ code: 5 } as never] },
    });
    expect(paths(thrown(() => parseEvent(input)))).toEqual(['data.blockers.0.code']);
  });

  it('envelope and data issues are reported together', () => {
    const error = thrown(() =>
      parseEvent({ ...sample, createdAt: 1, data: { ...sample.data, reason: null } }),
    );
    expect(paths(error)).toEqual(['createdAt', 'data.reason']);
  });

  it('a null partnerUuid is rejected on partner events and accepted on meta-events (docs/design.md §5.4)', () => {
    expect(paths(thrown(() => parseEvent({ ...sample, partnerUuid: null })))).toEqual([
      'partnerUuid',
    ]);
    for (const type of [
      'webhook.endpoint_auto_paused',
      'webhook.delivery_failed_terminal',
    ] as const) {
      const meta = createSampleEvent(type);
      expect(meta.partnerUuid).toBeNull();
      expect(parseEvent(meta, { strict: true }).partnerUuid).toBeNull();
      // a test fire of a meta type carries the all-zero partner (docs/design.md §5.8)
      expect(parseEvent({ ...meta, partnerUuid: 'p' }).partnerUuid).toBe('p');
    }
  });

  it('a meta-event without its required ids throws with each path', () => {
    const error = thrown(() =>
      parseEvent({ ...createSampleEvent('webhook.delivery_failed_terminal'), data: {} }),
    );
    expect(paths(error)).toEqual([
      'data.endpointId',
      'data.deliveryId',
      'data.eventId',
      'data.eventType',
    ]);
  });

  it.each([
    null,
    undefined,
    42,
    'text',
    [],
    true,
  ])('a non-object input (%j) throws invalid_event', (input) => {
    const error = thrown(() => parseEvent(input));
    expect(error.code).toBe('invalid_event');
    expect(paths(error)).toEqual(['']);
  });

  it('long messages list three issues and count the rest', () => {
    const error = thrown(() => parseEvent({ data: {} }));
    expect(error.issues.length).toBeGreaterThan(3);
    expect(error.message).toContain(`(+${error.issues.length - 3} more)`);
  });

  it('messages never contain the offending values', () => {
    const secretish = 'whsec_do_not_echo_me';
    const error = thrown(() =>
      parseEvent({
        ...sample,
        id: 5,
        data: { ...sample.data, vatNumber: { secretish }, reason: 9 },
      }),
    );
    expect(error.message).not.toContain(secretish);
    expect(JSON.stringify(error.issues)).not.toContain(secretish);
  });

  it('a non-boolean strict option throws invalid_option', () => {
    const error = thrown(() => parseEvent(sample, { strict: 'yes' as never }));
    expect(error.code).toBe('invalid_option');
    expect(thrown(() => safeParseEvent(sample, { strict: 1 as never })).code).toBe(
      'invalid_option',
    );
  });
});

describe('parseEventJson: raw bodies', () => {
  it.each([
    ['truncated JSON', '{"id":"evt_1",'],
    ['empty text', ''],
    ['not JSON', 'id=evt_1&type=x'],
  ])('%s throws invalid_json without echoing the body', (_name, raw) => {
    const error = thrown(() => parseEventJson(raw));
    expect(error.code).toBe('invalid_json');
    expect(error.message).toContain(`${raw.length} characters`);
    if (raw.length > 0) expect(error.message).not.toContain(raw);
    expect(error.cause).toBeUndefined();
  });

  it('bytes that are not UTF-8 throw invalid_json', () => {
    const error = thrown(() => parseEventJson(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])));
    expect(error.code).toBe('invalid_json');
    expect(error.message).toContain('4 bytes');
  });

  it('an already parsed object throws invalid_json (invalid_type) pointing at parseEvent', () => {
    const error = thrown(() => parseEventJson(createSampleEvent('prospect.submitted') as never));
    // invalid_payload_type is a verification code only; a parser reports its input's type.
    expect(error).toBeInstanceOf(WebhookValidationError);
    expect(error.code).toBe('invalid_json');
    expect((error as WebhookValidationError).issues[0]?.code).toBe('invalid_type');
    expect(error.message).toContain('got an object');
  });

  it('valid JSON that is not an event throws invalid_event', () => {
    expect(thrown(() => parseEventJson('[1,2]')).code).toBe('invalid_event');
    expect(thrown(() => parseEventJson('null')).code).toBe('invalid_event');
  });
});

describe('safeParseEvent / safeParseEventJson', () => {
  it('returns { success: true, data } for a valid event', () => {
    const sample = createSampleEvent('compliance.decision_made');
    const result = safeParseEvent(sample);
    expect(result).toEqual({ success: true, data: sample });
    const fromJson = safeParseEventJson(JSON.stringify(sample), { strict: true });
    expect(fromJson.success && fromJson.data).toEqual(sample);
  });

  it('returns { success: false, error } with the code parseEvent would throw', () => {
    const sample = createSampleEvent('compliance.decision_made');
    const cases: [unknown, boolean, string][] = [
      [{ ...sample, data: {} }, false, 'invalid_event'],
      [{ ...sample, type: 'a.b' }, true, 'unknown_event_type'],
      [{ ...sample, schemaVersion: 9 }, true, 'unsupported_schema_version'],
    ];
    for (const [input, strict, code] of cases) {
      const result = safeParseEvent(input, { strict });
      expect(result.success).toBe(false);
      if (!result.success) {
        expect(result.error).toBeInstanceOf(WebhookValidationError);
        expect(result.error.code).toBe(code);
        expect(thrown(() => parseEvent(input, { strict })).code).toBe(code);
      }
    }
    const bad = safeParseEventJson('{');
    expect(!bad.success && bad.error.code).toBe('invalid_json');
  });
});
