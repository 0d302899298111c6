/** Character classes of RFC 9110 §5.6, as lookup tables over octets. */

/** tchar: "!#$%&'*+-.^_`|~" / DIGIT / ALPHA. */
export const TOKEN_CHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TOKEN_CHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN_CHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN_CHAR[c] = TOKEN_CHAR[c + 0x20] = 1;

/** field-vchar / SP / HTAB: VCHAR, obs-text (0x80-0xFF), space and tab. Everything else is a control. */
export const FIELD_VALUE_CHAR = new Uint8Array(256);
FIELD_VALUE_CHAR[0x09] = FIELD_VALUE_CHAR[0x20] = 1;
for (let c = 0x21; c < 0x7f; c++) FIELD_VALUE_CHAR[c] = 1;
for (let c = 0x80; c < 0x100; c++) FIELD_VALUE_CHAR[c] = 1;

/** True if `text` is a non-empty token. */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || TOKEN_CHAR[c] === 0) return false;
  }
  return true;
}

/**
 * Index of the first char that may not be sent in a field value (CR, LF, NUL, or anything outside a byte),
 * or -1. Other controls are refused too: no peer should receive them.
 */
export function invalidFieldValueIndex(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || FIELD_VALUE_CHAR[c] === 0) return i;
  }
  return -1;
}

/** Splits a comma-separated list field (RFC 9110 §5.6.1) into trimmed, non-empty, lower-case elements. */
export function listTokens(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const part of value.split(',')) {
      // OWS is SP and HTAB only: String.trim() would also strip 0xA0 (NBSP), an obs-text byte.
      const token = trimOws(part);
      if (token !== '') out.push(token.toLowerCase());
    }
  }
  return out;
}

/** `text` without leading and trailing OWS (SP and HTAB, RFC 9110 §5.6.3). */
export function trimOws(text: string): string {
  const start = skipOws(text, 0, text.length);
  return text.slice(start, skipOwsBack(text, start, text.length));
}

/** The index of the first char of `text[from, to)` that is not OWS (SP or HTAB); `to` if there is none. */
export function skipOws(text: string, from: number, to: number): number {
  while (from < to && isOws(text.charCodeAt(from))) from++;
  return from;
}

/** The index just past the last char of `text[from, to)` that is not OWS; `from` if there is none. */
export function skipOwsBack(text: string, from: number, to: number): number {
  while (to > from && isOws(text.charCodeAt(to - 1))) to--;
  return to;
}

/** SP or HTAB: the chars of OWS (RFC 9110 §5.6.3). */
export function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * Whether a list field (RFC 9110 §5.6.1) holds `token` (lower case), ignoring case and OWS: `listTokens`
 * without building the list, for the checks made on every response.
 */
export function hasListToken(values: readonly string[], token: string): boolean {
  for (const value of values) {
    let start = 0;
    while (start <= value.length) {
      let end = value.indexOf(',', start);
      if (end < 0) end = value.length;
      const from = skipOws(value, start, end);
      const to = skipOwsBack(value, from, end);
      if (to - from === token.length && equalsLowerCase(value, from, token)) return true;
      start = end + 1;
    }
  }
  return false;
}

/** `text` at `from` equals the lower-case `token`, ASCII case ignored. */
function equalsLowerCase(text: string, from: number, token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    let c = text.charCodeAt(from + i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== token.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * The index just past the token68 at `from` (RFC 9110 §11.2: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" /
 * "/" ) *"="`, the b64token of RFC 6750 §2.1 too); `from` if no token68 starts there.
 */
export function token68End(text: string, from: number): number {
  let i = from;
  while (i < text.length && isToken68Char(text.charCodeAt(i))) i++;
  if (i === from) return from;
  while (i < text.length && text.charCodeAt(i) === 0x3d) i++;
  return i;
}

function isToken68Char(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e || c === 0x2b || c === 0x2f
  );
}
