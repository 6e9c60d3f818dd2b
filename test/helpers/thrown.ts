import { expect } from 'vitest';
import { WebhookValidationError } from '../../src/core/errors.js';

/** The error `fn` throws; fails the test when it does not throw a WebhookValidationError. */
export function thrown(fn: () => unknown): WebhookValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookValidationError);
    return error as WebhookValidationError;
  }
  throw new Error('expected a WebhookValidationError, nothing was thrown');
}

/** Whatever `run` throws, of any type; fails the test when it does not throw. */
export function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
