// `sign` piped into `verify` as real child processes, for the Novatrade24 and EUDR profiles: the
// header one prints is the input of the next, the payload goes through standard input (or a
// file), and a payload changed by one byte fails with signature_mismatch (exit 1).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

const SECRET = 'whsec_cli_integration_secret_01';
const BODY = JSON.stringify({
  id: 'evt_01j9zkx3w5',
  type: 'compliance.decision_made',
  data: { orderUuid: '00000000-0000-0000-0000-000000000000', decision: 'VALID_EXPORT' },
});
const TAMPERED = BODY.replace('VALID_EXPORT', 'VALID_EXPORS');

describe('sign | verify (child processes)', () => {
  it(
    'a header signed by one process verifies in the next; a changed payload does not (novatrade, eudr)',
    { timeout: 120_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'nw-cli-sign-'));
      await writeFile(join(dir, 'event.json'), BODY);
      const [novatrade, eudr] = await Promise.all([
        // An absolute path: the child runs from the repository (tsx resolves from its cwd).
        runCli(['sign', join(dir, 'event.json'), '--secret', SECRET]),
        runCli(['sign', '-', '--profile', 'eudr', '--secret', SECRET, '--header'], { input: BODY }),
      ]);
      expect(novatrade.status, novatrade.stderr).toBe(0);
      expect(novatrade.stdout).toMatch(/^t=\d{10},v1=[0-9a-f]{64}\n$/);
      expect(eudr.status, eudr.stderr).toBe(0);
      expect(eudr.stdout).toMatch(/^X-Webhook-Signature: sha256=[0-9a-f]{64}\n$/);
      const novatradeHeader = novatrade.stdout.trimEnd();
      const eudrHeader = eudr.stdout.trimEnd();

      const [valid, tampered, eudrValid, eudrTampered] = await Promise.all([
        runCli(['verify', '--secret', SECRET, '--header', novatradeHeader], { input: BODY }),
        runCli(['verify', '-', '--secret', SECRET, '--header', novatradeHeader], {
          input: TAMPERED,
        }),
        runCli(['verify', '--profile', 'eudr', '--secret', SECRET, '--header', eudrHeader], {
          input: BODY,
        }),
        runCli(
          ['verify', '--profile', 'eudr', '--secret', SECRET, '--header', eudrHeader, '--json'],
          {
            input: TAMPERED,
          },
        ),
      ]);
      expect(valid.status, valid.stderr).toBe(0);
      expect(valid.stdout).toMatch(
        /^valid signed at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(t=\d{10}, (\d+ s ago|just now)\)\n$/,
      );
      expect(tampered.status).toBe(1);
      expect(tampered.stdout).toBe('invalid: signature_mismatch\n');
      expect(tampered.stderr).toMatch(/^error: .+\n/);
      expect(eudrValid).toMatchObject({
        status: 0,
        stdout: 'valid (the EUDR signature covers the body; no time is signed)\n',
      });
      expect(eudrTampered.status).toBe(1);
      expect(JSON.parse(eudrTampered.stdout)).toMatchObject({
        valid: false,
        profile: 'eudr',
        code: 'signature_mismatch',
      });
      for (const run of [novatrade, eudr, valid, tampered, eudrValid, eudrTampered]) {
        expect(run.stdout + run.stderr).not.toContain(SECRET);
      }
    },
  );
});
