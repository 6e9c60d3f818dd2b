import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { originOf } from '../../../src/sender/origin-of.js';

describe('originOf', () => {
  it.each([
    ['https://hooks.example/a?x=1#f', 'https://hooks.example'],
    ['https://HOOKS.Example:443/b', 'https://hooks.example'],
    ['http://hooks.example:80/', 'http://hooks.example'],
    ['http://hooks.example:8080/a', 'http://hooks.example:8080'],
    ['https://user:pw@hooks.example/a', 'https://hooks.example'],
    ['http://127.0.0.1:3000/x', 'http://127.0.0.1:3000'],
    ['https://[::1]:8443/x', 'https://[::1]:8443'],
  ])('originOf(%s) -> %s', (url, origin) => {
    expect(originOf(url)).toBe(origin);
  });

  it('a string that is not an absolute URL, or a URL without an origin, is its own origin', () => {
    expect(originOf('not a url')).toBe('not a url');
    expect(originOf('data:text/plain,x')).toBe('data:text/plain,x');
  });

  it('path, query, fragment and credentials never change the origin', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: true, withFragments: true }),
        fc.webPath(),
        (url, path) => {
          const parsed = new URL(url);
          const moved = new URL(url);
          moved.pathname = path;
          moved.search = '?other=1';
          moved.hash = '';
          expect(originOf(moved.href)).toBe(originOf(parsed.href));
          expect(originOf(url)).toBe(parsed.origin);
        },
      ),
    );
  });

  it('scheme and port separate origins', () => {
    fc.assert(
      fc.property(fc.domain(), fc.integer({ min: 1, max: 65_535 }), (host, port) => {
        expect(originOf(`https://${host}:${port}/a`)).not.toBe(
          originOf(`http://${host}:${port}/a`),
        );
        if (port !== 443) {
          expect(originOf(`https://${host}:${port}/a`)).not.toBe(originOf(`https://${host}/a`));
        }
      }),
    );
  });
});
