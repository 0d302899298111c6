import { Http1Protocol } from './http1-protocol';

/** HTTP/1.1 (RFC 9112): persistent connections by default, chunked request bodies for streams. */
export class Http11Protocol extends Http1Protocol {
  readonly version = '1.1';
}
