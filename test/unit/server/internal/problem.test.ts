import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertProblemBaseUrl,
  assertRetryAfterSeconds,
  DEFAULT_PROBLEM_BASE_URL,
  isSecretLikeField,
  isSecretLikeValue,
  MAX_REJECTED_VALUE_LENGTH,
  MAX_RETRY_AFTER_SECONDS,
  MIN_RETRY_AFTER_SECONDS,
  managementProblemBody,
  managementProblemResponse,
  PROBLEM_TYPES,
  type ProblemTypeSuffix,
  problemInstance,
  safeRejectedValue,
} from '../../../../src/server/internal/problem.js';
import { isSaneRequestId, requestIdOf } from '../../../../src/server/internal/request-id.js';
import { thrown } from '../../../helpers/thrown.js';

const SUFFIXES = Object.keys(PROBLEM_TYPES) as ProblemTypeSuffix[];
const CONTEXT = { url: 'https://api.example.com/v1/webhooks/wh_1?x=1', requestId: 'req_abc' };

/** The spec's table (§1.5 of the Novatrade24 API) and this SDK's extensions: status and title. */
const EXPECTED: Readonly<Record<ProblemTypeSuffix, readonly [number, string, boolean]>> = {
  'malformed-request': [400, 'Malformed Request', false],
  unauthorized: [401, 'Unauthorized', false],
  forbidden: [403, 'Forbidden', false],
  'capability-required': [403, 'Capability Required', false],
  'dpa-not-accepted': [403, 'DPA Not Accepted', false],
  'not-found': [404, 'Not Found', false],
  'version-mismatch': [409, 'Version Mismatch', false],
  'resource-exists-different-body': [409, 'Resource Exists With Different Body', false],
  'milestone-already-set': [409, 'Milestone Already Set', false],
  'validation-error': [422, 'Validation Error', false],
  'idempotency-key-reused': [422, 'Idempotency Key Reused', false],
  'rate-limited': [429, 'Rate Limit Exceeded', false],
  'internal-error': [500, 'Internal Error', false],
  'method-not-allowed': [405, 'Method Not Allowed', true],
  'invalid-state': [409, 'Invalid State', true],
  'idempotency-key-in-flight': [409, 'Idempotency Key In Flight', true],
  'payload-too-large': [413, 'Payload Too Large', true],
  'unsupported-media-type': [415, 'Unsupported Media Type', true],
  'service-unavailable': [503, 'Service Unavailable', true],
};

describe('PROBLEM_TYPES', () => {
  it('lists exactly the expected suffixes with their status, title and origin', () => {
    expect(
      Object.fromEntries(
        SUFFIXES.map((s) => [
          s,
          [PROBLEM_TYPES[s].status, PROBLEM_TYPES[s].title, PROBLEM_TYPES[s].extension],
        ]),
      ),
    ).toEqual(EXPECTED);
  });
});

