import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type ApiKey,
  createApiKeyAuthenticator,
  MAX_API_KEY_LENGTH,
  MAX_CLIENT_ID_LENGTH,
  MIN_API_KEY_LENGTH,
} from '../../../../src/server/internal/auth/api-key-authenticator.js';
import { MAX_AUTHORIZATION_HEADER_LENGTH } from '../../../../src/server/internal/auth/bearer-token.js';
import { thrown } from '../../../helpers/thrown.js';
import { rawRequest, UNREADABLE_REQUESTS } from './auth-requests.js';

const ORG_A = '3f1c9a2e-0b4d-4e8a-9c71-5d2f8b6a1e03';
const ORG_B = '9b2d4e6f-1a3c-4b5d-8e7f-0a1b2c3d4e5f';
const TOKEN_A = 'nt24_live_4f9c2b7e8a1d6053b2e9';
const TOKEN_B = 'nt24_live+b/7Q~x.y-z0123456789==';

/** A secret no error message may contain, whatever the mistake around it. */
const CANARY = 'CANARYx9Qz7LmP2wKs4T';

function request(authorization?: string): Request {
  return new Request('https://api.example/v1/me', {
    headers: authorization === undefined ? {} : { authorization },
  });
}

const authenticator = createApiKeyAuthenticator({
  keys: [
    {
      token: TOKEN_A,
      organizationUuid: ORG_A,
      tier: 'HIGH_VOLUME',
      clientId: 'api-client-santander-pilot',
    },
    { token: TOKEN_B, organizationUuid: ORG_B },
  ],
});

const PRINCIPAL_A = {
  organizationUuid: ORG_A,
  tier: 'HIGH_VOLUME',
  clientId: 'api-client-santander-pilot',
};
const PRINCIPAL_B = { organizationUuid: ORG_B, tier: 'STANDARD' };

