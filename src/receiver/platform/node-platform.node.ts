import * as nodeCrypto from 'node:crypto';
import { createStderrLogger } from '../../logging/create-stderr-logger.node.js';
import { constructEudrEvent } from '../construct-eudr-event.node.js';
import { constructEvent } from '../construct-event.node.js';
import type { ReceiverPlatform } from '../receiver-platform.js';

// crypto.hash (one-shot, Node >= 20.12) is faster than createHash; fall back on older Node 20.
const oneShot = (nodeCrypto as { hash?: (algorithm: string, data: string | Uint8Array) => string })
  .hash;

function sha256Hex(body: string | Uint8Array): string {
  return oneShot !== undefined
    ? oneShot('sha256', body)
    : nodeCrypto.createHash('sha256').update(body).digest('hex');
}

/** Synchronous `node:crypto`: the fastest on Node; logs to `process.stderr`. */
export const NODE_CRYPTO_PLATFORM: ReceiverPlatform = Object.freeze({
  constructEvent,
  constructEudrEvent,
  sha256Hex,
  defaultLogger: /* @__PURE__ */ createStderrLogger(),
});
