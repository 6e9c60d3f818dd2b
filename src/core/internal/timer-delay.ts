// The longest delay a timer holds, and the range of a timer option: one constant for the sender,
// the transport and the receiver (docs/design.md §5.26).

import type { IntegerRange } from './integer-option.js';

/**
 * The longest delay a timer holds: 2^31 - 1 ms, about 24.8 days. Node (and browsers) fire a longer
 * timer at once, so a longer timeout would expire the moment it starts.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * A timer delay given as an option (`profile.timeoutMs`, `storeTimeoutMs`): a whole number of
 * milliseconds from 1 to {@link MAX_TIMER_MS}, read by the integer rule like every other `*Ms`
 * option. No value turns the timer off.
 *
 * `HttpTransport.send`'s `timeoutMs` differs, and only in accepting a fraction: it is not
 * configuration but a duration handed over the `Transport` port per request, which a caller may
 * compute (what is left of a budget), and a timer takes a fraction as it is. It is read by the
 * positive-number rule with the same {@link MAX_TIMER_MS} as its upper end, so the two agree on
 * every whole number and on every issue code but `invalid_type` for a fraction.
 */
export const TIMER_OPTION_RANGE: IntegerRange = Object.freeze({ min: 1, max: MAX_TIMER_MS });
