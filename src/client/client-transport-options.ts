import type { ClientRetryOptions } from './client-retry-options.js';

/**
 * How a client sends: its `fetch`, retries, deadline, `User-Agent`, and the clock, randomness and
 * waits that tests replace. Shared by {@link createWebhooksClient} and
 * {@link createEudrWebhooksClient} (docs/client.md, "Options"; docs/design.md §5.36).
 *
 * @example
 * ```ts
 * const transport: ClientTransportOptions = { retry: { attempts: 3 }, timeoutMs: 10_000 };
 * const client = createWebhooksClient({ baseUrl, auth, ...transport });
 * ```
 */
export interface ClientTransportOptions {
  /** The `fetch` to send with. @default globalThis.fetch, looked up at each request */
  readonly fetch?: typeof fetch | undefined;
  /**
   * The retry policy (429 and 503 after `Retry-After`, other 5xx, network errors and timeouts with
   * exponential backoff, plus 0–500 ms jitter), or `false` for one attempt per call.
   * @default DEFAULT_CLIENT_RETRY_OPTIONS (5 attempts)
   */
  readonly retry?: ClientRetryOptions | false | undefined;
  /**
   * The `User-Agent` to send, or `false` for none.
   * @default `novatrade24-webhooks-client/<version>`, except in a browser page or worker (none)
   */
  readonly userAgent?: string | false | undefined;
  /** The clock for token expiry and `Retry-After` dates, epoch ms (tests). @default Date.now */
  readonly now?: (() => number) | undefined;
  /** Random numbers in [0, 1) for the retry jitter (tests). @default Math.random */
  readonly random?: (() => number) | undefined;
  /**
   * Waits `ms` milliseconds between attempts, rejecting with `signal.reason` on abort (tests:
   * `sleep: async () => {}` makes retries instant).
   * @default a timer
   */
  readonly sleep?: ((ms: number, signal: AbortSignal | undefined) => Promise<void>) | undefined;
  /**
   * Milliseconds each HTTP request may take, from sending it to the end of its body: each attempt
   * of a call, and each token request. An attempt that has not answered by then is aborted and
   * counts as a network failure, retried by the policy (`api_unreachable` after the last one, its
   * `cause` a `TimeoutError`). An integer from 1 to 2^31 − 1.
   * @default 30000
   */
  readonly timeoutMs?: number | undefined;
}

/** Every option name of {@link ClientTransportOptions}. */
export const CLIENT_TRANSPORT_OPTION_NAMES = [
  'fetch',
  'retry',
  'userAgent',
  'now',
  'random',
  'sleep',
  'timeoutMs',
] as const satisfies readonly (keyof ClientTransportOptions)[];
