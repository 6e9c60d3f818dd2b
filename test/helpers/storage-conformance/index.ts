// The SenderStorage contract (src/sender/ports/sender-storage.ts), as one suite that runs against
// every adapter (docs/design.md §2, CONTRIBUTING.md "Tests"): MemoryStorage now, PostgresStorage
// later. One file per area, each its own `describe`, so an adapter's failures point at one area.
// Times are passed in (`nowMs`, attempt times), so no case depends on a clock or sleeps.
import { describe } from 'vitest';
import { describeAttemptsAndHealth } from './attempts-and-health.js';
import { describeClaimOrder } from './claim-order.js';
import { describeCopies } from './copies.js';
import { describeDeliveriesAndClaims } from './deliveries-and-claims.js';
import { describeEndpoints } from './endpoints.js';
import type { SenderStorageFactory } from './fixtures.js';
import { describeHistory } from './history.js';
import { describeInserts } from './inserts.js';
import { describeLedger } from './ledger.js';
import { describeRetention } from './retention.js';

export type { SenderStorageFactory, SenderStorageFixture } from './fixtures.js';

/** Runs the shared SenderStorage contract against the storages `make` creates. */
export function describeSenderStorage(name: string, make: SenderStorageFactory): void {
  describe(`${name} — SenderStorage contract`, () => {
    describeEndpoints(make);
    describeInserts(make);
    describeDeliveriesAndClaims(make);
    describeClaimOrder(make);
    describeHistory(make);
    describeAttemptsAndHealth(make);
    describeRetention(make);
    describeCopies(make);
    describeLedger(make);
  });
}
