// Idempotency-Key handling for the management HTTP layer (docs/design.md §5.10): a write runs at most
// once per organization + method + route + key, and the same request gets the stored response.

import { createHash } from 'node:crypto';
import { WebhookConflictError } from '../../core/errors.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import { summarizeError } from '../../logging/internal/summarize-error.js';
import type { Clock } from '../ports/clock.js';
import type { IdempotencyStore } from '../ports/idempotency-store.js';
import type { Logger } from '../ports/logger.js';
import type { IdempotencyResponse } from '../records.js';
import { assertOrganization } from './assert-organization.js';
import { copyIdempotencyResponse } from './copy-idempotency-response.js';
import type { HookBus } from './hook-bus.js';
import { LogThrottle } from './log-throttle.js';
import { purgeInBatches } from './purge-in-batches.js';

/** docs/design.md §5.10: records are kept 24 h. */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A request that crashed mid-way frees its key after this long. */
const IDEMPOTENCY_IN_FLIGHT_TTL_MS = 5 * 60 * 1000;

/** The request of {@link IdempotencyGuard.run}. */
export interface IdempotentRequest {
  readonly organizationUuid: string;
  readonly method: string;
  readonly route: string;
  readonly key: string;
  readonly body: string | Uint8Array;
}

/** What the guard needs: the records' port and the time; where to report a failed `abandon`. */
export interface IdempotencyGuardDeps {
  readonly store: IdempotencyStore;
  readonly clock: Clock;
  /** The sender's logger: a failed `abandon` is a warning (held back like the dispatcher's). */
  readonly logger?: Logger | undefined;
  /** The sender's hooks: a failed `abandon` is a `sender.error`. */
  readonly hooks?: HookBus | undefined;
}

/** `WebhookSender.withIdempotencyKey`, and the purge of expired records, on the sender's store. */
export class IdempotencyGuard {
  readonly #store: IdempotencyStore;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #hooks: HookBus | undefined;
  readonly #throttle = new LogThrottle();

  constructor(deps: IdempotencyGuardDeps) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#hooks = deps.hooks;
  }

  /** Runs `execute` at most once for the request's scope and body (see `withIdempotencyKey`). */
  async run(
    request: IdempotentRequest,
    execute: () => Promise<IdempotencyResponse>,
  ): Promise<IdempotencyResponse & { readonly replayed: boolean }> {
    const store = this.#store;
    const clock = this.#clock;
    assertOrganization(request.organizationUuid);
    const { key } = request;
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      throw invalidOption(
        'idempotencyKey',
        `The Idempotency-Key must be 1 to 255 characters, got ${describeValue(key)}.`,
        typeof key !== 'string' ? 'invalid_type' : key.length < 1 ? 'too_small' : 'too_big',
      );
    }
    // Newlines cannot occur in a method or a route template, so the scope is unambiguous.
    const scope = [request.organizationUuid, request.method.toUpperCase(), request.route, key].join(
      '\n',
    );
    const bodyHash = createHash('sha256').update(request.body).digest('hex');
    const begun = await store.begin({
      scope,
      bodyHash,
      nowMs: clock.now(),
      ttlMs: IDEMPOTENCY_TTL_MS,
      inFlightTtlMs: IDEMPOTENCY_IN_FLIGHT_TTL_MS,
    });
    if (begun.outcome === 'replay') return { ...begun.response, replayed: true };
    if (begun.outcome === 'mismatch') {
      throw new WebhookConflictError(
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request body; use a new key for a new request.',
      );
    }
    if (begun.outcome === 'in_flight') {
      throw new WebhookConflictError(
        'idempotency_key_in_flight',
        'A request with this Idempotency-Key is still being processed; retry shortly.',
      );
    }
    // The token fences this request's record: if `execute` outlives the in-flight window and
    // another request begins the key again, this one's abandon or complete leaves that record alone.
    const { token } = begun;
    let response: IdempotencyResponse;
    try {
      response = copyIdempotencyResponse(await execute());
    } catch (error) {
      // The caller gets what `execute` threw, whatever `abandon` does: that error says why the
      // write failed. A failed abandon is reported; the key stays in flight until its hold lapses.
      try {
        await store.abandon(scope, token);
      } catch (abandonError) {
        this.#abandonFailed(abandonError);
      }
      throw error;
    }
    await store.complete({
      scope,
      token,
      bodyHash,
      response,
      nowMs: clock.now(),
      ttlMs: IDEMPOTENCY_TTL_MS,
    });
    return { ...copyIdempotencyResponse(response), replayed: false };
  }

  /** Reports an `abandon` that failed after `execute` threw (the caller gets `execute`'s error). */
  #abandonFailed(error: unknown): void {
    const call = 'IdempotencyStore.abandon';
    const suppressed = this.#throttle.admit(call, this.#clock.now());
    if (suppressed >= 0) {
      const fields = { stage: 'idempotency', call, error: summarizeError(error) };
      this.#logger?.warn(
        suppressed > 0 ? { ...fields, suppressed } : fields,
        `${call} failed after the write threw; the key stays in flight until its 5-minute hold lapses`,
      );
    }
    this.#hooks?.emit('sender.error', { error, during: call });
  }

  /**
   * Deletes the records expired now, in batches of 1,000 until a batch comes back short (the
   * sender's `purgeExpired`; docs/design.md §5.10). An expired record already counts as absent:
   * this frees its space.
   * @returns how many records were deleted.
   * @throws WebhookStorageError `storage_corrupt` when the store's `purgeExpired` resolves anything
   *   but a whole number from 0 to its limit.
   */
  async purgeExpired(): Promise<number> {
    const nowMs = this.#clock.now();
    const store = this.#store;
    return purgeInBatches((limit) => store.purgeExpired(nowMs, limit), {
      method: 'IdempotencyStore.purgeExpired',
    });
  }
}
