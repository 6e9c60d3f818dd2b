// Properties of the management API over arbitrary input (fast-check): whatever the body, content
// type, query string, path or method, the answer is never a 500; every non-2xx is a problem+json
// with a `type` under the base, `status` equal to the HTTP status and `traceId` equal to
// X-Request-Id; and no answer except a create's 201 or a rotation's 200 ever contains an endpoint
// secret (docs/design.md §5.34, §5.35).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import {
  type ApiHarness,
  CREATE_BODY,
  createApiHarness,
  createEndpoint,
  headerNamesOf,
  ORG_A,
  TOKEN_A,
  TOKEN_B,
} from '../../helpers/management-api-harness.js';

const BASE = 'https://api.novatrade24.com/problems/';
const VIES = EVENT_FIXTURES['kyc.vies_check_failed'];
const PARTNER = '11111111-2222-3333-4444-555555555555';
const RUNS = { numRuns: 100 };

/** Checks the invariants of one answer; returns its text. */
async function checkAnswer(response: Response, method: string): Promise<string> {
  expect(response.status).not.toBe(500);
  expect(response.status).toBeLessThan(500);
  const text = await response.text();
  if (response.status >= 200 && response.status < 300) return text;
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  if (method === 'HEAD') return text;
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(typeof body.type).toBe('string');
  expect(String(body.type).startsWith(BASE)).toBe(true);
  expect(body.status).toBe(response.status);
  expect(body.traceId).toBe(response.headers.get('x-request-id'));
  return text;
}

/** A header value `Headers` accepts: printable ASCII, no surrounding spaces. */
const headerValue = fc
  .string({ unit: fc.constantFrom(...' !"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~'.split('')) })
  .map((value) => value.trim());

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/merge-patch+json',
      'application/vnd.api+json',
      'application/x1+json',
      'application/a!b+json',
      'application/json;',
      'application/json; charset="utf-8"',
      'text/plain',
      'multipart/form-data',
      'application/x-www-form-urlencoded',
      '',
    ),
  },
  { weight: 1, arbitrary: headerValue },
  { weight: 1, arbitrary: fc.constant(null) },
);

const text = fc.string({ unit: 'grapheme', maxLength: 40 });

/** One field of the create/patch/test/publish/rotate/recover bodies, with a good or a bad value. */

// Timestamps the schema's format may accept and the sender may not: long fractions, odd offsets,
// days past the month's end.
const timestamp = fc
  .tuple(
    fc.integer({ min: 1970, max: 2100 }),
    fc.integer({ min: 1, max: 12 }),
    fc.oneof(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 40 })),
    fc
      .integer({ min: 0, max: 14 })
      .chain((length) => fc.stringMatching(new RegExp(`^\\d{${length}}$`))),
    fc.constantFrom('Z', '+02:00', '-00:00', '+24:00', ''),
  )
  .map(
    ([year, month, day, fraction, offset]) =>
      `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T10:00:00${fraction === '' ? '' : `.${fraction}`}${offset}`,
  );

const field: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(
    fc.constant('url'),
    fc.oneof(
      fc.constantFrom('https://partner.example/hook', 'http://partner.example/h', 'ftp://x', ''),
      text,
    ),
  ),
  fc.tuple(
    fc.constant('events'),
    fc.oneof(
      fc.array(fc.oneof(fc.constantFrom('kyc.*', '*', 'kyc.', VIES.type, 'nope.nope'), text), {
        maxLength: 3,
      }),
      fc.jsonValue({ maxDepth: 1 }),
    ),
  ),
  fc.tuple(
    fc.constant('partnerIds'),
    fc.oneof(fc.constant(null), fc.array(fc.oneof(fc.constant(PARTNER), text), { maxLength: 3 })),
  ),
  fc.tuple(fc.constant('description'), fc.oneof(fc.constant(null), text, fc.integer())),
  fc.tuple(
    fc.constant('acceptedSchemaVersions'),
    fc.oneof(fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 3 }), text),
  ),
  fc.tuple(fc.constant('status'), fc.constantFrom('ACTIVE', 'PAUSED', 'DISABLED', 'active', '')),
  fc.tuple(fc.constant('eventType'), fc.oneof(fc.constant(VIES.type), text)),
  fc.tuple(fc.constant('type'), fc.oneof(fc.constant(VIES.type), text)),
  fc.tuple(fc.constant('data'), fc.oneof(fc.constant(VIES.data), fc.jsonValue({ maxDepth: 2 }))),
  fc.tuple(fc.constant('partnerUuid'), fc.oneof(fc.constant(PARTNER), fc.constant(null), text)),
  fc.tuple(fc.constant('source'), fc.constantFrom('API', 'WEB_APP', 'SYSTEM', 'x')),
  fc.tuple(fc.constant('overlapMs'), fc.oneof(fc.integer({ min: -1, max: 1000 }), fc.double())),
  fc.tuple(fc.constant('since'), fc.oneof(fc.constant('2025-01-01T00:00:00Z'), text, timestamp)),
  fc.tuple(fc.constant('until'), fc.oneof(fc.constant('2030-01-01T00:00:00Z'), text)),
  fc.tuple(text, fc.jsonValue({ maxDepth: 1 })),
);

