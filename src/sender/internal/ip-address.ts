// Address classification for the SSRF guard (docs/design.md §5.14). Pure and runtime-neutral: no
// node: imports, so the same rules can serve any transport. The guard fails closed: a string that
// is not a well-formed IP address counts as internal, and IPv6 outside the global unicast block
// 2000::/3 counts as internal too, because nothing public is ever allocated there.

/** A 32-bit IPv4 range: `base` with the top `bits` bits significant. */
interface Ipv4Range {
  readonly base: number;
  readonly bits: number;
}

function v4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/**
 * IPv4 ranges that are not a public internet destination (IANA special-purpose registry):
 * loopback, private, link-local, CGNAT, multicast, unspecified, broadcast, and the reserved,
 * documentation and benchmarking blocks, which no legitimate receiver uses.
 */
const INTERNAL_IPV4: readonly Ipv4Range[] = [
  { base: v4(0, 0, 0, 0), bits: 8 }, // "this network", unspecified
  { base: v4(10, 0, 0, 0), bits: 8 }, // private (RFC 1918)
  { base: v4(100, 64, 0, 0), bits: 10 }, // CGNAT shared address space (RFC 6598)
  { base: v4(127, 0, 0, 0), bits: 8 }, // loopback
  { base: v4(169, 254, 0, 0), bits: 16 }, // link-local, cloud metadata (169.254.169.254)
  { base: v4(172, 16, 0, 0), bits: 12 }, // private (RFC 1918)
  { base: v4(192, 0, 0, 0), bits: 24 }, // IETF protocol assignments
  { base: v4(192, 0, 2, 0), bits: 24 }, // TEST-NET-1
  { base: v4(192, 168, 0, 0), bits: 16 }, // private (RFC 1918)
  { base: v4(198, 18, 0, 0), bits: 15 }, // benchmarking
  { base: v4(198, 51, 100, 0), bits: 24 }, // TEST-NET-2
  { base: v4(203, 0, 113, 0), bits: 24 }, // TEST-NET-3
  { base: v4(224, 0, 0, 0), bits: 4 }, // multicast
  { base: v4(240, 0, 0, 0), bits: 4 }, // reserved, includes broadcast 255.255.255.255
];

function inRange(value: number, range: Ipv4Range): boolean {
  const mask = range.bits === 0 ? 0 : (0xffffffff << (32 - range.bits)) >>> 0;
  return (value & mask) >>> 0 === range.base;
}

const DECIMAL_OCTET = /^(?:0|[1-9]\d{0,2})$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/;

/** Strict dotted-decimal IPv4 (no leading zeros, no shorthand) as an unsigned 32-bit number. */
function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!DECIMAL_OCTET.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

/** IPv6 (optionally bracketed, with a zone id or an embedded dotted IPv4 tail) as 8 groups. */
function parseIpv6(input: string): number[] | null {
  let text = input.toLowerCase();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (lastColon !== -1 && text.includes('.', lastColon)) {
    const embedded = parseIpv4(text.slice(lastColon + 1));
    if (embedded === null) return null;
    tail = [embedded >>> 16, embedded & 0xffff];
    // keep the colon so "::1.2.3.4" leaves "::" behind, and "a::b:1.2.3.4" leaves "a::b:"
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (half: string | undefined): number[] | null => {
    if (half === undefined || half === '') return [];
    const groups: number[] = [];
    for (const group of half.split(':')) {
      if (!HEX_GROUP.test(group)) return null;
      groups.push(Number.parseInt(group, 16));
    }
    return groups;
  };
  const head = groupsOf(halves[0]);
  if (head === null) return null;
  const width = 8 - tail.length;
  if (halves.length === 1) {
    if (head.length !== width) return null;
    return [...head, ...tail];
  }
  const rest = groupsOf(halves[1]);
  if (rest === null) return null;
  const missing = width - head.length - rest.length;
  // "::" stands for at least one zero group
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...rest, ...tail];
}

function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** RFC 5952: lowercase, no leading zeros, the longest run (>= 2) of zero groups as "::". */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLength).join(':');
  return `${left}::${right}`;
}

function word(high: number | undefined, low: number | undefined): number {
  return (((high ?? 0) << 16) | (low ?? 0)) >>> 0;
}

function allZero(groups: readonly number[], from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) if (groups[i] !== 0) return false;
  return true;
}

