// Shared helpers for the signature tests: vectors, error assertions and message hygiene.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import {
  type ValidationErrorCode,
  type VerificationErrorCode,
  WebhookValidationError,
  WebhookVerificationError,
} from '../../../src/core/errors.js';

export interface NovatradeVector {
  readonly name: string;
  readonly secret: string;
  readonly timestamp: number;
  readonly body: string;
  readonly bodyBytes: number;
  readonly command: string;
  readonly signature: string;
  readonly header: string;
}

export interface EudrVector {
  readonly name: string;
  readonly secret: string;
  readonly timestamp: string;
  readonly body: string;
  readonly bodyBytes: number;
  readonly command: string;
  readonly signature: string;
  readonly header: string;
}

export const vectors = JSON.parse(
  readFileSync(new URL('../../fixtures/signature-vectors.json', import.meta.url), 'utf8'),
) as { readonly novatrade: readonly NovatradeVector[]; readonly eudr: readonly EudrVector[] };

/** Runs `run` (sync or async) and returns what it threw or rejected with; fails if it succeeded. */
export async function caught(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw or reject, but it succeeded');
}

/**
 * Asserts that a message holds none of `forbidden` (secrets, signature hex, bodies), in any case.
 * Values shorter than 8 characters are skipped: they could occur in any sentence.
 */
export function expectClean(message: string, forbidden: readonly string[]): void {
  const haystack = message.toLowerCase();
  for (const value of forbidden) {
    if (value.length < 8) continue;
    expect(
      haystack.includes(value.toLowerCase()),
      `message leaks a forbidden value: ${message}`,
    ).toBe(false);
  }
}

/** Awaits a failure and checks its class, code and message hygiene; returns the error. */
export async function expectVerificationError(
  run: () => unknown,
  code: VerificationErrorCode,
  forbidden: readonly string[] = [],
): Promise<WebhookVerificationError> {
  const error = await caught(run);
  expect(error).toBeInstanceOf(WebhookVerificationError);
  const typed = error as WebhookVerificationError;
  expect(typed.code).toBe(code);
  expectClean(typed.message, forbidden);
  return typed;
}

/** Awaits a failure and checks it is a validation error with `code`; returns the error. */
export async function expectValidationError(
  run: () => unknown,
  code: ValidationErrorCode,
  forbidden: readonly string[] = [],
): Promise<WebhookValidationError> {
  const error = await caught(run);
  expect(error).toBeInstanceOf(WebhookValidationError);
  const typed = error as WebhookValidationError;
  expect(typed.code).toBe(code);
  expectClean(typed.message, forbidden);
  return typed;
}

/** The code of what `run` threw or rejected with, or `'ok'` with the result's timestamp. */
export async function outcome(run: () => unknown): Promise<string> {
  try {
    const result = (await run()) as { timestamp: number | null };
    return `ok:${result.timestamp}`;
  } catch (error) {
    if (error instanceof WebhookVerificationError || error instanceof WebhookValidationError) {
      return `${error.name}:${error.code}`;
    }
    throw error;
  }
}

/** `bytes` copied into the middle of a larger buffer: a view with a non-zero byteOffset. */
export function offsetView(bytes: Uint8Array, before = 7, after = 5): Uint8Array {
  const backing = new Uint8Array(before + bytes.length + after).fill(0xab);
  backing.set(bytes, before);
  return backing.subarray(before, before + bytes.length);
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
