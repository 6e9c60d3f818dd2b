import type { AnyWebhookEvent, WebhookEvent } from '../core/catalog/webhook-event.js';
import { verifyNovatradeSignatureAsync } from '../signature/verify-novatrade-signature.web.js';
import {
  type ConstructEventOptions,
  finishConstruct,
  prepareConstruct,
  type StrictConstructEventOptions,
} from './construct-event.js';
import type { HeadersInput } from './headers.js';

/**
 * `constructEvent` on WebCrypto only (no `node:` import): for Cloudflare Workers, Deno, Bun,
 * Vercel Edge and Next.js edge routes. Same parameters, checks, order and error codes; every
 * failure is a rejected promise.
 *
 * @param rawBody - the raw body: `await request.text()` or `new Uint8Array(await request.arrayBuffer())`.
 * @param headers - the request headers (`request.headers`, or a record), any case.
 * @param secret - the endpoint's signing secret, or up to 8 during a rotation.
 * @param options - `toleranceSeconds` (default 300), `now` (epoch ms), `strict` (default false),
 *   `acceptedSchemaVersions` (default: any).
 * @returns a promise of the typed event.
 * @throws WebhookVerificationError (as a rejection) as `constructEvent`.
 * @throws WebhookValidationError (as a rejection) as `constructEvent`.
 * @example
 * ```ts
 * export async function POST(request: Request) {
 *   const event = await constructEventAsync(await request.text(), request.headers, process.env.SECRET!);
 *   await queue.send(event);
 *   return Response.json({ received: true });
 * }
 * ```
 */
export function constructEventAsync(
  rawBody: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options: StrictConstructEventOptions,
): Promise<WebhookEvent>;
/** Lenient (or `strict` not known statically): the event may be an `UnknownWebhookEvent`. */
export function constructEventAsync(
  rawBody: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options?: ConstructEventOptions,
): Promise<AnyWebhookEvent>;
export async function constructEventAsync(
  rawBody: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options?: ConstructEventOptions,
): Promise<AnyWebhookEvent> {
  const prepared = prepareConstruct(rawBody, headers, options, 'constructEventAsync');
  await verifyNovatradeSignatureAsync(rawBody, prepared.header, secret, prepared.verifyOptions);
  return finishConstruct(rawBody, prepared, options, 'constructEventAsync');
}
