// Text from another program (a receiver's answer) made safe to print on a terminal: control
// characters, which could move the cursor or change colours (ANSI escapes), are shown as `?`;
// line feeds and tabs stay.

/**
 * `text` with every C0 control character except tab and line feed, DEL, and every C1 control
 * character replaced by `?` (a carriage return of a CRLF line end is dropped).
 *
 * @example
 * ```ts
 * printableText('ok\u001b[2J\r\n'); // 'ok?[2J\n'
 * ```
 */
export function printableText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it removes
  return text.replace(/\r\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}
