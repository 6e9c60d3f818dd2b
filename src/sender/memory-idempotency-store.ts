/**
 * The in-memory {@link IdempotencyStore}: tests and single-process apps (docs/design.md §5.10).
 * The records and their expiry live in `memory/idempotency-table.ts`.
 */

import { IdempotencyTable } from './memory/idempotency-table.js';
import type {
  BeginIdempotentInput,
  CompleteIdempotentInput,
  IdempotencyBegin,
  IdempotencyStore,
} from './ports/idempotency-store.js';

/**
 * Idempotency-Key records in process memory: the default `idempotencyStore` of `WebhookSender`.
 * Nothing survives a restart, and another process does not see the records: an API served by
 * several processes needs a shared store (`PostgresIdempotencyStore`), or a retry that reaches
 * another process runs the write again.
 *
 * Every operation is atomic (no `await` inside one) and returns copies. `begin` hands out tokens
 * from a counter (`idem_1`, `idem_2`, …: unique per store, which is all a fence needs in one
 * process); `complete` and `abandon` act only on the record their token began. Records expire at
 * `expiresAtMs` exactly (`nowMs >= expiresAtMs`: absent). Expired records are also dropped
 * lazily, when their scope is next used and from the oldest end on every `begin` and `complete`,
 * so memory follows the live keys between two `purgeExpired` calls. `begin` needs no `ttlMs`
 * here: the expiry is set on completion.
 *
 * @example
 * ```ts
 * const idempotencyStore = new MemoryIdempotencyStore(); // WebhookSender's default
 * const sender = new WebhookSender({ transport: new HttpTransport(), idempotencyStore });
 * ```
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #table = new IdempotencyTable();

  async begin(input: BeginIdempotentInput): Promise<IdempotencyBegin> {
    return this.#table.begin(input);
  }

  async complete(input: CompleteIdempotentInput): Promise<void> {
    this.#table.complete(input);
  }

  async abandon(scope: string, token: string): Promise<void> {
    this.#table.abandon(scope, token);
  }

  async purgeExpired(nowMs: number, limit: number): Promise<number> {
    return this.#table.purgeExpired(nowMs, limit);
  }
}
