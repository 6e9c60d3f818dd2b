import { EVENT_TYPES, type EventType } from '../core/catalog/event-types.js';
import { createSampleEvent } from '../core/catalog/sample-events.js';
import type { WebhookEvent } from '../core/catalog/webhook-event.js';
import { deepFreeze } from '../core/internal/deep-freeze.js';

/** One valid Novatrade24 event per catalog type, typed per key. */
export type EventFixtures = { readonly [T in EventType]: WebhookEvent<T> };

/**
 * A valid, synthetic Novatrade24 event of each of the 10 catalog types, keyed by type: the
 * output of `createSampleEvent(type)` (schema version 1, id `evt_000…`, source `SYSTEM`, created
 * `2026-04-22T10:30:00Z`, all-zero UUIDs, `partnerUuid` null on meta-events). Each passes
 * `parseEvent(event, { strict: true })`. Deep-frozen, because every test in the process shares
 * them: call `createSampleEvent(type, overrides)` for a copy to change.
 *
 * @example
 * ```ts
 * import { createSignedRequest, EVENT_FIXTURES } from '@novatrade24/webhooks/testing';
 *
 * const event = EVENT_FIXTURES['kyc.vies_check_failed'];
 * event.data.vatNumber; // 'DE123456789', typed as string
 * const request = createSignedRequest(event, { secret: 'whsec_test' });
 * await fetch(request.url, request.toFetchInit());
 * ```
 */
export const EVENT_FIXTURES: EventFixtures = /* @__PURE__ */ deepFreeze(
  Object.fromEntries(EVENT_TYPES.map((type) => [type, createSampleEvent(type)])) as EventFixtures,
);
