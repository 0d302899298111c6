/**
 * Well-known URIs (RFC 8615): `/.well-known/<name>` at the root of an http(s) origin, and a protocol that
 * fetches one with a GET.
 */
import { UsageError } from '../message/errors';
import type { HeadersInit } from '../message/headers';
import { HttpRequest } from '../message/request';
import type { HttpResponse } from '../message/response';
import { Http11Protocol } from '../protocol/http11-protocol';
import type { Http1Result, Http1Yield } from '../protocol/http1-protocol';
import { Protocol, type Input, type Step } from '../protocol/protocol';

/**
 * The URL of the well-known resource `name` for the origin of `base`: always `/.well-known/<name>` at the
 * root. The base's path, query, fragment and any user-info are dropped.
 *
 * Refused with UsageError: a base that is not an absolute URL, or whose scheme is not http or https
 * ('ERR_INVALID_URL'); a name that is not a non-empty path segment of pchar (RFC 3986 `segment-nz`, so no
 * `/`, `?`, `#`, space, bad `%` escape), or that is `.` or `..` in any spelling ('ERR_INVALID_WELL_KNOWN_NAME').
 */
export function wellKnownUrl(base: string | URL, name: string): URL {
  const origin = httpOrigin(base);
  checkName(name);
  const url = new URL(`/.well-known/${name}`, origin);
  // Every pchar passes the URL parser unchanged; checked anyway, so a parser quirk cannot move the path.
  if (url.pathname !== `/.well-known/${name}` || url.search !== '' || url.hash !== '') {
    throw new UsageError(`The well-known name ${JSON.stringify(name)} does not stay one path segment`, 'ERR_INVALID_WELL_KNOWN_NAME');
  }
  return url;
}

/** How {@link WellKnownDiscovery} builds and runs its GET request. */
export interface WellKnownOptions<Y, R> {
  /** Fields added to the GET request (such as `Accept: application/json`). */
  headers?: HeadersInit;
  /**
   * Makes the protocol that runs the request; default `new Http11Protocol(request)`. Pass
   * `(request) => new Http10Protocol(request)` for HTTP/1.0, or give the protocol options (limits, ...).
   */
  protocol?: (request: HttpRequest) => Protocol<Y, R>;
}

/** What discovery completes with: everything the inner protocol returned, and the well-known URL. */
export type WellKnownResult<R> = R & {
  /** The well-known URL requested. */
  url: URL;
};

/**
 * Fetches a well-known resource: a GET of `wellKnownUrl(base, name)`, run by an inner HTTP/1.x protocol whose
 * yields (write, read, ...) are passed through unchanged. It completes with the inner result (`response`,
 * `keepAlive`, `remaining`, `redirect` for Http1 protocols) and `url`. Any status is a result, not an error:
 * the caller decides what a 404 means, and whether to follow a redirect.
 */
export class WellKnownDiscovery<
  Y = Http1Yield,
  R extends {
    /** The final response. */
    response: HttpResponse;
  } = Http1Result,
> extends Protocol<Y, WellKnownResult<R>> {
  /** The well-known URL requested. */
  readonly url: URL;
  /** The GET request sent. */
  readonly request: HttpRequest;
  private readonly inner: Protocol<Y, R>;

  constructor(base: string | URL, name: string, options: WellKnownOptions<Y, R> = {}) {
    super();
    this.url = wellKnownUrl(base, name);
    this.request = HttpRequest.get(this.url, options.headers === undefined ? {} : { headers: options.headers });
    this.inner = options.protocol ? options.protocol(this.request) : (new Http11Protocol(this.request) as unknown as Protocol<Y, R>);
    if (typeof (this.inner as Partial<Protocol<Y, R>> | undefined)?.resume !== 'function') {
      throw new UsageError('The protocol option must return a protocol (an object with resume())', 'ERR_INVALID_ARGUMENT');
    }
  }

  protected advance(input: Input): Step<Y, WellKnownResult<R>> {
    const step = this.inner.resume(input);
    if (!step.done) return step;
    return { done: true, value: { ...step.value, url: this.url } };
  }
}

function httpOrigin(base: string | URL): string {
  let url: URL;
  if (base instanceof URL) url = base;
  else if (typeof base === 'string') {
    try {
      url = new URL(base);
    } catch {
      // The base is not echoed: it may carry user-info.
      throw new UsageError('The base of a well-known URL must be an absolute http or https URL', 'ERR_INVALID_URL');
    }
  } else {
    throw new UsageError('The base of a well-known URL must be a string or a URL', 'ERR_INVALID_URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`Well-known URIs are defined for http and https only, not ${url.protocol.slice(0, -1)}`, 'ERR_INVALID_URL');
  }
  return url.origin;
}

/** segment-nz = 1*pchar; pchar = unreserved / pct-encoded / sub-delims / ":" / "@" (RFC 3986 §3.3). */
function checkName(name: unknown): asserts name is string {
  const bad = (why: string): never => {
    throw new UsageError(`Invalid well-known name ${typeof name === 'string' ? JSON.stringify(name) : String(name)}: ${why}`, 'ERR_INVALID_WELL_KNOWN_NAME');
  };
  if (typeof name !== 'string') bad('it must be a string');
  const text = name as string;
  if (text.length === 0) bad('it must not be empty');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25) {
      if (!(isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2)))) bad(`'%' at index ${i} is not followed by two hex digits`);
      i += 2;
    } else if (!isPchar(c)) {
      bad(`the character at index ${i} is not allowed in a path segment${c === 0x2f ? " (no '/')" : ''}`);
    }
  }
  // URL parsers read "." and ".." (also spelled with %2e) as dot-segments and would move the path.
  const dots = text.toLowerCase().replace(/%2e/g, '.');
  if (dots === '.' || dots === '..') bad('a dot-segment would leave /.well-known/');
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isPchar(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e || // unreserved
    "!$&'()*+,;=".includes(String.fromCharCode(c)) || // sub-delims
    c === 0x3a || c === 0x40 // ":" "@"
  );
}
