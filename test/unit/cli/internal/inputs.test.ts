// What the CLI reads from outside: `--data` (JSON or @file), payload bytes (a file or standard
// input), the API connection from options and the environment, and how a failed fetch or client
// call is described. Values that may be secret (a `--data` text, a token) never reach a message.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  API_ENV,
  DEFAULT_BASE_URL,
  resolveApiSettings,
} from '../../../../src/cli/internal/api-connection.js';
import { apiFailure } from '../../../../src/cli/internal/api-failure.js';
import { CliError } from '../../../../src/cli/internal/cli-error.js';
import type { CliIo } from '../../../../src/cli/internal/cli-io.js';
import { parseDataJson, readDataOption } from '../../../../src/cli/internal/data-option.js';
import { describeFetchFailure } from '../../../../src/cli/internal/fetch-failure.js';
import { readPayload } from '../../../../src/cli/internal/read-payload.js';
import { NovatradeApiError } from '../../../../src/client/novatrade-api-error.js';
import { TokenRequestError } from '../../../../src/client/token-request-error.js';
import { WebhookClientError } from '../../../../src/core/errors.js';

/** The CliError `fn` throws (the test fails when it throws nothing or something else). */
function cliErrorOf(fn: () => unknown): CliError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }
  throw new Error('expected a CliError');
}

async function rejectionOf(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

const jsonObject = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 6 });

describe('parseDataJson', () => {
  it('reads a JSON object and skips a byte-order mark', () => {
    expect(parseDataJson('{"decision":"VALID_EXPORT"}', '--data')).toEqual({
      decision: 'VALID_EXPORT',
    });
    expect(parseDataJson('\uFEFF{"a":1}', '--data @x.json')).toEqual({ a: 1 });
  });

  it('refuses other JSON values with a usage error naming what arrived', () => {
    for (const [text, got] of [
      ['[1]', 'an array'],
      ['null', 'null'],
      ['"x"', 'a string'],
      ['12', 'a number'],
    ] as const) {
      const error = cliErrorOf(() => parseDataJson(text, '--data'));
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(`--data must be a JSON object (the event's data); got ${got}.`);
    }
  });

  it('property: any JSON object parses back to itself', () => {
    fc.assert(
      fc.property(jsonObject, (object) => {
        const text = JSON.stringify(object);
        expect(parseDataJson(text, '--data')).toEqual(JSON.parse(text));
      }),
    );
  });

  it('property: text that is not a JSON object is refused (exit 2) without quoting any of it', () => {
    const marker = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((s) => `SECRET${s}`);
    const broken = fc.oneof(
      marker.map((m) => `{"password": "${m}`),
      marker.map((m) => `{${m}: 1}`),
      marker.map((m) => `"${m}"`),
      marker.map((m) => `["${m}"]`),
      fc.tuple(marker, fc.string()).map(([m, rest]) => `${m}${rest}`),
    );
    fc.assert(
      fc.property(broken, (text) => {
        const secret = /SECRET[A-Za-z0-9]+/.exec(text)?.[0] as string;
        const error = cliErrorOf(() => parseDataJson(text, '--data'));
        expect(error.exitCode).toBe(2);
        expect(`${error.message}\n${error.hint}`).not.toContain(secret);
      }),
    );
  });
});

describe('readDataOption', () => {
  it('reads --data @file relative to the working directory; a missing file is a usage error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nw-cli-data-'));
    await writeFile(join(dir, 'data.json'), '{"orderUuid":"x"}\n');
    expect(await readDataOption('@data.json', { cwd: dir })).toEqual({ orderUuid: 'x' });
    expect(await readDataOption('{"a":true}', { cwd: dir })).toEqual({ a: true });
    const missing = await rejectionOf(readDataOption('@nope.json', { cwd: dir }));
    expect(missing.exitCode).toBe(2);
    expect(missing.message).toBe('--data @nope.json: cannot read the file: no such file.');
    expect((await rejectionOf(readDataOption('@', { cwd: dir }))).message).toBe(
      '--data @ needs a file name after the @.',
    );
    await writeFile(join(dir, 'bad.json'), '{"token": "tok_live_hidden"');
    const bad = await rejectionOf(readDataOption('@bad.json', { cwd: dir }));
    expect(bad.message).toBe('--data @bad.json is not valid JSON (27 characters).');
  });
});