/**
 * The IPv4 destination an IPv6 address stands for, when it is one of the spellings that carry a
 * single IPv4 address: IPv4-mapped `::ffff:a.b.c.d` (any spelling, `::ffff:7f00:1` included),
 * SIIT `::ffff:0:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d` and 6to4
 * `2002:AABB:CCDD::/48`. `null` for any other IPv6 address.
 */
function embeddedIpv4(g: readonly number[]): number | null {
  const low = word(g[6], g[7]);
  if (allZero(g, 0, 5) && g[5] === 0xffff) return low; // ::ffff:0:0/96, mapped
  if (allZero(g, 0, 4) && g[4] === 0xffff && g[5] === 0) return low; // ::ffff:0:0:0/96, SIIT
  // ::/96, IPv4-compatible (deprecated); "::" and "::1" are IPv6's own unspecified and loopback
  if (allZero(g, 0, 6) && low > 1) return low;
  if (g[0] === 0x64 && g[1] === 0xff9b && allZero(g, 2, 6)) return low; // 64:ff9b::/96, NAT64
  if (g[0] === 0x2002) return word(g[1], g[2]); // 2002::/16, 6to4
  return null;
}

/**
 * The canonical spelling of an IP address: dotted decimal for IPv4 and for IPv6 spellings that
 * carry an IPv4 destination (IPv4-mapped, SIIT, IPv4-compatible, NAT64 `64:ff9b::/96`, 6to4),
 * RFC 5952 form for other IPv6. Brackets and zone ids are dropped.
 *
 * @param address - An IPv4 address in dotted decimal, or an IPv6 address in any valid spelling.
 * @returns The canonical address, or `null` when `address` is not a well-formed IP address.
 * @example
 * ```ts
 * normalizeAddress('::ffff:7f00:1'); // '127.0.0.1'
 * normalizeAddress('2001:DB8:0:0:0:0:0:1'); // '2001:db8::1'
 * ```
 */
export function normalizeAddress(address: string): string | null {
  const ipv4 = parseIpv4(address);
  if (ipv4 !== null) return formatIpv4(ipv4);
  const groups = parseIpv6(address);
  if (groups === null) return null;
  const embedded = embeddedIpv4(groups);
  return embedded === null ? formatIpv6(groups) : formatIpv4(embedded);
}

function isInternalIpv4(value: number): boolean {
  return INTERNAL_IPV4.some((range) => inRange(value, range));
}

function isInternalIpv6(g: readonly number[]): boolean {
  const first = g[0] ?? 0;
  // Outside 2000::/3 nothing is globally routable: ::, ::1, 64:ff9b:1::/48 (local NAT64),
  // 100::/64 (discard), fc00::/7 (unique local), fe80::/10 (link-local), fec0::/10, ff00::/8.
  if ((first & 0xe000) !== 0x2000) return true;
  if (first === 0x2001 && g[1] === 0x0db8) return true; // documentation 2001:db8::/32
  if (first === 0x2001 && g[1] === 0) {
    // Teredo 2001::/32: the client's IPv4 is the last 32 bits, inverted
    return isInternalIpv4(~word(g[6], g[7]) >>> 0);
  }
  return false;
}

/**
 * Whether a connection to `address` would reach an internal destination (docs/design.md §5.14):
 * loopback (127/8, ::1), private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local
 * (169.254/16, fe80::/10), CGNAT (100.64/10), multicast (224/4, ff00::/8), unspecified
 * (0/8, ::), broadcast and reserved (240/4), documentation and benchmarking blocks, IPv6
 * outside 2000::/3, and every IPv6 spelling that carries an internal IPv4 (see
 * {@link normalizeAddress}). Fails closed: anything that is not a well-formed IP address is
 * internal.
 *
 * @param address - An IP address as a resolver or a URL host gives it.
 * @returns `true` when the transport must refuse to connect.
 * @example
 * ```ts
 * isInternalAddress('169.254.169.254'); // true
 * isInternalAddress('::ffff:127.0.0.1'); // true
 * isInternalAddress('93.184.216.34'); // false
 * ```
 */
export function isInternalAddress(address: string): boolean {
  const ipv4 = parseIpv4(address);
  if (ipv4 !== null) return isInternalIpv4(ipv4);
  const groups = parseIpv6(address);
  if (groups === null) return true;
  const embedded = embeddedIpv4(groups);
  return embedded === null ? isInternalIpv6(groups) : isInternalIpv4(embedded);
}
