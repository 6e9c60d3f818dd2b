// Requests for the authenticators' tests that `new Request` cannot make: a raw Authorization value
// (with the characters `Headers` refuses or trims), and requests whose headers cannot be read.

/** A request-like object whose `Authorization` header is `authorization`, exactly. */
export function rawRequest(authorization: string | null): Request {
  return { headers: { get: () => authorization } } as unknown as Request;
}

/**
 * Requests an authenticator must answer with `null`, never a rejection: headers that throw, no
 * headers at all, and no Authorization header.
 */
export const UNREADABLE_REQUESTS: readonly Request[] = [
  {
    headers: {
      get: () => {
        throw new TypeError('no headers');
      },
    },
  } as unknown as Request,
  {} as Request,
  rawRequest(null),
];