function ioWith(stdin: Uint8Array[], options: { isTTY?: boolean; cwd?: string } = {}): CliIo {
  return {
    stdout: { write: () => true },
    stderr: { write: () => true },
    stdin: Object.assign(Readable.from(stdin.map((b) => Buffer.from(b))), {
      isTTY: options.isTTY === true,
    }),
    env: {},
    cwd: options.cwd ?? tmpdir(),
    onShutdownSignal: () => () => undefined,
  };
}

describe('readPayload', () => {
  it('property: a file and standard input (in any chunks) give back the exact bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nw-cli-payload-'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 5 }),
        async (chunks) => {
          const all = Buffer.concat(chunks);
          await writeFile(join(dir, 'body.bin'), all);
          expect(Buffer.from(await readPayload('body.bin', ioWith([], { cwd: dir })))).toEqual(all);
          expect(Buffer.from(await readPayload('-', ioWith(chunks)))).toEqual(all);
          expect(Buffer.from(await readPayload(undefined, ioWith(chunks)))).toEqual(all);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses to wait on a terminal without a file (exit 2), reads - from it anyway', async () => {
    const error = await rejectionOf(readPayload(undefined, ioWith([], { isTTY: true })));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('no payload');
    expect(await readPayload('-', ioWith([new Uint8Array([1])], { isTTY: true }))).toEqual(
      new Uint8Array([1]),
    );
  });

  it('a file that cannot be read fails with read_failed (exit 1)', async () => {
    const error = await rejectionOf(readPayload('missing.json', ioWith([])));
    expect(error.code).toBe('read_failed');
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe('cannot read missing.json: no such file.');
  });
});

describe('resolveApiSettings', () => {
  const creds = {
    [API_ENV.clientId]: 'api-client-acme',
    [API_ENV.clientSecret]: 'client-secret-0123456789',
    [API_ENV.tokenUrl]: 'http://127.0.0.1:9/token',
  };

  it('takes flags first, then the environment, then the local default base URL', () => {
    expect(resolveApiSettings({ retries: 2, token: 'tok_1' }, {})).toEqual({
      baseUrl: DEFAULT_BASE_URL,
      auth: 'tok_1',
    });
    expect(
      resolveApiSettings(
        { retries: 2, baseUrl: 'https://api.example' },
        { [API_ENV.baseUrl]: 'http://127.0.0.1:1', [API_ENV.token]: 'tok_env' },
      ),
    ).toEqual({ baseUrl: 'https://api.example', auth: 'tok_env' });
    expect(resolveApiSettings({ retries: 2 }, creds)).toEqual({
      baseUrl: DEFAULT_BASE_URL,
      auth: {
        clientId: 'api-client-acme',
        clientSecret: 'client-secret-0123456789',
        tokenUrl: 'http://127.0.0.1:9/token',
      },
    });
    // Client-credential flags override a token in the environment.
    expect(
      resolveApiSettings(
        { retries: 2, clientId: 'other' },
        { ...creds, [API_ENV.token]: 'tok_env' },
      ).auth,
    ).toEqual({
      clientId: 'other',
      clientSecret: 'client-secret-0123456789',
      tokenUrl: 'http://127.0.0.1:9/token',
    });
  });

  it('refuses no credentials, both kinds, a part missing and a bad URL in the environment (exit 2)', () => {
    const cases: [Parameters<typeof resolveApiSettings>, string][] = [
      [[{ retries: 2 }, {}], 'no credentials for the management API'],
      [[{ retries: 2, token: 't', clientId: 'c' }, {}], 'pass either --token or --client-id'],
      [
        [{ retries: 2, clientId: 'c' }, {}],
        'client credentials need --client-secret and --token-url too',
      ],
      [
        [{ retries: 2, token: 't' }, { [API_ENV.baseUrl]: 'ftp://x' }],
        `$${API_ENV.baseUrl}: Expected an http: or https: URL`,
      ],
    ];
    for (const [args, message] of cases) {
      const error = cliErrorOf(() => resolveApiSettings(...args));
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain(message);
    }
  });

  it('property: a visible-ASCII token passes as is; any other is refused without being quoted', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }), fc.boolean(), (token, fromEnv) => {
        const args: Parameters<typeof resolveApiSettings> = fromEnv
          ? [{ retries: 0 }, { [API_ENV.token]: token }]
          : [{ retries: 0, token }, {}];
        if (/^[\x21-\x7e]+$/.test(token)) {
          expect(resolveApiSettings(...args).auth).toBe(token);
        } else {
          const error = cliErrorOf(() => resolveApiSettings(...args));
          expect(error.exitCode).toBe(2);
          if (token.trim().length > 3) expect(error.message).not.toContain(token);
        }
      }),
    );
  });
});

