import type { AnyEudrWebhookEvent } from '../core/catalog/eudr-webhook-event.js';
import type { AnyWebhookEvent } from '../core/catalog/webhook-event.js';
import type { Logger } from '../logging/logger.js';
import type { ConstructEudrEventOptions } from './construct-eudr-event.js';
import type { ConstructEventOptions } from './construct-event.js';
import type { HeadersInput } from './headers.js';

/**
 * The crypto (and the default log sink) a receiver runs on: `node:crypto` (synchronous, fastest
 * on Node) in `@novatrade24/webhooks/receiver`, WebCrypto in `@novatrade24/webhooks/web`. Each
 * entry point binds its own in its receiver classes (`*.node.ts`, `*.web.ts`; CONTRIBUTING.md,
 * "Modules"); it is not an option and no entry point exports it.
 */
export interface ReceiverPlatform {
  /** `constructEvent` or `constructEventAsync`. */
  readonly constructEvent: (
    rawBody: string | Uint8Array,
    headers: HeadersInput,
    secret: string | readonly string[],
    options?: ConstructEventOptions,
  ) => AnyWebhookEvent | Promise<AnyWebhookEvent>;
  /** `constructEudrEvent` or `constructEudrEventAsync`. */
  readonly constructEudrEvent: (
    rawBody: string | Uint8Array,
    headers: HeadersInput,
    secret: string | readonly string[],
    options?: ConstructEudrEventOptions,
  ) => AnyEudrWebhookEvent | Promise<AnyEudrWebhookEvent>;
  /** Lowercase hex SHA-256 of the raw body bytes (a string is hashed as UTF-8). */
  readonly sha256Hex: (body: string | Uint8Array) => string | Promise<string>;
  /**
   * The logger of a receiver given no `logger` option: one JSON line per warning or error on
   * `process.stderr` (Node) or `console.error` (edge runtimes), docs/design.md §5.23.
   */
  readonly defaultLogger: Logger;
}
