import { Headers, type HeadersInit } from './headers';
import { utf8 } from './bytes';
import { UsageError } from './errors';

/** A request body: bytes, a string (sent as UTF-8), or a stream of bytes (sent chunked on HTTP/1.1). */
export type RequestBody = Uint8Array | string | AsyncIterable<Uint8Array>;

/** Header fields and body for a new {@link HttpRequest}. */
export interface HttpRequestInit {
  /** Header fields to send, in this order. `Host` comes from the URL unless set; io-http adds the body framing (setting `Transfer-Encoding` throws `UsageError` `'ERR_INVALID_REQUEST'`). */
  headers?: HeadersInit;
  /** The body; leave it out for none. A value of another type throws `UsageError` `'ERR_INVALID_BODY'`. */
  body?: RequestBody;
}

/** An HTTP request: method, absolute URL, header fields and an optional body. Validated when serialised. */
export class HttpRequest {
  /** The method as given, such as `'GET'`; sent as is (case matters). */
  readonly method: string;
  /** The absolute URL the request targets. */
  readonly url: URL;
  /** The request's header fields. */
  readonly headers: Headers;
  /** Bytes, or a stream; strings are encoded to UTF-8 on construction. */
  readonly body: Uint8Array | AsyncIterable<Uint8Array> | undefined;

  /** Makes a request; throws `UsageError` `'ERR_INVALID_URL'` for a URL that is not absolute, `'ERR_INVALID_BODY'` for a body of another type. */
  constructor(method: string, url: string | URL, init: HttpRequestInit = {}) {
    this.method = method;
    this.url = absoluteUrl(url);
    this.headers = new Headers(init.headers);
    this.body = requestBody(init.body);
  }

  /** A GET request for `url`. */
  static get(url: string | URL, init?: HttpRequestInit): HttpRequest {
    return new HttpRequest('GET', url, init);
  }

  /** A HEAD request for `url` (its response never has a body). */
  static head(url: string | URL, init?: HttpRequestInit): HttpRequest {
    return new HttpRequest('HEAD', url, init);
  }

  /** A POST request for `url` with `body`. */
  static post(url: string | URL, body?: RequestBody, init: HttpRequestInit = {}): HttpRequest {
    return new HttpRequest('POST', url, { ...init, body });
  }

  /** A PUT request for `url` with `body`. */
  static put(url: string | URL, body?: RequestBody, init: HttpRequestInit = {}): HttpRequest {
    return new HttpRequest('PUT', url, { ...init, body });
  }

  /** A PATCH request for `url` with `body`. */
  static patch(url: string | URL, body?: RequestBody, init: HttpRequestInit = {}): HttpRequest {
    return new HttpRequest('PATCH', url, { ...init, body });
  }

  /** A DELETE request for `url`. */
  static delete(url: string | URL, init?: HttpRequestInit): HttpRequest {
    return new HttpRequest('DELETE', url, init);
  }

  /** An OPTIONS request for `url`. */
  static options(url: string | URL, init?: HttpRequestInit): HttpRequest {
    return new HttpRequest('OPTIONS', url, init);
  }

  /** The same request with another URL, method or body (for redirects and retries). */
  with(changes: { method?: string; url?: string | URL; headers?: HeadersInit; body?: RequestBody | null }): HttpRequest {
    return new HttpRequest(changes.method ?? this.method, changes.url ?? this.url, {
      headers: changes.headers ?? this.headers,
      body: changes.body === null ? undefined : (changes.body ?? this.body),
    });
  }
}

/**
 * A body as the request keeps it, or UsageError 'ERR_INVALID_BODY' for a value of another type: checked when
 * the request is made, so a bad body never opens a connection nor sends a head it cannot follow.
 */
function requestBody(body: RequestBody | undefined): Uint8Array | AsyncIterable<Uint8Array> | undefined {
  if (body === undefined || body instanceof Uint8Array) return body;
  if (typeof body === 'string') return utf8(body);
  if (typeof body === 'object' && body !== null && typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') return body;
  throw new UsageError(
    `Invalid request body: ${describe(body)}. Use a string, a Uint8Array or an async iterable of Uint8Array (leave it out for no body)`,
    'ERR_INVALID_BODY',
  );
}

/** What a value is, for an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'a plain object';
}

/** An absolute URL (`url` resolved against `base`, when given), or UsageError 'ERR_INVALID_URL'. */
export function absoluteUrl(url: string | URL, base?: URL): URL {
  if (url instanceof URL) return url;
  try {
    return new URL(url, base);
  } catch {
    throw new UsageError(`Invalid URL ${JSON.stringify(url)}${base ? '' : ': a request needs an absolute URL'}`, 'ERR_INVALID_URL');
  }
}
