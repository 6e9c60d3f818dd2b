// Text the CLI did not write (an API's problem details, an endpoint's description, a forward
// target's URL) is printed so that it can neither drive the terminal (ANSI escapes, cursor moves)
// nor show a password.
import fc from 'fast-check';
import picocolors from 'picocolors';
import { describe, expect, it } from 'vitest';
import { apiFailure } from '../../../../src/cli/internal/api-failure.js';
import { endpointLines, endpointTable } from '../../../../src/cli/internal/api-views.js';
import type { CliError } from '../../../../src/cli/internal/cli-error.js';
import { displayUrl } from '../../../../src/cli/listen/listen-printer.js';
import { NovatradeApiError } from '../../../../src/client/novatrade-api-error.js';
import type { WebhookEndpoint } from '../../../../src/client/resource-types.js';

const colors = picocolors.createColors(false);
// biome-ignore lint/suspicious/noControlCharactersInRegex: what must not get through
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/; // tab and line feed are plain text
const HOSTILE = 'x\u001b[2J\u001b]0;owned\u0007\r\ny';

const endpoint = (description: string): WebhookEndpoint =>
  ({
    id: 'wh_1',
    url: 'https://partner.example/hooks',
    description,
    events: ['kyc.*'],
    partnerIds: null,
    acceptedSchemaVersions: [1],
    status: 'ACTIVE',
    consecutiveFailures: 0,
    failingSince: null,
    liveSecrets: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  }) as unknown as WebhookEndpoint;

describe('text from the API', () => {
  it("a problem's title, detail, field errors and traceId: one line each, no control character", () => {
    const error = apiFailure(
      new NovatradeApiError({
        method: 'GET',
        path: '/v1/webhooks',
        status: 400,
        type: 'https://api.novatrade24.com/problems/validation-error',
        title: `Bad${HOSTILE}`,
        detail: `detail${HOSTILE}`,
        traceId: `req${HOSTILE}`,
        errors: [{ field: `f${HOSTILE}`, message: `m${HOSTILE}` }],
      }),
      'http://127.0.0.1:8080',
    ) as CliError;
    expect(error.message).not.toMatch(CONTROL);
    expect(error.hint?.split('\n')).toHaveLength(3);
    for (const line of error.hint?.split('\n') ?? []) expect(line).not.toMatch(CONTROL);
  });

  it('for any description: the endpoint views print it on one line, with no control character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (description) => {
        const lines = [
          ...endpointLines(endpoint(description), colors),
          ...endpointTable([endpoint(description)], colors),
        ];
        for (const line of lines) {
          expect(line).not.toMatch(CONTROL);
          expect(line).not.toContain('\n');
        }
        expect(endpointLines(endpoint(description), colors)).toHaveLength(
          endpointLines(endpoint(''), colors).length,
        );
      }),
    );
  });
});

describe('displayUrl', () => {
  it('hides a user name and password, and leaves other URLs as they are', () => {
    expect(displayUrl('http://user:S3CR3T@127.0.0.1:3000/hooks?x=1')).toBe(
      'http://***@127.0.0.1:3000/hooks?x=1',
    );
    expect(displayUrl('http://127.0.0.1:3000/hooks')).toBe('http://127.0.0.1:3000/hooks');
  });

  it('for any user name and password: neither is printed', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]{4,12}$/),
        fc.stringMatching(/^[a-z0-9]{4,12}$/),
        (user, password) => {
          const shown = displayUrl(`http://${user}:${password}@host.example:8080/p`);
          expect(shown).not.toContain(`${user}:`);
          expect(shown).not.toContain(`:${password}@`);
          expect(shown).toBe('http://***@host.example:8080/p');
        },
      ),
    );
  });
});
