/**
 * Text from a file or a command, made safe for a one-sentence message: whatever a hostile file
 * holds, the message stays on one line and a reasonable length.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it escapes
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Control characters and line separators shown as escapes (`\n`, `\u0000`). */
export function oneLine(message: string): string {
  return message.replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value to quote in a message: escaped as oneLine does, cut to `max` characters. */
export function shown(value: string, max = 80): string {
  return oneLine(value.length > max ? `${value.slice(0, max - 1)}…` : value);
}
