// The responses every route documents besides its own success: the problem answers the kernel
// may give (api-kernel.ts), and the headers every answer carries.

import type { z } from '@hono/zod-openapi';
import { problemContent } from '../schemas/problem-schema.js';

type HeaderObjects = Readonly<
  Record<
    string,
    { description: string; required?: boolean; schema: { type: 'string' | 'integer' } }
  >
>;

/** `X-Request-Id`, on every answer. */
export const requestIdHeader = {
  'X-Request-Id': {
    description: "The request id: the caller's X-Request-Id when it was sane, else a new one.",
    required: true,
    schema: { type: 'string' },
  },
} as const;

const rateLimitHeaders = {
  'X-RateLimit-Limit': {
    description: 'The per-minute limit of the category.',
    schema: { type: 'integer' },
  },
  'X-RateLimit-Remaining': {
    description: 'Requests left now (the tighter of the minute and 10-second windows).',
    schema: { type: 'integer' },
  },
  'X-RateLimit-Reset': {
    description: 'The end of the minute window, Unix seconds.',
    schema: { type: 'integer' },
  },
  'X-RateLimit-Category': {
    description: '`read`, `write` or `webhook`.',
    schema: { type: 'string' },
  },
} as const;

/** `Retry-After`, on a 429 or a 503. */
export const retryAfterHeader = {
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    required: true,
    schema: { type: 'integer' },
  },
} as const;

/** Headers on every authenticated answer (docs/server.md, rate limits). */
export const commonHeaders = { ...requestIdHeader, ...rateLimitHeaders } as const;

const problem = (description: string, headers: HeaderObjects = commonHeaders) => ({
  description,
  headers,
  content: problemContent,
});

/** The problem answers of any authenticated route. */
export const baseErrors = {
  401: problem('Missing or invalid bearer token (`unauthorized`).', {
    ...requestIdHeader,
    'WWW-Authenticate': {
      description: 'The Bearer challenge (RFC 6750).',
      required: true,
      schema: { type: 'string' },
    },
  }),
  403: problem('Authenticated but not allowed (`dpa-not-accepted`, `forbidden`).', requestIdHeader),
  429: problem('Rate limited (`rate-limited`), with `Retry-After`.', {
    ...commonHeaders,
    ...retryAfterHeader,
  }),
  500: problem('Unexpected server error (`internal-error`).'),
  503: problem(
    'Storage or the key set temporarily unavailable (`service-unavailable`), with `Retry-After`.',
    {
      ...commonHeaders,
      ...retryAfterHeader,
    },
  ),
} as const;

/** The problem answers of a route with an `{id}`. */
export const lookupErrors = {
  ...baseErrors,
  404: problem('No such resource in this organization (`not-found`).'),
} as const;

/** The problem answers of a write (Idempotency-Key, body). */
export const writeErrors = {
  ...lookupErrors,
  400: problem(
    'Malformed request: no Idempotency-Key, or a body that is not JSON (`malformed-request`).',
  ),
  409: problem('`invalid-state`, or `idempotency-key-in-flight`.'),
  413: problem('Body too large (`payload-too-large`).'),
  415: problem('Body not sent as application/json (`unsupported-media-type`).'),
  422: problem('`validation-error` with `errors[]`, or `idempotency-key-reused`.'),
} as const;

/** A JSON success answer of `schema`. */
export function jsonAnswer<S extends z.ZodType>(description: string, schema: S) {
  return { description, headers: commonHeaders, content: { 'application/json': { schema } } };
}
