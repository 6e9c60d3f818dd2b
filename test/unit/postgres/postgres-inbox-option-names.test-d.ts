// Type test (checked by `tsc -p test/tsconfig.json`): the known option names of PostgresInbox hold
// every key of its options type, so an option added without being listed fails the type check
// instead of being refused at run time.

import { describe, expectTypeOf, it } from 'vitest';
import type { UnlistedOptionNames } from '../../../src/core/internal/assert-known-options.js';
import type {
  POSTGRES_INBOX_OPTION_NAMES,
  PostgresInboxOptions,
} from '../../../src/postgres/postgres-inbox.js';

describe('known option names (PostgresInbox)', () => {
  it('list every option of its options type', () => {
    expectTypeOf<
      UnlistedOptionNames<PostgresInboxOptions, typeof POSTGRES_INBOX_OPTION_NAMES>
    >().toEqualTypeOf<never>();
  });
});
