import { concatBytes, EMPTY, excerpt, fromByteString, joinBytes } from '../message/bytes';
import { IncompleteMessageError, LimitError, ParseError } from '../message/errors';
import type { HttpRequest } from '../message/request';
import { HttpResponse } from '../message/response';
import { StatusCode } from '../message/status';
import { hasListToken, isToken, listTokens, trimOws } from '../message/syntax';
import { ChunkedDecoder, type DataYield } from './chunked-decoder';
import { HeadParser } from './head-parser';
import { resolveLeniency, resolveLimits, type HttpLimits, type Leniency } from './limits';
import { EOF, type Input, Protocol, READ, type ReadYield, type Step, type WriteYield } from './protocol';
import { COALESCE_LIMIT, isChunkedRequest, requestFramingFields, requestHead } from './request-writer';

/** The response head is in (streaming mode): its body follows as `data` yields. */
export interface HeadYield {
  type: 'head';
  response: HttpResponse;
}

/**
 * The request carries `Expect: 100-continue`: read, and resume with the bytes; if nothing arrives in time,
 * resume with `undefined` and the body is sent anyway.
 */
export interface AwaitContinueYield {
  type: 'await-continue';
}

/** The request body is a stream: write it now (chunk-encoded when `chunked`), then resume. */
export interface SendBodyYield {
  type: 'send-body';
  chunked: boolean;
}

export type Http1Yield = WriteYield | ReadYield | AwaitContinueYield | SendBodyYield | HeadYield | DataYield;

/** Where a redirect points; the session decides whether to follow it. */
export interface Redirect {
  url: URL;
  sameOrigin: boolean;
}

export interface Http1Result {
  response: HttpResponse;
  /** Whether the connection may carry another request. */
  keepAlive: boolean;
  /** Bytes received after this response (the start of the next one, or of the upgraded protocol). */
  remaining: Uint8Array;
  redirect?: Redirect;
}

export interface Http1Options extends Partial<HttpLimits>, Partial<Leniency> {
  /** Yield the head, then each body piece, instead of one complete response. */
  stream?: boolean;
  /** The request-target to send instead of the URL's path and query (absolute-form for proxies, `*`). */
  requestTarget?: string;
}

/** How the response body is delimited (RFC 9112 §6.3). */
export type Framing =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  | { kind: 'close' };

type State = 'start' | 'body-write' | 'send-body' | 'head' | 'length' | 'chunked' | 'close';

/**
 * Digits, at most 15 of them significant: a length below 2^53 that needs no further checks. Leading zeros do
 * not count (RFC 9110 §8.6); the head limit bounds how many are scanned.
 */
const CONTENT_LENGTH = /^0*\d{1,15}$/;

/**
 * The shared HTTP/1.x client exchange: serialise one request, then read its response. Subclasses choose the
 * version; every step below is a protected method that a subclass can override.
 */
export abstract class Http1Protocol extends Protocol<Http1Yield, Http1Result> {
  /** The version written in the request line. */
  abstract readonly version: '1.0' | '1.1';

  protected readonly limits: HttpLimits;
  protected readonly leniency: Leniency;
  private state: State = 'start';
  private buffer: Uint8Array = EMPTY;
  private position = 0;
  /** Stream offset of buffer[0]. */
  private base = 0;
  private eof = false;
  private head: HeadParser | undefined;
  private readonly interim: HttpResponse[] = [];
  private response: HttpResponse | undefined;
  private framing: Framing = { kind: 'none' };
  private keepAlive = false;
  private remainingLength = 0;
  private bodySize = 0;
  private readonly pieces: Uint8Array[] = [];
  private decoder: ChunkedDecoder | undefined;
  /** The head went out with `Expect: 100-continue`; the body waits for a 100, a final status or the caller. */
  private awaitingContinue = false;
  /** The last yield was `await-continue`: resuming with `undefined` means stop waiting. */
  private yieldedAwait = false;
  /** The request body was not sent (a final status came before 100 Continue): the connection cannot be reused. */
  private bodySkipped = false;
  /** Bytes that arrived while the chunked decoder owns the input. */
  private pendingForDecoder: Uint8Array | undefined;

  constructor(
    readonly request: HttpRequest,
    protected readonly options: Http1Options = {},
  ) {
    super();
    this.limits = resolveLimits(options);
    this.leniency = resolveLeniency(options);
  }

