import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EudrApiError } from '../../../../src/client/eudr-api-error.js';
import {
  readErrorBody,
  readEudrErrorBody,
  readProblemBody,
} from '../../../../src/client/internal/read-error-body.js';
import {
  NOVATRADE_PROBLEM_TYPES,
  NovatradeApiError,
  type NovatradeProblemType,
} from '../../../../src/client/novatrade-api-error.js';
import { renderEudrError } from '../../../../src/server/internal/eudr/eudr-error.js';
import {
  managementProblemResponse,
  PROBLEM_TYPES,
} from '../../../../src/server/internal/problem.js';

const NOW = Date.UTC(2026, 0, 1);
const BASE = 'https://api.novatrade24.com/problems/';

/** Any JSON value, objects and arrays nested a little. */
const json = fc.jsonValue({ maxDepth: 3 });

describe('readProblemBody', () => {
  it('reads every documented member', () => {
    const body = {
      type: `${BASE}validation-error`,
      title: 'Validation Error',
      status: 422,
      detail: 'The request has 2 invalid fields; see errors.',
      instance: '/v1/webhooks',
      traceId: 'req_1',
      errors: [
        { field: 'partnerIds.0', message: 'bad', rejectedValue: 'zzz' },
        { field: 'colour', message: 'is not a recognized field.' },
      ],
      currentResource: { x: 1 },
    };
    expect(readProblemBody(JSON.stringify(body))).toEqual({
      type: body.type,
      title: body.title,
      detail: body.detail,
      instance: body.instance,
      traceId: body.traceId,
      errors: body.errors,
      problem: body,
    });
  });

  it.each([
    [''],
    ['<html><body>502 Bad Gateway</body></html>'],
    ['null'],
    ['[1,2]'],
    ['"text"'],
    ['{"type":'],
  ])('answers about:blank and nothing else for %j', (text) => {
    expect(readProblemBody(text)).toEqual({
      type: 'about:blank',
      title: undefined,
      detail: undefined,
      instance: undefined,
      traceId: undefined,
      errors: [],
      problem: undefined,
    });
  });

  it('keeps only members of their documented type, and well-formed errors[] entries', () => {
    const parsed = readProblemBody(
      JSON.stringify({
        type: 5,
        title: ['x'],
        detail: null,
        traceId: {},
        errors: [
          'junk',
          null,
          [],
          { field: 1, message: 'm' },
          { field: 'a', message: 'm', rejectedValue: { nested: true } },
          { field: 'b', message: 'm', rejectedValue: null },
          { field: 'c', message: 'm', rejectedValue: 3 },
        ],
      }),
    );
    expect(parsed.type).toBe('about:blank');
    expect(parsed.title).toBeUndefined();
    expect(parsed.detail).toBeUndefined();
    expect(parsed.traceId).toBeUndefined();
    expect(parsed.errors).toEqual([
      { field: 'a', message: 'm' },
      { field: 'b', message: 'm', rejectedValue: null },
      { field: 'c', message: 'm', rejectedValue: 3 },
    ]);
  });

  it('reads no inherited member (a "__proto__" key is data, not a prototype)', () => {
    const parsed = readProblemBody('{"__proto__":{"type":"x","detail":"y"}}');
    expect(parsed.type).toBe('about:blank');
    expect(parsed.detail).toBeUndefined();
  });

  it('never throws on any text, and its members have their documented types', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          json.map((v) => JSON.stringify(v)),
          fc
            .record({ type: json, title: json, detail: json, errors: json, traceId: json })
            .map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const parsed = readProblemBody(text);
          expect(typeof parsed.type).toBe('string');
          expect(parsed.type).not.toBe('');
          for (const member of [parsed.title, parsed.detail, parsed.instance, parsed.traceId]) {
            expect(member === undefined || typeof member === 'string').toBe(true);
          }
          for (const entry of parsed.errors) {
            expect(typeof entry.field).toBe('string');
            expect(typeof entry.message).toBe('string');
          }
        },
      ),
    );
  });

  it('round-trips a problem body', () => {
    const scalar = fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.integer());
    const entry = fc.record(
      { field: fc.string(), message: fc.string(), rejectedValue: scalar },
      { requiredKeys: ['field', 'message'] },
    );
    fc.assert(
      fc.property(
        fc.record({
          type: fc.webUrl(),
          title: fc.string(),
          detail: fc.string(),
          instance: fc.string(),
          traceId: fc.string(),
          errors: fc.array(entry, { maxLength: 5 }),
        }),
        (body) => {
          expect(readProblemBody(JSON.stringify(body))).toEqual({ ...body, problem: body });
        },
      ),
    );
  });
});

describe('readEudrErrorBody', () => {
  it('reads error, message and details', () => {
    const body = {
      error: 'VALIDATION_ERROR',
      message: 'The request has 1 invalid field; see details.',
      details: [{ field: 'url', message: 'is required.' }, { field: 1 }, 'x'],
    };
    expect(readEudrErrorBody(JSON.stringify(body))).toEqual({
      error: 'VALIDATION_ERROR',
      detail: body.message,
      details: [{ field: 'url', message: 'is required.' }],
      body,
    });
  });

  it('never throws on any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          json.map((v) => JSON.stringify(v)),
          fc.record({ error: json, message: json, details: json }).map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const parsed = readEudrErrorBody(text);
          expect(parsed.error === undefined || typeof parsed.error === 'string').toBe(true);
          expect(Array.isArray(parsed.details)).toBe(true);
        },
      ),
    );
  });
});

