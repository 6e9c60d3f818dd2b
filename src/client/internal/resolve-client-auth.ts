// The `auth` option, checked once at construction (CONTRIBUTING.md, "Errors": options are checked
// eagerly and named). Messages name the field and never quote a value: `auth` holds secrets.

import { assertKnownOptions } from '../../core/internal/assert-known-options.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import type { BearerTokenProvider } from '../client-auth.js';
import { isHeaderToken, isPrintableText, MAX_TOKEN_LENGTH } from './header-safe.js';
import { httpUrlOption } from './http-url-option.js';

/** `auth`, checked and copied (a later change to the caller's object changes nothing). */
export type ResolvedAuth =
  | { readonly kind: 'static'; readonly token: string }
  | { readonly kind: 'provider'; readonly provide: BearerTokenProvider }
  | {
      readonly kind: 'credentials';
      readonly clientId: string;
      readonly clientSecret: string;
      readonly tokenUrl: string;
      readonly scope: string | undefined;
    };

const CREDENTIAL_KEYS = ['clientId', 'clientSecret', 'tokenUrl', 'scope'];

/**
 * Checks `auth`: client credentials, a static bearer token or a token function.
 *
 * @param auth - the option as passed.
 * @param owner - the public factory, named in messages.
 * @throws WebhookValidationError `invalid_option` at `auth` or `auth.<field>`.
 */
export function resolveClientAuth(auth: unknown, owner: string): ResolvedAuth {
  if (typeof auth === 'string') {
    if (!isHeaderToken(auth, MAX_TOKEN_LENGTH)) {
      throw invalidOption(
        'auth',
        `${owner}: a static \`auth\` token must be 1 to ${MAX_TOKEN_LENGTH} visible ASCII ` +
          `characters without spaces (the token alone, without "Bearer "); got a string of ` +
          `${auth.length} characters.`,
        'invalid_format',
      );
    }
    return { kind: 'static', token: auth };
  }
  if (typeof auth === 'function') {
    return { kind: 'provider', provide: auth as BearerTokenProvider };
  }
  if (typeof auth !== 'object' || auth === null || Array.isArray(auth)) {
    throw invalidOption(
      'auth',
      `${owner}: \`auth\` must be { clientId, clientSecret, tokenUrl }, a bearer token string or ` +
        `a function returning one; got ${describeValue(auth)}.`,
      auth === undefined ? 'required' : 'invalid_type',
    );
  }
  assertKnownOptions(auth, CREDENTIAL_KEYS, `${owner}: auth`);
  const { clientId, clientSecret, tokenUrl, scope } = auth as Record<string, unknown>;
  if (!isPrintableText(clientId)) {
    throw textFieldError(clientId, { owner, field: 'clientId' });
  }
  if (!isPrintableText(clientSecret)) {
    throw textFieldError(clientSecret, { owner, field: 'clientSecret' });
  }
  const url = httpUrlOption(tokenUrl, { owner, path: 'auth.tokenUrl', allowQuery: true });
  if (scope !== undefined && !isPrintableText(scope)) {
    throw textFieldError(scope, { owner, field: 'scope' });
  }
  return {
    kind: 'credentials',
    clientId,
    clientSecret,
    tokenUrl: url.href,
    scope,
  };
}

function textFieldError(value: unknown, { owner, field }: { owner: string; field: string }) {
  return invalidOption(
    `auth.${field}`,
    `${owner}: \`auth.${field}\` must be a non-empty string without control characters; got ` +
      `${typeof value === 'string' ? 'a string that is empty or has one' : describeValue(value)}.`,
    value === undefined
      ? 'required'
      : typeof value === 'string'
        ? 'invalid_format'
        : 'invalid_type',
  );
}
