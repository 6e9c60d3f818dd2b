// The delivery-history query of docs/design.md §5.11: `status`, `since` (exclusive), zero-based
// `page`, `size` 1–100 (default 20), `sort=field,asc|desc` over `createdAt` and `lastAttemptAt`
// (default `createdAt,desc`). Every problem is listed in one `invalid_option` error.

import { type ValidationIssue, WebhookValidationError } from '../../core/errors.js';
import { describeValue } from '../../core/internal/describe-value.js';
import { describeIntegerRange, integerIssueCode } from '../../core/internal/integer-option.js';
import { typeIssueCode } from '../../core/internal/type-issue-code.js';
import type { DeliveryStatus } from '../records.js';

/** Query of `WebhookSender.listDeliveries` (the `GET …/deliveries` parameters). */
export interface DeliveryHistoryQuery {
  readonly status?: DeliveryStatus | undefined;
  /** Only deliveries created after this time (exclusive): an ISO 8601 string or epoch ms. */
  readonly since?: string | number | undefined;
  /** Zero-based. @default 0 */
  readonly page?: number | undefined;
  /** 1 to 100. @default 20 */
  readonly size?: number | undefined;
  /** `createdAt|lastAttemptAt` then `,asc|,desc`. @default 'createdAt,desc' */
  readonly sort?: string | undefined;
}

/** A validated query. */
export interface ParsedHistoryQuery {
  readonly status: DeliveryStatus | undefined;
  readonly sinceMs: number | undefined;
  readonly page: number;
  readonly size: number;
  readonly sortField: 'createdAt' | 'lastAttemptAt';
  readonly sortDirection: 'asc' | 'desc';
}

const STATUSES: readonly string[] = ['PENDING', 'DELIVERED', 'FAILED'];
const SORT = /^(createdAt|lastAttemptAt)(?:,(asc|desc))?$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Validates a history query.
 *
 * @throws WebhookValidationError `invalid_option` with one issue per bad parameter.
 */
export function parseHistoryQuery(query: DeliveryHistoryQuery | undefined): ParsedHistoryQuery {
  const q = query ?? {};
  const issues: ValidationIssue[] = [];
  if (typeof q !== 'object' || q === null) {
    throw new WebhookValidationError(
      'invalid_option',
      'listDeliveries: the query must be an object.',
      {
        issues: [
          {
            path: '',
            code: typeIssueCode(q),
            message: `expected an object, got ${describeValue(q)}`,
          },
        ],
      },
    );
  }
  if (q.status !== undefined && !STATUSES.includes(q.status)) {
    issues.push({
      path: 'status',
      code: 'invalid_value',
      message: 'expected PENDING, DELIVERED or FAILED',
    });
  }
  let sinceMs: number | undefined;
  if (q.since !== undefined) {
    if (typeof q.since === 'number' && Number.isFinite(q.since)) sinceMs = q.since;
    else if (
      typeof q.since === 'string' &&
      ISO.test(q.since) &&
      !Number.isNaN(Date.parse(q.since))
    ) {
      sinceMs = Date.parse(q.since);
    } else {
      issues.push({
        path: 'since',
        code:
          typeof q.since === 'string'
            ? 'invalid_format'
            : typeof q.since === 'number'
              ? 'invalid_value'
              : 'invalid_type',
        message: 'expected an ISO 8601 date-time or epoch milliseconds',
      });
    }
  }
  const page = integerParameter(q.page, 'page', { min: 0 }, issues, 'pages are zero-based') ?? 0;
  const size = integerParameter(q.size, 'size', { min: 1, max: 100 }, issues) ?? 20;
  const sort = SORT.exec(q.sort ?? 'createdAt,desc');
  if (sort === null) {
    issues.push({
      path: 'sort',
      code: typeof q.sort === 'string' ? 'invalid_format' : 'invalid_type',
      message: 'expected createdAt or lastAttemptAt, optionally followed by ,asc or ,desc',
    });
  }
  if (issues.length > 0) {
    throw new WebhookValidationError(
      'invalid_option',
      `listDeliveries: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`,
      { issues },
    );
  }
  return {
    status: q.status,
    sinceMs,
    page,
    size,
    sortField: (sort?.[1] ?? 'createdAt') as 'createdAt' | 'lastAttemptAt',
    sortDirection: (sort?.[2] ?? 'desc') as 'asc' | 'desc',
  };
}

/**
 * `value` checked by the one integer rule (`integerIssueCode`: its range and issue code), its issue
 * collected into `issues` with a message that names the range, never the value.
 */
function integerParameter(
  value: unknown,
  name: string,
  range: { readonly min: number; readonly max?: number },
  issues: ValidationIssue[],
  note?: string,
): number | undefined {
  const code = value === undefined ? undefined : integerIssueCode(value, range);
  if (code === undefined) return value as number | undefined;
  const expected = describeIntegerRange(range);
  issues.push({
    path: name,
    code,
    message: `expected ${expected}${note === undefined ? '' : ` (${note})`}`,
  });
  return undefined;
}
