/** Helpers for keeping secrets out of `toString()`, `JSON.stringify` and `util.inspect` output. */

/** The key Node's `util.inspect` looks up (a registered symbol: no import of node:util needed). */
export const INSPECT_CUSTOM: unique symbol = Symbol.for('nodejs.util.inspect.custom');

/** What is shown in place of a secret. */
export const REDACTED = '***';

/** `text` in single quotes, with `\` and `'` escaped, as util.inspect prints strings. */
export function quote(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
