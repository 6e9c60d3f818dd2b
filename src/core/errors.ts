/**
 * Typed errors with stable codes (CONTRIBUTING.md, "Errors").
 *
 * Every error the library throws is a {@link WebhooksError} with a `code` from a string-literal
 * union, so callers branch on `code`, never on `message`. Messages say what was expected and what
 * arrived (a type or a length), never a secret, a signature, a token or a body.
 */

/**
 * Codes of {@link WebhookVerificationError}: a signature header or payload did not verify.
 * `invalid_payload_type` (the body is not raw bytes or text) lives here and only here.
 */
export type VerificationErrorCode =
  | 'missing_header'
  | 'malformed_header'
  | 'no_supported_signature'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'signature_mismatch'
  | 'invalid_payload_type';

/**
 * Codes of {@link WebhookValidationError}: input that does not have the expected shape. The
 * receiver also answers `method_not_allowed`, `unsupported_media_type` and `payload_too_large` as
 * HTTP problems (and tells `onError` listeners with this class): they are listed here only.
 * `optional_dependency_missing`: a call needs an optional peer dependency (`msw`, `fast-check`)
 * that is not installed.
 */
export type ValidationErrorCode =
  | 'invalid_option'
  | 'invalid_secret'
  | 'invalid_subscription_pattern'
  | 'invalid_json'
  | 'invalid_event'
  | 'unknown_event_type'
  | 'unsupported_schema_version'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'invalid_endpoint'
  | 'invalid_event_input'
  | 'optional_dependency_missing';

/**
 * Codes of {@link WebhookStorageError}: a storage adapter failed or found inconsistent data, a
 * reservation held in a store lapsed before its holder finished (`lease_lapsed`), or a database
 * schema was migrated by a newer version of this package than the one running
 * (`schema_too_new`) or from other SQL than this package's migrations (`schema_mismatch`).
 * `authentication_unavailable` is the same kind of outage on another dependency: the key set that
 * verifies the management API's bearer tokens could not be loaded, so no token can be checked.
 */
export type StorageErrorCode =
  | 'storage_unavailable'
  | 'storage_corrupt'
  | 'lease_lapsed'
  | 'schema_too_new'
  | 'schema_mismatch'
  | 'authentication_unavailable';

/** Codes of {@link WebhookConflictError}: the request conflicts with the current state. */
export type ConflictErrorCode =
  | 'not_found'
  | 'invalid_state'
  | 'idempotency_key_reused'
  | 'idempotency_key_in_flight';

/**
 * Codes of {@link WebhookClientError}: a call of the management API client (`/client`) failed.
 * - `api_error`: the API answered an error status (`NovatradeApiError`, `EudrApiError`).
 * - `api_unreachable`: no answer came, after every attempt the retry policy allowed.
 * - `token_request_failed`: the OAuth2 token endpoint refused or failed (`TokenRequestError`).
 * - `unexpected_response`: an answer the API does not send, such as a 2xx whose body is not JSON.
 */
export type ClientErrorCode =
  | 'api_error'
  | 'api_unreachable'
  | 'token_request_failed'
  | 'unexpected_response';

/**
 * Every stable error code this library uses. An outbound delivery never throws: how an attempt
 * failed is data on the delivery record (`DeliveryFailureReason`: a timeout, a network error, a
 * blocked destination), retried on the schedule, not an error a caller catches.
 */
export type WebhooksErrorCode =
  | VerificationErrorCode
  | ValidationErrorCode
  | StorageErrorCode
  | ConflictErrorCode
  | ClientErrorCode;

// A global-registry symbol, so that isWebhooksError() recognises errors thrown by another copy of
// this package (the ESM and the CJS build loaded side by side, or two installed versions).
const BRAND: unique symbol = Symbol.for('@novatrade24/webhooks.error') as never;

/** Options accepted by every error constructor. */
export interface WebhooksErrorOptions {
  /** The underlying error, forwarded as the standard `cause`. */
  readonly cause?: unknown;
}

/**
 * Base class of every error thrown by `@novatrade24/webhooks`.
 *
 * @example
 * ```ts
 * try { verifyNovatradeSignature(body, header, secret); }
 * catch (err) { if (isWebhooksError(err) && err.code === 'timestamp_too_old') resync(); }
 * ```
 */
export class WebhooksError<C extends WebhooksErrorCode = WebhooksErrorCode> extends Error {
  /** Stable, machine-readable reason. Branch on this, never on `message`. */
  readonly code: C;
  declare readonly [BRAND]: true;

