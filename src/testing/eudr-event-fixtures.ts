import type { EudrWebhookEvent } from '../core/catalog/eudr-webhook-event.js';
import { EUDR_EVENT_TYPES, type EudrEventType } from '../core/catalog/event-types.js';
import { createSampleEudrEvent } from '../core/catalog/sample-events.js';
import { deepFreeze } from '../core/internal/deep-freeze.js';

/** One valid N'entropy EUDR event per type, typed per key. */
export type EudrEventFixtures = { readonly [T in EudrEventType]: EudrWebhookEvent<T> };

/**
 * A valid, synthetic N'entropy EUDR event of each of the 14 types, keyed by type: the output of
 * `createSampleEudrEvent(type)` (timestamp `2024-01-15T10:30:00.000Z`, integration `int_000…`,
 * all-zero ids). Each passes `parseEudrEvent(event, { strict: true })`. Deep-frozen: call
 * `createSampleEudrEvent(type, overrides)` for a copy to change.
 *
 * @example
 * ```ts
 * import { createSignedRequest, EUDR_EVENT_FIXTURES } from '@novatrade24/webhooks/testing';
 *
 * const request = createSignedRequest(EUDR_EVENT_FIXTURES['sync.completed'], {
 *   secret: 'whsec_test',
 *   profile: 'eudr',
 * });
 * request.headers['X-Webhook-Event']; // 'sync.completed'
 * ```
 */
export const EUDR_EVENT_FIXTURES: EudrEventFixtures = /* @__PURE__ */ deepFreeze(
  Object.fromEntries(
    EUDR_EVENT_TYPES.map((type) => [type, createSampleEudrEvent(type)]),
  ) as EudrEventFixtures,
);
