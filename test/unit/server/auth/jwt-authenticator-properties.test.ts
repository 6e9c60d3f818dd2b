// The bearer-JWT authenticator against a naive reference: any claim set, signed with the right
// key, authenticates exactly when `iss`, `aud`, `exp`, `nbf`, `iat`, `typ` and the organization
// claim pass the rules written out here, and then as the principal they name; any Authorization
// header authenticates only as exactly `Bearer <the token>`. Nothing ever rejects. ES256 keeps the
// signing fast; the key is made once.
import fc from 'fast-check';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../../src/server/internal/auth/authenticator.js';
import { createJwtAuthenticator } from '../../../../src/server/internal/auth/jwt-authenticator.js';
import { RATE_LIMIT_TIERS } from '../../../../src/server/internal/rate-limit/rate-limit-policy.js';
import { codeUnit } from './auth-arbitraries.js';
import { rawRequest } from './auth-requests.js';

const ISSUER = 'https://auth.novatrade24.com/realms/nt24-idp';
const AUDIENCE = 'nt24-management-api';
const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0) + 417;
const NOW_S = Math.floor(NOW_MS / 1000);

const key = await generateKeyPair('ES256');
const JWKS = { keys: [{ ...(await exportJWK(key.publicKey)), kid: 'ec-1', alg: 'ES256' }] };

function sign(claims: JWTPayload): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'ec-1' })
    .sign(key.privateKey);
}

function authenticatorWith(clockToleranceSeconds: number) {
  return createJwtAuthenticator({
    jwks: JWKS,
    issuer: ISSUER,
    audience: AUDIENCE,
    tierClaim: 'tier',
    clockToleranceSeconds,
    now: () => NOW_MS,
  });
}

const TOLERANCES = [0, 30] as const;
const authenticators = new Map(TOLERANCES.map((t) => [t, authenticatorWith(t)]));

/** A time claim near now (seconds, sometimes fractional), or something that is not a number. */
const timeClaim: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -120, max: 120 }).map((offset) => NOW_S + offset) },
  { weight: 2, arbitrary: fc.double({ min: -120, max: 120, noNaN: true }).map((o) => NOW_S + o) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1e300, -1e300) },
  { weight: 1, arbitrary: fc.constantFrom(null, 'now', String(NOW_S + 60), true, [NOW_S + 60]) },
);

const ABSENT = Symbol('absent');

/** `value` most of the time (`weight` in 10), else the claim is left out. */
function mostly<T>(value: fc.Arbitrary<T>, weight = 9): fc.Arbitrary<T | typeof ABSENT> {
  return fc.oneof(
    { weight, arbitrary: value },
    { weight: 10 - weight, arbitrary: fc.constant(ABSENT) },
  );
}

/** A valid value `weight` times in 10, else one of `invalid`. */
function mostlyValid<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<unknown>, weight = 8) {
  return fc.oneof({ weight, arbitrary: valid }, { weight: 10 - weight, arbitrary: invalid });
}

const pastTime = fc.integer({ min: 0, max: 3_600 }).map((ago) => NOW_S - ago);
const futureTime = fc.integer({ min: 1, max: 3_600 }).map((ahead) => NOW_S + ahead);

const claimSet: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
    fc.record({
      iss: mostly(
        mostlyValid(
          fc.constant(ISSUER),
          fc.constantFrom(`${ISSUER}/`, 'https://auth.novatrade24.com/realms/other', '', null, 1, [
            ISSUER,
          ]),
          9,
        ),
      ),
      aud: mostly(
        mostlyValid(
          fc.oneof(
            { weight: 3, arbitrary: fc.constant(AUDIENCE) },
            {
              weight: 1,
              arbitrary: fc
                .array(fc.constantFrom('account', 'broker', 7, null), { maxLength: 2 })
                .map((others) => [...others, AUDIENCE]),
            },
          ),
          fc.oneof(
            fc.constantFrom('account', '', AUDIENCE.toUpperCase(), null, 1, { aud: AUDIENCE }),
            fc.array(fc.constantFrom('account', 'broker', 7, null), { maxLength: 3 }),
          ),
          9,
        ),
      ),
      exp: mostly(mostlyValid(futureTime, timeClaim)),
      nbf: mostly(mostlyValid(pastTime, timeClaim), 5),
      iat: mostly(mostlyValid(pastTime, timeClaim), 5),
      typ: mostly(fc.constantFrom('Bearer', 'Bearer', 'Bearer', 'ID', 'Refresh', 'bearer', 1), 3),
      organizationUuid: mostly(
        mostlyValid(
          fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 128 })),
          fc.oneof(
            fc.string({ minLength: 129, maxLength: 140 }),
            fc.constantFrom('', 42, null, ['org'], { id: 'org' }),
          ),
          9,
        ),
      ),
      tier: mostly(fc.constantFrom(...RATE_LIMIT_TIERS, 'GOLD', 'standard', 2, null), 5),
      azp: mostly(fc.oneof(fc.string({ maxLength: 130 }), fc.constantFrom(7, null)), 5),
      client_id: mostly(fc.oneof(fc.string({ maxLength: 130 }), fc.constant(7)), 5),
    }),
  )
  .map(([extra, standard]) => {
    const claims: Record<string, unknown> = { ...extra };
    for (const [name, value] of Object.entries(standard)) {
      if (value !== ABSENT) claims[name] = value;
    }
    return claims;
  });

