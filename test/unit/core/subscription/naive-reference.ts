// Naive reference semantics for subscription patterns, written from docs/design.md §5.5 by splitting
// strings on "." — deliberately sharing no code with src/core/subscription.

/** Valid iff an exact catalog type, or exactly two segments `<first segment of a type>` and `*`. */
export function naiveIsValid(pattern: string, catalog: readonly string[]): boolean {
  if (catalog.includes(pattern)) return true;
  const parts = pattern.split('.');
  if (parts.length !== 2 || parts[1] !== '*') return false;
  return catalog.some((type) => type.split('.')[0] === parts[0]);
}

/** Exact equality, or: the type's first segment is the wildcard's and a non-empty rest follows. */
export function naiveMatches(pattern: string, eventType: string): boolean {
  const patternParts = pattern.split('.');
  if (patternParts.length === 2 && patternParts[1] === '*') {
    const typeParts = eventType.split('.');
    return (
      typeParts.length >= 2 &&
      typeParts[0] === patternParts[0] &&
      typeParts.slice(1).join('.') !== ''
    );
  }
  return pattern === eventType;
}

/** The first segments of a catalog, in catalog order, without repeats. */
export function naiveSegments(catalog: readonly string[]): string[] {
  const segments: string[] = [];
  for (const type of catalog) {
    const first = type.split('.')[0] as string;
    if (!segments.includes(first)) segments.push(first);
  }
  return segments;
}

/** A registered endpoint as the naive index model sees it. */
export interface NaiveEndpoint {
  readonly events: readonly string[];
  readonly partnerIds: readonly string[] | null;
}

/** Scans every endpoint: the expected result of SubscriptionIndex.match, sorted. */
export function naiveMatchAll(
  endpoints: ReadonlyMap<string, NaiveEndpoint>,
  eventType: string,
  partnerUuid: string | null,
): string[] {
  const out: string[] = [];
  for (const [id, endpoint] of endpoints) {
    const typeMatches = endpoint.events.some((pattern) => naiveMatches(pattern, eventType));
    const partnerMatches =
      partnerUuid === null ||
      endpoint.partnerIds === null ||
      endpoint.partnerIds.includes(partnerUuid);
    if (typeMatches && partnerMatches) out.push(id);
  }
  return out.sort();
}
