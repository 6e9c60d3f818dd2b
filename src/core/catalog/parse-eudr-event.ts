/**
 * Parsing N'entropy EUDR events, with the same lenient/strict behaviour as the Novatrade24
 * parsers: lenient keeps unknown fields, accepts unknown enum values and returns an unknown
 * `event` type as an {@link UnknownEudrWebhookEvent}; strict rejects the last two.
 */

import { type ValidationIssue, WebhookValidationError } from '../errors.js';
import { describeValue } from '../internal/describe-value.js';
import type { EudrEventEnvelope } from './eudr-event-envelope.js';
import type { AnyEudrWebhookEvent, EudrWebhookEvent } from './eudr-webhook-event.js';
import { EUDR_EVENT_TYPES, isEudrEventType } from './event-types.js';
import { buildEudrEventEnvelopeSchema } from './internal/envelope-schemas.js';
import { buildEudrEventDataSchemas } from './internal/eudr-data-schemas.js';
import {
  invalidEvent,
  notAnObject,
  type ParseOutcome,
  unwrap,
} from './internal/parse-catalog-event.js';
import {
  decodeJson,
  isRecord,
  quoteType,
  readStrictOption,
  toIssues,
} from './internal/schema-kit.js';
import type { ParseEventOptions, StrictParseEventOptions } from './parse-event.js';

const ENVELOPE = buildEudrEventEnvelopeSchema();
const LENIENT_DATA = buildEudrEventDataSchemas(false);
const STRICT_DATA = buildEudrEventDataSchemas(true);

/** Result of {@link safeParseEudrEvent}: the event, or the error {@link parseEudrEvent} throws. */
export type SafeParseEudrEventResult<E = AnyEudrWebhookEvent> = ParseOutcome<E>;

function safeParse(
  input: unknown,
  strict: boolean,
  fnName: string,
): ParseOutcome<EudrEventEnvelope> {
  if (!isRecord(input)) return { success: false, error: notAnObject(fnName, input) };
  const envelope = ENVELOPE.safeParse(input);
  const issues: ValidationIssue[] = envelope.success ? [] : toIssues(envelope.error, input);
  const type = input.event;

  if (!isEudrEventType(type)) {
    if (!envelope.success) return { success: false, error: invalidEvent(fnName, 'event', issues) };
    if (strict) {
      return {
        success: false,
        error: new WebhookValidationError(
          'unknown_event_type',
          `${fnName}: \`event\` is ${describeValue(envelope.data.event)} that is not one of ` +
            `the ${EUDR_EVENT_TYPES.length} EUDR event types (strict mode). Parse without ` +
            '`strict` to receive unknown types as unknown events.',
          { issues: [{ path: 'event', code: 'invalid_value', message: 'unknown event type' }] },
        ),
      };
    }
    return { success: true, data: envelope.data };
  }

  // A non-object `data` is already reported by the envelope; do not report it twice.
  const data = isRecord(input.data)
    ? (strict ? STRICT_DATA : LENIENT_DATA)[type].safeParse(input.data)
    : undefined;
  if (data !== undefined && !data.success)
    issues.push(...toIssues(data.error, input.data, ['data']));
  if (!envelope.success || data === undefined || !data.success) {
    return { success: false, error: invalidEvent(fnName, `${quoteType(type)} event`, issues) };
  }
  return { success: true, data: { ...envelope.data, data: data.data } };
}

/**
 * Validates a parsed N'entropy EUDR event (envelope and `data`) and returns it typed.
 *
 * @param input - the parsed JSON body (verify the signature over the raw body first).
 * @param options - `strict` to reject unknown event types (`unknown_event_type`) and unknown
 *   enum values (`invalid_event`).
 * @returns a new object: an {@link EudrWebhookEvent}, or (lenient only) an
 *   {@link UnknownEudrWebhookEvent}.
 * @throws WebhookValidationError `invalid_event` with field `issues`; in strict mode also
 *   `unknown_event_type`; `invalid_option` for a non-boolean `strict`.
 * @example
 * ```ts
 * const event = parseEudrEvent(JSON.parse(rawBody), { strict: true });
 * if (event.event === 'supplier.created') link(event.data.externalId, event.data.internalId);
 * ```
 */
export function parseEudrEvent(input: unknown, options: StrictParseEventOptions): EudrWebhookEvent;
/** Lenient (or `strict` not known statically): the event may be an {@link UnknownEudrWebhookEvent}. */
export function parseEudrEvent(input: unknown, options?: ParseEventOptions): AnyEudrWebhookEvent;
export function parseEudrEvent(input: unknown, options?: ParseEventOptions): AnyEudrWebhookEvent {
  const strict = readStrictOption(options, 'parseEudrEvent');
  return unwrap(safeParse(input, strict, 'parseEudrEvent'));
}

