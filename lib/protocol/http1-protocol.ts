/*
 * Theory of operation
 *
 * One HTTP/1 exchange: write a request, read its response. The parts, one file each:
 *   request-writer.ts   the request head, and the framing of a streamed body (acted on at `send-body`)
 *   head-reader.ts      response heads: 1xx interim ones, 101 and CONNECT tunnels, the 100-continue wait
 *   framing.ts          how the body is delimited (RFC 9112 §6.3); keep-alive.ts: whether the connection persists
 *   body-readers.ts     one reader per framing (none, length, chunked, until close), chosen in one table
 *   receive-buffer.ts   the bytes received and not yet consumed, with their stream offset
 *
 * This class only moves between states. Each state carries its own data (the head reader, the body reader,
 * the response); `advance` is the one loop that runs a state's handler and assigns the state it returns,
 * until a handler has something to yield or the exchange completes:
 *
 *   write-head ─▶ [write-body | send-body] ─▶ read-head ─▶ read-body ─▶ done
 *                        ▲                        │
 *                        └── 100 / wait over ─────┘   (Expect: 100-continue holds the body back)
 *
 * The decisions a subclass may change are protected methods: serializeHead, framingFields, expectsContinue,
 * bodyFraming, isKeepAlive (and the public redirectOf). docs/protocol.md has the lifecycle table.
 */
import { concatBytes } from '../message/bytes';
import { ByteCollector } from '../message/byte-collector';
import type { HttpRequest } from '../message/request';
import type { HttpResponse } from '../message/response';
import { bodyReader, type BodyReader } from './body-readers';
import type { DataYield } from './chunked-decoder';
import { responseFraming, type Framing } from './framing';
import { HeadReader } from './head-reader';
import { isKeepAlive } from './keep-alive';
import { resolveLeniency, resolveLimits, type HttpLimits, type Leniency } from './limits';
import { type Input, Protocol, READ, type ReadYield, type Step, type WriteYield } from './protocol';
import { ReceiveBuffer } from './receive-buffer';
import { redirectTarget, type Redirect } from './redirect-target';
import { COALESCE_LIMIT, isChunkedRequest, requestFramingFields, requestHead } from './request-writer';

export type { Framing } from './framing';
export type { Redirect } from './redirect-target';
// How a caller acts on the `send-body` yield.
export { requestBodyWriter, type BodyWriter } from './request-writer';

/** The response head is in (streaming mode): its body follows as `data` yields. */
export interface HeadYield {
  /** Always `'head'`. */
  type: 'head';
  /** The response's status line and fields; its `body` stays empty, as the body comes in `data` yields. */
  response: HttpResponse;
}

/**
 * The request carries `Expect: 100-continue`: read, and resume with the bytes; if nothing arrives in time,
 * resume with `undefined` and the body is sent anyway.
 */
export interface AwaitContinueYield {
  /** Always `'await-continue'`. */
  type: 'await-continue';
}

/** The request body is a stream: write it now (framed by `requestBodyWriter(request, chunked)`), then resume. */
export interface SendBodyYield {
  /** Always `'send-body'`. */
  type: 'send-body';
  /** Whether to frame the body in chunks (HTTP/1.1 without a Content-Length) or send it as is. */
  chunked: boolean;
}

/** What an HTTP/1.x protocol can ask of its caller before it completes. */
export type Http1Yield = WriteYield | ReadYield | AwaitContinueYield | SendBodyYield | HeadYield | DataYield;

/** What an HTTP/1.x exchange completes with. */
export interface Http1Result {
  /** The final (non-1xx) response; its body is empty in streaming mode, where it came in `data` yields. */
  response: HttpResponse;
  /** Whether the connection may carry another request. */
  keepAlive: boolean;
  /** Bytes received after this response (the start of the next one, or of the upgraded protocol). */
  remaining: Uint8Array;
  /** Where the response redirects to, for a 301, 302, 303, 307 or 308 with a valid `Location`. */
  redirect?: Redirect;
}

/** Options of an HTTP/1.x protocol: limits (see {@link HttpLimits}), leniencies (see {@link Leniency}), streaming and the request-target. */
export interface Http1Options extends Partial<HttpLimits>, Partial<Leniency> {
  /** Yield the head, then each body piece, instead of one complete response. */
  stream?: boolean;
  /** The request-target to send instead of the URL's path and query (absolute-form for proxies, `*`). */
  requestTarget?: string;
}

/** Where the exchange stands; each state holds what it works on. */
type State =
  | { name: 'write-head' }
  /** The request body, in a write of its own (too large to copy into the head's, or held back for 100). */
  | { name: 'write-body'; head: HeadReader; body: Uint8Array }
  /** The streamed request body: the caller writes it. */
  | { name: 'send-body'; head: HeadReader }
  | { name: 'read-head'; head: HeadReader }
  /** `collected` gathers the body unless streaming. */
  | { name: 'read-body'; response: HttpResponse; keepAlive: boolean; reader: BodyReader; collected: ByteCollector | undefined };

type Http1Step = Step<Http1Yield, Http1Result>;

/**
 * A handler's decision: a step to return (staying in the state), a state to go on in at once, or both (a state
 * to move to with a step to return on the way).
 */
type Decision = Http1Step | State | { next: State; step: Http1Step };

const AWAIT_CONTINUE: Http1Step = { done: false, value: { type: 'await-continue' } };
const WRITE_HEAD: State = { name: 'write-head' };

/**
 * The shared HTTP/1.x client exchange: serialise one request, then read its response. Subclasses choose the
 * version, and may override the protected decisions.
 */
export abstract class Http1Protocol extends Protocol<Http1Yield, Http1Result> {
  /** The version written in the request line. */
  abstract readonly version: '1.0' | '1.1';