  protected advance(input: Input): Step<Http1Yield, Http1Result> {
    if (input === EOF) this.eof = true;
    else if (input instanceof Uint8Array && input.length > 0) this.take(input);
    if (this.yieldedAwait && input === undefined) {
      // No 100 came in time: send the body anyway (RFC 9110 §10.1.1).
      this.awaitingContinue = false;
      this.state = this.bodyState();
    }
    this.yieldedAwait = false;
    for (;;) {
      switch (this.state) {
        case 'start':
          return this.writeRequest();
        case 'body-write':
          this.state = 'head';
          return { done: false, value: { type: 'write', bytes: this.request.body as Uint8Array } };
        case 'send-body':
          this.state = 'head';
          return { done: false, value: { type: 'send-body', chunked: isChunkedRequest(this.request) } };
        case 'head': {
          const step = this.readHead();
          if (step) return step;
          break;
        }
        case 'length':
          return this.readLength();
        case 'chunked':
          return this.readChunked(input);
        case 'close':
          return this.readToClose();
      }
    }
  }

  // ---- writing the request ----

  /** The request head as bytes: request line, Host, the request's fields, and the framing fields. */
  protected serializeHead(): Uint8Array {
    return requestHead(this.request, this.version, this.framingFields(), this.options.requestTarget);
  }

  /** Content-Length or Transfer-Encoding for the request body, checked against what the caller set. */
  protected framingFields(): string {
    return requestFramingFields(this.request, this.version);
  }

  /** HTTP/1.0 servers ignore Expect (RFC 9110 §10.1.1), so a 1.0 client never waits for a 100. */
  protected expectsContinue(): boolean {
    if (this.version === '1.0') return false;
    const expect = this.request.headers.get('expect');
    return expect !== undefined && expect.toLowerCase() === '100-continue' && this.request.body !== undefined;
  }

  private writeRequest(): Step<Http1Yield, Http1Result> {
    const head = this.serializeHead();
    const body = this.request.body;
    if (this.expectsContinue()) {
      this.awaitingContinue = true;
      this.state = 'head';
      return { done: false, value: { type: 'write', bytes: head } };
    }
    if (body === undefined) this.state = 'head';
    else if (!(body instanceof Uint8Array)) this.state = 'send-body';
    else if (body.length <= COALESCE_LIMIT) {
      this.state = 'head';
      return { done: false, value: { type: 'write', bytes: concatBytes(head, body) } };
    } else this.state = 'body-write';
    return { done: false, value: { type: 'write', bytes: head } };
  }

  /** The state that sends the body held back for 100 Continue. */
  private bodyState(): State {
    return this.request.body instanceof Uint8Array ? 'body-write' : 'send-body';
  }

  // ---- reading the response ----

  private take(input: Uint8Array): void {
    if (this.decoder) {
      // The chunked decoder holds its own buffer; hand it the bytes as they come.
      this.pendingForDecoder = input;
      return;
    }
    this.base += this.position;
    this.buffer = this.position < this.buffer.length ? concatBytes(this.buffer.subarray(this.position), input) : input;
    this.position = 0;
  }

  private get offset(): number {
    return this.base + this.position;
  }

  /** Parses a head; returns a step to yield, or undefined to go on in the new state. */
  private readHead(): Step<Http1Yield, Http1Result> | undefined {
    this.head ??= new HeadParser(this.offset, true, this.limits, this.leniency);
    const end = this.head.feed(this.buffer, this.position);
    if (end < 0) {
      this.position = this.buffer.length;
      if (this.eof) throw new IncompleteMessageError('head', this.offset);
      if (this.awaitingContinue) {
        this.yieldedAwait = true;
        return { done: false, value: { type: 'await-continue' } };
      }
      return READ;
    }
    this.position = end;
    const { statusLine, headers } = this.head;
    this.head = undefined;
    const { version, status, reason } = statusLine!;
    const response = new HttpResponse({ version, status, reason, headers, interim: this.interim });

    if (response.status === 101 || (this.request.method === 'CONNECT' && StatusCode.isSuccess(response.status))) {
      // The connection now speaks another protocol: what follows is not ours to parse.
      return this.complete(response, false);
    }
    if (StatusCode.isInformational(response.status)) {
      if (this.interim.length >= this.limits.maxInterimResponses) {
        throw new LimitError('ERR_TOO_MANY_INTERIM_RESPONSES', 'Number of 1xx responses', this.limits.maxInterimResponses, this.offset, 400);
      }
      this.interim.push(new HttpResponse({ version, status, reason, headers }));
      if (response.status === 100 && this.awaitingContinue) {
        this.awaitingContinue = false;
        this.state = this.bodyState();
      }
      return undefined;
    }
    if (this.awaitingContinue) {
      // A final status before 100: the body is not sent, so the connection cannot be reused (RFC 9110 §10.1.1).
      this.awaitingContinue = false;
      this.bodySkipped = true;
    }
    this.response = response;
    this.framing = this.bodyFraming(response);
    this.keepAlive = this.isKeepAlive(response, this.framing);
    if (this.framing.kind === 'length') {
      if (this.framing.length > this.limits.maxBodySize) {
        throw new LimitError('ERR_BODY_TOO_LARGE', 'Response body size', this.limits.maxBodySize, this.offset, 413);
      }
      this.remainingLength = this.framing.length;
    }
    this.state = this.framing.kind === 'none' ? 'length' : this.framing.kind;
    if (this.framing.kind === 'chunked') {
      this.decoder = new ChunkedDecoder(Object.assign({ offset: this.offset }, this.limits, this.leniency));
      this.pendingForDecoder = this.buffer.subarray(this.position);
      this.base += this.buffer.length;
      this.buffer = EMPTY;
      this.position = 0;
    }
    if (this.options.stream) return { done: false, value: { type: 'head', response } };
    return undefined;
  }