describe('readErrorBody', () => {
  const answer = (over: Partial<Parameters<typeof readErrorBody>[0]>) =>
    readErrorBody({
      format: 'problem',
      method: 'POST',
      path: '/v1/webhooks',
      status: 500,
      headers: new Headers(),
      text: '',
      nowMs: NOW,
      ...over,
    });

  it.each(
    Object.keys(PROBLEM_TYPES) as NovatradeProblemType[],
  )('makes a NovatradeApiError of the server\'s own "%s" answer', async (type) => {
    const response = managementProblemResponse(
      {
        type,
        detail: 'Some detail.',
        errors: [{ field: 'events.0', message: 'is not an accepted value.' }],
        headers: type === 'rate-limited' ? { 'Retry-After': '6' } : {},
      },
      { url: '/v1/webhooks/wh_1?x=1', requestId: 'req_abc' },
    );
    const { error, retryAfterMs } = answer({
      status: response.status,
      headers: response.headers,
      text: await response.text(),
    });
    expect(error).toBeInstanceOf(NovatradeApiError);
    const apiError = error as NovatradeApiError;
    expect(apiError).toMatchObject({
      code: 'api_error',
      status: PROBLEM_TYPES[type].status,
      type: `${BASE}${type}`,
      problemType: type,
      title: PROBLEM_TYPES[type].title,
      detail: 'Some detail.',
      instance: '/v1/webhooks/wh_1',
      traceId: 'req_abc',
      requestId: 'req_abc',
      errors:
        type === 'validation-error'
          ? [{ field: 'events.0', message: 'is not an accepted value.' }]
          : [],
    });
    expect(apiError.retryAfterSeconds).toBe(type === 'rate-limited' ? 6 : undefined);
    expect(retryAfterMs).toBe(type === 'rate-limited' ? 6000 : undefined);
    expect(apiError.message).not.toContain('Some detail');
    expect(apiError.message).toContain(String(PROBLEM_TYPES[type].status));
  });

  it("keeps the client table equal to the server's PROBLEM_TYPES", () => {
    expect(NOVATRADE_PROBLEM_TYPES).toEqual(
      Object.fromEntries(Object.entries(PROBLEM_TYPES).map(([slug, info]) => [slug, info.title])),
    );
  });

  it('makes an error of a non-problem answer: an HTML 502, an empty 503', () => {
    const html = answer({ status: 502, text: '<html>Bad Gateway</html>' }).error;
    expect(html).toMatchObject({ status: 502, type: 'about:blank', problemType: 'unknown' });
    const empty = answer({
      status: 503,
      headers: new Headers({ 'Retry-After': 'Thu, 01 Jan 2026 00:00:09 GMT' }),
    });
    expect(empty.error).toMatchObject({
      status: 503,
      problemType: 'unknown',
      retryAfterSeconds: 9,
    });
    expect(empty.retryAfterMs).toBe(9000);
  });

  it('reads Retry-After on 429 and 503 only', () => {
    const headers = new Headers({ 'Retry-After': '5' });
    expect(answer({ status: 500, headers }).retryAfterMs).toBeUndefined();
    expect(answer({ status: 429, headers }).retryAfterMs).toBe(5000);
  });

  it('reads a Retry-After of more than 9 digits as absent: retryAfterSeconds is never Infinity', () => {
    for (const value of ['9'.repeat(400), '1000000000']) {
      const { error, retryAfterMs } = answer({
        status: 429,
        headers: new Headers({ 'Retry-After': value }),
      });
      expect(retryAfterMs).toBeUndefined();
      expect(error.retryAfterSeconds).toBeUndefined();
    }
  });

  it("makes an EudrApiError of the EUDR server's own answers", async () => {
    const response = renderEudrError(
      {
        type: 'validation-error',
        detail: 'x',
        errors: [{ field: 'url', message: 'is required.' }],
        headers: {
          'X-RateLimit-Limit': '100',
          'X-RateLimit-Remaining': '3',
          'X-RateLimit-Reset': '1767225660',
        },
      },
      { url: '/api/v1/webhooks', requestId: 'req_e' },
    );
    const { error } = answer({
      format: 'eudr',
      status: response.status,
      headers: response.headers,
      text: await response.text(),
    });
    expect(error).toBeInstanceOf(EudrApiError);
    expect(error).toMatchObject({
      status: 400,
      errorCode: 'VALIDATION_ERROR',
      details: [{ field: 'url', message: 'is required.' }],
      requestId: 'req_e',
      rateLimit: { limit: 100, remaining: 3, resetSeconds: 1767225660, category: undefined },
    });
  });

  it('never throws and never puts body text into the message', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9]{16,24}$/);
    fc.assert(
      fc.property(
        token,
        fc.constantFrom<'problem' | 'eudr'>('problem', 'eudr'),
        fc.integer({ min: 400, max: 599 }),
        fc.constantFrom('detail', 'title', 'type', 'error', 'message', 'field', 'rejectedValue'),
        (canary, format, status, where) => {
          const text = JSON.stringify({
            type: where === 'type' ? `${BASE}${canary}` : `${BASE}not-found`,
            title: where === 'title' ? canary : 'Not Found',
            detail: where === 'detail' ? canary : 'd',
            error: where === 'error' ? canary : 'NOT_FOUND',
            message: where === 'message' ? canary : 'm',
            errors: [
              { field: where === 'field' ? canary : 'f', message: 'm', rejectedValue: canary },
            ],
          });
          const { error } = answer({ format, status, text });
          expect(error.message).not.toContain(canary);
          expect(error.status).toBe(status);
        },
      ),
    );
  });
});
