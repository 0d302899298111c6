import type { DecoderRegistry } from '../decoding/registry';
import type { HeadersInit } from '../message/headers';
import type { HttpRequest } from '../message/request';
import { Http10Protocol, type Http10Options } from '../protocol/http10-protocol';
import type { Http1Options, Http1Protocol } from '../protocol/http1-protocol';
import { Http11Protocol } from '../protocol/http11-protocol';
import type { AuthOptions } from './auth';
import type { ProxyOption } from './proxy';
import type { Clock } from '../transport/clock';
import type { RedirectMode } from './redirect';
import type { RetryOption } from './retry-policy';
import type { TransportRegistry } from '../transport/registry';
import { DEFAULT_TIMEOUTS, type Timeouts } from './timeouts';
import { UsageError } from '../message/errors';
import type { TlsOptions, TransportFactory } from '../transport/transport';

/**
 * Makes the protocol of one exchange. The session passes the options it needs (`stream: true`, and for HTTP/1.0
 * `keepAlive: true`) merged over `SessionOptions.protocol`; pass them on to a subclass's constructor.
 */
export type ProtocolFactory = (request: HttpRequest, options: Http10Options) => Http1Protocol;

/** Settings of a {@link Session}, for all its requests; unknown names throw UsageError `'ERR_UNKNOWN_OPTION'`. */
export interface SessionOptions {
  /** The HTTP version to speak (default '1.1'). On '1.0' the session asks for keep-alive. */
  version?: '1.1' | '1.0';
  /**
   * How to open connections for URLs of the session URL's scheme: a factory, or a name registered with
   * `Session.registerTransport` (such as 'forge-tls'). Other schemes (after a redirect) use the registry.
   */
  transport?: TransportFactory | string;
  /** Where transports are looked up (default: the one `Session.registerTransport` fills). */
  registry?: TransportRegistry;
  /** Passed to the transport factory. */
  tls?: TlsOptions;
  /**
   * The http: proxy for http: and https: URLs (`'http://user:pass@host:port'`), a resolver choosing one per URL,
   * or `false` for none. Default: the default resolver (the `io-http` entry's reads HTTP_PROXY, HTTPS_PROXY and
   * NO_PROXY). See "Proxies" in docs/session.md.
   */
  proxy?: ProxyOption;
  /**
   * Connections open to one origin at most (default 16); requests beyond it wait, first come first served.
   * `1` runs the session's requests strictly one after another.
   */
  connections?: number;
  /**
   * Requests in flight on one HTTP/1.1 connection at most (default 1: no pipelining). Above 1, idempotent
   * requests without a body share a busy connection when no idle one or free slot is left; see docs/session.md.
   */
  pipelining?: number;
  /**
   * How long an idle kept-alive connection is kept, in ms (default 4000; `Infinity`: until the server closes
   * it); a server's `Keep-Alive: timeout=N` shortens it to N − 1 s.
   */
  idleTimeout?: number;
  /**
   * The total timeout of every request in ms (`timeouts.total`: from the call to the end of the response,
   * redirects, retries and waiting for a connection included), as ky's `timeout` and fetch-style clients mean
   * it; give it here or in `timeouts`, not both. A request's own `timeout` replaces it.
   */
  timeout?: number;
  /** Per phase (`connect`, `tls`, `headers`, `bodyIdle`, `total`), in ms; see "Timeouts" in docs/session.md. */
  timeouts?: Timeouts;
  /** What to do with redirects (default 'follow'). */
  redirect?: RedirectMode;
  /** Redirects followed at most for one request (default 20). */
  maxRedirects?: number;
  /**
   * Send a request again on a retryable status (408, 429, 500, 502, 503, 504) or a transient failure, for
   * idempotent methods: a number of retries, or `RetryOptions`. Default: none (a request on a kept-alive
   * connection that died unanswered is still sent again once, see docs/session.md). A request may set its own.
   */
  retry?: RetryOption;
  /** Follow redirects from https to http (default false: RedirectError 'ERR_REDIRECT_INSECURE'). */
  allowInsecureRedirect?: boolean;
  /** Credentials for the session URL's origin. Credentials in the session URL are Basic auth. */
  auth?: AuthOptions;
  /** Sent with every request (a request's own field of the same name wins). */
  headers?: HeadersInit;
  /** How long a request with `Expect: 100-continue` waits for the go-ahead before sending its body (default 1000 ms). */
  expectContinueTimeout?: number;
  /** Timers and time measurements (default: the system clock). */
  clock?: Clock;
  /** Aborting it fails every request of the session, current and future. */
  signal?: AbortSignal;
  /** Limits and leniencies of the response parser. */
  protocol?: Http1Options;
  /** Makes each exchange's protocol, to use a subclass (default: Http11Protocol or Http10Protocol by `version`). */
  protocolFactory?: ProtocolFactory;
  /**
   * Send `Accept-Encoding` (unless a request sets it) and decode response bodies by their `Content-Encoding`
   * (default true). False: no `Accept-Encoding` is added, bodies are handed on as received. Also per request.
   */
  decompress?: boolean;
  /** Where content decoders are looked up (default: the one `io-http` fills with node:zlib). */
  decoders?: DecoderRegistry;
  /** The most bytes a decoded body may have (default: no bound); past it, LimitError 'ERR_DECODED_TOO_LARGE'. Also per request. */
  maxDecodedSize?: number;
  /**
   * The most decoded bytes per encoded byte, once a decoded body is past 8 MiB (default 1000); past it, LimitError
   * 'ERR_DECODED_TOO_LARGE'. What stops a decompression bomb. Also per request.
   */
  maxDecodedRatio?: number;
}

/** The session's timeouts: `timeouts` and `timeout` (the total) over the defaults. */
export function sessionTimeouts(options: SessionOptions): Timeouts {
  const { timeout, timeouts } = options;
  if (timeout === undefined) return { ...DEFAULT_TIMEOUTS, ...timeouts };
  if (typeof timeout !== 'number' || !(timeout >= 0)) {
    throw new UsageError(`timeout must be a number of milliseconds, got ${String(timeout)}`, 'ERR_INVALID_OPTION');
  }
  if (timeouts?.total !== undefined) throw new UsageError('Give timeout or timeouts.total, not both: they are the same timeout', 'ERR_INVALID_OPTION');
  return { ...DEFAULT_TIMEOUTS, ...timeouts, total: timeout };
}

/** The protocol for a version, as the session makes it unless given a `protocolFactory`. */
export function defaultProtocolFactory(version: '1.1' | '1.0'): ProtocolFactory {
  return version === '1.0'
    ? (request, options) => new Http10Protocol(request, options)
    : (request, options) => new Http11Protocol(request, options);
}