describe('managementProblemResponse', () => {
  it.each(
    SUFFIXES,
  )('%s: status, type with the default base, title, headers and body', async (suffix) => {
    const response = managementProblemResponse({ type: suffix, detail: 'd' }, CONTEXT);
    const [status, title] = EXPECTED[suffix];
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-request-id')).toBe('req_abc');
    expect(await response.json()).toEqual({
      type: `https://api.novatrade24.com/problems/${suffix}`,
      title,
      status,
      detail: 'd',
      instance: '/v1/webhooks/wh_1',
      traceId: 'req_abc',
    });
  });

  it.each(SUFFIXES)('%s: type under a custom base', async (suffix) => {
    const base = 'http://localhost:8080/errors/';
    const response = managementProblemResponse(
      { type: suffix, detail: 'd' },
      { ...CONTEXT, problemBaseUrl: base },
    );
    expect((await response.json()).type).toBe(`${base}${suffix}`);
  });

  it('passes extra headers through but never lets them replace Content-Type or X-Request-Id', () => {
    const response = managementProblemResponse(
      {
        type: 'rate-limited',
        detail: '10 requests per minute for webhook category exceeded.',
        headers: { 'Retry-After': '6', 'Content-Type': 'text/plain', 'X-Request-Id': 'other' },
      },
      CONTEXT,
    );
    expect(response.headers.get('retry-after')).toBe('6');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-request-id')).toBe('req_abc');
  });

  it('sends errors for validation, with a rejectedValue only where it is safe', () => {
    const body = managementProblemBody(
      {
        type: 'validation-error',
        detail: 'The request has 4 invalid fields; see errors.',
        errors: [
          {
            field: 'vatNumber',
            message: 'bad',
            rejectedValue: 'invalid',
            exposeRejectedValue: true,
          },
          { field: 'url', message: 'bad', rejectedValue: 'ftp://x' },
          { field: 'secret', message: 'bad', rejectedValue: 'short', exposeRejectedValue: true },
          { field: 'size', message: 'too big', rejectedValue: 101, exposeRejectedValue: true },
        ],
      },
      CONTEXT,
    );
    expect(body.errors).toEqual([
      { field: 'vatNumber', message: 'bad', rejectedValue: 'invalid' },
      { field: 'url', message: 'bad' },
      { field: 'secret', message: 'bad' },
      { field: 'size', message: 'too big', rejectedValue: 101 },
    ]);
  });

  it('sends an empty errors list when one is given, and none when it is not', () => {
    expect(
      managementProblemBody({ type: 'validation-error', detail: 'd', errors: [] }, CONTEXT).errors,
    ).toEqual([]);
    expect('errors' in managementProblemBody({ type: 'not-found', detail: 'd' }, CONTEXT)).toBe(
      false,
    );
  });

  it.each(
    SUFFIXES.filter((s) => s !== 'validation-error'),
  )('%s: drops errors, which belong to validation-error only', async (type) => {
    const errors = [{ field: 'url', message: 'bad' }];
    expect('errors' in managementProblemBody({ type, detail: 'd', errors }, CONTEXT)).toBe(false);
    const body = await managementProblemResponse({ type, detail: 'd', errors }, CONTEXT).json();
    expect(body).not.toHaveProperty('errors');
  });

  it.each([
    ['a bad name', { 'Bad Name': 'x' }],
    ['a value with a newline', { 'Retry-After': `6\r\nSet-Cookie: sid=${'s3cr3t'}` }],
    ['a non-Latin-1 value', { 'Retry-After': '\u{1F600}' }],
  ])('refuses %s in headers with invalid_option at headers, not quoting it', (_, headers) => {
    const error = thrown(() =>
      managementProblemResponse({ type: 'rate-limited', detail: 'd', headers }, CONTEXT),
    );
    expect(error.code).toBe('invalid_option');
    expect(error.issues.map((i) => [i.path, i.code])).toEqual([['headers', 'invalid_value']]);
    expect(error.message).not.toContain('s3cr3t');
    expect(error.message).not.toContain('Bad Name');
  });

  it('adds extension members, but the standard members always win', () => {
    const body = managementProblemBody(
      {
        type: 'version-mismatch',
        detail: 'If-Match version 5 does not match current version 7.',
        extensions: {
          currentResource: { version: 7 },
          status: 200,
          type: 'x',
          ['__proto__']: { a: 1 },
        },
      },
      CONTEXT,
    );
    expect(body.currentResource).toEqual({ version: 7 });
    expect(body.status).toBe(409);
    expect(body.type).toBe(`${DEFAULT_PROBLEM_BASE_URL}version-mismatch`);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
  });

  it('refuses an unknown type and an insane request id with invalid_option', () => {
    const badType = thrown(() =>
      managementProblemBody({ type: 'teapot' as ProblemTypeSuffix, detail: 'd' }, CONTEXT),
    );
    expect(badType.code).toBe('invalid_option');
    expect(badType.issues.map((i) => i.path)).toEqual(['type']);
    const badId = thrown(() =>
      managementProblemBody({ type: 'not-found', detail: 'd' }, { ...CONTEXT, requestId: 'a b' }),
    );
    expect(badId.issues.map((i) => [i.path, i.code])).toEqual([['requestId', 'invalid_format']]);
  });
});

