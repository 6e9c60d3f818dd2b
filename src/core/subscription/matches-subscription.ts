import { isInSegment } from './internal/check-pattern.js';
import {
  type ParsedSubscriptionPattern,
  parseSubscriptionPattern,
} from './parse-subscription-pattern.js';

/**
 * True when an event of type `eventType` matches a subscription pattern: an exact pattern
 * matches the identical type; `<segment>.*` matches every type whose first dot-separated
 * segment is `<segment>` with something after the dot.
 *
 * A segment wildcard also matches types added to its segment later (`compliance.*` matches a
 * future `compliance.new_type`): new event types are a non-breaking change (docs/design.md §6.1), so
 * a wildcard subscriber opted in to the whole segment (docs/design.md §7, A-8). `eventType` itself is never checked
 * against the catalog, for the same reason.
 *
 * @param pattern - a pattern string, parsed with the default Novatrade24 catalog, or a pattern
 * from {@link parseSubscriptionPattern} (parse once and pass the result for other catalogs such
 * as `EUDR_EVENT_TYPES`, and in loops).
 * @param eventType - the event's `type`, e.g. `kyc.verification_completed`.
 * @returns whether the event matches.
 * @throws {WebhookValidationError} `invalid_subscription_pattern` when `pattern` is a string that
 * {@link parseSubscriptionPattern} rejects (e.g. `*`, `kyc*`, `unknown.*`).
 * @example
 * ```ts
 * matchesSubscription('compliance.*', 'compliance.status_changed'); // true
 * matchesSubscription('compliance.*', 'compliance.new_type'); // true: future type in the segment
 * matchesSubscription('kyc.vies_check_failed', 'kyc.verification_completed'); // false
 *
 * const supplier = parseSubscriptionPattern('supplier.*', { eventTypes: EUDR_EVENT_TYPES });
 * matchesSubscription(supplier, 'supplier.created'); // true
 * ```
 */
export function matchesSubscription(
  pattern: string | ParsedSubscriptionPattern,
  eventType: string,
): boolean {
  const parsed = typeof pattern === 'string' ? parseSubscriptionPattern(pattern) : pattern;
  return parsed.kind === 'exact'
    ? parsed.eventType === eventType
    : typeof eventType === 'string' && isInSegment(eventType, parsed.segment);
}