describe('createApiKeyAuthenticator: authenticate', () => {
  it.each([
    ['Bearer <A>', `Bearer ${TOKEN_A}`, PRINCIPAL_A],
    ['bearer <A>', `bearer ${TOKEN_A}`, PRINCIPAL_A],
    ['BEARER <A>', `BEARER ${TOKEN_A}`, PRINCIPAL_A],
    ['Bearer, three spaces, <A>', `Bearer   ${TOKEN_A}`, PRINCIPAL_A],
    ['Bearer <B> (with + / ~ and = padding)', `Bearer ${TOKEN_B}`, PRINCIPAL_B],
  ])('%s -> its principal', async (_, header, principal) => {
    expect(await authenticator.authenticate(request(header))).toStrictEqual(principal);
  });

  it('a key without a tier -> tier STANDARD, and no clientId property', async () => {
    const principal = await authenticator.authenticate(request(`Bearer ${TOKEN_B}`));
    expect(principal?.tier).toBe('STANDARD');
    expect(principal !== null && 'clientId' in principal).toBe(false);
  });

  it('clientId -> passed through', async () => {
    const principal = await authenticator.authenticate(request(`Bearer ${TOKEN_A}`));
    expect(principal?.clientId).toBe('api-client-santander-pilot');
  });

  it('the principal is frozen, so no request can change another one', async () => {
    const principal = await authenticator.authenticate(request(`Bearer ${TOKEN_A}`));
    expect(Object.isFrozen(principal)).toBe(true);
  });

  it.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['Basic with the token', `Basic ${TOKEN_A}`],
    ['the scheme without a token', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['the token without a scheme', TOKEN_A],
    ['two tokens', `Bearer ${TOKEN_A} ${TOKEN_B}`],
    ['the header sent twice', `Bearer ${TOKEN_A}, Bearer ${TOKEN_A}`],
    ['a token with a comma', `Bearer ${TOKEN_A},x`],
    ['a token with a space inside', `Bearer ${TOKEN_A.slice(0, 10)} ${TOKEN_A.slice(10)}`],
    ['an unknown token', 'Bearer nt24_live_0000000000000000000'],
    ['the token in another case', `Bearer ${TOKEN_A.toUpperCase()}`],
    ['the token with a character more', `Bearer ${TOKEN_A}x`],
    ['the token with a character less', `Bearer ${TOKEN_A.slice(0, -1)}`],
    ['the token with padding added', `Bearer ${TOKEN_A}=`],
    [
      'a prefix of a token shorter than any key',
      `Bearer ${TOKEN_A.slice(0, MIN_API_KEY_LENGTH - 1)}`,
    ],
    ['a token longer than any key', `Bearer ${'a'.repeat(MAX_API_KEY_LENGTH + 1)}`],
    ['a huge header', `Bearer ${'a'.repeat(MAX_AUTHORIZATION_HEADER_LENGTH + 1)}`],
  ])('%s -> null', async (_, header) => {
    expect(await authenticator.authenticate(request(header))).toBeNull();
  });

  it.each([
    ['a newline after the token', `Bearer ${TOKEN_A}\n`],
    ['a NUL inside the token', `Bearer ${TOKEN_A}\u0000`],
    ['a leading space', ` Bearer ${TOKEN_A}`],
    ['non-ASCII', `Bearer ${TOKEN_A}é`],
    ['a lone surrogate', `Bearer ${TOKEN_A}\ud800`],
  ])('a raw header with %s (which Headers would refuse or trim) -> null', async (_, header) => {
    expect(await authenticator.authenticate(rawRequest(header))).toBeNull();
  });

  it.each(
    UNREADABLE_REQUESTS.map((request, index) => [index, request] as const),
  )('unreadable request #%i (headers that throw, none, no Authorization) -> null, not a rejection', async (_index, request) => {
    await expect(authenticator.authenticate(request)).resolves.toBeNull();
  });

  it('concurrent first requests -> each gets its own answer', async () => {
    const fresh = createApiKeyAuthenticator({
      keys: [
        { token: TOKEN_A, organizationUuid: ORG_A },
        { token: TOKEN_B, organizationUuid: ORG_B, tier: 'ENTERPRISE' },
      ],
    });
    const answers = await Promise.all([
      fresh.authenticate(request(`Bearer ${TOKEN_B}`)),
      fresh.authenticate(request(`Bearer ${TOKEN_A}`)),
      fresh.authenticate(request('Bearer nt24_live_0000000000000000000')),
      fresh.authenticate(request(`Bearer ${TOKEN_B}`)),
    ]);
    expect(answers).toStrictEqual([
      { organizationUuid: ORG_B, tier: 'ENTERPRISE' },
      { organizationUuid: ORG_A, tier: 'STANDARD' },
      null,
      { organizationUuid: ORG_B, tier: 'ENTERPRISE' },
    ]);
  });

  it('keys of the same organization with different clients -> the same organization, each client', async () => {
    const shared = createApiKeyAuthenticator({
      keys: [
        { token: TOKEN_A, organizationUuid: ORG_A, clientId: 'api-client-one' },
        { token: TOKEN_B, organizationUuid: ORG_A, clientId: 'api-client-two' },
      ],
    });
    expect(await shared.authenticate(request(`Bearer ${TOKEN_B}`))).toStrictEqual({
      organizationUuid: ORG_A,
      tier: 'STANDARD',
      clientId: 'api-client-two',
    });
  });

  it('the options are copied: changing them afterwards changes nothing', async () => {
    const key: { token: string; organizationUuid: string } = {
      token: TOKEN_A,
      organizationUuid: ORG_A,
    };
    const keys = [key];
    const copied = createApiKeyAuthenticator({ keys });
    key.token = TOKEN_B;
    key.organizationUuid = ORG_B;
    keys.length = 0;
    expect(await copied.authenticate(request(`Bearer ${TOKEN_A}`))).toStrictEqual({
      organizationUuid: ORG_A,
      tier: 'STANDARD',
    });
    expect(await copied.authenticate(request(`Bearer ${TOKEN_B}`))).toBeNull();
  });
});

