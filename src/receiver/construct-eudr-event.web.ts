import type { AnyEudrWebhookEvent, EudrWebhookEvent } from '../core/catalog/eudr-webhook-event.js';
import { verifyEudrSignatureAsync } from '../signature/verify-eudr-signature.web.js';
import {
  type ConstructEudrEventOptions,
  finishEudrConstruct,
  prepareEudrConstruct,
  type StrictConstructEudrEventOptions,
} from './construct-eudr-event.js';
import type { HeadersInput } from './headers.js';

/**
 * `constructEudrEvent` on WebCrypto only (no `node:` import). Same parameters, checks and codes;
 * every failure is a rejected promise.
 *
 * @param rawBody - the raw body: `await request.text()`.
 * @param headers - the request headers, any case.
 * @param secret - the webhook secret, or up to 8 during a rotation.
 * @param options - `toleranceSeconds` (default off), `now` (epoch ms), `strict` (default false).
 * @returns a promise of the typed EUDR event.
 * @throws WebhookVerificationError (as a rejection) as `constructEudrEvent`.
 * @throws WebhookValidationError (as a rejection) as `constructEudrEvent`.
 * @example
 * ```ts
 * const event = await constructEudrEventAsync(await request.text(), request.headers, env.EUDR_SECRET);
 * ```
 */
export function constructEudrEventAsync(
  rawBody: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options: StrictConstructEudrEventOptions,
): Promise<EudrWebhookEvent>;
/** Lenient (or `strict` not known statically): the event may be an `UnknownEudrWebhookEvent`. */
export function constructEudrEventAsync(
  rawBody: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options?: ConstructEudrEventOptions,
): Promise<AnyEudrWebhookEvent>;
export async function constructEudrEventAsync(
  rawBody: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options?: ConstructEudrEventOptions,
): Promise<AnyEudrWebhookEvent> {
  const prepared = prepareEudrConstruct(rawBody, headers, options, 'constructEudrEventAsync');
  await verifyEudrSignatureAsync(rawBody, prepared.header, secret, prepared.verifyOptions);
  return finishEudrConstruct(rawBody, options);
}
