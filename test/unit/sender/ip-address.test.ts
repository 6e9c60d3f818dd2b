// The SSRF guard's address classification (docs/design.md §5.14): known answers at every range
// boundary, a naive CIDR reference over all of IPv4, and the invariance that matters most: an
// internal IPv4 stays internal in every IPv6 spelling that reaches it.
import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInternalAddress, normalizeAddress } from '../../../src/sender/internal/ip-address.js';

/** The internal IPv4 ranges, written independently of the implementation, as CIDR strings. */
const INTERNAL_CIDRS = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
] as const;

function toNumber(dotted: string): number {
  return dotted.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function dotted(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

const RANGES = INTERNAL_CIDRS.map((cidr) => {
  const [base = '', bits = ''] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return { start: toNumber(base), size };
});

/** Naive reference: plain interval arithmetic, no bit masks. */
function referenceInternal(value: number): boolean {
  return RANGES.some(({ start, size }) => value >= start && value < start + size);
}

const hex = (n: number): string => n.toString(16);

/** Every IPv6 spelling of an IPv4 destination that the guard must see through. */
function ipv6Spellings(value: number): string[] {
  const v4 = dotted(value);
  const high = hex(Math.floor(value / 65536));
  const low = hex(value % 65536);
  const pad = (s: string): string => s.padStart(4, '0');
  return [
    `::ffff:${v4}`, // IPv4-mapped
    `::ffff:${high}:${low}`, // IPv4-mapped, hex
    `::FFFF:${pad(high).toUpperCase()}:${pad(low).toUpperCase()}`,
    `0:0:0:0:0:ffff:${v4}`,
    `0000:0000:0000:0000:0000:ffff:${pad(high)}:${pad(low)}`,
    `[::ffff:${v4}]`,
    `::ffff:${v4}%eth0`,
    `::ffff:0:${v4}`, // SIIT IPv4-translated
    `64:ff9b::${v4}`, // NAT64 well-known prefix
    `64:ff9b::${high}:${low}`,
    `2002:${high}:${low}::`, // 6to4
    `2002:${high}:${low}:1234::1`,
  ];
}

const anyIpv4 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const internalIpv4 = fc
  .tuple(fc.constantFrom(...RANGES), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }))
  .map(([{ start, size }, at]) => start + Math.floor(at * size));

/** The first and last address of each range and their outside neighbours. */
const rangeEdges = fc
  .constantFrom(
    ...RANGES.flatMap(({ start, size }) => [start - 1, start, start + size - 1, start + size]),
  )
  .filter((value) => value >= 0 && value < 2 ** 32);

describe('isInternalAddress: known answers', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.255',
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.0',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.0',
    '100.127.255.255',
    '0.0.0.0',
    '0.1.2.3',
    '255.255.255.255',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '198.18.0.1',
    '::1',
    '::',
    '0:0:0:0:0:0:0:1',
    'fe80::1',
    'fe80::1%eth0',
    'febf:ffff::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    'fec0::1',
    '100::1',
    '2001:db8::1',
    '64:ff9b:1::a00:1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::FFFF:7F00:0001',
    '0:0:0:0:0:ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:0:127.0.0.1',
    '::127.0.0.1',
    '::7f00:1',
    '64:ff9b::7f00:1',
    '64:ff9b::10.0.0.1',
    '2002:7f00:1::',
    '2002:a9fe:a9fe::1',
    '2001:0:4136:e378:8000:63bf:80ff:fffe', // Teredo, client 127.0.0.1 (inverted)
    '[::1]',
    '[::ffff:127.0.0.1]',
  ])('%s is internal', (address) => {
    expect(isInternalAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '9.255.255.255',
    '11.0.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '126.255.255.255',
    '128.0.0.0',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '2a00:1450:4001:81c::200e',
    '3fff:ffff::1',
    '::ffff:8.8.8.8',
    '::ffff:808:808',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7', // Teredo, client 8.8.8.8 (inverted)
  ])('%s is public', (address) => {
    expect(isInternalAddress(address)).toBe(false);
  });

  it.each([
    '',
    'localhost',
    'example.com',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '0x7f.0.0.1',
    '127.1',
    '256.0.0.1',
    '1.2.3.-4',
    ' 8.8.8.8',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1::2::3',
    ':::',
    ':1::2',
    '1::2:',
    'g::1',
    '12345::1',
    '::ffff:1.2.3',
    '::ffff:1.2.3.4:5',
    '1:2:3:4:5:6:7:1.2.3.4',
    '[::1',
  ])('%j is not an IP address: internal (fail closed) and normalises to null', (text) => {
    expect(isInternalAddress(text)).toBe(true);
    expect(normalizeAddress(text)).toBeNull();
  });
});

