import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  convertEventData,
  createEventCatalog,
  createSampleEvent,
  EVENT_TYPES,
  type EventTypeDefinition,
  META_EVENT_TYPES,
  NOVATRADE_CATALOG,
  negotiateSchemaVersion,
  parseEventData,
} from '../../../../src/core/catalog/index.js';
import { thrown } from '../../../helpers/thrown.js';
import { anyString, extraFields, isoDateTime } from './arbitraries.js';

// A custom type with three versions:
//   v1 { orderId, shippedAt }
//   v2 { order: { id }, shippedAt }               (v2 → v1: order.id → orderId)
//   v3 { order: { id }, shipment: { at, carrier? } } (v3 → v2: shipment.at → shippedAt)
const v1 = z.looseObject({ orderId: z.string(), shippedAt: z.iso.datetime({ offset: true }) });
const v2 = z.looseObject({
  order: z.looseObject({ id: z.string() }),
  shippedAt: z.iso.datetime({ offset: true }),
});
const v3 = z.looseObject({
  order: z.looseObject({ id: z.string() }),
  shipment: z.looseObject({ at: z.iso.datetime({ offset: true }), carrier: z.string().optional() }),
});

const SHIPPED: EventTypeDefinition = {
  type: 'order.shipped',
  versions: [
    { version: 1, schema: v1 },
    {
      version: 2,
      schema: v2,
      toPrevious: ({ order, ...rest }) => ({ ...rest, orderId: (order as { id: string }).id }),
    },
    {
      version: 3,
      schema: v3,
      toPrevious: ({ shipment, ...rest }) => ({
        ...rest,
        shippedAt: (shipment as { at: string }).at,
      }),
    },
  ],
};

const catalog = createEventCatalog([
  SHIPPED,
  { type: 'order.created', versions: [{ version: 1, schema: z.looseObject({ id: z.string() }) }] },
  {
    // version 1 retired: the catalog can only produce 2 and 3
    type: 'order.cancelled',
    scope: 'organization',
    versions: [
      { version: 2, schema: z.looseObject({ id: z.string() }) },
      { version: 3, schema: z.looseObject({ id: z.string() }), toPrevious: (d) => ({ ...d }) },
    ],
  },
]);

const v3Data = fc
  .record({
    order: fc.record({ id: anyString }),
    shipment: fc.record({ at: isoDateTime, carrier: anyString }, { requiredKeys: ['at'] }),
  })
  .chain((d) =>
    extraFields(['order', 'shipment', 'orderId', 'shippedAt']).map((x) => ({ ...x, ...d })),
  );

describe('createEventCatalog', () => {
  it('returns a frozen catalog with types in order, defaults filled in', () => {
    expect(catalog.types).toEqual(['order.shipped', 'order.created', 'order.cancelled']);
    expect(Object.isFrozen(catalog)).toBe(true);
    const shipped = catalog.entries.get('order.shipped');
    expect(shipped?.scope).toBe('partner');
    expect(shipped?.oldestVersion).toBe(1);
    expect(shipped?.latestVersion).toBe(3);
    expect(shipped?.versions[0]?.strictSchema).toBe(v1);
    expect(shipped?.versions[0]?.toPrevious).toBeUndefined();
    expect(catalog.entries.get('order.cancelled')?.scope).toBe('organization');
  });

  it.each([
    [
      'a type without segment',
      [{ type: 'shipped', versions: [{ version: 1, schema: v1 }] }],
      'definitions.0.type',
    ],
    [
      'a wildcard type',
      [{ type: 'order.*', versions: [{ version: 1, schema: v1 }] }],
      'definitions.0.type',
    ],
    [
      'an empty segment',
      [{ type: 'order..x', versions: [{ version: 1, schema: v1 }] }],
      'definitions.0.type',
    ],
    ['a duplicate type', [SHIPPED, SHIPPED], 'definitions.1.type'],
    ['no versions', [{ type: 'a.b', versions: [] }], 'definitions.0.versions'],
    [
      'version 0',
      [{ type: 'a.b', versions: [{ version: 0, schema: v1 }] }],
      'definitions.0.versions.0.version',
    ],
    [
      'a fractional version',
      [{ type: 'a.b', versions: [{ version: 1.5, schema: v1 }] }],
      'definitions.0.versions.0.version',
    ],
    [
      'an integer version past the safe integers (2 ** 53 + 2)',
      [{ type: 'a.b', versions: [{ version: 2 ** 53 + 2, schema: v1 }] }],
      'definitions.0.versions.0.version',
    ],
    [
      'a gap in versions',
      [
        {
          type: 'a.b',
          versions: [
            { version: 1, schema: v1 },
            { version: 3, schema: v1, toPrevious: (d: object) => d },
          ],
        },
      ],
      'definitions.0.versions.1.version',
    ],
    [
      'descending versions',
      [
        {
          type: 'a.b',
          versions: [
            { version: 2, schema: v1 },
            { version: 1, schema: v1, toPrevious: (d: object) => d },
          ],
        },
      ],
      'definitions.0.versions.1.version',
    ],
    [
      'a missing converter',
      [
        {
          type: 'a.b',
          versions: [
            { version: 1, schema: v1 },
            { version: 2, schema: v2 },
          ],
        },
      ],
      'definitions.0.versions.1.toPrevious',
    ],
    [
      'a non-zod schema',
      [{ type: 'a.b', versions: [{ version: 1, schema: {} }] }],
      'definitions.0.versions.0.schema',
    ],
    [
      'a bad scope',
      [{ type: 'a.b', scope: 'global', versions: [{ version: 1, schema: v1 }] }],
      'definitions.0.scope',
    ],
  ])('rejects %s with invalid_option at the path', (_name, definitions, path) => {
    const error = thrown(() => createEventCatalog(definitions as never));
    expect(error.code).toBe('invalid_option');
    expect(error.issues.map((i) => i.path)).toEqual([path]);
  });
});

