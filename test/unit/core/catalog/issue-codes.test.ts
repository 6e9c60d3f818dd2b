// The issue code of every zod issue the catalog parsers report (toIssues, issueCode): one case per
// zod code, `required` decided from the parsed input rather than from the message, and a property
// over random objects against a strict schema.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEventCatalog } from '../../../../src/core/catalog/event-catalog.js';
import {
  issueCode,
  toIssues,
  UNNAMED_UNRECOGNIZED_KEY_MESSAGE,
  UNRECOGNIZED_KEY_MESSAGE,
} from '../../../../src/core/catalog/internal/schema-kit.js';
import { parseEvent, parseEventJson } from '../../../../src/core/catalog/parse-event.js';
import { parseEventData } from '../../../../src/core/catalog/parse-event-data.js';
import { createSampleEvent } from '../../../../src/core/catalog/sample-events.js';
import type { ValidationIssueCode } from '../../../../src/core/errors.js';
import { thrown } from '../../../helpers/thrown.js';

/** The codes of the issues zod reports for `input` against `schema`. */
function codesOf(schema: z.ZodType, input: unknown): ValidationIssueCode[] {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected a zod failure');
  return toIssues(result.error, input).map((issue) => issue.code as ValidationIssueCode);
}

describe('toIssues: one ValidationIssueCode per zod issue code', () => {
  it.each<[string, z.ZodType, unknown, ValidationIssueCode]>([
    ['invalid_type, the field absent -> required', z.object({ a: z.string() }), {}, 'required'],
    [
      'invalid_type, the field explicitly undefined -> required',
      z.object({ a: z.string() }),
      { a: undefined },
      'required',
    ],
    [
      'invalid_type, the wrong type -> invalid_type',
      z.object({ a: z.string() }),
      { a: 1 },
      'invalid_type',
    ],
    [
      'invalid_type, null -> invalid_type',
      z.object({ a: z.string() }),
      { a: null },
      'invalid_type',
    ],
    ['invalid_type at the root', z.object({}), 'text', 'invalid_type'],
    ['too_small (number)', z.int().min(2), 1, 'too_small'],
    ['too_small (array length)', z.array(z.string()).min(1), [], 'too_small'],
    ['too_big (number)', z.int().max(5), 9, 'too_big'],
    ['too_big (string length)', z.string().max(2), 'abc', 'too_big'],
    ['invalid_format (ISO date-time)', z.iso.datetime(), 'yesterday', 'invalid_format'],
    ['invalid_format (email)', z.email(), 'nobody', 'invalid_format'],
    ['invalid_value (enum)', z.enum(['A', 'B']), 'C', 'invalid_value'],
    ['invalid_value (literal)', z.literal('k'), 'z', 'invalid_value'],
    ['unrecognized_keys -> unrecognized_key', z.strictObject({}), { extra: 1 }, 'unrecognized_key'],
    [
      'custom (a refinement) -> invalid_value',
      z.string().refine(() => false),
      'x',
      'invalid_value',
    ],
    ['invalid_union -> invalid_value', z.union([z.string(), z.number()]), true, 'invalid_value'],
    [
      'invalid_union, the value absent -> required',
      z.object({ a: z.union([z.string(), z.number()]) }),
      {},
      'required',
    ],
    [
      'a discriminated union, the discriminator absent -> required',
      z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('a') }),
        z.object({ kind: z.literal('b') }),
      ]),
      {},
      'required',
    ],
    [
      'a discriminated union, an unknown discriminator -> invalid_value',
      z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('a') }),
        z.object({ kind: z.literal('b') }),
      ]),
      { kind: 'c' },
      'invalid_value',
    ],
    [
      'invalid_value (enum), the field absent -> required',
      z.object({ e: z.enum(['A']) }),
      {},
      'required',
    ],
    ['not_multiple_of -> invalid_value', z.number().multipleOf(3), 4, 'invalid_value'],
    [
      'invalid_key (record) -> invalid_value',
      z.record(z.string().min(2), z.string()),
      { a: 'b' },
      'invalid_value',
    ],
  ])('%s', (_, schema, input, code) => {
    expect(codesOf(schema, input)).toEqual([code]);
  });

  it.each<[string, ValidationIssueCode]>([
    ['invalid_string', 'invalid_format'],
    ['invalid_enum_value', 'invalid_value'],
    ['invalid_literal', 'invalid_value'],
    ['too_small', 'too_small'],
    ['too_big', 'too_big'],
    ['something_new', 'invalid_value'],
  ])('zod 3 and unknown names: %s -> %s', (zodCode, code) => {
    expect(issueCode({ code: zodCode, path: ['a'] }, { a: 'x' })).toBe(code);
  });

  it('decides required from the input, not from the message', () => {
    // A message that says "received undefined" over a value that is present is still invalid_type;
    // a message that says nothing about undefined over a missing value is still required.
    const present = { code: 'invalid_type', path: ['a'], message: 'received undefined' };
    expect(issueCode(present, { a: 0 })).toBe('invalid_type');
    const missing = { code: 'invalid_type', path: ['a', 0, 'b'], message: 'expected string' };
    expect(issueCode(missing, { a: [{}] })).toBe('required');
    expect(issueCode(missing, { a: 'not an array' })).toBe('required');
  });

  it('prefixes the path and keeps the code (data.<field>)', () => {
    const schema = z.object({ n: z.int() });
    const result = schema.safeParse({});
    if (result.success) throw new Error('expected a failure');
    expect(toIssues(result.error, {}, ['data'])).toEqual([
      { path: 'data.n', code: 'required', message: expect.any(String) },
    ]);
  });

  it('property: over random objects, an invalid_type issue is required exactly when the field is absent', () => {
    const schema = z.object({
      s: z.string(),
      n: z.int(),
      list: z.array(z.object({ t: z.string() })),
    });
    const field = fc.option(fc.anything(), { nil: undefined });
    const input = fc.record(
      {
        s: field,
        n: field,
        list: fc.option(fc.array(fc.record({ t: field })), { nil: undefined }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(input, (value) => {
        const result = schema.safeParse(value);
        if (result.success) return;
        for (const [i, issue] of result.error.issues.entries()) {
          const mapped = toIssues(result.error, value)[i];
          if (issue.code !== 'invalid_type') continue;
          let at: unknown = value;
          for (const key of issue.path) {
            at = at === null || typeof at !== 'object' ? undefined : (at as never)[key];
          }
          expect(mapped?.code).toBe(at === undefined ? 'required' : 'invalid_type');
        }
      }),
    );
  });
});

