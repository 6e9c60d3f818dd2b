// createManagementApi's options: every misuse is refused at construction with
// WebhookValidationError `invalid_option` naming the option, and `problemBaseUrl` changes the
// `type` of every problem the API answers.
import { describe, expect, it } from 'vitest';
import { createManagementApi, type ManagementApiOptions } from '../../../src/server/index.js';
import {
  CREATE_BODY,
  createApiHarness,
  createEndpoint,
  jsonOf,
} from '../../helpers/management-api-harness.js';
import { thrown } from '../../helpers/thrown.js';
import { describeUnknownOptions } from '../../helpers/unknown-options-suite.js';

const authenticate = async () => null;
const { sender } = createApiHarness();

function refusal(options: Record<string, unknown>) {
  const error = thrown(() =>
    createManagementApi(sender, { authenticate, ...options } as unknown as ManagementApiOptions),
  );
  expect(error.code).toBe('invalid_option');
  return error;
}

describeUnknownOptions([
  [
    'createManagementApi',
    (extra) => createManagementApi(sender, { authenticate, ...extra }),
    'createManagementApi',
    'problemBaseUrl',
  ],
]);

describe('createManagementApi: option misuse -> invalid_option naming the option', () => {
  it('an unknown option near a known one (rateLimits) -> names it and suggests rateLimit', () => {
    const error = refusal({ rateLimits: false });
    expect(error.issues[0]?.path).toBe('rateLimits');
    expect(error.message).toContain('did you mean `rateLimit`?');
  });

  it('no options -> invalid_option at options', () => {
    const error = thrown(() =>
      createManagementApi(sender, undefined as unknown as ManagementApiOptions),
    );
    expect(error.issues[0]?.path).toBe('options');
  });

  it('a sender that is not a WebhookSender -> invalid_option at sender', () => {
    const error = thrown(() => createManagementApi({} as never, { authenticate }));
    expect(error.issues[0]?.path).toBe('sender');
  });

  it.each([
    ['missing', undefined],
    ['a string', 'apiKeyAuthenticator'],
    ['an object', { authenticate }],
  ])('authenticate %s -> invalid_option at authenticate', (_label, value) => {
    const error = thrown(() =>
      createManagementApi(sender, { authenticate: value } as unknown as ManagementApiOptions),
    );
    expect(error.code).toBe('invalid_option');
    expect(error.issues[0]?.path).toBe('authenticate');
  });

  it.each([
    ['no trailing slash', 'https://errors.example/p'],
    ['an ftp URL', 'ftp://errors.example/p/'],
    ['a relative path', '/problems/'],
    ['a query', 'https://errors.example/p/?x=1'],
    ['credentials', 'https://user:pw@errors.example/p/'],
    ['an uppercase host', 'https://ERRORS.example/p/'],
    ['a number', 42],
  ])('problemBaseUrl with %s -> invalid_option at problemBaseUrl', (_label, value) => {
    expect(refusal({ problemBaseUrl: value }).issues[0]?.path).toBe('problemBaseUrl');
  });

  it.each([
    ['0', 0],
    ['negative', -1],
    ['fractional', 1.5],
    ['a string', '1024'],
    ['over 64 MiB', 64 * 1024 * 1024 + 1],
    ['NaN', Number.NaN],
  ])('maxBodyBytes %s -> invalid_option at maxBodyBytes', (_label, value) => {
    expect(refusal({ maxBodyBytes: value }).issues[0]?.path).toBe('maxBodyBytes');
  });

  it.each([
    ['0', 0],
    ['fractional', 1.5],
    ['over a day', 86_401],
    ['a string', '10'],
  ])('retryAfterSeconds %s -> invalid_option at retryAfterSeconds', (_label, value) => {
    expect(refusal({ retryAfterSeconds: value }).issues[0]?.path).toBe('retryAfterSeconds');
  });

  it.each([
    ['true', true],
    ['a string', 'memory'],
    ['a number', 10],
    ['null', null],
  ])('rateLimit %s -> invalid_option at rateLimit', (_label, value) => {
    expect(refusal({ rateLimit: value }).issues[0]?.path).toBe('rateLimit');
  });

  it('rateLimit with an unknown key (stores) -> invalid_option naming it', () => {
    const error = refusal({ rateLimit: { stores: {} } });
    expect(error.issues[0]?.path).toBe('stores');
    expect(error.message).toContain('did you mean `store`?');
  });

  it('rateLimit.store without hit() -> invalid_option at store', () => {
    expect(refusal({ rateLimit: { store: {} } }).issues[0]?.path).toBe('store');
  });

  it.each([
    ['no leading slash', 'openapi.json'],
    ['a space', '/open api.json'],
    ['a query', '/openapi.json?x'],
    ['true', true],
    ['a number', 1],
    ['the path of a route (/v1/webhooks)', '/v1/webhooks'],
    ['a path a route template serves (/v1/webhooks/openapi)', '/v1/webhooks/openapi'],
  ])('openApiPath with %s -> invalid_option at openApiPath', (_label, value) => {
    expect(refusal({ openApiPath: value }).issues[0]?.path).toBe('openApiPath');
  });

  it.each([
    ['dpaGate', true],
    ['now', 1_767_225_600_000],
    ['ingest', 'yes'],
    ['logger', 'verbose'],
    ['deprecations', 'GET /v1/webhooks'],
  ])('%s of the wrong type -> invalid_option at %s', (name, value) => {
    expect(refusal({ [name]: value }).issues[0]?.path).toBe(name);
  });

  it.each([
    ['a sunset that is not a Date', { sunset: '2027-01-01' }, 'sunset'],
    ['an invalid Date', { sunset: new Date(Number.NaN) }, 'sunset'],
    ['a successor with a space', { successor: 'https://a.example/v 2' }, 'successor'],
    ['a successor with angle brackets', { successor: 'https://a.example/<v2>' }, 'successor'],
  ])('a deprecation with %s -> invalid_option at its path', (_label, deprecation, field) => {
    const error = refusal({ deprecations: { 'GET /v1/webhooks': deprecation } });
    expect(error.issues[0]?.path).toBe(`deprecations["GET /v1/webhooks"].${field}`);
  });
});

