import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';

/**
 * The schema the PostgreSQL adapters use unless told otherwise. Here, in a module without the
 * migrations, so that the command line's options can name it without loading them.
 */
export const DEFAULT_POSTGRES_SCHEMA = 'novatrade_webhooks';

/** The longest identifier PostgreSQL keeps (NAMEDATALEN - 1 bytes); a longer one is truncated. */
export const MAX_SCHEMA_NAME_LENGTH = 63;

/** A name PostgreSQL reads the same quoted or not: lower case, so `psql` users can type it bare. */
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Checks a schema name option and returns it. Accepted: 1 to 63 characters, lowercase ASCII
 * letters, digits and underscores, not starting with a digit, and not a system schema (`pg_…`,
 * `information_schema`). Such a name means the same quoted or bare (PostgreSQL folds bare names
 * to lower case), so a DBA finds the tables under the name the option gave; it is still always
 * quoted in SQL ({@link quoteIdentifier}).
 *
 * @param owner - the function or class that takes the option, for the message (`migrate`).
 * @param value - the option as passed.
 * @throws WebhookValidationError `invalid_option` with one issue at `schema`: `invalid_type` (not
 *   a string), `too_small` (empty), `too_big` (over 63 characters), `invalid_format` (another
 *   character, or a leading digit) or `invalid_value` (a system schema).
 */
export function assertSchemaName(owner: string, value: unknown): string {
  const refuse = (
    code: 'invalid_type' | 'too_small' | 'too_big' | 'invalid_format' | 'invalid_value',
    rule: string,
  ) => invalidOption('schema', `${owner}: \`schema\` ${rule}, got ${describeValue(value)}.`, code);
  if (typeof value !== 'string') throw refuse('invalid_type', 'must be a string');
  if (value.length === 0) throw refuse('too_small', 'must not be empty');
  if (value.length > MAX_SCHEMA_NAME_LENGTH) {
    throw refuse(
      'too_big',
      `must be at most ${MAX_SCHEMA_NAME_LENGTH} characters (PostgreSQL truncates longer names)`,
    );
  }
  if (!PLAIN_IDENTIFIER.test(value)) {
    throw refuse(
      'invalid_format',
      'must hold only lowercase letters a-z, digits and underscores, and not start with a digit',
    );
  }
  if (value.startsWith('pg_') || value === 'information_schema') {
    throw refuse('invalid_value', 'must not name a system schema (pg_… or information_schema)');
  }
  return value;
}

/** `name` as a quoted SQL identifier (`"name"`, inner quotes doubled). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
