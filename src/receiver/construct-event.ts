/**
 * What `constructEvent` (node:crypto) and `constructEventAsync` (WebCrypto) share: their options,
 * the checks before the signature and the parsing after it. Only the HMAC differs between the two
 * (CONTRIBUTING.md, "Modules").
 */

import { parseEventJson } from '../core/catalog/parse-event.js';
import type { AnyWebhookEvent } from '../core/catalog/webhook-event.js';
import { NOVATRADE_SIGNATURE_HEADER } from '../core/signature/constants.js';
import type { NovatradeVerifyOptions } from '../core/signature/create-novatrade-verifier.js';
import { type HeadersInput, readHeader } from './headers.js';
import { assertConstructOptions, assertHeaders } from './internal/check-headers.js';
import { assertRawBody } from './internal/raw-body.js';
import { assertSchemaVersion, readAcceptedSchemaVersions } from './internal/schema-versions.js';

/** Options of `constructEvent` and `constructEventAsync`. */
export interface ConstructEventOptions {
  /**
   * Largest allowed distance between the signed timestamp and now, in seconds, both directions
   * (docs/design.md §5.6). Positive and finite; there is no value that turns the check off.
   * @default 300
   */
  readonly toleranceSeconds?: number | undefined;
  /**
   * The current time in epoch **milliseconds**.
   * @default Date.now
   */
  readonly now?: (() => number) | undefined;
  /**
   * Reject unknown event types (`unknown_event_type`), catalog types at a schema version this SDK
   * does not know (`unsupported_schema_version`) and unknown enum values (`invalid_event`).
   * Lenient parsing (the default) returns unknown types as `UnknownWebhookEvent`: new event types
   * are a non-breaking change (docs/design.md §6.1).
   * @default false
   */
  readonly strict?: boolean | undefined;
  /**
   * The `schemaVersion`s your code handles. An event at another version fails with
   * `unsupported_schema_version`. Keep it equal to the endpoint's registered
   * `acceptedSchemaVersions` (docs/design.md §5.7).
   * @default undefined: every version is accepted; known types at versions this SDK does not
   *   type arrive as `UnknownWebhookEvent` (lenient) or fail (strict)
   */
  readonly acceptedSchemaVersions?: readonly number[] | undefined;
}

/** {@link ConstructEventOptions} with `strict: true`: the result type excludes unknown events. */
export type StrictConstructEventOptions = ConstructEventOptions & { readonly strict: true };

/** The signature header and verifier options, after the checks that precede verification. */
export interface PreparedConstruct {
  readonly header: string | undefined;
  readonly verifyOptions: NovatradeVerifyOptions;
  readonly accepted: ReadonlySet<number> | undefined;
}

/**
 * Checks the raw body, the headers and the receiver-level options, and reads the signature header.
 *
 * @throws WebhookVerificationError `invalid_payload_type` (with the raw-body fix per framework).
 * @throws WebhookValidationError `invalid_option` naming `headers` or `acceptedSchemaVersions`.
 */
export function prepareConstruct(
  rawBody: unknown,
  headers: unknown,
  options: ConstructEventOptions | undefined,
  fnName: string,
): PreparedConstruct {
  assertRawBody(rawBody, fnName);
  assertHeaders(headers, fnName);
  // Every option is checked before the signature, so a wrong option never hides behind (or
  // masquerades as) a verification failure.
  assertConstructOptions(options, fnName);
  const accepted = readAcceptedSchemaVersions(options?.acceptedSchemaVersions, fnName);
  const verifyOptions: { toleranceSeconds?: number; now?: () => number } = {};
  if (options?.toleranceSeconds !== undefined) {
    verifyOptions.toleranceSeconds = options.toleranceSeconds;
  }
  if (options?.now !== undefined) verifyOptions.now = options.now;
  return {
    header: readHeader(headers as HeadersInput, NOVATRADE_SIGNATURE_HEADER),
    verifyOptions,
    accepted,
  };
}

/**
 * Parses and validates a verified body, then checks its schema version.
 *
 * @throws WebhookValidationError `invalid_json`, `invalid_event`, `unknown_event_type`,
 *   `unsupported_schema_version`, `invalid_option` (`strict`).
 */
export function finishConstruct(
  rawBody: string | Uint8Array,
  prepared: PreparedConstruct,
  options: ConstructEventOptions | undefined,
  fnName: string,
): AnyWebhookEvent {
  const strict = options?.strict;
  const event = parseEventJson(rawBody, strict === undefined ? undefined : { strict });
  assertSchemaVersion(event.schemaVersion, prepared.accepted, fnName);
  return event;
}
