import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ClientErrorCode,
  type ConflictErrorCode,
  type StorageErrorCode,
  type ValidationErrorCode,
  type VerificationErrorCode,
  WebhookClientError,
  WebhookConflictError,
  WebhookStorageError,
  WebhooksError,
  WebhookValidationError,
  WebhookVerificationError,
} from '../../../../src/core/errors.js';
import { parseSubscriptionPatterns } from '../../../../src/core/subscription/parse-subscription-patterns.js';
import { managementProblemResponse } from '../../../../src/server/internal/problem.js';
import {
  DEFAULT_RETRY_AFTER_SECONDS,
  INTERNAL_ERROR_DETAIL,
  ISSUE_MESSAGES,
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
  optional_dependency_missing: 'internal-error',
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
  authentication_unavailable: 'service-unavailable',
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

const CLIENT: Readonly<Record<ClientErrorCode, string>> = {
  api_error: 'internal-error',
  api_unreachable: 'internal-error',
  token_request_failed: 'internal-error',
  unexpected_response: 'internal-error',
};

const entries = <C extends string>(table: Readonly<Record<C, string>>) =>
  Object.entries(table) as [C, string][];

describe('problemFromError', () => {
  it.each(entries(VALIDATION))('WebhookValidationError %s from the request -> %s', (code, type) => {
    const error = new WebhookValidationError(code, `createEndpoint: ${CANARY}`, {
      issues: [{ path: 'url', code: 'invalid_format', message: 'must be an https URL' }],
    });
    const problem = problemFromError(error, { input: true });
    expect(problem.type).toBe(type);
    expect(problem.detail).not.toContain(CANARY);
    if (type === 'validation-error') {
      expect(problem.errors).toEqual([
        { field: 'url', message: 'url does not have the required format.' },
      ]);
      expect(problem.detail).toBe('The request has 1 invalid field; see errors.');
    } else {
      expect(problem.errors).toBeUndefined();
    }
  });

  it.each(
    Object.keys(VALIDATION) as ValidationErrorCode[],
  )('WebhookValidationError %s not from the request -> internal-error, no errors', async (code) => {
    const error = new WebhookValidationError(code, `RateLimiter: ${CANARY}`, {
      issues: [{ path: 'now', code: 'invalid_type', message: `now() returned ${CANARY}` }],
    });
    for (const options of [undefined, {}, { input: false }, { retryAfterSeconds: 5 }]) {
      expect(problemFromError(error, options)).toEqual({
        type: 'internal-error',
        detail: INTERNAL_ERROR_DETAIL,
      });
    }
    const response = managementProblemResponse(problemFromError(error), CONTEXT);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain(CANARY);
    expect(JSON.parse(text)).not.toHaveProperty('errors');
  });

  it('answers a misconfigured option (invalid_option) 500 by default, 422 only as input', () => {
    const error = new WebhookValidationError('invalid_option', 'x', {
      issues: [{ path: 'problemBaseUrl', code: 'invalid_format', message: 'm' }],
    });
    expect(problemFromError(error).type).toBe('internal-error');
    expect(problemFromError(error, { input: true })).toEqual({
      type: 'validation-error',
      detail: 'The request has 1 invalid field; see errors.',
      errors: [
        { field: 'problemBaseUrl', message: 'problemBaseUrl does not have the required format.' },
      ],
    });
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

  it('a 503 says what is unavailable: storage, or authentication (authentication_unavailable)', async () => {
    expect(problemFromError(new WebhookStorageError('storage_unavailable', CANARY)).detail).toBe(
      'Storage is temporarily unavailable; retry after the Retry-After delay.',
    );
    const outage = new WebhookStorageError('authentication_unavailable', `jwks ${CANARY}`);
    const problem = problemFromError(outage, { retryAfterSeconds: 30 });
    expect(problem).toEqual({
      type: 'service-unavailable',
      detail: 'Authentication is temporarily unavailable; retry after the Retry-After delay.',
      headers: { 'Retry-After': '30' },
    });
    const response = managementProblemResponse(problem, CONTEXT);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(await response.text()).not.toContain(CANARY);
  });

  it.each(VERIFICATION)('WebhookVerificationError %s -> internal-error (a bug here)', (code) => {
    const problem = problemFromError(new WebhookVerificationError(code, CANARY));
    expect(problem).toEqual({ type: 'internal-error', detail: INTERNAL_ERROR_DETAIL });
  });

  it.each(
    entries(CLIENT),
  )('WebhookClientError %s -> %s (the client never serves)', (code, type) => {
    const problem = problemFromError(new WebhookClientError(code, CANARY, { status: 502 }));
    expect(problem).toEqual({ type, detail: INTERNAL_ERROR_DETAIL });
  });

  it('maps every validation issue to errors[] by path and code, never its message or value', async () => {
    const error = new WebhookValidationError('invalid_endpoint', 'createEndpoint: 3 problems.', {
      issues: [
        { path: 'url', code: 'required', message: `is required ${CANARY}` },
        { path: 'events.0', code: 'invalid_value', message: `"${CANARY}" is not a catalog type` },
        { path: 'secret', code: 'too_small', message: 'must have at least 16 characters' },
        { path: '', code: 'invalid_type', message: `got ${CANARY}` },
      ],
    });
    const response = managementProblemResponse(problemFromError(error, { input: true }), CONTEXT);
    const text = await response.text();
    expect(text).not.toContain(CANARY);
    const body = JSON.parse(text);
    expect(body.status).toBe(422);
    expect(body.detail).toBe('The request has 4 invalid fields; see errors.');
    expect(body.errors).toEqual([
      { field: 'url', message: 'url is required.' },
      { field: 'events.0', message: 'events.0 is not an accepted value.' },
      { field: 'secret', message: 'secret is too small or too short.' },
      { field: '', message: 'The request body has the wrong type.' },
    ]);
  });

  it('has fixed text for every issue code, and a general one for an unknown code', () => {
    for (const [code, text] of Object.entries(ISSUE_MESSAGES)) {
      const error = new WebhookValidationError('invalid_event_input', 'x', {
        issues: [{ path: 'a', code: code as never, message: CANARY }],
      });
      expect(problemFromError(error, { input: true }).errors).toEqual([
        { field: 'a', message: `a ${text}` },
      ]);
    }
    const future = new WebhookValidationError('invalid_event_input', 'x', {
      issues: [{ path: 'a', code: 'future_code' as never, message: CANARY }],
    });
    expect(problemFromError(future, { input: true }).errors).toEqual([
      { field: 'a', message: 'a is not valid.' },
    ]);
  });

  it('never echoes a subscription pattern the client sent (a real parse error)', async () => {
    const canary = 'kyc.sk_live_canary9f3bsecret';
    let error: unknown;
    try {
      parseSubscriptionPatterns([canary]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WebhookValidationError);
    const issues = (error as WebhookValidationError).issues;
    // The precondition that makes this test meaningful: the issue's own message quotes it.
    expect(issues.some((i) => i.message.includes(canary))).toBe(true);
    const response = managementProblemResponse(problemFromError(error, { input: true }), CONTEXT);
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(text).not.toContain(canary);
    expect(text).not.toContain('canary9f3b');
    expect(JSON.parse(text).errors).toEqual(
      issues.map((i) => ({ field: i.path, message: `${i.path} ${ISSUE_MESSAGES[i.code]}` })),
    );
  });

  it('gives an empty errors list and a general detail for a validation error without issues', () => {
    expect(
      problemFromError(new WebhookValidationError('invalid_option', 'x'), { input: true }),
    ).toEqual({
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
    expect(problemFromError(foreign, { input: true })).toEqual({
      type: 'validation-error',
      detail: 'The request has 1 invalid field; see errors.',
      errors: [{ field: 'url', message: 'url is required.' }],
    });
    expect(problemFromError(foreign).type).toBe('internal-error');
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
    for (const retryAfterSeconds of [0, 1.5, 86_401, Number.NaN, '5' as never]) {
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
          const response = managementProblemResponse(problemFromError(make(canary)), CONTEXT);
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
          for (const input of [false, true]) {
            const problem = problemFromError(error, { input });
            const text = await managementProblemResponse(problem, CONTEXT).text();
            expect(text).not.toContain(JSON.stringify(canary).slice(1, -1));
          }
        },
      ),
    );
  });
});
