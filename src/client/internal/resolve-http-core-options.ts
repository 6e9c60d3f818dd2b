// The HTTP core's options, checked once at construction and resolved to their defaults
// (CONTRIBUTING.md, "Errors": each error names its option; unknown options are refused).

import { assertKnownOptions } from '../../core/internal/assert-known-options.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { integerOptionOr } from '../../core/internal/integer-option.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { MAX_TIMER_MS, TIMER_OPTION_RANGE } from '../../core/internal/timer-delay.js';
import { VERSION } from '../../core/version.js';
import { DEFAULT_CLIENT_RETRY_OPTIONS } from '../client-retry-options.js';
import { CLIENT_TRANSPORT_OPTION_NAMES } from '../client-transport-options.js';
import { abortableSleep } from './abortable.js';
import type { HttpCoreOptions } from './http-core.js';
import { httpUrlOption } from './http-url-option.js';
import { type ResolvedAuth, resolveClientAuth } from './resolve-client-auth.js';
import type { RetryPolicy } from './retry-delay.js';

/** The `User-Agent` sent where a runtime lets a client set it. */
export const DEFAULT_USER_AGENT = `novatrade24-webhooks-client/${VERSION}`;

/** The most attempts `retry.attempts` allows. */
export const MAX_ATTEMPTS = 10;

/** How long one HTTP request of the client may take, by default (`timeoutMs`). */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The HTTP core's options: the connection, the transport options the client shares, its owner. */
const KNOWN_OPTIONS = ['baseUrl', 'auth', ...CLIENT_TRANSPORT_OPTION_NAMES, 'owner'];
const RETRY_KEYS = ['attempts', 'minDelayMs', 'maxDelayMs', 'maxRetryAfterMs'];

/** Every option of the core, checked and with its default. */
export interface ResolvedHttpCoreOptions {
  /** The base URL without a trailing slash: origin plus path prefix (`https://h/api`). */
  readonly base: string;
  readonly auth: ResolvedAuth;
  /** The `fetch` to call, looked up per request (so a test's patch of the global applies). */
  readonly fetch: () => typeof fetch;
  readonly policy: RetryPolicy;
  readonly userAgent: string | undefined;
  readonly now: () => number;
  readonly random: () => number;
  readonly sleep: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  /** Milliseconds each HTTP request may take (an API attempt, a token request). */
  readonly timeoutMs: number;
  readonly owner: string;
}

/**
 * True in a browser page or worker, where a `User-Agent` header is not the client's to set: it
 * would be dropped, or make the CORS preflight ask for a header the server does not allow.
 */
function inBrowser(): boolean {
  const scope = globalThis as { document?: unknown; WorkerGlobalScope?: unknown };
  return scope.document !== undefined || scope.WorkerGlobalScope !== undefined;
}

/** A function option's owner and name, for the error. */
interface OptionName {
  readonly owner: string;
  readonly name: string;
}

function functionOption<F>(value: unknown, { owner, name }: OptionName): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    throw invalidOption(
      name,
      `${owner}: \`${name}\` must be a function; got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
  return value as F;
}

/**
 * Checks `options` and applies the defaults.
 *
 * @throws WebhookValidationError `invalid_option` naming the option.
 */
export function resolveHttpCoreOptions(options: HttpCoreOptions): ResolvedHttpCoreOptions {
  const given = options as unknown;
  const rawOwner = (given as { owner?: unknown } | null | undefined)?.owner;
  const owner = typeof rawOwner === 'string' && rawOwner !== '' ? rawOwner : 'createHttpCore';
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw invalidOption(
      'options',
      `${owner}: options must be an object with baseUrl and auth; got ${describeValue(given)}.`,
      'invalid_type',
    );
  }
  assertKnownOptions(given, KNOWN_OPTIONS, owner);
  const url = httpUrlOption(options.baseUrl, { owner, path: 'baseUrl', allowQuery: false });
  const base = url.origin + url.pathname.replace(/\/+$/, '');
  const auth = resolveClientAuth(options.auth, owner);
  const fetchOption = functionOption<typeof fetch>(options.fetch, { owner, name: 'fetch' });
  const userAgent = userAgentOf(owner, options.userAgent);
  const now =
    functionOption<() => number>(options.now, { owner, name: 'now' }) ?? (() => Date.now());
  const random =
    functionOption<() => number>(options.random, { owner, name: 'random' }) ?? Math.random;
  const sleep =
    functionOption<(ms: number, signal: AbortSignal | undefined) => Promise<void>>(options.sleep, {
      owner,
      name: 'sleep',
    }) ?? abortableSleep;
  return {
    base,
    auth,
    // looked up at call time: msw and test stubs patch the global after the client is built
    fetch: fetchOption === undefined ? () => globalThis.fetch : () => fetchOption,
    policy: retryPolicyOf(owner, options.retry),
    userAgent,
    now,
    random,
    sleep,
    timeoutMs: integerOptionOr(
      owner,
      'timeoutMs',
      options.timeoutMs,
      DEFAULT_TIMEOUT_MS,
      TIMER_OPTION_RANGE,
    ),
    owner,
  };
}

function userAgentOf(owner: string, value: unknown): string | undefined {
  if (value === false) return undefined;
  if (value === undefined) return inBrowser() ? undefined : DEFAULT_USER_AGENT;
  if (typeof value === 'string' && /^[\x20-\x7E]{1,256}$/.test(value) && value.trim() !== '') {
    return value;
  }
  throw invalidOption(
    'userAgent',
    `${owner}: \`userAgent\` must be 1 to 256 printable ASCII characters, or false to send none; ` +
      `got ${describeValue(value)}.`,
    typeof value === 'string' ? 'invalid_format' : 'invalid_type',
  );
}

function retryPolicyOf(owner: string, value: unknown): RetryPolicy {
  const defaults = DEFAULT_CLIENT_RETRY_OPTIONS;
  if (value === false) return { ...defaults, attempts: 1 };
  if (value === undefined) return { ...defaults };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidOption(
      'retry',
      `${owner}: \`retry\` must be an object ({ attempts, minDelayMs, maxDelayMs, ` +
        `maxRetryAfterMs }) or false; got ${describeValue(value)}.`,
      'invalid_type',
    );
  }
  assertKnownOptions(value, RETRY_KEYS, `${owner}: retry`);
  const retry = value as Record<string, unknown>;
  const delay = { min: 0, max: MAX_TIMER_MS };
  const attempts = integerOptionOr(owner, 'retry.attempts', retry.attempts, defaults.attempts, {
    min: 1,
    max: MAX_ATTEMPTS,
  });
  const minDelayMs = integerOptionOr(
    owner,
    'retry.minDelayMs',
    retry.minDelayMs,
    defaults.minDelayMs,
    delay,
  );
  const maxDelayMs = integerOptionOr(
    owner,
    'retry.maxDelayMs',
    retry.maxDelayMs,
    Math.max(defaults.maxDelayMs, minDelayMs),
    delay,
  );
  if (maxDelayMs < minDelayMs) {
    throw invalidOption(
      'retry.maxDelayMs',
      `${owner}: \`retry.maxDelayMs\` (${maxDelayMs}) must be at least \`retry.minDelayMs\` ` +
        `(${minDelayMs}).`,
      'too_small',
    );
  }
  const maxRetryAfterMs = integerOptionOr(
    owner,
    'retry.maxRetryAfterMs',
    retry.maxRetryAfterMs,
    defaults.maxRetryAfterMs,
    delay,
  );
  return { attempts, minDelayMs, maxDelayMs, maxRetryAfterMs };
}
