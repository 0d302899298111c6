import { excerpt } from '../message/bytes';
import { ParseError } from '../message/errors';
import type { HttpResponse } from '../message/response';
import { StatusCode } from '../message/status';
import { isToken, listTokens, trimOws } from '../message/syntax';
import type { Leniency } from './limits';
import type { ReceiveBuffer } from './receive-buffer';

/** How the response body is delimited (RFC 9112 §6.3). */
export type Framing =
  | {
      /** No body: the response to HEAD, a 1xx, 204 or 304. */
      kind: 'none';
    }
  | {
      /** A `Content-Length` body. */
      kind: 'length';
      /** The body's size in bytes. */
      length: number;
    }
  | {
      /** A `Transfer-Encoding: chunked` body. */
      kind: 'chunked';
    }
  | {
      /** The body runs until the server closes the connection, which then cannot be reused. */
      kind: 'close';
    };

/**
 * Digits, at most 15 of them significant: a length below 2^53 that needs no further checks. Leading zeros do
 * not count (RFC 9110 §8.6); the head limit bounds how many are scanned.
 */
const CONTENT_LENGTH = /^0*\d{1,15}$/;

/**
 * How the body of `response` to a `method` request is delimited, in the order of RFC 9112 §6.3. `input` stands
 * just past the head: a framing error points there.
 */
export function responseFraming(method: string, response: HttpResponse, leniency: Leniency, input: ReceiveBuffer): Framing {
  if (method === 'HEAD' || StatusCode.hasNoContent(response.status)) return { kind: 'none' };
  const { headers } = response;
  const te = headers.getAll('transfer-encoding');
  const cl = headers.getAll('content-length');
  if (te.length > 0) {
    if (cl.length > 0 && !leniency.allowTransferEncodingWithContentLength) {
      throw framingError(input, 'ERR_CONFLICTING_FRAMING', 'either Transfer-Encoding or Content-Length, not both');
    }
    // A coding may carry parameters (`gzip;level=1`), except chunked; only the name matters for framing.
    const codings = listTokens(te).map((coding) => {
      const name = trimOws(coding.split(';', 1)[0]);
      if (!isToken(name) || (name === 'chunked' && name.length !== coding.length)) {
        throw framingError(input, 'ERR_INVALID_TRANSFER_ENCODING', 'a list of transfer-coding tokens (chunked has no parameters)');
      }
      return name;
    });
    // Chunked twice is refused (RFC 9112 §6.1: a sender MUST NOT): decoding once would leave chunk framing
    // in the body. Chunked not last is a response read to close (§6.3 rule 4).
    if (codings.filter((c) => c === 'chunked').length > 1) {
      throw framingError(input, 'ERR_INVALID_TRANSFER_ENCODING', 'chunked applied once');
    }
    return codings[codings.length - 1] === 'chunked' ? { kind: 'chunked' } : { kind: 'close' };
  }
  if (cl.length > 0) return { kind: 'length', length: contentLength(cl, input) };
  return { kind: 'close' };
}

/** Digits only; a list of identical values is one value (RFC 9110 §8.6); anything else is an error. */
function contentLength(values: string[], input: ReceiveBuffer): number {
  if (values.length === 1 && CONTENT_LENGTH.test(values[0])) return Number(values[0]); // the usual case
  let value: string | undefined;
  for (const field of values) {
    for (const part of field.split(',')) {
      const v = trimOws(part);
      if (!CONTENT_LENGTH.test(v)) throw framingError(input, 'ERR_INVALID_CONTENT_LENGTH', 'a Content-Length of digits, at most 15 significant');
      if (value !== undefined && Number(v) !== Number(value)) {
        throw framingError(input, 'ERR_INVALID_CONTENT_LENGTH', 'one Content-Length value');
      }
      value = v;
    }
  }
  return Number(value);
}

/** A framing error is seen once the whole head is in: it points at the end of the head. */
function framingError(
  input: ReceiveBuffer,
  code: 'ERR_CONFLICTING_FRAMING' | 'ERR_INVALID_CONTENT_LENGTH' | 'ERR_INVALID_TRANSFER_ENCODING',
  expected: string,
): ParseError {
  return new ParseError(code, expected, input.offset, excerpt(input.bytes, input.position));
}
