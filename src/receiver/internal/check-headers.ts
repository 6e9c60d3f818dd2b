import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import type { HeadersInput } from '../headers.js';

/** Throws `invalid_option` naming `headers` unless it is an object (a `Headers` or a record). */
export function assertHeaders(headers: unknown, fnName: string): asserts headers is HeadersInput {
  if (typeof headers === 'object' && headers !== null && !Array.isArray(headers)) return;
  throw invalidOption(
    'headers',
    `${fnName}: \`headers\` must be the request headers (a Headers object or a record such as ` +
      `Node's req.headers), got ${describeValue(headers)}.`,
    'invalid_type',
  );
}

/**
 * Throws `invalid_option` unless `options` is absent or an object whose `strict` is absent or a
 * boolean. (`toleranceSeconds`, `now` and `acceptedSchemaVersions` are checked by their readers.)
 */
export function assertConstructOptions(options: unknown, fnName: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption(
      'options',
      `${fnName}: \`options\` must be an object, got ${describeValue(options)}.`,
      'invalid_type',
    );
  }
  const strict = (options as { strict?: unknown }).strict;
  if (strict !== undefined && typeof strict !== 'boolean') {
    throw invalidOption(
      'strict',
      `${fnName}: \`strict\` must be a boolean, got ${describeValue(strict)}.`,
      'invalid_type',
    );
  }
}
