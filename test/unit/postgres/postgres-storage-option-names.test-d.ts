// Type test (checked by `tsc -p test/tsconfig.json`): the known option names of PostgresStorage
// hold every key of its options type, so an option added without being listed fails the type
// check instead of being refused at run time.

import { describe, expectTypeOf, it } from 'vitest';
import type { UnlistedOptionNames } from '../../../src/core/internal/assert-known-options.js';
import type {
  POSTGRES_STORAGE_OPTION_NAMES,
  PostgresStorageOptions,
} from '../../../src/postgres/postgres-storage.js';

describe('known option names (PostgresStorage)', () => {
  it('list every option of its options type', () => {
    expectTypeOf<
      UnlistedOptionNames<PostgresStorageOptions, typeof POSTGRES_STORAGE_OPTION_NAMES>
    >().toEqualTypeOf<never>();
  });
});
