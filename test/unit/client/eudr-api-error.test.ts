import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  EUDR_API_ERROR_CODES,
  EudrApiError,
  isEudrApiError,
} from '../../../src/client/eudr-api-error.js';
import { isNovatradeApiError } from '../../../src/client/novatrade-api-error.js';
import { WebhookClientError } from '../../../src/core/errors.js';
import { EUDR_ERROR_CODES } from '../../../src/server/internal/eudr/eudr-error.js';

describe('EudrApiError', () => {
  it("reads the server's own list of codes", () => {
    expect(EUDR_API_ERROR_CODES).toBe(EUDR_ERROR_CODES);
  });

  it('carries errorCode, detail and details; the message has neither', () => {
    const error = new EudrApiError({
      method: 'POST',
      path: '/api/v1/webhooks',
      status: 400,
      error: 'VALIDATION_ERROR',
      detail: 'secret-detail',
      details: [{ field: 'url', message: 'secret-message' }],
    });
    expect(error).toBeInstanceOf(WebhookClientError);
    expect(error).toMatchObject({
      name: 'EudrApiError',
      code: 'api_error',
      status: 400,
      errorCode: 'VALIDATION_ERROR',
      detail: 'secret-detail',
    });
    expect(error.message).toBe('EUDR API: POST /api/v1/webhooks answered 400 VALIDATION_ERROR.');
  });

  it('reads an undocumented code as UNKNOWN without quoting it', () => {
    const error = new EudrApiError({ method: 'GET', path: '/x', status: 418, error: 'SECRET_X' });
    expect(error.errorCode).toBe('UNKNOWN');
    expect(error.message).not.toContain('SECRET_X');
    expect(new EudrApiError({ method: 'GET', path: '/x', status: 500 }).details).toEqual([]);
  });

  it('has a guard that narrows by code, works across copies and is not the Novatrade one', () => {
    const error: unknown = new EudrApiError({
      method: 'GET',
      path: '/x',
      status: 404,
      error: 'NOT_FOUND',
    });
    expect(isEudrApiError(error, 'NOT_FOUND')).toBe(true);
    expect(isEudrApiError(error, 'CONFLICT')).toBe(false);
    expect(isNovatradeApiError(error)).toBe(false);
    if (isEudrApiError(error, 'NOT_FOUND')) {
      expectTypeOf(error.errorCode).toEqualTypeOf<'NOT_FOUND'>();
    }
    const foreign = Object.assign(new Error('x'), { code: 'api_error', errorCode: 'CONFLICT' });
    Object.defineProperty(foreign, Symbol.for('@novatrade24/webhooks.eudr-api-error'), {
      value: true,
    });
    expect(isEudrApiError(foreign)).toBe(true);
    expect(isEudrApiError({ code: 'api_error', errorCode: 'CONFLICT' })).toBe(false);
  });
});
