/**
 * Every error io-http throws. Each class has a stable `code` a program can switch on, typed as the union of the
 * codes that class can have (`TransportError['code']`); messages are for people. Protocol errors carry the byte
 * offset into the stream where the problem was seen.
 *
 * `instanceof` works across copies of io-http in one process (the ESM and the CommonJS build, or two installs):
 * each class marks its instances with a key from the global symbol registry (`Symbol.for('io-http.error.Name')`),
 * and its `Symbol.hasInstance` looks for that mark rather than for its own prototype, as undici does.
 */

/** Options every io-http error accepts. */
export interface HttpErrorOptions {
  /** The error that led to this one; becomes the standard `Error.cause`. */
  cause?: unknown;
}

/** The classes io-http defines, and the global key that marks their instances (in this copy of io-http). */
const brands = new WeakMap<object, symbol>();

/**
 * Marks `type` and its instances with the global key of `name`, so that the same class of another copy of
 * io-http recognises them. The name is written out (not `type.name`): a minifier may rename a class.
 */
export function brand(type: abstract new (...args: never[]) => HttpError, name: string): void {
  const key = Symbol.for(`io-http.error.${name}`);
  brands.set(type, key);
  Object.defineProperty(type.prototype, key, { value: true });
}

/** Base of every io-http error. */
export class HttpError extends Error {
  /** Stable machine-readable code, such as `'ERR_TIMEOUT'`; narrowed per subclass. */
  readonly code: HttpErrorCode;