describe('normalizeAddress: known answers', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['0:0:0:0:0:FFFF:7F00:0001', '127.0.0.1'],
    ['::ffff:0:a00:1', '10.0.0.1'],
    ['::a9fe:a9fe', '169.254.169.254'],
    ['64:ff9b::c000:201', '192.0.2.1'],
    ['2002:c000:0204::', '192.0.2.4'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['0:2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::', '::'],
    ['::1', '::1'],
    ['[fe80::0001%eth0]', 'fe80::1'],
    ['FF02:0:0:0:0:0:0:1', 'ff02::1'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });
});

describe('ip-address properties', () => {
  it('isInternalAddress agrees with a naive CIDR reference on every IPv4', () => {
    fc.assert(
      fc.property(fc.oneof(anyIpv4, internalIpv4, rangeEdges), (value) => {
        expect(isInternalAddress(dotted(value))).toBe(referenceInternal(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('every IPv4 in an internal range is internal in all its IPv6 spellings', () => {
    fc.assert(
      fc.property(internalIpv4, (value) => {
        expect(referenceInternal(value)).toBe(true);
        for (const spelling of [dotted(value), ...ipv6Spellings(value)]) {
          expect(isInternalAddress(spelling), spelling).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('an IPv6 spelling of any IPv4 normalises to it and is classified like it', () => {
    fc.assert(
      fc.property(anyIpv4, (value) => {
        const v4 = dotted(value);
        for (const spelling of ipv6Spellings(value)) {
          expect(normalizeAddress(spelling), spelling).toBe(v4);
          expect(isInternalAddress(spelling), spelling).toBe(referenceInternal(value));
        }
        // IPv4-compatible ::a.b.c.d, except :: and ::1, which are IPv6's own addresses
        if (value > 1) expect(normalizeAddress(`::${v4}`)).toBe(v4);
        expect(isInternalAddress(`::${v4}`)).toBe(referenceInternal(value));
      }),
      { numRuns: 500 },
    );
  });

  it('public IPv4 samples stay public, IPv4-mapped included', () => {
    const publicIpv4 = anyIpv4.filter((value) => !referenceInternal(value));
    fc.assert(
      fc.property(publicIpv4, (value) => {
        expect(isInternalAddress(dotted(value))).toBe(false);
        expect(isInternalAddress(`::ffff:${dotted(value)}`)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('any IPv6 outside the global unicast block 2000::/3 is internal', () => {
    const group = fc.integer({ min: 0, max: 0xffff });
    const nonGlobal = group.filter((g) => (g & 0xe000) !== 0x2000 && g !== 0 && g !== 0x64);
    fc.assert(
      fc.property(nonGlobal, fc.array(group, { minLength: 7, maxLength: 7 }), (first, rest) => {
        expect(isInternalAddress([first, ...rest].map(hex).join(':'))).toBe(true);
      }),
    );
  });

  it('normalises every valid IPv6 spelling: canonical, idempotent, same class', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const normal = normalizeAddress(address);
        expect(normal).not.toBeNull();
        expect(normalizeAddress(normal ?? '')).toBe(normal);
        expect(isInternalAddress(normal ?? '')).toBe(isInternalAddress(address));
        if (normal?.includes(':')) {
          // WHATWG's serializer is RFC 5952 for addresses without an IPv4 destination
          expect(normal).toBe(new URL(`http://[${address}]/`).hostname.slice(1, -1));
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('accepts exactly the strings that node:net accepts as IPv4 or IPv6', () => {
    const candidates = fc.oneof(
      fc.ipV4(),
      fc.ipV4Extended(),
      fc.ipV6(),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.'), maxLength: 45 }),
    );
    fc.assert(
      fc.property(candidates, (text) => {
        expect(normalizeAddress(text) !== null, text).toBe(isIP(text) !== 0);
      }),
      { numRuns: 2_000 },
    );
  });
});
