// The same as consumer.mts for a CommonJS consumer: the `require` condition's .d.cts must resolve.
import {
  signNovatradePayload,
  signStandardWebhook,
  verifyNovatradeSignature,
  verifyStandardWebhook,
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

import {
  constructEvent,
  constructStandardEvent,
  WebhookReceiver,
} from '@novatrade24/webhooks/receiver';
import { generateStandardTestHeaders, generateTestHeader } from '@novatrade24/webhooks/testing';
import { fetchHandler, verifyStandardWebhookAsync } from '@novatrade24/webhooks/web';

const testHeader: string = generateTestHeader({ payload: '{}', secret: 'whsec_x' });
const cjsReceiver = new WebhookReceiver({ secret: ['whsec_new', 'whsec_old'] });
void [testHeader, cjsReceiver, constructEvent, fetchHandler];

const standardSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const standardHeaders = signStandardWebhook('{}', { id: 'evt_1', secret: standardSecret });
const { id }: { id: string } = verifyStandardWebhook('{}', standardHeaders, standardSecret);
const testHeaders = generateStandardTestHeaders({ payload: '{}', secret: standardSecret });
void [id, testHeaders, constructStandardEvent, verifyStandardWebhookAsync];

import {
  migrate,
  WebhookStorageError as PostgresStorageError,
} from '@novatrade24/webhooks/postgres';

void [migrate, PostgresStorageError];

import { apiKeyAuthenticator, createManagementApi } from '@novatrade24/webhooks/server';

void [apiKeyAuthenticator, createManagementApi];

import { createWebhooksClient, NovatradeApiError } from '@novatrade24/webhooks/client';

const cjsClient = createWebhooksClient({ baseUrl: 'https://api.novatrade24.com', auth: 'token' });
void [cjsClient.endpoints.get, NovatradeApiError];

import { instrumentSender } from '@novatrade24/webhooks/otel';
import { createPrometheusExporter } from '@novatrade24/webhooks/sender';

void [instrumentSender, createPrometheusExporter];
