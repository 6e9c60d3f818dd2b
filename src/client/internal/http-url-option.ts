import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';

/** Which URL option {@link httpUrlOption} checks, and what it allows. */
export interface HttpUrlOptionContext {
  /** The public factory, named in the message. */
  readonly owner: string;
  /** The option's path (`baseUrl`, `auth.tokenUrl`). */
  readonly path: string;
  /** Whether a query is allowed (a token URL may carry one, a base URL may not). */
  readonly allowQuery: boolean;
}

/**
 * Checks a URL option (`baseUrl`, `auth.tokenUrl`): an absolute `http:` or `https:` URL without
 * credentials or fragment (and, with `allowQuery: false`, without query). The message names the
 * option and never quotes the value (a mistyped URL may hold a credential).
 *
 * @param value - the option as passed.
 * @param context - the owner, the option's path and whether a query is allowed.
 * @throws WebhookValidationError `invalid_option` at `path` (`invalid_type` or `invalid_format`).
 * @example
 * ```ts
 * httpUrlOption(options.baseUrl, { owner, path: 'baseUrl', allowQuery: false }); // a URL
 * ```
 */
export function httpUrlOption(value: unknown, context: HttpUrlOptionContext): URL {
  const { owner, path, allowQuery } = context;
  if (typeof value !== 'string') {
    throw invalidOption(
      path,
      `${owner}: \`${path}\` must be an absolute http(s) URL string; got ${describeValue(value)}.`,
      value === undefined ? 'required' : 'invalid_type',
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const ok =
    url !== undefined &&
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.username === '' &&
    url.password === '' &&
    !value.includes('#') &&
    (allowQuery || !value.includes('?'));
  if (!ok || url === undefined) {
    throw invalidOption(
      path,
      `${owner}: \`${path}\` must be an absolute http(s) URL without credentials, ` +
        `${allowQuery ? '' : 'query or '}fragment, e.g. "https://api.novatrade24.com"; got a ` +
        `string of ${value.length} characters.`,
      'invalid_format',
    );
  }
  return url;
}