/** A key whose token is the canary, with `overrides` applied. */
function key(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { token: CANARY, organizationUuid: ORG_A, ...overrides };
}

describe('createApiKeyAuthenticator: options', () => {
  it.each<[string, unknown, string, string]>([
    ['no options', undefined, 'options', 'invalid_type'],
    ['options that are an array', [key()], 'options', 'invalid_type'],
    ['no keys', {}, 'keys', 'required'],
    [
      'keys that are a record keyed by token',
      { keys: { [CANARY]: key() } },
      'keys',
      'invalid_type',
    ],
    ['keys that are a Map', { keys: new Map([[CANARY, key()]]) }, 'keys', 'invalid_type'],
    ['an empty key list', { keys: [] }, 'keys', 'too_small'],
    ['a key that is null', { keys: [key(), null] }, 'keys[1]', 'invalid_type'],
    ['a key that is a string', { keys: [CANARY] }, 'keys[0]', 'invalid_type'],
    ['a key without a token', { keys: [{ organizationUuid: ORG_A }] }, 'keys[0].token', 'required'],
    ['a token that is a number', { keys: [key({ token: 42 })] }, 'keys[0].token', 'invalid_type'],
    ['an empty token', { keys: [key({ token: '' })] }, 'keys[0].token', 'too_small'],
    [
      'a token one character too short',
      { keys: [key({ token: CANARY.slice(0, MIN_API_KEY_LENGTH - 1) })] },
      'keys[0].token',
      'too_small',
    ],
    [
      'a token one character too long',
      { keys: [key({ token: CANARY + 'a'.repeat(MAX_API_KEY_LENGTH) })] },
      'keys[0].token',
      'too_big',
    ],
    [
      'a token with a space',
      { keys: [key({ token: `${CANARY} x` })] },
      'keys[0].token',
      'invalid_format',
    ],
    [
      'a token with a comma',
      { keys: [key({ token: `${CANARY},x` })] },
      'keys[0].token',
      'invalid_format',
    ],
    [
      'a token with a colon',
      { keys: [key({ token: `${CANARY}:x` })] },
      'keys[0].token',
      'invalid_format',
    ],
    [
      'a token with non-ASCII',
      { keys: [key({ token: `${CANARY}é` })] },
      'keys[0].token',
      'invalid_format',
    ],
    [
      'a token with = inside',
      { keys: [key({ token: `${CANARY}=x` })] },
      'keys[0].token',
      'invalid_format',
    ],
    [
      'a token with surrounding spaces',
      { keys: [key({ token: ` ${CANARY} ` })] },
      'keys[0].token',
      'invalid_format',
    ],
    [
      'a token used twice',
      { keys: [key(), key({ organizationUuid: ORG_B }), key({ organizationUuid: ORG_B })] },
      'keys[1].token',
      'invalid_value',
    ],
    [
      'two keys of one organization with different tiers',
      {
        keys: [key({ tier: 'HIGH_VOLUME' }), key({ token: `${CANARY}2`, tier: 'ENTERPRISE' })],
      },
      'keys[1].tier',
      'invalid_value',
    ],
    [
      'a key of an organization without a tier (STANDARD), then one with HIGH_VOLUME',
      { keys: [key(), key({ token: `${CANARY}2`, tier: 'HIGH_VOLUME' })] },
      'keys[1].tier',
      'invalid_value',
    ],
    [
      'a key of an organization with HIGH_VOLUME, then one without a tier (STANDARD)',
      { keys: [key({ tier: 'HIGH_VOLUME' }), key({ token: `${CANARY}2` })] },
      'keys[1].tier',
      'invalid_value',
    ],
    [
      'a third key whose tier differs from the first key of its organization',
      {
        keys: [
          key({ tier: 'ENTERPRISE' }),
          key({ token: `${CANARY}2`, organizationUuid: ORG_B }),
          key({ token: `${CANARY}3`, tier: 'ENTERPRISE' }),
          key({ token: `${CANARY}4`, tier: 'STANDARD' }),
        ],
      },
      'keys[3].tier',
      'invalid_value',
    ],
    [
      'a key without an organization',
      { keys: [{ token: CANARY }] },
      'keys[0].organizationUuid',
      'required',
    ],
    [
      'an empty organization',
      { keys: [key({ organizationUuid: '' })] },
      'keys[0].organizationUuid',
      'too_small',
    ],
    [
      'an organization of 129 characters',
      { keys: [key({ organizationUuid: 'o'.repeat(129) })] },
      'keys[0].organizationUuid',
      'too_big',
    ],
    [
      'an organization that is a number',
      { keys: [key({ organizationUuid: 7 })] },
      'keys[0].organizationUuid',
      'invalid_type',
    ],
    ['an unknown tier', { keys: [key({ tier: 'GOLD' })] }, 'keys[0].tier', 'invalid_value'],
    [
      'a tier in lower case',
      { keys: [key({ tier: 'standard' })] },
      'keys[0].tier',
      'invalid_value',
    ],
    ['a tier that is a number', { keys: [key({ tier: 1 })] }, 'keys[0].tier', 'invalid_type'],
    ['a tier that is null', { keys: [key({ tier: null })] }, 'keys[0].tier', 'invalid_type'],
    ['an empty clientId', { keys: [key({ clientId: '' })] }, 'keys[0].clientId', 'too_small'],
    [
      'a clientId that is too long',
      { keys: [key({ clientId: 'c'.repeat(MAX_CLIENT_ID_LENGTH + 1) })] },
      'keys[0].clientId',
      'too_big',
    ],
    [
      'a clientId that is a number',
      { keys: [key({ clientId: 3 })] },
      'keys[0].clientId',
      'invalid_type',
    ],
    ['an unknown option', { keys: [key()], kyes: [] }, 'kyes', 'unrecognized_key'],
    [
      'an unknown key field',
      { keys: [key(), key({ tokn: 'x' })] },
      'keys[1].tokn',
      'unrecognized_key',
    ],
    [
      'the keys passed as a record instead of { keys }',
      { [CANARY]: { organizationUuid: ORG_A } },
      '',
      'unrecognized_key',
    ],
    [
      'a key written as { [token]: organization }',
      { keys: [{ [CANARY]: ORG_A }] },
      'keys[0]',
      'unrecognized_key',
    ],
  ])('%s -> invalid_option at %j (%s), and the token is in no message', (_, options, path, code) => {
    const error = thrown(() => createApiKeyAuthenticator(options as never));
    expect(error.code).toBe('invalid_option');
    expect(error.issues.map((issue) => [issue.path, issue.code])).toEqual([[path, code]]);
    const everything = JSON.stringify({
      message: error.message,
      stack: error.stack,
      issues: error.issues,
      own: { ...error },
    });
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain(CANARY.slice(0, MIN_API_KEY_LENGTH - 1));
  });

  it('a message names the option and says what was expected', () => {
    expect(
      thrown(() => createApiKeyAuthenticator({ keys: [key({ token: `${CANARY} x` }) as never] }))
        .message,
    ).toMatch(/^createApiKeyAuthenticator: `keys\[0\]\.token` must be an RFC 6750 bearer token/);
    expect(
      thrown(() =>
        createApiKeyAuthenticator({
          keys: [key() as never, key({ organizationUuid: ORG_B }) as never],
        }),
      ).message,
    ).toBe(
      'createApiKeyAuthenticator: `keys[1].token` is the same as `keys[0].token`; each key needs its own token.',
    );
    expect(
      thrown(() =>
        createApiKeyAuthenticator({
          keys: [
            key({ organizationUuid: ORG_B }) as never,
            key({ token: `${CANARY}2` }) as never,
            key({ token: `${CANARY}3`, tier: 'ENTERPRISE' }) as never,
          ],
        }),
      ).message,
    ).toBe(
      'createApiKeyAuthenticator: `keys[2].tier` is ENTERPRISE but `keys[1]`, of the same organization, has tier STANDARD' +
        ' (a key without a tier has STANDARD); rate limits are counted per organization, so all its keys need the same tier.',
    );
    expect(thrown(() => createApiKeyAuthenticator({ kyes: [] } as never)).message).toContain(
      'did you mean `keys`?',
    );
    expect(
      thrown(() => createApiKeyAuthenticator({ keys: [key({ tier: 'GOLD' }) as never] })).message,
    ).toContain('STANDARD, HIGH_VOLUME, ENTERPRISE');
  });

  it('a key that is valid in every way is accepted with each tier', () => {
    const keys: ApiKey[] = [
      { token: 'a'.repeat(MIN_API_KEY_LENGTH), organizationUuid: 'o', tier: 'STANDARD' },
      {
        token: 'b'.repeat(MAX_API_KEY_LENGTH),
        organizationUuid: 'o'.repeat(128),
        tier: 'ENTERPRISE',
      },
      { token: `${'c'.repeat(20)}==`, organizationUuid: ORG_A, tier: 'HIGH_VOLUME', clientId: 'x' },
      { token: 'd'.repeat(20), organizationUuid: ORG_B, tier: undefined, clientId: undefined },
    ];
    expect(() => createApiKeyAuthenticator({ keys })).not.toThrow();
  });

  it('several keys of one organization with the same tier -> accepted, each authenticates', async () => {
    const tiered = createApiKeyAuthenticator({
      keys: [
        { token: TOKEN_A, organizationUuid: ORG_A, tier: 'HIGH_VOLUME', clientId: 'one' },
        { token: TOKEN_B, organizationUuid: ORG_B },
        { token: CANARY, organizationUuid: ORG_A, tier: 'HIGH_VOLUME', clientId: 'two' },
        { token: `${CANARY}2`, organizationUuid: ORG_B, tier: 'STANDARD' },
        { token: `${CANARY}3`, organizationUuid: ORG_B, tier: undefined },
      ],
    });
    expect(await tiered.authenticate(request(`Bearer ${CANARY}`))).toStrictEqual({
      organizationUuid: ORG_A,
      tier: 'HIGH_VOLUME',
      clientId: 'two',
    });
    for (const token of [TOKEN_B, `${CANARY}2`, `${CANARY}3`]) {
      expect(await tiered.authenticate(request(`Bearer ${token}`))).toStrictEqual(PRINCIPAL_B);
    }
  });
});

describe('createApiKeyAuthenticator: digests', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('a failed digest at the first request -> that request rejects, the next one digests again', async () => {
    const fresh = createApiKeyAuthenticator({
      keys: [{ token: TOKEN_A, organizationUuid: ORG_A }],
    });
    const failing = vi
      .spyOn(globalThis.crypto.subtle, 'digest')
      .mockRejectedValue(new Error('digest failed'));
    await expect(fresh.authenticate(request(`Bearer ${TOKEN_A}`))).rejects.toThrow('digest failed');
    failing.mockRestore();
    expect(await fresh.authenticate(request(`Bearer ${TOKEN_A}`))).toStrictEqual({
      organizationUuid: ORG_A,
      tier: 'STANDARD',
    });
    const digest = vi.spyOn(globalThis.crypto.subtle, 'digest');
    expect(await fresh.authenticate(request(`Bearer ${TOKEN_B}`))).toBeNull();
    expect(digest).toHaveBeenCalledTimes(1); // the presented token only: the configured digests are kept
  });
});
