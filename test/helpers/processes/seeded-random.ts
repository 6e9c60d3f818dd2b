// Reproducible randomness for the process tests: a receiver's answers and a test's kill moments
// are functions of a printed seed, so a failing run can be replayed with the same seed (the
// processes' own timing still varies from run to run).

/** 32-bit FNV-1a of `text` (UTF-16 code units). */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A uniform number in [0, 1) made from `seed` and `key` alone (the same pair, the same number). */
export function seededUnit(seed: number, key: string): number {
  // One round of mulberry32 over the mixed key: enough to spread FNV's low bits.
  let t = (hash32(`${seed}:${key}`) + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

/** A stream of uniform numbers in [0, 1) from `seed` (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed from the environment variable `name` (decimal), else a new one. */
export function seedFrom(name: string): number {
  const given = process.env[name];
  if (given !== undefined && /^\d+$/.test(given)) return Number(given) >>> 0;
  return Math.floor(Math.random() * 2 ** 31);
}

/** A positive integer from the environment variable `name`, else `fallback`. */
export function sizeFrom(name: string, fallback: number): number {
  const given = process.env[name];
  if (given === undefined || given === '') return fallback;
  const value = Number(given);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(given)}`);
  }
  return value;
}
