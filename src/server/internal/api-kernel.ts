// What every route of a management API shares, in the order a request meets it:
//
// 1. Request id: the caller's `X-Request-Id` when sane, else a new `req_…`; echoed on every
//    response and used as the problem's `traceId`.
// 2. Authentication (the port of `auth/authenticator.ts`): `null` is a 401 with
//    `WWW-Authenticate`; another organization's resources are never found (404), because every
//    call below names the principal's organization.
// 3. The DPA gate, when configured: 403 `dpa-not-accepted`.
// 4. Rate limits per organization and category: every later answer, errors included, carries
//    `X-RateLimit-*`; a refusal is a 429 with `Retry-After`.
// 5. Routing: an unknown path is a 404, a known path with another method a 405 with `Allow`.
// 6. For a write: the Idempotency-Key (400 without one, unless the API makes it optional: then a
//    write without one runs once, unrecorded), then the body, read with a size cap
//    (413), JSON only (415), parsed (400). The parsed body is handed to the route's zod validator
//    (422 with `errors[]`).
// 7. The route. Errors it throws become problems by their `code` (problem-from-error.ts); only
//    errors the route marks as coming from the request's input are the client's fault.
//
// Nothing here quotes a value from the request in a message (docs/design.md §5.20).

import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';
import { toIssues } from '../../core/catalog/internal/schema-kit.js';
import { isWebhooksError } from '../../core/errors.js';
import { concatBytes, utf8Encode } from '../../core/internal/bytes.js';
import type { Logger } from '../../logging/logger.js';
import type { IdempotencyResponse } from '../../sender/records.js';
import type { WebhookSender } from '../../sender/webhook-sender.js';
import type { ApiEnv, RouteDeprecation, RouteInfo } from './api-env.js';
import type { Principal } from './auth/authenticator.js';
import { wwwAuthenticateBearer } from './auth/bearer-token.js';
import {
  type ProblemContext,
  type ProblemFieldInput,
  type ProblemInput,
  problemInstance,
} from './problem.js';
import { ISSUE_MESSAGES, issueMessage, problemFromError } from './problem-from-error.js';
import { rateLimitCategoryOf } from './rate-limit/rate-limit-policy.js';
import type { RateLimiter } from './rate-limit/rate-limiter.js';
import { rateLimitedProblem } from './rate-limited-problem.js';
import { isJsonContentType, readBoundedBody } from './read-body.js';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.js';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from './schemas/shared-schemas.js';

/** Turns a problem into a response; each API renders its own wire format. */
export type RenderProblem = (input: ProblemInput, context: ProblemContext) => Response;

/** The resolved configuration of one API instance. */
export interface KernelConfig {
  readonly authenticate: (request: Request) => Promise<Principal | null>;
  readonly limiter: RateLimiter | null;
  readonly webhookPrefixes: readonly string[];
  readonly problemBaseUrl: string;
  readonly maxBodyBytes: number;
  readonly retryAfterSeconds: number;
  readonly logger: Logger;
  readonly deprecations: ReadonlyMap<string, RouteDeprecation>;
  readonly dpaGate: ((principal: Principal, request: Request) => Promise<boolean>) | undefined;
  readonly renderProblem: RenderProblem;
  /** Paths served without authentication or rate limits (the OpenAPI document). */
  readonly publicPaths: ReadonlySet<string>;
  /**
   * Whether a write needs an Idempotency-Key: `required` (400 without one) or `optional` (a write
   * without one runs once, with no record to replay; one that is sent is checked and honoured).
   */
  readonly idempotencyKey: 'required' | 'optional';
}

/**
 * An error a route raised from the request's own input (a body the sender refused): answered as
 * the client's fault (422 with `errors[]`), not as a 500.
 */
class RequestInputError extends Error {
  constructor(readonly inner: unknown) {
    super('request input refused');
  }
}

/** Validation codes the sender raises about what it was given: the request's fields. */
const INPUT_CODES: ReadonlySet<string> = new Set([
  'invalid_endpoint',
  'invalid_event',
  'invalid_event_input',
  'invalid_subscription_pattern',
  'unknown_event_type',
  'unsupported_schema_version',
  'invalid_secret',
]);

