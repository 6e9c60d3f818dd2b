// The sender's per-organization subscription indexes: publish matches an event against one
// `SubscriptionIndex` per organization (docs/design.md §2), read from storage on first use and trusted
// for `endpointCacheTtlMs`. Changes made through this sender apply at once; the TTL bounds how
// long another process's changes go unseen (storage re-checks each endpoint's status when
// deliveries are stored, so a stale index never sends to a paused endpoint). With a storage change
// feed (`SenderStorage.watch`), another process's change drops the organization's index at once
// (`forget`), so the next publish reads it again: the TTL is then only the backstop.

import { SubscriptionIndex } from '../../core/subscription/subscription-index.js';
import type { Clock } from '../ports/clock.js';
import type { SenderStorage } from '../ports/sender-storage.js';
import type { EndpointRecord } from '../records.js';

/** One organization's endpoints and their subscription index. */
export interface OrganizationIndex {
  readonly index: SubscriptionIndex;
  readonly endpoints: Map<string, EndpointRecord>;
  /** When it was read from storage (the sender's clock), epoch ms. */
  readonly loadedAtMs: number;
}

/** What {@link SubscriptionCache} reads from. */
export interface SubscriptionCacheOptions {
  readonly storage: SenderStorage;
  readonly clock: Clock;
  /** The profile's event types, which the subscription patterns are parsed against. */
  readonly eventTypes: readonly string[];
  /** How long a loaded index is trusted for publish, ms (`endpointCacheTtlMs`). */
  readonly ttlMs: number;
}

/** The subscription index of each organization, loaded once and kept up to date. */
export class SubscriptionCache {
  readonly #storage: SenderStorage;
  readonly #clock: Clock;
  readonly #eventTypes: readonly string[];
  readonly #cacheTtlMs: number;
  readonly #organizations = new Map<string, Promise<OrganizationIndex>>();
  /** The loaded value of each current `#organizations` entry, for a synchronous look-up. */
  readonly #loaded = new Map<string, OrganizationIndex>();

  constructor(options: SubscriptionCacheOptions) {
    this.#storage = options.storage;
    this.#clock = options.clock;
    this.#eventTypes = options.eventTypes;
    this.#cacheTtlMs = options.ttlMs;
  }

  /** The organization's subscription index, read from storage on first use and after its TTL. */
  async organization(organizationUuid: string, fresh = false): Promise<OrganizationIndex> {
    const cached = this.#organizations.get(organizationUuid);
    if (cached !== undefined) {
      const org = await cached;
      if (!fresh || this.#clock.now() - org.loadedAtMs < this.#cacheTtlMs) return org;
      if (this.#organizations.get(organizationUuid) !== cached) {
        return this.organization(organizationUuid, fresh);
      }
    }
    const loadedAtMs = this.#clock.now();
    this.#loaded.delete(organizationUuid);
    const loading = this.#storage.listEndpoints(organizationUuid).then((records) => {
      const org: OrganizationIndex = {
        index: new SubscriptionIndex({ eventTypes: this.#eventTypes }),
        endpoints: new Map(),
        loadedAtMs,
      };
      for (const record of records) addToIndex(org, record);
      return org;
    });
    this.#organizations.set(organizationUuid, loading);
    loading.then(
      (org) => {
        if (this.#organizations.get(organizationUuid) === loading) {
          this.#loaded.set(organizationUuid, org);
        }
      },
      () => this.#organizations.delete(organizationUuid),
    );
    return loading;
  }

  /**
   * The loaded index of the organization while within its TTL: what `organization(uuid, true)`
   * resolves to then, without a wait (publish is the hot path).
   */
  freshLoaded(organizationUuid: string): OrganizationIndex | undefined {
    const org = this.#loaded.get(organizationUuid);
    return org !== undefined && this.#clock.now() - org.loadedAtMs < this.#cacheTtlMs
      ? org
      : undefined;
  }

  /** Whether this very record object is the one the organization's loaded index holds. */
  isCached(record: EndpointRecord): boolean {
    return this.#loaded.get(record.organizationUuid)?.endpoints.get(record.id) === record;
  }

  /** Puts a created or changed endpoint into its organization's index. */
  async cacheEndpoint(record: EndpointRecord): Promise<void> {
    const org = await this.organization(record.organizationUuid);
    const cached = org.endpoints.get(record.id);
    if (
      cached !== undefined &&
      sameList(cached.events, record.events) &&
      (cached.partnerIds === record.partnerIds ||
        (cached.partnerIds !== null &&
          record.partnerIds !== null &&
          sameList(cached.partnerIds, record.partnerIds)))
    ) {
      // Only the status or health changed (every attempt changes health): the index stays.
      org.endpoints.set(record.id, record);
      return;
    }
    org.index.remove(record.id);
    addToIndex(org, record);
  }

  /**
   * Drops the organization's index (another process changed one of its endpoints): the next
   * publish reads it from storage again, whatever its TTL. A read already under way is not
   * cached when it lands, since it may predate the change.
   */
  forget(organizationUuid: string): void {
    this.#organizations.delete(organizationUuid);
    this.#loaded.delete(organizationUuid);
  }

  /** Drops every organization's index (changes may have been missed: a feed reconnected). */
  forgetAll(): void {
    this.#organizations.clear();
    this.#loaded.clear();
  }

  /** Takes a deleted endpoint out of its organization's index. */
  async removeEndpoint(organizationUuid: string, endpointId: string): Promise<void> {
    const org = await this.organization(organizationUuid);
    org.index.remove(endpointId);
    org.endpoints.delete(endpointId);
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function addToIndex(org: OrganizationIndex, record: EndpointRecord): void {
  org.index.add(record.id, { events: record.events, partnerIds: record.partnerIds });
  org.endpoints.set(record.id, record);
}