const has = (claims: Record<string, unknown>, name: string) => Object.hasOwn(claims, name);

function clientIdIn(value: unknown): string | undefined {
  return typeof value === 'string' && value.length >= 1 && value.length <= 128 ? value : undefined;
}

/** The reference: the rules, one by one, on the claims as they travel (JSON). */
function expectedPrincipal(claims: Record<string, unknown>, tolerance: number): Principal | null {
  const { iss, aud, exp, nbf, iat, typ, organizationUuid, tier } = claims;
  if (!has(claims, 'iss') || iss !== ISSUER) return null;
  const audienceOk =
    typeof aud === 'string' ? aud === AUDIENCE : Array.isArray(aud) && aud.includes(AUDIENCE);
  if (!audienceOk) return null;
  if (typeof exp !== 'number' || exp <= NOW_S - tolerance) return null;
  if (has(claims, 'nbf') && (typeof nbf !== 'number' || nbf > NOW_S + tolerance)) return null;
  if (has(claims, 'iat') && typeof iat !== 'number') return null;
  if (has(claims, 'typ') && typ !== 'Bearer') return null;
  if (
    typeof organizationUuid !== 'string' ||
    organizationUuid.length === 0 ||
    organizationUuid.length > 128
  ) {
    return null;
  }
  const clientId = clientIdIn(claims.azp) ?? clientIdIn(claims.client_id);
  return {
    organizationUuid,
    tier: (RATE_LIMIT_TIERS as readonly unknown[]).includes(tier)
      ? (tier as Principal['tier'])
      : 'STANDARD',
    ...(clientId === undefined ? {} : { clientId }),
  };
}

describe('createJwtAuthenticator (properties)', () => {
  it('any claim set signed with the key -> never a rejection, and exactly the reference principal or null', async () => {
    await fc.assert(
      fc.asyncProperty(claimSet, fc.constantFrom(...TOLERANCES), async (claims, tolerance) => {
        const token = await sign(claims);
        const wire = JSON.parse(JSON.stringify(claims)) as Record<string, unknown>;
        const authenticator = authenticators.get(tolerance);
        const principal = await authenticator?.authenticate(rawRequest(`Bearer ${token}`));
        expect(principal).toStrictEqual(expectedPrincipal(wire, tolerance));
      }),
      { numRuns: 100 },
    );
  });

  it('claim sets that pass every rule are generated often enough to mean something', () => {
    const samples = fc.sample(claimSet, { numRuns: 400, seed: 7 });
    const valid = samples.filter(
      (claims) => expectedPrincipal(JSON.parse(JSON.stringify(claims)), 30) !== null,
    );
    expect(valid.length).toBeGreaterThan(samples.length / 5);
    expect(valid.length).toBeLessThan(samples.length * 0.9);
  });

  it('any Authorization header -> never a rejection; the principal only for exactly `Bearer +<token>`', async () => {
    const authenticator = authenticators.get(30);
    const claims = {
      iss: ISSUER,
      aud: AUDIENCE,
      exp: NOW_S + 300,
      organizationUuid: 'org-a',
      azp: 'api-client-santander-pilot',
    };
    const token = await sign(claims);
    const principal = expectedPrincipal(claims, 30);
    expect(principal).not.toBeNull();
    const noise = fc.string({ unit: codeUnit, maxLength: 3 });
    const header = fc.oneof(
      fc.string({ unit: codeUnit, maxLength: 120 }),
      fc
        .string({ unit: fc.constantFrom(...'ABCDEFabcdef0189-_.= '), maxLength: 200 })
        .map((s) => `Bearer ${s}`),
      fc
        .tuple(
          fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'Bearer:', 'DPoP', ''),
          fc.integer({ min: 0, max: 3 }),
        )
        .map(([scheme, spaces]) => `${scheme}${' '.repeat(spaces)}${token}`),
      fc.tuple(noise, noise).map(([before, after]) => `Bearer ${before}${token}${after}`),
      // One character replaced anywhere but the last: the last one of an ES256 signature has
      // bits that decode to nothing, so some replacements there leave the signature as it was.
      fc.tuple(fc.nat(token.length - 2), codeUnit).map(([at, unit]) => {
        return `Bearer ${token.slice(0, at)}${unit}${token.slice(at + 1)}`;
      }),
      fc.constantFrom(`Bearer ${token}=`, `Bearer ${token}==`, `Bearer ${token}, Bearer ${token}`),
    );
    await fc.assert(
      fc.asyncProperty(header, async (value) => {
        const match = /^bearer +(.*)$/is.exec(value);
        const expected = match?.[1] === token ? principal : null;
        expect(await authenticator?.authenticate(rawRequest(value))).toStrictEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});
