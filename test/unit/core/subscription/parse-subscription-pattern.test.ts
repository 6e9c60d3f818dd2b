import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EUDR_EVENT_TYPES, EVENT_TYPES } from '../../../../src/core/catalog/event-types.js';
import {
  isWebhooksError,
  type ValidationIssueCode,
  WebhookValidationError,
} from '../../../../src/core/errors.js';
import {
  parseSubscriptionPattern,
  safeParseSubscriptionPattern,
} from '../../../../src/core/subscription/index.js';
import { thrown } from '../../../helpers/thrown.js';
import { naiveIsValid, naiveSegments } from './naive-reference.js';

const NOVATRADE_SEGMENTS = [
  'compliance',
  'kyc',
  'export_file',
  'prospect',
  'self_service_invitation',
  'webhook',
];
const EUDR_SEGMENTS = ['supplier', 'product', 'batch', 'sync', 'dds'];

/** Calls `fn`, expects a WebhookValidationError and returns it. */
describe('parseSubscriptionPattern: accepted patterns', () => {
  it.each(EVENT_TYPES)('parseSubscriptionPattern(%j) returns an exact pattern', (type) => {
    expect(parseSubscriptionPattern(type)).toEqual({
      kind: 'exact',
      eventType: type,
      source: type,
    });
  });

  it.each(NOVATRADE_SEGMENTS)('parseSubscriptionPattern("%s.*") returns a segment pattern', (s) => {
    expect(parseSubscriptionPattern(`${s}.*`)).toEqual({
      kind: 'segment',
      segment: s,
      source: `${s}.*`,
    });
  });

  it('the listed Novatrade24 segments are exactly the first segments of EVENT_TYPES', () => {
    expect(naiveSegments(EVENT_TYPES)).toEqual(NOVATRADE_SEGMENTS);
  });

  it.each([
    ...EUDR_EVENT_TYPES,
    ...EUDR_SEGMENTS.map((s) => `${s}.*`),
  ])('parseSubscriptionPattern(%j, { eventTypes: EUDR_EVENT_TYPES }) accepts it', (pattern) => {
    expect(parseSubscriptionPattern(pattern, { eventTypes: EUDR_EVENT_TYPES }).source).toBe(
      pattern,
    );
  });

  it('a catalog decides validity: EUDR patterns fail on the default catalog and vice versa', () => {
    expect(thrown(() => parseSubscriptionPattern('supplier.*')).code).toBe(
      'invalid_subscription_pattern',
    );
    expect(
      thrown(() => parseSubscriptionPattern('kyc.*', { eventTypes: EUDR_EVENT_TYPES })).code,
    ).toBe('invalid_subscription_pattern');
  });
});

describe('parseSubscriptionPattern: rejected patterns', () => {
  // A pattern not of the form "<type>" or "<segment>.*" is invalid_format (empty: too_small); a
  // well-formed one the catalog does not accept is invalid_value.
  const rejected: ReadonlyArray<readonly [string, string, ValidationIssueCode]> = [
    ['*', 'root wildcard', 'invalid_value'],
    ['**', '"*" other than as the whole last segment', 'invalid_format'],
    ['kyc.*.*', '"*" other than as the whole last segment', 'invalid_format'],
    ['*.status_changed', '"*" other than as the whole last segment', 'invalid_format'],
    ['kyc*', '"*" other than as the whole last segment', 'invalid_format'],
    ['kyc.**', '"*" other than as the whole last segment', 'invalid_format'],
    ['*.*', '"*" other than as the whole last segment', 'invalid_format'],
    ['kyc.verification_*', '"*" other than as the whole last segment', 'invalid_format'],
    ['', 'is empty', 'too_small'],
    [' kyc.*', 'whitespace', 'invalid_format'],
    ['kyc.* ', 'whitespace', 'invalid_format'],
    ['\tcompliance.status_changed', 'whitespace', 'invalid_format'],
    ['kyc. *', 'whitespace', 'invalid_format'],
    ['kyc.unknown_type', 'not an event type of the catalog', 'invalid_value'],
    ['unknown.type', 'not an event type of the catalog', 'invalid_value'],
    ['unknown.*', 'unknown segment "unknown"', 'invalid_value'],
    ['compliance.status_changed.*', 'more than one segment', 'invalid_format'],
    ['.*', 'no segment before', 'invalid_format'],
    ['kyc', 'is a segment, not an event type', 'invalid_value'],
    ['kyc.', 'not an event type of the catalog', 'invalid_value'],
    ['KYC.*', 'unknown segment "KYC"', 'invalid_value'],
    ['Compliance.Status_Changed', 'not an event type of the catalog', 'invalid_value'],
    ['supplier.created', 'not an event type of the catalog', 'invalid_value'],
  ];

  it.each(
    rejected,
  )('parseSubscriptionPattern(%j) throws invalid_subscription_pattern (%s), issue code %s', (pattern, reason, code) => {
    const error = thrown(() => parseSubscriptionPattern(pattern));
    expect(error.code).toBe('invalid_subscription_pattern');
    expect(isWebhooksError(error)).toBe(true);
    expect(error.message).toContain(`Invalid subscription pattern ${JSON.stringify(pattern)}`);
    expect(error.message).toContain(reason);
    // Says what is accepted, naming every segment wildcard of the catalog.
    expect(error.message).toContain('Expected an event type of the catalog');
    for (const segment of NOVATRADE_SEGMENTS) expect(error.message).toContain(`${segment}.*`);
    expect(error.issues).toEqual([{ path: '', code, message: expect.stringContaining(reason) }]);
  });

  it.each([
    ['KYC.*', 'kyc.*'],
    [' kyc.* ', 'kyc.*'],
    ['kyc', 'kyc.*'],
    ['Compliance.Status_Changed', 'compliance.status_changed'],
    ['compliance.status_changed.*', 'compliance.*'],
  ])('parseSubscriptionPattern(%j) suggests %j', (pattern, suggestion) => {
    expect(thrown(() => parseSubscriptionPattern(pattern)).message).toContain(
      `did you mean ${JSON.stringify(suggestion)}?`,
    );
  });

  it('a non-string pattern throws invalid_subscription_pattern naming its type', () => {
    const error = thrown(() => parseSubscriptionPattern(42 as unknown as string));
    expect(error.code).toBe('invalid_subscription_pattern');
    expect(error.message).toContain('not a string (got a number)');
  });

  it('a huge pattern is quoted cut short, with its length', () => {
    const pattern = `${'x'.repeat(100_000)}.*`;
    const error = thrown(() => parseSubscriptionPattern(pattern));
    expect(error.message.length).toBeLessThan(600);
    expect(error.message).toContain(`"${'x'.repeat(64)}"… (100002 characters)`);
    expect(error.issues[0]?.message.length).toBeLessThan(300);
  });

  it('the cut never splits a surrogate pair', () => {
    const pattern = `${'a'.repeat(63)}😀${'b'.repeat(100)}`;
    const message = thrown(() => parseSubscriptionPattern(pattern)).message;
    expect(message).toContain(`"${'a'.repeat(63)}"…`);
    expect(message).not.toMatch(/\\ud83d|[\ud800-\udbff](?![\udc00-\udfff])/u);
  });

  it('control characters are escaped in the message', () => {
    const message = thrown(() => parseSubscriptionPattern('kyc.\u0000\n*')).message;
    expect(message).toContain('"kyc.\\u0000\\n*"');
    expect(message).not.toContain('\n');
  });
});

