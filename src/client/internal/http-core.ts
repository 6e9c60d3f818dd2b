// The client's HTTP core: the token, the headers, the Idempotency-Key, retries, and the typed
// errors of every call a route describes (src/client/internal/http-call.ts). Runs on any runtime
// with the global `fetch` (no `node:` import anywhere under src/client).
//
// Retries run on p-retry with none of its own delay (minTimeout 0): the wait is decided here
// (retry-delay.ts: `Retry-After` or exponential, plus 0–500 ms jitter) and spent in `shouldRetry`
// through the injectable `sleep`, which the call's signal ends. p-retry then only counts attempts,
// checks the signal before each one, and stops at the limit. An attempt wraps whatever it throws in
// `AttemptFailure`, which is not a TypeError (p-retry rethrows a TypeError it does not recognise as
// a network error without asking `shouldRetry`), and the failure is unwrapped after the last one.
//
// Each HTTP request has its own deadline (`timeoutMs`, with-deadline.ts): one that has not answered
// by then, body included, is aborted and counts as a network failure, retried like one. The
// caller's signal is never handed to `fetch` itself: the request's own signal follows it, so the
// listener goes when the request ends and an abort still rejects with the caller's reason.

// `makeRetriable`, not the default export: p-retry is ESM only, and the CJS build loads it with
// require(esm), where the bundler's interop hands the default import the module namespace instead
// of the function (see src/postgres/postgres-change-feed.ts). A named export reads the same in both.
import { makeRetriable } from 'p-retry';
import { WebhookClientError, WebhookValidationError } from '../../core/errors.js';
import type { ApiResponse } from '../api-response.js';
import type { ClientAuth } from '../client-auth.js';
import type { ClientTransportOptions } from '../client-transport-options.js';
import { EudrApiError } from '../eudr-api-error.js';
import { NovatradeApiError } from '../novatrade-api-error.js';
import { TokenRequestError } from '../token-request-error.js';
import { isHeaderToken } from './header-safe.js';
import type { HttpCall, HttpCore } from './http-call.js';
import { pathTemplate } from './path-template.js';
import { randomUuid } from './random-uuid.js';
import { readCappedText } from './read-capped-text.js';
import { readErrorBody } from './read-error-body.js';
import { readRateLimitHeaders } from './read-rate-limit-headers.js';
import {
  type ResolvedHttpCoreOptions,
  resolveHttpCoreOptions,
} from './resolve-http-core-options.js';
import { retryDelayMs } from './retry-delay.js';
import { createTokenSource, type TokenSource } from './token-source.js';
import { withDeadline } from './with-deadline.js';

/** What the HTTP core is built from (the public client factories pass their options through). */
export interface HttpCoreOptions extends ClientTransportOptions {
  /**
   * The API's base URL: absolute `https:` (or `http:`), no query, fragment or credentials. A
   * trailing slash is ignored and a path prefix kept (`https://host/api` + `/v1/webhooks`).
   */
  readonly baseUrl: string;
  /** Client credentials, a static bearer token, or a function returning one. */
  readonly auth: ClientAuth;
  /** The public factory, named in option errors. @default 'createHttpCore' */
  readonly owner?: string | undefined;
}

/** Media types asked for: the API answers JSON, and errors as problem+json. */
const ACCEPT = 'application/json, application/problem+json';

/** The most of an error answer's body read (a problem is well under a kilobyte). */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** The longest Idempotency-Key the API accepts (docs/design.md §5.35). */
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The longest request id the API echoes. */
const MAX_REQUEST_ID_LENGTH = 128;

/** Whether and how a failed attempt is retried. */
interface RetryVerdict {
  readonly retryable: boolean;
  /** The answer's `Retry-After`, in milliseconds, when it had one. */
  readonly retryAfterMs?: number | undefined;
}

/** A failed attempt, as p-retry sees it: the failure, and whether and how to retry. */
class AttemptFailure extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly failure: unknown,
    verdict: RetryVerdict,
  ) {
    super('attempt failed');
    this.name = 'AttemptFailure';
    this.retryable = verdict.retryable;
    this.retryAfterMs = verdict.retryAfterMs;
  }
}

