// `serve`'s API keys, `--api-key TOKEN=ORGANIZATION_UUID` and NOVATRADE_WEBHOOKS_API_KEYS: the
// split at the last `=`, the token rules of apiKeyAuthenticator, the UUID, the comma-separated
// variable, and that no refusal ever quotes a token (or an organization, which may be a token
// given the wrong way round).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  API_KEYS_ENV,
  parseApiKeys,
  safeParseApiKeyEntry,
  splitApiKeysEnv,
} from '../../../../src/cli/serve/api-key-entries.js';
import { apiKeyAuthenticator } from '../../../../src/server/api-key-authenticator.js';
import { usageErrorOf } from '../../../helpers/thrown.js';

const ORG = '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03';
const TOKEN = 'local_dev_key_0123456789';

const tokenChar = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/'.split(''),
);
/** A token apiKeyAuthenticator accepts: 16 to 1024 RFC 6750 characters, `=` padding at the end. */
const validToken = fc
  .tuple(
    fc.string({ unit: tokenChar, minLength: 14, maxLength: 60 }),
    fc.integer({ min: 0, max: 2 }),
  )
  .map(([body, padding]) => `${body.padEnd(16 - padding, 'x')}${'='.repeat(padding)}`);
const hex = (length: number) =>
  fc.string({
    unit: fc.constantFrom(...'0123456789abcdefABCDEF'.split('')),
    minLength: length,
    maxLength: length,
  });
/** Any 8-4-4-4-12 hexadecimal string, in any case (the API's UUID fields take them all). */
const uuid = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((parts) => parts.join('-'));

describe('safeParseApiKeyEntry', () => {
  it('splits TOKEN=ORGANIZATION_UUID at the last "=", so a token may end in = padding', () => {
    expect(safeParseApiKeyEntry(`${TOKEN}=${ORG}`)).toEqual({
      ok: true,
      value: { token: TOKEN, organizationUuid: ORG },
    });
    expect(safeParseApiKeyEntry(`${TOKEN}==${ORG}`)).toEqual({
      ok: true,
      value: { token: `${TOKEN}=`, organizationUuid: ORG },
    });
  });

  it.each([
    [TOKEN, 'is not TOKEN=ORGANIZATION_UUID (no "=" in it)'],
    [`${TOKEN}=not-a-uuid`, 'has no UUID after its last "=" (found 10 characters)'],
    [`${TOKEN}=`, 'has no UUID after its last "=" (found 0 characters)'],
    [
      `${ORG}=${TOKEN}`,
      'has no UUID after its last "=" (found 24 characters); TOKEN comes first: TOKEN=ORGANIZATION_UUID',
    ],
    [`short=${ORG}`, 'has a token of 5 characters; a token has 16 to 1024'],
    [`=${ORG}`, 'has a token of 0 characters; a token has 16 to 1024'],
    [`${'a'.repeat(1025)}=${ORG}`, 'has a token of 1025 characters; a token has 16 to 1024'],
    [
      `local dev key 0123456789=${ORG}`,
      'has a token with a character a Bearer token cannot hold (allowed: A-Z a-z 0-9 - . _ ~ + /, then optional trailing =)',
    ],
    [
      `local_dev_key=0123456789=${ORG}`,
      'has a token with a character a Bearer token cannot hold (allowed: A-Z a-z 0-9 - . _ ~ + /, then optional trailing =)',
    ],
  ])('refuses %j: %s', (text, reason) => {
    expect(safeParseApiKeyEntry(text)).toEqual({ ok: false, reason });
  });

  it('accepts every token apiKeyAuthenticator accepts with any UUID, and gives both back (property)', () => {
    fc.assert(
      fc.property(validToken, uuid, (token, organizationUuid) => {
        expect(safeParseApiKeyEntry(`${token}=${organizationUuid}`)).toEqual({
          ok: true,
          value: { token, organizationUuid },
        });
        // …and the authenticator takes what the parser let through.
        expect(() => apiKeyAuthenticator([{ token, organizationUuid }])).not.toThrow();
      }),
    );
  });

  it('never throws and never quotes either part of a refused entry (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc
            .tuple(fc.string({ minLength: 16, maxLength: 40 }), fc.string({ maxLength: 40 }))
            .map(([a, b]) => `${a}=${b}`),
          fc.tuple(uuid, validToken).map(([a, b]) => `${a}=${b}`),
        ),
        (text) => {
          const result = safeParseApiKeyEntry(text);
          if (result.ok) return;
          const at = text.lastIndexOf('=');
          for (const part of at === -1 ? [text] : [text.slice(0, at), text.slice(at + 1)]) {
            if (part.length >= 12) expect(result.reason).not.toContain(part);
          }
        },
      ),
    );
  });
});

