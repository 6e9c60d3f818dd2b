// The Idempotency-Key the client makes for a write: a random (version 4) UUID from the platform's
// cryptographic generator. `crypto.randomUUID` exists in Node, Deno, Bun, workerd and browsers, but
// a browser offers it in secure contexts only; `crypto.getRandomValues` is offered everywhere, so
// it is the fallback. Never Math.random (CONTRIBUTING.md, "Anti-patterns").

interface PlatformCrypto {
  randomUUID?: () => string;
  getRandomValues<T extends ArrayBufferView | null>(array: T): T;
}

/**
 * A random version 4 UUID, lowercase (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`).
 *
 * @param platform - the crypto object to draw from. @default globalThis.crypto
 * @example
 * ```ts
 * randomUuid(); // '0b9e3c5e-6f1a-4c8e-9d2b-5a7f1e3c9d40'
 * ```
 */
export function randomUuid(
  platform: PlatformCrypto = globalThis.crypto as unknown as PlatformCrypto,
): string {
  if (typeof platform.randomUUID === 'function') return platform.randomUUID();
  const bytes = platform.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