/** A valid body of one of the routes. */
const validBase = fc.constantFrom<Record<string, unknown>>(
  CREATE_BODY,
  { description: 'patched' },
  { eventType: VIES.type, data: VIES.data },
  { type: VIES.type, data: VIES.data, partnerUuid: PARTNER },
  { overlapMs: 0 },
  { since: '2025-01-01T00:00:00Z' },
  {},
);

/** Bodies near the route shapes, to reach the deeper checks: a valid body, a few fields changed. */
const nearBody = fc
  .tuple(validBase, fc.array(field, { maxLength: 2 }))
  .map(([base, changes]) => ({ ...base, ...Object.fromEntries(changes) }));

const body = fc.oneof(
  { weight: 4, arbitrary: nearBody.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
  {
    weight: 1,
    arbitrary: fc.object({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? ''),
  },
  { weight: 1, arbitrary: text },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
);

/** One harness with an endpoint and a delivered delivery, shared by a property's runs. */
async function sharedHarness(): Promise<{ harness: ApiHarness; id: string; deliveryId: string }> {
  const harness = createApiHarness();
  const { id } = await createEndpoint(harness);
  await harness.call('POST', '/v1/events', {
    body: { type: VIES.type, data: VIES.data, partnerUuid: PARTNER },
  });
  await harness.sender.processDue();
  const page = await harness.sender.listDeliveries(ORG_A, id);
  return { harness, id, deliveryId: String(page.data[0]?.id) };
}

describe('management API properties: arbitrary input', () => {
  it('arbitrary bodies and content types to every write route -> never 500; every non-2xx a problem', async () => {
    const { harness, id, deliveryId } = await sharedHarness();
    // Each route with a body it accepts: most runs send that body with a field or two changed.
    const routes: [string, string, Record<string, unknown>][] = [
      ['POST', '/v1/webhooks', CREATE_BODY],
      ['PATCH', `/v1/webhooks/${id}`, { description: 'patched' }],
      ['POST', `/v1/webhooks/${id}/test`, { eventType: VIES.type, data: VIES.data }],
      ['POST', `/v1/webhooks/${id}/rotate-secret`, { overlapMs: 0 }],
      ['POST', `/v1/webhooks/${id}/deliveries/recover`, { since: '2025-01-01T00:00:00Z' }],
      ['POST', `/v1/webhooks/${id}/deliveries/${deliveryId}/replay`, {}],
      ['POST', '/v1/events', { type: VIES.type, data: VIES.data, partnerUuid: PARTNER }],
    ];
    const request = fc.constantFrom(...routes).chain(([method, path, valid]) =>
      fc.tuple(
        fc.constant(method),
        fc.constant(path),
        fc.oneof(
          {
            weight: 2,
            arbitrary: fc
              .array(field, { maxLength: 2 })
              .map((changes) => JSON.stringify({ ...valid, ...Object.fromEntries(changes) })),
          },
          { weight: 2, arbitrary: body },
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(request, contentType, async ([method, path, payload], type) => {
        const response = await harness.call(method, path, {
          body: payload,
          headers: { 'content-type': type },
        });
        await checkAnswer(response, method);
      }),
      RUNS,
    );
  });

  it('arbitrary timestamps as since (history) and since/until (recover) -> 200/202 or 422, never 500', async () => {
    const { harness, id } = await sharedHarness();
    await fc.assert(
      fc.asyncProperty(timestamp, timestamp, async (since, until) => {
        const history = await harness.call(
          'GET',
          `/v1/webhooks/${id}/deliveries?since=${encodeURIComponent(since)}`,
        );
        await checkAnswer(history, 'GET');
        expect([200, 422]).toContain(history.status);
        const recovered = await harness.call('POST', `/v1/webhooks/${id}/deliveries/recover`, {
          body: { since, until },
        });
        await checkAnswer(recovered, 'POST');
        expect([202, 422]).toContain(recovered.status);
      }),
      RUNS,
    );
  });

  it('arbitrary query strings to GET /v1/webhooks/{id}/deliveries -> 200 or a problem, never 500', async () => {
    const { harness, id } = await sharedHarness();
    const key = fc.oneof(
      fc.constantFrom('page', 'size', 'sort', 'status', 'since', 'until', 'page[]', 'SIZE'),
      headerValue,
    );
    const value = fc.oneof(
      fc.constantFrom(
        '0',
        '1',
        '100',
        '101',
        '-1',
        '1e3',
        '0x10',
        ' 1',
        '1.5',
        '99999999999',
        '',
        'createdAt',
        'createdAt,asc',
        'lastAttemptAt,desc',
        'bogus',
        'FAILED',
        'failed',
        '2025-01-01T00:00:00Z',
        '2025-13-01',
        '%',
        '%zz',
        '%00',
        '%E9',
        'a%26b',
      ),
      text.map(encodeURIComponent),
      headerValue,
      timestamp.map(encodeURIComponent),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(key, value), { maxLength: 5 }), async (pairs) => {
        const query = pairs.map(([k, v]) => `${k}=${v}`).join('&');
        const response = await harness.call('GET', `/v1/webhooks/${id}/deliveries?${query}`);
        const answer = await checkAnswer(response, 'GET');
        if (response.status === 200) {
          expect(Object.keys(JSON.parse(answer) as object)).toEqual(['data', 'pagination']);
        } else {
          expect([404, 422]).toContain(response.status);
        }
      }),
      RUNS,
    );
  });

  it('arbitrary paths and methods -> never 500; every non-2xx a problem', async () => {
    const { harness, id, deliveryId } = await sharedHarness();
    const junk = fc.oneof(
      fc.constantFrom('', '.', '..', '%2F', '%00', '%', '%zz', 'wh_x', '%E9', 'a b', '~'),
      text.map(encodeURIComponent),
    );
    const templates = [
      '/v1/webhooks',
      '/v1/webhooks/{id}',
      '/v1/webhooks/{id}/test',
      '/v1/webhooks/{id}/rotate-secret',
      '/v1/webhooks/{id}/deliveries',
      '/v1/webhooks/{id}/deliveries/{deliveryId}',
      '/v1/webhooks/{id}/deliveries/{deliveryId}/replay',
      '/v1/webhooks/{id}/deliveries/recover',
      '/v1/events',
      '/openapi.json',
    ];
    const path = fc.oneof(
      fc
        .record({
          template: fc.constantFrom(...templates),
          id: fc.oneof(fc.constant(id), fc.constant('wh_missing'), junk),
          deliveryId: fc.oneof(fc.constant(deliveryId), fc.constant('del_missing'), junk),
          suffix: fc.oneof(
            { weight: 4, arbitrary: fc.constant('') },
            { weight: 1, arbitrary: fc.constant('/') },
            { weight: 1, arbitrary: junk.map((value) => `/${value}`) },
          ),
        })
        .map(
          ({ template, id: endpoint, deliveryId: delivery, suffix }) =>
            template.replace('{id}', endpoint).replace('{deliveryId}', delivery) + suffix,
        ),
      fc
        .array(fc.oneof(fc.constantFrom('v1', 'webhooks', 'events', 'deliveries'), junk), {
          maxLength: 6,
        })
        .map((segments) => `/${segments.join('/')}`),
    );
    const method = fc.constantFrom(
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      'OPTIONS',
      'HEAD',
      'FOO',
    );
    await fc.assert(
      fc.asyncProperty(
        method,
        path,
        fc.option(body, { nil: undefined }),
        async (verb, target, payload) => {
          const withBody = verb === 'GET' || verb === 'HEAD' ? undefined : payload;
          const response = await harness.call(verb, target, { body: withBody });
          await checkAnswer(response, verb);
        },
      ),
      RUNS,
    );
  });

  it('arbitrary Authorization headers -> 401 problem without rate-limit headers, never 500', async () => {
    const harness = createApiHarness({ api: { rateLimit: {} } });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          headerValue,
          headerValue.map((value) => `Bearer ${value}`),
        ),
        async (authorization) => {
          fc.pre(![TOKEN_A, TOKEN_B].some((token) => authorization.endsWith(token)));
          const response = await harness.call('GET', '/v1/webhooks', {
            headers: { authorization },
          });
          expect(response.status).toBe(401);
          await checkAnswer(response, 'GET');
          expect(response.headers.get('x-ratelimit-limit')).toBeNull();
        },
      ),
      RUNS,
    );
  });

  it('arbitrary X-Request-Id -> echoed when 1 to 128 visible ASCII characters, else a req_… id; always the traceId', async () => {
    const harness = createApiHarness();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(headerValue, fc.string({ minLength: 120, maxLength: 140, unit: 'binary-ascii' })),
        async (requestId) => {
          const safe = requestId.replace(/[\0\r\n]/g, '').trim();
          const response = await harness.call('GET', '/v1/webhooks/wh_missing', {
            headers: { 'x-request-id': safe },
          });
          const echoed = response.headers.get('x-request-id');
          if (/^[\x21-\x7e]{1,128}$/.test(safe)) expect(echoed).toBe(safe);
          else expect(echoed).toMatch(/^req_[0-9a-z]{26}$/);
          await checkAnswer(response, 'GET');
        },
      ),
      RUNS,
    );
  });
});