/**
 * The HTTP core of the API client: sends each {@link HttpCall} with a bearer token, an
 * `Idempotency-Key` on every write (the caller's, or a UUID made once per call and sent on every
 * retry), and retries as {@link ClientRetryOptions} describes.
 *
 * @param options - the base URL, authentication, transport, retry policy and injectables.
 * @throws WebhookValidationError `invalid_option` naming a bad option.
 * @example
 * ```ts
 * const core = createHttpCore({ baseUrl: 'https://api.novatrade24.com', auth: { clientId, clientSecret, tokenUrl } });
 * const { data } = await core.request<Page>({ method: 'GET', path: '/v1/webhooks', errorFormat: 'problem' });
 * ```
 */
export function createHttpCore(options: HttpCoreOptions): HttpCore {
  const config = resolveHttpCoreOptions(options);
  const tokens = createTokenSource(config.auth, {
    fetch: config.fetch,
    now: config.now,
    userAgent: config.userAgent,
    owner: config.owner,
    timeoutMs: config.timeoutMs,
  });
  return {
    request: <T>(call: HttpCall) => send<T>(call, { config, tokens }),
  };
}

/** What every call of one core shares. */
interface CoreContext {
  readonly config: ResolvedHttpCoreOptions;
  readonly tokens: TokenSource;
}

async function send<T>(call: HttpCall, context: CoreContext): Promise<ApiResponse<T>> {
  const { config, tokens } = context;
  const signal = call.signal;
  signal?.throwIfAborted();
  const prepared = prepare(config, call);
  let sent = 0;
  // Whether the latest attempt failed while getting its token (rather than in its exchange).
  let gettingToken = false;
  const tokenFor = async (): Promise<string> => {
    gettingToken = true;
    const token = await tokens.get(signal);
    gettingToken = false;
    return token;
  };

  const attempt = async (): Promise<ApiResponse<T>> => {
    try {
      const token = await tokenFor();
      sent += 1; // counted when sent: a request that got no answer was an attempt too
      let reply = await exchange(config, { call: prepared, token, signal });
      if (reply.status === 401 && tokens.invalidate(token)) {
        // One new token, at once and without using up an attempt: the token may just have
        // expired or been revoked. A second 401 is final.
        const fresh = await tokenFor();
        sent += 1;
        reply = await exchange(config, { call: prepared, token: fresh, signal });
      }
      return answer<T>(config, { call: prepared, reply, attempts: sent });
    } catch (error) {
      throw classify(error, signal);
    }
  };

  const run = makeRetriable(attempt, {
    retries: config.policy.attempts - 1,
    minTimeout: 0,
    maxTimeout: 0,
    factor: 1,
    randomize: false,
    ...(signal === undefined ? {} : { signal }),
    shouldRetry: async ({ error, retriesConsumed }) => {
      if (!(error instanceof AttemptFailure) || !error.retryable) return false;
      const delayMs = retryDelayMs({
        retryNumber: retriesConsumed + 1,
        retryAfterMs: error.retryAfterMs,
        policy: config.policy,
        random: config.random(),
      });
      if (delayMs === undefined) return false;
      await config.sleep(delayMs, signal);
      signal?.throwIfAborted();
      return true;
    },
  });

  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AttemptFailure)) throw error; // the signal's reason, as is
    const { failure } = error;
    const aborted = signal?.aborted === true && failure === signal.reason;
    if (gettingToken && sent > 0 && prepared.idempotencyKey !== undefined && !aborted) {
      // A retry of a write could not get its token, after an earlier attempt was sent: that
      // write may have happened, and its caller needs the key to repeat it safely.
      throw tokenFailureWithKey(failure, prepared);
    }
    throw failure;
  }
}

/**
 * The error of a write whose token failed after one of its attempts was sent: a
 * `TokenRequestError` of its own with the call's key (never the shared instance, which every
 * waiter of one token request got: setting a key on it would give them all this call's key), or,
 * for a token function's own error, a `token_request_failed` with that error as `cause`.
 */
function tokenFailureWithKey(failure: unknown, call: PreparedCall): WebhookClientError {
  if (failure instanceof TokenRequestError) {
    return new TokenRequestError({
      failure: failure.failure,
      status: failure.status,
      oauthError: failure.oauthError,
      retryAfterSeconds: failure.retryAfterSeconds,
      cause: failure.cause,
      idempotencyKey: call.idempotencyKey,
    });
  }
  return new WebhookClientError(
    'token_request_failed',
    `${call.method} ${pathTemplate(call.path)}: the auth function failed after an attempt of ` +
      'this write was sent, so the write may have happened; repeat it with error.idempotencyKey ' +
      "once the function works (the function's error is the cause).",
    { cause: failure, idempotencyKey: call.idempotencyKey },
  );
}

