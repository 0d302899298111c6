import { Headers, type HeadersInit } from './headers';
import { utf8 } from './bytes';
import { UsageError } from './errors';

/** A request body: bytes, a string (sent as UTF-8), or a stream of bytes (sent chunked on HTTP/1.1). */
export type RequestBody = Uint8Array | string | AsyncIterable<Uint8Array>;

export interface HttpRequestInit {
  headers?: HeadersInit;
  body?: RequestBody;
}

/** An HTTP request: method, absolute URL, header fields and an optional body. Validated when serialised. */
export class HttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  /** Bytes, or a stream; strings are encoded to UTF-8 on construction. */
  readonly body: Uint8Array | AsyncIterable<Uint8Array> | undefined;

  constructor(method: string, url: string | URL, init: HttpRequestInit = {}) {
    this.method = method;
    this.url = absoluteUrl(url);
    this.headers = new Headers(init.headers);
    this.body = typeof init.body === 'string' ? utf8(init.body) : init.body;
  }

  static get(url: string | URL, init?: HttpRequestInit): HttpRequest {
    return new HttpRequest('GET', url, init);
  }

  static head(url: string | URL, init?: HttpRequestInit): HttpRequest {
    return new HttpRequest('HEAD', url, init);
  }

  static post(url: string | URL, body?: RequestBody, init: HttpRequestInit = {}): HttpRequest {
    return new HttpRequest('POST', url, { ...init, body });
  }

  static put(url: string | URL, body?: RequestBody, init: HttpRequestInit = {}): HttpRequest {
    return new HttpRequest('PUT', url, { ...init, body });
  }

  static patch(url: string | URL, body?: RequestBody, init: HttpRequestInit = {}): HttpRequest {
    return new HttpRequest('PATCH', url, { ...init, body });
  }

  static delete(url: string | URL, init?: HttpRequestInit): HttpRequest {
    return new HttpRequest('DELETE', url, init);
  }

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

/** An absolute URL, or UsageError 'ERR_INVALID_URL'. */
export function absoluteUrl(url: string | URL): URL {
  if (url instanceof URL) return url;
  try {
    return new URL(url);
  } catch {
    throw new UsageError(`Invalid URL ${JSON.stringify(url)}: a request needs an absolute URL`, 'ERR_INVALID_URL');
  }
}