// ------------------------------------------------------------------ secrets never leak

/** A distinctive caller-chosen secret: never a substring of an unrelated answer by chance. */
const customSecret = fc.stringMatching(/^[A-Za-z0-9]{16,30}$/).map((tail) => `cs_${tail}`);

type Action =
  | { kind: 'create'; secret: string | undefined; valid: boolean }
  | { kind: 'rotate'; target: number; secret: string | undefined; overlapMs: number }
  | { kind: 'patch'; target: number; body: string }
  | { kind: 'get' | 'history' | 'delete' | 'test'; target: number }
  | { kind: 'list' | 'publish' | 'deliver' | 'delivery' | 'replay' }
  | { kind: 'junk'; method: string; target: number; body: string };

const target = fc.nat({ max: 20 });

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    secret: fc.option(customSecret, { nil: undefined }),
    valid: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('rotate' as const),
    target,
    secret: fc.option(customSecret, { nil: undefined }),
    overlapMs: fc.constantFrom(0, 60_000, -1),
  }),
  fc.record({ kind: fc.constant('patch' as const), target, body: body.map(String) }),
  fc.record({
    kind: fc.constantFrom('get' as const, 'history' as const, 'delete' as const, 'test' as const),
    target,
  }),
  fc.record({
    kind: fc.constantFrom(
      'list' as const,
      'publish' as const,
      'deliver' as const,
      'delivery' as const,
      'replay' as const,
    ),
  }),
  fc.record({
    kind: fc.constant('junk' as const),
    method: fc.constantFrom('POST', 'PATCH', 'PUT', 'DELETE'),
    target,
    body: nearBody.map((value) => JSON.stringify(value)),
  }),
);