describe('parseSubscriptionPattern: eventTypes option', () => {
  it.each([
    [[], 'eventTypes'],
    [['nodot'], 'eventTypes[0]'],
    [['a.b', 'a.*'], 'eventTypes[1]'],
    [['a.b', ' a.c'], 'eventTypes[1]'],
    [['a..b'], 'eventTypes[0]'],
    [['a.b', 7], 'eventTypes[1]'],
  ])('eventTypes %j throws invalid_option at %s', (eventTypes, path) => {
    const error = thrown(() =>
      parseSubscriptionPattern('a.b', { eventTypes: eventTypes as string[] }),
    );
    expect(error.code).toBe('invalid_option');
    expect(error.issues.map((issue) => issue.path)).toEqual([path]);
  });

  it('a custom catalog with three-segment types takes only its first segment as a wildcard', () => {
    const eventTypes = ['order.line.added', 'order.cancelled'];
    expect(parseSubscriptionPattern('order.*', { eventTypes })).toMatchObject({ segment: 'order' });
    expect(parseSubscriptionPattern('order.line.added', { eventTypes }).kind).toBe('exact');
    expect(
      thrown(() => parseSubscriptionPattern('order.line.*', { eventTypes })).message,
    ).toContain('more than one segment');
  });

  it('an unfrozen catalog array is read again on every call, so later additions count', () => {
    const eventTypes = ['order.created'];
    expect(safeParseSubscriptionPattern('invoice.*', { eventTypes }).success).toBe(false);
    eventTypes.push('invoice.paid');
    expect(parseSubscriptionPattern('invoice.*', { eventTypes }).kind).toBe('segment');
  });

  it('a frozen catalog array gives the same results on repeated calls', () => {
    const eventTypes = Object.freeze(['order.created', 'invoice.paid']);
    for (let i = 0; i < 3; i++) {
      expect(parseSubscriptionPattern('invoice.*', { eventTypes }).kind).toBe('segment');
      expect(safeParseSubscriptionPattern('kyc.*', { eventTypes }).success).toBe(false);
    }
  });

  it('property: validity equals the naive reference on random catalogs and patterns', () => {
    const token = fc.constantFrom('a', 'b', 'kyc', 'ab', '*', '', ' a', 'A');
    const typeArb = fc
      .tuple(fc.constantFrom('a', 'b', 'kyc', 'ab'), fc.constantFrom('x', 'y', 'z_1', 'b.c'))
      .map(([segment, name]) => `${segment}.${name}`);
    const patternArb = fc.oneof(
      typeArb,
      fc.array(token, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.')),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(typeArb, { minLength: 1, maxLength: 6 }), patternArb, (catalog, p) => {
        const result = safeParseSubscriptionPattern(p, { eventTypes: catalog });
        expect(result.success).toBe(naiveIsValid(p, catalog));
        if (!result.success) expect(result.error.code).toBe('invalid_subscription_pattern');
      }),
    );
  });
});

describe('safeParseSubscriptionPattern', () => {
  it('returns { success: true, data } with what parseSubscriptionPattern returns', () => {
    expect(safeParseSubscriptionPattern('webhook.*')).toEqual({
      success: true,
      data: parseSubscriptionPattern('webhook.*'),
    });
  });

  it('returns { success: false, error } with the error parseSubscriptionPattern throws', () => {
    const result = safeParseSubscriptionPattern('kyc*');
    expect(result.success).toBe(false);
    if (result.success) return;
    const error = thrown(() => parseSubscriptionPattern('kyc*'));
    expect(result.error).toBeInstanceOf(WebhookValidationError);
    expect(result.error.code).toBe('invalid_subscription_pattern');
    expect(result.error.message).toBe(error.message);
    expect(result.error.issues).toEqual(error.issues);
  });

  it('still throws invalid_option for an invalid catalog (a programming error)', () => {
    expect(thrown(() => safeParseSubscriptionPattern('kyc.*', { eventTypes: [] })).code).toBe(
      'invalid_option',
    );
  });
});
