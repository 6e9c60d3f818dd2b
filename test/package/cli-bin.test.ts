// The `novatrade-webhooks` bin as npm installs it: package.json's `bin` names the built
// dist/cli.js, which starts with a shebang and runs on its own (built by `pretest`); the command
// tests run the sources (test/helpers/cli.ts), this file checks that the shipped file is the same
// program.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const manifestPath = require.resolve('@novatrade24/webhooks/package.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};
const bin = join(dirname(manifestPath), manifest.bin['novatrade-webhooks'] ?? '');

describe('the novatrade-webhooks bin', () => {
  it('is dist/cli.js, an ES module with a node shebang', () => {
    expect(manifest.bin).toEqual({ 'novatrade-webhooks': './dist/cli.js' });
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('prints the package version and its commands', async () => {
    const run = (args: string[]) => promisify(execFile)(process.execPath, [bin, ...args]);
    const [version, help] = await Promise.all([run(['--version']), run(['--help'])]);
    expect(version.stdout.trim()).toBe(manifest.version);
    for (const command of [
      'serve',
      'listen',
      'trigger',
      'sign',
      'verify',
      'endpoints',
      'deliveries',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('exits 2 on a usage error', async () => {
    const failure = await promisify(execFile)(process.execPath, [bin, 'no-such-command']).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain("unknown command 'no-such-command'");
  });
});
