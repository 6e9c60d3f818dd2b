// Every public constructor on the sender side refuses an option it does not know, naming it and
// the nearest known one, instead of ignoring it (a misspelt `allowInsecureURLs` used to leave
// http: URLs refused with no word about why); so do the hand-written policies of a custom
// profile. And an http: endpoint URL says which two options local development needs.
import { describe, expect, it } from 'vitest';
import { NOVATRADE_PROFILE } from '../../../src/core/profiles/novatrade-profile.js';
import { HttpTransport } from '../../../src/sender/http-transport.node.js';
import { MemoryStorage } from '../../../src/sender/memory-storage.js';
import { WebhookSender } from '../../../src/sender/webhook-sender.js';
import { createRecordingTransport } from '../../../src/testing/create-recording-transport.js';
import { thrown } from '../../helpers/thrown.js';
import {
  describeUnknownOptions,
  type UnknownOptionsCase,
} from '../../helpers/unknown-options-suite.js';

const transport = createRecordingTransport();

const CASES: readonly UnknownOptionsCase[] = [
  ['WebhookSender', (x) => new WebhookSender({ transport, ...x }), 'WebhookSender', 'maxInFlight'],
  ['HttpTransport', (x) => new HttpTransport(x), 'HttpTransport', 'connections'],
  [
    'createRecordingTransport (/testing)',
    (x) => createRecordingTransport(x),
    'createRecordingTransport',
    'status',
  ],
];

describeUnknownOptions(CASES);

describe('the names from the issue', () => {
  it('WebhookSender: allowInsecureURLs -> allowInsecureUrls, maxInflight -> maxInFlight, each named', () => {
    const error = thrown(
      () => new WebhookSender({ transport, allowInsecureURLs: true, maxInflight: 5 } as never),
    );
    expect(error.message).toMatch(
      /^WebhookSender: unknown options `allowInsecureURLs` \(did you mean `allowInsecureUrls`\?\), `maxInflight` \(did you mean `maxInFlight`\?\)\. Known options: storage, (?:idempotencyStore, )?transport, catalog, /,
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['allowInsecureURLs', 'maxInflight']);
  });

  it('HttpTransport: conections -> connections; a stranger is named without a suggestion', () => {
    expect(thrown(() => new HttpTransport({ conections: 4 } as never)).message).toContain(
      'HttpTransport: unknown option `conections` (did you mean `connections`?).',
    );
    expect(thrown(() => new HttpTransport({ colour: 'red' } as never)).message).toContain(
      'unknown option `colour`. Known options: allowPrivateNetworks,',
    );
  });

  it('an unknown option is refused before anything else is checked', () => {
    // `transport` is missing too; the misspelt name is the likelier mistake to report.
    const error = thrown(() => new WebhookSender({ transprot: transport } as never));
    expect(error.message).toContain('`transprot` (did you mean `transport`?)');
  });
});

describe('MemoryStorage (no options yet)', () => {
  it('refuses any key, saying it takes none', () => {
    const error = thrown(() => new MemoryStorage({ maxEntries: 10 } as never));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toBe('MemoryStorage: unknown option `maxEntries`. It takes no options.');
    expect(error.issues).toEqual([
      { path: 'maxEntries', code: 'unrecognized_key', message: 'unknown option `maxEntries`' },
    ]);
  });

  it('accepts nothing or an empty object, and refuses a value that is not an object', () => {
    expect(() => new MemoryStorage()).not.toThrow();
    expect(() => new MemoryStorage({})).not.toThrow();
    expect(thrown(() => new MemoryStorage(5 as never)).issues).toEqual([
      {
        path: 'options',
        code: 'invalid_type',
        message: expect.stringContaining('expected an options object'),
      },
    ]);
  });
});

describe("a custom profile's retry and health policies", () => {
  const sender = (profile: object) =>
    new WebhookSender({ transport, profile: { ...NOVATRADE_PROFILE, ...profile } });

  it('refuses a misspelt key with its path under the profile', () => {
    const jitter = thrown(() =>
      sender({
        retryPolicy: { ...NOVATRADE_PROFILE.retryPolicy, jiter: { maxRatio: 0.1 } },
      }),
    );
    expect(jitter.message).toContain(
      'WebhookSender `profile.retryPolicy`: unknown option `jiter` (did you mean `jitter`?)',
    );
    expect(jitter.issues).toEqual([
      {
        path: 'profile.retryPolicy.jiter',
        code: 'unrecognized_key',
        message: 'unknown option `jiter` (did you mean `jitter`?)',
      },
    ]);
    const health = thrown(() =>
      sender({ healthPolicy: { maxConsecutiveFailure: 5, action: 'PAUSED' } }),
    );
    expect(health.issues.map((issue) => issue.path)).toEqual([
      'profile.healthPolicy.maxConsecutiveFailure',
    ]);
    expect(health.message).toContain('(did you mean `maxConsecutiveFailures`?)');
  });

  it('checks the schedule of its kind and the jitter', () => {
    const schedule = thrown(() =>
      sender({
        retryPolicy: { schedule: { kind: 'intervals', offsetsMs: [1000] }, maxRetryAfterMs: 1 },
      }),
    );
    expect(schedule.issues.map((issue) => issue.path)).toEqual([
      'profile.retryPolicy.schedule.offsetsMs',
    ]);
    const ratio = thrown(() =>
      sender({
        retryPolicy: { ...NOVATRADE_PROFILE.retryPolicy, jitter: { maxratio: 0.1 } },
      }),
    );
    expect(ratio.message).toContain('`maxratio` (did you mean `maxRatio`?)');
  });

  it('accepts the built-in policies, a correct custom one, and extra fields on the profile itself', () => {
    expect(() =>
      sender({
        retryPolicy: {
          schedule: { kind: 'intervals', intervalsMs: [1000, 5000] },
          jitter: { maxRatio: 0.1 },
          maxRetryAfterMs: 60_000,
        },
        healthPolicy: { maxConsecutiveFailures: 5, action: 'DISABLED' },
        serialized: new Map(),
      }),
    ).not.toThrow();
  });
});

describe('createEndpoint with an http: URL', () => {
  it('names both switches local development needs, on the url issue', async () => {
    const error = await new WebhookSender({ transport })
      .createEndpoint('org-1', { url: 'http://127.0.0.1:3000/hooks', events: ['kyc.*'] })
      .then(
        () => {
          throw new Error('expected a rejection');
        },
        (reason: unknown) =>
          reason as { code: string; issues: { path: string; message: string }[] },
      );
    expect(error.code).toBe('invalid_endpoint');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('url');
    expect(error.issues[0]?.message).toContain('`allowInsecureUrls: true` to WebhookSender');
    expect(error.issues[0]?.message).toContain('`allowPrivateNetworks: true` to HttpTransport');
  });
});
