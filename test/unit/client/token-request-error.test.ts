import { describe, expect, it } from 'vitest';
import { TokenRequestError } from '../../../src/client/token-request-error.js';
import { WebhookClientError } from '../../../src/core/errors.js';

describe('TokenRequestError', () => {
  it('names the status, the OAuth2 error and the fix', () => {
    const error = new TokenRequestError({
      failure: 'refused',
      status: 401,
      oauthError: 'invalid_client',
    });
    expect(error).toBeInstanceOf(WebhookClientError);
    expect(error).toMatchObject({ code: 'token_request_failed', status: 401, failure: 'refused' });
    expect(error.message).toBe(
      'Token request failed: auth.tokenUrl answered 401 (invalid_client); check auth.clientId ' +
        'and auth.clientSecret.',
    );
  });

  it('words a network failure and a bad answer', () => {
    const cause = new TypeError('fetch failed');
    const network = new TokenRequestError({ failure: 'network', cause });
    expect(network.cause).toBe(cause);
    expect(network.status).toBeUndefined();
    expect(network.message).toContain('no answer from auth.tokenUrl');
    const bad = new TokenRequestError({ failure: 'unexpected_response', status: 200 });
    expect(bad.message).toContain('answered 200 without a usable bearer access_token');
  });

  it('carries the idempotencyKey it is given, and none by default', () => {
    const keyed = new TokenRequestError({ failure: 'network', idempotencyKey: 'key-1' });
    expect(keyed.idempotencyKey).toBe('key-1');
    expect(new TokenRequestError({ failure: 'network' }).idempotencyKey).toBeUndefined();
  });
});
