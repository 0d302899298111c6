/** Byte helpers shared by the message types and the parsers. Strings here are byte strings: one char per octet. */

const utf8Encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** A byte string (one char per octet, like Node's `latin1`) of `bytes[start, end)`. */
export function byteString(bytes: Uint8Array, start = 0, end = bytes.length): string {
  // Chunked so a long range never overflows the argument limit of fromCharCode.
  let out = '';
  for (let i = start; i < end; i += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(i + 8192, end)) as unknown as number[]);
  }
  return out;
}

/** An empty array to share: never written to. */
export const EMPTY: Uint8Array = new Uint8Array(0);

/** The octets of a byte string; chars above 0xFF are refused by the caller's validation, not here. */
export function fromByteString(text: string): Uint8Array {
  // ASCII, the usual case, is the same in UTF-8: the native encoder is much faster than a loop. Any other char
  // takes two or three bytes there, so a result as long as the text was ASCII (a test that costs less than a regex).
  const ascii = utf8Encoder.encode(text);
  if (ascii.length === text.length) return ascii;
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Two views joined into a new array (only used where a copy cannot be avoided). */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Pieces joined into one array; a single piece is returned as is, not copied. */
export function joinBytes(pieces: readonly Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0];
  let length = 0;
  for (const piece of pieces) length += piece.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/**
 * A short, escaped, printable excerpt of `source` around `offset`, for error messages: bytes, or the chars of a
 * string (a char above 0xFF shows as `\uXXXX`). The char at `offset` is marked ⟨so⟩.
 */
export function excerpt(source: Uint8Array | string, offset: number, width = 24): string {
  const start = Math.max(0, offset - width);
  const end = Math.min(source.length, offset + width);
  let out = start > 0 ? '…' : '';
  for (let i = start; i < end; i++) {
    const c = typeof source === 'string' ? source.charCodeAt(i) : source[i];
    let shown: string;
    if (c === 0x0d) shown = '\\r';
    else if (c === 0x0a) shown = '\\n';
    else if (c === 0x09) shown = '\\t';
    else if (c === 0x5c) shown = '\\\\';
    else if (c >= 0x20 && c < 0x7f) shown = String.fromCharCode(c);
    else shown = c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    out += i === offset ? `⟨${shown}⟩` : shown;
  }
  if (offset >= end) out += '⟨end⟩';
  return end < source.length ? out + '…' : out;
}