/** A call, checked and turned into what every attempt sends alike. */
interface PreparedCall {
  readonly method: HttpCall['method'];
  readonly path: string;
  readonly url: string;
  readonly body: string | undefined;
  readonly contentType: string;
  readonly idempotencyKey: string | undefined;
  readonly requestId: string | undefined;
  readonly errorFormat: HttpCall['errorFormat'];
}

function callError(path: string, message: string): WebhookValidationError {
  return new WebhookValidationError('invalid_option', message, {
    issues: [{ path, code: 'invalid_format', message }],
  });
}

function prepare(config: ResolvedHttpCoreOptions, call: HttpCall): PreparedCall {
  const { method, path } = call;
  if (method !== 'GET' && method !== 'POST' && method !== 'PATCH' && method !== 'DELETE') {
    throw callError('method', `${config.owner}: the method must be GET, POST, PATCH or DELETE.`);
  }
  if (
    typeof path !== 'string' ||
    !path.startsWith('/') ||
    path.startsWith('//') ||
    /[?#]/.test(path)
  ) {
    throw callError(
      'path',
      `${config.owner}: a call's path must start with one "/" and have no query.`,
    );
  }
  if (
    call.idempotencyKey !== undefined &&
    !isHeaderToken(call.idempotencyKey, MAX_IDEMPOTENCY_KEY_LENGTH)
  ) {
    throw callError(
      'idempotencyKey',
      `${config.owner}: \`idempotencyKey\` must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII ` +
        'characters without spaces (a UUID is best).',
    );
  }
  if (call.requestId !== undefined && !isHeaderToken(call.requestId, MAX_REQUEST_ID_LENGTH)) {
    throw callError(
      'requestId',
      `${config.owner}: \`requestId\` must be 1 to ${MAX_REQUEST_ID_LENGTH} visible ASCII ` +
        'characters without spaces.',
    );
  }
  let body: string | undefined;
  if (call.body !== undefined) {
    try {
      body = JSON.stringify(call.body);
    } catch (cause) {
      throw new WebhookValidationError(
        'invalid_option',
        `${config.owner}: the request body cannot be serialised as JSON (a BigInt or a cycle?).`,
        {
          cause,
          issues: [{ path: 'body', code: 'invalid_type', message: 'not JSON-serialisable' }],
        },
      );
    }
  }
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(call.query ?? {})) {
    if (value !== undefined) query.append(name, String(value));
  }
  const search = query.toString();
  return {
    method,
    path,
    url: `${config.base}${path}${search === '' ? '' : `?${search}`}`,
    body,
    contentType: call.contentType ?? 'application/json',
    // Once per logical call, the same on every attempt: what makes retrying a write safe.
    idempotencyKey: method === 'GET' ? undefined : (call.idempotencyKey ?? randomUuid()),
    requestId: call.requestId,
    errorFormat: call.errorFormat,
  };
}

/** One HTTP request of a call, and who may end it. */
interface Exchange {
  readonly call: PreparedCall;
  /** The bearer token to send. */
  readonly token: string;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
}

/** An answer, its body read whole (an error's up to MAX_ERROR_BODY_BYTES). */
interface Reply {
  readonly status: number;
  readonly headers: Headers;
  /** The body as text; for an error answer, `''` when it could not be read. */
  readonly text: string;
}

/**
 * Sends one request and reads its answer, within `timeoutMs`.
 *
 * @throws WebhookClientError `api_unreachable` when no answer came in time or the network failed
 *   (a 2xx whose body broke off included); the caller's reason when the caller aborted.
 */
