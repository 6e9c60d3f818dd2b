// Every field-level issue of every validation error carries a code from ValidationIssueCode, so a
// caller (and the HTTP API's `errors[]`) branches on it without reading messages. A property over
// the public functions of the root and /testing entries, fed random bad input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertHealthPolicy,
  assertRetryPolicy,
  buildNovatradeSignatureHeader,
  buildStandardWebhookSignature,
  createEventCatalog,
  createNovatradeVerifier,
  createSampleEudrEvent,
  createSampleEvent,
  NOVATRADE_RETRY_POLICY,
  nextAttemptAt,
  nodeHmacSha256Base64,
  nodeHmacSha256Hex,
  parseEudrEvent,
  parseEudrEventJson,
  parseEvent,
  parseEventJson,
  parseSubscriptionPattern,
  parseSubscriptionPatterns,
  signNovatradePayload,
  signStandardWebhook,
  type ValidationIssueCode,
  verifyNovatradeSignature,
  verifyStandardWebhook,
  WebhookValidationError,
} from '../../../src/index.js';
import {
  createFakeClock,
  createRecordingTransport,
  createSignedRequest,
} from '../../../src/testing/index.js';
import { ISSUE_CODES } from './issue-codes.js';

/** The validation error `run` throws, or undefined when it returns or throws another error. */
function validationErrorOf(run: () => unknown): WebhookValidationError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookValidationError) return error;
  }
  return undefined;
}

const SECRET = 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0';

/** Bad input: anything, or an object of known keys with random values (field-level issues). */
function badInput(keys: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.anything(),
    fc.dictionary(fc.constantFrom(...keys, 'unknownKey'), fc.anything(), { maxKeys: keys.length }),
  );
}

const ENVELOPE_KEYS = [
  'id',
  'type',
  'schemaVersion',
  'source',
  'createdAt',
  'organizationUuid',
  'partnerUuid',
  'data',
];
const OPTION_KEYS = ['secret', 'timestampSeconds', 'hmac', 'id', 'timestamp', 'now', 'strict'];