  /**
   * `value instanceof HttpError` (or any io-http error class): whether `value` carries the class's mark, so an
   * error made by another copy of io-http is one too. A class that io-http does not define (a subclass of
   * your own) is checked the ordinary way, by its prototype.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const key = brands.get(this);
    if (key === undefined) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[key] === true;
  }

  /** Makes an error with `code` and a human-readable `message`. */
  constructor(code: HttpErrorCode, message: string, options: HttpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/** Codes of malformed input. */
export type ParseErrorCode =
  | 'ERR_INVALID_STATUS_LINE'
  | 'ERR_INVALID_HEADER'
  | 'ERR_INVALID_LINE_END'
  | 'ERR_INVALID_CONTENT_LENGTH'
  | 'ERR_INVALID_TRANSFER_ENCODING'
  | 'ERR_CONFLICTING_FRAMING'
  | 'ERR_INVALID_CHUNK';

/** Malformed input: what was expected, where (byte offset from the start of the stream), and an escaped excerpt. */
export class ParseError extends HttpError {
  /** Which rule the input broke. */
  declare readonly code: ParseErrorCode;
  /** Byte offset from the start of the stream where the bad input was seen. */
  readonly offset: number;
  /** What the parser expected at `offset`, in words (for example `"CRLF line end"`). */
  readonly expected: string;
  /** Up to 24 bytes either side of `offset`, with control and non-ASCII bytes escaped (`\r`, `\x00`). */
  readonly excerpt: string;

  constructor(code: ParseErrorCode, expected: string, offset: number, excerpt: string) {
    super(code, `Malformed HTTP input at byte ${offset}: expected ${expected}, got ${excerpt}`);
    this.offset = offset;
    this.expected = expected;
    this.excerpt = excerpt;
  }
}

/** Codes of limits being exceeded. */
export type LimitErrorCode =
  | 'ERR_HEAD_TOO_LARGE'
  | 'ERR_TOO_MANY_HEADERS'
  | 'ERR_TOO_MANY_INTERIM_RESPONSES'
  | 'ERR_CHUNK_LINE_TOO_LONG'
  | 'ERR_BODY_TOO_LARGE'
  | 'ERR_DECODED_TOO_LARGE'
  | 'ERR_SSE_TOO_LARGE';

/** Input went past a configured limit. `status` is the code a server would answer with (431, 413): a hint. */
export class LimitError extends HttpError {
  /** Which limit was exceeded. */
  declare readonly code: LimitErrorCode;
  /** The configured limit: bytes for a size, a count for `ERR_TOO_MANY_*`, decoded bytes per wire byte for the decoding ratio. */
  readonly limit: number;
  /** Byte offset in the stream (in the decoded body for `ERR_DECODED_TOO_LARGE`) where the limit was passed. */
  readonly offset: number;
  /** The status a server would answer such input with (431, 413 or 400); a hint, never sent. */
  readonly status: number;

  constructor(code: LimitErrorCode, what: string, limit: number, offset: number, status: number) {
    super(code, `${what} exceeds the limit of ${limit} (at byte ${offset})`);
    this.limit = limit;
    this.offset = offset;
    this.status = status;
  }
}

/**
 * A response body could not be undone from its `Content-Encoding` (a bad header, a bad checksum, a stream cut
 * short): the bytes are not what the coding says. `encodings` are the codings being undone; the decoder's own
 * error is the `cause`.
 */
export class ContentDecodingError extends HttpError {
  /** Always `'ERR_CONTENT_DECODING'`. */
  declare readonly code: 'ERR_CONTENT_DECODING';
  /** The content codings being undone, in the order of the `Content-Encoding` field (for example `['gzip']`). */
  readonly encodings: readonly string[];

  constructor(encodings: readonly string[], detail: string, options: HttpErrorOptions = {}) {
    super('ERR_CONTENT_DECODING', `Could not decode the response body (Content-Encoding: ${encodings.join(', ')}): ${detail}`, options);
    this.encodings = encodings;
  }
}

/** The peer closed the stream before the message was complete. */
export class IncompleteMessageError extends HttpError {
  /** Always `'ERR_INCOMPLETE_MESSAGE'`. */
  declare readonly code: 'ERR_INCOMPLETE_MESSAGE';
  /** Byte offset from the start of the stream at which it ended. */
  readonly offset: number;
  /** What was being read when the stream ended: 'head', 'body', 'chunked body', 'trailers'. */
  readonly part: string;

  constructor(part: string, offset: number, detail = '') {
    super('ERR_INCOMPLETE_MESSAGE', `Connection closed in the middle of the response ${part} (at byte ${offset})${detail}`);
    this.offset = offset;
    this.part = part;
  }
}

/** Codes of the API used wrongly. */
export type UsageErrorCode =
  | 'ERR_USAGE'
  | 'ERR_UNKNOWN_OPTION'
  | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_INVALID_INPUT'
  | 'ERR_INVALID_URL'
  | 'ERR_INVALID_REQUEST'
  | 'ERR_INVALID_HEADER'
  | 'ERR_INVALID_BODY'
  | 'ERR_INVALID_CREDENTIALS'
  | 'ERR_INVALID_WELL_KNOWN_NAME'
  | 'ERR_LENGTH_REQUIRED'
  | 'ERR_BODY_LENGTH_MISMATCH'
  | 'ERR_BODY_USED'
  | 'ERR_STREAM_USED'
  | 'ERR_SESSION_CLOSED'
  | 'ERR_NO_TRANSPORT'
  | 'ERR_PROTOCOL_FINISHED'
  | 'ERR_CASSETTE'
  | 'ERR_TLS_BAD_CERTIFICATE'
  | 'ERR_TLS_BAD_KEY'
  | 'ERR_TLS_CA_REQUIRED';

/** The API was used wrongly (a bad request, resuming a finished protocol, ...). Never caused by the peer. */
export class UsageError extends HttpError {
  /** What was used wrongly; `'ERR_USAGE'` when nothing more precise applies. */
  declare readonly code: UsageErrorCode;

  constructor(message: string, code: UsageErrorCode = 'ERR_USAGE') {
    super(code, message);
  }
}

/**
 * Codes of transport failures: the connection could not be made or was lost (docs/transports.md says which an
 * adapter reports when), and the replay transport's mismatches. A transport of your own reports what it cannot
 * name with 'ERR_TRANSPORT' and its own error as the `cause`.
 */
export type TransportErrorCode =
  | 'ERR_TRANSPORT'
  | 'ERR_TRANSPORT_CLOSED'
  | 'ERR_CONNECTION_REFUSED'
  | 'ERR_CONNECTION_RESET'
  | 'ERR_CONNECTION_TIMED_OUT'
  | 'ERR_DNS'
  | 'ERR_UNREACHABLE'
  | 'ERR_CONCURRENT_READ'
  | 'ERR_CONCURRENT_WRITE'
  | 'ERR_REQUEST_MAYBE_PROCESSED'
  | 'ERR_REPLAY_MISMATCH'
  | 'ERR_REPLAY_EXHAUSTED';

/** The transport failed: connect refused, reset, DNS, ... The original error is the `cause`. */
export class TransportError extends HttpError {
  /** What failed; `'ERR_TRANSPORT'` when the transport could not name it. */
  declare readonly code: TransportErrorCode;

  constructor(message: string, options: HttpErrorOptions & { code?: TransportErrorCode } = {}) {
    super(options.code ?? 'ERR_TRANSPORT', message, options);
  }
}

/** Why a TLS handshake was refused. */
export type TlsFailure = 'expired' | 'not-yet-valid' | 'untrusted' | 'hostname' | 'handshake' | 'protocol';

/** TLS failed; `reason` says why in one word. */
export class TlsError extends HttpError {
  /** Always `'ERR_TLS'`. */
  declare readonly code: 'ERR_TLS';
  /** Why the handshake failed, in one word (`'untrusted'`, `'hostname'`, `'expired'`, ...). */
  readonly reason: TlsFailure;

  constructor(reason: TlsFailure, message: string, options: HttpErrorOptions = {}) {
    super('ERR_TLS', message, options);
    this.reason = reason;
  }
}

/** The phases a timeout can name. */
export type TimeoutPhase = 'connect' | 'tls' | 'headers' | 'bodyIdle' | 'total';

/** A timeout fired; `phase` names which one. */
export class TimeoutError extends HttpError {
  /** Always `'ERR_TIMEOUT'`. */
  declare readonly code: 'ERR_TIMEOUT';
  /** Which timeout fired: `'connect'`, `'tls'`, `'headers'`, `'bodyIdle'` or `'total'`. */
  readonly phase: TimeoutPhase;
  /** The timeout that expired, in milliseconds. */
  readonly ms: number;

  constructor(phase: TimeoutPhase, ms: number) {
    super('ERR_TIMEOUT', `The ${phase} timeout of ${ms} ms expired`);
    this.phase = phase;
    this.ms = ms;
  }
}

/** The request was aborted through an AbortSignal; `reason` is the signal's reason. */
export class AbortError extends HttpError {
  /** Always `'ERR_ABORTED'`. */
  declare readonly code: 'ERR_ABORTED';
  /** The `AbortSignal`'s `reason`, as given to `AbortController.abort()`; also the `cause`. */
  readonly reason: unknown;

  constructor(reason: unknown) {
    super('ERR_ABORTED', `The request was aborted${reason instanceof Error ? `: ${reason.message}` : ''}`, { cause: reason });
    this.reason = reason;
  }
}

/** Codes of redirects not followed (docs/session.md, "Redirects"). */
export type RedirectErrorCode =
  | 'ERR_REDIRECT'
  | 'ERR_TOO_MANY_REDIRECTS'
  | 'ERR_REDIRECT_INSECURE'
  | 'ERR_REDIRECT_SCHEME'
  | 'ERR_REDIRECT_BODY_NOT_REPLAYABLE';

/** A redirect could not be followed: too many hops, a downgrade to http, or `redirect: 'error'`. */
export class RedirectError extends HttpError {
  /** Why the redirect was not followed; `'ERR_REDIRECT'` for `redirect: 'error'`. */
  declare readonly code: RedirectErrorCode;

  constructor(message: string, code: RedirectErrorCode = 'ERR_REDIRECT') {
    super(code, message);
  }
}

/** Codes of a refused CONNECT. */
export type ProxyErrorCode = 'ERR_PROXY_AUTH_REQUIRED' | 'ERR_PROXY_CONNECT';

/** A challenge of a `Proxy-Authenticate` field, as `challengesOf()` in lib/auth parses it. */
export interface ProxyChallenge {
  /** The auth scheme as sent, such as `'Basic'` or `'Digest'`. */
  scheme: string;
  /** The challenge's `name=value` parameters, names in lower case (for example `realm`). */
  params: Record<string, string>;
  /** The challenge's token68 form, for schemes that send one instead of parameters. */
  token68?: string;
}

/**
 * A proxy refused to open a tunnel (its answer to CONNECT was not 2xx): `ERR_PROXY_AUTH_REQUIRED` for a 407
 * (or a 401, which only the proxy can have sent), with its challenges (`Proxy-Authenticate`, or `WWW-Authenticate` on a 401); `ERR_PROXY_CONNECT` for any other status.
 */
export class ProxyError extends HttpError {
  /** `'ERR_PROXY_AUTH_REQUIRED'` for a 407 (or 401), `'ERR_PROXY_CONNECT'` for any other refusal. */
  declare readonly code: ProxyErrorCode;
  /** The status code of the proxy's answer to CONNECT. */
  readonly status: number;
  /** The proxy's authentication challenges; empty unless the code is `'ERR_PROXY_AUTH_REQUIRED'`. */
  readonly challenges: readonly ProxyChallenge[];

  constructor(code: ProxyErrorCode, message: string, status: number, challenges: readonly ProxyChallenge[] = []) {
    super(code, message);
    this.status = status;
    this.challenges = challenges;
  }
}

/**
 * Every code an io-http error can have: `HttpError['code']`. `ERR_INVALID_JSON` (a body that `json()` cannot
 * parse) is a plain HttpError's; `ERR_SSE_BAD_RESPONSE` is EventStreamError's (lib/session/event-stream.ts).
 */
export type HttpErrorCode =
  | ParseErrorCode
  | LimitErrorCode
  | UsageErrorCode
  | TransportErrorCode
  | RedirectErrorCode
  | ProxyErrorCode
  | 'ERR_CONTENT_DECODING'
  | 'ERR_INCOMPLETE_MESSAGE'
  | 'ERR_TLS'
  | 'ERR_TIMEOUT'
  | 'ERR_ABORTED'
  | 'ERR_INVALID_JSON'
  | 'ERR_SSE_BAD_RESPONSE';

brand(HttpError, 'HttpError');
brand(ParseError, 'ParseError');
brand(LimitError, 'LimitError');
brand(ContentDecodingError, 'ContentDecodingError');
brand(IncompleteMessageError, 'IncompleteMessageError');
brand(UsageError, 'UsageError');
brand(TransportError, 'TransportError');
brand(TlsError, 'TlsError');
brand(TimeoutError, 'TimeoutError');
brand(AbortError, 'AbortError');
brand(RedirectError, 'RedirectError');
brand(ProxyError, 'ProxyError');
