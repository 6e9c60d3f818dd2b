// `serve`'s static API keys: `--api-key TOKEN=ORGANIZATION_UUID` (repeatable) and the environment
// variable NOVATRADE_WEBHOOKS_API_KEYS (the same entries, comma-separated). A token is a secret, so
// no message quotes an entry or either of its parts: a problem is described by the entry's place
// (`--api-key #2`, `NOVATRADE_WEBHOOKS_API_KEYS entry 3`) and by lengths and shapes only. The
// rules are apiKeyAuthenticator's (16 to 1024 RFC 6750 characters, unique tokens), checked here
// first so that a bad command line is a usage error (exit status 2) with a message in CLI terms.
import {
  MAX_API_KEY_LENGTH,
  MIN_API_KEY_LENGTH,
} from '../../server/internal/auth/api-key-authenticator.js';
import { isBearerToken } from '../../server/internal/auth/bearer-token.js';
import { usageError } from '../internal/cli-error.js';

/** The environment variable holding API keys, as comma-separated `TOKEN=ORGANIZATION_UUID`. */
export const API_KEYS_ENV = 'NOVATRADE_WEBHOOKS_API_KEYS';

/** One parsed key: the token a client sends as `Authorization: Bearer <token>`, and its organization. */
export interface ApiKeyEntry {
  readonly token: string;
  /** A UUID (any 8-4-4-4-12 hexadecimal string, as the API's UUID fields take), as typed. */
  readonly organizationUuid: string;
}

/** The outcome of {@link safeParseApiKeyEntry}: the key, or why the entry is refused. */
export type ApiKeyEntryResult =
  | { readonly ok: true; readonly value: ApiKeyEntry }
  | { readonly ok: false; readonly reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Parses one `TOKEN=ORGANIZATION_UUID` entry. The split is at the last `=`: a token may end in `=`
 * padding, a UUID holds none. The reason of a refusal quotes neither part (either may be the
 * token, when the two were swapped).
 *
 * @param text - the entry as typed.
 * @returns `{ ok: true, value }`, or `{ ok: false, reason }` (a sentence fragment, no value in it).
 * @example
 * ```ts
 * safeParseApiKeyEntry('local_dev_key_0123456789=3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03');
 * // { ok: true, value: { token: 'local_dev_key_0123456789', organizationUuid: '3f1c9a2e-…' } }
 * ```
 */
export function safeParseApiKeyEntry(text: string): ApiKeyEntryResult {
  const at = text.lastIndexOf('=');
  if (at === -1) {
    return { ok: false, reason: 'is not TOKEN=ORGANIZATION_UUID (no "=" in it)' };
  }
  const token = text.slice(0, at);
  const organizationUuid = text.slice(at + 1);
  if (!UUID.test(organizationUuid)) {
    // A UUID on the left and something else on the right: the parts were given the wrong way round.
    const swapped = UUID.test(token.replace(/=+$/, ''));
    return {
      ok: false,
      reason:
        `has no UUID after its last "=" (found ${organizationUuid.length} characters)` +
        (swapped ? '; TOKEN comes first: TOKEN=ORGANIZATION_UUID' : ''),
    };
  }
  if (token.length < MIN_API_KEY_LENGTH || token.length > MAX_API_KEY_LENGTH) {
    return {
      ok: false,
      reason: `has a token of ${token.length} characters; a token has ${MIN_API_KEY_LENGTH} to ${MAX_API_KEY_LENGTH}`,
    };
  }
  if (!isBearerToken(token)) {
    return {
      ok: false,
      reason:
        'has a token with a character a Bearer token cannot hold (allowed: A-Z a-z 0-9 - . _ ~ + /, then optional trailing =)',
    };
  }
  return { ok: true, value: { token, organizationUuid } };
}

/**
 * The entries of NOVATRADE_WEBHOOKS_API_KEYS: comma-separated, each trimmed; a value that is
 * unset, empty or only blanks holds none. An empty entry between commas is refused (a stray comma
 * is more likely a lost key than intended). Tokens cannot hold a comma, so the split is exact.
 *
 * @param value - the variable's value.
 * @returns the entries as typed (not parsed yet).
 * @throws CliError `usage` (exit status 2) for an empty entry, named by its position.
 * @example
 * ```ts
 * splitApiKeysEnv(' a=…, b=… '); // ['a=…', 'b=…']
 * ```
 */
export function splitApiKeysEnv(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((raw, index) => {
    const entry = raw.trim();
    if (entry === '') {
      throw usageError(
        `${API_KEYS_ENV} entry ${index + 1} is empty.`,
        `Separate TOKEN=ORGANIZATION_UUID entries with single commas, e.g. ${API_KEYS_ENV}=key_one_0123456789=<uuid>,key_two_0123456789=<uuid>`,
      );
    }
    return entry;
  });
}

/**
 * Every API key `serve` accepts: the `--api-key` values in order, then the entries of
 * NOVATRADE_WEBHOOKS_API_KEYS. Each token must be unique across both.
 *
 * @param options - `flags`: the `--api-key` values; `env`: the variable's value.
 * @returns the keys (possibly none: JWTs may be the only credentials).
 * @throws CliError `usage` (exit status 2) naming the faulty entry by its place, never its text.
 * @example
 * ```ts
 * parseApiKeys({ flags: ['local_dev_key_0123456789=3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03'], env: undefined });
 * ```
 */
export function parseApiKeys(options: {
  readonly flags: readonly string[];
  readonly env: string | undefined;
}): ApiKeyEntry[] {
  const sources = [
    ...options.flags.map((text, index) => ({ text, where: `--api-key #${index + 1}` })),
    ...splitApiKeysEnv(options.env).map((text, index) => ({
      text,
      where: `${API_KEYS_ENV} entry ${index + 1}`,
    })),
  ];
  const keys: ApiKeyEntry[] = [];
  const firstWhere = new Map<string, string>();
  for (const { text, where } of sources) {
    const result = safeParseApiKeyEntry(text);
    if (!result.ok) {
      throw usageError(
        `${where} ${result.reason}.`,
        'Give each key as TOKEN=ORGANIZATION_UUID, e.g. --api-key local_dev_key_0123456789=3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03 (a token of 16 or more characters).',
      );
    }
    const earlier = firstWhere.get(result.value.token);
    if (earlier !== undefined) {
      throw usageError(`${where} has the same token as ${earlier}; each key needs its own token.`);
    }
    firstWhere.set(result.value.token, where);
    keys.push(result.value);
  }
  return keys;
}