// name, the call, and the input arbitrary
const CASES: ReadonlyArray<readonly [string, (input: never) => unknown, fc.Arbitrary<unknown>]> = [
  ['parseEvent', (input) => parseEvent(input), badInput(ENVELOPE_KEYS)],
  ['parseEvent (strict)', (input) => parseEvent(input, { strict: true }), badInput(ENVELOPE_KEYS)],
  [
    'parseEvent (sample with random data)',
    (data) => parseEvent({ ...createSampleEvent('compliance.decision_made'), data }),
    badInput(['orderUuid', 'decision', 'blockers', 'decidedAt']),
  ],
  ['parseEventJson', (input) => parseEventJson(input), fc.anything()],
  ['parseEudrEvent', (input) => parseEudrEvent(input), badInput(['event', 'timestamp', 'data'])],
  ['parseEudrEventJson', (input) => parseEudrEventJson(input), fc.anything()],
  [
    'parseEvent (options)',
    (options) => parseEvent(createSampleEvent('kyc.vies_check_failed'), options),
    badInput(['strict']),
  ],
  [
    'createEventCatalog',
    (input) => createEventCatalog(input),
    fc.oneof(fc.anything(), fc.array(badInput(['type', 'scope', 'versions']))),
  ],
  ['createSampleEvent', (type) => createSampleEvent(type), fc.anything()],
  ['createSampleEudrEvent', (type) => createSampleEudrEvent(type), fc.anything()],
  [
    'parseSubscriptionPattern',
    (input) => parseSubscriptionPattern(input),
    fc.oneof(fc.anything(), fc.string()),
  ],
  [
    'parseSubscriptionPatterns',
    (input) => parseSubscriptionPatterns(input),
    fc.oneof(fc.anything(), fc.array(fc.oneof(fc.string(), fc.anything()))),
  ],
  [
    'assertRetryPolicy',
    (input) => assertRetryPolicy({ ...NOVATRADE_RETRY_POLICY, ...(input as object) }),
    badInput(['maxRetryAfterMs', 'jitter', 'schedule']),
  ],
  [
    'assertHealthPolicy',
    (input) => assertHealthPolicy(input),
    badInput(['maxConsecutiveFailures', 'maxFailureDurationMs', 'action']),
  ],
  [
    'nextAttemptAt',
    (input) => nextAttemptAt(NOVATRADE_RETRY_POLICY, input),
    badInput(['attempts', 'firstAttemptAtMs', 'lastAttemptAtMs', 'random']),
  ],
  [
    'buildNovatradeSignatureHeader',
    (options) => buildNovatradeSignatureHeader('{}', options),
    badInput(OPTION_KEYS),
  ],
  [
    'buildStandardWebhookSignature',
    (options) => buildStandardWebhookSignature('{}', options),
    badInput(OPTION_KEYS),
  ],
  [
    'signNovatradePayload',
    (options) => signNovatradePayload('{}', SECRET, options),
    badInput(OPTION_KEYS),
  ],
  [
    'signNovatradePayload (secret)',
    (secret) => signNovatradePayload('{}', secret),
    fc.oneof(fc.anything(), fc.array(fc.anything())),
  ],
  ['signStandardWebhook', (options) => signStandardWebhook('{}', options), badInput(OPTION_KEYS)],
  [
    'verifyNovatradeSignature (secret)',
    (secret) => verifyNovatradeSignature('{}', 't=1,v1=00', secret),
    fc.oneof(fc.anything(), fc.array(fc.anything())),
  ],
  [
    'verifyNovatradeSignature (options)',
    (options) => verifyNovatradeSignature('{}', 't=1,v1=00', SECRET, options),
    badInput(['toleranceSeconds', 'now']),
  ],
  [
    'verifyStandardWebhook (headers)',
    (headers) => verifyStandardWebhook('{}', headers, SECRET),
    fc.anything(),
  ],
  [
    'createNovatradeVerifier',
    (platform) => createNovatradeVerifier(platform),
    badInput(['hmac', 'now']),
  ],
  [
    'createSignedRequest (event)',
    (event) => createSignedRequest(event, { secret: SECRET }),
    badInput(ENVELOPE_KEYS),
  ],
  [
    'createSignedRequest (options)',
    (options) => createSignedRequest(createSampleEvent('kyc.vies_check_failed'), options),
    badInput(['secret', 'profile', 'url', 'headers', 'timestampSeconds', 'now']),
  ],
  ['createFakeClock', (options) => createFakeClock(options), badInput(['nowMs'])],
  [
    'createRecordingTransport',
    (options) => createRecordingTransport(options),
    badInput(['status', 'receiver']),
  ],
];

describe('every ValidationIssue has a code from ValidationIssueCode', () => {
  it.each(CASES)('property: %s, random bad input', (_, run, input) => {
    let issues = 0;
    fc.assert(
      fc.property(input, (value) => {
        const error = validationErrorOf(() => run(value as never));
        for (const issue of error?.issues ?? []) {
          issues++;
          expect(ISSUE_CODES).toContain(issue.code);
        }
      }),
      { numRuns: 150 },
    );
    // The property saw issues at all (the input reaches the checks).
    expect(issues).toBeGreaterThan(0);
  });

  it('the HMAC primitives used above are the ones the signers take', () => {
    // Keeps the imports honest: a random `hmac` option is checked against these shapes.
    expect(typeof nodeHmacSha256Hex).toBe('function');
    expect(typeof nodeHmacSha256Base64).toBe('function');
  });
});

