// The options of the management API mock (`createManagementApiHandlers`), checked when it is
// created (CONTRIBUTING.md, "Errors"): every mistake is `invalid_option` naming the option, and an
// unknown option is refused with the nearest known name.

import { isWebhooksError } from '../../core/errors.js';
import { assertKnownOptions } from '../../core/internal/assert-known-options.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { integerOption, integerOptionOr } from '../../core/internal/integer-option.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { MAX_TIMER_MS } from '../../core/internal/timer-delay.js';
import type { Transport } from '../../sender/ports/transport.js';
import { apiKeyAuthenticator } from '../../server/api-key-authenticator.js';
import type { ApiKey } from '../../server/internal/auth/api-key-authenticator.js';
import { RATE_LIMIT_TIERS } from '../../server/internal/rate-limit/rate-limit-policy.js';
import type { Authenticate, ManagementRateLimitOptions } from '../../server/management-api.js';
import type {
  ManagementApiMockClient,
  ManagementApiMockEudrOptions,
  ManagementApiMockOptions,
} from '../create-management-api-handlers.js';
import {
  TEST_API_KEY,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TEST_EUDR_API_KEY,
  TEST_ORGANIZATION_UUID,
} from './mock-credentials.js';
import type { MockTokenClient } from './mock-token-endpoint.js';

/** The name in every message. */
export const MOCK_OWNER = 'createManagementApiHandlers';
const OWNER = MOCK_OWNER;

const DEFAULT_BASE_URL = 'https://api.novatrade24.com';
const DEFAULT_TOKEN_URL =
  'https://auth.novatrade24.com/realms/nt24-idp/protocol/openid-connect/token';
const DEFAULT_EUDR_BASE_URL = 'https://backend.joinnentropy.com/api/v1/integration';
const DEFAULT_TOKEN_LIFETIME_SECONDS = 300;
const MAX_TOKEN_LIFETIME_SECONDS = 31_536_000;
/** The longest delay `setTimeout` takes. */
const MAX_LATENCY_MS = MAX_TIMER_MS;
const MAX_CLIENT_ID_LENGTH = 255;
const SYSTEM_CLOCK = Object.freeze({ now: () => Date.now() });

/** Every option of `ManagementApiMockOptions`. */
export const MANAGEMENT_API_MOCK_OPTION_NAMES = [
  'baseUrl',
  'tokenUrl',
  'clients',
  'apiKeys',
  'tokenLifetimeSeconds',
  'latencyMs',
  'clock',
  'transport',
  'rateLimit',
  'allowInsecureUrls',
  'eudr',
] as const satisfies readonly (keyof ManagementApiMockOptions)[];

/** The options, checked, with their defaults. */
export interface ResolvedMockOptions {
  /** Without a trailing `/`. */
  readonly baseUrl: string;
  readonly tokenUrl: string;
  readonly clients: readonly MockTokenClient[];
  /** The static keys' authenticator, or `null` when there are none. */
  readonly apiKeys: Authenticate | null;
  readonly tokenLifetimeSeconds: number;
  readonly latencyMs: number;
  readonly clock: { readonly now: () => number };
  /** The caller's transport, or `undefined` for the default. */
  readonly transport: Transport | undefined;
  readonly rateLimit: ManagementRateLimitOptions | false;
  readonly allowInsecureUrls: boolean;
  readonly eudr: { readonly baseUrl: string; readonly apiKeys: Authenticate | null } | undefined;
}

/**
 * Checks the mock's options and fills in the defaults.
 *
 * @throws WebhookValidationError `invalid_option` naming the faulty option.
 */
