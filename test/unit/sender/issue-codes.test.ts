// The sender's validation errors: every issue carries a ValidationIssueCode (a property over the
// public methods with random bad input), the test fire names itself in its messages, the integer
// arguments share the one integer-option rule, and a replay the endpoint's versions rule out is a
// typed invalid_state error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  WebhookConflictError,
  type WebhooksError,
  WebhookValidationError,
} from '../../../src/core/errors.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { createFakeClock } from '../../../src/testing/create-fake-clock.js';
import { createRecordingTransport } from '../../../src/testing/create-recording-transport.js';
import { EVENT_FIXTURES } from '../../../src/testing/event-fixtures.js';
import { ISSUE_CODES } from '../core/issue-codes.js';

const ORG = '550e8400-e29b-41d4-a716-446655440000';
const URL = 'https://receiver.example/hooks';

async function setup() {
  const clock = createFakeClock();
  const sender = new WebhookSender({ transport: createRecordingTransport(), clock });
  const { endpoint } = await sender.createEndpoint(ORG, { url: URL, events: ['compliance.*'] });
  return { sender, endpoint, clock };
}

/** What `promise` rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<WebhooksError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as WebhooksError,
  );
}

/** Bad input: anything, or an object of known keys with random values (field-level issues). */
function badInput(keys: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.anything(),
    fc.dictionary(fc.constantFrom(...keys, 'unknownKey'), fc.anything(), { maxKeys: keys.length }),
  );
}

type Call = (sender: WebhookSender, endpointId: string, input: never) => Promise<unknown>;

const ENDPOINT_KEYS = [
  'url',
  'events',
  'partnerIds',
  'secret',
  'description',
  'acceptedSchemaVersions',
];
const CASES: ReadonlyArray<readonly [string, Call, fc.Arbitrary<unknown>]> = [
  ['createEndpoint', (s, _, input) => s.createEndpoint(ORG, input), badInput(ENDPOINT_KEYS)],
  [
    'updateEndpoint',
    (s, id, input) => s.updateEndpoint(ORG, id, input),
    badInput([...ENDPOINT_KEYS, 'status']),
  ],
  [
    'publish',
    (s, _, input) => s.publish({ organizationUuid: ORG, ...(input as object) } as never),
    badInput(['type', 'partnerUuid', 'data', 'source']),
  ],
  [
    'publish (random data)',
    (s, _, data) =>
      s.publish({ organizationUuid: ORG, type: 'compliance.decision_made', data } as never),
    badInput(['orderUuid', 'decision', 'blockers', 'decidedAt']),
  ],
  [
    'listDeliveries',
    (s, id, query) => s.listDeliveries(ORG, id, query),
    badInput(['status', 'since', 'page', 'size', 'sort']),
  ],
  [
    'testEndpoint',
    (s, id, input) => s.testEndpoint(ORG, id, input),
    badInput(['eventType', 'data', 'partnerUuid']),
  ],
  [
    'rotateSecret',
    (s, id, options) => s.rotateSecret(ORG, id, options),
    badInput(['overlapMs', 'secret']),
  ],
  [
    'recoverDeliveries',
    (s, id, range) => s.recoverDeliveries(ORG, id, range),
    badInput(['since', 'until']),
  ],
  ['any call (organizationUuid)', (s, id, org) => s.listDeliveries(org, id), fc.anything()],
];

describe('WebhookSender: every ValidationIssue has a code from ValidationIssueCode', () => {
  it.each(CASES)('property: %s, random bad input', async (_, call, input) => {
    const { sender, endpoint } = await setup();
    let issues = 0;
    await fc.assert(
      fc.asyncProperty(input, async (value) => {
        const error = await call(sender, endpoint.id, value as never).then(
          () => undefined,
          (reason: unknown) => reason,
        );
        if (!(error instanceof WebhookValidationError)) return;
        for (const issue of error.issues) {
          issues++;
          expect(ISSUE_CODES).toContain(issue.code);
        }
      }),
      { numRuns: 100 },
    );
    expect(issues).toBeGreaterThan(0);
  });

  it.each<[string, unknown, string, string]>([
    ['an http: URL', { url: 'http://x.example/', events: ['kyc.*'] }, 'url', 'invalid_value'],
    ['a URL that is not one', { url: 'not a url', events: ['kyc.*'] }, 'url', 'invalid_format'],
    ['no URL', { events: ['kyc.*'] }, 'url', 'required'],
    ['no events', { url: URL, events: [] }, 'events', 'too_small'],
    ['a malformed pattern', { url: URL, events: ['kyc*'] }, 'events.0', 'invalid_format'],
    ['an unknown type', { url: URL, events: ['kyc.nothing'] }, 'events.0', 'invalid_value'],
    ['a repeated pattern', { url: URL, events: ['kyc.*', 'kyc.*'] }, 'events.1', 'invalid_value'],
    [
      'a version 0',
      { url: URL, events: ['kyc.*'], acceptedSchemaVersions: [0] },
      'acceptedSchemaVersions',
      'too_small',
    ],
    [
      'a version "1"',
      { url: URL, events: ['kyc.*'], acceptedSchemaVersions: ['1'] },
      'acceptedSchemaVersions',
      'invalid_type',
    ],
    ['a short secret', { url: URL, events: ['kyc.*'], secret: 'short' }, 'secret', 'too_small'],
    [
      'a secret with a space',
      { url: URL, events: ['kyc.*'], secret: 'a secret with spaces' },
      'secret',
      'invalid_format',
    ],
    [
      'an unknown field',
      { url: URL, events: ['kyc.*'], colour: 'red' },
      'colour',
      'unrecognized_key',
    ],
  ])('createEndpoint with %s -> issue %s at %s', async (_, input, path, code) => {
    const { sender } = await setup();
    const error = await rejection(sender.createEndpoint(ORG, input as never));
    expect(error.code).toBe('invalid_endpoint');
    expect((error as WebhookValidationError).issues).toContainEqual(
      expect.objectContaining({ path, code }),
    );
  });
});

