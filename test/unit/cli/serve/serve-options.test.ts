// `serve`'s option parsers (port, host, shutdown timeout, schema, JWKS URL, text) and the checks
// across options (one database, from --database-url or NOVATRADE_WEBHOOKS_DATABASE_URL; JWT
// options together; at least one source of credentials), with
// properties for every parser of what a user types, and the database URL's masking.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DATABASE_URL_ENV,
  DEFAULT_DATA_DIR,
  maskDatabaseUrl,
  parseHost,
  parseJwksUrl,
  parsePort,
  parseSchema,
  parseShutdownTimeoutMs,
  parseText,
  type RawServeOptions,
  resolveServeConfig,
} from '../../../../src/cli/serve/serve-options.js';
import { MAX_TIMER_MS } from '../../../../src/core/internal/timer-delay.js';
import { refusalOf, usageErrorOf } from '../../../helpers/thrown.js';

const ORG = '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03';
const KEY = `local_dev_key_0123456789=${ORG}`;

/**
 * Property: `parse` reads exactly the numerals of 1 to `digits` decimal digits up to `max` as their
 * value and refuses any other text (any string up to `textLength` characters, or an integer of
 * `numbers` written out).
 */
function acceptsExactlyDecimals(
  parse: (text: string) => number,
  range: {
    readonly digits: number;
    readonly max: number;
    readonly textLength: number;
    readonly numbers: { readonly min: number; readonly max: number };
  },
): void {
  const numeral = new RegExp(`^\\d{1,${range.digits}}$`);
  fc.assert(
    fc.property(
      fc.oneof(fc.string({ maxLength: range.textLength }), fc.integer(range.numbers).map(String)),
      (text) => {
        const valid = numeral.test(text) && Number(text) <= range.max;
        if (valid) expect(parse(text)).toBe(Number(text));
        else refusalOf(parse, text);
      },
    ),
  );
}

describe('parsePort', () => {
  it('takes 0 to 65535 in decimal digits', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('8080')).toBe(8080);
    expect(parsePort('65535')).toBe(65_535);
    expect(parsePort('00080')).toBe(80);
    for (const bad of [
      '',
      '65536',
      '-1',
      '+80',
      '8080.0',
      ' 80',
      '0x50',
      '1e3',
      '123456',
      'eighty',
    ]) {
      expect(refusalOf(parsePort, bad)).toBe('Expected a port from 0 to 65535 (0: any free port).');
    }
  });

  it('accepts exactly the strings of 1 to 5 digits up to 65535 (property)', () => {
    acceptsExactlyDecimals(parsePort, {
      digits: 5,
      max: 65_535,
      textLength: 7,
      numbers: { min: -10, max: 70_000 },
    });
  });
});

describe('parseHost', () => {
  it('takes IP literals (IPv6 with or without brackets) and host names', () => {
    expect(parseHost('127.0.0.1')).toBe('127.0.0.1');
    expect(parseHost('0.0.0.0')).toBe('0.0.0.0');
    expect(parseHost('::1')).toBe('::1');
    expect(parseHost('[::1]')).toBe('::1');
    expect(parseHost('localhost')).toBe('localhost');
    expect(parseHost('api.internal-1.example')).toBe('api.internal-1.example');
    for (const bad of [
      '',
      'http://127.0.0.1',
      '127.0.0.1:8080',
      '[localhost]',
      'a b',
      '-bad.example',
      'bad-.example',
      'a..b',
      `${'a'.repeat(64)}.example`,
    ]) {
      refusalOf(parseHost, bad);
    }
  });

  it('accepts every IPv4 and IPv6 address and every domain name (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()), (host) => {
        expect(parseHost(host)).toBe(host);
        if (host.includes(':')) expect(parseHost(`[${host}]`)).toBe(host);
      }),
    );
  });

  it('refuses anything with a character no host name or address has (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.constantFrom(' ', '/', '@', '?', '#', '_', '\n'),
        (text, bad) => {
          refusalOf(parseHost, `${text}${bad}${text}`);
        },
      ),
    );
  });
});

