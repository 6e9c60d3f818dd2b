import type { AnyEudrWebhookEvent, EudrWebhookEvent } from '../core/catalog/eudr-webhook-event.js';
import { EUDR_EVENT_TYPES, type EudrEventType } from '../core/catalog/event-types.js';
import { isKnownEudrEvent } from '../core/catalog/parse-eudr-event.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import { describeValue } from '../core/internal/describe-value.js';
import { invalidOption } from '../core/internal/invalid-option.js';
import type { ConstructEudrEventOptions } from './construct-eudr-event.js';
import type { HandlerPattern } from './handler-pattern.js';
import {
  readSecrets,
  readStrict,
  readToleranceSeconds,
} from './internal/check-receiver-options.js';
import { ReceiverEngine } from './internal/receiver-engine.js';
import {
  type Handler,
  RECEIVER_BASE_OPTION_NAMES,
  type ReceiverBaseOptions,
} from './receiver-options.js';
import type { ReceiverPlatform } from './receiver-platform.js';

/** What `EudrWebhookReceiver.on` accepts: an EUDR type, or `<segment>.*` (e.g. `supplier.*`). */
export type EudrHandlerPattern = HandlerPattern<EudrEventType>;

/** The EUDR event a handler registered for pattern `P` receives. */
export type EudrEventFor<P extends EudrHandlerPattern> = P extends `${infer S}.*`
  ? EudrWebhookEvent<Extract<EudrEventType, `${S}.${string}`>>
  : P extends EudrEventType
    ? EudrWebhookEvent<P>
    : never;

/**
 * Options of `EudrWebhookReceiver`: the {@link ReceiverBaseOptions} (a union over the ack mode,
 * so `inbox` compiles only with `ackMode: 'async'`) and the EUDR ones.
 */
export type EudrWebhookReceiverOptions = ReceiverBaseOptions & {
  /** The webhook secret, or up to 8 during a rotation. */
  readonly secret: string | readonly string[];
  /**
   * Turns on a window on `X-Webhook-Timestamp`, in seconds (see `constructEudrEvent`).
   * @default undefined (no window)
   */
  readonly toleranceSeconds?: number | undefined;
  /**
   * Reject unknown event types and enum values with 400.
   * @default false
   */
  readonly strict?: boolean | undefined;
  /**
   * The dedupe key of an event. The EUDR payload has no event id (docs/design.md §7, N-3), so the default is
   * the SHA-256 of the raw body (docs/design.md §5.16): a retry of the same delivery is the same bytes.
   * @default (event, rawBody) => sha256Hex(rawBody)
   */
  readonly dedupeKey?:
    | ((event: AnyEudrWebhookEvent, rawBody: string | Uint8Array) => string | Promise<string>)
    | undefined;
};

/**
 * Every option of {@link EudrWebhookReceiverOptions}, the one list the constructor checks keys
 * against (a type test keeps it complete).
 */
export const EUDR_WEBHOOK_RECEIVER_OPTION_NAMES = [
  ...RECEIVER_BASE_OPTION_NAMES,
  'secret',
  'toleranceSeconds',
  'strict',
  'dedupeKey',
] as const satisfies readonly (keyof EudrWebhookReceiverOptions)[];

/**
 * The N'entropy EUDR receiver on a given platform. Not exported: each entry point exports an
 * `EudrWebhookReceiver` subclass that binds its own crypto (`eudr-webhook-receiver.node.ts`,
 * `eudr-webhook-receiver.web.ts`) and takes only `options` (docs/design.md §3).
 */
export class EudrWebhookReceiverBase extends ReceiverEngine<AnyEudrWebhookEvent> {
  /**
   * @param options - see {@link EudrWebhookReceiverOptions}.
   * @param platform - the crypto and default logger of the entry point.
   */
  protected constructor(options: EudrWebhookReceiverOptions, platform: ReceiverPlatform) {
    assertKnownOptions(options, EUDR_WEBHOOK_RECEIVER_OPTION_NAMES, 'EudrWebhookReceiver');
    const secrets = readSecrets((options as { secret?: unknown } | null | undefined)?.secret);
    const construct: ConstructEudrEventOptions = {
      toleranceSeconds: readToleranceSeconds(options.toleranceSeconds),
      strict: readStrict(options.strict),
      now: options.now,
    };
    const customKey = options.dedupeKey;
    if (customKey !== undefined && typeof customKey !== 'function') {
      throw invalidOption(
        'dedupeKey',
        `\`dedupeKey\` must be a function (event, rawBody) => string, got ${describeValue(customKey)}.`,
        'invalid_type',
      );
    }
    super(
      options,
      {
        owner: 'EudrWebhookReceiver',
        construct: (body, headers) =>
          platform.constructEudrEvent(body, headers, secrets, construct),
        dedupeKey:
          customKey === undefined
            ? (_event, body) => platform.sha256Hex(body)
            : async (event, body) => {
                const key = await customKey(event, body);
                if (typeof key !== 'string' || key === '') {
                  throw invalidOption(
                    'dedupeKey',
                    `\`dedupeKey\` must return a non-empty string, got ${describeValue(key)}.`,
                    typeof key === 'string' ? 'too_small' : 'invalid_type',
                  );
                }
                return key;
              },
        typeOf: (event) => event.event,
        isKnown: isKnownEudrEvent,
        isIgnored: () => false,
        partnerOf: () => null,
        eventTypes: EUDR_EVENT_TYPES,
        // The payload has no event id (docs/design.md §7, N-3), and a custom dedupe key may be a body value.
        idOf: () => undefined,
      },
      platform.defaultLogger,
    );
  }

  /**
   * Registers a handler for an EUDR event type (`supplier.created`) or segment (`supplier.*`);
   * the event is narrowed to the matching types. Unknown types reach only `onAny`.
   *
   * @param pattern - an EUDR type or `<segment>.*`.
   * @param handler - `(event, context) => void | Promise<void>`.
   * @returns this receiver, for chaining.
   * @throws WebhookValidationError `invalid_subscription_pattern`, `invalid_option` (`handler`).
   * @example
   * ```ts
   * receiver.on('sync.failed', (event) => alert(event.data.message));
   * ```
   */
  on<P extends EudrHandlerPattern>(pattern: P, handler: Handler<EudrEventFor<P>>): this {
    this.addRoute(pattern, handler as Handler<AnyEudrWebhookEvent>, undefined, 'on');
    return this;
  }
}
