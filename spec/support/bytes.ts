/**
 * Text to and from bytes, for specs to write inputs and read outputs as text: latin1 (one character per byte)
 * both ways, and UTF-8. Node's and the platform's codecs, not lib/message/bytes.ts: the specs check that code,
 * so they do not lean on it.
 */

/** The bytes as latin1 text: one character per byte. */
export const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** The latin1 bytes of `text`: one byte per character (a character above U+00FF gives its low byte). */
export const bytesOf = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

/** The UTF-8 bytes of `text`. */
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
