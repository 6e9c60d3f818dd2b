// Error messages name the call by its route, not its ids: a path segment that is not a fixed word
// of the API (`v1`, `webhooks`, `rotate-secret`) is shown as `{id}`. Ids are not secrets, but a
// message is copied into logs and tickets, and the route is what a reader needs.

const FIXED_SEGMENT = /^(?:v\d{1,3}|[a-z]{1,40}(?:-[a-z]{1,40}){0,5})$/;

/**
 * `path` with every segment that is not a fixed lowercase word (or `v1`, `v2`, …) replaced by
 * `{id}`, and any query or fragment dropped.
 *
 * @example
 * ```ts
 * pathTemplate('/v1/webhooks/wh_01j9/deliveries'); // '/v1/webhooks/{id}/deliveries'
 * ```
 */
export function pathTemplate(path: string): string {
  const end = path.search(/[?#]/);
  const bare = end === -1 ? path : path.slice(0, end);
  return bare
    .split('/')
    .map((segment) => (segment === '' || FIXED_SEGMENT.test(segment) ? segment : '{id}'))
    .join('/');
}
