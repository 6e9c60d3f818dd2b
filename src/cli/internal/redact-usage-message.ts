// commander quotes the value it refused: `option '--base-url <url>' argument
// 'http://user:password@host' is invalid.`. A value on a command line may be a secret (a URL with
// a password, a token in the wrong option, a mistyped `--secret=…`), and the package's rule is that
// a message never repeats a value (docs/design.md §5.39), so the program's error output goes
// through this first. The option's name, the reason and the choices stay.

// Greedy: a value that itself contains `' is invalid.` is still cut whole.
const OPTION_ARGUMENT = /argument '.*' is invalid\./s;
const OPTION_FROM_ENV = /value '.*' from env '([^']*)' is invalid\./s;
const COMMAND_ARGUMENT = /command-argument value '.*' is invalid for argument/s;
const UNKNOWN_OPTION_WITH_VALUE = /unknown option '([^'=\s]*)=.*'/s;

/**
 * A commander error message without the value it quotes.
 *
 * @example
 * ```ts
 * redactUsageMessage("error: option '--token <token>' argument 'abc' is invalid. Too short.");
 * // "error: option '--token <token>' argument is invalid. Too short."
 * ```
 */
export function redactUsageMessage(message: string): string {
  return message
    .replace(OPTION_ARGUMENT, 'argument is invalid.')
    .replace(OPTION_FROM_ENV, "value from env '$1' is invalid.")
    .replace(COMMAND_ARGUMENT, 'command-argument value is invalid for argument')
    .replace(UNKNOWN_OPTION_WITH_VALUE, "unknown option '$1=…'");
}
