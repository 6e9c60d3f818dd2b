// The SSRF guard at connect time (docs/design.md §5.14), as the `lookup` HttpTransport hands its
// sockets: every address a host resolves to is vetted before a connection is made.

import { promises as dns } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { HostLookup, ResolvedAddress } from '../http-transport.node.js';
import { isInternalAddress } from './ip-address.js';

/** Thrown from the connect-time lookup when a host resolves to an internal address. */
export class BlockedDestinationError extends Error {
  readonly code = 'ERR_WEBHOOKS_BLOCKED_DESTINATION';
  constructor(hostname: string) {
    super(
      `HttpTransport: refused to connect to ${hostname}: it resolves to an internal address ` +
        '(set allowPrivateNetworks for tests and local development).',
    );
    this.name = 'BlockedDestinationError';
  }
}

/** Whether `error`, or one of its causes, is the guard refusing an internal address. */
export function isBlocked(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current instanceof BlockedDestinationError) return true;
    current = current.cause;
  }
  return false;
}

function familyOf(entry: ResolvedAddress): 4 | 6 {
  return isIP(entry.address) === 6 ? 6 : 4;
}

function notFound(hostname: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`HttpTransport: ${hostname} has no address`);
  error.code = 'ENOTFOUND';
  return error;
}

/** The system resolver, all addresses. */
export const defaultLookup: HostLookup = (hostname) => dns.lookup(hostname, { all: true });

/**
 * The SSRF guard at connect time (docs/design.md §5.14): resolve once, all addresses; refuse when any
 * of them is internal; hand the socket only the vetted addresses, so DNS rebinding between a check
 * and the connect cannot happen. Node skips `lookup` for IP literals: `send` checks those.
 */
export function guardedLookup(resolve: HostLookup, allowPrivateNetworks: boolean): LookupFunction {
  return (hostname, options, callback) => {
    const vet = async (): Promise<ResolvedAddress[]> => {
      const resolved = await resolve(hostname);
      if (!Array.isArray(resolved)) throw notFound(hostname);
      const valid = (resolved as readonly ResolvedAddress[]).filter(
        (entry) => typeof entry?.address === 'string' && isIP(entry.address) !== 0,
      );
      if (valid.length !== resolved.length || valid.length === 0) throw notFound(hostname);
      if (!allowPrivateNetworks && valid.some((entry) => isInternalAddress(entry.address))) {
        throw new BlockedDestinationError(hostname);
      }
      const family = options.family === 4 || options.family === 6 ? options.family : 0;
      const usable = family === 0 ? valid : valid.filter((entry) => familyOf(entry) === family);
      if (usable.length === 0) throw notFound(hostname);
      return usable;
    };
    vet().then(
      (addresses) => {
        if (options.all === true) {
          callback(
            null,
            addresses.map((entry) => ({ address: entry.address, family: familyOf(entry) })),
          );
        } else {
          const first = addresses[0] as ResolvedAddress;
          callback(null, first.address, familyOf(first));
        }
      },
      (error: unknown) => {
        callback(error instanceof Error ? error : notFound(hostname), '');
      },
    );
  };
}
