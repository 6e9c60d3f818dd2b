// Subscriptions section of the core (docs/design.md §3, §5.5): pattern parsing, matching and the
// per-organization endpoint index. Explicit named exports only (CONTRIBUTING.md, "Modules").
export { matchesSubscription } from './matches-subscription.js';
export {
  type ParsedSubscriptionPattern,
  parseSubscriptionPattern,
  type SubscriptionParseResult,
  type SubscriptionPatternOptions,
  safeParseSubscriptionPattern,
} from './parse-subscription-pattern.js';
export {
  parseSubscriptionPatterns,
  type SubscriptionPatternListOptions,
  safeParseSubscriptionPatterns,
} from './parse-subscription-patterns.js';
export { type EndpointSubscription, SubscriptionIndex } from './subscription-index.js';
