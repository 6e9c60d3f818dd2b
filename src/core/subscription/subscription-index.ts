import { type ValidationIssue, WebhookValidationError } from '../errors.js';
import { describeValue } from '../internal/describe-value.js';
import { typeIssueCode } from '../internal/type-issue-code.js';
import { parsePatternListWith } from './internal/check-pattern.js';
import {
  type PatternCatalog,
  quoteForMessage,
  resolveCatalog,
  segmentOf,
} from './internal/pattern-catalog.js';
import type { SubscriptionPatternOptions } from './parse-subscription-pattern.js';

/** What an endpoint subscribes to: the `events` and `partnerIds` of a webhook endpoint. */
export interface EndpointSubscription {
  /**
   * Subscription patterns (exact types and `<segment>.*`), validated as by
   * `parseSubscriptionPatterns`: at least one, none repeated, overlaps allowed.
   */
  readonly events: readonly string[];
  /**
   * Partner UUIDs whose events reach the endpoint, compared as exact strings (pass them in the
   * canonical lowercase form the events carry). `null` or omitted: every partner (docs/design.md
   * §6.2). An empty list receives only organization-level events (`partnerUuid: null`).
   * @default null
   */
  readonly partnerIds?: readonly string[] | null;
}

// A set of endpoint ids with a cached array copy. match() concatenates the copies (a bulk copy)
// instead of iterating sets; a change drops the copy, and the next match() rebuilds it in time
// proportional to the set, every member of which is part of that match's result.
class IdSet {
  readonly ids = new Set<string>();
  snapshot: readonly string[] | undefined;

  add(id: string): void {
    this.ids.add(id);
    this.snapshot = undefined;
  }

  delete(id: string): void {
    this.ids.delete(id);
    this.snapshot = undefined;
  }

  toArray(): readonly string[] {
    this.snapshot ??= Array.from(this.ids);
    return this.snapshot;
  }
}

// The endpoints reached through one key (an exact type or a segment), split by partner filter so
// that match() reads only sets whose every member matches.
interface Bucket {
  /** Endpoints without a partner filter: they take every event of the key. */
  readonly allPartners: IdSet;
  /** Endpoints with a partner filter: they take organization-level events (partnerUuid null). */
  readonly filtered: IdSet;
  /** Endpoints with a partner filter, under each partner they list. */
  readonly byPartner: Map<string, IdSet>;
}

// Deliberately not frozen: V8's fast path for Array.prototype.concat skips frozen arrays, which
// made match() about twice as slow on large results. Typed readonly and never handed out.
const NONE: readonly string[] = [];

// What add() stored for an endpoint, so that remove() touches only its own buckets.
interface Registration {
  /** Exact types not already covered by one of the endpoint's own segment wildcards. */
  readonly exactTypes: readonly string[];
  readonly segments: readonly string[];
  /** Distinct partner UUIDs, or null for every partner. */
  readonly partnerIds: readonly string[] | null;
}

/**
 * The endpoints of one organization, indexed by what they subscribe to, so that finding the
 * endpoints for an event costs O(number of matching endpoints), whatever the number of endpoints
 * that do not match (docs/design.md §3). The sender keeps one index per organization.
 *
 * Semantics:
 * - patterns are validated like `parseSubscriptionPatterns` against the index's catalog; a segment
 *   wildcard also matches types added to its segment later (docs/design.md §6.1, docs/design.md §7, A-8);
 * - an endpoint is returned at most once per event, however many of its patterns overlap
 *   (docs/design.md §5.5);
 * - `partnerIds` scopes partner events: an event with a `partnerUuid` reaches endpoints without a
 *   filter and endpoints whose filter lists it;
 * - an organization-level event (`partnerUuid: null`, e.g. the `webhook.*` meta-events of
 *   docs/design.md §5.4) reaches every endpoint subscribed to its type, whatever its partner filter;
 * - the index does not know endpoint status or exclusions (paused endpoints, the endpoint a
 *   meta-event is about): the caller filters those (docs/design.md §5.3, §5.4).
 *
 * Cost: `match` does at most three map lookups (exact type, first segment, partner) and
 * concatenates at most four cached arrays whose members all match; it allocates only the
 * returned array. A cached array is rebuilt on the first `match` after a change to its set, in
 * time proportional to that set, whose members are all in that match's result. `add` and
 * `remove` cost O(patterns × (1 + partners)) of that endpoint.
 *
 * @example
 * ```ts
 * import { EUDR_EVENT_TYPES, SubscriptionIndex } from '@novatrade24/webhooks';
 *
 * const index = new SubscriptionIndex();
 * index.add('wh_all', { events: ['compliance.*', 'compliance.status_changed'], partnerIds: null });
 * index.add('wh_p1', { events: ['compliance.status_changed'], partnerIds: ['1111…'] });
 *
 * index.match('compliance.status_changed', '1111…'); // ['wh_all', 'wh_p1']
 * index.match('compliance.status_changed', '2222…'); // ['wh_all']
 * index.match('compliance.decision_made', null); // ['wh_all']
 *
 * const eudr = new SubscriptionIndex({ eventTypes: EUDR_EVENT_TYPES });
 * eudr.add('wh_x', { events: ['supplier.*'] });
 * ```
 */
