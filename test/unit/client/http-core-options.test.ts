// The HTTP core's options, checked at construction, and a call's own fields, checked before
// anything is sent. Every error names the option and quotes no secret.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_RETRY_OPTIONS } from '../../../src/client/client-retry-options.js';
import { createHttpCore, type HttpCoreOptions } from '../../../src/client/internal/http-core.js';
import { WebhookValidationError } from '../../../src/core/errors.js';
import { errorTexts, leaks } from '../../helpers/canary.js';
import { thrown } from '../../helpers/thrown.js';
import { describeUnknownOptions } from '../../helpers/unknown-options-suite.js';

const SECRET = 'CanarySecretV5n8Jq3Lw';
const TOKEN_URL = 'https://auth.test.example/token';
const VALID: HttpCoreOptions = { baseUrl: 'https://api.test.example', auth: 'tok' };

function make(options: Record<string, unknown>) {
  return createHttpCore({ ...VALID, ...options } as HttpCoreOptions);
}

function issueOf(options: Record<string, unknown>) {
  const error = thrown(() => make(options));
  expect(error.code).toBe('invalid_option');
  for (const text of errorTexts(error)) expect(leaks(text, SECRET)).toBe(false);
  return { path: error.issues[0]?.path, code: error.issues[0]?.code, message: error.message };
}

describeUnknownOptions([
  ['createHttpCore', (extra) => make(extra), 'createHttpCore', 'userAgent'],
  ['createHttpCore retry', (extra) => make({ retry: extra }), 'createHttpCore: retry', 'attempts'],
  [
    'createHttpCore auth',
    (extra) => make({ auth: { clientId: 'c', clientSecret: 's', tokenUrl: TOKEN_URL, ...extra } }),
    'createHttpCore: auth',
    'scope',
  ],
]);

