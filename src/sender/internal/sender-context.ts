// What the sender's concern modules share: the ports and the state built once at construction.
// The facade (`WebhookSender`) builds one context and hands it to each module, which reads what it
// needs from it and nothing else of the sender.

import type { EventCatalog } from '../../core/catalog/event-catalog.js';
import type { WireProfile } from '../../core/profiles/wire-profile.js';
import type { RandomSource } from '../../core/random.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { SenderStorage } from '../ports/sender-storage.js';
import type { EndpointRules } from './endpoint-input.js';
import type { HookBus } from './hook-bus.js';
import type { SubscriptionCache } from './subscription-cache.js';

/** The shared state of one sender, passed to each of its concern modules. */
export interface SenderContext {
  readonly storage: SenderStorage;
  readonly profile: WireProfile;
  /** The catalog events are validated against (the `catalog` option, or the profile's). */
  readonly catalog: EventCatalog;
  /**
   * Publish and test fire accept enum values outside the catalog (the `allowUnknownEnumValues`
   * option); otherwise they validate strictly (docs/design.md §5.24).
   */
  readonly allowUnknownEnumValues: boolean;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Random bytes for ids and secrets. */
  readonly random: RandomSource;
  readonly hooks: HookBus;
  /** What endpoint input must satisfy: the profile's event types, `allowInsecureUrls`, secrets. */
  readonly rules: EndpointRules;
  /** The per-organization subscription indexes that publish matches against. */
  readonly subscriptions: SubscriptionCache;
  /** How long delivery history is kept and replayable, ms (docs/design.md §5.11). */
  readonly retentionMs: number;
  /** Wakes the dispatcher: new work is due. */
  readonly wake: () => void;
  /**
   * This process changed an endpoint (its URL, secrets or status) or deleted it: the dispatcher
   * hands back what it claimed ahead for it with the old record (docs/design.md §5.33).
   */
  readonly endpointChanged: (endpointId: string) => void;
}
