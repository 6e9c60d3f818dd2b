import { describe, expect, it } from 'vitest';
import {
  isWebhooksError,
  WebhookConflictError,
  WebhookStorageError,
  WebhooksError,
  WebhookValidationError,
  WebhookVerificationError,
} from '../../../src/core/errors.js';

describe('WebhooksError and subclasses', () => {
  it.each([
    [new WebhookVerificationError('signature_mismatch', 'm'), 'WebhookVerificationError'],
    [new WebhookValidationError('invalid_option', 'm'), 'WebhookValidationError'],
    [new WebhookStorageError('storage_unavailable', 'm'), 'WebhookStorageError'],
    [new WebhookConflictError('not_found', 'm'), 'WebhookConflictError'],
  ] as const)('%s has its name, code, message and is a WebhooksError', (error, name) => {
    expect(error).toBeInstanceOf(WebhooksError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.message).toBe('m');
    expect(isWebhooksError(error)).toBe(true);
    expect(String(error)).toBe(`${name}: m`);
  });

  it('forwards cause, and omits it when not given', () => {
    const cause = new Error('low level');
    expect(new WebhookStorageError('storage_unavailable', 'x', { cause }).cause).toBe(cause);
    expect('cause' in new WebhookStorageError('storage_unavailable', 'x')).toBe(false);
  });

  it('a validation error carries its issues, empty by default', () => {
    const issues = [{ path: 'events[0]', code: 'invalid_value' as const, message: 'unknown type' }];
    expect(
      new WebhookValidationError('invalid_subscription_pattern', 'x', { issues }).issues,
    ).toEqual(issues);
    expect(new WebhookValidationError('invalid_option', 'x').issues).toEqual([]);
  });

  it('isWebhooksError rejects look-alikes and non-objects', () => {
    for (const value of [
      null,
      undefined,
      'WebhooksError',
      42,
      new Error('x'),
      { code: 'timeout', name: 'WebhooksError' },
    ]) {
      expect(isWebhooksError(value)).toBe(false);
    }
  });

  it('isWebhooksError recognises an error from another copy of the package (brand, not instanceof)', () => {
    // a different class with the same global brand, as a second (CJS) copy would have
    const brand = Symbol.for('@novatrade24/webhooks.error');
    const foreign = Object.assign(new Error('x'), { code: 'timeout' });
    Object.defineProperty(foreign, brand, { value: true });
    expect(foreign instanceof WebhooksError).toBe(false);
    expect(isWebhooksError(foreign)).toBe(true);
  });

  it('the brand is not enumerable, so errors serialize without it', () => {
    const error = new WebhookVerificationError('missing_header', 'x');
    expect(Object.keys(error).sort()).toEqual(['code', 'name']);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'missing_header',
      name: 'WebhookVerificationError',
    });
  });
});

describe('the error classes of the package', () => {
  it('has no delivery error class: a failed delivery is data on its record, never thrown', async () => {
    const errors = await import('../../../src/core/errors.js');
    expect(Object.keys(errors).sort()).toEqual([
      // the management API client's failures (an API answer, no answer), not deliveries
      'WebhookClientError',
      'WebhookConflictError',
      'WebhookStorageError',
      'WebhookValidationError',
      'WebhookVerificationError',
      'WebhooksError',
      'isWebhooksError',
    ]);
  });
});