/**
 * Like {@link parseEudrEvent}, but returns `{ success: true, data }` or
 * `{ success: false, error }` instead of throwing.
 *
 * @throws WebhookValidationError `invalid_option` only, for a non-boolean `strict`.
 * @example
 * ```ts
 * const result = safeParseEudrEvent(json);
 * if (!result.success) return respond(400, result.error.code);
 * ```
 */
export function safeParseEudrEvent(
  input: unknown,
  options: StrictParseEventOptions,
): SafeParseEudrEventResult<EudrWebhookEvent>;
/** Lenient (or `strict` not known statically): the event may be an {@link UnknownEudrWebhookEvent}. */
export function safeParseEudrEvent(
  input: unknown,
  options?: ParseEventOptions,
): SafeParseEudrEventResult;
export function safeParseEudrEvent(
  input: unknown,
  options?: ParseEventOptions,
): SafeParseEudrEventResult {
  return safeParse(
    input,
    readStrictOption(options, 'safeParseEudrEvent'),
    'safeParseEudrEvent',
  ) as SafeParseEudrEventResult;
}

/**
 * Parses a raw EUDR JSON body into a typed event: {@link parseEudrEvent} after `JSON.parse`.
 *
 * @param raw - the raw request body (UTF-8 bytes or text).
 * @param options - `strict` as in {@link parseEudrEvent}.
 * @throws WebhookValidationError `invalid_json` for a body that is not UTF-8 JSON (the message
 *   gives its length, never its content), and for an input that is not a string or bytes (one
 *   issue, `invalid_type`); otherwise as {@link parseEudrEvent}.
 * @example
 * ```ts
 * const event = parseEudrEventJson(await request.text());
 * ```
 */
export function parseEudrEventJson(
  raw: string | Uint8Array,
  options: StrictParseEventOptions,
): EudrWebhookEvent;
/** Lenient (or `strict` not known statically): the event may be an {@link UnknownEudrWebhookEvent}. */
export function parseEudrEventJson(
  raw: string | Uint8Array,
  options?: ParseEventOptions,
): AnyEudrWebhookEvent;
export function parseEudrEventJson(
  raw: string | Uint8Array,
  options?: ParseEventOptions,
): AnyEudrWebhookEvent {
  const strict = readStrictOption(options, 'parseEudrEventJson');
  const input = decodeJson(raw, 'parseEudrEventJson');
  return unwrap(safeParse(input, strict, 'parseEudrEventJson'));
}

/**
 * Like {@link parseEudrEventJson}, but returns a result instead of throwing (`invalid_json`
 * included).
 *
 * @throws WebhookValidationError `invalid_option` only, for a non-boolean `strict`.
 * @example
 * ```ts
 * const result = safeParseEudrEventJson(rawBody);
 * ```
 */
export function safeParseEudrEventJson(
  raw: string | Uint8Array,
  options: StrictParseEventOptions,
): SafeParseEudrEventResult<EudrWebhookEvent>;
/** Lenient (or `strict` not known statically): the event may be an {@link UnknownEudrWebhookEvent}. */
export function safeParseEudrEventJson(
  raw: string | Uint8Array,
  options?: ParseEventOptions,
): SafeParseEudrEventResult;
export function safeParseEudrEventJson(
  raw: string | Uint8Array,
  options?: ParseEventOptions,
): SafeParseEudrEventResult {
  const strict = readStrictOption(options, 'safeParseEudrEventJson');
  let input: unknown;
  try {
    input = decodeJson(raw, 'safeParseEudrEventJson');
  } catch (error) {
    if (error instanceof WebhookValidationError) return { success: false, error };
    throw error;
  }
  return safeParse(input, strict, 'safeParseEudrEventJson') as SafeParseEudrEventResult;
}

/**
 * True when a parsed EUDR event is of one of the 14 known types; narrows an
 * {@link AnyEudrWebhookEvent} to {@link EudrWebhookEvent}. Meant for events returned by the
 * parsers (which validated `data`).
 *
 * @example
 * ```ts
 * const event = parseEudrEvent(json);
 * if (isKnownEudrEvent(event) && event.event === 'sync.failed') alert(event.data.message);
 * ```
 */
export function isKnownEudrEvent(event: AnyEudrWebhookEvent): event is EudrWebhookEvent {
  return isEudrEventType(event.event);
}
