// What a piece of code throws, checked: the SDK's validation error, a CLI usage error (exit
// status 2), an option parser's InvalidArgumentError message, or anything at all.
import { InvalidArgumentError } from 'commander';
import { expect } from 'vitest';
import { CliError } from '../../src/cli/internal/cli-error.js';
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

/** The CliError `run` throws; fails the test unless it is a usage error (exit status 2). */
export function usageErrorOf(run: () => unknown): CliError {
  const error = errorOf(run);
  expect(error).toBeInstanceOf(CliError);
  expect((error as CliError).exitCode).toBe(2);
  return error as CliError;
}

/** The message of the InvalidArgumentError a CLI option parser throws for `value`. */
export function refusalOf(parse: (value: string) => unknown, value: string): string {
  try {
    parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be refused`);
}
