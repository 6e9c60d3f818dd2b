// migrate()'s checks, before any query: the connection, the options object, the schema name (a
// property test over the identifier rule) and lockTimeoutMs. A fake connection records queries,
// so each refused call is seen to send nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebhookValidationError } from '../../../src/core/errors.js';
import {
  assertSchemaName,
  MAX_SCHEMA_NAME_LENGTH,
  quoteIdentifier,
} from '../../../src/postgres/internal/assert-schema-name.js';
import { migrate } from '../../../src/postgres/migrate.js';
import type { PostgresClient } from '../../../src/postgres/postgres-connection.js';
import { thrown } from '../../helpers/thrown.js';

/** A client that records every query and answers none (the checks must fail first). */
function recordingClient(): PostgresClient & { readonly sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    async query(text: string) {
      sent.push(text);
      throw new Error('the test client answers no query');
    },
  };
}

async function refusal(run: () => Promise<unknown>): Promise<WebhookValidationError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookValidationError);
    return error as WebhookValidationError;
  }
  throw new Error('expected a WebhookValidationError');
}

/** The reference rule, written out: what PostgreSQL reads the same quoted or bare, minus system names. */
function isAcceptedName(name: string): boolean {
  if (name.length < 1 || name.length > 63) return false;
  const first = name.charCodeAt(0);
  const isLower = (c: number) => c >= 97 && c <= 122;
  const isDigit = (c: number) => c >= 48 && c <= 57;
  if (!(isLower(first) || first === 95)) return false;
  for (let i = 1; i < name.length; i += 1) {
    const c = name.charCodeAt(i);
    if (!(isLower(c) || isDigit(c) || c === 95)) return false;
  }
  return !name.startsWith('pg_') && name !== 'information_schema';
}

const identifierChars = fc.constantFrom(...'abcxyz_019AZ-."$ é\u0000'.split(''));

describe('assertSchemaName', () => {
  it('accepts exactly the names of the reference rule (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: identifierChars, maxLength: 70 }),
          fc.string({ maxLength: 70 }),
          fc
            .stringMatching(/^[a-z_][a-z0-9_]{0,70}$/)
            .map((s) => s.slice(0, MAX_SCHEMA_NAME_LENGTH + 2)),
        ),
        (name) => {
          let accepted = true;
          try {
            expect(assertSchemaName('migrate', name)).toBe(name);
          } catch (error) {
            expect(error).toBeInstanceOf(WebhookValidationError);
            expect(error).toMatchObject({ code: 'invalid_option' });
            expect((error as WebhookValidationError).issues).toHaveLength(1);
            expect((error as WebhookValidationError).issues[0]?.path).toBe('schema');
            accepted = false;
          }
          expect(accepted).toBe(isAcceptedName(name));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never quotes the refused value in its message (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 70 }), (name) => {
        fc.pre(!isAcceptedName(name));
        expect(thrown(() => assertSchemaName('migrate', name)).message).not.toContain(name);
      }),
    );
  });

  it.each([
    [42, 'invalid_type'],
    [null, 'invalid_type'],
    ['', 'too_small'],
    ['a'.repeat(64), 'too_big'],
    ['Webhooks', 'invalid_format'],
    ['1st', 'invalid_format'],
    ['web-hooks', 'invalid_format'],
    ['hooks; DROP SCHEMA public', 'invalid_format'],
    ['pg_webhooks', 'invalid_value'],
    ['information_schema', 'invalid_value'],
  ] as const)('refuses %j with the issue code %s', (name, code) => {
    const error = thrown(() => assertSchemaName('migrate', name));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([{ path: 'schema', code, message: error.message }]);
    expect(error.message).toMatch(/^migrate: `schema` /);
  });

  it.each([
    'novatrade_webhooks',
    '_x',
    'a'.repeat(63),
    'public',
    'tenant_42',
  ])('accepts %j', (name) => {
    expect(assertSchemaName('migrate', name)).toBe(name);
  });

  it('quoteIdentifier doubles inner quotes', () => {
    expect(quoteIdentifier('novatrade_webhooks')).toBe('"novatrade_webhooks"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});

describe('migrate refuses before sending a query', () => {
  it.each([
    ['no connection', undefined],
    ['a string', 'postgres://localhost/test'],
    ['an object without query', { connect() {} }],
  ])('%s -> invalid_option at connection', async (_, connection) => {
    const error = await refusal(() => migrate(connection as never));
    expect(error.issues).toMatchObject([{ path: 'connection', code: 'invalid_type' }]);
  });

  it('an invalid schema name -> invalid_option at schema, nothing sent', async () => {
    const client = recordingClient();
    const error = await refusal(() => migrate(client, { schema: 'Novatrade' }));
    expect(error.issues).toMatchObject([{ path: 'schema', code: 'invalid_format' }]);
    expect(client.sent).toEqual([]);
  });

  it('options that are not an object, or an unknown option (with the nearest name)', async () => {
    const client = recordingClient();
    expect((await refusal(() => migrate(client, 'x' as never))).issues).toMatchObject([
      { path: 'options', code: 'invalid_type' },
    ]);
    const unknown = await refusal(() => migrate(client, { shema: 'x' } as never));
    expect(unknown.issues).toMatchObject([{ path: 'shema', code: 'unrecognized_key' }]);
    expect(unknown.message).toContain('did you mean `schema`?');
    expect(client.sent).toEqual([]);
  });

  it.each([
    [0, 'too_small'],
    [-1, 'too_small'],
    [1.5, 'invalid_type'],
    [2 ** 31, 'too_big'],
    ['30s', 'invalid_type'],
  ] as const)('lockTimeoutMs %j -> %s (no value turns the timeout off)', async (value, code) => {
    const client = recordingClient();
    const error = await refusal(() => migrate(client, { lockTimeoutMs: value as number }));
    expect(error.issues).toMatchObject([{ path: 'lockTimeoutMs', code }]);
    expect(client.sent).toEqual([]);
  });

  it('a database error is a storage_unavailable naming the step, with the cause', async () => {
    const client = recordingClient();
    await expect(migrate(client)).rejects.toMatchObject({
      name: 'WebhookStorageError',
      code: 'storage_unavailable',
      message: expect.stringContaining('could not start the transaction'),
      cause: expect.any(Error),
    });
  });
});
