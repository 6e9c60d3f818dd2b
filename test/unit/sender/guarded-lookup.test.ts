// The SSRF guard at connect time (src/sender/internal/guarded-lookup.node.ts), called as a socket
// calls it: every address vetted, only vetted addresses handed on, the family the socket asks for.
import type { LookupAddress, LookupOptions } from 'node:dns';
import { describe, expect, it } from 'vitest';
import type { HostLookup } from '../../../src/sender/http-transport.node.js';
import {
  BlockedDestinationError,
  guardedLookup,
  isBlocked,
} from '../../../src/sender/internal/guarded-lookup.node.js';

type Answer =
  | { readonly error: NodeJS.ErrnoException }
  | { readonly address: string | LookupAddress[]; readonly family: number | undefined };

/** Calls the guard as `net.connect` does and resolves what it called back with. */
function ask(
  resolve: HostLookup,
  options: LookupOptions,
  allowPrivateNetworks = false,
): Promise<Answer> {
  return new Promise((done) => {
    guardedLookup(resolve, allowPrivateNetworks)(
      'receiver.test',
      options,
      (error, address, family) => {
        done(error ? { error } : { address, family });
      },
    );
  });
}

const PUBLIC_V4 = '93.184.216.34';
const PUBLIC_V6 = '2606:2800:220:1:248:1893:25c8:1946';

describe('guardedLookup', () => {
  it('all: true -> every address, each with the family derived from it', async () => {
    const answer = await ask(async () => [{ address: PUBLIC_V4 }, { address: PUBLIC_V6 }], {
      all: true,
    });
    expect(answer).toEqual({
      address: [
        { address: PUBLIC_V4, family: 4 },
        { address: PUBLIC_V6, family: 6 },
      ],
      family: undefined,
    });
  });

  it('a single answer -> the first address and its family', async () => {
    const answer = await ask(async () => [{ address: PUBLIC_V6 }, { address: PUBLIC_V4 }], {});
    expect(answer).toEqual({ address: PUBLIC_V6, family: 6 });
  });

  it('the family the socket asks for -> only addresses of that family; none of it -> ENOTFOUND', async () => {
    const both: HostLookup = async () => [{ address: PUBLIC_V6 }, { address: PUBLIC_V4 }];
    expect(await ask(both, { family: 4 })).toEqual({ address: PUBLIC_V4, family: 4 });
    const answer = await ask(async () => [{ address: PUBLIC_V6 }], { family: 4 });
    expect(answer).toMatchObject({ error: { code: 'ENOTFOUND' } });
  });

  it('one internal address among public ones -> BlockedDestinationError, which isBlocked sees through causes', async () => {
    const answer = await ask(async () => [{ address: PUBLIC_V4 }, { address: '10.0.0.7' }], {});
    expect('error' in answer && answer.error).toBeInstanceOf(BlockedDestinationError);
    const error = (answer as { error: Error }).error;
    expect(isBlocked(error)).toBe(true);
    expect(isBlocked(new Error('connect failed', { cause: error }))).toBe(true);
    expect(isBlocked(new Error('connect failed'))).toBe(false);
  });

  it('with allowPrivateNetworks -> internal addresses are handed on', async () => {
    const answer = await ask(async () => [{ address: '127.0.0.1' }], {}, true);
    expect(answer).toEqual({ address: '127.0.0.1', family: 4 });
  });

  it.each<[string, HostLookup]>([
    ['no address', async () => []],
    ['not an array', async () => ({}) as never],
    ['an entry that is not an IP address', async () => [{ address: PUBLIC_V4 }, { address: 'x' }]],
  ])('a resolver answering %s -> ENOTFOUND', async (_, resolve) => {
    expect(await ask(resolve, {})).toMatchObject({ error: { code: 'ENOTFOUND' } });
  });

  it("a resolver's own failure -> that error", async () => {
    const failure = Object.assign(new Error('queryA ESERVFAIL'), { code: 'ESERVFAIL' });
    const answer = await ask(async () => Promise.reject(failure), {});
    expect(answer).toEqual({ error: failure });
  });
});
