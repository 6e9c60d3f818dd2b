// Reads a request body with a size cap, without buffering more than the cap: a declared
// `Content-Length` over the cap is refused before any byte is read, and a streamed body is
// cancelled as soon as it passes the cap (a client cannot make the server hold a large body in
// memory by leaving the length out).

import { concatBytes } from '../../core/internal/bytes.js';

/** The body, or `null` when it is larger than the cap. */
export type BoundedBody = Uint8Array | null;

/**
 * The bytes of `request`'s body, or `null` when they exceed `maxBytes`. A request without a
 * body gives an empty array.
 *
 * @param request - the request; its body is consumed.
 * @param maxBytes - the cap, in bytes.
 */
export async function readBoundedBody(request: Request, maxBytes: number): Promise<BoundedBody> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) return null;
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : concatBytes(chunks);
}

/**
 * Whether a `Content-Type` is one a write route reads: `application/json`, and on a PATCH also
 * `application/merge-patch+json` (RFC 7396); parameters (`; charset=utf-8`) allowed, any case.
 * Checked here because Hono's validators take any `application/*+json` for JSON.
 *
 * @param contentType - the header value, or `null`.
 * @param mergePatch - whether the route is a PATCH.
 */
export function isJsonContentType(contentType: string | null, mergePatch = false): boolean {
  if (contentType === null) return false;
  const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return (
    mediaType === 'application/json' || (mergePatch && mediaType === 'application/merge-patch+json')
  );
}