  /**
   * How the body is delimited, in the order of RFC 9112 §6.3. Override to accept other framings; the
   * response's request method and status are known here.
   */
  protected bodyFraming(response: HttpResponse): Framing {
    if (this.request.method === 'HEAD' || StatusCode.hasNoContent(response.status)) return { kind: 'none' };
    const { headers } = response;
    const te = headers.getAll('transfer-encoding');
    const cl = headers.getAll('content-length');
    if (te.length > 0) {
      if (cl.length > 0 && !this.leniency.allowTransferEncodingWithContentLength) {
        throw this.framingError('ERR_CONFLICTING_FRAMING', 'either Transfer-Encoding or Content-Length, not both');
      }
      // A coding may carry parameters (`gzip;level=1`), except chunked; only the name matters for framing.
      const codings = listTokens(te).map((coding) => {
        const name = trimOws(coding.split(';', 1)[0]);
        if (!isToken(name) || (name === 'chunked' && name.length !== coding.length)) {
          throw this.framingError('ERR_INVALID_TRANSFER_ENCODING', 'a list of transfer-coding tokens (chunked has no parameters)');
        }
        return name;
      });
      // Chunked twice is refused (RFC 9112 §6.1: a sender MUST NOT): decoding once would leave chunk framing
      // in the body. Chunked not last is a response read to close (§6.3 rule 4).
      if (codings.filter((c) => c === 'chunked').length > 1) {
        throw this.framingError('ERR_INVALID_TRANSFER_ENCODING', 'chunked applied once');
      }
      return codings[codings.length - 1] === 'chunked' ? { kind: 'chunked' } : { kind: 'close' };
    }
    if (cl.length > 0) return { kind: 'length', length: this.contentLength(cl) };
    return { kind: 'close' };
  }

  /** Digits only; a list of identical values is one value (RFC 9110 §8.6); anything else is an error. */
  private contentLength(values: string[]): number {
    if (values.length === 1 && CONTENT_LENGTH.test(values[0])) return Number(values[0]); // the usual case
    let value: string | undefined;
    for (const field of values) {
      for (const part of field.split(',')) {
        const v = trimOws(part);
        if (!CONTENT_LENGTH.test(v)) throw this.framingError('ERR_INVALID_CONTENT_LENGTH', 'a Content-Length of digits, at most 15 significant');
        if (value !== undefined && Number(v) !== Number(value)) {
          throw this.framingError('ERR_INVALID_CONTENT_LENGTH', 'one Content-Length value');
        }
        value = v;
      }
    }
    return Number(value);
  }

  /** A framing error is seen once the whole head is in: it points at the end of the head. */
  private framingError(code: 'ERR_CONFLICTING_FRAMING' | 'ERR_INVALID_CONTENT_LENGTH' | 'ERR_INVALID_TRANSFER_ENCODING', expected: string): ParseError {
    return new ParseError(code, expected, this.offset, excerpt(this.buffer, this.position));
  }

