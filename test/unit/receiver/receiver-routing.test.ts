// WebhookReceiver.on and EudrWebhookReceiver.on route exactly as the subscription module matches
// (docs/design.md §5.5): one rule, checked through the public API over the whole catalogs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EUDR_EVENT_TYPES, EVENT_TYPES } from '../../../src/core/catalog/event-types.js';
import {
  createSampleEudrEvent,
  createSampleEvent,
} from '../../../src/core/catalog/sample-events.js';
import { matchesSubscription } from '../../../src/core/subscription/matches-subscription.js';
import { parseSubscriptionPattern } from '../../../src/core/subscription/parse-subscription-pattern.js';
import type { EudrHandlerPattern, NovatradeHandlerPattern } from '../../../src/receiver/index.js';
import { EudrWebhookReceiver, WebhookReceiver } from '../../../src/receiver/index.js';
import { signEudrPayload } from '../../../src/signature/sign-eudr-payload.node.js';
import { signNovatradePayload } from '../../../src/signature/sign-novatrade-payload.node.js';

const SECRET = 'whsec_routing_test';
const T = 1_790_000_000;
const now = () => T * 1000;

function patternsOf(types: readonly string[]): string[] {
  const segments = new Set(types.map((type) => type.slice(0, type.indexOf('.'))));
  return [...types, ...[...segments].map((segment) => `${segment}.*`)];
}

describe('WebhookReceiver.on', () => {
  it('property: a handler runs exactly when matchesSubscription(pattern, event.type)', async () => {
    let counter = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...patternsOf(EVENT_TYPES)),
        fc.constantFrom(...EVENT_TYPES),
        async (pattern, type) => {
          let ran = false;
          const receiver = new WebhookReceiver({ secret: SECRET, now, dedupe: false }).on(
            pattern as NovatradeHandlerPattern,
            () => {
              ran = true;
            },
          );
          counter += 1;
          const body = JSON.stringify(createSampleEvent(type, { id: `evt_route_${counter}` }));
          const response = await receiver.handle({
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-novatrade-signature': signNovatradePayload(body, SECRET, { timestamp: T }),
            },
            body,
          });
          expect(response.status).toBe(200);
          expect(ran).toBe(matchesSubscription(pattern, type));
        },
      ),
    );
  });
});

describe('EudrWebhookReceiver.on', () => {
  it('property: a handler runs exactly when matchesSubscription(pattern, event.event)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...patternsOf(EUDR_EVENT_TYPES)),
        fc.constantFrom(...EUDR_EVENT_TYPES),
        async (pattern, type) => {
          let ran = false;
          const receiver = new EudrWebhookReceiver({ secret: SECRET, dedupe: false }).on(
            pattern as EudrHandlerPattern,
            () => {
              ran = true;
            },
          );
          const body = JSON.stringify(createSampleEudrEvent(type));
          const response = await receiver.handle({
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-webhook-signature': signEudrPayload(body, SECRET),
            },
            body,
          });
          expect(response.status).toBe(200);
          const parsed = parseSubscriptionPattern(pattern, { eventTypes: EUDR_EVENT_TYPES });
          expect(ran).toBe(matchesSubscription(parsed, type));
        },
      ),
    );
  });
});
