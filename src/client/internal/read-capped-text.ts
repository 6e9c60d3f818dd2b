// An answer's body as text, read up to a cap: error and token bodies are small, and whatever a
// proxy answers instead (an HTML page, an endless stream) must not be read whole into memory.

/**
 * The body of `response` as UTF-8 text (malformed bytes replaced), at most `maxBytes` bytes of
 * it; the rest is cancelled. An absent body is `''`.
 *
 * @throws what reading the body throws (the connection broke, the request was aborted).
 */
export async function readCappedText(response: Response, maxBytes: number): Promise<string> {
  const body = response.body;
  if (body === null) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = maxBytes - read;
    const chunk = value.byteLength > room ? value.subarray(0, room) : value;
    read += chunk.byteLength;
    text += decoder.decode(chunk, { stream: true });
    if (read >= maxBytes) {
      // Not awaited: some streams (mocked ones among them) settle a cancel only when drained.
      reader.cancel().catch(() => undefined);
      break;
    }
  }
  return text + decoder.decode();
}
