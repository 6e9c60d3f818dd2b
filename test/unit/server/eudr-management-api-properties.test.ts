// Properties of createEudrManagementApi over generated requests: arbitrary register and update
// bodies, list queries and paths never answer 500, every error is exactly N'entropy's
// `{ error, message, details? }` with a known code, no error quotes a value from the request, and
// no answer but the register call's ever carries an endpoint's secret.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EUDR_ERROR_CODES } from '../../../src/server/internal/eudr/eudr-error.js';
import {
  createEudrHarness,
  type EudrHarness,
  register,
  SPEC_BODY,
  WEBHOOKS,
} from './eudr-management-api-harness.js';

const RUNS = 80;

/** A string no fixed message contains, to find echoes of the request in answers. */
const MARKER = 'zq9marker';

/** Checks the invariants of any answer and returns its text. */
async function checkAnswer(response: Response, method = 'GET'): Promise<string> {
  expect(response.status).not.toBe(500);
  expect(response.headers.get('x-request-id')).toMatch(/^\S+$/);
  const text = await response.text();
  // A HEAD answer has the GET answer's headers and no body.
  if (response.status >= 400 && method !== 'HEAD') {
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = JSON.parse(text) as Record<string, unknown>;
    const keys = Object.keys(body).sort();
    expect(keys).toEqual(
      body.error === 'VALIDATION_ERROR' ? ['details', 'error', 'message'] : ['error', 'message'],
    );
    expect(EUDR_ERROR_CODES).toContain(body.error);
    expect(typeof body.message).toBe('string');
    for (const detail of (body.details ?? []) as Record<string, unknown>[]) {
      expect(Object.keys(detail).sort()).toEqual(['field', 'message']);
    }
    expect(text).not.toContain(MARKER);
  }
  return text;
}

/** A `secret` member in a JSON answer (an error may name the field, never carry one). */
const SECRET_MEMBER = /"secret"\s*:/;

/** Strings that sometimes carry the marker. */
const markedString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ maxLength: 10 }).map((s) => `${s}${MARKER}`),
  fc.constantFrom('supplier.created', 'supplier.*', 'dds.approved', 'kyc.*', '*', ''),
  fc.constantFrom('https://your-server.com/webhooks/eudr', `https://h.example/${MARKER}`),
);

/** Any JSON value, with marked strings among the leaves. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    markedString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    // Member names are structure, named back as `details[].field` for an unknown one; the
    // marker goes into values only.
    fc.dictionary(fc.string({ maxLength: 10 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Bodies near the real ones: the right keys with any values, plus strays. */
const bodyLike = fc.oneof(
  jsonValue,
  fc.record(
    {
      url: fc.oneof(markedString, jsonValue),
      events: fc.oneof(fc.array(markedString, { maxLength: 4 }), jsonValue),
      active: fc.oneof(fc.boolean(), jsonValue),
      secret: markedString,
    },
    { requiredKeys: [] },
  ),
);

/** Raw body text: JSON of a body, or arbitrary text. */
const rawBody = fc.oneof(
  bodyLike.map((value) => JSON.stringify(value) ?? 'null'),
  fc.string({ maxLength: 40 }),
);

const shared: { harness?: EudrHarness; id?: string; secret?: string } = {};

async function fixture(): Promise<{ harness: EudrHarness; id: string; secret: string }> {
  if (shared.harness === undefined) {
    shared.harness = createEudrHarness();
    const created = await register(shared.harness);
    shared.id = created.id;
    shared.secret = created.secret;
  }
  return { harness: shared.harness, id: shared.id ?? '', secret: shared.secret ?? '' };
}

