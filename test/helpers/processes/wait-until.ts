// Waiting on outcomes, not on time: a condition checked until it holds or a deadline passes. A
// timeout names what was awaited and how far it got, so a failed run says where it stood.

/** Options of {@link waitUntil}. */
export interface WaitUntilOptions {
  /** What is awaited, for the timeout's message. */
  readonly what: string;
  /** Give up after this long, ms. */
  readonly timeoutMs: number;
  /** How often the condition is checked, ms. @default 25 */
  readonly intervalMs?: number;
  /** Where things stand, added to the timeout's message. */
  readonly progress?: () => string;
}

/**
 * Resolves with the condition's first truthy value; rejects once `timeoutMs` has passed without
 * one. The condition may be async; a throw rejects at once.
 */
export async function waitUntil<T>(
  condition: () => T | Promise<T>,
  options: WaitUntilOptions,
): Promise<NonNullable<T>> {
  const deadline = performance.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 25;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    if (performance.now() >= deadline) {
      const progress = options.progress === undefined ? '' : ` (${options.progress()})`;
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${options.what}${progress}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
