// The backlog age from the storage's next due time: the pure step behind
// `WebhookSender.backlogAgeSeconds()`.

/**
 * How long the oldest due delivery has waited, in seconds: `nowMs - nextDueAtMs` when that is
 * positive, else 0 (nothing is due, or the next delivery falls due in the future). Never negative,
 * never NaN: a time that is not finite counts as nothing due.
 *
 * @param nextDueAtMs - `SenderStorage.nextDueAtMs()`, epoch ms, or `null` when nothing is PENDING.
 * @param nowMs - the sender's clock, epoch ms.
 * @returns seconds, with millisecond precision.
 * @example
 * ```ts
 * backlogAgeFrom(1_000, 3_500); // 2.5
 * backlogAgeFrom(5_000, 3_500); // 0
 * ```
 */
export function backlogAgeFrom(nextDueAtMs: number | null, nowMs: number): number {
  if (nextDueAtMs === null) return 0;
  const waitedMs = nowMs - nextDueAtMs;
  return Number.isFinite(waitedMs) && waitedMs > 0 ? waitedMs / 1000 : 0;
}
