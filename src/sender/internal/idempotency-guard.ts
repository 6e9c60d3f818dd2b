// Idempotency-Key handling for the management HTTP layer (docs/design.md §5.10): a write runs at most
// once per organization + method + route + key, and the same request gets the stored response.

import { createHash } from 'node:crypto';
import { WebhookConflictError } from '../../core/errors.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { invalidOption } from '../../core/internal/invalid-option.js';
import type { Clock } from '../ports/clock.js';
import type { IdempotencyStore } from '../ports/idempotency-store.js';
import type { IdempotencyResponse } from '../records.js';
import { assertOrganization } from './assert-organization.js';

/** docs/design.md §5.10: records are kept 24 h. */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A request that crashed mid-way frees its key after this long. */
const IDEMPOTENCY_IN_FLIGHT_TTL_MS = 5 * 60 * 1000;
/** Expired records deleted per `IdempotencyStore.purgeExpired` call: bounded batches. */
const PURGE_BATCH = 1000;

/** The request of {@link IdempotencyGuard.run}. */
export interface IdempotentRequest {
  readonly organizationUuid: string;
  readonly method: string;
  readonly route: string;
  readonly key: string;
  readonly body: string | Uint8Array;
}

/** What the guard needs: the records' port and the time. */
export interface IdempotencyGuardDeps {
  readonly store: IdempotencyStore;
  readonly clock: Clock;
}

/** `WebhookSender.withIdempotencyKey`, and the purge of expired records, on the sender's store. */
export class IdempotencyGuard {
  readonly #store: IdempotencyStore;
  readonly #clock: Clock;

  constructor(deps: IdempotencyGuardDeps) {
    this.#store = deps.store;
    this.#clock = deps.clock;
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
      response = copyResponse(await execute());
    } catch (error) {
      await store.abandon(scope, token);
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
    return { ...copyResponse(response), replayed: false };
  }

  /**
   * Deletes the records expired now, in batches of 1,000 until a batch comes back short (the
   * sender's `purgeExpired`; docs/design.md §5.10). An expired record already counts as absent:
   * this frees its space.
   * @returns how many records were deleted.
   */
  async purgeExpired(): Promise<number> {
    const nowMs = this.#clock.now();
    let total = 0;
    for (;;) {
      const deleted = await this.#store.purgeExpired(nowMs, PURGE_BATCH);
      total += deleted;
      if (deleted < PURGE_BATCH) return total;
    }
  }
}

/**
 * The fields of an `IdempotencyResponse`, headers copied: what `execute` returned may carry more
 * (it is the caller's object), and the record keeps status, headers and body only.
 */
function copyResponse(response: IdempotencyResponse): IdempotencyResponse {
  const { status, headers, body } = response;
  return headers === undefined ? { status, body } : { status, headers: { ...headers }, body };
}