describe('toIssues: unrecognized keys, one issue per key, no key text in a message', () => {
  const strict = z.strictObject({
    id: z.string(),
    nested: z.strictObject({ n: z.int() }).optional(),
  });
  const issuesOf = (input: unknown) => {
    const result = strict.safeParse(input);
    if (result.success) throw new Error('expected a zod failure');
    return toIssues(result.error, input, ['data']);
  };

  it('a key that reads as a field name: at [...path, key], with the fixed message', () => {
    expect(issuesOf({ id: 'x', extra: 1, orderId_2: 2, nested: { n: 1, $k: 3 } })).toEqual([
      { path: 'data.nested.$k', code: 'unrecognized_key', message: UNRECOGNIZED_KEY_MESSAGE },
      { path: 'data.extra', code: 'unrecognized_key', message: UNRECOGNIZED_KEY_MESSAGE },
      { path: 'data.orderId_2', code: 'unrecognized_key', message: UNRECOGNIZED_KEY_MESSAGE },
    ]);
  });

  it('any other key (spaces, quotes, a leading digit, non-ASCII, 65 characters): at the parent path, unnamed', () => {
    const keys = ['has space', 'quote"d', '1st', 'clé', 'k'.repeat(65), '', 'a.b'];
    const input = { id: 'x', ...Object.fromEntries(keys.map((k) => [k, 'SECRET_VALUE'])) };
    const issues = issuesOf(input);
    expect(issues).toEqual(
      keys.map(() => ({
        path: 'data',
        code: 'unrecognized_key',
        message: UNNAMED_UNRECOGNIZED_KEY_MESSAGE,
      })),
    );
    expect(issuesOf({ id: 'x', ['k'.repeat(64)]: 1 })[0]?.path).toBe(`data.${'k'.repeat(64)}`);
  });

  it('property: no message holds an input key, and a path holds one only as a short identifier', () => {
    const key = fc.oneof(fc.string({ maxLength: 70 }), fc.string({ unit: 'binary', maxLength: 8 }));
    fc.assert(
      fc.property(fc.dictionary(key, fc.constant(1), { maxKeys: 5 }), (extra) => {
        const keys = Object.keys(extra);
        fc.pre(keys.length > 0 && !keys.some((k) => ['id', 'nested', '__proto__'].includes(k)));
        const input = { id: 'x', ...extra };
        const issues = issuesOf(input);
        expect(issues).toHaveLength(keys.length);
        for (const issue of issues) {
          expect(issue.code).toBe('unrecognized_key');
          expect([UNRECOGNIZED_KEY_MESSAGE, UNNAMED_UNRECOGNIZED_KEY_MESSAGE]).toContain(
            issue.message,
          );
          if (issue.path !== 'data') {
            expect(issue.path).toMatch(/^data\.[A-Za-z_$][\w$]{0,63}$/);
          }
        }
      }),
    );
  });

  it('a custom catalog strict schema through parseEventData: one issue per key; the message quotes no key', () => {
    const catalog = createEventCatalog([
      {
        type: 'order.shipped',
        versions: [
          {
            version: 1,
            schema: z.looseObject({ id: z.string() }),
            strictSchema: z.strictObject({ id: z.string() }),
          },
        ],
      },
    ]);
    const data = { id: 'o-1', extra: 1, 'Bearer sk_live_123 "x"': 2 };
    const error = thrown(() =>
      parseEventData(catalog, { type: 'order.shipped', schemaVersion: 1, data, strict: true }),
    );
    expect(error.code).toBe('invalid_event');
    expect(error.issues).toEqual([
      { path: 'data.extra', code: 'unrecognized_key', message: UNRECOGNIZED_KEY_MESSAGE },
      { path: 'data', code: 'unrecognized_key', message: UNNAMED_UNRECOGNIZED_KEY_MESSAGE },
    ]);
    expect(error.message).not.toContain('sk_live');
    expect(JSON.stringify(error.issues)).not.toContain('sk_live');
  });
});