describe('assertProblemBaseUrl', () => {
  it.each([
    DEFAULT_PROBLEM_BASE_URL,
    'http://localhost:8080/problems/',
    'https://example.com/',
  ])('accepts %s', (base) => {
    expect(() => assertProblemBaseUrl(base)).not.toThrow();
  });

  it.each([
    ['no trailing slash', 'https://example.com/problems'],
    ['relative', '/problems/'],
    ['another scheme', 'urn:problems/'],
    ['ftp', 'ftp://example.com/problems/'],
    ['a query', 'https://example.com/?a=/'],
    ['a fragment', 'https://example.com/#/'],
    ['credentials', 'https://user:pw@example.com/problems/'],
    ['empty', ''],
    ['a leading space', ' https://example.com/problems/'],
    ['a trailing newline after the slash', 'https://example.com/problems/\n'],
    ['an embedded newline', 'https://example.com/pro\nblems/'],
    ['an embedded tab', 'https://exam\tple.com/problems/'],
    ['an uppercase host', 'https://EXAMPLE.com/problems/'],
    ['a dot segment', 'https://example.com/a/../problems/'],
    ['a space in the path', 'https://example.com/my problems/'],
  ])('refuses %s with invalid_option at problemBaseUrl', (_, base) => {
    const error = thrown(() => assertProblemBaseUrl(base));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'problemBaseUrl', code: 'invalid_format' }),
    ]);
    expect(error.message).not.toContain('user:pw');
  });

  it('refuses a non-string as invalid_type, and managementProblemResponse refuses a bad base', () => {
    expect(thrown(() => assertProblemBaseUrl(42)).issues[0]?.code).toBe('invalid_type');
    const error = thrown(() =>
      managementProblemResponse(
        { type: 'not-found', detail: 'd' },
        { ...CONTEXT, problemBaseUrl: 'nope' },
      ),
    );
    expect(error.issues[0]?.path).toBe('problemBaseUrl');
  });
});

describe('assertRetryAfterSeconds', () => {
  it.each([MIN_RETRY_AFTER_SECONDS, 10, MAX_RETRY_AFTER_SECONDS])('accepts %d', (value) => {
    expect(() => assertRetryAfterSeconds(value)).not.toThrow();
  });

  it.each([
    [0, 'too_small'],
    [-1, 'too_small'],
    [MAX_RETRY_AFTER_SECONDS + 1, 'too_big'],
    [1.5, 'invalid_type'],
    [Number.NaN, 'invalid_type'],
    [Number.POSITIVE_INFINITY, 'invalid_type'],
    ['5', 'invalid_type'],
    [undefined, 'invalid_type'],
    [null, 'invalid_type'],
  ])('refuses %j as %s at retryAfterSeconds, naming the owner', (value, code) => {
    const error = thrown(() => assertRetryAfterSeconds(value, 'createServer'));
    expect(error.code).toBe('invalid_option');
    expect(error.issues.map((i) => [i.path, i.code])).toEqual([['retryAfterSeconds', code]]);
    expect(error.message).toContain('createServer');
  });
});

describe('problemInstance', () => {
  it.each([
    ['https://h/v1/webhooks/wh_1?token=secret', '/v1/webhooks/wh_1'],
    ['https://h/v1/webhooks#frag', '/v1/webhooks'],
    ['/v1/webhooks?page=0', '/v1/webhooks'],
    ['/v1/webhooks', '/v1/webhooks'],
    ['', ''],
  ])('%s gives %s', (url, instance) => {
    expect(problemInstance(url)).toBe(instance);
  });
});

describe('safeRejectedValue', () => {
  it.each([
    'secret',
    'clientSecret',
    'data.apiKey',
    'api_key',
    'Authorization',
    'password',
    'refreshToken',
    'signature',
    'hmacKey',
    'signingKey',
    'apiKey',
    'data.publicKEY',
    'key',
    'signingKeys.0',
    'signingKeys[1]',
    'dbPwd',
    'jwt',
    'idJwtClaim',
  ])('never sends the value of %s', (field) => {
    expect(isSecretLikeField(field)).toBe(true);
    expect(
      safeRejectedValue({ field, message: 'm', rejectedValue: 'x', exposeRejectedValue: true }),
    ).toBeUndefined();
  });

  it.each([
    ['a string too long', 'x'.repeat(MAX_REJECTED_VALUE_LENGTH + 1)],
    ['an object', { a: 1 }],
    ['an array', [1]],
    ['NaN', Number.NaN],
    ['a webhook secret', 'whsec_abc'],
    ['a bearer token', 'Bearer abc'],
    ['undefined', undefined],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig'],
    ['a JWT after spaces', '  eyJhbGciOiJIUzI1NiJ9'],
    ['URL credentials', 'https://user:pass@example.com/hook'],
    ['a URL user only', 'postgres://admin@db.internal:5432/x'],
    ['a Stripe secret key', 'sk_live_51Habc'],
    ['a Stripe test key', 'sk_test_abc'],
    ['a publishable key', 'pk_live_abc'],
    ['a restricted key', 'rk_test_abc'],
    ['an uppercase key prefix', 'SK_LIVE_abc'],
  ])('drops %s', (_, rejectedValue) => {
    expect(
      safeRejectedValue({ field: 'url', message: 'm', rejectedValue, exposeRejectedValue: true }),
    ).toBeUndefined();
  });

  it.each([
    'https://example.com/hook?a=b',
    'https://example.com/@user',
    'mailto:someone@example.com',
    'sk_other',
    'skip_live_x',
    'keyboard',
    'eyj lowercase is not a JWT',
  ])('keeps the ordinary value %j', (value) => {
    expect(isSecretLikeValue(value)).toBe(false);
    expect(
      safeRejectedValue({
        field: 'url',
        message: 'm',
        rejectedValue: value,
        exposeRejectedValue: true,
      }),
    ).toBe(value);
  });

  it.each([
    'url',
    'keyboardLayout',
    'monkeys.name',
    'events.0',
  ])('%s is not secret-like', (field) => {
    expect(isSecretLikeField(field)).toBe(false);
  });

  it.each([
    ['x'.repeat(MAX_REJECTED_VALUE_LENGTH)],
    [0],
    [false],
    [null],
  ])('keeps %j', (rejectedValue) => {
    expect(
      safeRejectedValue({ field: 'url', message: 'm', rejectedValue, exposeRejectedValue: true }),
    ).toBe(rejectedValue);
  });
});