describe('NOVATRADE_CATALOG', () => {
  it('holds the 10 catalog types at version 1, meta-events organization-scoped', () => {
    expect(NOVATRADE_CATALOG.types).toEqual(EVENT_TYPES);
    for (const type of EVENT_TYPES) {
      const entry = NOVATRADE_CATALOG.entries.get(type);
      expect(entry?.versions.map((v) => v.version)).toEqual([1]);
      const meta = (META_EVENT_TYPES as readonly string[]).includes(type);
      expect(entry?.scope).toBe(meta ? 'organization' : 'partner');
      expect(entry?.versions[0]?.strictSchema).not.toBe(entry?.versions[0]?.schema);
    }
  });

  it('negotiates version 1 for the default acceptedSchemaVersions [1], null for [2]', () => {
    for (const type of EVENT_TYPES) {
      expect(negotiateSchemaVersion(NOVATRADE_CATALOG, { type, acceptedSchemaVersions: [1] })).toBe(
        1,
      );
      expect(
        negotiateSchemaVersion(NOVATRADE_CATALOG, { type, acceptedSchemaVersions: [2] }),
      ).toBeNull();
    }
  });
});

describe('negotiateSchemaVersion', () => {
  it('returns the highest accepted version the catalog can produce', () => {
    const type = 'order.shipped';
    expect(negotiateSchemaVersion(catalog, { type, acceptedSchemaVersions: [1, 2] })).toBe(2);
    expect(negotiateSchemaVersion(catalog, { type, acceptedSchemaVersions: [3, 1] })).toBe(3);
    expect(negotiateSchemaVersion(catalog, { type, acceptedSchemaVersions: [4, 9] })).toBeNull();
    expect(negotiateSchemaVersion(catalog, { type, acceptedSchemaVersions: [] })).toBeNull();
    expect(
      negotiateSchemaVersion(catalog, { type, acceptedSchemaVersions: [1, 3], fromVersion: 2 }),
    ).toBe(1);
  });

  it('does not offer a retired version: [1] on a type at 2..3 is null', () => {
    const type = 'order.cancelled';
    expect(negotiateSchemaVersion(catalog, { type, acceptedSchemaVersions: [1] })).toBeNull();
    expect(negotiateSchemaVersion(catalog, { type, acceptedSchemaVersions: [1, 2] })).toBe(2);
  });

  it('property: equals max(accepted ∩ [oldest..fromVersion]), or null when empty', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -2, max: 6 }), fc.double({ noNaN: true })), {
          maxLength: 8,
        }),
        fc.constantFrom('order.shipped', 'order.created', 'order.cancelled'),
        fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        (accepted, type, from) => {
          const entry = catalog.entries.get(type);
          if (entry === undefined) throw new Error('fixture');
          const fromVersion =
            from === undefined
              ? undefined
              : Math.min(Math.max(from, entry.oldestVersion), entry.latestVersion);
          const available = entry.versions
            .map((v) => v.version)
            .filter((v) => v <= (fromVersion ?? Infinity));
          const both = accepted.filter((v) => available.includes(v));
          const expected = both.length === 0 ? null : Math.max(...both);
          expect(
            negotiateSchemaVersion(catalog, {
              type,
              acceptedSchemaVersions: accepted,
              fromVersion,
            }),
          ).toBe(expected);
        },
      ),
    );
  });

  it('throws unknown_event_type for a type outside the catalog', () => {
    const error = thrown(() =>
      negotiateSchemaVersion(catalog, { type: 'order.lost', acceptedSchemaVersions: [1] }),
    );
    expect(error.code).toBe('unknown_event_type');
  });

  it('throws unsupported_schema_version for a fromVersion the type does not have', () => {
    for (const fromVersion of [0, 4, 1.5]) {
      const error = thrown(() =>
        negotiateSchemaVersion(catalog, {
          type: 'order.shipped',
          acceptedSchemaVersions: [1],
          fromVersion,
        }),
      );
      expect(error.code).toBe('unsupported_schema_version');
    }
  });
});

