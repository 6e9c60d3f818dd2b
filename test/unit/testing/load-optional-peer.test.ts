import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isWebhooksError } from '../../../src/core/errors.js';
import {
  createPeerLoader,
  loadOptionalPeer,
  OPTIONAL_PEER_RANGES,
} from '../../../src/testing/internal/load-optional-peer.node.js';
import { errorOf, thrown } from '../../helpers/thrown.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

describe('loadOptionalPeer', () => {
  it('declares each peer in package.json as an optional peer with the same range', () => {
    for (const [peer, range] of Object.entries(OPTIONAL_PEER_RANGES)) {
      expect(pkg.peerDependencies[peer]).toBe(range);
      expect(pkg.peerDependenciesMeta[peer]?.optional).toBe(true);
    }
  });

  it('loads msw and fast-check through require, once', () => {
    const msw = loadOptionalPeer<{ http: { all: unknown } }>('msw', 'test');
    expect(typeof msw.http.all).toBe('function');
    expect(loadOptionalPeer('msw', 'test')).toBe(msw);
    const fc = loadOptionalPeer<{ integer: unknown }>('fast-check', 'test');
    expect(typeof fc.integer).toBe('function');
  });

  it('a peer that is not installed -> optional_dependency_missing naming the peer and the fix', () => {
    let calls = 0;
    const load = createPeerLoader((id) => {
      calls += 1;
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    });
    const error = thrown(() => load('msw', 'createManagementApiHandlers'));
    expect(isWebhooksError(error) && error.code).toBe('optional_dependency_missing');
    expect((error as Error).message).toBe(
      'createManagementApiHandlers needs the optional peer dependency msw (^2.10.0): install it ' +
        'with `npm install --save-dev msw`.',
    );
    // not cached: installing it later works without a restart
    expect(() => load('msw', 'x')).toThrow();
    expect(calls).toBe(2);
  });

  it('a module missing inside an installed peer, or any other load error, passes through', () => {
    const inner = Object.assign(new Error("Cannot find module 'graphql'"), {
      code: 'MODULE_NOT_FOUND',
    });
    expect(
      errorOf(() =>
        createPeerLoader(() => {
          throw inner;
        })('msw', 'x'),
      ),
    ).toBe(inner);
    const syntax = new SyntaxError('bad');
    expect(
      errorOf(() =>
        createPeerLoader(() => {
          throw syntax;
        })('fast-check', 'x'),
      ),
    ).toBe(syntax);
  });
});
