import { resolveCatalog } from '../../core/subscription/internal/pattern-catalog.js';

/**
 * Every valid subscription pattern of a catalog (docs/design.md §5.5): its exact types in catalog
 * order, then `<segment>.*` for each first segment. Never the root `*`. The catalog is checked
 * and read once, here: a later change to the caller's array does not change the arbitrary.
 *
 * @throws WebhookValidationError `invalid_option` naming `eventTypes` or `eventTypes[i]`.
 */
export function patternCandidates(eventTypes: readonly string[] | undefined): readonly string[] {
  const catalog = resolveCatalog(eventTypes === undefined ? undefined : { eventTypes });
  return [...catalog.types, ...catalog.segments.map((segment) => `${segment}.*`)];
}
