// Type tests (checked by `tsc -p test/tsconfig.json`): fixtures are typed per key, and the
// signed-request overloads type `body` by input.

import { describe, expectTypeOf, it } from 'vitest';
import type {
  EudrWebhookEvent,
  KycViesCheckFailedData,
  WebhookEvent,
} from '../../../src/core/catalog/index.js';
import {
  createFakeClock,
  createSignedRequest,
  EUDR_EVENT_FIXTURES,
  EVENT_FIXTURES,
  type FakeClock,
  type SignedRequest,
} from '../../../src/testing/index.js';

describe('testing entry types', () => {
  it('types each fixture by its key', () => {
    expectTypeOf(EVENT_FIXTURES['kyc.vies_check_failed']).toEqualTypeOf<
      WebhookEvent<'kyc.vies_check_failed'>
    >();
    expectTypeOf(
      EVENT_FIXTURES['kyc.vies_check_failed'].data,
    ).toEqualTypeOf<KycViesCheckFailedData>();
    expectTypeOf(EVENT_FIXTURES['kyc.vies_check_failed'].data.vatNumber).toEqualTypeOf<string>();
    expectTypeOf(EVENT_FIXTURES['webhook.endpoint_auto_paused'].partnerUuid).toEqualTypeOf<
      string | null
    >();
    expectTypeOf(EUDR_EVENT_FIXTURES['sync.completed']).toEqualTypeOf<
      EudrWebhookEvent<'sync.completed'>
    >();
    expectTypeOf(EUDR_EVENT_FIXTURES['sync.completed'].data.errors).toEqualTypeOf<number>();
    // @ts-expect-error: not a catalog type
    void EVENT_FIXTURES['kyc.unknown'];
  });

  it('types body as a string for events and strings, bytes for bytes', () => {
    const options = { secret: 'whsec_test' };
    expectTypeOf(
      createSignedRequest(EVENT_FIXTURES['compliance.decision_made'], options),
    ).toEqualTypeOf<SignedRequest<string>>();
    expectTypeOf(
      createSignedRequest(EUDR_EVENT_FIXTURES['dds.approved'], options).body,
    ).toBeString();
    expectTypeOf(createSignedRequest('{}', options).body).toBeString();
    expectTypeOf(createSignedRequest(new Uint8Array(2), options).body).toEqualTypeOf<Uint8Array>();
    expectTypeOf(
      createSignedRequest(new Uint8Array(2), options).toRequest(),
    ).toEqualTypeOf<Request>();
    // @ts-expect-error: a secret is required
    createSignedRequest('{}', {});
  });

  it('lets fake clock functions be passed as `now`', () => {
    const clock: FakeClock = createFakeClock();
    expectTypeOf(clock.now).toEqualTypeOf<() => number>();
    createSignedRequest('{}', { secret: 'k', now: clock.now });
  });
});
