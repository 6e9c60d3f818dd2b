import { createHmac } from 'node:crypto';
import type { HmacSha256Hex } from '../../src/core/signature/hmac-sha256-hex.js';

/** The plainest HMAC-SHA256 primitive on node:crypto: the reference the optimised ones must equal. */
export const referenceHmac: HmacSha256Hex = (key, message) => {
  const hmac = createHmac('sha256', key);
  for (const part of message) hmac.update(part);
  return hmac.digest('hex');
};
