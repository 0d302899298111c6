import { utf8 } from '../message/bytes';

const CRLF = utf8('\r\n');

/** The last chunk and an empty trailer section: ends a chunked request body. */
export const LAST_CHUNK: Uint8Array = utf8('0\r\n\r\n');

/**
 * One chunk of a chunked body (RFC 9112 §7.1) as the pieces to write: size line, data (not copied), CRLF.
 * An empty input gives no pieces: a zero-size chunk would end the body.
 */
export function encodeChunk(data: Uint8Array): Uint8Array[] {
  if (data.length === 0) return [];
  return [utf8(`${data.length.toString(16)}\r\n`), data, CRLF];
}