/**
 * Runs `call` (a sender method given the request's fields) and marks its validation errors as
 * the request's fault. Other errors pass through unchanged. With `optionsFromRequest`, the
 * call's options all come from the request (a history query, a recover range), so its
 * `invalid_option` is the client's too; elsewhere that code means a server misconfiguration.
 */
export async function fromRequest<T>(
  call: () => Promise<T>,
  settings?: { readonly optionsFromRequest?: boolean },
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (
      isWebhooksError(error) &&
      (INPUT_CODES.has(error.code) ||
        (settings?.optionsFromRequest === true && error.code === 'invalid_option'))
    ) {
      throw new RequestInputError(error);
    }
    throw error;
  }
}

/** Fields whose refused values may be shown back in `errors[].rejectedValue`. */
const EXPOSABLE_FIELDS: ReadonlySet<string> = new Set([
  'events',
  'status',
  'eventType',
  'type',
  'source',
  'partnerIds',
  'partnerUuid',
  'acceptedSchemaVersions',
  'overlapMs',
  'since',
  'until',
  'page',
  'size',
  'sort',
]);

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** The `errors[]` of a zod failure over `input`: fixed messages, safe rejected values only. */
export function fieldErrorsOf(error: z.ZodError, input: unknown): ProblemFieldInput[] {
  // One entry per field: zod may report a value of the wrong type twice (an array where a string
  // belongs fails the type and the length check), and the first issue says what is wrong.
  const seen = new Set<string>();
  return error.issues
    .flatMap((zodIssue) =>
      toIssues({ issues: [zodIssue] } as z.ZodError, input).map((issue): ProblemFieldInput => {
        const entry = { field: issue.path, message: issueMessage(issue.path, issue.code) };
        const first = zodIssue.path[0];
        const exposable =
          issue.code !== 'unrecognized_key' &&
          typeof first === 'string' &&
          EXPOSABLE_FIELDS.has(first);
        return exposable
          ? { ...entry, rejectedValue: valueAt(input, zodIssue.path), exposeRejectedValue: true }
          : entry;
      }),
    )
    .filter((entry) => {
      // Unrecognized keys each have their own path; only repeats of one path are dropped.
      if (seen.has(entry.field) && !entry.message.endsWith(ISSUE_MESSAGES.unrecognized_key)) {
        return false;
      }
      seen.add(entry.field);
      return true;
    });
}

// Query values as the validator saw them: one value as a string, a repeated one as an array.
function queryValues(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  return Object.fromEntries(
    Object.entries(input).map(([name, value]) =>
      Array.isArray(value) && value.length === 1 ? [name, value[0]] : [name, value],
    ),
  );
}