describe('management API properties: secrets', () => {
  it('no answer except a create 201 or a rotate 200 ever contains an endpoint secret', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 14 }), async (actions) => {
        const harness = createApiHarness();
        const secrets = new Set<string>();
        const ids: string[] = [];
        const deliveries: { id: string; endpointId: string }[] = [];
        const idAt = (index: number) => ids[index % Math.max(ids.length, 1)] ?? 'wh_missing';
        // Answers that may carry a secret; every other answer is checked against all secrets.
        const send = async (
          method: string,
          path: string,
          options: Parameters<ApiHarness['call']>[2] = {},
          secretBearing: (response: Response) => boolean = () => false,
        ): Promise<string> => {
          const response = await harness.call(method, path, options);
          const answer = await checkAnswer(response, method);
          const headers = headerNamesOf(response)
            .map((name) => `${name}: ${response.headers.get(name)}`)
            .join('\n');
          for (const secret of secrets) expect(headers).not.toContain(secret);
          if (secretBearing(response)) {
            const secret = (JSON.parse(answer) as { secret?: unknown }).secret;
            expect(typeof secret).toBe('string');
            secrets.add(String(secret));
          } else {
            for (const secret of secrets) expect(answer).not.toContain(secret);
          }
          return answer;
        };
        for (const step of actions) {
          switch (step.kind) {
            case 'create': {
              const payload = {
                ...(step.valid ? CREATE_BODY : { url: CREATE_BODY.url, events: ['no_such.type'] }),
                ...(step.secret === undefined ? {} : { secret: step.secret }),
              };
              const answer = await send(
                'POST',
                '/v1/webhooks',
                { body: payload },
                (r) => r.status === 201,
              );
              if (step.valid) ids.push(String((JSON.parse(answer) as { id: string }).id));
              else if (step.secret !== undefined) expect(answer).not.toContain(step.secret);
              break;
            }
            case 'rotate': {
              const payload = {
                overlapMs: step.overlapMs,
                ...(step.secret === undefined ? {} : { secret: step.secret }),
              };
              const answer = await send(
                'POST',
                `/v1/webhooks/${idAt(step.target)}/rotate-secret`,
                { body: payload },
                (r) => r.status === 200,
              );
              if (step.secret !== undefined && step.overlapMs < 0) {
                expect(answer).not.toContain(step.secret);
              }
              break;
            }
            case 'patch':
              await send('PATCH', `/v1/webhooks/${idAt(step.target)}`, { body: step.body });
              break;
            case 'get':
              await send('GET', `/v1/webhooks/${idAt(step.target)}`);
              break;
            case 'history':
              await send('GET', `/v1/webhooks/${idAt(step.target)}/deliveries?size=100`);
              break;
            case 'delete':
              await send('DELETE', `/v1/webhooks/${idAt(step.target)}`);
              break;
            case 'test': {
              const answer = await send('POST', `/v1/webhooks/${idAt(step.target)}/test`, {
                body: { eventType: VIES.type, data: VIES.data },
              });
              const parsed = JSON.parse(answer) as { id?: string; endpointId?: string };
              if (parsed.endpointId !== undefined && parsed.id !== undefined) {
                deliveries.push({ id: parsed.id, endpointId: parsed.endpointId });
              }
              break;
            }
            case 'list':
              await send('GET', '/v1/webhooks');
              break;
            case 'publish':
              await send('POST', '/v1/events', {
                body: { type: VIES.type, data: VIES.data, partnerUuid: PARTNER },
              });
              break;
            case 'deliver':
              await harness.sender.processDue();
              break;
            case 'delivery':
            case 'replay': {
              const delivery = deliveries.at(-1);
              if (delivery === undefined) break;
              const path = `/v1/webhooks/${delivery.endpointId}/deliveries/${delivery.id}`;
              if (step.kind === 'delivery') await send('GET', path);
              else await send('POST', `${path}/replay`);
              break;
            }
            case 'junk':
              await send(step.method, `/v1/webhooks/${idAt(step.target)}`, { body: step.body });
              break;
          }
        }
        // Finally, every read of every endpoint.
        await send('GET', '/v1/webhooks');
        for (const id of ids) {
          await send('GET', `/v1/webhooks/${id}`);
          await send('GET', `/v1/webhooks/${id}/deliveries?size=100`);
        }
        for (const delivery of deliveries) {
          await send('GET', `/v1/webhooks/${delivery.endpointId}/deliveries/${delivery.id}`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a create body whose secret field holds a value -> a refusal never echoes it; a 201 shows it only as `secret`', async () => {
    const harness = createApiHarness();
    const createish = fc
      .array(field, { maxLength: 2 })
      .map((changes) => ({ ...CREATE_BODY, ...Object.fromEntries(changes) }));
    const secretValue = fc.oneof(
      customSecret,
      customSecret.map((value) => `whsec_${value}`),
      customSecret.map((value) => `${value} ${value}`),
      customSecret.map((value) => value.slice(0, 12)),
      customSecret.map((value) => `${value}${'x'.repeat(260)}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(createish, nearBody), secretValue, async (fields, secret) => {
        const response = await harness.call('POST', '/v1/webhooks', {
          body: { ...fields, secret },
        });
        const answer = await checkAnswer(response, 'POST');
        if (response.status === 201) {
          const created = JSON.parse(answer) as Record<string, unknown>;
          expect(created.secret).toBe(secret);
          const { secret: _shown, ...rest } = created;
          expect(JSON.stringify(rest)).not.toContain(secret);
        } else {
          expect(answer).not.toContain(secret);
          expect(answer).not.toContain(secret.slice(0, 16));
        }
      }),
      RUNS,
    );
  });
});