describe('createManagementApi: valid options', () => {
  it('openApiPath: "/docs/openapi.json" -> served there without credentials; /openapi.json needs them', async () => {
    const harness = createApiHarness({ api: { openApiPath: '/docs/openapi.json' } });
    expect((await harness.call('GET', '/docs/openapi.json', { org: null })).status).toBe(200);
    expect((await harness.call('GET', '/openapi.json', { org: null })).status).toBe(401);
  });

  it('openApiPath: false -> no document served (401 without credentials, 404 with)', async () => {
    const harness = createApiHarness({ api: { openApiPath: false } });
    expect((await harness.call('GET', '/openapi.json', { org: null })).status).toBe(401);
    expect((await harness.call('GET', '/openapi.json')).status).toBe(404);
    expect(harness.api.openApiDocument().openapi).toBe('3.1.0');
  });

  it("problemBaseUrl: 'https://errors.example/p/' -> every problem type starts with it", async () => {
    const base = 'https://errors.example/p/';
    const harness = createApiHarness({
      api: { problemBaseUrl: base, rateLimit: {}, maxBodyBytes: 256 },
    });
    const { id } = await createEndpoint(harness);
    // Three counted calls per 10-second window (the STANDARD webhook burst cap), then a 429.
    const answers: [Response, string][] = [
      [await harness.call('GET', '/v1/webhooks', { org: null }), 'unauthorized'],
      [await harness.call('GET', '/v1/webhooks/wh_missing'), 'not-found'],
      [await harness.call('PUT', `/v1/webhooks/${id}`), 'method-not-allowed'],
    ];
    harness.clock.advance(10_000);
    answers.push(
      [await harness.call('DELETE', `/v1/webhooks/${id}`, { key: null }), 'malformed-request'],
      [
        await harness.call('POST', '/v1/webhooks', { body: { ...CREATE_BODY, extra: 1 } }),
        'validation-error',
      ],
      [
        await harness.call('POST', '/v1/webhooks', {
          body: '{}',
          headers: { 'content-type': 'text/plain' },
        }),
        'unsupported-media-type',
      ],
    );
    harness.clock.advance(10_000);
    answers.push(
      [await harness.call('POST', '/v1/webhooks', { body: 'x'.repeat(300) }), 'payload-too-large'],
      [await harness.call('POST', '/v1/webhooks', { body: '{x' }), 'malformed-request'],
      [await harness.call('GET', '/v1/webhooks/wh_missing'), 'not-found'],
      [await harness.call('GET', '/v1/webhooks'), 'rate-limited'],
    );
    for (const [response, suffix] of answers) {
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect((await jsonOf(response)).type).toBe(`${base}${suffix}`);
    }
  });
});