describe('parseEvent: the codes of envelope and data issues', () => {
  it('a missing envelope field is required, a wrong one invalid_type, a bad date invalid_format', () => {
    const { id: _id, ...withoutId } = createSampleEvent('compliance.decision_made');
    const error = thrown(() =>
      parseEvent({ ...withoutId, schemaVersion: 'one', createdAt: 'yesterday' }),
    );
    const byPath = Object.fromEntries(error.issues.map((issue) => [issue.path, issue.code]));
    expect(byPath).toMatchObject({
      id: 'required',
      schemaVersion: 'invalid_type',
      createdAt: 'invalid_format',
    });
  });

  it('a missing data field is required; an unknown enum value (strict) invalid_value', () => {
    const event = createSampleEvent('compliance.decision_made');
    const { decision: _decision, ...data } = event.data;
    const missing = thrown(() => parseEvent({ ...event, data }));
    expect(missing.issues).toContainEqual(
      expect.objectContaining({ path: 'data.decision', code: 'required' }),
    );
    const unknown = thrown(() =>
      parseEvent({ ...event, data: { ...event.data, decision: 'MAYBE' } }, { strict: true }),
    );
    expect(unknown.issues).toEqual([
      expect.objectContaining({ path: 'data.decision', code: 'invalid_value' }),
    ]);
  });

  it('not an object: one issue at the root, required for undefined and invalid_type otherwise', () => {
    expect(thrown(() => parseEvent(undefined)).issues).toEqual([
      expect.objectContaining({ path: '', code: 'required' }),
    ]);
    expect(thrown(() => parseEvent(42)).issues).toEqual([
      expect.objectContaining({ path: '', code: 'invalid_type' }),
    ]);
  });

  it('strict: an unknown type and an unknown schema version are invalid_value', () => {
    const event = createSampleEvent('compliance.decision_made');
    const type = thrown(() => parseEvent({ ...event, type: 'x.y' }, { strict: true }));
    expect(type.issues).toEqual([expect.objectContaining({ path: 'type', code: 'invalid_value' })]);
    const version = thrown(() => parseEvent({ ...event, schemaVersion: 9 }, { strict: true }));
    expect(version.issues).toEqual([
      expect.objectContaining({ path: 'schemaVersion', code: 'invalid_value' }),
    ]);
  });

  it('parseEventJson of a parsed object: invalid_json with an invalid_type issue, never invalid_payload_type', () => {
    const error = thrown(() => parseEventJson({} as never));
    expect(error.code).toBe('invalid_json');
    expect(error.issues).toEqual([expect.objectContaining({ path: '', code: 'invalid_type' })]);
  });
});