export function resolveMockOptions(options: unknown): ResolvedMockOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption(
      'options',
      `${OWNER}: expected an options object or nothing; got ${describeValue(options)}.`,
      'invalid_type',
    );
  }
  assertKnownOptions(options, MANAGEMENT_API_MOCK_OPTION_NAMES, OWNER);
  const given = options as ManagementApiMockOptions<Transport>;
  const baseUrl = checkBaseUrl('baseUrl', given.baseUrl ?? DEFAULT_BASE_URL);
  const allowInsecureUrls = given.allowInsecureUrls ?? false;
  if (typeof allowInsecureUrls !== 'boolean') {
    throw invalidOption(
      'allowInsecureUrls',
      `${OWNER}: \`allowInsecureUrls\` must be a boolean; got ${describeValue(allowInsecureUrls)}.`,
      'invalid_type',
    );
  }
  const { transport } = given;
  if (
    transport !== undefined &&
    (typeof transport !== 'object' || transport === null || typeof transport.send !== 'function')
  ) {
    throw invalidOption(
      'transport',
      `${OWNER}: \`transport\` must be a Transport (an object with send(request)); got ${describeValue(transport)}.`,
      'invalid_type',
    );
  }
  return {
    baseUrl,
    tokenUrl: checkTokenUrl(given.tokenUrl ?? DEFAULT_TOKEN_URL),
    clients: checkClients(given.clients),
    apiKeys: keyAuthenticator('apiKeys', given.apiKeys, [
      { token: TEST_API_KEY, organizationUuid: TEST_ORGANIZATION_UUID },
    ]),
    tokenLifetimeSeconds: integerOptionOr(
      OWNER,
      'tokenLifetimeSeconds',
      given.tokenLifetimeSeconds,
      DEFAULT_TOKEN_LIFETIME_SECONDS,
      { min: 1, max: MAX_TOKEN_LIFETIME_SECONDS },
    ),
    latencyMs: checkLatency('latencyMs', given.latencyMs) ?? 0,
    clock: checkClock(given.clock),
    transport,
    rateLimit: checkRateLimit(given.rateLimit),
    allowInsecureUrls,
    eudr: checkEudr(given.eudr, baseUrl),
  };
}

/**
 * Checks a latency in ms (0 to 2147483647), named `name`; `undefined` passes.
 *
 * @throws WebhookValidationError `invalid_option` at `name`.
 */
export function checkLatency(name: string, value: unknown): number | undefined {
  return integerOption(OWNER, name, value, { min: 0, max: MAX_LATENCY_MS });
}

function parseHttpUrl(name: string, value: unknown, what: string): URL {
  let url: URL | undefined;
  if (typeof value === 'string') {
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
  }
  if (
    url === undefined ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw invalidOption(
      name,
      `${OWNER}: \`${name}\` must be an absolute http(s) URL without query, fragment or credentials, e.g. '${what}'; got ${describeValue(value)}.`,
      typeof value === 'string' ? 'invalid_format' : 'invalid_type',
    );
  }
  return url;
}

function checkBaseUrl(name: string, value: unknown, example = DEFAULT_BASE_URL): string {
  const url = parseHttpUrl(name, value, example);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function checkTokenUrl(value: unknown): string {
  return parseHttpUrl('tokenUrl', value, DEFAULT_TOKEN_URL).href;
}

function checkClock(value: unknown): { readonly now: () => number } {
  if (value === undefined) return SYSTEM_CLOCK;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { now?: unknown }).now !== 'function'
  ) {
    throw invalidOption(
      'clock',
      `${OWNER}: \`clock\` must be { now() } returning epoch ms, such as createFakeClock(); got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
  const clock = value as { readonly now: () => number };
  // A plain function, so that a method that uses `this` keeps working when handed on alone.
  return Object.freeze({ now: () => clock.now() });
}

function checkRateLimit(
  value: boolean | ManagementRateLimitOptions | undefined,
): ManagementRateLimitOptions | false {
  if (value === undefined || value === false) return false;
  if (value === true) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidOption(
      'rateLimit',
      `${OWNER}: \`rateLimit\` must be a boolean or { store?, tiers? }; got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
  return value;
}

function checkClients(value: unknown): MockTokenClient[] {
  if (value === undefined) {
    return [
      {
        clientId: TEST_CLIENT_ID,
        clientSecret: TEST_CLIENT_SECRET,
        caller: {
          organizationUuid: TEST_ORGANIZATION_UUID,
          tier: 'STANDARD',
          clientId: TEST_CLIENT_ID,
        },
      },
    ];
  }
  if (!Array.isArray(value)) {
    throw invalidOption(
      'clients',
      `${OWNER}: \`clients\` must be an array of { clientId, clientSecret, organizationUuid, tier? }; got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
  const seen = new Set<string>();
  return value.map((client: unknown, index): MockTokenClient => {
    const at = `clients[${index}]`;
    if (typeof client !== 'object' || client === null || Array.isArray(client)) {
      throw invalidOption(
        at,
        `${OWNER}: \`${at}\` must be { clientId, clientSecret, organizationUuid, tier? }; got ${describeValue(client)}.`,
        'invalid_type',
      );
    }
    assertKnownOptions(
      client,
      ['clientId', 'clientSecret', 'organizationUuid', 'tier'],
      `${OWNER}: ${at}`,
    );
    const {
      clientId,
      clientSecret,
      organizationUuid,
      tier = 'STANDARD',
    } = client as ManagementApiMockClient;
    if (
      typeof clientId !== 'string' ||
      clientId.length === 0 ||
      clientId.length > MAX_CLIENT_ID_LENGTH
    ) {
      throw invalidOption(
        `${at}.clientId`,
        `${OWNER}: \`${at}.clientId\` must be a string of 1 to ${MAX_CLIENT_ID_LENGTH} characters; got ${describeValue(clientId)}.`,
        typeof clientId === 'string' ? 'invalid_format' : 'invalid_type',
      );
    }
    if (seen.has(clientId)) {
      throw invalidOption(
        `${at}.clientId`,
        `${OWNER}: \`${at}.clientId\` repeats an earlier client's; each client needs its own id.`,
        'invalid_value',
      );
    }
    seen.add(clientId);
    if (typeof clientSecret !== 'string' || clientSecret.length === 0) {
      throw invalidOption(
        `${at}.clientSecret`,
        `${OWNER}: \`${at}.clientSecret\` must be a non-empty string.`,
        typeof clientSecret === 'string' ? 'too_small' : 'invalid_type',
      );
    }
    if (
      typeof organizationUuid !== 'string' ||
      organizationUuid.length === 0 ||
      organizationUuid.length > 128
    ) {
      throw invalidOption(
        `${at}.organizationUuid`,
        `${OWNER}: \`${at}.organizationUuid\` must be a string of 1 to 128 characters; got ${describeValue(organizationUuid)}.`,
        typeof organizationUuid === 'string' ? 'invalid_format' : 'invalid_type',
      );
    }
    if (!RATE_LIMIT_TIERS.includes(tier)) {
      throw invalidOption(
        `${at}.tier`,
        `${OWNER}: \`${at}.tier\` must be one of ${RATE_LIMIT_TIERS.join(', ')}; got ${describeValue(tier)}.`,
        'invalid_value',
      );
    }
    return { clientId, clientSecret, caller: { organizationUuid, tier, clientId } };
  });
}

