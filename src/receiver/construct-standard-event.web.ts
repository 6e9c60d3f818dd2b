import type { AnyWebhookEvent, WebhookEvent } from '../core/catalog/webhook-event.js';
import { verifyStandardWebhookAsync } from '../signature/verify-standard-webhook.web.js';
import {
  type ConstructEventOptions,
  finishConstruct,
  prepareConstruct,
  type StrictConstructEventOptions,
} from './construct-event.js';
import type { HeadersInput } from './headers.js';

/**
 * `constructStandardEvent` on WebCrypto only (no `node:` import): a Novatrade24 event delivered
 * in the Standard Webhooks format, verified, parsed and typed on Cloudflare Workers, Deno, Bun,
 * Vercel Edge and Next.js edge routes. Same parameters, checks, order and error codes; every
 * failure is a rejected promise (docs/design.md §5.22).
 *
 * @param rawBody - the raw body: `await request.text()` or `new Uint8Array(await request.arrayBuffer())`.
 * @param headers - the request headers (`request.headers`, or a record), any case.
 * @param secret - the endpoint's secret (`whsec_` + base64), or up to 8 during a rotation.
 * @param options - `toleranceSeconds` (default 300), `now` (epoch ms), `strict` (default false),
 *   `acceptedSchemaVersions` (default: any).
 * @returns a promise of the typed event.
 * @throws WebhookVerificationError (as a rejection) as `constructStandardEvent`.
 * @throws WebhookValidationError (as a rejection) as `constructStandardEvent`.
 * @example
 * ```ts
 * export async function POST(request: Request) {
 *   const event = await constructStandardEventAsync(await request.text(), request.headers, process.env.SECRET!);
 *   await queue.send(event);
 *   return new Response(null, { status: 204 });
 * }
 * ```
 */
export function constructStandardEventAsync(
  rawBody: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options: StrictConstructEventOptions,
): Promise<WebhookEvent>;
/** Lenient (or `strict` not known statically): the event may be an `UnknownWebhookEvent`. */
export function constructStandardEventAsync(
  rawBody: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options?: ConstructEventOptions,
): Promise<AnyWebhookEvent>;
export async function constructStandardEventAsync(
  rawBody: string | Uint8Array,
  headers: HeadersInput,
  secret: string | readonly string[],
  options?: ConstructEventOptions,
): Promise<AnyWebhookEvent> {
  // constructEvent's shared checks; its signature header is not used here.
  const prepared = prepareConstruct(rawBody, headers, options, 'constructStandardEventAsync');
  await verifyStandardWebhookAsync(rawBody, headers, secret, prepared.verifyOptions);
  return finishConstruct(rawBody, prepared, options, 'constructStandardEventAsync');
}
