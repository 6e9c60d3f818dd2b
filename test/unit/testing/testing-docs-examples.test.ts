// The two property tests of docs/testing.md ("Example: a receiver" and "Example: a routing
// table"), run as written. Each `#region docs:*` below is copied verbatim into a code block of
// the guide, after that block's import lines; the last test fails when the two drift apart, and
// when the guide imports a name its entry does not export.

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as root from '../../../src/index.js';
import { matchesSubscription, type WebhookEvent } from '../../../src/index.js';
import * as receiverEntry from '../../../src/receiver/index.js';
import { fetchHandler, isKnownEvent, WebhookReceiver } from '../../../src/receiver/index.js';
import { eventArbitrary } from '../../../src/testing/arbitraries/event-arbitrary.js';
import { partnerFilterArbitrary } from '../../../src/testing/arbitraries/partner-filter-arbitrary.js';
import { signedRequestArbitrary } from '../../../src/testing/arbitraries/signed-request-arbitrary.node.js';
import { subscriptionSetArbitrary } from '../../../src/testing/arbitraries/subscription-set-arbitrary.js';
import * as testingEntry from '../../../src/testing/index.js';
import { createFakeClock } from '../../../src/testing/index.js';
import { expectImportsResolve, guideBlockWith, sourceRegion } from '../../helpers/docs-examples.js';

describe('docs/testing.md, Example: a receiver', () => {
  // #region docs:receiver
  // Your code: what each event does in your system. `never` makes tsc name a type you forgot.
  function applyEvent(event: WebhookEvent, log: string[]): void {
    switch (event.type) {
      case 'compliance.status_changed':
      case 'compliance.decision_made':
        log.push(`order ${event.data.orderUuid}`);
        return;
      case 'kyc.vies_check_failed':
      case 'kyc.verification_completed':
        log.push(`buyer ${event.data.buyerUuid}`);
        return;
      case 'export_file.generated':
        log.push(`export file ${event.data.downloadUrl}`);
        return;
      case 'prospect.submitted':
        log.push(`prospect ${event.data.type}`);
        return;
      case 'self_service_invitation.used':
      case 'self_service_invitation.expired':
        log.push(`invitation ${event.data.invitationUuid ?? 'unknown'}`);
        return;
      case 'webhook.endpoint_auto_paused':
      case 'webhook.delivery_failed_terminal':
        log.push(`endpoint ${event.data.endpointId}`);
        return;
      default: {
        const forgotten: never = event;
        throw new Error(`unhandled event type ${(forgotten as WebhookEvent).type}`);
      }
    }
  }

  // Your route, built as your app builds it, with the clock injected.
  function createWebhookRoute(options: { secret: string; now: () => number; log: string[] }) {
    const receiver = new WebhookReceiver({ secret: options.secret, now: options.now }).onAny(
      (event) => {
        if (isKnownEvent(event)) applyEvent(event, options.log);
      },
    );
    return fetchHandler(receiver);
  }

  const secret = 'whsec_test_only_0123456789abcdef';
  const clock = createFakeClock();

  it('acts on every valid request once, and answers 401 with the reason to the others', async () => {
    await fc.assert(
      fc.asyncProperty(signedRequestArbitrary({ secret, now: clock.now }), async (signed) => {
        const log: string[] = [];
        const route = createWebhookRoute({ secret, now: clock.now, log });
        const response = await route(signed.toRequest());
        if (signed.expectedCode === null) {
          expect(response.status).toBe(200);
          expect(log).toHaveLength(1); // every catalog type is handled
        } else {
          expect(response.status).toBe(401);
          expect((await response.json()).code).toBe(signed.expectedCode);
          expect(log).toEqual([]); // nothing happens for a request that did not verify
        }
      }),
      { numRuns: 100 },
    );
  });
  // #endregion
});

describe('docs/testing.md, Example: a routing table', () => {
  // #region docs:routing
  // Your code: internal queues subscribe like endpoints do, and a table built once finds the
  // queues of an event by its type and by its segment.
  interface Route {
    readonly queue: string;
    readonly events: readonly string[];
    readonly partnerIds: readonly string[] | null;
  }

  function buildRoutingTable(routes: readonly Route[]): Map<string, Route[]> {
    const table = new Map<string, Route[]>();
    for (const route of routes) {
      for (const pattern of route.events)
        table.set(pattern, [...(table.get(pattern) ?? []), route]);
    }
    return table;
  }

  function queuesFor(
    table: Map<string, Route[]>,
    event: { readonly type: string; readonly partnerUuid: string | null },
  ): string[] {
    const segment = event.type.slice(0, event.type.indexOf('.'));
    const routes = [...(table.get(event.type) ?? []), ...(table.get(`${segment}.*`) ?? [])];
    const queues = routes
      .filter(
        (route) =>
          route.partnerIds === null ||
          event.partnerUuid === null ||
          route.partnerIds.includes(event.partnerUuid),
      )
      .map((route) => route.queue);
    return [...new Set(queues)]; // `kyc.*` and `kyc.vies_check_failed` on one queue: once
  }

  // Events and filters draw partners from one small list, so that filters do match events.
  const partnerUuids = [
    '11111111-2222-3333-4444-555555555555',
    '66666666-7777-8888-9999-000000000000',
  ];
  const routesArbitrary = fc
    .array(
      fc.record({
        events: subscriptionSetArbitrary(),
        partnerIds: partnerFilterArbitrary({ partnerUuids }),
      }),
      { minLength: 1, maxLength: 5 },
    )
    .map((subscriptions) => subscriptions.map((s, i): Route => ({ queue: `queue-${i}`, ...s })));

  it('routes every event to exactly the queues whose subscription matches it', () => {
    fc.assert(
      fc.property(routesArbitrary, eventArbitrary({ partnerUuids }), (routes, event) => {
        const expected = routes
          .filter((route) =>
            route.events.some((pattern) => matchesSubscription(pattern, event.type)),
          )
          .filter(
            (route) =>
              route.partnerIds === null ||
              event.partnerUuid === null || // organization-level events reach every subscriber
              route.partnerIds.includes(event.partnerUuid),
          )
          .map((route) => route.queue);
        expect(queuesFor(buildRoutingTable(routes), event).sort()).toEqual(expected.sort());
      }),
      { numRuns: 200 },
    );
  });
  // #endregion
});

describe('docs/testing.md stays the code above', () => {
  const guide = readFileSync(new URL('../../../docs/testing.md', import.meta.url), 'utf8');
  const source = readFileSync(new URL(import.meta.url), 'utf8');

  const region = (name: string) => sourceRegion(source, name);
  const blockWith = (code: string) => guideBlockWith(guide, code);

  it.each(['receiver', 'routing'])('the %s example is in the guide verbatim', (name) => {
    expect(blockWith(region(name))).toBeDefined();
  });

  it.each([
    'receiver',
    'routing',
  ])('the %s example imports only names its entries export', (name) => {
    const block = blockWith(region(name)) as string;
    const entries: Record<string, object> = {
      '@novatrade24/webhooks': root,
      '@novatrade24/webhooks/receiver': receiverEntry,
      '@novatrade24/webhooks/testing': testingEntry,
      'fast-check': { default: fc },
      vitest: { describe, expect, it },
    };
    expectImportsResolve(block, entries);
  });
});
