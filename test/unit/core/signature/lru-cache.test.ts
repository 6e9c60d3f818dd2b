import { describe, expect, it } from 'vitest';
import { LruCache } from '../../../../src/core/signature/internal/lru-cache.js';

describe('LruCache', () => {
  it('never holds more than its capacity', () => {
    const cache = new LruCache<number>(3);
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(3);
    expect(cache.get('k9')).toBe(9);
    expect(cache.get('k6')).toBeUndefined();
  });

  it('evicts the least recently used entry, counting reads as uses', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('replaces a value without evicting another entry, and deletes on request', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 10);
    expect(cache.get('b')).toBe(2);
    expect(cache.get('a')).toBe(10);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});
