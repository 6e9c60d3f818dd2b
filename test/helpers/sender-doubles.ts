// Small test doubles for the sender's ports: a 204 transport result, and a storage with some of
// its members replaced (a Proxy that forwards the rest to the real storage, methods bound to it).
import type { SenderStorage } from '../../src/sender/ports/sender-storage.js';
import type { TransportResult } from '../../src/sender/ports/transport.js';

/** What a transport resolves for a 204 answer that took 1 ms. */
export const OK_204: TransportResult = {
  statusCode: 204,
  failureReason: null,
  responseBody: '',
  retryAfter: null,
  durationMs: 1,
};

/**
 * `storage` with `overrides` in place of its members (methods or properties such as `claimCost`);
 * every other member is the storage's own, its methods bound to it.
 */
export function storageWith<S extends SenderStorage>(
  storage: S,
  overrides: Partial<Record<keyof SenderStorage, unknown>>,
): S {
  return new Proxy(storage, {
    get(target, key) {
      if (Object.hasOwn(overrides, key)) return (overrides as Record<PropertyKey, unknown>)[key];
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
