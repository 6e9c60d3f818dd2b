// Type tests (checked by `tsc -p test/tsconfig.json`): the known option names of
// PostgresDedupeStore and PostgresIdempotencyStore hold every key of their options types, so an
// option added without being listed fails the type check instead of being refused at run time.

import { describe, expectTypeOf, it } from 'vitest';
import type { UnlistedOptionNames } from '../../../src/core/internal/assert-known-options.js';
import type {
  POSTGRES_DEDUPE_STORE_OPTION_NAMES,
  PostgresDedupeStoreOptions,
} from '../../../src/postgres/postgres-dedupe-store.js';
import type {
  POSTGRES_IDEMPOTENCY_STORE_OPTION_NAMES,
  PostgresIdempotencyStoreOptions,
} from '../../../src/postgres/postgres-idempotency-store.js';

describe('known option names (PostgreSQL dedupe and Idempotency-Key stores)', () => {
  it('list every option of each options type', () => {
    expectTypeOf<
      UnlistedOptionNames<PostgresDedupeStoreOptions, typeof POSTGRES_DEDUPE_STORE_OPTION_NAMES>
    >().toEqualTypeOf<never>();
    expectTypeOf<
      UnlistedOptionNames<
        PostgresIdempotencyStoreOptions,
        typeof POSTGRES_IDEMPOTENCY_STORE_OPTION_NAMES
      >
    >().toEqualTypeOf<never>();
  });
});
