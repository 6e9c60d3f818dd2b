// `sign` and `verify` in process: the headers `sign` prints equal the library's signing functions,
// `verify` prints the verdict and each refusal's code with the right exit status, and a sign →
// verify round trip holds over arbitrary payload bytes and secrets for every profile, while any
// changed byte fails with signature_mismatch. No run prints a secret.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECRET_ENV } from '../../../../src/cli/internal/signing-options.js';
import { generateStandardWebhookSecret } from '../../../../src/signature/generate-standard-webhook-secret.js';
import { signEudrPayload } from '../../../../src/signature/sign-eudr-payload.node.js';
import { signNovatradePayload } from '../../../../src/signature/sign-novatrade-payload.node.js';
import { signStandardWebhook } from '../../../../src/signature/sign-standard-webhook.node.js';
import { type InProcessOptions, runInProcess } from '../in-process-cli.js';

const SECRET = 'whsec_cli_sign_verify_secret';
const OLD_SECRET = 'whsec_cli_sign_verify_old';
const BODY = '{"id":"evt_1","type":"compliance.decision_made"}';
const T = 1_729_684_200;

/** `sign …args` with {@link BODY} on standard input. */
const sign = (args: readonly string[], options: InProcessOptions = {}) =>
  runInProcess(['sign', ...args], { stdin: BODY, ...options });

