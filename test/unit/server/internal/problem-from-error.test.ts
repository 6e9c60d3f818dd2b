import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ConflictErrorCode,
  type StorageErrorCode,
  type ValidationErrorCode,
  type VerificationErrorCode,
  WebhookConflictError,
  WebhookStorageError,
  WebhooksError,
  WebhookValidationError,
  WebhookVerificationError,
} from '../../../../src/core/errors.js';
import { problemResponse } from '../../../../src/server/internal/problem.js';
import {
  DEFAULT_RETRY_AFTER_SECONDS,
  INTERNAL_ERROR_DETAIL,
  problemFromError,
} from '../../../../src/server/internal/problem-from-error.js';
import { thrown } from '../../../helpers/thrown.js';

const CONTEXT = { url: '/v1/webhooks', requestId: 'req_1' };
const CANARY = 'CANARY_9f3b';

const VALIDATION: Readonly<Record<ValidationErrorCode, string>> = {
  invalid_option: 'validation-error',
  invalid_secret: 'validation-error',
  invalid_subscription_pattern: 'validation-error',
  invalid_event: 'validation-error',
  unknown_event_type: 'validation-error',
  unsupported_schema_version: 'validation-error',
  invalid_endpoint: 'validation-error',
  invalid_event_input: 'validation-error',
  invalid_json: 'malformed-request',
  method_not_allowed: 'method-not-allowed',
  unsupported_media_type: 'unsupported-media-type',
  payload_too_large: 'payload-too-large',
};
const CONFLICT: Readonly<Record<ConflictErrorCode, string>> = {
  not_found: 'not-found',
  invalid_state: 'invalid-state',
  idempotency_key_reused: 'idempotency-key-reused',
  idempotency_key_in_flight: 'idempotency-key-in-flight',
};
const STORAGE: Readonly<Record<StorageErrorCode, string>> = {
  storage_unavailable: 'service-unavailable',
  lease_lapsed: 'service-unavailable',
  storage_corrupt: 'internal-error',
  schema_too_new: 'internal-error',
  schema_mismatch: 'internal-error',
};
const VERIFICATION: readonly VerificationErrorCode[] = [
  'missing_header',
  'malformed_header',
  'no_supported_signature',
  'timestamp_too_old',
  'timestamp_too_new',
  'signature_mismatch',
  'invalid_payload_type',
];

const entries = <C extends string>(table: Readonly<Record<C, string>>) =>
  Object.entries(table) as [C, string][];

