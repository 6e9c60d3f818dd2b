/**
 * The type of the patterns a receiver's `on` accepts, for any catalog of dot-separated event
 * types: the same two shapes the subscription module parses at run time (docs/design.md §5.5).
 */

/** The first segment of each type of the union `T` (`kyc` of `kyc.vies_check_failed`). */
export type SegmentOf<T extends string> = T extends `${infer S}.${string}` ? S : never;

/**
 * A handler pattern over the catalog types `T`: one of the types, or `<segment>.*` for the first
 * segment of one of them. The root wildcard `*` is never a pattern (`onAny` takes every event).
 */
export type HandlerPattern<T extends string> = T | `${SegmentOf<T>}.*`;
