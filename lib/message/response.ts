import { Headers } from './headers';

const utf8Decoder = new TextDecoder();

/** One redirect the session followed. */
export interface RedirectHop {
  status: number;
  url: string;
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

  constructor(init: HttpResponseInit) {
    this.version = init.version;
    this.status = init.status;
    this.reason = init.reason;
    this.headers = init.headers;
    this.body = init.body ?? new Uint8Array(0);
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

  /** The body parsed as JSON. */
  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T;
  }
}
