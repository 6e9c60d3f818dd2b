// commander's refusals never repeat the refused value (a URL with a password, a token in the
// wrong option), while the option, the reason and the choices stay; and `help <command>` is help
// asked for (exit 0), not a usage error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactUsageMessage } from '../../../../src/cli/internal/redact-usage-message.js';
import { runInProcess } from '../in-process-cli.js';

const MARKER = 'S3CR3T';

describe('redactUsageMessage', () => {
  it('cuts the value out of each message commander quotes one in, keeping the rest', () => {
    expect(
      redactUsageMessage(
        "error: option '--base-url <url>' argument 'http://u:S3CR3T@h' is invalid. Expected a URL without user:password@.\n",
      ),
    ).toBe(
      "error: option '--base-url <url>' argument is invalid. Expected a URL without user:password@.\n",
    );
    expect(
      redactUsageMessage("error: option '--x <v>' value 'S3CR3T' from env 'X' is invalid. Bad.\n"),
    ).toBe("error: option '--x <v>' value from env 'X' is invalid. Bad.\n");
    expect(
      redactUsageMessage(
        "error: command-argument value 'S3CR3T' is invalid for argument 'event-type'. Unknown type.\n",
      ),
    ).toBe("error: command-argument value is invalid for argument 'event-type'. Unknown type.\n");
    expect(redactUsageMessage("error: unknown option '--tokn=S3CR3T'\n")).toBe(
      "error: unknown option '--tokn=…'\n",
    );
    expect(redactUsageMessage("error: unknown option '--tokn'\n")).toBe(
      "error: unknown option '--tokn'\n",
    );
    expect(redactUsageMessage("error: unknown command 'srve'\n")).toBe(
      "error: unknown command 'srve'\n",
    );
  });

  it('for any value, quotes and newlines included: the message no longer holds it', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        const value = `${before}${MARKER}${after}`;
        for (const message of [
          `error: option '--token <token>' argument '${value}' is invalid. Too short.\n`,
          `error: option '--token <token>' value '${value}' from env 'T' is invalid. Too short.\n`,
          `error: command-argument value '${value}' is invalid for argument 'file'. No such file.\n`,
          `error: unknown option '--secrt=${value}'\n`,
        ]) {
          expect(redactUsageMessage(message)).not.toContain(MARKER);
        }
      }),
    );
  });
});

describe('the program', () => {
  it('never prints a refused value: a URL with a password, a mistyped option with a value', async () => {
    const refused = await runInProcess([
      'endpoints',
      'list',
      '--base-url',
      `http://user:${MARKER}@127.0.0.1:1`,
      '--token',
      'x'.repeat(20),
    ]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("option '--base-url <url>' argument is invalid.");
    const mistyped = await runInProcess(['sign', `--secrt=${MARKER}`]);
    expect(mistyped.status).toBe(2);
    expect(mistyped.stderr).toContain("unknown option '--secrt=…'");
    for (const run of [refused, mistyped]) {
      expect(run.stderr + run.stdout).not.toContain(MARKER);
    }
  });

  it('help <command> prints the help and exits 0; no command at all is a usage error (2)', async () => {
    const [help, nested, none] = await Promise.all([
      runInProcess(['help', 'serve']),
      runInProcess(['endpoints', 'help', 'list']),
      runInProcess([]),
    ]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: novatrade-webhooks serve');
    expect(nested.status).toBe(0);
    expect(nested.stdout).toContain('Usage: novatrade-webhooks endpoints list');
    expect(none.status).toBe(2);
  });
});
