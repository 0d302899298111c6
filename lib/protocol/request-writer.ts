import { fromByteString, joinBytes } from '../message/bytes';
import { UsageError } from '../message/errors';
import type { HttpRequest } from '../message/request';
import { isToken, invalidFieldValueIndex } from '../message/syntax';
import { encodeChunk, LAST_CHUNK } from './chunked-encoder';

/**
 * The request side of HTTP/1 as pure functions: the head, and the bytes of a streamed body. No I/O: whoever
 * drives a protocol (the session, or a user by hand) writes what these return.
 */

/** Bodies and chunks up to this size are copied into one write with what precedes them; larger ones go uncopied. */
export const COALESCE_LIMIT = 16 * 1024;

/**
 * The request head: request line, Host (from the URL unless the request sets one), the request's fields, then
 * `framingFields` (Content-Length or Transfer-Encoding lines). Refuses what would break the message.
 */
export function requestHead(request: HttpRequest, version: '1.0' | '1.1', framingFields: string, requestTarget?: string): Uint8Array {
  const { method, url, headers } = request;
  if (!isToken(method)) throw new UsageError(`Invalid request method ${JSON.stringify(method)}: it must be a token`, 'ERR_INVALID_REQUEST');
  const target = requestTarget ?? (url.pathname || '/') + url.search;
  // Visible ASCII only (RFC 9112 §3.2): a char above 0xFF would be cut to one byte when serialised.
  if (target === '' || /[^\x21-\x7e]/.test(target)) {
    throw new UsageError(`Invalid request target ${JSON.stringify(target)}`, 'ERR_INVALID_REQUEST');
  }
  let head = `${method} ${target} HTTP/${version}\r\n`;
  if (!headers.has('host')) head += `Host: ${url.host}\r\n`;
  headers.forEach((value, name) => {
    checkField(name, value);
    head += `${name}: ${value}\r\n`;
  });
  head += framingFields;
  return fromByteString(`${head}\r\n`);
}

/** Content-Length or Transfer-Encoding for the request body, checked against what the caller set. */
export function requestFramingFields(request: HttpRequest, version: '1.0' | '1.1'): string {
  const { method, headers, body } = request;
  if (headers.has('transfer-encoding')) {
    throw new UsageError('Do not set Transfer-Encoding: io-http frames the request body itself', 'ERR_INVALID_REQUEST');
  }
  const given = headers.get('content-length');
  if (body instanceof Uint8Array || body === undefined) {
    const length = body?.length ?? 0;
    if (given !== undefined) {
      if (given !== String(length)) {
        throw new UsageError(`Content-Length ${given} does not match the body's ${length} bytes`, 'ERR_INVALID_REQUEST');
      }
      return '';
    }
    // A method that defines a meaning for content says its length even when empty (RFC 9110 §8.6).
    return body !== undefined || methodExpectsBody(method) ? `Content-Length: ${length}\r\n` : '';
  }
  if (given !== undefined) {
    if (!/^\d+$/.test(given)) throw new UsageError(`Invalid Content-Length ${JSON.stringify(given)}`, 'ERR_INVALID_REQUEST');
    return '';
  }
  if (version === '1.0') {
    throw new UsageError('HTTP/1.0 cannot send a streamed body without a Content-Length', 'ERR_LENGTH_REQUIRED');
  }
  return 'Transfer-Encoding: chunked\r\n';
}

/** Whether a streamed request body goes chunked: it has no Content-Length of its own. */
export function isChunkedRequest(request: HttpRequest): boolean {
  return !(request.body instanceof Uint8Array) && !request.headers.has('content-length');
}

/**
 * Frames a streamed request body piece by piece: `write` gives the bytes to write for a piece (in order, each
 * its own write), `end` those that end the body. Acts on the `send-body` yield.
 */
export interface BodyWriter {
  /**
   * The bytes to write for one body piece, in order. Throws UsageError `'ERR_INVALID_BODY'` for a piece that is not
   * a Uint8Array, `'ERR_BODY_LENGTH_MISMATCH'` past the declared Content-Length.
   */
  write(piece: Uint8Array): Uint8Array[];
  /** The bytes that end the body (the last chunk when chunked). Throws UsageError `'ERR_BODY_LENGTH_MISMATCH'` when fewer bytes than the declared Content-Length were written. */
  end(): Uint8Array[];
}

/** The body writer for `request`'s streamed body, as the `send-body` yield says (`chunked` or not). */
export function requestBodyWriter(request: HttpRequest, chunked: boolean): BodyWriter {
  return chunked ? new ChunkedBodyWriter() : new LengthBodyWriter(Number(request.headers.get('content-length')));
}

/** The body as is, checked against its declared Content-Length: a wrong total would desynchronise the connection. */
export class LengthBodyWriter implements BodyWriter {
  private sent = 0;

  constructor(readonly declared: number) {}

  write(piece: Uint8Array): Uint8Array[] {
    checkPiece(piece);
    this.sent += piece.length;
    if (this.sent > this.declared) throw lengthMismatch(this.declared, this.sent, 'more');
    return piece.length > 0 ? [piece] : [];
  }

  end(): Uint8Array[] {
    if (this.sent !== this.declared) throw lengthMismatch(this.declared, this.sent, 'fewer');
    return [];
  }
}

/** The body in chunks (RFC 9112 §7.1): a small piece with its size line in one write, a large one uncopied in three. */
export class ChunkedBodyWriter implements BodyWriter {
  write(piece: Uint8Array): Uint8Array[] {
    checkPiece(piece);
    const pieces = encodeChunk(piece);
    return piece.length > 0 && piece.length <= COALESCE_LIMIT ? [joinBytes(pieces)] : pieces;
  }

  end(): Uint8Array[] {
    return [LAST_CHUNK];
  }
}

function checkPiece(piece: unknown): asserts piece is Uint8Array {
  if (!(piece instanceof Uint8Array)) {
    throw new UsageError('A streamed request body must yield Uint8Array pieces', 'ERR_INVALID_BODY');
  }
}

function lengthMismatch(declared: number, sent: number, what: 'more' | 'fewer'): UsageError {
  return new UsageError(
    `The request body stream gave ${what} bytes (${sent}${what === 'more' ? ' so far' : ''}) than its Content-Length of ${declared}`,
    'ERR_BODY_LENGTH_MISMATCH',
  );
}

/** Methods whose request content has a defined meaning: they say Content-Length: 0 when empty. */
function methodExpectsBody(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH';
}

/** Refuses a field that would break the message: a name that is not a token, a value with CR, LF, NUL or controls. */
function checkField(name: string, value: string): void {
  if (!isToken(name)) throw new UsageError(`Invalid header name ${JSON.stringify(name)}: it must be a token`, 'ERR_INVALID_HEADER');
  const bad = invalidFieldValueIndex(value);
  if (bad >= 0) {
    throw new UsageError(
      `Invalid value for header ${name}: character ${JSON.stringify(value[bad])} at index ${bad} is not allowed (no CR, LF, NUL or control characters)`,
      'ERR_INVALID_HEADER',
    );
  }
}
