// Why a `fetch` got no answer, in words and as a stable code: Node's fetch rejects with a bare
// "fetch failed" TypeError whose `cause` holds the system error (ECONNREFUSED, ENOTFOUND, …), and
// a timeout signal rejects with a `TimeoutError`.

/** A failure to get an answer. */
export interface FetchFailure {
  /** `connection_refused`, `host_not_found`, `timeout`, `connection_reset` or `network_error`. */
  readonly code: string;
  /** What happened, for a message: "connection refused". */
  readonly text: string;
}

/**
 * Classifies what `fetch` rejected with.
 *
 * @param error - the rejection.
 * @param timeoutMs - the deadline that a `TimeoutError` means, for the text (when known).
 * @example
 * ```ts
 * try { await fetch(url, { signal: AbortSignal.timeout(5000) }); }
 * catch (error) { const { code, text } = describeFetchFailure(error, 5000); }
 * ```
 */
export function describeFetchFailure(error: unknown, timeoutMs?: number): FetchFailure {
  const timeout: FetchFailure = {
    code: 'timeout',
    text: timeoutMs === undefined ? 'no answer in time' : `no answer within ${timeoutMs} ms`,
  };
  if (error instanceof Error && error.name === 'TimeoutError') return timeout;
  const systemCode = findSystemCode(error);
  switch (systemCode) {
    case 'ECONNREFUSED':
      return { code: 'connection_refused', text: 'connection refused (is it listening?)' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { code: 'host_not_found', text: 'the host name does not resolve' };
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return { code: 'connection_reset', text: 'the connection was closed before an answer' };
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return timeout;
    default: {
      if (systemCode !== undefined) {
        return { code: 'network_error', text: `the request failed (${systemCode})` };
      }
      // No system code: fetch's own refusal, such as "bad port" (ports fetch never connects to).
      const cause = (error as { cause?: unknown } | null)?.cause;
      const reason = cause instanceof Error ? cause.message.slice(0, 200) : '';
      return {
        code: 'network_error',
        text: reason === '' ? 'the request failed' : `the request failed: ${reason}`,
      };
    }
  }
}

/** The first `code` of an error, its `cause` chain or an AggregateError's errors. */
function findSystemCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 4) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = findSystemCode(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return findSystemCode(cause, depth + 1);
}
