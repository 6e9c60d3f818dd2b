/**
 * The origin of an endpoint URL: scheme, host and port, the unit a keep-alive pool connects to
 * and the key of the dispatcher's per-origin room (docs/design.md §5.18). Default
 * ports are dropped and the host is lower-cased, as WHATWG URL serialises an origin, so
 * `https://Hooks.example.com:443/a` and `https://hooks.example.com/b` share one origin.
 *
 * @param url - An absolute endpoint URL. A string that is not one is its own origin (endpoint
 *   URLs are checked when an endpoint is created, so this only keeps the function total).
 * @returns The origin, e.g. `https://hooks.example.com` or `http://127.0.0.1:8080`.
 * @example
 * ```ts
 * originOf('https://hooks.example.com:443/novatrade?x=1'); // 'https://hooks.example.com'
 * ```
 */
export function originOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  // `URL.origin` is the string "null" for schemes without an origin (data:, file:, …): keep such a
  // URL whole, so two of them never share a room by accident.
  return parsed.origin === 'null' ? url : parsed.origin;
}