describe('describeFetchFailure', () => {
  it('names refused connections, unknown hosts, resets and timeouts by their system code', () => {
    const fetchFailed = (code: string) =>
      new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code }) });
    expect(describeFetchFailure(fetchFailed('ECONNREFUSED'), 5000).code).toBe('connection_refused');
    expect(describeFetchFailure(fetchFailed('ENOTFOUND')).code).toBe('host_not_found');
    expect(describeFetchFailure(fetchFailed('ECONNRESET')).code).toBe('connection_reset');
    expect(describeFetchFailure(new DOMException('t', 'TimeoutError'), 250)).toEqual({
      code: 'timeout',
      text: 'no answer within 250 ms',
    });
    const nested = new TypeError('fetch failed', {
      cause: new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })]),
    });
    expect(describeFetchFailure(nested).code).toBe('connection_refused');
    expect(
      describeFetchFailure(new TypeError('fetch failed', { cause: new Error('bad port') })),
    ).toEqual({ code: 'network_error', text: 'the request failed: bad port' });
  });
});

describe('apiFailure', () => {
  it('prints a problem: method, path, status, title and type, then detail, field errors and traceId', () => {
    const error = apiFailure(
      new NovatradeApiError({
        method: 'POST',
        path: '/v1/webhooks',
        status: 422,
        type: 'https://api.novatrade24.com/problems/validation-error',
        title: 'Validation Error',
        detail: 'The request has 1 invalid field; see errors.',
        traceId: 'req_1',
        errors: [{ field: 'events.0', message: 'events.0 is not an accepted value.' }],
        idempotencyKey: 'key-1',
      }),
      'http://127.0.0.1:8080',
    ) as CliError;
    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      'POST /v1/webhooks answered 422 Validation Error (validation-error).',
    );
    expect(error.hint).toBe(
      '  The request has 1 invalid field; see errors.\n' +
        '  events.0: events.0 is not an accepted value.\n' +
        '  traceId: req_1',
    );
  });

  it('names the base URL of an unreachable API and the key to repeat a write with', () => {
    const error = apiFailure(
      new WebhookClientError('api_unreachable', 'POST /v1/webhooks: no answer came', {
        cause: new TypeError('fetch failed', {
          cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
        }),
        idempotencyKey: 'key-7',
      }),
      'http://127.0.0.1:9',
    ) as CliError;
    expect(error.code).toBe('api_unreachable');
    expect(error.message).toBe(
      'could not reach the management API at http://127.0.0.1:9: connection refused (is it listening?).',
    );
    expect(error.hint).toContain('--idempotency-key key-7');
  });

  it('a token failure is a failure (exit 1); an id the client refuses is a usage error; others pass through', () => {
    const token = apiFailure(
      new TokenRequestError({ failure: 'refused', status: 401, oauthError: 'invalid_client' }),
      'http://x',
    ) as CliError;
    expect(token.code).toBe('token_request_failed');
    expect(token.exitCode).toBe(1);
    const bug = new Error('bug');
    expect(apiFailure(bug, 'http://x')).toBe(bug);
  });
});
