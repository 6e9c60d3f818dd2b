import type { WebhookValidationError } from '../errors.js';
import { parsePatternWith } from './internal/check-pattern.js';
import { resolveCatalog } from './internal/pattern-catalog.js';

/**
 * A validated subscription pattern (docs/design.md §5.5), as returned by
 * {@link parseSubscriptionPattern}:
 * - `exact`: one catalog event type, matched by equality;
 * - `segment`: `<segment>.*`, matching every event type whose first segment is `segment`,
 *   including types added to that segment later (docs/design.md §6.1, docs/design.md §7, A-8).
 *
 * `source` is the pattern as written, for echoing back to the user (docs/design.md §6.2).
 */
export type ParsedSubscriptionPattern =
  | { readonly kind: 'exact'; readonly eventType: string; readonly source: string }
  | { readonly kind: 'segment'; readonly segment: string; readonly source: string };

/** Options of {@link parseSubscriptionPattern} and {@link SubscriptionIndex}. */
export interface SubscriptionPatternOptions {
  /**
   * The event catalog that patterns may name: exact types must be in it, and `<segment>.*` must
   * use the first segment of one of its types. Pass `EUDR_EVENT_TYPES` for the EUDR profile, or
   * any list of dot-separated types. `EVENT_TYPES`, `EUDR_EVENT_TYPES` and frozen arrays
   * (`Object.freeze`) are compiled once and cached; any other array is read again on every call,
   * so freeze a large custom catalog that you parse against often.
   * @default EVENT_TYPES (the 10 Novatrade24 types)
   */
  readonly eventTypes?: readonly string[];
}

/** The result of a `safeParse*` subscription function: the value, or the error it would throw. */
export type SubscriptionParseResult<T> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: WebhookValidationError };

/**
 * Parses one subscription pattern: an exact catalog event type, or `<segment>.*` where
 * `<segment>` is the first segment of a catalog type (docs/design.md §5.5, docs/design.md §6.3).
 *
 * Rejected: the root wildcard `*` (refused "for safety", docs/design.md §6.3), `*` anywhere but as the
 * whole last segment (`**`, `kyc*`, `*.status_changed`, `kyc.*.*`), a wildcard after more than
 * one segment, unknown types and segments, empty and whitespace-padded strings. Matching is
 * case-sensitive: catalog types are lowercase.
 *
 * @param pattern - the pattern, e.g. `compliance.status_changed` or `kyc.*`.
 * @param options - {@link SubscriptionPatternOptions}: the catalog to validate against.
 * @returns the parsed pattern; its `source` is `pattern` unchanged.
 * @throws {WebhookValidationError} `invalid_subscription_pattern` when `pattern` is not valid; the
 * message quotes the pattern (cut at 64 characters) and says what is accepted; `issues` has one
 * entry with path `''`.
 * @throws {WebhookValidationError} `invalid_option` when `options.eventTypes` is empty or has an
 * entry that is not a dot-separated event type.
 * @example
 * ```ts
 * import { EUDR_EVENT_TYPES, parseSubscriptionPattern } from '@novatrade24/webhooks';
 *
 * parseSubscriptionPattern('kyc.*'); // { kind: 'segment', segment: 'kyc', source: 'kyc.*' }
 * parseSubscriptionPattern('supplier.created', { eventTypes: EUDR_EVENT_TYPES });
 * parseSubscriptionPattern('*'); // throws: code 'invalid_subscription_pattern'
 * ```
 */
export function parseSubscriptionPattern(
  pattern: string,
  options?: SubscriptionPatternOptions,
): ParsedSubscriptionPattern {
  const result = parsePatternWith(pattern, resolveCatalog(options));
  if (result.success) return result.data;
  throw result.error;
}

/**
 * Like {@link parseSubscriptionPattern}, but returns the error instead of throwing it.
 *
 * @param pattern - the pattern to check.
 * @param options - {@link SubscriptionPatternOptions}.
 * @returns `{ success: true, data }`, or `{ success: false, error }` where `error` is the
 * {@link WebhookValidationError} (code `invalid_subscription_pattern`) that
 * {@link parseSubscriptionPattern} would throw.
 * @throws {WebhookValidationError} `invalid_option` when `options.eventTypes` is invalid (a
 * programming error, not a bad pattern).
 * @example
 * ```ts
 * const result = safeParseSubscriptionPattern('kyc*');
 * if (!result.success) console.log(result.error.issues[0]?.message);
 * // "kyc*" uses "*" other than as the whole last segment of "<segment>.*"
 * ```
 */
export function safeParseSubscriptionPattern(
  pattern: string,
  options?: SubscriptionPatternOptions,
): SubscriptionParseResult<ParsedSubscriptionPattern> {
  return parsePatternWith(pattern, resolveCatalog(options));
}