export class SubscriptionIndex {
  readonly #catalog: PatternCatalog;
  readonly #endpoints = new Map<string, Registration>();
  readonly #byType = new Map<string, Bucket>();
  readonly #bySegment = new Map<string, Bucket>();

  /**
   * Creates an empty index.
   *
   * @param options - {@link SubscriptionPatternOptions}: the catalog patterns are validated
   * against (default `EVENT_TYPES`; pass `EUDR_EVENT_TYPES` for the EUDR profile).
   * @throws {WebhookValidationError} `invalid_option` when `options.eventTypes` is empty or has an
   * entry that is not a dot-separated event type.
   */
  constructor(options?: SubscriptionPatternOptions) {
    this.#catalog = resolveCatalog(options);
  }

  /** Number of registered endpoints. */
  get size(): number {
    return this.#endpoints.size;
  }

  /**
   * True when `endpointId` is registered.
   *
   * @param endpointId - the endpoint's id.
   */
  has(endpointId: string): boolean {
    return this.#endpoints.has(endpointId);
  }

  /**
   * Registers an endpoint's subscription, replacing any earlier registration of the same id.
   * Everything is validated before the index changes: a failed call leaves it as it was.
   *
   * @param endpointId - the endpoint's id (non-empty), e.g. `wh_…`.
   * @param subscription - the endpoint's `events` patterns and `partnerIds` filter.
   * @throws {WebhookValidationError} `invalid_subscription_pattern` when `events` is empty, has a
   * repeated entry or an invalid pattern; `issues` names each one (`events[i]`).
   * @throws {WebhookValidationError} `invalid_option` when `endpointId` is not a non-empty string,
   * or `partnerIds` is not null, omitted or an array of non-empty strings.
   * @example
   * ```ts
   * index.add('wh_1', { events: ['kyc.*'], partnerIds: ['11111111-2222-3333-4444-555555555555'] });
   * index.add('wh_1', { events: ['kyc.*', 'webhook.*'] }); // replaces: now all partners
   * ```
   */
  add(endpointId: string, subscription: EndpointSubscription): void {
    const registration = this.#validate(endpointId, subscription);
    this.remove(endpointId);
    this.#endpoints.set(endpointId, registration);
    for (const type of registration.exactTypes) {
      insert(bucketFor(this.#byType, type), endpointId, registration.partnerIds);
    }
    for (const segment of registration.segments) {
      insert(bucketFor(this.#bySegment, segment), endpointId, registration.partnerIds);
    }
  }

  /**
   * Unregisters an endpoint.
   *
   * @param endpointId - the endpoint's id.
   * @returns true when it was registered.
   * @example
   * ```ts
   * if (!index.remove('wh_1')) log.debug('endpoint was not indexed');
   * ```
   */
  remove(endpointId: string): boolean {
    const registration = this.#endpoints.get(endpointId);
    if (registration === undefined) return false;
    this.#endpoints.delete(endpointId);
    for (const type of registration.exactTypes) {
      extract(this.#byType, type, endpointId, registration.partnerIds);
    }
    for (const segment of registration.segments) {
      extract(this.#bySegment, segment, endpointId, registration.partnerIds);
    }
    return true;
  }

  /**
   * The endpoints an event reaches, each at most once, in no particular order.
   *
   * @param eventType - the event's `type`; types outside the catalog still match the wildcards
   * of their segment (a type added later, docs/design.md §6.1).
   * @param partnerUuid - the event's `partnerUuid`, or `null` for an organization-level event,
   * which reaches endpoints regardless of their partner filter.
   * @returns a new array of endpoint ids; empty when nothing matches.
   * @example
   * ```ts
   * for (const endpointId of index.match(event.type, event.partnerUuid)) enqueue(endpointId, event);
   * ```
   */
  match(eventType: string, partnerUuid: string | null): string[] {
    // An endpoint sits in at most one of the two buckets: add() drops an exact type that the
    // endpoint's own wildcard covers. Within a bucket it is either unfiltered or filtered. So
    // the four arrays never share an id, and concatenating them is the deduplicated result.
    const exact = this.#byType.get(eventType);
    const segment = this.#catalog.segmentByType.get(eventType) ?? segmentOf(eventType);
    const wildcard = segment === undefined ? undefined : this.#bySegment.get(segment);
    if (exact === undefined && wildcard === undefined) return [];
    return (exact === undefined ? NONE : exact.allPartners.toArray()).concat(
      exact === undefined ? NONE : forPartner(exact, partnerUuid),
      wildcard === undefined ? NONE : wildcard.allPartners.toArray(),
      wildcard === undefined ? NONE : forPartner(wildcard, partnerUuid),
    );
  }

  #validate(endpointId: string, subscription: EndpointSubscription): Registration {
    if (typeof endpointId !== 'string' || endpointId === '') {
      const message = `expected a non-empty string, got ${
        typeof endpointId === 'string' ? 'an empty string' : describeValue(endpointId)
      }`;
      throw new WebhookValidationError('invalid_option', `endpointId: ${message}.`, {
        issues: [
          {
            path: 'endpointId',
            code: typeof endpointId === 'string' ? 'too_small' : typeIssueCode(endpointId),
            message,
          },
        ],
      });
    }
    if (typeof subscription !== 'object' || subscription === null) {
      const message = `expected { events, partnerIds }, got ${describeValue(subscription)}`;
      throw new WebhookValidationError('invalid_option', `subscription: ${message}.`, {
        issues: [{ path: 'subscription', code: typeIssueCode(subscription), message }],
      });
    }
    const parsed = parsePatternListWith(subscription.events, this.#catalog, 'events');
    if (!parsed.success) throw parsed.error;
    const partnerIds = validatePartnerIds(subscription.partnerIds);

    const segments: string[] = [];
    for (const pattern of parsed.data)
      if (pattern.kind === 'segment') segments.push(pattern.segment);
    const exactTypes: string[] = [];
    for (const pattern of parsed.data) {
      if (pattern.kind !== 'exact') continue;
      const segment = this.#catalog.segmentByType.get(pattern.eventType);
      if (segment === undefined || !segments.includes(segment)) exactTypes.push(pattern.eventType);
    }
    return { exactTypes, segments, partnerIds };
  }
}

function validatePartnerIds(value: unknown): readonly string[] | null {
  if (value === null || value === undefined) return null;
  const issues: ValidationIssue[] = [];
  if (!Array.isArray(value)) {
    issues.push({
      path: 'partnerIds',
      code: 'invalid_type',
      message: `expected null or an array of partner UUIDs, got ${describeValue(value)}`,
    });
  } else {
    value.forEach((id: unknown, index) => {
      if (typeof id !== 'string' || id === '') {
        issues.push({
          path: `partnerIds[${index}]`,
          code: typeof id === 'string' ? 'too_small' : typeIssueCode(id),
          message: `expected a non-empty string, got ${typeof id === 'string' ? quoteForMessage(id) : describeValue(id)}`,
        });
      }
    });
  }
  if (issues.length > 0) {
    const first = issues[0] as ValidationIssue;
    throw new WebhookValidationError('invalid_option', `${first.path}: ${first.message}.`, {
      issues,
    });
  }
  return [...new Set(value as readonly string[])];
}

function bucketFor(map: Map<string, Bucket>, key: string): Bucket {
  let bucket = map.get(key);
  if (bucket === undefined) {
    bucket = { allPartners: new IdSet(), filtered: new IdSet(), byPartner: new Map() };
    map.set(key, bucket);
  }
  return bucket;
}

function insert(bucket: Bucket, endpointId: string, partnerIds: readonly string[] | null): void {
  if (partnerIds === null) {
    bucket.allPartners.add(endpointId);
    return;
  }
  bucket.filtered.add(endpointId);
  for (const partner of partnerIds) {
    let ids = bucket.byPartner.get(partner);
    if (ids === undefined) {
      ids = new IdSet();
      bucket.byPartner.set(partner, ids);
    }
    ids.add(endpointId);
  }
}

// Removes the endpoint from the key's bucket and drops whatever became empty, so that an index
// under churn does not keep buckets for patterns or partners nobody uses any more.
function extract(
  map: Map<string, Bucket>,
  key: string,
  endpointId: string,
  partnerIds: readonly string[] | null,
): void {
  const bucket = map.get(key);
  if (bucket === undefined) return;
  if (partnerIds === null) {
    bucket.allPartners.delete(endpointId);
  } else {
    bucket.filtered.delete(endpointId);
    for (const partner of partnerIds) {
      const ids = bucket.byPartner.get(partner);
      if (ids === undefined) continue;
      ids.delete(endpointId);
      if (ids.ids.size === 0) bucket.byPartner.delete(partner);
    }
  }
  if (bucket.allPartners.ids.size === 0 && bucket.filtered.ids.size === 0) map.delete(key);
}

// The bucket's partner-filtered endpoints that take an event of `partnerUuid`.
function forPartner(bucket: Bucket, partnerUuid: string | null): readonly string[] {
  // `undefined` from untyped callers is an absent partner too, not a partner id.
  if (partnerUuid === null || partnerUuid === undefined) return bucket.filtered.toArray();
  const ids = bucket.byPartner.get(partnerUuid);
  return ids === undefined ? NONE : ids.toArray();
}
