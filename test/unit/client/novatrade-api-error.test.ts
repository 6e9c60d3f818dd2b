import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  isNovatradeApiError,
  NOVATRADE_PROBLEM_TYPES,
  NovatradeApiError,
  type NovatradeProblemType,
  problemTypeOf,
} from '../../../src/client/novatrade-api-error.js';
import { isWebhooksError, WebhookClientError, WebhooksError } from '../../../src/core/errors.js';

const BASE = 'https://api.novatrade24.com/problems/';

describe('problemTypeOf', () => {
  it.each(Object.keys(NOVATRADE_PROBLEM_TYPES))('reads %s under any base', (slug) => {
    expect(problemTypeOf(`${BASE}${slug}`)).toBe(slug);
    expect(problemTypeOf(`https://errors.example.com/${slug}`)).toBe(slug);
    expect(problemTypeOf(`/problems/${slug}?lang=en#x`)).toBe(slug);
  });

  it.each([
    ['about:blank'],
    [''],
    ['not-found'], // a bare word is no URI reference with a path
    [`${BASE}constructor`],
    [`${BASE}toString`],
    [`${BASE}future-type`],
    [`${BASE}not-found/extra`],
  ])('answers unknown for %j', (type) => {
    expect(problemTypeOf(type)).toBe('unknown');
  });
});

describe('NovatradeApiError', () => {
  const make = (over: Partial<ConstructorParameters<typeof NovatradeApiError>[0]> = {}) =>
    new NovatradeApiError({
      method: 'POST',
      path: '/v1/webhooks/wh_123/replay',
      status: 422,
      type: `${BASE}validation-error`,
      detail: 'secret-detail',
      errors: [{ field: 'events.0', message: 'm', rejectedValue: 'secret-value' }],
      ...over,
    });

  it('is a WebhookClientError with code api_error and the problem members', () => {
    const error = make();
    expect(error).toBeInstanceOf(WebhookClientError);
    expect(error).toBeInstanceOf(WebhooksError);
    expect(isWebhooksError(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'NovatradeApiError',
      code: 'api_error',
      status: 422,
      problemType: 'validation-error',
      errors: [{ field: 'events.0', message: 'm', rejectedValue: 'secret-value' }],
    });
  });

  it('says method, route, status and the documented title, never body values or ids', () => {
    const { message } = make();
    expect(message).toBe(
      'Novatrade24 API: POST /v1/webhooks/{id}/replay answered 422 Validation Error ' +
        '(validation-error); read `errors` for the fields.',
    );
    const unknown = make({ type: `${BASE}secret-type`, status: 418, title: 'secret-title' });
    expect(unknown.problemType).toBe('unknown');
    expect(unknown.type).toBe(`${BASE}secret-type`);
    expect(unknown.message).not.toMatch(/secret/);
  });

  it('defaults type to about:blank and errors to []', () => {
    const error = new NovatradeApiError({ method: 'GET', path: '/v1/webhooks', status: 502 });
    expect(error).toMatchObject({ type: 'about:blank', problemType: 'unknown', errors: [] });
  });

  it('has a guard that narrows by problem type and works across copies', () => {
    const error: unknown = make({ type: `${BASE}rate-limited`, status: 429 });
    expect(isNovatradeApiError(error)).toBe(true);
    expect(isNovatradeApiError(error, 'rate-limited')).toBe(true);
    expect(isNovatradeApiError(error, 'not-found')).toBe(false);
    if (isNovatradeApiError(error, 'rate-limited')) {
      expectTypeOf(error.problemType).toEqualTypeOf<'rate-limited'>();
    }
    // another loaded copy: same global symbol, another class
    const foreign = Object.assign(new Error('x'), { code: 'api_error', problemType: 'not-found' });
    Object.defineProperty(foreign, Symbol.for('@novatrade24/webhooks.novatrade-api-error'), {
      value: true,
    });
    expect(isNovatradeApiError(foreign, 'not-found')).toBe(true);
    // look-alikes without the brand
    expect(isNovatradeApiError({ code: 'api_error', problemType: 'not-found' })).toBe(false);
    expect(isNovatradeApiError(null)).toBe(false);
    expect(isNovatradeApiError(new WebhookClientError('api_error', 'x'))).toBe(false);
  });

  it('narrows in a switch over problemType', () => {
    const error = make();
    const handled = (() => {
      switch (error.problemType) {
        case 'validation-error':
          return error.errors.length;
        case 'unknown':
          return error.type;
        default: {
          const rest: Exclude<NovatradeProblemType, 'validation-error'> = error.problemType;
          return rest;
        }
      }
    })();
    expect(handled).toBe(1);
  });
});
