// Type tests (checked by `tsc -p test/tsconfig.json`): what each sender port holds, so a method
// that drifts back into the wrong port fails the type check. Idempotency-Key records have their
// own port (docs/design.md §5.10), apart from SenderStorage.

import { describe, expectTypeOf, it } from 'vitest';
import type {
  IdempotencyStore,
  MemoryIdempotencyStore,
  MemoryStorage,
  SenderStorage,
  StorageWatcher,
} from '../../../src/sender/index.js';

describe('sender ports', () => {
  it('IdempotencyStore is begin, complete, abandon and purgeExpired; the memory store implements it', () => {
    expectTypeOf<keyof IdempotencyStore>().toEqualTypeOf<
      'begin' | 'complete' | 'abandon' | 'purgeExpired'
    >();
    expectTypeOf<MemoryIdempotencyStore>().toExtend<IdempotencyStore>();
  });

  it('SenderStorage and MemoryStorage hold no Idempotency-Key method', () => {
    type IdempotencyNames = Extract<
      keyof SenderStorage | keyof MemoryStorage,
      `${string}dempot${string}`
    >;
    expectTypeOf<IdempotencyNames>().toEqualTypeOf<never>();
    expectTypeOf<keyof SenderStorage>().toEqualTypeOf<
      | 'insertEndpoint'
      | 'getEndpoint'
      | 'listEndpoints'
      | 'listAllEndpoints'
      | 'updateEndpoint'
      | 'deleteEndpoint'
      | 'insertEvent'
      | 'insertDeliveries'
      | 'getEvent'
      | 'getDelivery'
      | 'listDeliveries'
      | 'listAttempts'
      | 'claimDue'
      | 'recordAttempt'
      | 'releaseClaim'
      | 'nextDueAtMs'
      | 'purgeBefore'
      | 'watch'
      | 'claimCost'
    >();
  });

  it('watch and claimCost are optional on SenderStorage; watch is the StorageWatcher capability, absent from MemoryStorage', () => {
    type OptionalKeys = {
      [K in keyof SenderStorage]-?: undefined extends SenderStorage[K] ? K : never;
    }[keyof SenderStorage];
    expectTypeOf<OptionalKeys>().toEqualTypeOf<'watch' | 'claimCost'>();
    expectTypeOf<SenderStorage['claimCost']>().toEqualTypeOf<
      'in-process' | 'round-trip' | undefined
    >();
    expectTypeOf<Extract<keyof MemoryStorage, 'claimCost'>>().toEqualTypeOf<never>();
    expectTypeOf<Required<Pick<SenderStorage, 'watch'>>>().toEqualTypeOf<StorageWatcher>();
    expectTypeOf<Extract<keyof MemoryStorage, 'watch'>>().toEqualTypeOf<never>();
  });
});
