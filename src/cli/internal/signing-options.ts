// The options `sign`, `verify` and `trigger` share: `--secret` (repeatable, or the environment)
// and `--profile`, and the one way a refused secret or option of the signing functions becomes a
// usage error. A secret is never printed: messages say which option, never its value.
import { Option } from 'commander';
import { isWebhooksError } from '../../core/errors.js';
import { usageError } from './cli-error.js';
import { CLI_PROFILE_NAMES, type CliProfileName } from './cli-profiles.js';
import { collect } from './option-parsers.js';

/** The environment variable that gives the secret when no `--secret` is given. */
export const SECRET_ENV = 'NOVATRADE_WEBHOOKS_SECRET';

/**
 * `--secret <secret>`, repeatable (a rotation: the newest first).
 *
 * @example
 * ```ts
 * command.addOption(secretOption('signs the payload'));
 * ```
 */
export function secretOption(what: string): Option {
  return new Option(
    '--secret <secret>',
    `the endpoint's secret, which ${what}; repeat it for several (a rotation, newest first); ` +
      `default: $${SECRET_ENV}`,
  ).argParser(collect);
}

/**
 * `--profile <name>`, one of `names` (all of {@link CLI_PROFILE_NAMES} by default).
 *
 * @example
 * ```ts
 * command.addOption(profileOption());
 * ```
 */
export function profileOption(names: readonly CliProfileName[] = CLI_PROFILE_NAMES): Option {
  return new Option('--profile <name>', 'the wire profile').choices(names).default('novatrade');
}

/**
 * The secrets to use: those given with `--secret`, else `$NOVATRADE_WEBHOOKS_SECRET` (one
 * secret), else a usage error.
 *
 * @throws CliError `usage` when neither gives one.
 * @example
 * ```ts
 * const secrets = resolveSecrets(options.secret, context.io.env);
 * ```
 */
export function resolveSecrets(
  given: readonly string[] | undefined,
  env: Readonly<Record<string, string | undefined>>,
): readonly string[] {
  if (given !== undefined && given.length > 0) return given;
  const fromEnv = env[SECRET_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return [fromEnv];
  throw usageError(
    `missing the secret: pass --secret <secret>, or set ${SECRET_ENV}.`,
    "The secret is the endpoint's signing secret (whsec_…), shown when the endpoint was created.",
  );
}

/**
 * Runs `fn`, turning a refused secret or option of the library (`invalid_secret`,
 * `invalid_option`) into a usage error: the command line gave a value the library cannot use.
 * The library's message names the value's shape, never the value.
 *
 * @example
 * ```ts
 * const header = asUsageErrors(() => signNovatradePayload(payload, secrets));
 * ```
 */
export function asUsageErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isWebhooksError(error) && error.code === 'invalid_secret') {
      throw usageError(`--secret: ${error.message}`);
    }
    if (isWebhooksError(error) && error.code === 'invalid_option') {
      throw usageError(error.message);
    }
    throw error;
  }
}
