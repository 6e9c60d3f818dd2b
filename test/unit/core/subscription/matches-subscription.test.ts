import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EUDR_EVENT_TYPES, EVENT_TYPES } from '../../../../src/core/catalog/event-types.js';
import { WebhookValidationError } from '../../../../src/core/errors.js';
import {
  matchesSubscription,
  parseSubscriptionPattern,
} from '../../../../src/core/subscription/index.js';
import { naiveIsValid, naiveMatches, naiveSegments } from './naive-reference.js';

const SEGMENTS = naiveSegments(EVENT_TYPES);
const EUDR_SEGMENTS = naiveSegments(EUDR_EVENT_TYPES);

describe('matchesSubscription: known cases', () => {
  it.each([
    ['compliance.status_changed', 'compliance.status_changed', true],
    ['compliance.status_changed', 'compliance.decision_made', false],
    ['compliance.*', 'compliance.status_changed', true],
    ['compliance.*', 'compliance.decision_made', true],
    ['compliance.*', 'compliance.new_type', true],
    ['compliance.*', 'compliance.sub.type', true],
    ['compliance.*', 'kyc.verification_completed', false],
    ['kyc.*', 'kyc_extra.verification_completed', false],
    ['kyc.*', 'kycx.a', false],
    ['kyc.*', 'kyc', false],
    ['kyc.*', 'kyc.', false],
    ['kyc.*', '.kyc.a', false],
    ['webhook.*', 'webhook.endpoint_auto_paused', true],
    ['self_service_invitation.*', 'self_service_invitation.expired', true],
    ['export_file.generated', 'export_file.generated ', false],
  ] as const)('matchesSubscription(%j, %j) is %s', (pattern, eventType, expected) => {
    expect(matchesSubscription(pattern, eventType)).toBe(expected);
    expect(matchesSubscription(parseSubscriptionPattern(pattern), eventType)).toBe(expected);
  });

  it.each([
    '*',
    'kyc*',
    'unknown.*',
    'supplier.*',
    '',
  ])('matchesSubscription(%j, …) throws invalid_subscription_pattern', (pattern) => {
    expect(() => matchesSubscription(pattern, 'kyc.verification_completed')).toThrow(
      expect.objectContaining({ code: 'invalid_subscription_pattern' }),
    );
  });

  it('matches a pattern parsed with another catalog', () => {
    const supplier = parseSubscriptionPattern('supplier.*', { eventTypes: EUDR_EVENT_TYPES });
    expect(matchesSubscription(supplier, 'supplier.created')).toBe(true);
    expect(matchesSubscription(supplier, 'product.created')).toBe(false);
  });
});

// Patterns: valid ones, near misses built from catalog words and "*", and arbitrary strings.
const word = fc.constantFrom(
  ...SEGMENTS,
  'status_changed',
  'verification_completed',
  'new_type',
  '*',
  '**',
  'kyc*',
  '',
  ' kyc',
  'KYC',
  'supplier',
);
const nearMiss = fc.array(word, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'));
const validPattern = fc.constantFrom(...EVENT_TYPES, ...SEGMENTS.map((s) => `${s}.*`));
const patternArb = fc.oneof(
  validPattern,
  nearMiss,
  fc.string({ maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('k', 'y', 'c', '.', '*', ' '), maxLength: 8 }),
);

// Event types: the catalog, new types in catalog segments, near misses and arbitrary strings.
const suffix = fc.stringMatching(/^[a-z_.]{0,12}$/);
const eventTypeArb = fc.oneof(
  fc.constantFrom(...EVENT_TYPES),
  fc.tuple(fc.constantFrom(...SEGMENTS), suffix).map(([s, rest]) => `${s}.${rest}`),
  fc.tuple(fc.constantFrom(...SEGMENTS), suffix).map(([s, rest]) => `${s}${rest}`),
  nearMiss,
  fc.string({ maxLength: 20 }),
);

describe('matchesSubscription: properties', () => {
  it('agrees with the naive reference, throwing exactly for invalid patterns', () => {
    fc.assert(
      fc.property(patternArb, eventTypeArb, (pattern, eventType) => {
        if (naiveIsValid(pattern, EVENT_TYPES)) {
          const expected = naiveMatches(pattern, eventType);
          expect(matchesSubscription(pattern, eventType)).toBe(expected);
          expect(matchesSubscription(parseSubscriptionPattern(pattern), eventType)).toBe(expected);
        } else {
          let error: unknown;
          try {
            matchesSubscription(pattern, eventType);
          } catch (caught) {
            error = caught;
          }
          expect(error).toBeInstanceOf(WebhookValidationError);
          expect((error as WebhookValidationError).code).toBe('invalid_subscription_pattern');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the naive reference for EUDR patterns', () => {
    const eudrPattern = fc.constantFrom(...EUDR_EVENT_TYPES, ...EUDR_SEGMENTS.map((s) => `${s}.*`));
    const eudrType = fc.oneof(
      fc.constantFrom(...EUDR_EVENT_TYPES, ...EVENT_TYPES),
      fc.tuple(fc.constantFrom(...EUDR_SEGMENTS), suffix).map(([s, rest]) => `${s}.${rest}`),
    );
    fc.assert(
      fc.property(eudrPattern, eudrType, (pattern, eventType) => {
        const parsed = parseSubscriptionPattern(pattern, { eventTypes: EUDR_EVENT_TYPES });
        expect(matchesSubscription(parsed, eventType)).toBe(naiveMatches(pattern, eventType));
      }),
    );
  });

  it('a segment wildcard matches every type, known or new, of its segment and no other', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEGMENTS),
        fc.constantFrom(...SEGMENTS),
        fc.stringMatching(/^[a-z_]{1,12}$/),
        (patternSegment, typeSegment, name) => {
          const eventType = `${typeSegment}.${name}`;
          expect(matchesSubscription(`${patternSegment}.*`, eventType)).toBe(
            patternSegment === typeSegment,
          );
        },
      ),
    );
  });
});