describe('convertEventData', () => {
  const data3 = { order: { id: 'o-1' }, shipment: { at: '2026-04-22T10:30:00Z' }, note: 'kept' };

  it('converts v3 → v2 → v1 with the catalog converters, keeping unknown fields', () => {
    const data2 = convertEventData(catalog, {
      type: 'order.shipped',
      data: data3,
      fromVersion: 3,
      toVersion: 2,
    });
    expect(data2).toEqual({
      order: { id: 'o-1' },
      shippedAt: '2026-04-22T10:30:00Z',
      note: 'kept',
    });
    const data1 = convertEventData(catalog, {
      type: 'order.shipped',
      data: data3,
      fromVersion: 3,
      toVersion: 1,
    });
    expect(data1).toEqual({ orderId: 'o-1', shippedAt: '2026-04-22T10:30:00Z', note: 'kept' });
    expect(v1.safeParse(data1).success).toBe(true);
    expect(data3).toEqual({
      order: { id: 'o-1' },
      shipment: { at: '2026-04-22T10:30:00Z' },
      note: 'kept',
    });
  });

  it('returns the data itself when the versions are equal', () => {
    expect(
      convertEventData(catalog, {
        type: 'order.shipped',
        data: data3,
        fromVersion: 3,
        toVersion: 3,
      }),
    ).toBe(data3);
  });

  it('property: the chain composes (v3→v1 equals v3→v2→v1) and each step is valid', () => {
    fc.assert(
      fc.property(v3Data, (data) => {
        const type = 'order.shipped';
        const direct = convertEventData(catalog, { type, data, fromVersion: 3, toVersion: 1 });
        const viaTwo = convertEventData(catalog, {
          type,
          data: convertEventData(catalog, { type, data, fromVersion: 3, toVersion: 2 }),
          fromVersion: 2,
          toVersion: 1,
        });
        expect(direct).toEqual(viaTwo);
        expect(
          v2.safeParse(convertEventData(catalog, { type, data, fromVersion: 3, toVersion: 2 }))
            .success,
        ).toBe(true);
        expect(v1.safeParse(direct).success).toBe(true);
        expect(direct.orderId).toBe(data.order.id);
        expect(direct.shippedAt).toBe(data.shipment.at);
      }),
    );
  });

  it.each([
    [2, 3, 'toVersion'],
    [4, 1, 'fromVersion'],
    [3, 0, 'toVersion'],
  ])('from %i to %i throws unsupported_schema_version (%s)', (fromVersion, toVersion, path) => {
    const error = thrown(() =>
      convertEventData(catalog, { type: 'order.shipped', data: data3, fromVersion, toVersion }),
    );
    expect(error.code).toBe('unsupported_schema_version');
    expect(error.issues.map((i) => i.path)).toEqual([path]);
  });

  it('throws unknown_event_type for a type outside the catalog', () => {
    const error = thrown(() =>
      convertEventData(catalog, { type: 'x.y', data: {}, fromVersion: 1, toVersion: 1 }),
    );
    expect(error.code).toBe('unknown_event_type');
  });
});

describe('parseEventData', () => {
  it('returns the parsed data of a catalog version, unknown fields kept', () => {
    const data = { ...createSampleEvent('compliance.decision_made').data, extra: [1] };
    expect(
      parseEventData(NOVATRADE_CATALOG, {
        type: 'compliance.decision_made',
        schemaVersion: 1,
        data,
      }),
    ).toEqual(data);
    const shipped = { order: { id: 'o' }, shipment: { at: '2026-04-22T10:30:00Z' } };
    const parsed = parseEventData(catalog, {
      type: 'order.shipped',
      schemaVersion: 3,
      data: shipped,
    });
    expect(parsed).toEqual(shipped);
    expect(parsed).not.toBe(shipped);
  });

  it('checks the version asked for: v1 data is not v3 data (invalid_event, data. paths)', () => {
    const error = thrown(() =>
      parseEventData(catalog, {
        type: 'order.shipped',
        schemaVersion: 3,
        data: { orderId: 'o', shippedAt: '2026-04-22T10:30:00Z' },
      }),
    );
    expect(error.code).toBe('invalid_event');
    expect(error.issues.map((i) => i.path)).toEqual(['data.order', 'data.shipment']);
  });

  it('strict rejects unknown enum values; lenient accepts them', () => {
    const data = { orderUuid: 'o', decision: 'MAYBE' };
    const options = { type: 'compliance.decision_made', schemaVersion: 1, data };
    expect(parseEventData(NOVATRADE_CATALOG, options)).toEqual(data);
    const error = thrown(() => parseEventData(NOVATRADE_CATALOG, { ...options, strict: true }));
    expect(error.issues.map((i) => i.path)).toEqual(['data.decision']);
  });

  it('throws unknown_event_type / unsupported_schema_version for types and versions outside the catalog', () => {
    expect(
      thrown(() => parseEventData(catalog, { type: 'a.b', schemaVersion: 1, data: {} })).code,
    ).toBe('unknown_event_type');
    expect(
      thrown(() => parseEventData(catalog, { type: 'order.created', schemaVersion: 2, data: {} }))
        .code,
    ).toBe('unsupported_schema_version');
  });
});