  /**
   * Whether the connection can carry another request: never after a body delimited by close, a request or
   * response that says `close`, or a skipped request body; HTTP/1.0 only with `keep-alive` on both sides, and
   * never after an HTTP/1.0 response with Transfer-Encoding (RFC 9112 §6.1: its framing is suspect; it is
   * decoded like any other, then the connection is closed).
   */
  protected isKeepAlive(response: HttpResponse, framing: Framing): boolean {
    if (framing.kind === 'close' || this.bodySkipped) return false;
    if (response.version === '1.0' && response.headers.has('transfer-encoding')) return false;
    if (this.leniency.allowTransferEncodingWithContentLength && framing.kind === 'chunked' && response.headers.has('content-length')) {
      return false;
    }
    const requested = this.request.headers.getAll('connection');
    if (hasListToken(requested, 'close')) return false;
    const answered = response.headers.getAll('connection');
    if (hasListToken(answered, 'close')) return false;
    if (this.version === '1.0' && !hasListToken(requested, 'keep-alive')) return false;
    return response.version === '1.0' ? hasListToken(answered, 'keep-alive') : true;
  }

  private readLength(): Step<Http1Yield, Http1Result> {
    if (this.remainingLength === 0) return this.complete(this.response!, this.keepAlive);
    const available = this.buffer.length - this.position;
    if (available === 0) {
      if (this.eof) {
        const got = this.bodySize;
        throw new IncompleteMessageError('body', this.offset, `: ${got} of ${got + this.remainingLength} bytes received`);
      }
      return READ;
    }
    const take = Math.min(available, this.remainingLength);
    const piece = this.buffer.subarray(this.position, this.position + take);
    this.position += take;
    this.remainingLength -= take;
    return this.body(piece);
  }

  private readToClose(): Step<Http1Yield, Http1Result> {
    if (this.position < this.buffer.length) {
      const piece = this.buffer.subarray(this.position);
      this.position = this.buffer.length;
      return this.body(piece);
    }
    if (this.eof) return this.complete(this.response!, false);
    return READ;
  }

  private readChunked(input: Input): Step<Http1Yield, Http1Result> {
    const decoder = this.decoder!;
    let feed: Input = this.pendingForDecoder;
    this.pendingForDecoder = undefined;
    if (feed === undefined && input === EOF) feed = EOF;
    let step = decoder.resume(feed);
    // Collected pieces are taken in this loop, not by recursing through advance(): a body of many small
    // chunks in one read must not grow the stack.
    while (!step.done && step.value.type === 'data' && !this.options.stream) {
      this.pieces.push(step.value.bytes);
      step = decoder.resume(undefined);
    }
    if (!step.done) {
      // The decoder enforces the body limit itself.
      if (step.value.type === 'data') return this.deliver(step.value.bytes);
      if (this.eof) return this.readChunked(EOF);
      return READ;
    }
    this.response!.trailers = step.value.trailers;
    this.buffer = step.value.remaining;
    this.position = 0;
    return this.complete(this.response!, this.keepAlive);
  }

  /** A body piece: yielded in streaming mode, collected otherwise (then the loop goes on). */
  private body(piece: Uint8Array): Step<Http1Yield, Http1Result> {
    this.bodySize += piece.length;
    if (this.bodySize > this.limits.maxBodySize) {
      throw new LimitError('ERR_BODY_TOO_LARGE', 'Response body size', this.limits.maxBodySize, this.offset - (this.bodySize - this.limits.maxBodySize), 413);
    }
    return this.deliver(piece);
  }

  private deliver(piece: Uint8Array): Step<Http1Yield, Http1Result> {
    if (this.options.stream) return { done: false, value: { type: 'data', bytes: piece } };
    this.pieces.push(piece);
    return this.advance(undefined);
  }

  private complete(response: HttpResponse, keepAlive: boolean): Step<Http1Yield, Http1Result> {
    if (!this.options.stream && this.pieces.length > 0) {
      response.body = joinBytes(this.pieces);
    }
    const result: Http1Result = {
      response,
      keepAlive: keepAlive && !this.eof,
      remaining: this.buffer.subarray(this.position),
    };
    const redirect = this.redirectOf(response);
    if (redirect) result.redirect = redirect;
    return { done: true, value: result };
  }

  /** Where a 301/302/303/307/308 points, resolved against the request URL; undefined if it has no valid Location. */
  redirectOf(response: HttpResponse): Redirect | undefined {
    if (!StatusCode.isRedirect(response.status)) return undefined;
    const location = response.headers.get('location');
    if (location === undefined) return undefined;
    try {
      const url = new URL(decodeLocation(location), this.request.url);
      return { url, sameOrigin: url.origin === this.request.url.origin };
    } catch {
      return undefined;
    }
  }
}

/** A Location is a byte string; servers send UTF-8 in it, which the URL parser then percent-encodes. */
function decodeLocation(location: string): string {
  return /[^\x00-\x7f]/.test(location) ? new TextDecoder().decode(fromByteString(location)) : location;
}
