// The same as consumer.mts for a CommonJS consumer: the `require` condition's .d.cts must resolve.
import {
  signNovatradePayload,
  verifyNovatradeSignature,
  WebhookVerificationError,
} from '@novatrade24/webhooks';

const header: string = signNovatradePayload(new Uint8Array([123, 125]), 'whsec_x');
try {
  verifyNovatradeSignature('{}', header, 'whsec_x');
} catch (error) {
  if (error instanceof WebhookVerificationError) {
    const code: 'signature_mismatch' | string = error.code;
    void code;
  }
}

import { constructEvent, WebhookReceiver } from '@novatrade24/webhooks/receiver';
import { generateTestHeader } from '@novatrade24/webhooks/testing';
import { fetchHandler } from '@novatrade24/webhooks/web';

const testHeader: string = generateTestHeader({ payload: '{}', secret: 'whsec_x' });
const cjsReceiver = new WebhookReceiver({ secret: ['whsec_new', 'whsec_old'] });
void [testHeader, cjsReceiver, constructEvent, fetchHandler];