  /** The limits in force: the options' ones, defaults for the rest. */
  protected readonly limits: HttpLimits;
  /** The leniencies in force: the options' ones, defaults for the rest. */
  protected readonly leniency: Leniency;
  private readonly received = new ReceiveBuffer();
  private state: State = WRITE_HEAD;

  /**
   * @param request the request to send; checked when its head is written (UsageError `'ERR_INVALID_REQUEST'`, ...)
   * @param options limits, leniencies, streaming mode and request-target
   */
  constructor(
    /** The request this exchange sends. */
    readonly request: HttpRequest,
    /** The options as given. */
    protected readonly options: Http1Options = {},
  ) {
    super();
    this.limits = resolveLimits(options);
    this.leniency = resolveLeniency(options);
  }

  /** @internal Runs the state machine; subclasses change the decisions below, not this. */
  protected advance(input: Input): Http1Step {
    this.received.take(input);
    for (;;) {
      const decision = this.transition(this.state, input === undefined);
      if ('done' in decision) return decision;
      if ('name' in decision) this.state = decision;
      else {
        this.state = decision.next;
        return decision.step;
      }
    }
  }

  /** One state's handler; `resumedEmpty`: the caller resumed with nothing (after a write, or a wait that is over). */
  private transition(state: State, resumedEmpty: boolean): Decision {
    switch (state.name) {
      case 'write-head':
        return this.writeHead();
      case 'write-body':
        return { next: { name: 'read-head', head: state.head }, step: write(state.body) };
      case 'send-body':
        return { next: { name: 'read-head', head: state.head }, step: { done: false, value: { type: 'send-body', chunked: isChunkedRequest(this.request) } } };
      case 'read-head':
        return this.readHead(state, resumedEmpty);
      case 'read-body':
        return this.readBody(state);
    }
  }

  private writeHead(): Decision {
    const bytes = this.serializeHead();
    const head = new HeadReader(this.request.method, this.expectsContinue(), this.limits, this.leniency);
    const body = this.request.body;
    if (head.continueState === 'waiting' || body === undefined) return { next: { name: 'read-head', head }, step: write(bytes) };
    if (!(body instanceof Uint8Array)) return { next: { name: 'send-body', head }, step: write(bytes) };
    // A small body goes in the same write as the head; a large one in its own, uncopied.
    if (body.length <= COALESCE_LIMIT) return { next: { name: 'read-head', head }, step: write(concatBytes(bytes, body)) };
    return { next: { name: 'write-body', head, body }, step: write(bytes) };
  }

  private readHead(state: Extract<State, { name: 'read-head' }>, resumedEmpty: boolean): Decision {
    const event = state.head.read(this.received, resumedEmpty);
    switch (event.kind) {
      case 'read':
        return READ;
      case 'await-continue':
        return AWAIT_CONTINUE;
      case 'send-body': {
        const body = this.request.body;
        return body instanceof Uint8Array ? { name: 'write-body', head: state.head, body } : { name: 'send-body', head: state.head };
      }
      case 'switch':
        return this.complete(event.response, false);
      case 'final': {
        const { response } = event;
        const framing = this.bodyFraming(response);
        // A request body never sent leaves the server waiting for it: the connection cannot be reused.
        const keepAlive = state.head.continueState !== 'skipped' && this.isKeepAlive(response, framing);
        const reader = bodyReader(framing, this.received, this.limits, this.leniency);
        const collected = this.options.stream ? undefined : new ByteCollector(framing.kind === 'length' ? framing.length : 0);
        const next: State = { name: 'read-body', response, keepAlive, reader, collected };
        return this.options.stream ? { next, step: { done: false, value: { type: 'head', response } } } : next;
      }
    }
  }

  /** Reads body pieces: each one yielded when streaming, collected otherwise; then completes. */
  private readBody(state: Extract<State, { name: 'read-body' }>): Http1Step {
    for (;;) {
      const piece = state.reader.read(this.received);
      if (piece === undefined) return READ;
      if (!(piece instanceof Uint8Array)) {
        if (piece.trailers) state.response.trailers = piece.trailers;
        if (state.collected && state.collected.length > 0) state.response.body = state.collected.bytes();
        return this.complete(state.response, state.keepAlive);
      }
      if (!state.collected) return { done: false, value: { type: 'data', bytes: piece } };
      state.collected.hold(piece);
    }
  }

  private complete(response: HttpResponse, keepAlive: boolean): Http1Step {
    const result: Http1Result = { response, keepAlive: keepAlive && !this.received.eof, remaining: this.received.rest() };
    const redirect = this.redirectOf(response);
    if (redirect) result.redirect = redirect;
    return { done: true, value: result };
  }

  // ---- the decisions a subclass may override ----

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

  /**
   * How the body is delimited, in the order of RFC 9112 §6.3. Override to accept other framings; the
   * response's request method and status are known here.
   */
  protected bodyFraming(response: HttpResponse): Framing {
    return responseFraming(this.request.method, response, this.leniency, this.received);
  }

  /**
   * Whether the connection can carry another request (see keep-alive.ts). Whatever it says, a connection is not
   * reused after a request body that was never sent, nor after the peer closed.
   */
  protected isKeepAlive(response: HttpResponse, framing: Framing): boolean {
    return isKeepAlive(this.request, this.version, response, framing, this.leniency);
  }

  /** Where a 301/302/303/307/308 points, resolved against the request URL; undefined if it has no valid Location. */
  redirectOf(response: HttpResponse): Redirect | undefined {
    return redirectTarget(response, this.request.url);
  }
}

function write(bytes: Uint8Array): Http1Step {
  return { done: false, value: { type: 'write', bytes } };
}
