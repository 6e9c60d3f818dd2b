import { STANDARD_WEBHOOKS_HEADERS } from '../../core/signature/constants.js';
import type { StandardWebhookHeaderValues } from '../../core/signature/create-standard-webhook-verifier.js';
import { type HeadersInput, readHeader } from '../../receiver/headers.js';

/**
 * The three Standard Webhooks header values from the request headers (a `Headers`, Node's
 * `req.headers` or a record, any case). Anything that is not an object is passed on as it is, so
 * the verifier reports it in its documented order (after the payload, secrets and options).
 */
export function readStandardHeaders(headers: HeadersInput): StandardWebhookHeaderValues {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    return headers as never;
  }
  return {
    id: readHeader(headers, STANDARD_WEBHOOKS_HEADERS.id),
    timestamp: readHeader(headers, STANDARD_WEBHOOKS_HEADERS.timestamp),
    signature: readHeader(headers, STANDARD_WEBHOOKS_HEADERS.signature),
  };
}
