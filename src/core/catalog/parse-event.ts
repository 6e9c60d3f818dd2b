/**
 * Parsing Novatrade24 events: an object ({@link parseEvent}) or a raw JSON body
 * ({@link parseEventJson}), throwing or returning a result ({@link safeParseEvent}).
 *
 * Lenient (the default) follows docs/design.md §6.1: unknown fields are kept, unknown enum values are
 * accepted, and an unknown `type` (or a catalog type at an unknown `schemaVersion`) arrives as an
 * {@link UnknownWebhookEvent}. Strict rejects all three. The envelope and the `data` of known
 * types are validated in both modes. See docs/events.md.
 */

import { WebhookValidationError } from '../errors.js';
import { isEventType } from './event-types.js';
import {
  type ParseOutcome,
  safeParseCatalogEvent,
  unwrap,
} from './internal/parse-catalog-event.js';
import { decodeJson, readStrictOption } from './internal/schema-kit.js';
import { NOVATRADE_CATALOG } from './novatrade-catalog.js';
import type { AnyWebhookEvent, WebhookEvent } from './webhook-event.js';

/** Options of the event parsers. */
export interface ParseEventOptions {
  /**
   * Reject what lenient parsing tolerates: an unknown event type (`unknown_event_type`), a known
   * type at an unknown `schemaVersion` (`unsupported_schema_version`) and unknown enum values
   * (`invalid_event`). Unknown fields are kept in both modes.
   * @defaultValue false
   */
  readonly strict?: boolean | undefined;
}

/** Options that make a parser strict; its result type then excludes unknown events. */
export type StrictParseEventOptions = ParseEventOptions & { readonly strict: true };

/** Result of {@link safeParseEvent}: the event, or the error {@link parseEvent} would throw. */
export type SafeParseEventResult<E = AnyWebhookEvent> = ParseOutcome<E>;

/**
 * Validates a parsed Novatrade24 event (envelope and `data`) and returns it typed.
 *
 * @param input - the parsed JSON body (verify the signature over the raw body first).
 * @param options - `strict` to reject unknown types, versions and enum values.
 * @returns a new object: a {@link WebhookEvent}, or (lenient only) an {@link UnknownWebhookEvent}.
 * @throws WebhookValidationError `invalid_event` with field `issues` (`data.orderUuid`, …);
 *   in strict mode also `unknown_event_type` or `unsupported_schema_version`; `invalid_option`
 *   for a non-boolean `strict`.
 * @example
 * ```ts
 * const event = parseEvent(JSON.parse(rawBody));
 * if (isKnownEvent(event) && event.type === 'compliance.decision_made') book(event.data.decision);
 * ```
 */
export function parseEvent(input: unknown, options: StrictParseEventOptions): WebhookEvent;
/** Lenient (or `strict` not known statically): a {@link WebhookEvent} or an {@link UnknownWebhookEvent}. */
export function parseEvent(input: unknown, options?: ParseEventOptions): AnyWebhookEvent;
export function parseEvent(input: unknown, options?: ParseEventOptions): AnyWebhookEvent {
  const strict = readStrictOption(options, 'parseEvent');
  return unwrap(safeParseCatalogEvent(NOVATRADE_CATALOG, input, strict, 'parseEvent'));
}

/**
 * Like {@link parseEvent}, but returns `{ success: true, data }` or `{ success: false, error }`
 * instead of throwing.
 *
 * @throws WebhookValidationError `invalid_option` only, for a non-boolean `strict`.
 * @example
 * ```ts
 * const result = safeParseEvent(json);
 * if (!result.success) return respond(400, result.error.code);
 * ```
 */
