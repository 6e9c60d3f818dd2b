// Type tests (checked by `tsc -p test/tsconfig.json`): the Standard Webhooks construct functions'
// overloads follow `strict` as constructEvent's do, and the signing helpers' headers pass as a
// header record.

import { describe, expectTypeOf, it } from 'vitest';
import type { AnyWebhookEvent, WebhookEvent } from '../../../src/index.js';
import { type StandardWebhookHeaders, signStandardWebhook } from '../../../src/index.js';
import {
  constructStandardEvent,
  constructStandardEventAsync,
  type HeadersInput,
  verifyStandardWebhook,
} from '../../../src/receiver/index.js';
import { verifyStandardWebhookAsync } from '../../../src/web/index.js';

describe('constructStandardEvent', () => {
  it('returns WebhookEvent with strict: true, AnyWebhookEvent otherwise', () => {
    const headers = signStandardWebhook('{}', { id: 'evt_1', secret: 'whsec_x' });
    expectTypeOf(
      constructStandardEvent('{}', headers, 'whsec_x', { strict: true }),
    ).toEqualTypeOf<WebhookEvent>();
    expectTypeOf(constructStandardEvent('{}', headers, 'whsec_x')).toEqualTypeOf<AnyWebhookEvent>();
    expectTypeOf(
      constructStandardEventAsync('{}', headers, 'whsec_x', { strict: true }),
    ).toEqualTypeOf<Promise<WebhookEvent>>();
    expectTypeOf(constructStandardEventAsync('{}', headers, ['whsec_x'])).toEqualTypeOf<
      Promise<AnyWebhookEvent>
    >();
  });

  it('verifies into { id, timestamp }, and the signed headers are a HeadersInput and a HeadersInit', () => {
    expectTypeOf<StandardWebhookHeaders>().toMatchTypeOf<HeadersInput>();
    expectTypeOf<StandardWebhookHeaders>().toMatchTypeOf<HeadersInit>();
    expectTypeOf(verifyStandardWebhook('{}', new Headers(), 'whsec_x')).toEqualTypeOf<{
      readonly id: string;
      readonly timestamp: number;
    }>();
    expectTypeOf(verifyStandardWebhookAsync).returns.resolves.toHaveProperty('id');
  });
});
