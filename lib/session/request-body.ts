import { EMPTY, utf8 } from '../message/bytes';
import { UsageError } from '../message/errors';
import { describe } from '../message/request';
import { multipartBody } from './multipart';
import { ReplayableBody } from './replayable-body';
import { streamPieces } from './stream-pieces';

/**
 * What a request's `body` option takes, as fetch does: a string (sent as UTF-8), bytes (any `ArrayBufferView`,
 * or an `ArrayBuffer`), a `Blob` or `File`, `URLSearchParams`, `FormData` (multipart), a `ReadableStream` or an
 * async iterable of `Uint8Array`.
 */
export type RequestBodyInit =
  | string
  | ArrayBufferView
  | ArrayBuffer
  | Blob
  | URLSearchParams
  | FormData
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

/** A body as the request carries it, with the `Content-Type` its kind implies (fetch's "extract a body"). */
export interface EncodedBody {
  /** Bytes (sent with a Content-Length), a `ReplayableBody` (its length known) or a stream (sent chunked). */
  body: Uint8Array | AsyncIterable<Uint8Array>;
  contentType?: string;
}

/**
 * Encodes a `body` option; UsageError 'ERR_INVALID_BODY' for a value of another type, or a stream already being
 * read, when the request is made (before any connection is opened). Bytes are not copied: do not change them
 * until the request is done. A `Blob` and the files of a `FormData` are read as they are sent, not before.
 */
export function encodeBody(body: RequestBodyInit): EncodedBody {
  if (typeof body === 'string') return { body: utf8(body), contentType: 'text/plain;charset=UTF-8' };
  if (ArrayBuffer.isView(body)) return { body: body instanceof Uint8Array ? body : new Uint8Array(body.buffer, body.byteOffset, body.byteLength) };
  if (body instanceof ArrayBuffer) return { body: new Uint8Array(body) };
  if (isInstance(body, globalThis.Blob)) return blobBody(body);
  if (isInstance(body, globalThis.URLSearchParams)) return { body: utf8(body.toString()), contentType: 'application/x-www-form-urlencoded;charset=UTF-8' };
  if (isInstance(body, globalThis.FormData)) return multipartBody(body);
  if (isInstance(body, globalThis.ReadableStream)) {
    if (body.locked) throw new UsageError('Invalid request body: the ReadableStream is locked (already being read)', 'ERR_INVALID_BODY');
    return { body: { [Symbol.asyncIterator]: () => streamPieces(body) } };
  }
  if (typeof body === 'object' && body !== null && typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') return { body };
  throw new UsageError(
    `Invalid request body: ${describe(body)}. Use a string, bytes (an ArrayBuffer or a view of one), a Blob, URLSearchParams, FormData, ` +
      'a ReadableStream or an async iterable of Uint8Array (leave it out for no body; `json` for a value sent as JSON)',
    'ERR_INVALID_BODY',
  );
}

/** The `json` option: the value as JSON text, `Content-Type: application/json`. */
export function jsonBody(value: unknown): EncodedBody {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new UsageError(`The json option cannot be serialised: ${(error as Error).message}`, 'ERR_INVALID_BODY');
  }
  // A function or a symbol has no JSON form: JSON.stringify gives undefined rather than throwing.
  if (text === undefined) throw new UsageError(`The json option cannot be serialised: ${describe(value)} has no JSON form`, 'ERR_INVALID_BODY');
  return { body: utf8(text), contentType: 'application/json' };
}

/** A Blob, streamed from its source as it is sent; its type, if it has one, as the Content-Type. */
function blobBody(blob: Blob): EncodedBody {
  const body = blob.size === 0 ? EMPTY : new ReplayableBody(blob.size, () => streamPieces(blob.stream() as ReadableStream<Uint8Array>));
  return blob.type === '' ? { body } : { body, contentType: blob.type };
}

/** `value instanceof type`, for a web global the runtime may lack. */
function isInstance<T>(value: unknown, type: (abstract new (...args: never[]) => T) | undefined): value is T {
  return type !== undefined && value instanceof type;
}
