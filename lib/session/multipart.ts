import { utf8 } from '../message/bytes';
import { ReplayableBody } from './replayable-body';
import { streamPieces } from './stream-pieces';

/** A `FormData` as a request body: its `Content-Type` (with the boundary) and its bytes. */
export interface MultipartBody {
  contentType: string;
  /** One array when every entry is a string; otherwise the parts, files read from their source as they are sent. */
  body: Uint8Array | ReplayableBody;
}

/**
 * Encodes a `FormData` as `multipart/form-data` (RFC 7578), as the WHATWG "multipart/form-data encoding
 * algorithm" says and browsers and undici do: in a name, line breaks become CRLF; in a name and a filename,
 * LF, CR and `"` are escaped as `%0A`, `%0D` and `%22`; a string value's line breaks become CRLF; a file part
 * says its `filename` and its type (`application/octet-stream` when the file has none). The boundary is random.
 * File parts are not read here: each is streamed from its `Blob` when the body is sent (and again if it is
 * sent again), so a large file never sits in memory. The length is known up front (`Blob.size`).
 */
export function multipartBody(form: FormData): MultipartBody {
  const boundary = randomBoundary();
  const parts: (Uint8Array | Blob)[] = [];
  let text = '';
  for (const [name, value] of form) {
    text += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(normaliseLineBreaks(name))}"`;
    if (typeof value === 'string') {
      text += `\r\n\r\n${normaliseLineBreaks(value)}\r\n`;
      continue;
    }
    text += `; filename="${escapeQuoted(value.name)}"\r\nContent-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`;
    parts.push(utf8(text), value);
    text = '\r\n';
  }
  text += `--${boundary}--\r\n`;
  const contentType = `multipart/form-data; boundary=${boundary}`;
  if (parts.length === 0) return { contentType, body: utf8(text) };
  parts.push(utf8(text));
  const length = parts.reduce((sum, part) => sum + (part instanceof Uint8Array ? part.length : part.size), 0);
  return { contentType, body: new ReplayableBody(length, () => partPieces(parts)) };
}

/** The pieces of the parts in order: the encoded text as is, each file from its stream. */
async function* partPieces(parts: readonly (Uint8Array | Blob)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    if (part instanceof Uint8Array) yield part;
    else if (part.size > 0) yield* { [Symbol.asyncIterator]: () => streamPieces(part.stream()) };
  }
}

/** A boundary no body will contain by chance: 96 random bits (RFC 2046 §5.1.1 allows up to 70 chars). */
function randomBoundary(): string {
  const random = crypto.getRandomValues(new Uint8Array(12));
  return `----io-http-${Array.from(random, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** CR, LF and CRLF alike as CRLF. */
function normaliseLineBreaks(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\r\n');
}

/** A name or filename made safe inside the quotes of a Content-Disposition parameter. */
function escapeQuoted(text: string): string {
  return text.replace(/[\n\r"]/g, (char) => (char === '\n' ? '%0A' : char === '\r' ? '%0D' : '%22'));
}
