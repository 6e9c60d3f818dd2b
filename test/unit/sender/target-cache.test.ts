// HttpTransport's parsed URLs (src/sender/internal/target-cache.node.ts): what send needs of a URL,
// the IP-literal verdict, the bound, and that each cache is its own.
import { describe, expect, it } from 'vitest';
import { TargetCache } from '../../../src/sender/internal/target-cache.node.js';
import { thrown } from '../../helpers/thrown.js';

describe('TargetCache.targetOf', () => {
  it('-> the origin as undici keys its pools, and the path with the query but never the fragment', () => {
    const cache = new TargetCache();
    expect(cache.targetOf('https://Partner.example:443/hooks/in?x=1&y=2#frag')).toEqual({
      origin: 'https://partner.example',
      path: '/hooks/in?x=1&y=2',
      internalLiteral: false,
    });
    expect(cache.targetOf('http://partner.example:8080')).toMatchObject({
      origin: 'http://partner.example:8080',
      path: '/',
    });
  });

  it.each([
    ['http://127.0.0.1:8080/', true],
    ['http://0x7f.1/', true],
    ['http://[::1]/', true],
    ['http://[::ffff:127.0.0.1]/', true],
    ['https://169.254.169.254/latest/meta-data/', true],
    ['http://[fd00::1]/', true],
    ['https://93.184.216.34/', false],
    ['https://[2606:2800:220:1:248:1893:25c8:1946]/', false],
    // a name is left to the connect-time lookup, which sees the addresses it resolves to
    ['http://localhost/', false],
  ])('%s -> internalLiteral %s', (url, internal) => {
    expect(new TargetCache().targetOf(url).internalLiteral).toBe(internal);
  });

  it('parses a URL once: the same string -> the same target', () => {
    const cache = new TargetCache();
    const first = cache.targetOf('https://partner.example/hooks');
    expect(cache.targetOf('https://partner.example/hooks')).toBe(first);
    expect(cache.size).toBe(1);
  });

  it('is bounded: when full, the URL stored first goes and the rest stay', () => {
    const cache = new TargetCache(2);
    const a = cache.targetOf('https://a.example/');
    const b = cache.targetOf('https://b.example/');
    cache.targetOf('https://c.example/');
    expect(cache.size).toBe(2);
    expect(cache.targetOf('https://b.example/')).toBe(b);
    const again = cache.targetOf('https://a.example/');
    expect(again).not.toBe(a);
    expect(again).toEqual(a);
  });

  it('two caches share nothing', () => {
    const one = new TargetCache(1);
    const two = new TargetCache(1);
    const mine = one.targetOf('https://a.example/');
    two.targetOf('https://b.example/');
    expect(one.targetOf('https://a.example/')).toBe(mine);
    expect(two.targetOf('https://a.example/')).not.toBe(mine);
  });

  it.each<[string, unknown, string, string]>([
    ['no url', undefined, 'required', 'got undefined'],
    ['a number', 42, 'invalid_type', 'got a number'],
    ['an unparseable string', 'not a url', 'invalid_format', 'got a string of 9 characters'],
    ['a relative URL', '/hooks', 'invalid_format', 'got a string of 6 characters'],
    ['another scheme', 'ftp://example.com/', 'invalid_value', 'got the scheme ftp:'],
  ])('%s -> invalid_option at url, issue code %s, and nothing cached', (_, url, code, got) => {
    const cache = new TargetCache();
    const error = thrown(() => cache.targetOf(url));
    expect(error.code).toBe('invalid_option');
    expect(error.issues).toEqual([expect.objectContaining({ path: 'url', code })]);
    expect(error.message).toBe(
      `HttpTransport.send: \`url\` must be an absolute http: or https: URL, ${got}.`,
    );
    expect(cache.size).toBe(0);
  });
});
