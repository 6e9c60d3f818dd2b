// How the receiver answers an error thrown while verifying and parsing a request. Classified by
// `code`, not by `name` or `instanceof`: the error codes of the classes do not overlap, and an
// error thrown by another loaded copy of this package (the ESM and the CJS build side by side,
// recognised by `isWebhooksError` through its brand) is not an instance of this copy's classes.

import {
  isWebhooksError,
  type ValidationErrorCode,
  type ValidationIssue,
  type VerificationErrorCode,
  type WebhooksError,
} from '../../core/errors.js';

// Records over the whole union, so that `tsc` asks for a decision on every new code.
const VERIFICATION_CODES: Readonly<Record<VerificationErrorCode, true>> = {
  missing_header: true,
  malformed_header: true,
  no_supported_signature: true,
  timestamp_too_old: true,
  timestamp_too_new: true,
  signature_mismatch: true,
  invalid_payload_type: true,
};

/**
 * Per validation code: does it mean that the request's body is not an acceptable event (the
 * sender's fault, answered 400)? The others come from the receiver's own set-up (an option, a
 * secret) or do not arise while parsing; such an error is the receiver's failure (500).
 */
const PARSE_FAILURE_CODES: Readonly<Record<ValidationErrorCode, boolean>> = {
  invalid_json: true,
  invalid_event: true,
  unknown_event_type: true,
  unsupported_schema_version: true,
  invalid_option: false,
  invalid_secret: false,
  invalid_subscription_pattern: false,
  method_not_allowed: false,
  unsupported_media_type: false,
  payload_too_large: false,
  invalid_endpoint: false,
  invalid_event_input: false,
  optional_dependency_missing: false,
};

/** A verification error of this package, from this copy or another (answered 401). */
export function isVerificationFailure(
  error: unknown,
): error is WebhooksError<VerificationErrorCode> {
  return isWebhooksError(error) && Object.hasOwn(VERIFICATION_CODES, error.code);
}

/** A validation error that says the body is not an acceptable event (answered 400). */
export function isParseFailure(error: unknown): error is WebhooksError<ValidationErrorCode> & {
  readonly issues?: readonly ValidationIssue[];
} {
  return (
    isWebhooksError(error) &&
    Object.hasOwn(PARSE_FAILURE_CODES, error.code) &&
    PARSE_FAILURE_CODES[error.code as ValidationErrorCode]
  );
}
