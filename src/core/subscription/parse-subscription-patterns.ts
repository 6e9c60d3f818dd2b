import { parsePatternListWith } from './internal/check-pattern.js';
import { resolveCatalog } from './internal/pattern-catalog.js';
import type {
  ParsedSubscriptionPattern,
  SubscriptionParseResult,
  SubscriptionPatternOptions,
} from './parse-subscription-pattern.js';

/** Options of {@link parseSubscriptionPatterns}. */
export interface SubscriptionPatternListOptions extends SubscriptionPatternOptions {
  /**
   * Path of the list in the caller's input, used in `issues` (`<path>[i]` for entry `i`), e.g.
   * `webhooks[2].events` for a config file.
   * @default 'events'
   */
  readonly path?: string;
}

/**
 * Parses an endpoint's whole `events` list (docs/design.md §6.2): every entry must be a valid
 * pattern (see {@link parseSubscriptionPattern}), the list must not be empty, and no entry may be
 * repeated. Overlapping entries such as `kyc.*` with `kyc.verification_completed` are allowed:
 * matching delivers an event once per endpoint (docs/design.md §5.5).
 *
 * Why strict: an empty list would register an endpoint that receives nothing, and a repeated
 * entry is almost always a client bug. Relaxing either rule later is a non-breaking change;
 * tightening it would be breaking (docs/design.md §6.1).
 *
 * @param events - the patterns, in the order the user gave them.
 * @param options - {@link SubscriptionPatternListOptions}: the catalog and the path for issues.
 * @returns the parsed patterns, in input order.
 * @throws {WebhookValidationError} `invalid_subscription_pattern` listing every bad entry in
 * `issues` (path `events[i]`, message quoting the entry and the reason, `repeats events[j]` for a
 * duplicate), or one issue with path `events` when the list is empty or not an array.
 * @throws {WebhookValidationError} `invalid_option` when `options.eventTypes` is invalid.
 * @example
 * ```ts
 * const patterns = parseSubscriptionPatterns(['compliance.*', 'kyc.verification_completed']);
 * patterns.map((p) => p.kind); // ['segment', 'exact']
 *
 * try {
 *   parseSubscriptionPatterns(['kyc.*', '*', 'kyc.*']);
 * } catch (err) {
 *   // err.issues: [{ path: 'events[1]', … }, { path: 'events[2]', message: '"kyc.*" repeats events[0]' }]
 * }
 * ```
 */
export function parseSubscriptionPatterns(
  events: readonly string[],
  options?: SubscriptionPatternListOptions,
): ParsedSubscriptionPattern[] {
  const result = parsePatternListWith(events, resolveCatalog(options), options?.path ?? 'events');
  if (result.success) return result.data;
  throw result.error;
}

/**
 * Like {@link parseSubscriptionPatterns}, but returns the error instead of throwing it.
 *
 * @param events - the patterns.
 * @param options - {@link SubscriptionPatternListOptions}.
 * @returns `{ success: true, data }`, or `{ success: false, error }` with the
 * `invalid_subscription_pattern` error {@link parseSubscriptionPatterns} would throw.
 * @throws {WebhookValidationError} `invalid_option` when `options.eventTypes` is invalid.
 * @example
 * ```ts
 * const result = safeParseSubscriptionPatterns(body.events);
 * if (!result.success) return problem(400, result.error.issues);
 * ```
 */
export function safeParseSubscriptionPatterns(
  events: readonly string[],
  options?: SubscriptionPatternListOptions,
): SubscriptionParseResult<ParsedSubscriptionPattern[]> {
  return parsePatternListWith(events, resolveCatalog(options), options?.path ?? 'events');
}
