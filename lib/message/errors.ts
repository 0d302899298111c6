/**
 * Every error io-http throws. Each class has a stable `code` a program can switch on; messages are for people.
 * Protocol errors carry the byte offset into the stream where the problem was seen.
 */

export interface HttpErrorOptions {
  cause?: unknown;
}

/** Base of every io-http error. */
export class HttpError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options: HttpErrorOptions = {}) {
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
  readonly offset: number;
  readonly expected: string;
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
  readonly limit: number;
  readonly offset: number;
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
  readonly encodings: readonly string[];

  constructor(encodings: readonly string[], detail: string, options: HttpErrorOptions = {}) {
    super('ERR_CONTENT_DECODING', `Could not decode the response body (Content-Encoding: ${encodings.join(', ')}): ${detail}`, options);
    this.encodings = encodings;
  }
}

/** The peer closed the stream before the message was complete. */
export class IncompleteMessageError extends HttpError {
  readonly offset: number;
  /** What was being read when the stream ended: 'head', 'body', 'chunked body', 'trailers'. */
  readonly part: string;

  constructor(part: string, offset: number, detail = '') {
    super('ERR_INCOMPLETE_MESSAGE', `Connection closed in the middle of the response ${part} (at byte ${offset})${detail}`);
    this.offset = offset;
    this.part = part;
  }
}

/** The API was used wrongly (a bad request, resuming a finished protocol, ...). Never caused by the peer. */
export class UsageError extends HttpError {
  constructor(message: string, code = 'ERR_USAGE') {
    super(code, message);
  }
}

/** The transport failed: connect refused, reset, DNS, ... The original error is the `cause`. */
export class TransportError extends HttpError {
  constructor(message: string, options: HttpErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'ERR_TRANSPORT', message, options);
  }
}

/** Why a TLS handshake was refused. */
export type TlsFailure = 'expired' | 'not-yet-valid' | 'untrusted' | 'hostname' | 'handshake' | 'protocol';

/** TLS failed; `reason` says why in one word. */
export class TlsError extends HttpError {
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
  readonly phase: TimeoutPhase;
  readonly ms: number;

  constructor(phase: TimeoutPhase, ms: number) {
    super('ERR_TIMEOUT', `The ${phase} timeout of ${ms} ms expired`);
    this.phase = phase;
    this.ms = ms;
  }
}

/** The request was aborted through an AbortSignal; `reason` is the signal's reason. */
export class AbortError extends HttpError {
  readonly reason: unknown;

  constructor(reason: unknown) {
    super('ERR_ABORTED', `The request was aborted${reason instanceof Error ? `: ${reason.message}` : ''}`, { cause: reason });
    this.reason = reason;
  }
}

/** A redirect could not be followed: too many hops, a downgrade to http, or `redirect: 'error'`. */
export class RedirectError extends HttpError {
  constructor(message: string, code = 'ERR_REDIRECT') {
    super(code, message);
  }
}

/** A challenge of a `Proxy-Authenticate` field, as `challengesOf()` in lib/auth parses it. */
export interface ProxyChallenge {
  scheme: string;
  params: Record<string, string>;
  token68?: string;
}

/**
 * A proxy refused to open a tunnel (its answer to CONNECT was not 2xx): `ERR_PROXY_AUTH_REQUIRED` for a 407
 * (or a 401, which only the proxy can have sent), with its challenges (`Proxy-Authenticate`, or `WWW-Authenticate` on a 401); `ERR_PROXY_CONNECT` for any other status.
 */
export class ProxyError extends HttpError {
  readonly status: number;
  readonly challenges: readonly ProxyChallenge[];

  constructor(code: 'ERR_PROXY_AUTH_REQUIRED' | 'ERR_PROXY_CONNECT', message: string, status: number, challenges: readonly ProxyChallenge[] = []) {
    super(code, message);
    this.status = status;
    this.challenges = challenges;
  }
}
