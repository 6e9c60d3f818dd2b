// An error's summary for a sender log line, with the request's secrets and signatures masked
// (docs/design.md §5.23). The library's own messages never hold one (§5.14); this guards the
// messages of code the application plugged in, a custom profile or transport, which saw them.

import { type ErrorSummary, summarizeError } from '../../logging/internal/summarize-error.js';

/** What replaces a masked value. */
const MASK = '[redacted]';
/**
 * Runs this long or longer in a signature header are masked on their own: hex and base64 MACs,
 * with base64 padding, without the `v1=` or `sha256=` before them.
 */
const SIGNATURE_PART = /[A-Za-z0-9+/_-]{16,}={0,2}/g;

/**
 * The values to mask in a message about one request: the endpoint's secrets, and each signature
 * header's value and its MACs (a message may quote a single `v1=` entry).
 *
 * @param secrets - the secrets the request was (or would have been) signed with.
 * @param headers - the request's headers, if they were built.
 */
export function secretValues(
  secrets: readonly string[],
  headers?: Readonly<Record<string, string>>,
): string[] {
  const values = secrets.filter((secret) => secret !== '');
  if (headers !== undefined) {
    for (const [name, value] of Object.entries(headers)) {
      if (!/signature/i.test(name) || typeof value !== 'string') continue;
      values.push(value, ...(value.match(SIGNATURE_PART) ?? []));
    }
  }
  // Longest first, so that a whole header is masked before the MACs inside it.
  return values.sort((a, b) => b.length - a.length);
}

/**
 * `summarizeError(error)` with every occurrence of `hidden` masked in its name, code and message
 * (masked before the message is cut, so no part of a value survives at the cut).
 *
 * @param error - whatever was thrown.
 * @param hidden - values that must not reach a log line (see {@link secretValues}).
 */
export function maskedErrorSummary(error: unknown, hidden: readonly string[]): ErrorSummary {
  if (hidden.length === 0 || !(error instanceof Error)) return summarizeError(error);
  const mask = (text: string): string => {
    let masked = text;
    for (const value of hidden) {
      if (masked.includes(value)) masked = masked.split(value).join(MASK);
    }
    return masked;
  };
  const code = (error as { code?: unknown }).code;
  const shadow = new Error(mask(String(error.message)));
  shadow.name = mask(String(error.name));
  if (typeof code === 'string') Object.assign(shadow, { code: mask(code) });
  return summarizeError(shadow);
}
