// The "Examples:" block every command's `--help` ends with (added with `addHelpText('after', …)`).

/**
 * The help text of a command's examples: each entry is a comment (`# …`), a command line (shown
 * after `$ `), or the continuation of the previous command (an entry starting with a space).
 *
 * @example
 * ```ts
 * command.addHelpText('after', helpExamples(['# Sign a file', 'novatrade-webhooks sign body.json --secret "$S"']));
 * ```
 */
export function helpExamples(lines: readonly string[]): string {
  const body = lines.map((line) => {
    if (line.startsWith('#')) return `  ${line}`;
    if (line.startsWith(' ')) return `      ${line.trimStart()}`;
    return `  $ ${line}`;
  });
  return `\nExamples:\n${body.join('\n')}\n`;
}