describe('problemFromError', () => {
  it.each(entries(VALIDATION))('WebhookValidationError %s -> %s', (code, type) => {
    const error = new WebhookValidationError(code, `createEndpoint: ${CANARY}`, {
      issues: [{ path: 'url', code: 'invalid_format', message: 'must be an https URL' }],
    });
    const problem = problemFromError(error);
    expect(problem.type).toBe(type);
    expect(problem.detail).not.toContain(CANARY);
    if (type === 'validation-error') {
      expect(problem.errors).toEqual([{ field: 'url', message: 'must be an https URL' }]);
      expect(problem.detail).toBe('The request has 1 invalid field; see errors.');
    } else {
      expect(problem.errors).toBeUndefined();
    }
  });

  it.each(entries(CONFLICT))('WebhookConflictError %s -> %s', (code, type) => {
    const problem = problemFromError(new WebhookConflictError(code, `No endpoint ${CANARY}.`));
    expect(problem.type).toBe(type);
    expect(problem.detail).not.toContain(CANARY);
    expect(problem.headers).toBeUndefined();
  });

  it.each(entries(STORAGE))('WebhookStorageError %s -> %s', (code, type) => {
    const problem = problemFromError(new WebhookStorageError(code, `db at ${CANARY} down`));
    expect(problem.type).toBe(type);
    expect(problem.detail).not.toContain(CANARY);
    expect(problem.headers).toEqual(
      type === 'service-unavailable'
        ? { 'Retry-After': String(DEFAULT_RETRY_AFTER_SECONDS) }
        : undefined,
    );
  });

  it.each(VERIFICATION)('WebhookVerificationError %s -> internal-error (a bug here)', (code) => {
    const problem = problemFromError(new WebhookVerificationError(code, CANARY));
    expect(problem).toEqual({ type: 'internal-error', detail: INTERNAL_ERROR_DETAIL });
  });

  it('maps every validation issue to errors[], never with a rejectedValue', async () => {
    const error = new WebhookValidationError('invalid_endpoint', 'createEndpoint: 3 problems.', {
      issues: [
        { path: 'url', code: 'required', message: 'is required' },
        { path: 'events.0', code: 'invalid_value', message: 'is not a catalog type' },
        { path: 'secret', code: 'too_small', message: 'must have at least 16 characters' },
      ],
    });
    const body = await problemResponse(problemFromError(error), CONTEXT).json();
    expect(body.status).toBe(422);
    expect(body.detail).toBe('The request has 3 invalid fields; see errors.');
    expect(body.errors).toEqual([
      { field: 'url', message: 'is required' },
      { field: 'events.0', message: 'is not a catalog type' },
      { field: 'secret', message: 'must have at least 16 characters' },
    ]);
  });

  it('gives an empty errors list and a general detail for a validation error without issues', () => {
    expect(problemFromError(new WebhookValidationError('invalid_option', 'x'))).toEqual({
      type: 'validation-error',
      detail: 'The request is not valid.',
      errors: [],
    });
  });

  it('classifies by code and brand, as an error of another copy of the package', () => {
    const foreign = new Error('x') as Error & Record<string | symbol, unknown>;
    Object.defineProperty(foreign, Symbol.for('@novatrade24/webhooks.error'), { value: true });
    foreign.code = 'invalid_endpoint';
    foreign.issues = [
      { path: 'url', code: 'required', message: 'is required' },
      'junk',
      { path: 1 },
    ];
    expect(problemFromError(foreign)).toEqual({
      type: 'validation-error',
      detail: 'The request has 1 invalid field; see errors.',
      errors: [{ field: 'url', message: 'is required' }],
    });
  });

  it('answers 500 for an unbranded error with a known code and for an unknown code', () => {
    const lookalike = Object.assign(new Error('x'), { code: 'not_found' });
    expect(problemFromError(lookalike).type).toBe('internal-error');
    const future = new WebhooksError('future_code' as never, 'x');
    expect(problemFromError(future).type).toBe('internal-error');
  });

  it('takes retryAfterSeconds and refuses a bad one', () => {
    const outage = new WebhookStorageError('storage_unavailable', 'x');
    expect(problemFromError(outage, { retryAfterSeconds: 3 }).headers).toEqual({
      'Retry-After': '3',
    });
    for (const retryAfterSeconds of [0, 1.5, 86_401, Number.NaN]) {
      const error = thrown(() => problemFromError(outage, { retryAfterSeconds }));
      expect(error.issues[0]?.path).toBe('retryAfterSeconds');
    }
  });

  it('never puts the message of an unknown thrown error in the 500 body or headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 8 }).map((s) => `canary:${s}`),
        fc.constantFrom<(m: string) => unknown>(
          (m) => new Error(m),
          (m) => new TypeError(m),
          (m) => m,
          (m) => ({ message: m, code: m }),
          (m) => new Error('wrapped', { cause: new Error(m) }),
          (m) => new WebhookStorageError('storage_corrupt', m),
        ),
        async (canary, make) => {
          const response = problemResponse(problemFromError(make(canary)), CONTEXT);
          expect(response.status).toBe(500);
          const text = await response.text();
          expect(text).not.toContain(JSON.stringify(canary).slice(1, -1));
          expect(JSON.parse(text).detail).toBe(INTERNAL_ERROR_DETAIL);
          response.headers.forEach((value) => {
            expect(value).not.toContain(canary);
          });
        },
      ),
    );
  });

  it('never puts an SDK error message in any problem body', async () => {
    const codes = [...Object.keys(VALIDATION), ...Object.keys(CONFLICT), ...Object.keys(STORAGE)];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...codes),
        fc.string({ minLength: 8 }).map((s) => `canary:${s}`),
        async (code, canary) => {
          const error = new WebhooksError(code as never, canary);
          const text = await problemResponse(problemFromError(error), CONTEXT).text();
          expect(text).not.toContain(JSON.stringify(canary).slice(1, -1));
        },
      ),
    );
  });
});