async function exchange(config: ResolvedHttpCoreOptions, request: Exchange): Promise<Reply> {
  const { call, token, signal } = request;
  const headers = new Headers({ Accept: ACCEPT, Authorization: `Bearer ${token}` });
  if (call.body !== undefined) headers.set('Content-Type', call.contentType);
  if (call.idempotencyKey !== undefined) headers.set('Idempotency-Key', call.idempotencyKey);
  if (call.requestId !== undefined) headers.set('X-Request-Id', call.requestId);
  if (config.userAgent !== undefined) headers.set('User-Agent', config.userAgent);
  try {
    const reply = await withDeadline(
      async (requestSignal) => {
        const init: RequestInit = { method: call.method, headers, signal: requestSignal };
        if (call.body !== undefined) init.body = call.body;
        let response: Response;
        try {
          response = await config.fetch()(call.url, init);
        } catch (cause) {
          throw unreachable(call, { cause, timeoutMs: undefined });
        }
        const { status } = response;
        if (status < 200 || status > 299) {
          let text = '';
          try {
            text = await readCappedText(response, MAX_ERROR_BODY_BYTES);
          } catch {
            // an error answer whose body broke off is still that error, with its status
          }
          return { status, headers: response.headers, text };
        }
        try {
          return { status, headers: response.headers, text: await response.text() };
        } catch (cause) {
          throw unreachable(call, { cause, timeoutMs: undefined });
        }
      },
      {
        timeoutMs: config.timeoutMs,
        signal,
        timedOut: (cause) => unreachable(call, { cause, timeoutMs: config.timeoutMs }),
      },
    );
    signal?.throwIfAborted();
    return reply;
  } catch (error) {
    // The caller's abort wins over whatever the request failed with meanwhile.
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}

/** Why no answer came: the network, or the request's deadline (`timeoutMs`). */
interface Unreachable {
  readonly cause: unknown;
  /** The deadline that passed, when it was one. */
  readonly timeoutMs: number | undefined;
}

function unreachable(call: PreparedCall, why: Unreachable): WebhookClientError {
  const what =
    why.timeoutMs === undefined
      ? 'no answer came (the request failed on the network); check baseUrl and the connection.'
      : `no answer came within ${why.timeoutMs} ms (timeoutMs); check baseUrl and the ` +
        'connection, or raise timeoutMs.';
  return new WebhookClientError(
    'api_unreachable',
    `${call.method} ${pathTemplate(call.path)}: ${what}`,
    { cause: why.cause, idempotencyKey: call.idempotencyKey },
  );
}

/** What a call's final answer turns into. */
interface Answered {
  readonly call: PreparedCall;
  readonly reply: Reply;
  /** HTTP requests the call sent. */
  readonly attempts: number;
}

/** The `ApiResponse` of a 2xx; an `AttemptFailure` for an error answer. */
function answer<T>(config: ResolvedHttpCoreOptions, answered: Answered): ApiResponse<T> {
  const { call, reply, attempts } = answered;
  const { status, headers, text } = reply;
  if (status < 200 || status > 299) {
    const { error, retryAfterMs } = readErrorBody({
      format: call.errorFormat,
      method: call.method,
      path: call.path,
      status,
      headers,
      text,
      nowMs: config.now(),
      idempotencyKey: call.idempotencyKey,
    });
    throw new AttemptFailure(error, { retryable: isRetryableStatus(status), retryAfterMs });
  }
  let data: unknown;
  if (status !== 204 && status !== 205 && text !== '') {
    const type = headers.get('Content-Type');
    let parsed: { value: unknown } | undefined;
    if (type === null || /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
      try {
        parsed = { value: JSON.parse(text) };
      } catch {
        parsed = undefined;
      }
    }
    if (parsed === undefined) {
      throw new WebhookClientError(
        'unexpected_response',
        `${call.method} ${pathTemplate(call.path)} answered ${status} with a body that is not ` +
          'JSON; check that baseUrl points at the management API.',
        { status, idempotencyKey: call.idempotencyKey },
      );
    }
    data = parsed.value;
  }
  return {
    data: data as T,
    status,
    headers,
    rateLimit: readRateLimitHeaders(headers),
    requestId: headers.get('X-Request-Id') ?? undefined,
    idempotentReplayed: headers.get('Idempotent-Replayed')?.trim().toLowerCase() === 'true',
    idempotencyKey: call.idempotencyKey,
    attempts,
  };
}

/** 429 and every 5xx are retried; any other answer is final. */
function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** What p-retry gets for a failed attempt. */
function classify(error: unknown, signal: AbortSignal | undefined): AttemptFailure {
  if (error instanceof AttemptFailure) return error;
  if (signal?.aborted) return new AttemptFailure(signal.reason, { retryable: false });
  if (error instanceof NovatradeApiError || error instanceof EudrApiError) {
    return new AttemptFailure(error, { retryable: isRetryableStatus(error.status) });
  }
  if (error instanceof TokenRequestError) {
    const retryable = error.status === undefined || isRetryableStatus(error.status);
    const retryAfterMs =
      error.retryAfterSeconds === undefined ? undefined : error.retryAfterSeconds * 1000;
    return new AttemptFailure(error, { retryable, retryAfterMs });
  }
  if (error instanceof WebhookClientError && error.code === 'api_unreachable') {
    return new AttemptFailure(error, { retryable: true });
  }
  // unexpected_response, the auth function's own errors, bugs: never retried
  return new AttemptFailure(error, { retryable: false });
}