describe('parseShutdownTimeoutMs', () => {
  it('takes 0 to 2^31 - 1 ms in decimal digits', () => {
    expect(parseShutdownTimeoutMs('0')).toBe(0);
    expect(parseShutdownTimeoutMs('10000')).toBe(10_000);
    expect(parseShutdownTimeoutMs(String(MAX_TIMER_MS))).toBe(MAX_TIMER_MS);
    for (const bad of ['', String(MAX_TIMER_MS + 1), '-1', '1.5', '10s', '1e4']) {
      expect(refusalOf(parseShutdownTimeoutMs, bad)).toBe(
        `Expected milliseconds from 0 to ${MAX_TIMER_MS}.`,
      );
    }
  });

  it('accepts exactly the decimal integers in range (property)', () => {
    acceptsExactlyDecimals(parseShutdownTimeoutMs, {
      digits: 10,
      max: MAX_TIMER_MS,
      textLength: 12,
      numbers: { min: -5, max: MAX_TIMER_MS + 5 },
    });
  });
});

describe('parseSchema', () => {
  it("takes migrate()'s schema names only", () => {
    expect(parseSchema('novatrade_webhooks')).toBe('novatrade_webhooks');
    expect(parseSchema('_x1')).toBe('_x1');
    for (const bad of [
      '',
      'Webhooks',
      '1abc',
      'pg_catalog',
      'information_schema',
      'a-b',
      'a'.repeat(64),
    ]) {
      refusalOf(parseSchema, bad);
    }
  });

  it('accepts a string exactly when it is a plain lowercase identifier that is no system schema (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[a-z_][a-z0-9_]{0,70}$/)),
        (text) => {
          const valid =
            /^[a-z_][a-z0-9_]{0,62}$/.test(text) &&
            !text.startsWith('pg_') &&
            text !== 'information_schema';
          if (valid) expect(parseSchema(text)).toBe(text);
          else refusalOf(parseSchema, text);
        },
      ),
    );
  });
});

describe('parseJwksUrl and parseText', () => {
  it('takes https: URLs, and http: on loopback only, without credentials', () => {
    const certs = 'https://auth.example.com/realms/acme/protocol/openid-connect/certs';
    expect(parseJwksUrl(certs)).toBe(certs);
    expect(parseJwksUrl('http://127.0.0.1:8443/certs')).toBe('http://127.0.0.1:8443/certs');
    expect(parseJwksUrl('http://[::1]/certs')).toBe('http://[::1]/certs');
    expect(refusalOf(parseJwksUrl, 'http://auth.example.com/certs')).toContain('https:');
    expect(refusalOf(parseJwksUrl, 'not a url')).toContain('absolute https: URL');
    expect(refusalOf(parseJwksUrl, 'https://u:p@auth.example.com/certs')).toContain(
      'user:password',
    );
  });

  it('takes 1 to 2048 printable characters (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are refused
        const valid = text.length > 0 && !/[\u0000-\u001f\u007f]/.test(text);
        if (valid) expect(parseText(text)).toBe(text);
        else refusalOf(parseText, text);
      }),
    );
  });
});

describe('maskDatabaseUrl', () => {
  it('replaces the password and password parameters with ***', () => {
    expect(maskDatabaseUrl('postgres://app:s3cret@db.example:5432/webhooks')).toBe(
      'postgres://app:***@db.example:5432/webhooks',
    );
    expect(
      maskDatabaseUrl('postgres://app@db.example/webhooks?password=s3cret&sslmode=require'),
    ).toBe('postgres://app@db.example/webhooks?password=***&sslmode=require');
    expect(maskDatabaseUrl('postgres://postgres@127.0.0.1:5432/test')).toBe(
      'postgres://postgres@127.0.0.1:5432/test',
    );
    expect(maskDatabaseUrl('::not a url::')).toBe('(a database URL)');
  });

  it('never shows a password, however it is spelt (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 30 }), fc.boolean(), (password, inQuery) => {
        const encoded = encodeURIComponent(password);
        const url = inQuery
          ? `postgres://app@db.example/webhooks?sslpassword=${encoded}`
          : `postgres://app:${encoded}@db.example/webhooks`;
        const masked = maskDatabaseUrl(url);
        expect(masked).toContain('***');
        expect(masked).not.toContain(encoded);
        expect(decodeURIComponent(masked.replace(/\+/g, ' '))).not.toContain(password);
      }),
    );
  });
});

