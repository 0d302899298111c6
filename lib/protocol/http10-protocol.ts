import type { HttpRequest } from '../message/request';
import { Http1Protocol, type Http1Options } from './http1-protocol';

/** Options of {@link Http10Protocol}: those of every HTTP/1.x protocol, and `keepAlive`. */
export interface Http10Options extends Http1Options {
  /** Ask the server to keep the connection open (`Connection: keep-alive`, a common HTTP/1.0 extension). */
  keepAlive?: boolean;
}

/**
 * HTTP/1.0 (RFC 1945): one request per connection unless both sides say `keep-alive`; a streamed request body
 * needs a Content-Length (1.0 has no chunked coding). `Host` is still sent: servers need it to pick a site.
 */
export class Http10Protocol extends Http1Protocol {
  readonly version = '1.0';

  constructor(request: HttpRequest, options: Http10Options = {}) {
    if (options.keepAlive && !request.headers.has('connection')) {
      request = request.with({ headers: [...request.headers, ['Connection', 'keep-alive']] });
    }
    super(request, options);
  }
}