// Hono reads a body once and caches it by kind; the kernel has read the stream itself. `bytes`
// answers `arrayBuffer()` (the media-type gate of `@hono/zod-openapi` asks it whether a body was
// sent), `text` answers `text()` and `json()` (the validators).
function cacheBody(c: Context<ApiEnv>, text: string, bytes: Uint8Array): void {
  const cache = c.req.bodyCache as Record<string, unknown>;
  cache.text = Promise.resolve(text);
  cache.arrayBuffer = Promise.resolve(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
}

/** The key under which a route's deprecation is configured: `GET /v1/webhooks/{id}`. */
export function routeKey(method: string, template: string): string {
  return `${method.toUpperCase()} ${template}`;
}

/** The pattern of the concrete paths a route template (`/v1/webhooks/{id}`) serves. */
export function templatePattern(template: string): RegExp {
  const source = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${source}$`);
}

function deprecationHeaders(deprecation: RouteDeprecation): [string, string][] {
  const headers: [string, string][] = [];
  const since = deprecation.deprecation;
  headers.push([
    'Deprecation',
    since instanceof Date ? `@${Math.floor(since.getTime() / 1000)}` : 'true',
  ]);
  if (deprecation.sunset !== undefined) headers.push(['Sunset', deprecation.sunset.toUTCString()]);
  if (deprecation.successor !== undefined) {
    headers.push(['Link', `<${deprecation.successor}>; rel="successor-version"`]);
  }
  return headers;
}

/** A problem status for an `HTTPException` Hono raised itself. */
function problemOfHttpException(status: number): ProblemInput {
  switch (status) {
    case 413:
      return {
        type: 'payload-too-large',
        detail: 'The request body is larger than this route accepts.',
      };
    case 415:
      return {
        type: 'unsupported-media-type',
        detail: 'Send the request body as application/json.',
      };
    case 404:
      return { type: 'not-found', detail: 'No such resource in this organization.' };
    case 405:
      return {
        type: 'method-not-allowed',
        detail: 'This route does not accept the request method.',
      };
    default:
      return status >= 400 && status < 500
        ? { type: 'malformed-request', detail: 'The request is malformed.' }
        : {
            type: 'internal-error',
            detail: 'An unexpected error occurred; quote the traceId when reporting it.',
          };
  }
}

/** The API under construction: its Hono app and the helpers its routes use. */
export interface ApiKernel {
  readonly app: OpenAPIHono<ApiEnv>;
  /**
   * Registers `route` (from `createRoute`) with the kernel's route middleware (Idempotency-Key
   * and body for writes) and the standard error responses in the document.
   */
  readonly openapi: <R extends RouteConfig>(
    route: R,
    handler: (c: Context<ApiEnv>) => Promise<Response>,
  ) => void;
  /** A problem answer for this request. */
  readonly problem: (c: Context<ApiEnv>, input: ProblemInput) => Response;
  /** A JSON answer. */
  readonly json: (status: number, body: unknown, headers?: Record<string, string>) => Response;
  /**
   * Runs a write once per Idempotency-Key through the sender's records (docs/design.md §5.10):
   * the same key and request replay the stored answer with `Idempotent-Replayed: true`.
   */
  readonly idempotent: (
    c: Context<ApiEnv>,
    execute: () => Promise<IdempotencyResponse>,
  ) => Promise<Response>;
  /**
   * Serves `GET path` (a path in `publicPaths`: no authentication, no rate limit) with `answer`;
   * another method on it is a 405 like any route's.
   */
  readonly servePublic: (path: string, answer: () => Response) => void;
  /** Finishes the app: not-found, method-not-allowed and error handling. */
  readonly seal: () => void;
}

/**
 * Builds the kernel of a management API over `sender`.
 *
 * @param sender - the sender whose Idempotency-Key records the writes use.
 * @param config - the resolved options.
 */
export function createApiKernel(sender: WebhookSender<unknown>, config: KernelConfig): ApiKernel {
  const routes: { info: RouteInfo; pattern: RegExp }[] = [];
  const contextOf = (c: Context<ApiEnv>): ProblemContext => ({
    url: c.req.url,
    requestId: c.get('requestId') ?? requestIdOf(c.req.raw),
    problemBaseUrl: config.problemBaseUrl,
  });
  const problem = (c: Context<ApiEnv>, input: ProblemInput): Response =>
    config.renderProblem(input, contextOf(c));

  const app = new OpenAPIHono<ApiEnv>({
    defaultHook: async (result, c) => {
      if (result.success) return undefined;
      const ctx = c as unknown as Context<ApiEnv>;
      if (result.target === 'param') {
        return problem(ctx, {
          type: 'not-found',
          detail: 'No such resource in this organization.',
        });
      }
      const input =
        result.target === 'json'
          ? await c.req.json().catch(() => undefined)
          : result.target === 'query'
            ? queryValues(c.req.queries())
            : undefined;
      const errors = fieldErrorsOf(result.error as z.ZodError, input);
      return problem(ctx, {
        type: 'validation-error',
        detail: `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}; see errors.`,
        errors,
      });
    },
  });

  // 1–4 and the finishing headers.
  app.use('*', async (c, next) => {
    const requestId = requestIdOf(c.req.raw);
    c.set('requestId', requestId);
    const path = c.req.path;
    // Hono answers HEAD with the GET route, so a public document is public for HEAD too.
    const isPublic =
      config.publicPaths.has(path) && (c.req.method === 'GET' || c.req.method === 'HEAD');
    if (!isPublic) {
      const refusal = await admit(c, path);
      if (refusal !== undefined) {
        c.res = refusal;
        finish(c);
        return;
      }
    }
    await next();
    finish(c);
  });

  async function admit(c: Context<ApiEnv>, path: string): Promise<Response | undefined> {
    let principal: Principal | null;
    try {
      principal = await config.authenticate(c.req.raw);
    } catch (error) {
      return failure(c, error);
    }
    if (principal === null) {
      const response = problem(c, {
        type: 'unauthorized',
        detail: 'Send a valid bearer token in the Authorization header.',
        headers: {
          'WWW-Authenticate': wwwAuthenticateBearer(
            c.req.header('authorization') === undefined ? undefined : 'invalid_token',
          ),
        },
      });
      return response;
    }
    c.set('principal', principal);
    if (config.dpaGate !== undefined) {
      let accepted: boolean;
      try {
        accepted = await config.dpaGate(principal, c.req.raw);
      } catch (error) {
        return failure(c, error);
      }
      if (!accepted) {
        return problem(c, {
          type: 'dpa-not-accepted',
          detail: 'The data processing agreement has not been accepted for this organization.',
        });
      }
    }
    if (config.limiter !== null) {
      const category = rateLimitCategoryOf(c.req.method, path, config.webhookPrefixes);
      let decision: Awaited<ReturnType<RateLimiter['check']>>;
      try {
        decision = await config.limiter.check({
          organizationUuid: principal.organizationUuid,
          tier: principal.tier,
          category,
        });
      } catch (error) {
        return failure(c, error);
      }
      c.set('rateLimitHeaders', decision.headers as unknown as Record<string, string>);
      if (!decision.allowed) {
        return problem(
          c,
          rateLimitedProblem({
            limit: decision.limit.perMinute,
            burstLimit: decision.limit.burstPer10s,
            category,
            retryAfterSeconds: decision.retryAfterSeconds,
            exceeded: decision.exceeded,
          }),
        );
      }
    }
    return undefined;
  }

  function finish(c: Context<ApiEnv>): void {
    let headers = c.res.headers;
    try {
      headers.set(REQUEST_ID_HEADER, c.get('requestId'));
    } catch {
      c.res = new Response(c.res.body, c.res);
      headers = c.res.headers;
      headers.set(REQUEST_ID_HEADER, c.get('requestId'));
    }
    for (const [name, value] of Object.entries(c.get('rateLimitHeaders') ?? {})) {
      headers.set(name, value);
    }
    const route = c.get('route');
    if (route !== undefined) {
      const deprecation = config.deprecations.get(routeKey(route.method, route.template));
      if (deprecation !== undefined) {
        for (const [name, value] of deprecationHeaders(deprecation)) headers.set(name, value);
      }
    }
  }

  function failure(c: Context<ApiEnv>, error: unknown): Response {
    const input = error instanceof RequestInputError;
    const inner = input ? error.inner : error;
    const problemInput =
      error instanceof HTTPException
        ? problemOfHttpException(error.status)
        : problemFromError(inner, { input, retryAfterSeconds: config.retryAfterSeconds });
    if (problemInput.type === 'internal-error' || problemInput.type === 'service-unavailable') {
      config.logger.error(
        {
          requestId: c.get('requestId'),
          method: c.req.method,
          path: problemInstance(c.req.url),
          error: isWebhooksError(inner)
            ? { name: inner.name, code: inner.code }
            : { name: inner instanceof Error ? inner.name : typeof inner },
        },
        'management API request failed',
      );
    }
    return problem(c, problemInput);
  }

  function routeMiddleware(info: RouteInfo): MiddlewareHandler<ApiEnv> {
    return async (c, next) => {
      c.set('route', info);
      if (!info.write) {
        c.set('rawBody', new Uint8Array(0));
        return next();
      }
      const key = c.req.header('idempotency-key');
      const keyless = key === undefined && config.idempotencyKey === 'optional';
      if (
        !keyless &&
        (key === undefined || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)
      ) {
        return problem(c, {
          type: 'malformed-request',
          detail:
            key === undefined || key.length === 0
              ? 'This route needs an Idempotency-Key header (1 to 255 characters).'
              : 'The Idempotency-Key header must be 1 to 255 characters.',
        });
      }
      const body = await readBoundedBody(c.req.raw, config.maxBodyBytes).catch(() => undefined);
      if (body === undefined) {
        return problem(c, {
          type: 'malformed-request',
          detail: 'The request body could not be read.',
        });
      }
      if (body === null) {
        return problem(c, {
          type: 'payload-too-large',
          detail: `The request body is larger than this route accepts (${config.maxBodyBytes} bytes).`,
        });
      }
      c.set('rawBody', body);
      if (body.byteLength === 0) {
        // No body reads as `{}`: a route whose body is optional (rotate-secret) runs with its
        // defaults even when the client sent `Content-Type: application/json` with nothing
        // after it (as `curl -H` does), and one whose body is required answers 422 with each
        // missing field, not a bare 400.
        cacheBody(c, '{}', body);
        return next();
      }
      if (!isJsonContentType(c.req.header('content-type') ?? null, info.method === 'PATCH')) {
        return problem(c, {
          type: 'unsupported-media-type',
          detail: 'Send the request body as application/json.',
        });
      }
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(body);
        JSON.parse(text);
      } catch {
        return problem(c, {
          type: 'malformed-request',
          detail: 'The request body is not valid JSON.',
        });
      }
      // The route's validator reads the body through Hono's cache (the stream is spent).
      cacheBody(c, text, body);
      return next();
    };
  }

  const openapi: ApiKernel['openapi'] = (route, handler) => {
    const info: RouteInfo = {
      method: route.method.toUpperCase(),
      template: route.path,
      write: !['GET', 'HEAD', 'OPTIONS'].includes(route.method.toUpperCase()),
    };
    routes.push({ info, pattern: templatePattern(route.path) });
    const withMiddleware = {
      ...route,
      middleware: [routeMiddleware(info)],
    } as RouteConfig;
    app.openapi(withMiddleware, async (c) => {
      try {
        return await handler(c as unknown as Context<ApiEnv>);
      } catch (error) {
        return failure(c as unknown as Context<ApiEnv>, error);
      }
    });
  };

  const json: ApiKernel['json'] = (status, body, headers = {}) =>
    new Response(status === 204 ? null : JSON.stringify(body), {
      status,
      headers: status === 204 ? headers : { 'Content-Type': 'application/json', ...headers },
    });

  const idempotent: ApiKernel['idempotent'] = async (c, execute) => {
    const key = c.req.header('idempotency-key');
    // No key where one is optional: the write runs once, with nothing stored to replay.
    if (key === undefined && config.idempotencyKey === 'optional') {
      return responseOf({ ...(await execute()), replayed: false });
    }
    const route = c.get('route');
    const body = concatBytes([utf8Encode(`${c.req.path}\n`), c.get('rawBody')]);
    const answer = await sender.withIdempotencyKey(
      {
        organizationUuid: c.get('principal').organizationUuid,
        method: route.method,
        route: route.template,
        key: key ?? '',
        body,
      },
      execute,
    );
    return responseOf(answer);
  };

  function responseOf(answer: IdempotencyResponse & { readonly replayed: boolean }): Response {
    const headers = new Headers(answer.headers);
    if (answer.replayed) headers.set('Idempotent-Replayed', 'true');
    return new Response(answer.status === 204 || answer.body === '' ? null : answer.body, {
      status: answer.status,
      headers,
    });
  }

  const servePublic: ApiKernel['servePublic'] = (path, answer) => {
    routes.push({
      info: { method: 'GET', template: path, write: false },
      pattern: templatePattern(path),
    });
    app.get(path, () => answer());
  };

  const seal = (): void => {
    app.notFound((c) => {
      const ctx = c as unknown as Context<ApiEnv>;
      const path = c.req.path;
      const allowed = routes
        .filter(({ pattern }) => pattern.test(path))
        .map(({ info }) => info.method);
      if (allowed.length > 0) {
        const allow = [...new Set(allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed)];
        return problem(ctx, {
          type: 'method-not-allowed',
          detail: 'This route does not accept the request method.',
          headers: { Allow: allow.join(', ') },
        });
      }
      return problem(ctx, { type: 'not-found', detail: 'No such resource in this organization.' });
    });
    app.onError((error, c) => failure(c as unknown as Context<ApiEnv>, error));
  };

  return { app, openapi, problem, json, idempotent, servePublic, seal };
}
