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

export interface HttpResponseInit {
  version: string;
  status: number;
  reason: string;
  headers: Headers;
  body?: Uint8Array;
  trailers?: Headers;
  interim?: HttpResponse[];
}

/** An HTTP response message: status line, fields, body (in memory), trailers and the interim responses before it. */
export class HttpResponse {
  /** The version as received, such as '1.1'. */
  readonly version: string;
  readonly status: number;
  /** The reason phrase as received (a byte string). */
  readonly reason: string;
  readonly headers: Headers;
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
