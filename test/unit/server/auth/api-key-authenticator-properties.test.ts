// The API-key authenticator against a naive reference: a header authenticates exactly when it is
// `Bearer` (any case), one space or more, and one configured token.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ApiKey,
  createApiKeyAuthenticator,
  MAX_API_KEY_LENGTH,
  MIN_API_KEY_LENGTH,
} from '../../../../src/server/internal/auth/api-key-authenticator.js';
import type { Principal } from '../../../../src/server/internal/auth/authenticator.js';
import { RATE_LIMIT_TIERS } from '../../../../src/server/internal/rate-limit/rate-limit-policy.js';
import { thrown } from '../../../helpers/thrown.js';
import { b64token, codeUnit } from './auth-arbitraries.js';
import { rawRequest } from './auth-requests.js';

const apiToken = b64token(MIN_API_KEY_LENGTH, 48);

const apiKey: fc.Arbitrary<ApiKey> = fc.record(
  {
    token: apiToken,
    organizationUuid: fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 128 })),
    tier: fc.constantFrom(...RATE_LIMIT_TIERS),
    clientId: fc.string({ minLength: 1, maxLength: 128 }),
  },
  { requiredKeys: ['token', 'organizationUuid'] },
);

/** Keys with unique tokens; a key of an organization already listed takes its first key's tier. */
const apiKeys = fc
  .uniqueArray(apiKey, { minLength: 1, maxLength: 8, selector: (key) => key.token })
  .map((keys) => {
    const tierOf = new Map<string, ApiKey['tier']>();
    return keys.map((key) => {
      if (!tierOf.has(key.organizationUuid)) {
        tierOf.set(key.organizationUuid, key.tier);
        return key;
      }
      const { tier: _, ...rest } = key;
      const tier = tierOf.get(key.organizationUuid);
      return tier === undefined ? rest : { ...rest, tier };
    });
  });

function principalOf(key: ApiKey): Principal {
  return {
    organizationUuid: key.organizationUuid,
    tier: key.tier ?? 'STANDARD',
    ...(key.clientId === undefined ? {} : { clientId: key.clientId }),
  };
}

/** The reference: the key whose token the header carries as exactly `Bearer <token>`, or null. */
function expectedFor(keys: readonly ApiKey[], header: string): Principal | null {
  const match = /^bearer +([^ ]*)$/is.exec(header);
  if (match === null) return null;
  const key = keys.find(({ token }) => token === match[1]);
  return key === undefined ? null : principalOf(key);
}

/** Headers made of anything, and of configured tokens with something around or inside them. */
function headerFor(keys: readonly ApiKey[]): fc.Arbitrary<string> {
  const token = fc.constantFrom(...keys.map((key) => key.token));
  const noise = fc.string({ unit: codeUnit, maxLength: 3 });
  return fc.oneof(
    fc.string({ unit: codeUnit, maxLength: 80 }),
    fc
      .tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Bearer:', ''), token)
      .map(([scheme, t]) => `${scheme} ${t}`),
    fc
      .tuple(fc.integer({ min: 0, max: 3 }), token)
      .map(([spaces, t]) => `Bearer${' '.repeat(spaces)}${t}`),
    fc.tuple(noise, token, noise).map(([before, t, after]) => `Bearer ${before}${t}${after}`),
    fc.tuple(token, fc.nat(), codeUnit).map(([t, at, unit]) => {
      const i = at % t.length;
      return `Bearer ${t.slice(0, i)}${unit}${t.slice(i + 1)}`;
    }),
    fc.tuple(token, token).map(([a, b]) => `Bearer ${a} ${b}`),
    fc.tuple(token, token).map(([a, b]) => `Bearer ${a}, Bearer ${b}`),
    apiToken.map((t) => `Bearer ${t}`),
  );
}

describe('createApiKeyAuthenticator (properties)', () => {
  it('any header -> never a rejection, and a principal only for exactly Bearer <a configured token>', async () => {
    await fc.assert(
      fc.asyncProperty(
        apiKeys.chain((keys) =>
          fc.tuple(fc.constant(keys), fc.array(headerFor(keys), { maxLength: 12 })),
        ),
        async ([keys, headers]) => {
          const authenticator = createApiKeyAuthenticator({ keys });
          for (const header of headers) {
            const principal = await authenticator.authenticate(rawRequest(header));
            expect(principal).toStrictEqual(expectedFor(keys, header));
          }
        },
      ),
    );
  });

  it('any set of keys -> each token authenticates as its own key, a token not in the set as null', async () => {
    await fc.assert(
      fc.asyncProperty(apiKeys, apiToken, async (keys, other) => {
        fc.pre(!keys.some(({ token }) => token === other));
        const authenticator = createApiKeyAuthenticator({ keys });
        for (const key of keys) {
          const request = new Request('https://api.example/v1/me', {
            headers: { Authorization: `Bearer ${key.token}` },
          });
          expect(await authenticator.authenticate(request)).toStrictEqual(principalOf(key));
        }
        expect(await authenticator.authenticate(rawRequest(`Bearer ${other}`))).toBeNull();
      }),
    );
  });

  it('any keys with two of one organization giving different tiers -> refused at the later key, no token quoted', () => {
    fc.assert(
      fc.property(
        apiKeys,
        fc.nat(),
        apiToken,
        fc.constantFrom(...RATE_LIMIT_TIERS, undefined),
        (keys, at, token, tier) => {
          const earlier = keys[at % keys.length] as ApiKey;
          fc.pre((earlier.tier ?? 'STANDARD') !== (tier ?? 'STANDARD'));
          fc.pre(!keys.some((key) => key.token === token));
          const conflicting = { token, organizationUuid: earlier.organizationUuid, tier };
          const error = thrown(() => createApiKeyAuthenticator({ keys: [...keys, conflicting] }));
          expect(error.code).toBe('invalid_option');
          expect(error.issues.map((issue) => [issue.path, issue.code])).toEqual([
            [`keys[${keys.length}].tier`, 'invalid_value'],
          ]);
          expect(error.message).toContain(
            `\`keys[${keys.findIndex((key) => key.organizationUuid === earlier.organizationUuid)}]\``,
          );
          for (const { token: secret } of [...keys, conflicting]) {
            expect(error.message).not.toContain(secret);
          }
        },
      ),
    );
  });

  it('any token of a valid length with one character outside the b64token alphabet -> refused at construction', () => {
    fc.assert(
      fc.property(apiToken, fc.nat(), codeUnit, (token, at, unit) => {
        fc.pre(!/[A-Za-z0-9\-._~+/=]/.test(unit));
        const i = at % token.length;
        const bad = `${token.slice(0, i)}${unit}${token.slice(i + 1)}`;
        fc.pre(bad.length <= MAX_API_KEY_LENGTH);
        expect(() =>
          createApiKeyAuthenticator({ keys: [{ token: bad, organizationUuid: 'org' }] }),
        ).toThrow(expect.objectContaining({ code: 'invalid_option' }));
      }),
    );
  });
});