describe('option and argument issues: the code says what kind of problem it is', () => {
  const rows: ReadonlyArray<readonly [string, () => unknown, string, ValidationIssueCode]> = [
    [
      'a secret of the wrong type',
      () => signNovatradePayload('{}', 42 as never),
      'secret',
      'invalid_type',
    ],
    ['an empty secret', () => signNovatradePayload('{}', ''), 'secret', 'too_small'],
    [
      'an empty list of secrets',
      () => verifyNovatradeSignature('{}', 't=1,v1=00', []),
      'secret',
      'too_small',
    ],
    [
      'a Standard Webhooks secret that is not base64',
      () => verifyStandardWebhook('{}', {}, 'whsec_not base64!'),
      'secret',
      'invalid_format',
    ],
    [
      'a timestamp in milliseconds',
      () => signNovatradePayload('{}', SECRET, { timestamp: 1_700_000_000_000 }),
      'timestamp',
      'too_big',
    ],
    [
      'a fractional timestamp',
      () =>
        buildNovatradeSignatureHeader('{}', {
          secret: SECRET,
          timestampSeconds: 1.5,
          hmac: nodeHmacSha256Hex,
        }),
      'timestampSeconds',
      'invalid_type',
    ],
    [
      'a missing timestamp',
      () =>
        buildNovatradeSignatureHeader('{}', { secret: SECRET, hmac: nodeHmacSha256Hex } as never),
      'timestampSeconds',
      'required',
    ],
    [
      'a zero tolerance',
      () => verifyNovatradeSignature('{}', 't=1,v1=00', SECRET, { toleranceSeconds: 0 }),
      'toleranceSeconds',
      'too_small',
    ],
    [
      'a NaN tolerance',
      () => verifyNovatradeSignature('{}', 't=1,v1=00', SECRET, { toleranceSeconds: Number.NaN }),
      'toleranceSeconds',
      'invalid_type',
    ],
    [
      'a retry delay of 0',
      () =>
        assertRetryPolicy({
          schedule: { kind: 'intervals', intervalsMs: [0] },
          maxRetryAfterMs: 1,
        }),
      'schedule.intervalsMs[0]',
      'too_small',
    ],
    [
      'offsets out of order',
      () =>
        assertRetryPolicy({ schedule: { kind: 'offsets', offsetsMs: [5, 1] }, maxRetryAfterMs: 1 }),
      'schedule.offsetsMs[1]',
      'invalid_value',
    ],
    [
      'a jitter ratio above 1',
      () => assertRetryPolicy({ ...NOVATRADE_RETRY_POLICY, jitter: { maxRatio: 2 } }),
      'jitter.maxRatio',
      'too_big',
    ],
    [
      'attempts 0',
      () =>
        nextAttemptAt(NOVATRADE_RETRY_POLICY, {
          attempts: 0,
          firstAttemptAtMs: 0,
          lastAttemptAtMs: 0,
        }),
      'attempts',
      'too_small',
    ],
    [
      'maxConsecutiveFailures 2.5',
      () => assertHealthPolicy({ maxConsecutiveFailures: 2.5, action: 'PAUSED' }),
      'maxConsecutiveFailures',
      'invalid_type',
    ],
    [
      'a health action of another name',
      () => assertHealthPolicy({ maxConsecutiveFailures: 2, action: 'STOPPED' as never }),
      'action',
      'invalid_value',
    ],
    [
      'a health policy without a limit',
      () => assertHealthPolicy({ action: 'PAUSED' }),
      'policy',
      'required',
    ],
    ['a pattern with whitespace', () => parseSubscriptionPattern(' kyc.*'), '', 'invalid_format'],
    [
      'a pattern of an unknown type',
      () => parseSubscriptionPattern('kyc.nothing'),
      '',
      'invalid_value',
    ],
    [
      'a repeated pattern',
      () => parseSubscriptionPatterns(['kyc.*', 'kyc.*']),
      'events[1]',
      'invalid_value',
    ],
    [
      'a catalog type without a dot',
      () => createEventCatalog([{ type: 'nodot', versions: [] }] as never),
      'definitions.0.type',
      'invalid_format',
    ],
    [
      'a catalog type defined twice',
      () =>
        createEventCatalog([
          { type: 'a.b', versions: [{ version: 1, schema: { safeParse() {} } }] },
          { type: 'a.b', versions: [] },
        ] as never),
      'definitions.1.type',
      'invalid_value',
    ],
    [
      'a catalog type without versions',
      () => createEventCatalog([{ type: 'a.b', versions: [] }] as never),
      'definitions.0.versions',
      'too_small',
    ],
    ['a fake clock moved backwards', () => createFakeClock().advance(-1), 'ms', 'too_small'],
    [
      'a signed request to a URL that is not one',
      () => createSignedRequest('{}', { secret: SECRET, url: 'nowhere' }),
      'url',
      'invalid_format',
    ],
    [
      'a signed request with an unknown profile',
      () => createSignedRequest('{}', { secret: SECRET, profile: 'other' as never }),
      'profile',
      'invalid_value',
    ],
    [
      'an unknown option',
      () => createRecordingTransport({ statsu: 1 } as never),
      'statsu',
      'unrecognized_key',
    ],
  ];
  it.each(
    rows.map(([name, run, path, code]) => [name, path, code, run] as const),
  )('%s -> issue at %j: %s', (_, path, code, run) => {
    const error = validationErrorOf(run);
    expect(error?.issues).toContainEqual(expect.objectContaining({ path, code }));
  });
});
