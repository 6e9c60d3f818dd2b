import { describe, expect, it } from 'vitest';
import { EUDR_EVENT_TYPES, EVENT_TYPES } from '../../../../src/core/catalog/event-types.js';
import {
  parseSubscriptionPattern,
  parseSubscriptionPatterns,
  safeParseSubscriptionPatterns,
} from '../../../../src/core/subscription/index.js';
import { thrown } from '../../../helpers/thrown.js';

describe('parseSubscriptionPatterns', () => {
  it('returns every pattern parsed, in input order', () => {
    const events = ['webhook.*', 'kyc.verification_completed', 'compliance.*'];
    expect(parseSubscriptionPatterns(events)).toEqual(
      events.map((pattern) => parseSubscriptionPattern(pattern)),
    );
  });

  it('accepts the whole catalog plus every segment wildcard, overlapping, in one list', () => {
    const events = [...EVENT_TYPES, 'compliance.*', 'kyc.*', 'webhook.*'];
    expect(parseSubscriptionPatterns(events).map((p) => p.source)).toEqual(events);
  });

  it('rejects an empty list with one issue at path "events"', () => {
    const error = thrown(() => parseSubscriptionPatterns([]));
    expect(error.code).toBe('invalid_subscription_pattern');
    expect(error.issues).toEqual([
      {
        path: 'events',
        code: 'too_small',
        message: expect.stringContaining('at least one pattern'),
      },
    ]);
  });

  it('rejects a non-array with one issue at path "events"', () => {
    const error = thrown(() => parseSubscriptionPatterns('kyc.*' as unknown as string[]));
    expect(error.code).toBe('invalid_subscription_pattern');
    expect(error.issues).toEqual([
      {
        path: 'events',
        code: 'invalid_type',
        message: 'expected an array of patterns, got a string of 5 characters',
      },
    ]);
  });

  it('reports every bad entry, duplicates included, by index path', () => {
    const events = ['kyc.*', '*', 'unknown.*', 'kyc.*', 'compliance.status_changed', ' ', 7];
    const error = thrown(() => parseSubscriptionPatterns(events as string[]));
    expect(error.code).toBe('invalid_subscription_pattern');
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'events[1]',
      'events[2]',
      'events[3]',
      'events[5]',
      'events[6]',
    ]);
    expect(error.issues[0]?.message).toMatch(/^"\*" is the root wildcard/);
    expect(error.issues[2]?.message).toBe('"kyc.*" repeats events[0]');
    expect(error.issues[4]?.message).toBe('the pattern is not a string (got a number)');
    expect(error.message).toContain('5 of 7 entries are invalid');
    expect(error.message).toContain('events[1] "*" is the root wildcard');
    expect(error.message).toContain('and 2 more');
  });

  it('uses options.path as the prefix of issue paths', () => {
    const error = thrown(() =>
      parseSubscriptionPatterns(['kyc.*', 'kyc*'], { path: 'webhooks[0].events' }),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['webhooks[0].events[1]']);
  });

  it('validates against options.eventTypes', () => {
    expect(
      parseSubscriptionPatterns(['supplier.*', 'dds.approved'], { eventTypes: EUDR_EVENT_TYPES }),
    ).toHaveLength(2);
    const error = thrown(() =>
      parseSubscriptionPatterns(['supplier.*', 'kyc.*'], { eventTypes: EUDR_EVENT_TYPES }),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['events[1]']);
    expect(error.message).toContain('supplier.*, product.*, batch.*, sync.*, dds.*');
  });
});

describe('safeParseSubscriptionPatterns', () => {
  it('returns { success: true, data } for a valid list', () => {
    expect(safeParseSubscriptionPatterns(['kyc.*'])).toEqual({
      success: true,
      data: [{ kind: 'segment', segment: 'kyc', source: 'kyc.*' }],
    });
  });

  it('returns the error parseSubscriptionPatterns would throw', () => {
    const result = safeParseSubscriptionPatterns(['kyc.*', 'kyc.*']);
    expect(result.success).toBe(false);
    if (result.success) return;
    const error = thrown(() => parseSubscriptionPatterns(['kyc.*', 'kyc.*']));
    expect(result.error.code).toBe('invalid_subscription_pattern');
    expect(result.error.message).toBe(error.message);
    expect(result.error.issues).toEqual(error.issues);
  });
});
