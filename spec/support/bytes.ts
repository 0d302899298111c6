/**
 * Latin1 text to and from bytes, one character per byte, for specs to write inputs and read outputs as text.
 * Node's own codec, not lib/message/bytes.ts: the specs check that code, so they do not lean on it.
 */

/** The bytes as latin1 text: one character per byte. */
export const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** The latin1 bytes of `text`: one byte per character (a character above U+00FF gives its low byte). */
export const bytesOf = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
