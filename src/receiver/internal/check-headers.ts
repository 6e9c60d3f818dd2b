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
  );
}