describe('sign', () => {
  it('prints the X-Novatrade-Signature value signNovatradePayload makes, one v1 per secret', async () => {
    const run = await sign(['--secret', SECRET, '--secret', OLD_SECRET, '--timestamp', String(T)]);
    expect(run).toEqual({
      status: 0,
      stdout: `${signNovatradePayload(BODY, [SECRET, OLD_SECRET], { timestamp: T })}\n`,
      stderr: '',
    });
    expect(run.stdout).toMatch(/^t=1729684200,v1=[0-9a-f]{64},v1=[0-9a-f]{64}\n$/);
  });

  it('--header prints the header line, --json the whole answer; the secret may come from the environment', async () => {
    const header = await sign(['-', '--timestamp', String(T), '--header'], {
      env: { [SECRET_ENV]: SECRET },
    });
    const value = signNovatradePayload(BODY, SECRET, { timestamp: T });
    expect(header.stdout).toBe(`X-Novatrade-Signature: ${value}\n`);
    const json = await sign(['--secret', SECRET, '--timestamp', String(T), '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      profile: 'novatrade',
      header: 'X-Novatrade-Signature',
      value,
      headers: { 'X-Novatrade-Signature': value },
      timestamp: T,
    });
  });

  it('signs with the current time when no --timestamp is given', async () => {
    const before = Math.floor(Date.now() / 1000);
    const run = await sign(['--secret', SECRET]);
    const t = Number(/^t=(\d+),/.exec(run.stdout)?.[1]);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('--profile eudr prints sha256=<hex>, and refuses --timestamp and a second secret (exit 2)', async () => {
    const run = await sign(['--profile', 'eudr', '--secret', SECRET, '--header']);
    expect(run.stdout).toBe(`X-Webhook-Signature: ${signEudrPayload(BODY, SECRET)}\n`);
    const timestamp = await sign([
      '--profile',
      'eudr',
      '--secret',
      SECRET,
      '--timestamp',
      String(T),
    ]);
    expect(timestamp.status).toBe(2);
    expect(timestamp.stderr).toContain('an EUDR signature covers the body only');
    const two = await sign(['--profile', 'eudr', '--secret', SECRET, '--secret', OLD_SECRET]);
    expect(two.status).toBe(2);
    expect(two.stderr).toContain('an EUDR signature header holds one signature; got 2 secrets');
  });

  it('--profile standard-webhooks needs --id and prints the three headers with --header', async () => {
    const secret = generateStandardWebhookSecret();
    const missing = await sign(['--profile', 'standard-webhooks', '--secret', secret]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--id is required with --profile standard-webhooks');
    const run = await sign([
      '--profile',
      'standard-webhooks',
      '--secret',
      secret,
      '--id',
      'msg_1',
      '--timestamp',
      String(T),
      '--header',
    ]);
    const headers = signStandardWebhook(BODY, { id: 'msg_1', secret, timestamp: T });
    expect(run.stdout).toBe(
      `webhook-id: msg_1\nwebhook-timestamp: ${T}\nwebhook-signature: ${headers['webhook-signature']}\n`,
    );
  });

  it('refuses a missing secret, an empty one and a payload from a terminal (exit 2), never quoting a secret', async () => {
    const none = await sign([]);
    expect(none).toMatchObject({ status: 2, stdout: '' });
    expect(none.stderr).toContain(
      `missing the secret: pass --secret <secret>, or set ${SECRET_ENV}.`,
    );
    const empty = await sign(['--secret', '']);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('error: --secret: secret[0] is an empty string');
    const tty = await runInProcess(['sign', '--secret', SECRET], { stdinIsTty: true });
    expect(tty.status).toBe(2);
    expect(tty.stderr).toContain('no payload: name a file, or pipe the payload');
    const badStandard = await sign([
      '--profile',
      'standard-webhooks',
      '--id',
      'm',
      '--secret',
      'whsec_not-base64_secret',
    ]);
    expect(badStandard.status).toBe(2);
    expect(badStandard.stderr).not.toContain('not-base64_secret');
  });
});

describe('verify', () => {
  const header = signNovatradePayload(BODY, SECRET, { timestamp: T });
  const verify = (args: readonly string[], body: string = BODY) =>
    runInProcess(['verify', '--secret', SECRET, ...args], { stdin: body });

  it('prints valid with the signed time and its age (exit 0), in words or as JSON', async () => {
    expect(await verify(['--header', header, '--now', String(T + 12)])).toEqual({
      status: 0,
      stdout: 'valid signed at 2024-10-23T11:50:00Z (t=1729684200, 12 s ago)\n',
      stderr: '',
    });
    const json = await verify(['--header', header, '--now', String(T - 3), '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      valid: true,
      profile: 'novatrade',
      timestamp: T,
      ageSeconds: -3,
    });
  });

  it('takes the header as "Name: value" too, and says which profile a header of another one needs', async () => {
    const named = await verify([
      '--header',
      `X-Novatrade-Signature: ${header}`,
      '--now',
      String(T),
    ]);
    expect(named.status).toBe(0);
    const eudr = await verify([
      '--header',
      `X-Webhook-Signature: ${signEudrPayload(BODY, SECRET)}`,
    ]);
    expect(eudr.status).toBe(2);
    expect(eudr.stderr).toContain(
      'error: --header names X-Webhook-Signature, but --profile novatrade verifies X-Novatrade-Signature.\nPass --profile eudr to verify X-Webhook-Signature.',
    );
  });

  it('prints invalid: <code> on stdout and the reason on stderr (exit 1) for each refusal', async () => {
    const cases: [readonly string[], string][] = [
      [['--header', ''], 'missing_header'],
      [['--header', 't=abc,v1=00'], 'malformed_header'],
      [['--header', `t=${T},v0=${'0'.repeat(64)}`, '--now', String(T)], 'no_supported_signature'],
      [['--header', header, '--now', String(T + 301)], 'timestamp_too_old'],
      [['--header', header, '--now', String(T - 301)], 'timestamp_too_new'],
      [
        [
          '--header',
          signNovatradePayload(BODY, 'whsec_another_secret', { timestamp: T }),
          '--now',
          String(T),
        ],
        'signature_mismatch',
      ],
    ];
    for (const [args, code] of cases) {
      const run = await verify(args);
      expect(run.status, code).toBe(1);
      expect(run.stdout).toBe(`invalid: ${code}\n`);
      expect(run.stderr).toMatch(/^error: .+\n.+\n$/);
      expect(run.stderr).not.toContain(SECRET);
    }
    const json = await verify(['--header', header, '--now', String(T + 301), '--json']);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: false,
      profile: 'novatrade',
      code: 'timestamp_too_old',
    });
  });

  it('--tolerance widens the window; it is never off', async () => {
    expect(
      (await verify(['--header', header, '--now', String(T + 900), '--tolerance', '1000'])).status,
    ).toBe(0);
    expect(
      (await verify(['--header', header, '--now', String(T + 900), '--tolerance', '600'])).stdout,
    ).toBe('invalid: timestamp_too_old\n');
    const zero = await verify(['--header', header, '--tolerance', '0']);
    expect(zero.status).toBe(2);
    expect(zero.stderr).toContain("option '--tolerance <seconds>' argument is invalid");
  });

  it('--profile eudr checks the body signature, and X-Webhook-Timestamp only when --timestamp is given', async () => {
    const eudr = signEudrPayload(BODY, SECRET);
    const plain = await verify(['--profile', 'eudr', '--header', eudr]);
    expect(plain.stdout).toBe('valid (the EUDR signature covers the body; no time is signed)\n');
    /** Verifies with X-Webhook-Timestamp at T, `now` seconds since the epoch. */
    const windowedAt = (now: number) =>
      verify([
        '--profile',
        'eudr',
        '--header',
        eudr,
        '--timestamp',
        '2024-10-23T11:50:00.000Z',
        '--now',
        String(now),
      ]);
    const windowed = await windowedAt(T + 5);
    expect(windowed.stdout).toBe(
      'valid; X-Webhook-Timestamp 2024-10-23T11:50:00Z (5 s ago) is within the tolerance\n',
    );
    const old = await windowedAt(T + 400);
    expect(old).toMatchObject({ status: 1, stdout: 'invalid: timestamp_too_old\n' });
    const tolerance = await verify(['--profile', 'eudr', '--header', eudr, '--tolerance', '60']);
    expect(tolerance.status).toBe(2);
  });

  it('refuses options of another scheme (exit 2)', async () => {
    const id = await verify(['--header', header, '--id', 'm']);
    expect(id.status).toBe(2);
    const timestamp = await verify(['--header', header, '--timestamp', String(T)]);
    expect(timestamp.status).toBe(2);
    expect(timestamp.stderr).toContain('inside the X-Novatrade-Signature value (t=)');
    const standard = await verify(['--profile', 'standard-webhooks', '--header', 'v1,AAAA']);
    expect(standard.status).toBe(2);
    expect(standard.stderr).toContain(
      'needs --id <webhook-id> and --timestamp <webhook-timestamp>',
    );
    const missingHeader = await verify([]);
    expect(missingHeader.status).toBe(2);
    expect(missingHeader.stderr).toContain("required option '--header <value>' not specified");
  });
});

describe('sign → verify round trip', () => {
  const payload = fc.uint8Array({ maxLength: 300 });
  const secret = fc.stringMatching(/^[\x21-\x7e]{10,40}$/);
  const timestamp = fc.integer({ min: 1, max: 99_999_999_999 });

  /**
   * Signs `bytes` with `signArgs` and verifies the printed header (`verifyArgs`) against the same
   * bytes with each secret, then against the bytes with one bit changed.
   */
  async function roundTrip(
    args: { readonly sign: readonly string[]; readonly verify: readonly string[] },
    secrets: readonly string[],
    bytes: Uint8Array,
    t: number,
  ): Promise<void> {
    // `--secret=value`: a secret may start with `-` (`-V…` read on its own would be --version),
    // and the joined form is how a command line passes one (docs/cli.md, "Secrets on the command line").
    const secretArgs = secrets.map((s) => `--secret=${s}`);
    const signed = await runInProcess(['sign', ...args.sign, ...secretArgs, '--header'], {
      stdin: bytes,
    });
    expect(signed.status, signed.stderr).toBe(0);
    const header = signed.stdout.trimEnd().split('\n').at(-1) as string;
    const verifyWith = (more: readonly string[], input: Uint8Array) =>
      runInProcess(['verify', ...args.verify, ...more, '--header', header, '--now', String(t)], {
        stdin: input,
      });
    for (const one of secrets) {
      const valid = await verifyWith([`--secret=${one}`], bytes);
      expect(valid.status, valid.stderr).toBe(0);
      expect(valid.stdout).toMatch(/^valid/);
      expect(`${valid.stdout}${valid.stderr}${signed.stderr}`).not.toContain(one);
    }
    const tampered = new Uint8Array(bytes.length === 0 ? [0x20] : bytes);
    if (bytes.length > 0) tampered[0] = (tampered[0] as number) ^ 0x01;
    const invalid = await verifyWith(secretArgs, tampered);
    expect(invalid.status).toBe(1);
    expect(invalid.stdout).toBe('invalid: signature_mismatch\n');
  }

  it('property (novatrade): any bytes signed with 1 to 3 secrets verify with each, and not once changed', async () => {
    await fc.assert(
      fc.asyncProperty(
        payload,
        fc.uniqueArray(secret, { minLength: 1, maxLength: 3 }),
        timestamp,
        async (bytes, secrets, t) => {
          await roundTrip({ sign: ['--timestamp', String(t)], verify: [] }, secrets, bytes, t);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('property (eudr): any bytes signed with a secret verify, and not once changed', async () => {
    await fc.assert(
      fc.asyncProperty(payload, secret, timestamp, async (bytes, s, t) => {
        const eudr = ['--profile', 'eudr'];
        await roundTrip({ sign: eudr, verify: eudr }, [s], bytes, t);
      }),
      { numRuns: 60 },
    );
  });

  it('property (standard-webhooks): any bytes and message id verify, and not once changed', async () => {
    const standardSecret = fc
      .uint8Array({ minLength: 24, maxLength: 64 })
      .map((bytes) => `whsec_${Buffer.from(bytes).toString('base64')}`);
    const id = fc.stringMatching(/^[\x21-\x2d\x2f-\x7e]{1,40}$/);
    await fc.assert(
      fc.asyncProperty(
        payload,
        fc.uniqueArray(standardSecret, { minLength: 1, maxLength: 2 }),
        id,
        timestamp,
        async (bytes, secrets, messageId, t) => {
          const standard = [
            '--profile',
            'standard-webhooks',
            '--id',
            messageId,
            '--timestamp',
            String(t),
          ];
          await roundTrip({ sign: standard, verify: standard }, secrets, bytes, t);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('a secret that starts with a dash', () => {
  it('passes as --secret=value (the separate form would read it as options)', async () => {
    const signed = await runInProcess(['sign', '--profile', 'eudr', '--secret=-V!!!!!!!!!!'], {
      stdin: 'hello',
    });
    expect(signed.status, signed.stderr).toBe(0);
    expect(signed.stdout).toMatch(/^sha256=[0-9a-f]{64}\n$/);
  });
});
