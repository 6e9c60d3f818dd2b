// The testing entry's optional peers (msw for the management API mock, fast-check for the
// arbitraries) are loaded on first use, synchronously, so that importing
// `@novatrade24/webhooks/testing` for a fake clock or a signed request never needs them
// (docs/design.md §5.38). A static import would make them required: ESM links every import
// before any code runs. `require` resolves them next to this package, as a static import would;
// on Node >= 20.19 it also loads an ESM-only peer (require(esm)).

import { createRequire } from 'node:module';
import { WebhookValidationError } from '../../core/errors.js';

/** The optional peers of the testing entry, with the range this package is tested against. */
const PEERS = {
  msw: '^2.10.0',
  'fast-check': '^4.0.0',
} as const;

/** An optional peer of the testing entry. */
export type OptionalPeer = keyof typeof PEERS;

// `createRequire(import.meta.url)` in both builds: the bundler turns a bare `require` in the ESM
// build into a shim that throws ("Dynamic require … is not supported"), and it rewrites
// `import.meta.url` in the CJS build to the file's URL.
const requireHere: (id: string) => unknown = createRequire(import.meta.url);

/**
 * A loader of optional peers over `requireModule` (tests pass one that fails), caching each
 * module it loads.
 */
export function createPeerLoader(
  requireModule: (id: string) => unknown,
): <T>(peer: OptionalPeer, feature: string) => T {
  const loaded = new Map<OptionalPeer, unknown>();
  return <T>(peer: OptionalPeer, feature: string): T => {
    if (loaded.has(peer)) return loaded.get(peer) as T;
    let module: unknown;
    try {
      module = requireModule(peer);
    } catch (error) {
      // Only the peer itself missing; a module missing inside an installed peer is its own fault.
      const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
      if (code === 'MODULE_NOT_FOUND' && String(message).includes(`'${peer}'`)) {
        throw new WebhookValidationError(
          'optional_dependency_missing',
          `${feature} needs the optional peer dependency ${peer} (${PEERS[peer]}): install it ` +
            `with \`npm install --save-dev ${peer}\`.`,
          { cause: error },
        );
      }
      throw error;
    }
    loaded.set(peer, module);
    return module as T;
  };
}

/** The optional peer ranges, as package.json declares them (a test keeps the two equal). */
export const OPTIONAL_PEER_RANGES: Readonly<Record<OptionalPeer, string>> = PEERS;

/**
 * The module `peer`, loaded once.
 *
 * @param peer - the package name.
 * @param feature - what needs it, for the error message (`createManagementApiHandlers`).
 * @throws WebhookValidationError `optional_dependency_missing` when it is not installed.
 */
export const loadOptionalPeer: <T>(peer: OptionalPeer, feature: string) => T =
  createPeerLoader(requireHere);
