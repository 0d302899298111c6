import { EMPTY } from './bytes';
import { HttpError } from './errors';
import { Headers } from './headers';

const utf8Decoder = new TextDecoder();

/** JSON.parse with a typed error: a body that is not JSON is the peer's doing, not a bug. */
export function parseJson<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new HttpError('ERR_INVALID_JSON', `The response body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** The parts of a new {@link HttpResponse}; for tests and for transports that build responses themselves. */
export interface HttpResponseInit {
  /** The HTTP version as received, such as `'1.1'`. */
  version: string;
  /** The status code, 100–599. */
  status: number;
  /** The reason phrase as received; may be empty. */
  reason: string;
  /** The response's header fields. */
  headers: Headers;
  /** The body bytes; empty when left out. */
  body?: Uint8Array;
  /** Trailer fields after a chunked body; empty when left out. */
  trailers?: Headers;
  /** The 1xx responses received before this one, in order; none when left out. */
  interim?: HttpResponse[];
}

/** An HTTP response message: status line, fields, body (in memory), trailers and the interim responses before it. */
export class HttpResponse {
  /** The version as received, such as '1.1'. */
  readonly version: string;
  /** The status code, 100–599. */
  readonly status: number;
  /** The reason phrase as received (a byte string). */
  readonly reason: string;
  /** The response's header fields, in wire order. */
  readonly headers: Headers;
  /** The whole body, de-chunked; empty for HEAD, 1xx, 204 and 304. A Session may have undone its `Content-Encoding` (see `SessionResponse.decodedEncodings`). */
  body: Uint8Array;
  /** Trailer fields of a chunked body; empty when there were none. */
  trailers: Headers;
  /** The 1xx responses received before this one, in order. */
  readonly interim: HttpResponse[];

  constructor(init: HttpResponseInit) {
    this.version = init.version;
    this.status = init.status;
    this.reason = init.reason;
    this.headers = init.headers;
    this.body = init.body ?? EMPTY;
    this.trailers = init.trailers ?? new Headers();
    this.interim = init.interim ?? [];
  }

  /** True for 2xx. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** The body decoded as UTF-8 (invalid sequences replaced). */
  text(): string {
    return utf8Decoder.decode(this.body);
  }

  /** The body parsed as JSON; HttpError 'ERR_INVALID_JSON' if it is not JSON. */
  json<T = unknown>(): T {
    return parseJson<T>(this.text());
  }
}
