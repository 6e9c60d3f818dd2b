// fast-check is an optional peer of the testing entry: it is loaded when an arbitrary is built,
// never when `@novatrade24/webhooks/testing` is imported (docs/design.md §5.38). Only its types
// are imported statically; a value import would make it a required dependency.

import type * as FastCheck from 'fast-check';
import { loadOptionalPeer } from './load-optional-peer.node.js';

/** The fast-check module the arbitraries are built with. */
export type FastCheckModule = typeof FastCheck;

/**
 * The fast-check module, loaded once. In the ESM build this is fast-check's CommonJS copy, while
 * a test file that imports fast-check gets its ESM copy: the two work together, because fast-check
 * recognises arbitraries, random generators and shrink streams by shape, not by class identity
 * (a test in test/unit/testing/arbitraries proves it).
 *
 * @param feature - the function that needs it, for the error message (`eventArbitrary`).
 * @throws WebhookValidationError `optional_dependency_missing` when fast-check is not installed.
 */
export function loadFastCheck(feature: string): FastCheckModule {
  return loadOptionalPeer<FastCheckModule>('fast-check', feature);
}
