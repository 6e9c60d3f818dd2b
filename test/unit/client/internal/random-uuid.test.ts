import { describe, expect, it } from 'vitest';
import { randomUuid } from '../../../../src/client/internal/random-uuid.js';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('randomUuid', () => {
  it('answers distinct version 4 UUIDs from the platform', () => {
    const ids = new Set(Array.from({ length: 200 }, () => randomUuid()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(V4);
  });

  it('builds one from getRandomValues where randomUUID is missing (an insecure browser page)', () => {
    const platform = {
      getRandomValues: <T extends ArrayBufferView | null>(array: T): T =>
        globalThis.crypto.getRandomValues(array as Uint8Array) as unknown as T,
    };
    const ids = new Set(Array.from({ length: 200 }, () => randomUuid(platform)));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(V4);
    const zeros = { getRandomValues: <T>(array: T): T => array };
    expect(randomUuid(zeros as never)).toBe('00000000-0000-4000-8000-000000000000');
    const ones = {
      getRandomValues: <T>(array: T): T => {
        (array as Uint8Array).fill(0xff);
        return array;
      },
    };
    expect(randomUuid(ones as never)).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });
});
