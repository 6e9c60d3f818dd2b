// What a failed call of the management API client becomes on the command line (exit 1): the
// status and the problem's documented title, then the problem's `detail`, its field `errors`
// and `traceId` on the lines after; an API that did not answer is named by its base URL. A write
// that failed says its Idempotency-Key, so the same write can be repeated safely
// (docs/design.md §5.10, §5.36). Nothing here prints a token or a secret: the client's errors
// carry none.
import { isNovatradeApiError } from '../../client/novatrade-api-error.js';
import { isWebhooksError, type WebhookClientError } from '../../core/errors.js';
import { API_ENV } from './api-connection.js';
import { CliError, usageError } from './cli-error.js';
import { describeFetchFailure } from './fetch-failure.js';
import { printableText } from './printable-text.js';

/** Text of the API's answer as one line safe on a terminal (the server is not ours to trust). */
const oneLine = (text: string): string => printableText(text).replace(/\n/g, ' ');

/**
 * The `CliError` to throw for `error`, which a client call rejected with; anything that is not
 * the client's is returned unchanged (a bug: `main` prints it as it is).
 *
 * @param error - what the call rejected with.
 * @param baseUrl - the API's base URL, named when it could not be reached.
 * @example
 * ```ts
 * try { await client.endpoints.get(id); } catch (error) { throw apiFailure(error, baseUrl); }
 * ```
 */
export function apiFailure(error: unknown, baseUrl: string): unknown {
  if (!isWebhooksError(error)) return error;
  if (isNovatradeApiError(error)) {
    const lines: string[] = [];
    if (error.detail !== undefined && error.detail !== '') lines.push(`  ${oneLine(error.detail)}`);
    for (const field of error.errors) {
      lines.push(
        `  ${field.field === '' ? '(body)' : oneLine(field.field)}: ${oneLine(field.message)}`,
      );
    }
    if (error.retryAfterSeconds !== undefined) {
      lines.push(`  retry after ${error.retryAfterSeconds} s`);
    }
    if (error.traceId !== undefined) lines.push(`  traceId: ${oneLine(error.traceId)}`);
    const title = oneLine(error.title ?? 'an error');
    return new CliError(
      'api_error',
      `${error.method} ${error.path} answered ${error.status} ${title}` +
        (error.problemType === 'unknown' ? '.' : ` (${error.problemType}).`),
      {
        cause: error,
        ...(lines.length === 0 ? {} : { hint: lines.join('\n') }),
      },
    );
  }
  switch (error.code) {
    case 'api_unreachable': {
      const reason = describeFetchFailure((error as WebhookClientError).cause).text;
      return new CliError(
        'api_unreachable',
        `could not reach the management API at ${baseUrl}: ${reason}.`,
        {
          cause: error,
          hint: [
            `Is novatrade-webhooks serve running there? Pass --base-url, or set $${API_ENV.baseUrl}.`,
            ...repeatHint(error as WebhookClientError),
          ].join('\n'),
        },
      );
    }
    case 'token_request_failed':
      return new CliError('token_request_failed', error.message, {
        cause: error,
        hint: [
          'Check --client-id, --client-secret and --token-url (or their environment variables).',
          ...repeatHint(error as WebhookClientError),
        ].join('\n'),
      });
    case 'unexpected_response':
      return new CliError(
        'unexpected_response',
        `${error.message} Is ${baseUrl} the management API?`,
        {
          cause: error,
        },
      );
    case 'invalid_option':
      // An id or Idempotency-Key the client refuses before sending: the command line's.
      return usageError(error.message);
    default:
      return error;
  }
}

/** How to repeat a write that may have happened: with the key it was sent with. */
function repeatHint(error: WebhookClientError): string[] {
  return error.idempotencyKey === undefined
    ? []
    : [
        `The write may have happened: repeat it with --idempotency-key ${error.idempotencyKey}, ` +
          'and the API answers from its record instead of doing it twice.',
      ];
}
