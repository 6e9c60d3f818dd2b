// A few assertions for the edge suites, written out so the bundle carries no test framework.
// Errors thrown here name what was expected and what came, as vitest's `expect` would.
import { isWebhooksError, type WebhooksError } from '@novatrade24/webhooks/web';

/** Thrown by a failed assertion. */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

function show(value: unknown): string {
  if (value instanceof Uint8Array) return `Uint8Array[${[...value].join(',')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Structural equality over primitives, arrays, plain objects and byte arrays (no coercion). */
export function deepEqual(actual: unknown, expected: unknown): boolean {
  if (Object.is(actual, expected)) return true;
  if (actual instanceof Uint8Array && expected instanceof Uint8Array) {
    return actual.length === expected.length && actual.every((b, i) => b === expected[i]);
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    return (
      actual.length === expected.length && actual.every((item, i) => deepEqual(item, expected[i]))
    );
  }
  if (isPlainObject(actual) && isPlainObject(expected)) {
    const keys = Object.keys(expected);
    if (Object.keys(actual).length !== keys.length) return false;
    return keys.every((key) => Object.hasOwn(actual, key) && deepEqual(actual[key], expected[key]));
  }
  return false;
}

export function ok(value: unknown, message: string): asserts value {
  if (!value) throw new AssertionError(message);
}

export function equal(actual: unknown, expected: unknown, what = 'value'): void {
  if (!deepEqual(actual, expected)) {
    throw new AssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function includes(text: string, part: string, what = 'text'): void {
  if (!text.includes(part)) {
    throw new AssertionError(`${what}: expected to contain ${show(part)}, got ${show(text)}`);
  }
}

export function matches(text: string, pattern: RegExp, what = 'text'): void {
  if (!pattern.test(text)) {
    throw new AssertionError(`${what}: expected to match ${pattern}, got ${show(text)}`);
  }
}

/** Asserts that `text` holds none of `forbidden` (secrets, signatures, bodies), in any case. */
export function clean(text: string, forbidden: readonly string[]): void {
  const haystack = text.toLowerCase();
  for (const value of forbidden) {
    if (value.length < 8) continue; // too short to be meaningful in a sentence
    if (haystack.includes(value.toLowerCase())) {
      throw new AssertionError(`message leaks a forbidden value: ${show(text)}`);
    }
  }
}

/** Awaits `run` and returns its failure; fails if it succeeded. A sync throw counts. */
export async function failure(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new AssertionError('expected a failure, but the call succeeded');
}

/**
 * Awaits a failure of `run` and checks it is the package's error class `errorClass` with `code`,
 * and that its message leaks none of `forbidden`; returns it.
 */
export async function rejectsWith<E extends WebhooksError>(
  run: () => unknown,
  errorClass: abstract new (...args: never[]) => E,
  code: string,
  forbidden: readonly string[] = [],
): Promise<E> {
  const error = await failure(run);
  if (!(error instanceof errorClass)) {
    throw new AssertionError(
      `expected a ${errorClass.name} with code ${code}, got ${describe(error)}`,
    );
  }
  equal(error.code, code, `${errorClass.name}.code`);
  clean(error.message, forbidden);
  return error;
}

/** The code of a package error, or a description of anything else. */
export async function codeOf(run: () => unknown): Promise<string> {
  const error = await failure(run);
  if (isWebhooksError(error)) return error.code;
  throw new AssertionError(`expected a package error, got ${describe(error)}`);
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${code === undefined ? '' : ` (${String(code)})`}: ${error.message}`;
  }
  return show(error);
}
