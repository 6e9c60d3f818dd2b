// The endpoints of the fan-out benchmarks (bench/sender.bench.ts into MemoryStorage,
// bench/postgres.bench.ts into PostgreSQL): the same records in both, so their figures compare.
import { createId } from '../../src/core/ids.js';
import { HEALTHY } from '../../src/core/retry/health-policy.js';
import { webCryptoRandom } from '../../src/platform-random.js';
import type { EndpointRecord } from '../../src/sender/records.js';

/** The benchmarks' signing secret (each fan-out endpoint appends its index). */
export const BENCH_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw9dQ3XL0f2qY';
/** The benchmarks' organization. */
export const BENCH_ORG = '550e8400-e29b-41d4-a716-446655440000';

/**
 * `count` ACTIVE endpoints of {@link BENCH_ORG}, created at `createdAtMs`, every one matching
 * `compliance.decision_made` (half by `compliance.*`, half by the exact type next to `kyc.*`).
 */
export function fanOutEndpoints(count: number, createdAtMs: number): EndpointRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: createId('endpoint', webCryptoRandom),
    organizationUuid: BENCH_ORG,
    url: `https://receiver-${i}.example/webhooks`,
    description: null,
    events: i % 2 === 0 ? ['compliance.*'] : ['compliance.decision_made', 'kyc.*'],
    partnerIds: null,
    acceptedSchemaVersions: [1],
    status: 'ACTIVE',
    secrets: [{ secret: `${BENCH_SECRET}${i}`, createdAtMs, expiresAtMs: null }],
    health: HEALTHY,
    createdAtMs,
    updatedAtMs: createdAtMs,
  }));
}
