/**
 * The sender's clock port: the time, and a wait that a fake clock can complete without real
 * sleeping. `systemClock` is the default; tests pass the fake clock from
 * `@novatrade24/webhooks/testing` and drive the dispatcher with `sender.processDue()`.
 */
export interface Clock {
  /** Now, in epoch milliseconds. */
  now(): number;
}