describe('createHttpCore: options', () => {
  it('accepts the valid forms', () => {
    for (const options of [
      {},
      { baseUrl: 'http://127.0.0.1:8080/prefix/' },
      { auth: () => 'tok' },
      { auth: { clientId: 'c', clientSecret: 's', tokenUrl: TOKEN_URL, scope: 'a b' } },
      { retry: false },
      { retry: { attempts: 1, minDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 } },
      { retry: { attempts: 10 } },
      { userAgent: 'my-app/1.0 (+https://example.com)' },
      { userAgent: false },
      { fetch: globalThis.fetch, now: () => 0, random: () => 0, sleep: async () => undefined },
      { timeoutMs: 1 },
      { timeoutMs: 2 ** 31 - 1 },
    ]) {
      expect(() => make(options)).not.toThrow();
    }
    expect(DEFAULT_CLIENT_RETRY_OPTIONS).toEqual({
      attempts: 5,
      minDelayMs: 500,
      maxDelayMs: 30_000,
      maxRetryAfterMs: 60_000,
    });
  });

  it('refuses options that are not an object, naming the owner', () => {
    for (const options of [undefined, null, 'x', []]) {
      const error = thrown(() => createHttpCore(options as never));
      expect(error.message).toMatch(/^createHttpCore: options must be an object/);
    }
    const owned = thrown(() =>
      createHttpCore({ baseUrl: 'ftp://x', auth: 'tok', owner: 'createWebhooksClient' }),
    );
    expect(owned.message).toMatch(/^createWebhooksClient: `baseUrl`/);
  });

  it.each([
    [undefined, 'required'],
    [42, 'invalid_type'],
    ['api.example.com', 'invalid_format'],
    ['ftp://api.example.com', 'invalid_format'],
    ['https://api.example.com/?x=1', 'invalid_format'],
    ['https://api.example.com/#x', 'invalid_format'],
    [`https://user:${SECRET}@api.example.com`, 'invalid_format'],
  ])('refuses baseUrl %j', (baseUrl, code) => {
    expect(issueOf({ baseUrl })).toMatchObject({ path: 'baseUrl', code });
  });

  it.each([
    [undefined, 'auth', 'required'],
    [42, 'auth', 'invalid_type'],
    ['', 'auth', 'invalid_format'],
    [`Bearer ${SECRET}`, 'auth', 'invalid_format'],
    [`${SECRET}\n`, 'auth', 'invalid_format'],
    [{ clientSecret: SECRET, tokenUrl: TOKEN_URL }, 'auth.clientId', 'required'],
    [{ clientId: 'c', tokenUrl: TOKEN_URL }, 'auth.clientSecret', 'required'],
    [
      { clientId: 'c', clientSecret: '', tokenUrl: TOKEN_URL },
      'auth.clientSecret',
      'invalid_format',
    ],
    [
      { clientId: 'c', clientSecret: `${SECRET}\u0000`, tokenUrl: TOKEN_URL },
      'auth.clientSecret',
      'invalid_format',
    ],
    [{ clientId: 'c', clientSecret: 5, tokenUrl: TOKEN_URL }, 'auth.clientSecret', 'invalid_type'],
    [{ clientId: 'c', clientSecret: SECRET }, 'auth.tokenUrl', 'required'],
    [
      { clientId: 'c', clientSecret: SECRET, tokenUrl: `https://u:${SECRET}@auth.example` },
      'auth.tokenUrl',
      'invalid_format',
    ],
    [
      { clientId: 'c', clientSecret: SECRET, tokenUrl: TOKEN_URL, scope: '' },
      'auth.scope',
      'invalid_format',
    ],
  ])('refuses auth %#', (auth, path, code) => {
    expect(issueOf({ auth })).toMatchObject({ path, code });
  });

  it.each([
    [true, 'retry', 'invalid_type'],
    [{ attempts: 0 }, 'retry.attempts', 'too_small'],
    [{ attempts: 11 }, 'retry.attempts', 'too_big'],
    [{ attempts: 2.5 }, 'retry.attempts', 'invalid_type'],
    [{ minDelayMs: -1 }, 'retry.minDelayMs', 'too_small'],
    [{ maxDelayMs: 2 ** 31 }, 'retry.maxDelayMs', 'too_big'],
    [{ minDelayMs: 1000, maxDelayMs: 999 }, 'retry.maxDelayMs', 'too_small'],
    [{ maxRetryAfterMs: Number.POSITIVE_INFINITY }, 'retry.maxRetryAfterMs', 'invalid_type'],
  ])('refuses retry %j', (retry, path, code) => {
    expect(issueOf({ retry })).toMatchObject({ path, code });
  });

  it.each([
    [0, 'too_small'],
    [-1, 'too_small'],
    [2 ** 31, 'too_big'],
    [1.5, 'invalid_type'],
    [Number.POSITIVE_INFINITY, 'invalid_type'],
    ['30000', 'invalid_type'],
  ])('refuses timeoutMs %j', (timeoutMs, code) => {
    expect(issueOf({ timeoutMs })).toMatchObject({ path: 'timeoutMs', code });
  });

  it('takes maxDelayMs from a minDelayMs above its default', () => {
    expect(() => make({ retry: { minDelayMs: 60_000 } })).not.toThrow();
  });

  it.each([
    ['fetch', 'x'],
    ['now', 1],
    ['random', {}],
    ['sleep', null],
  ])('refuses a %s that is not a function', (name, value) => {
    expect(issueOf({ [name]: value })).toMatchObject({ path: name, code: 'invalid_type' });
  });

  it.each([
    [true, 'invalid_type'],
    ['', 'invalid_format'],
    ['bad\nagent', 'invalid_format'],
    ['x'.repeat(257), 'invalid_format'],
  ])('refuses userAgent %j', (userAgent, code) => {
    expect(issueOf({ userAgent })).toMatchObject({ path: 'userAgent', code });
  });
});

describe("createHttpCore: a call's own fields", () => {
  const core = createHttpCore({
    ...VALID,
    fetch: () => Promise.reject(new Error('must not be called')),
  });
  const base = { method: 'GET', path: '/v1/webhooks', errorFormat: 'problem' } as const;

  it.each([
    ['method', { method: 'PUT' }],
    ['path', { path: 'v1/webhooks' }],
    ['path', { path: '//evil.example/x' }],
    ['path', { path: '/v1/webhooks?x=1' }],
    ['idempotencyKey', { method: 'POST', idempotencyKey: '' }],
    ['idempotencyKey', { method: 'POST', idempotencyKey: 'a b' }],
    ['idempotencyKey', { method: 'POST', idempotencyKey: 'k'.repeat(256) }],
    ['requestId', { requestId: 'r\nX-Injected: 1' }],
    ['body', { method: 'POST', body: { n: 1n } }],
  ])('refuses a bad %s before sending (case %#)', async (path, over) => {
    let error: unknown;
    try {
      await core.request({ ...base, ...over } as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WebhookValidationError);
    expect((error as WebhookValidationError).issues[0]?.path).toBe(path);
  });
});
