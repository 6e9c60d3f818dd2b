// The error codes of the EUDR management API, in N'entropy's `{ error, message }` shape
// (docs/server-eudr.md): one list, which the server answers with and the client reads
// (docs/design.md §5.26, one home for each code).

/** Every error code the EUDR management API answers with. */
export const EUDR_API_ERROR_CODES = [
  'BAD_REQUEST',
  'AUTHENTICATION_REQUIRED',
  'INVALID_TOKEN',
  'INSUFFICIENT_SCOPES',
  'INTEGRATION_INACTIVE',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'INVALID_STATE',
  'IDEMPOTENCY_KEY_IN_FLIGHT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'VALIDATION_ERROR',
  'IDEMPOTENCY_KEY_REUSED',
  'RATE_LIMIT_EXCEEDED',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
] as const;
