/**
 * The platform pieces a verifier is built from: an HMAC primitive and a clock. The core has
 * neither (it is runtime-neutral); the `*.node.ts` and `*.web.ts` entry files supply them.
 *
 * @example
 * ```ts
 * const platform: VerifierPlatform<HmacSha256Hex> = { hmac: nodeHmacSha256Hex, now: Date.now };
 * ```
 */
export interface VerifierPlatform<H> {
  /** The HMAC-SHA256 primitive (`HmacSha256Hex` or `HmacSha256HexAsync`). */
  readonly hmac: H;
  /** The default clock in epoch milliseconds, used when a call passes no `now` option. */
  readonly now: () => number;
}
