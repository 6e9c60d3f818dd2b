// The sender's hook dispatch: synchronous, isolated listeners (a throwing listener is logged and
// reported as `sender.error`, never propagated into the dispatcher).

import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import type { Logger } from '../ports/logger.js';
import type { SenderEventMap, SenderEventName, SenderListener } from '../sender-events.js';

export class HookBus {
  readonly #listeners = new Map<SenderEventName, Set<(payload: never) => void>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  on<K extends SenderEventName>(name: K, listener: SenderListener<K>): () => void {
    if (typeof listener !== 'function') {
      throw invalidOption(
        'listener',
        `sender.on('${String(name)}'): the listener must be a function, got ${describeValue(listener)}.`,
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

  emit<K extends SenderEventName>(name: K, payload: SenderEventMap[K]): void {
    const set = this.#listeners.get(name);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        (listener as SenderListener<K>)(payload);
      } catch (error) {
        this.#logger.warn({ hook: name }, 'a sender hook listener threw; ignored');
        if (name !== 'sender.error') this.emit('sender.error', { error, during: `hook ${name}` });
      }
    }
  }
}
