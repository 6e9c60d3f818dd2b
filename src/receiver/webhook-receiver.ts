import { EVENT_SOURCES, type EventSource } from '../core/catalog/enum-values.js';
import { EVENT_TYPES, type EventType } from '../core/catalog/event-types.js';
import { isKnownEvent } from '../core/catalog/parse-event.js';
import type { AnyWebhookEvent, WebhookEvent } from '../core/catalog/webhook-event.js';
import { assertKnownOptions } from '../core/internal/assert-known-options.js';
import type { ConstructEventOptions } from './construct-event.js';
import type { HandlerPattern } from './handler-pattern.js';
import {
  readSecrets,
  readStrict,
  readStringList,
  readToleranceSeconds,
} from './internal/check-receiver-options.js';
import { ReceiverEngine } from './internal/receiver-engine.js';
import { readAcceptedSchemaVersions } from './internal/schema-versions.js';
import {
  type Handler,
  RECEIVER_BASE_OPTION_NAMES,
  type ReceiverBaseOptions,
} from './receiver-options.js';
import type { ReceiverPlatform } from './receiver-platform.js';

/** What `WebhookReceiver.on` accepts: a catalog type, or `<segment>.*` of a catalog segment. */
export type NovatradeHandlerPattern = HandlerPattern<EventType>;

/** The event a handler registered for pattern `P` receives, narrowed to the matching types. */
export type NovatradeEventFor<P extends NovatradeHandlerPattern> = P extends `${infer S}.*`
  ? WebhookEvent<Extract<EventType, `${S}.${string}`>>
  : P extends EventType
    ? WebhookEvent<P>
    : never;

/** Options of `WebhookReceiver.on`. */
export interface NovatradeRouteOptions {
  /** Run the handler only for events about this partner (or these partners): routing by tenant. */
  readonly partnerUuid?: string | readonly string[] | undefined;
}

/**
 * Options of `WebhookReceiver`: the {@link ReceiverBaseOptions} (a union over the ack mode, so
 * `inbox` compiles only with `ackMode: 'async'`) and the Novatrade24 ones.
 */
export type WebhookReceiverOptions = ReceiverBaseOptions & {
  /** The endpoint's signing secret, or up to 8 during a rotation (newest first is fastest). */
  readonly secret: string | readonly string[];
  /**
   * Signature window in seconds, both directions (docs/design.md §5.6).
   * @default 300
   */
  readonly toleranceSeconds?: number | undefined;
  /**
   * Reject unknown types and enum values with 400 instead of routing them to `onAny`. Leave off
   * in production: new event types are a non-breaking change (docs/design.md §6.1).
   * @default false
   */
  readonly strict?: boolean | undefined;
  /**
   * The `schemaVersion`s your handlers support; others are answered 400
   * `unsupported_schema_version`. Keep equal to the endpoint's registration (docs/design.md §5.7).
   * @default undefined (any)
   */
  readonly acceptedSchemaVersions?: readonly number[] | undefined;
  /**
   * Acknowledge (200) events from these `source`s without running handlers, e.g. `['WEB_APP']`
   * to ignore changes your own integration made through the web app.
   * @default undefined (none ignored)
   */
  readonly ignoreSources?: readonly EventSource[] | undefined;
};

/**
 * Every option of {@link WebhookReceiverOptions}, the one list the constructor checks keys
 * against (a type test keeps it complete).
 */
export const WEBHOOK_RECEIVER_OPTION_NAMES = [
  ...RECEIVER_BASE_OPTION_NAMES,
  'secret',
  'toleranceSeconds',
  'strict',
  'acceptedSchemaVersions',
  'ignoreSources',
] as const satisfies readonly (keyof WebhookReceiverOptions)[];

/**
 * The Novatrade24 receiver on a given platform. Not exported: each entry point exports a
 * `WebhookReceiver` subclass that binds its own crypto (`webhook-receiver.node.ts` on
 * `node:crypto`, `webhook-receiver.web.ts` on WebCrypto) and takes only `options`, so no caller
 * can pass a platform (docs/design.md §3).
 */
export class WebhookReceiverBase extends ReceiverEngine<AnyWebhookEvent> {
  /**
   * @param options - see {@link WebhookReceiverOptions}.
   * @param platform - the crypto and default logger of the entry point.
   */
  protected constructor(options: WebhookReceiverOptions, platform: ReceiverPlatform) {
    assertKnownOptions(options, WEBHOOK_RECEIVER_OPTION_NAMES, 'WebhookReceiver');
    const secrets = readSecrets((options as { secret?: unknown } | null | undefined)?.secret);
    const accepted = readAcceptedSchemaVersions(options.acceptedSchemaVersions, 'WebhookReceiver');
    const construct: ConstructEventOptions = {
      toleranceSeconds: readToleranceSeconds(options.toleranceSeconds),
      strict: readStrict(options.strict),
      acceptedSchemaVersions: accepted === undefined ? undefined : Object.freeze([...accepted]),
      now: options.now,
    };
    const ignored = readStringList(options.ignoreSources, 'ignoreSources', EVENT_SOURCES);
    super(
      options,
      {
        owner: 'WebhookReceiver',
        construct: (body, headers) => platform.constructEvent(body, headers, secrets, construct),
        dedupeKey: (event) => event.id,
        typeOf: (event) => event.type,
        isKnown: isKnownEvent,
        isIgnored: ignored === undefined ? () => false : (event) => ignored.has(event.source),
        partnerOf: (event) => event.partnerUuid,
        eventTypes: EVENT_TYPES,
        idOf: (event) => event.id,
      },
      platform.defaultLogger,
    );
  }

  /**
   * Registers a handler for an event type (`compliance.decision_made`) or a segment (`kyc.*`).
   * The handler's event is narrowed to the matching types. Handlers run in registration order,
   * then `onAny` handlers; an event matching several runs each once. Types this SDK does not know
   * reach only `onAny`.
   *
   * @param pattern - a catalog type or `<segment>.*` (never `*`: use `onAny`).
   * @param handler - `(event, context) => void | Promise<void>`; a throw answers 500 (sync mode).
   * @param options - `partnerUuid` to run only for events about that partner (or partners).
   * @returns this receiver, for chaining.
   * @throws WebhookValidationError `invalid_subscription_pattern` (unknown type or segment, `*`),
   *   `invalid_option` naming `handler` or `partnerUuid`.
   * @example
   * ```ts
   * receiver.on('compliance.status_changed', async (event) => {
   *   await orders.refreshCompliance(event.data.orderUuid); // event.data is typed
   * }, { partnerUuid: sellerUuid });
   * ```
   */
  on<P extends NovatradeHandlerPattern>(
    pattern: P,
    handler: Handler<NovatradeEventFor<P>>,
    options?: NovatradeRouteOptions,
  ): this {
    this.addRoute(pattern, handler as Handler<AnyWebhookEvent>, options?.partnerUuid, 'on');
    return this;
  }
}