// The server's own static-key authenticator, its errors renamed to this option's path.
function keyAuthenticator(
  name: string,
  value: unknown,
  fallback: readonly ApiKey[],
): Authenticate | null {
  const keys = value ?? fallback;
  if (Array.isArray(keys) && keys.length === 0) return null;
  try {
    return apiKeyAuthenticator(keys as readonly ApiKey[]);
  } catch (error) {
    if (isWebhooksError(error) && error.code === 'invalid_option') {
      const issue = (error as { issues?: readonly { path: string; code: string }[] }).issues?.[0];
      throw invalidOption(
        `${name}${issue?.path.replace(/^keys/, '') ?? ''}`,
        `${OWNER}: ${error.message.replace(/^createApiKeyAuthenticator: /, '').replace(/`keys/g, `\`${name}`)}`,
        (issue?.code ?? 'invalid_value') as Parameters<typeof invalidOption>[2],
      );
    }
    throw error;
  }
}

function checkEudr(
  value: unknown,
  baseUrl: string,
): { baseUrl: string; apiKeys: Authenticate | null } | undefined {
  if (value === undefined || value === false) return undefined;
  const options = value === true ? {} : value;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption(
      'eudr',
      `${OWNER}: \`eudr\` must be true or { baseUrl?, apiKeys? }; got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
  assertKnownOptions(options, ['baseUrl', 'apiKeys'], `${OWNER}: eudr`);
  const given = options as ManagementApiMockEudrOptions;
  const eudrBaseUrl = checkBaseUrl(
    'eudr.baseUrl',
    given.baseUrl ?? DEFAULT_EUDR_BASE_URL,
    DEFAULT_EUDR_BASE_URL,
  );
  if (eudrBaseUrl === baseUrl) {
    throw invalidOption(
      'eudr.baseUrl',
      `${OWNER}: \`eudr.baseUrl\` must differ from \`baseUrl\`: each API needs its own.`,
      'invalid_value',
    );
  }
  return {
    baseUrl: eudrBaseUrl,
    apiKeys: keyAuthenticator('eudr.apiKeys', given.apiKeys, [
      { token: TEST_EUDR_API_KEY, organizationUuid: TEST_ORGANIZATION_UUID },
    ]),
  };
}
