// The sender's hook dispatch: synchronous, isolated listeners (a throwing listener is logged and
// reported as `sender.error`, never propagated into the dispatcher).

import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { summarizeError } from '../../logging/internal/summarize-error.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { SenderEventMap, SenderEventName, SenderListener } from '../sender-events.js';
import { LogThrottle } from './log-throttle.js';

export class HookBus {
  readonly #listeners = new Map<SenderEventName, Set<(payload: never) => void>>();
  readonly #logger: Logger;
  readonly #clock: Clock;
  /** A listener that throws on every delivery is logged once a minute (docs/design.md §5.23). */
  readonly #throttle = new LogThrottle();

  constructor(logger: Logger, clock: Clock) {
    this.#logger = logger;
    this.#clock = clock;
  }

  on<K extends SenderEventName>(name: K, listener: SenderListener<K>): () => void {
    if (typeof listener !== 'function') {
      throw invalidOption(
        'listener',
        `sender.on('${String(name)}'): the listener must be a function, got ${describeValue(listener)}.`,
        'invalid_type',
      );
    }
    let set = this.#listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    const entry = listener as (payload: never) => void;
    set.add(entry);
    return () => void set.delete(entry);
  }

  /** Whether `name` has a listener: a payload that costs something to build is built only then. */
  has(name: SenderEventName): boolean {
    const set = this.#listeners.get(name);
    return set !== undefined && set.size > 0;
  }

  emit<K extends SenderEventName>(name: K, payload: SenderEventMap[K]): void {
    const set = this.#listeners.get(name);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        (listener as SenderListener<K>)(payload);
      } catch (error) {
        const suppressed = this.#throttle.admit(`hook ${name}`, this.#clock.now());
        if (suppressed >= 0) {
          // The listener is the application's code: its error message is its own (§5.23).
          this.#logger.warn(
            {
              stage: 'hook',
              hook: name,
              error: summarizeError(error),
              ...(suppressed > 0 ? { suppressed } : {}),
            },
            `a listener of the sender hook '${name}' threw; ignored, the sender carried on`,
          );
        }
        if (name !== 'sender.error') this.emit('sender.error', { error, during: `hook ${name}` });
      }
    }
  }
}
