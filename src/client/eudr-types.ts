// The N'entropy EUDR registration API's resources and bodies (docs/server-eudr.md), as plain
// interfaces written from src/server/internal/eudr/eudr-schemas.ts; the drift test
// (test/unit/client/resource-types.test.ts) checks them against the schemas and the document.

/**
 * A webhook endpoint in N'entropy's shape, as the (experimental) list, get and update answer it.
 * `active` is `false` once the endpoint was disabled (10 consecutive failed attempts, or
 * `update(id, { active: false })`).
 *
 * @example
 * ```ts
 * const { data: endpoint } = await eudr.get('wh_1');
 * if (!endpoint.active) await eudr.update(endpoint.id, { active: true });
 * ```
 */
export interface EudrWebhook {
  /** `wh_…`: also sent as `X-Webhook-Id` on every delivery. */
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly active: boolean;
  /** RFC 3339 with milliseconds. */
  readonly createdAt: string;
}

/**
 * The answer of `register`: the endpoint with its signing secret, shown only here.
 *
 * @example
 * ```ts
 * const { data } = await eudr.register(input);
 * await secrets.store(data.id, data.secret); // verifies X-Webhook-Signature
 * ```
 */
export interface CreatedEudrWebhook extends EudrWebhook {
  /** `whsec_…`: verifies `X-Webhook-Signature` (`verifyEudrSignature`). */
  readonly secret: string;
}

/**
 * One page of endpoints (experimental), oldest first.
 *
 * @example
 * ```ts
 * const { data: page } = await eudr.list({ page: 1, limit: 50 });
 * console.log(`${page.entities.length} of ${page.total}`);
 * ```
 */
export interface EudrWebhookPage {
  readonly entities: readonly EudrWebhook[];
  /** Endpoints in all pages. */
  readonly total: number;
  /** From 1. */
  readonly page: number;
  readonly limit: number;
}

/**
 * The body of `register` (`POST /webhook-events`): both fields required.
 *
 * @example
 * ```ts
 * const input: RegisterEudrWebhookInput = {
 *   url: 'https://your-server.com/webhooks/eudr',
 *   events: ['supplier.created', 'supplier.updated', 'sync.completed'],
 * };
 * await eudr.register(input);
 * ```
 */
export interface RegisterEudrWebhookInput {
  /** An `https:` URL, at most 2048 characters. */
  readonly url: string;
  /** 1 to 100 EUDR event types (`supplier.created`, …) or segment wildcards (`supplier.*`). */
  readonly events: readonly string[];
}

/**
 * The body of the experimental `update`: each field given replaces the stored value.
 *
 * @example
 * ```ts
 * await eudr.update('wh_1', { active: true }); // re-enable after 10 failures; replays nothing
 * ```
 */
export interface UpdateEudrWebhookInput {
  readonly url?: string | undefined;
  readonly events?: readonly string[] | undefined;
  /** `true` re-enables (a fresh failure count, nothing replayed); `false` disables. */
  readonly active?: boolean | undefined;
}

/**
 * The query of the experimental `list`.
 *
 * @example
 * ```ts
 * await eudr.list({ page: 2, limit: 20 });
 * ```
 */
export interface EudrWebhookListQuery {
  /** From 1. @default 1 */
  readonly page?: number | undefined;
  /** 1 to 100. @default 50 */
  readonly limit?: number | undefined;
}