  constructor(code: C, message: string, options?: WebhooksErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = 'WebhooksError';
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** A webhook signature or its header did not verify. The HTTP answer is 401 (receiver). */
export class WebhookVerificationError extends WebhooksError<VerificationErrorCode> {
  constructor(code: VerificationErrorCode, message: string, options?: WebhooksErrorOptions) {
    super(code, message, options);
    this.name = 'WebhookVerificationError';
  }
}

/**
 * Input did not have the expected shape: an option, a pattern, an event.
 * `issues` lists the failing fields (path and message, never the rejected value of a secret).
 */
export class WebhookValidationError extends WebhooksError<ValidationErrorCode> {
  /** Field-level details, in the order they were found. */
  readonly issues: readonly ValidationIssue[];

  constructor(
    code: ValidationErrorCode,
    message: string,
    options?: WebhooksErrorOptions & { readonly issues?: readonly ValidationIssue[] },
  ) {
    super(code, message, options);
    this.name = 'WebhookValidationError';
    this.issues = options?.issues ?? [];
  }
}

/**
 * What is wrong with one field, as a stable code (zod's issue codes are the model):
 * - `required`: the field is missing.
 * - `invalid_type`: it has the wrong type (a string where a number belongs).
 * - `invalid_format`: a string that does not have the required form (a URL, a UUID, a pattern).
 * - `invalid_value`: the right type, but not an accepted value (an unknown event type, a version
 *   this catalog does not have, a duplicate).
 * - `too_small` / `too_big`: a number, a length or a count outside its range.
 * - `unrecognized_key`: a key the input does not have (a misspelt option).
 */
export type ValidationIssueCode =
  | 'required'
  | 'invalid_type'
  | 'invalid_format'
  | 'invalid_value'
  | 'too_small'
  | 'too_big'
  | 'unrecognized_key';

/** One field-level validation failure. */
export interface ValidationIssue {
  /** Dotted path of the field, e.g. `data.orderUuid` (empty for the whole input). */
  readonly path: string;
  /** What is wrong with the field: branch on this, never on `message`. */
  readonly code: ValidationIssueCode;
  /** What was wrong with it, for people. Never contains the rejected value. */
  readonly message: string;
}

/** A storage adapter failed; nothing was half-written (adapters make each operation atomic). */
export class WebhookStorageError extends WebhooksError<StorageErrorCode> {
  constructor(code: StorageErrorCode, message: string, options?: WebhooksErrorOptions) {
    super(code, message, options);
    this.name = 'WebhookStorageError';
  }
}

/** The operation conflicts with the current state (unknown id, wrong status, idempotency). */
export class WebhookConflictError extends WebhooksError<ConflictErrorCode> {
  constructor(code: ConflictErrorCode, message: string, options?: WebhooksErrorOptions) {
    super(code, message, options);
    this.name = 'WebhookConflictError';
  }
}

/**
 * A call of the management API client failed: the API answered an error (`api_error`, thrown as
 * its subclasses `NovatradeApiError` and `EudrApiError`), no answer came (`api_unreachable`, with the
 * last failure as `cause`), the token endpoint failed (`token_request_failed`; also a token
 * function's own error once an attempt of a write was sent, as `cause`) or an answer was not what
 * the API sends (`unexpected_response`). The message names the method, the path and the status,
 * never a token, a secret or anything read from a body.
 *
 * @example
 * ```ts
 * try { await client.endpoints.get('wh_1'); }
 * catch (err) { if (err instanceof WebhookClientError && err.code === 'api_unreachable') retryLater(); }
 * ```
 */
export class WebhookClientError<
  C extends ClientErrorCode = ClientErrorCode,
> extends WebhooksError<C> {
  /** The HTTP status of the answer, or `undefined` when no answer came. */
  readonly status: number | undefined;
  /**
   * The `Idempotency-Key` the failed call sent, when it was a write (the caller's, or the one the
   * client generated): retry the write with it (`{ idempotencyKey: err.idempotencyKey }`), never
   * with a new one, so a write that did happen is answered from the server's record instead of
   * happening twice. `undefined` for a read, and for a `token_request_failed` before any attempt
   * of the write was sent (nothing was written); a `token_request_failed` after one (a retry could
   * not get a token) carries it like any other error of the write.
   */
  readonly idempotencyKey: string | undefined;

  constructor(
    code: C,
    message: string,
    options?: WebhooksErrorOptions & {
      readonly status?: number | undefined;
      readonly idempotencyKey?: string | undefined;
    },
  ) {
    super(code, message, options);
    this.name = 'WebhookClientError';
    this.status = options?.status;
    this.idempotencyKey = options?.idempotencyKey;
  }
}

/**
 * True when `value` is an error thrown by this package, including from another loaded copy.
 *
 * @example
 * ```ts
 * if (isWebhooksError(err)) log.warn({ code: err.code }, 'webhook rejected');
 * ```
 */
export function isWebhooksError(value: unknown): value is WebhooksError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [BRAND]?: unknown })[BRAND] === true &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}
