import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';

/**
 * Checks a URL option (`baseUrl`, `auth.tokenUrl`): an absolute `http:` or `https:` URL without
 * credentials or fragment (and, with `allowQuery: false`, without query). The message names the
 * option and never quotes the value (a mistyped URL may hold a credential).
 *
 * @throws WebhookValidationError `invalid_option` at `path` (`invalid_type` or `invalid_format`).
 */
export function httpUrlOption(
  owner: string,
  path: string,
  value: unknown,
  allowQuery: boolean,
): URL {
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
