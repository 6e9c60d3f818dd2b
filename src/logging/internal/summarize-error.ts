import { describeValue } from '../../core/internal/describe-value.js';

/** Longest error message kept in a log line, in UTF-16 code units. */
const MAX_MESSAGE_LENGTH = 500;
/** Longest error name or code kept. */
const MAX_NAME_LENGTH = 64;

/** What a log line says about an error. */
export interface ErrorSummary {
  /** `error.name`, or the type of a thrown value that is not an error. */
  readonly name: string;
  /** `error.code` when it is a string: this library's codes, Node's `ECONNREFUSED`, … */
  readonly code?: string;
  /** `error.message`, cut at 500 characters; absent for a thrown value that is not an error. */
  readonly message?: string;
}

/**
 * An error's name, code and message for a log line, and nothing else: no stack, no `cause`, no
 * other property (a Redis client's error may carry the command's arguments, which hold a
 * reservation token). This library's messages never hold a secret, a token or a body value
 * (docs/design.md §5.20); the message of an error your own code threw is yours. A thrown value
 * that is not an error is described by its type only.
 *
 * @param error - whatever was thrown.
 * @example
 * ```ts
 * logger.error({ stage: 'handler', error: summarizeError(error) }, 'a webhook handler failed');
 * ```
 */
export function summarizeError(error: unknown): ErrorSummary {
  if (!(error instanceof Error)) return { name: describeValue(error) };
  const code = (error as { code?: unknown }).code;
  const message = String(error.message);
  return {
    name: String(error.name).slice(0, MAX_NAME_LENGTH),
    ...(typeof code === 'string' ? { code: code.slice(0, MAX_NAME_LENGTH) } : {}),
    message:
      message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message,
  };
}