describe('createEudrManagementApi properties', () => {
  it('POST any body: never 500; errors are { error, message, details? } and quote nothing; a 201 has the spec fields', async () => {
    const { harness } = await fixture();
    await fc.assert(
      fc.asyncProperty(rawBody, async (body) => {
        const response = await harness.call('POST', WEBHOOKS, { body });
        const text = await checkAnswer(response);
        if (response.status === 201) {
          expect(Object.keys(JSON.parse(text) as object)).toEqual([
            'id',
            'url',
            'events',
            'active',
            'secret',
            'createdAt',
          ]);
        } else {
          expect([400, 413, 415]).toContain(response.status);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('PATCH any body: never 500, never a secret; errors in the EUDR shape', async () => {
    const { harness, id, secret } = await fixture();
    await fc.assert(
      fc.asyncProperty(rawBody, async (body) => {
        const response = await harness.call('PATCH', `${WEBHOOKS}/${id}`, { body });
        const text = await checkAnswer(response);
        expect(text).not.toContain(secret);
        expect(text).not.toMatch(SECRET_MEMBER);
        if (response.status === 200) {
          expect(Object.keys(JSON.parse(text) as object)).toEqual([
            'id',
            'url',
            'events',
            'active',
            'createdAt',
          ]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('GET the list with any query: 200 with a one-based page, or 400 VALIDATION_ERROR; never a secret', async () => {
    const { harness, secret } = await fixture();
    const queryValue = fc.oneof(
      fc.integer({ min: -5, max: 200 }).map(String),
      fc.string({ maxLength: 8 }),
      fc.constant(MARKER),
    );
    const query = fc.dictionary(
      fc.constantFrom('page', 'limit', 'sort', MARKER),
      fc.array(queryValue, { minLength: 1, maxLength: 2 }),
      { maxKeys: 3 },
    );
    await fc.assert(
      fc.asyncProperty(query, async (entries) => {
        const params = new URLSearchParams();
        for (const [name, values] of Object.entries(entries)) {
          for (const value of values) params.append(name, value);
        }
        const response = await harness.call('GET', `${WEBHOOKS}?${params}`);
        const text = await checkAnswer(response);
        expect([200, 400]).toContain(response.status);
        expect(text).not.toContain(secret);
        if (response.status === 200) {
          const page = JSON.parse(text) as { page: number; limit: number; entities: unknown[] };
          expect(page.page).toBeGreaterThanOrEqual(1);
          expect(page.entities.length).toBeLessThanOrEqual(page.limit);
        } else {
          expect((JSON.parse(text) as { error: string }).error).toBe('VALIDATION_ERROR');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('any method on any path: never 500; every error in the EUDR shape; never a secret', async () => {
    const { harness, id, secret } = await fixture();
    const segment = fc.oneof(
      fc.constantFrom('api', 'v1', 'integration', 'webhook-events', id, 'wh_x', MARKER, '..'),
      fc.stringMatching(/^[A-Za-z0-9_.~-]{1,12}$/),
    );
    const path = fc.oneof(
      fc.array(segment, { maxLength: 6 }).map((parts) => `/${parts.join('/')}`),
      segment.map((s) => `${WEBHOOKS}/${s}`),
    );
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');
    await fc.assert(
      fc.asyncProperty(method, path, fc.option(rawBody), async (verb, target, body) => {
        // Keep the shared endpoint: deleting it would end the other checks early.
        fc.pre(!(verb === 'DELETE' && target === `${WEBHOOKS}/${id}`));
        const withBody = body !== null && verb !== 'GET' && verb !== 'HEAD';
        const response = await harness.call(verb, target, withBody ? { body } : {});
        const text = await checkAnswer(response, verb);
        if (!(verb === 'POST' && response.status === 201)) expect(text).not.toContain(secret);
      }),
      { numRuns: RUNS },
    );
  });

  it('a sequence of register, get, list, patch and delete calls shows each secret in its own 201 only', async () => {
    const operation = fc.oneof(
      fc.constant({ kind: 'register' as const }),
      fc.record({ kind: fc.constant('get' as const), index: fc.nat(5) }),
      fc.record({ kind: fc.constant('list' as const), limit: fc.integer({ min: 1, max: 3 }) }),
      fc.record({
        kind: fc.constant('patch' as const),
        index: fc.nat(5),
        active: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('delete' as const), index: fc.nat(5) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 12 }), async (operations) => {
        const harness = createEudrHarness();
        const ids: string[] = [];
        const secrets: string[] = [];
        for (const op of operations) {
          const target = () =>
            `${WEBHOOKS}/${ids[op.kind === 'register' || op.kind === 'list' ? 0 : op.index % Math.max(1, ids.length)] ?? 'wh_none'}`;
          let response: Response;
          if (op.kind === 'register') {
            response = await harness.call('POST', WEBHOOKS, { body: SPEC_BODY });
            const created = JSON.parse(await response.clone().text()) as {
              id: string;
              secret: string;
            };
            expect(response.status).toBe(201);
            expect(secrets).not.toContain(created.secret);
            ids.push(created.id);
            secrets.push(created.secret);
            continue;
          }
          if (op.kind === 'get') response = await harness.call('GET', target());
          else if (op.kind === 'list') {
            response = await harness.call('GET', `${WEBHOOKS}?limit=${op.limit}`);
          } else if (op.kind === 'patch') {
            response = await harness.call('PATCH', target(), { body: { active: op.active } });
          } else response = await harness.call('DELETE', target());
          const text = await checkAnswer(response);
          for (const secret of secrets) expect(text).not.toContain(secret);
          expect(text).not.toMatch(SECRET_MEMBER);
        }
      }),
      { numRuns: 40 },
    );
  });
});