export function safeParseEvent(
  input: unknown,
  options: StrictParseEventOptions,
): SafeParseEventResult<WebhookEvent>;
/** Lenient (or `strict` not known statically): the event may be an {@link UnknownWebhookEvent}. */
export function safeParseEvent(input: unknown, options?: ParseEventOptions): SafeParseEventResult;
export function safeParseEvent(input: unknown, options?: ParseEventOptions): SafeParseEventResult {
  const strict = readStrictOption(options, 'safeParseEvent');
  return safeParseCatalogEvent(
    NOVATRADE_CATALOG,
    input,
    strict,
    'safeParseEvent',
  ) as SafeParseEventResult;
}

/**
 * Parses a raw JSON body into a typed event: {@link parseEvent} after `JSON.parse`. Bytes must be
 * UTF-8 (a view's `byteOffset`/`byteLength` are respected).
 *
 * @param raw - the raw request body.
 * @param options - `strict` as in {@link parseEvent}.
 * @throws WebhookValidationError `invalid_json` for a body that is not UTF-8 JSON (the message
 *   gives its length, never its content), and for an input that is not a string or bytes (e.g.
 *   an already parsed object; one issue, `invalid_type`); otherwise as {@link parseEvent}.
 * @example
 * ```ts
 * const event = parseEventJson(await request.text());
 * ```
 */
export function parseEventJson(
  raw: string | Uint8Array,
  options: StrictParseEventOptions,
): WebhookEvent;
/** Lenient (or `strict` not known statically): the event may be an {@link UnknownWebhookEvent}. */
export function parseEventJson(
  raw: string | Uint8Array,
  options?: ParseEventOptions,
): AnyWebhookEvent;
export function parseEventJson(
  raw: string | Uint8Array,
  options?: ParseEventOptions,
): AnyWebhookEvent {
  const strict = readStrictOption(options, 'parseEventJson');
  const input = decodeJson(raw, 'parseEventJson');
  return unwrap(safeParseCatalogEvent(NOVATRADE_CATALOG, input, strict, 'parseEventJson'));
}

/**
 * Like {@link parseEventJson}, but returns a result instead of throwing (`invalid_json` included).
 *
 * @throws WebhookValidationError `invalid_option` only, for a non-boolean `strict`.
 * @example
 * ```ts
 * const result = safeParseEventJson(rawBody);
 * if (result.success) queue.push(result.data);
 * ```
 */
export function safeParseEventJson(
  raw: string | Uint8Array,
  options: StrictParseEventOptions,
): SafeParseEventResult<WebhookEvent>;
/** Lenient (or `strict` not known statically): the event may be an {@link UnknownWebhookEvent}. */
export function safeParseEventJson(
  raw: string | Uint8Array,
  options?: ParseEventOptions,
): SafeParseEventResult;
export function safeParseEventJson(
  raw: string | Uint8Array,
  options?: ParseEventOptions,
): SafeParseEventResult {
  const strict = readStrictOption(options, 'safeParseEventJson');
  let input: unknown;
  try {
    input = decodeJson(raw, 'safeParseEventJson');
  } catch (error) {
    if (error instanceof WebhookValidationError) return { success: false, error };
    throw error;
  }
  return safeParseCatalogEvent(
    NOVATRADE_CATALOG,
    input,
    strict,
    'safeParseEventJson',
  ) as SafeParseEventResult;
}

/**
 * True when a parsed event is one this SDK types: a catalog type at a catalog schema version.
 * Narrows an {@link AnyWebhookEvent} to {@link WebhookEvent}, after which `switch (event.type)`
 * narrows `event.data`. Meant for events returned by the parsers (which validated `data`).
 *
 * @example
 * ```ts
 * const event = parseEvent(json);
 * if (!isKnownEvent(event)) return log.info({ type: event.type }, 'ignored unknown event');
 * switch (event.type) { case 'kyc.vies_check_failed': alert(event.data.vatNumber); }
 * ```
 */
export function isKnownEvent(event: AnyWebhookEvent): event is WebhookEvent {
  if (!isEventType(event.type)) return false;
  const entry = NOVATRADE_CATALOG.entries.get(event.type);
  return entry?.versions.some((v) => v.version === event.schemaVersion) === true;
}