describe('testEndpoint names itself in its input errors', () => {
  it('a bad test fire -> invalid_event_input whose message starts with testEndpoint:, each issue coded', async () => {
    const { sender, endpoint } = await setup();
    const error = await rejection(
      sender.testEndpoint(ORG, endpoint.id, { eventType: 'nope.nothing', data: 'x' } as never),
    );
    expect(error.code).toBe('invalid_event_input');
    expect(error.message).toMatch(/^testEndpoint: /);
    expect((error as WebhookValidationError).issues).toEqual([
      expect.objectContaining({ path: 'eventType', code: 'invalid_value' }),
      expect.objectContaining({ path: 'data', code: 'invalid_type' }),
    ]);
  });

  it('a bad publish still names publish; a missing partnerUuid is required', async () => {
    const { sender } = await setup();
    const error = await rejection(
      sender.publish({
        organizationUuid: ORG,
        type: 'compliance.decision_made',
        data: EVENT_FIXTURES['compliance.decision_made'].data,
      } as never),
    );
    expect(error.code).toBe('invalid_event_input');
    expect(error.message).toMatch(/^publish: /);
    expect((error as WebhookValidationError).issues).toEqual([
      expect.objectContaining({ path: 'partnerUuid', code: 'required' }),
    ]);
  });
});

describe('integer arguments use the one integer-option rule', () => {
  it.each<[unknown, string]>([
    [-1, 'too_small'],
    [1.5, 'invalid_type'],
    ['60000', 'invalid_type'],
  ])('rotateSecret({ overlapMs: %j }) -> invalid_option, issue %s naming rotateSecret', async (overlapMs, code) => {
    const { sender, endpoint } = await setup();
    const error = await rejection(
      sender.rotateSecret(ORG, endpoint.id, { overlapMs: overlapMs as number }),
    );
    expect(error.code).toBe('invalid_option');
    expect(error.message).toMatch(/^rotateSecret: `overlapMs` must be a non-negative integer/);
    expect((error as WebhookValidationError).issues).toEqual([
      { path: 'overlapMs', code, message: error.message },
    ]);
  });

  it('rotateSecret({ overlapMs: 0 }) ends the old secret at once', async () => {
    const { sender, endpoint } = await setup();
    await expect(sender.rotateSecret(ORG, endpoint.id, { overlapMs: 0 })).resolves.toBeDefined();
  });

  it.each<[object, string, string]>([
    [{ page: -1 }, 'page', 'too_small'],
    [{ page: 0.5 }, 'page', 'invalid_type'],
    [{ size: 0 }, 'size', 'too_small'],
    [{ size: 101 }, 'size', 'too_big'],
    [{ size: '10' }, 'size', 'invalid_type'],
  ])('listDeliveries(%j) -> invalid_option, issue at %s: %s, no value in the message', async (query, path, code) => {
    const { sender, endpoint } = await setup();
    const error = await rejection(sender.listDeliveries(ORG, endpoint.id, query as never));
    expect(error.code).toBe('invalid_option');
    expect((error as WebhookValidationError).issues).toEqual([
      expect.objectContaining({ path, code }),
    ]);
    expect(error.message).not.toMatch(/-1|0\.5|101|"10"/);
  });

  it('listDeliveries collects every bad parameter in one error', async () => {
    const { sender, endpoint } = await setup();
    const error = await rejection(
      sender.listDeliveries(ORG, endpoint.id, { page: -1, size: 500, sort: 'id' } as never),
    );
    expect(
      (error as WebhookValidationError).issues.map((issue) => [issue.path, issue.code]),
    ).toEqual([
      ['page', 'too_small'],
      ['size', 'too_big'],
      ['sort', 'invalid_format'],
    ]);
  });
});

describe('a replay refused for its schema version', () => {
  it('-> WebhookConflictError invalid_state saying no accepted version, and nothing is queued', async () => {
    const { sender, endpoint } = await setup();
    await sender.publish({
      organizationUuid: ORG,
      type: 'compliance.decision_made',
      partnerUuid: '00000000-0000-0000-0000-000000000001',
      data: EVENT_FIXTURES['compliance.decision_made'].data,
    } as never);
    await sender.processDue();
    const [delivered] = (await sender.listDeliveries(ORG, endpoint.id)).data;
    expect(delivered?.status).toBe('DELIVERED');
    // The catalog has version 1 only: an endpoint that now accepts only 2 cannot get it again.
    await sender.updateEndpoint(ORG, endpoint.id, { acceptedSchemaVersions: [2] });
    const error = await rejection(
      sender.replayDelivery(ORG, endpoint.id, (delivered as { id: string }).id),
    );
    expect(error).toBeInstanceOf(WebhookConflictError);
    expect(error.code).toBe('invalid_state');
    expect(error.message).toContain('accepts no schema version');
    expect((await sender.listDeliveries(ORG, endpoint.id)).data).toHaveLength(1);
  });
});
