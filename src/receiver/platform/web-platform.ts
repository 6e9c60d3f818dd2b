import { createStderrLogger } from '../../logging/create-stderr-logger.web.js';
import { constructEudrEventAsync } from '../construct-eudr-event.web.js';
import { constructEventAsync } from '../construct-event.web.js';
import type { ReceiverPlatform } from '../receiver-platform.js';

const encoder = /* @__PURE__ */ new TextEncoder();
const HEX = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

async function sha256Hex(body: string | Uint8Array): Promise<string> {
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  let hex = '';
  for (const byte of digest) hex += HEX[byte];
  return hex;
}

/**
 * WebCrypto only: Workers, Deno, Bun, edge runtimes and Node; logs to `console.error`
 * (docs/design.md §5.23).
 */
export const WEB_CRYPTO_PLATFORM: ReceiverPlatform = Object.freeze({
  constructEvent: constructEventAsync,
  constructEudrEvent: constructEudrEventAsync,
  sha256Hex,
  defaultLogger: /* @__PURE__ */ createStderrLogger(),
});
