import { challengesOf, type Challenge } from '../auth/challenge';
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

/** One redirect the session followed. */
export interface RedirectHop {
  status: number;
  url: string;
}

/**
 * Where the time of a request went, in milliseconds measured with the session's clock from the call to
 * `send()` / `stream()` (waiting behind earlier requests of the session included).
 */
export interface ResponseTimings {
  /** Opening the transport of the last hop: the TCP connect, plus the TLS handshake for TLS transports. Absent when a kept-alive connection was reused. */
  connect?: number;
  /** Until the first byte of the final response arrived. */
  firstByte: number;
  /** Until the whole response was in (for a streaming response: until its head, then until its body ended once it has). */
  total: number;
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

/** A complete HTTP response with its body in memory. */
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
  /** The URL this response came from (set by the session; after redirects, the last one). */
  url = '';
  /** Each redirect followed to get here (set by the session). */
  redirects: RedirectHop[] = [];
  /** Where the time went (set by the session). */
  timings: ResponseTimings = { firstByte: 0, total: 0 };

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

  /**
   * The authentication challenges of a 401 (`WWW-Authenticate`) or 407 (`Proxy-Authenticate`), parsed on each
   * access; `[]` when there are none. A malformed field throws ParseError 'ERR_INVALID_HEADER'.
   */
  get challenges(): Challenge[] {
    return challengesOf(this.headers, this.status === 407);
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