describe('splitApiKeysEnv', () => {
  it('reads nothing from an unset, empty or blank variable', () => {
    expect(splitApiKeysEnv(undefined)).toEqual([]);
    expect(splitApiKeysEnv('')).toEqual([]);
    expect(splitApiKeysEnv('  \t')).toEqual([]);
  });

  it('splits at commas and trims each entry (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(validToken, uuid), { minLength: 1, maxLength: 5 }),
        fc.array(fc.constantFrom('', ' ', '  ', '\t'), { minLength: 12, maxLength: 12 }),
        (pairs, blanks) => {
          const entries = pairs.map(([token, org]) => `${token}=${org}`);
          const text = entries
            .map((entry, i) => `${blanks[(2 * i) % 12]}${entry}${blanks[(2 * i + 1) % 12]}`)
            .join(',');
          expect(splitApiKeysEnv(text)).toEqual(entries);
        },
      ),
    );
  });

  it('refuses an empty entry, naming its position', () => {
    const error = usageErrorOf(() => splitApiKeysEnv(`${TOKEN}=${ORG},, other`));
    expect(error.message).toBe(`${API_KEYS_ENV} entry 2 is empty.`);
    expect(usageErrorOf(() => splitApiKeysEnv(`${TOKEN}=${ORG},`)).message).toBe(
      `${API_KEYS_ENV} entry 2 is empty.`,
    );
  });
});

describe('parseApiKeys', () => {
  it('takes the --api-key values in order, then the variable’s entries', () => {
    const other = 'another_key_0123456789';
    const third = 'a_third_key_0123456789';
    expect(
      parseApiKeys({
        flags: [`${TOKEN}=${ORG}`],
        env: `${other}=${ORG}, ${third}=${ORG.toUpperCase()}`,
      }),
    ).toEqual([
      { token: TOKEN, organizationUuid: ORG },
      { token: other, organizationUuid: ORG },
      { token: third, organizationUuid: ORG.toUpperCase() },
    ]);
    expect(parseApiKeys({ flags: [], env: undefined })).toEqual([]);
  });

  it('names a bad entry by its place: --api-key #n or the variable’s entry n', () => {
    expect(
      usageErrorOf(() => parseApiKeys({ flags: [`${TOKEN}=${ORG}`, 'oops'], env: undefined }))
        .message,
    ).toBe('--api-key #2 is not TOKEN=ORGANIZATION_UUID (no "=" in it).');
    const error = usageErrorOf(() =>
      parseApiKeys({ flags: [], env: `${TOKEN}=${ORG},short=${ORG}` }),
    );
    expect(error.message).toBe(
      `${API_KEYS_ENV} entry 2 has a token of 5 characters; a token has 16 to 1024.`,
    );
    expect(error.hint).toContain('TOKEN=ORGANIZATION_UUID');
  });

  it('refuses a token given twice, across both sources', () => {
    expect(
      usageErrorOf(() => parseApiKeys({ flags: [`${TOKEN}=${ORG}`], env: `${TOKEN}=${ORG}` }))
        .message,
    ).toBe(
      `${API_KEYS_ENV} entry 1 has the same token as --api-key #1; each key needs its own token.`,
    );
  });

  it('never quotes a token in a refusal (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(validToken, uuid), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.constantFrom('swap', 'cut', 'space', 'duplicate'),
        (pairs, index, fault) => {
          const entries = pairs.map(([token, org]) => `${token}=${org}`);
          const at = index % entries.length;
          const [token, org] = pairs[at] as [string, string];
          entries[at] =
            fault === 'swap'
              ? `${org}=${token}`
              : fault === 'cut'
                ? token
                : fault === 'space'
                  ? `${token} x=${org}`
                  : (entries[at] as string);
          if (fault === 'duplicate') entries.push(entries[at] as string);
          const error = usageErrorOf(() =>
            parseApiKeys({ flags: entries.slice(0, 2), env: entries.slice(2).join(',') }),
          );
          for (const [secret] of pairs) {
            expect(error.message).not.toContain(secret);
            expect(error.hint ?? '').not.toContain(secret);
          }
        },
      ),
    );
  });
});