describe('problem properties', () => {
  const suffix = fc.constantFrom(...SUFFIXES);
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
  );
  const base = fc.constantFrom(
    DEFAULT_PROBLEM_BASE_URL,
    'http://localhost:1/p/',
    'https://x.example/a/b/',
  );
  const field = fc.oneof(
    text,
    fc.constantFrom('secret', 'x.clientSecret', 'accessToken', 'PASSWORD'),
  );
  const fieldInput = fc.record(
    {
      field,
      message: text,
      rejectedValue: fc.oneof(text, fc.double(), fc.boolean(), fc.constant(null), fc.anything()),
      exposeRejectedValue: fc.boolean(),
    },
    { requiredKeys: ['field', 'message'] },
  );
  const headerValue = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 140,
    }),
    fc.uuid(),
  );

  it('the body is JSON with status, type, instance and traceId as required', async () => {
    await fc.assert(
      fc.asyncProperty(
        suffix,
        text,
        text,
        headerValue,
        base,
        fc.option(fc.array(fieldInput, { maxLength: 5 }), { nil: undefined }),
        async (type, detail, path, sent, problemBaseUrl, errors) => {
          const headers = new Headers();
          // Headers refuses some values (NUL, CR, LF, non-Latin-1): those requests cannot exist.
          try {
            headers.set('X-Request-Id', sent);
          } catch {}
          const requestId = requestIdOf({ headers });
          const response = managementProblemResponse(
            errors === undefined ? { type, detail } : { type, detail, errors },
            { url: path, requestId, problemBaseUrl },
          );
          const body = JSON.parse(await response.text());
          expect(body.status).toBe(response.status);
          expect(body.status).toBe(PROBLEM_TYPES[type].status);
          expect(body.type.startsWith(problemBaseUrl)).toBe(true);
          expect(body.detail).toBe(detail);
          expect(body.instance).not.toContain('?');
          expect(body.traceId).toBe(requestId);
          expect(response.headers.get('x-request-id')).toBe(requestId);
          const echoed = headers.get('X-Request-Id');
          expect(requestId === echoed).toBe(echoed !== null && isSaneRequestId(echoed));
          for (const entry of body.errors ?? []) {
            if (isSecretLikeField(entry.field)) expect(entry).not.toHaveProperty('rejectedValue');
            if (typeof entry.rejectedValue === 'string') {
              expect(entry.rejectedValue.length).toBeLessThanOrEqual(MAX_REJECTED_VALUE_LENGTH);
            }
          }
        },
      ),
    );
  });

  it('a rejected value is sent only when exposed and safe', () => {
    fc.assert(
      fc.property(fieldInput, (input) => {
        const [entry] =
          managementProblemBody({ type: 'validation-error', detail: '', errors: [input] }, CONTEXT)
            .errors ?? [];
        if (entry !== undefined && 'rejectedValue' in entry) {
          expect(input.exposeRejectedValue).toBe(true);
          expect(isSecretLikeField(input.field)).toBe(false);
          expect(entry.rejectedValue).toBe(input.rejectedValue);
        }
      }),
    );
  });

  it('instance keeps only the path of an absolute URL', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        expect(problemInstance(url)).toBe(new URL(url).pathname);
      }),
    );
  });
});
