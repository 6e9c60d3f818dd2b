// The running sender's subscription to its storage's change feed (`SenderStorage.watch`, an
// optional capability: `ports/storage-changes.ts`). Opened at `start()`, closed at `stop()`. A
// change another process stored reaches this sender at once: due work wakes the dispatcher, an
// endpoint change drops that organization's cached subscription index, a resync (the feed
// reconnected and may have missed changes) drops every index and claims once. Polling and the
// cache's TTL stay the backstop (docs/design.md §2). Feed failures are logged once a minute per
// kind (docs/design.md §5.23) and reported as `sender.error`; the sender carries on polling.

import { summarizeError } from '../../logging/internal/summarize-error.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { SenderStorage } from '../ports/sender-storage.js';
import type {
  StorageChangeListener,
  StorageWatch,
  StorageWatchFailure,
} from '../ports/storage-changes.js';
import type { HookBus } from './hook-bus.js';
import { LogThrottle } from './log-throttle.js';
import type { SubscriptionCache } from './subscription-cache.js';

/** The `during` of `sender.error` and the `call` of log lines about the feed. */
const CALL = 'storage.watch';

/** What each kind of failure means for the sender, for the log line. */
const CONSEQUENCE: Readonly<Record<StorageWatchFailure['during'], string>> = {
  listen:
    'the storage change feed could not listen; retrying with backoff, and due work and ' +
    'endpoint changes of other processes are seen at the next poll meanwhile',
  connection_lost:
    "the storage change feed's session dropped; reconnecting with backoff, then claiming " +
    'once and reading endpoints again; polling carries on meanwhile',
  reconnect:
    'the storage change feed could not reconnect; retrying with backoff, and polling carries ' +
    'on meanwhile',
  payload:
    'the storage change feed received a notification it could not read; every cached ' +
    'endpoint is read again',
};

/** What a {@link StorageChangeSubscription} acts on. */
export interface StorageChangeSubscriptionDeps {
  readonly storage: SenderStorage;
  readonly subscriptions: SubscriptionCache;
  /** Wakes the dispatcher (its `wake()`). */
  readonly wake: () => void;
  /**
   * An endpoint changed (every endpoint when `endpointId` is absent): the dispatcher hands back
   * the deliveries it claimed ahead for it with its old record (its `endpointChanged`).
   */
  readonly endpointChanged: (endpointId?: string) => void;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly hooks: HookBus;
}

/** Opens and closes the sender's storage change feed, and applies what it says. */
export class StorageChangeSubscription {
  readonly #deps: StorageChangeSubscriptionDeps;
  readonly #throttle = new LogThrottle();
  /** The current subscription: opening (or open), until `stop()`. */
  #current:
    | { readonly abort: AbortController; readonly opened: Promise<StorageWatch | undefined> }
    | undefined;

  constructor(deps: StorageChangeSubscriptionDeps) {
    this.#deps = deps;
  }

  /** Subscribes when the storage has a change feed and none is open. Idempotent. */
  start(): void {
    const { storage } = this.#deps;
    if (this.#current !== undefined || typeof storage.watch !== 'function') return;
    const abort = new AbortController();
    const listener = this.#listener(abort.signal);
    let opened: Promise<StorageWatch | undefined>;
    try {
      opened = storage.watch(listener, { signal: abort.signal }).then(
        (watch) => {
          // Indexes loaded before the feed listened (a publish before start()) may predate a
          // change nobody notified this sender of: read them again.
          if (!abort.signal.aborted) {
            this.#deps.subscriptions.forgetAll();
            this.#deps.endpointChanged();
          }
          return watch;
        },
        (error: unknown) => {
          // Aborted by stop(): nothing to report. Otherwise the feed gave up (it should retry):
          // the sender polls as it would without one.
          if (!abort.signal.aborted) this.#failed({ during: 'listen', error });
          return undefined;
        },
      );
    } catch (error) {
      this.#failed({ during: 'listen', error });
      opened = Promise.resolve(undefined);
    }
    this.#current = { abort, opened };
  }

  /**
   * Closes the subscription: gives up opening it, or closes it once open. No listener call is
   * applied after `stop()` began.
   */
  async stop(): Promise<void> {
    const current = this.#current;
    if (current === undefined) return;
    this.#current = undefined;
    current.abort.abort();
    const watch = await current.opened;
    try {
      await watch?.close();
    } catch (error) {
      this.#report(
        'close',
        error,
        undefined,
        `${CALL} failed: could not close the storage change feed`,
      );
    }
  }

  /** The listener of one subscription: inert once its subscription is stopped. */
  #listener(stopped: AbortSignal): StorageChangeListener {
    const { subscriptions, wake, endpointChanged } = this.#deps;
    const guard =
      <A extends unknown[]>(act: (...args: A) => void) =>
      (...args: A): void => {
        if (stopped.aborted) return;
        try {
          act(...args);
        } catch {
          // Nothing above throws; a feed must not be broken by its listener either way.
        }
      };
    return {
      due: guard(() => wake()),
      endpointChanged: guard((change) => {
        subscriptions.forget(change.organizationUuid);
        endpointChanged(change.endpointId);
      }),
      resync: guard(() => {
        subscriptions.forgetAll();
        endpointChanged();
        wake();
      }),
      failed: guard((failure) => this.#failed(failure)),
    };
  }

  #failed(failure: StorageWatchFailure): void {
    const consequence = CONSEQUENCE[failure.during] ?? CONSEQUENCE.listen;
    this.#report(failure.during, failure.error, failure.attempt, `${CALL} failed: ${consequence}`);
  }

  /**
   * Logs a feed failure (once a minute per phase; the next line says how many were held back) and
   * reports it as `sender.error`. The line holds the error's name, code and message only
   * (`summarizeError`): never a notification's payload or a connection's settings.
   */
  #report(phase: string, error: unknown, attempt: number | undefined, message: string): void {
    const { logger, clock, hooks } = this.#deps;
    const suppressed = this.#throttle.admit(`${CALL} ${phase}`, clock.now());
    if (suppressed >= 0) {
      const fields: Record<string, unknown> = {
        stage: 'dispatch',
        call: CALL,
        phase,
        ...(typeof attempt === 'number' ? { attempt } : {}),
        error: summarizeError(error),
        ...(suppressed > 0 ? { suppressed } : {}),
      };
      logger[phase === 'payload' ? 'warn' : 'error'](fields, message);
    }
    hooks.emit('sender.error', { error, during: CALL });
  }
}
