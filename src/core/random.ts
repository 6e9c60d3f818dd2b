/**
 * A source of cryptographically secure random bytes, injected so that the core stays free of
 * global randomness (CONTRIBUTING.md, "Modules"). Tests pass a seeded source; the entry points pass
 * WebCrypto's `getRandomValues`.
 */
export type RandomSource = (byteLength: number) => Uint8Array;
