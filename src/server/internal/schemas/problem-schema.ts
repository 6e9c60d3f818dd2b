// The problem+json body of every error, as a schema for the OpenAPI document (the routes build
// problems with `managementProblemResponse`, never from this schema).

import { z } from '@hono/zod-openapi';

/** One field-level failure of a `validation-error` problem. */
export const problemFieldErrorSchema = z
  .object({
    field: z.string().openapi({ example: 'events.0' }),
    message: z.string().openapi({ example: 'events.0 is not an accepted value.' }),
    rejectedValue: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  })
  .openapi('ProblemFieldError');

/** An RFC 9457 problem, in the Novatrade24 shape. */
export const problemSchema = z
  .object({
    type: z.string().openapi({ example: 'https://api.novatrade24.com/problems/validation-error' }),
    title: z.string().openapi({ example: 'Validation Error' }),
    status: z.number().int().openapi({ example: 422 }),
    detail: z.string(),
    instance: z.string().openapi({ example: '/v1/webhooks' }),
    traceId: z.string().openapi({ example: 'req_a1b2c3d4' }),
    errors: z.array(problemFieldErrorSchema).optional(),
  })
  .catchall(z.unknown())
  .openapi('Problem', {
    description:
      'RFC 9457 problem details. Branch on `type`; `errors` is present for validation errors only.',
  });

/** The content of a problem response. */
export const problemContent = {
  'application/problem+json': { schema: problemSchema },
} as const;
