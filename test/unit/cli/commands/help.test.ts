// Every command and subcommand of trigger, sign, verify, endpoints and deliveries answers --help
// (exit 0) with its usage and an "Examples:" block whose lines are commands of this program.
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../in-process-cli.js';

const COMMANDS: readonly (readonly string[])[] = [
  ['trigger'],
  ['sign'],
  ['verify'],
  ['endpoints'],
  ...['list', 'create', 'get', 'pause', 'resume', 'delete', 'test', 'rotate-secret'].map((sub) => [
    'endpoints',
    sub,
  ]),
  ['deliveries'],
  ...['list', 'get', 'replay', 'recover'].map((sub) => ['deliveries', sub]),
];

describe('--help', () => {
  it.each(
    COMMANDS.map((path) => [path.join(' '), path] as const),
  )('%s --help prints its usage and examples (exit 0)', async (_, path) => {
    const run = await runInProcess([...path, '--help']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`Usage: novatrade-webhooks ${path.join(' ')}`);
    const examples = run.stdout.split('\nExamples:\n')[1];
    expect(examples, 'an Examples: block').toBeDefined();
    const commands = (examples as string).split('\n').filter((line) => line.startsWith('  $ '));
    expect(commands.length).toBeGreaterThan(0);
    for (const line of commands) {
      expect(line).toMatch(/^ {2}\$ (\S+=\S+ )?(export |printf |novatrade-webhooks )/);
    }
  });

  it('a command with subcommands and none given shows its help on stderr and exits 2', async () => {
    for (const command of ['endpoints', 'deliveries']) {
      const run = await runInProcess([command]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`Usage: novatrade-webhooks ${command} [options] [command]`);
    }
  });
});
