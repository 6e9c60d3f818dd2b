import { WebhookVerificationError } from '../../core/errors.js';
import { describeValue } from '../../core/internal/describe-value.js';

/**
 * How to get the raw request body in each common framework. Shown whenever a parsed object (or
 * anything else that is not the raw bytes) arrives where the raw body belongs: the signature
 * covers the exact bytes the sender sent, and `JSON.stringify(JSON.parse(body))` is not them.
 */
export const RAW_BODY_HELP =
  'Pass the raw request body (a string or a Uint8Array/Buffer), not parsed JSON. ' +
  "Express: mount `express.raw({ type: 'application/json' })` on the webhook route, before any " +
  '`express.json()`, and pass `req.body` (or use `expressHandler`). Fastify: register the ' +
  "`fastifyWebhooks` plugin, or a content-type parser with `parseAs: 'buffer'`. Next.js route " +
  'handler: `await request.text()`. Hono: `await c.req.text()` (or pass `c.req.raw` to ' +
  '`fetchHandler`). node:http: collect the request stream (or use `toNodeListener`).';

/** True for the raw body types the verifiers accept. */
export function isRawBody(value: unknown): value is string | Uint8Array {
  return typeof value === 'string' || value instanceof Uint8Array;
}

/**
 * Checks that `value` is a raw body before anything else runs, so a parsed body fails with a
 * message that says how to fix it (CONTRIBUTING.md, "Bytes and crypto").
 *
 * @throws WebhookVerificationError `invalid_payload_type` naming what arrived and the fix.
 */
export function assertRawBody(
  value: unknown,
  fnName: string,
): asserts value is string | Uint8Array {
  if (isRawBody(value)) return;
  throw new WebhookVerificationError(
    'invalid_payload_type',
    `${fnName}: expected the raw request body as a string or Uint8Array, got ` +
      `${describeValue(value)}. ${RAW_BODY_HELP}`,
  );
}