const raw = (overrides: Partial<RawServeOptions> = {}): RawServeOptions => ({
  port: 8080,
  host: '127.0.0.1',
  apiKey: [KEY],
  profile: 'novatrade',
  allowPrivateNetworks: false,
  logFormat: 'pretty',
  shutdownTimeout: 10_000,
  rateLimit: true,
  ...overrides,
});
const io = (env: Record<string, string> = {}) => ({ env, cwd: '/work/app' });

describe('resolveServeConfig', () => {
  it('defaults to PGlite in ./.novatrade-webhooks, resolved against the working directory', () => {
    const config = resolveServeConfig(raw(), io());
    expect(config.database).toEqual({ kind: 'pglite', dataDir: `/work/app/${DEFAULT_DATA_DIR}` });
    expect(config.apiKeys).toEqual([{ token: 'local_dev_key_0123456789', organizationUuid: ORG }]);
    expect(config.jwt).toBeUndefined();
    expect(resolveServeConfig(raw({ dataDir: '../data' }), io()).database).toEqual({
      kind: 'pglite',
      dataDir: '/work/data',
    });
    expect(resolveServeConfig(raw({ dataDir: '/var/lib/w' }), io()).database).toEqual({
      kind: 'pglite',
      dataDir: '/var/lib/w',
    });
  });

  it('uses PostgreSQL with --database-url, in the default schema or --schema', () => {
    const url = 'postgres://app:s3cret@127.0.0.1:5432/test';
    expect(resolveServeConfig(raw({ databaseUrl: url }), io()).database).toEqual({
      kind: 'postgres',
      url,
      schema: 'novatrade_webhooks',
    });
    expect(resolveServeConfig(raw({ databaseUrl: url, schema: 'dev' }), io()).database).toEqual({
      kind: 'postgres',
      url,
      schema: 'dev',
    });
  });

  it('refuses two databases, a schema without PostgreSQL, and a database URL of another kind, never quoting the URL', () => {
    expect(
      usageErrorOf(() =>
        resolveServeConfig(raw({ databaseUrl: 'postgres://x/y', dataDir: 'd' }), io()),
      ).message,
    ).toContain('--data-dir and --database-url exclude each other');
    expect(usageErrorOf(() => resolveServeConfig(raw({ schema: 'dev' }), io())).message).toBe(
      '--schema applies to PostgreSQL only: give it with --database-url.',
    );
    const mysql = usageErrorOf(() =>
      resolveServeConfig(raw({ databaseUrl: 'mysql://root:s3cret@db/x' }), io()),
    );
    expect(mysql.message).toBe(
      '--database-url must be a postgres: or postgresql: URL; got a mysql: URL.',
    );
    const garbled = usageErrorOf(() =>
      resolveServeConfig(raw({ databaseUrl: 's3cret password' }), io()),
    );
    expect(garbled.message).toBe('--database-url is not a URL.');
    expect(usageErrorOf(() => resolveServeConfig(raw({ dataDir: ' ' }), io())).message).toBe(
      '--data-dir is empty: give a directory.',
    );
  });

  it('takes the database URL from NOVATRADE_WEBHOOKS_DATABASE_URL when --database-url is not given; empty counts as unset', () => {
    expect(DATABASE_URL_ENV).toBe('NOVATRADE_WEBHOOKS_DATABASE_URL');
    const url = 'postgres://app:s3cret@127.0.0.1:5432/test';
    expect(resolveServeConfig(raw(), io({ [DATABASE_URL_ENV]: url })).database).toEqual({
      kind: 'postgres',
      url,
      schema: 'novatrade_webhooks',
    });
    expect(
      resolveServeConfig(raw({ schema: 'dev' }), io({ [DATABASE_URL_ENV]: url })).database,
    ).toEqual({ kind: 'postgres', url, schema: 'dev' });
    expect(resolveServeConfig(raw(), io({ [DATABASE_URL_ENV]: '' })).database).toEqual({
      kind: 'pglite',
      dataDir: `/work/app/${DEFAULT_DATA_DIR}`,
    });
    expect(
      usageErrorOf(() => resolveServeConfig(raw({ schema: 'dev' }), io({ [DATABASE_URL_ENV]: '' })))
        .message,
    ).toBe('--schema applies to PostgreSQL only: give it with --database-url.');
  });

  it('--database-url wins over NOVATRADE_WEBHOOKS_DATABASE_URL', () => {
    const password = fc.stringMatching(/^[A-Za-z0-9]{1,20}$/);
    fc.assert(
      fc.property(password, password, (option, variable) => {
        const flag = `postgres://app:${option}@127.0.0.1:5432/flag`;
        const config = resolveServeConfig(
          raw({ databaseUrl: flag }),
          io({ [DATABASE_URL_ENV]: `postgresql://app:${variable}@db:5432/env` }),
        );
        expect(config.database).toEqual({
          kind: 'postgres',
          url: flag,
          schema: 'novatrade_webhooks',
        });
      }),
    );
  });

  it('names NOVATRADE_WEBHOOKS_DATABASE_URL in its errors, never quoting it', () => {
    const withDataDir = usageErrorOf(() =>
      resolveServeConfig(raw({ dataDir: 'd' }), io({ [DATABASE_URL_ENV]: 'postgres://x/y' })),
    );
    expect(withDataDir.message).toBe(
      '--data-dir and NOVATRADE_WEBHOOKS_DATABASE_URL exclude each other: serve uses PGlite in a data directory, or PostgreSQL.',
    );
    expect(withDataDir.hint).toBe(
      'Unset NOVATRADE_WEBHOOKS_DATABASE_URL (or set it empty) to use PGlite in --data-dir.',
    );
    const mysql = usageErrorOf(() =>
      resolveServeConfig(raw(), io({ [DATABASE_URL_ENV]: 'mysql://root:s3cret@db/x' })),
    );
    expect(mysql.message).toBe(
      'NOVATRADE_WEBHOOKS_DATABASE_URL must be a postgres: or postgresql: URL; got a mysql: URL.',
    );
    const garbled = usageErrorOf(() =>
      resolveServeConfig(raw(), io({ [DATABASE_URL_ENV]: 's3cret password' })),
    );
    expect(garbled.message).toBe('NOVATRADE_WEBHOOKS_DATABASE_URL is not a URL.');
    for (const error of [mysql, garbled]) {
      expect(`${error.message}${error.hint}`).not.toContain('s3cret');
    }
  });

  it('takes API keys from the environment too', () => {
    const config = resolveServeConfig(
      raw({ apiKey: [] }),
      io({ NOVATRADE_WEBHOOKS_API_KEYS: `env_key_0123456789abc=${ORG}` }),
    );
    expect(config.apiKeys).toEqual([{ token: 'env_key_0123456789abc', organizationUuid: ORG }]);
  });

  it('needs at least one source of credentials, with a hint', () => {
    const error = usageErrorOf(() => resolveServeConfig(raw({ apiKey: [] }), io()));
    expect(error.message).toContain('serve needs credentials for its management API');
    expect(error.hint).toContain('--api-key');
  });

  it('takes JWT options together, or not at all', () => {
    const jwt = {
      jwksUrl: 'https://auth.example.com/certs',
      issuer: 'https://auth.example.com',
      audience: 'webhooks',
    };
    expect(resolveServeConfig(raw({ apiKey: [], ...jwt }), io()).jwt).toEqual({
      ...jwt,
      organizationClaim: undefined,
    });
    expect(
      resolveServeConfig(raw({ ...jwt, organizationClaim: 'org.uuid' }), io()).jwt
        ?.organizationClaim,
    ).toBe('org.uuid');
    expect(
      usageErrorOf(() => resolveServeConfig(raw({ jwksUrl: jwt.jwksUrl }), io())).message,
    ).toBe(
      'OIDC tokens need --jwks-url, --issuer and --audience together; missing --issuer, --audience.',
    );
    expect(
      usageErrorOf(() => resolveServeConfig(raw({ organizationClaim: 'org' }), io())).message,
    ).toBe('--organization-claim needs --jwks-url, --issuer and --audience.');
  });
});
