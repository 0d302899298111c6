import { TransportError } from '../message/errors';
import type { HttpResponse } from '../message/response';
import type { Http1Protocol, Http1Result, Http1Yield } from '../protocol/http1-protocol';
import { EOF, type Input, type Step } from '../protocol/protocol';
import { requestBodyWriter } from '../protocol/request-writer';
import type { Clock } from '../transport/clock';
import type { Connection, Turn } from './connection';
import type { RequestGuard } from './timeouts';

export interface ExchangeContext {
  guard: RequestGuard;
  clock: Clock;
  /** How long to wait for `100 Continue` before sending the body anyway. */
  expectContinueTimeout: number;
}

/**
 * One request and its response over one connection: does the I/O a streaming Http1Protocol asks for. The
 * body is pulled piece by piece (`nextData`), so the transport is read only as fast as the consumer reads.
 */
export class Exchange {
  /** Response bytes read so far: zero means the peer has not answered at all (what makes a retry safe). */
  received = 0;
  /** Clock time of the first response byte. */
  firstByteAt: number | undefined;
  /** Set once the response has ended. */
  result: Http1Result | undefined;
  /**
   * The request never left: its first write failed on a connection that was already closed, before the
   * transport took a byte (`ERR_TRANSPORT_CLOSED`). Sending it again on a new connection is safe for any method.
   */
  unsent = false;
  /** A final response came before the request body was sent whole: the connection cannot carry another request. */
  bodyCut = false;
  /** Writes that completed. */
  private writes = 0;
  /** A step taken without its I/O (the first, at construction; one peeked by `ended()`): handled next. */
  private first: Step<Http1Yield, Http1Result> | undefined;
  /** What to resume the protocol with next. */
  private input: Input;
  /** A read that a 100-continue wait stopped waiting for: the next read takes it, never starting a second. */
  private reading: Promise<Input> | undefined;
  private connection!: Connection;
  /** This exchange's place in line on its connection (set by `head()`): when it may write, and read. */
  turn!: Turn;
  /** Whether the previous response on the connection has ended (the first read waits for it). */
  private ownsReads = false;
  /** The protocol asked for bytes (`nextInHand` saw its read step): `nextData` reads before it resumes it. */
  private readDue = false;

  /** Serialises the request head at once, so that an invalid request fails before any connection is opened. */
  constructor(
    readonly protocol: Http1Protocol,
    private readonly context: ExchangeContext,
  ) {
    this.first = protocol.resume();
  }

  /**
   * Writes the request (and its body, after 100 Continue if it asked for it) and reads until the response head
   * is in. A 101 or a CONNECT tunnel completes the exchange here, without a body. `turn` is the place the
   * pool gave it on the connection (by default, a new place in line).
   */
  async head(connection: Connection, turn: Turn = connection.join(false)): Promise<HttpResponse> {
    this.connection = connection;
    this.turn = turn;
    const { guard } = this.context;
    for (;;) {
      const step = this.next();
      if (step.done) {
        guard.stop('headers');
        this.result = step.value;
        return step.value.response;
      }
      const y = step.value;
      if (y.type === 'write') {
        // The first write is the head (with a small body); a later one before the response is the body.
        if (this.writes === 0) await this.write(y.bytes);
        else await this.upload(() => this.write(y.bytes));
      } else if (y.type === 'send-body') await this.upload(() => this.sendBody(y.chunked));
      else if (y.type === 'await-continue') this.input = await this.awaitContinue();
      else if (y.type === 'read') {
        guard.start('headers');
        this.input = await this.read();
      } else if (y.type === 'head') {
        guard.stop('headers');
        return y.response;
      }
    }
  }

  /** Takes the steps that need no I/O; true once the response has ended (as one without a body has, at its head). */
  ended(): boolean {
    if (this.result) return true;
    const step = this.next();
    if (step.done) {
      this.result = step.value;
      return true;
    }
    this.first = step; // taken by the next nextData()
    return false;
  }

  /** The next piece of the response body, or `null` once it has ended (then `result` is set). */
  async nextData(): Promise<Uint8Array | null> {
    const { guard } = this.context;
    for (;;) {
      const piece = this.nextInHand();
      if (piece !== undefined) return piece;
      guard.start('bodyIdle');
      try {
        this.input = await this.read();
      } finally {
        guard.stop('bodyIdle');
      }
      this.readDue = false;
    }
  }

  /**
   * The next piece of the body from the bytes already read, `null` once it has ended, or undefined when a read is
   * due: a body that came with its head is taken without a promise.
   */
  nextInHand(): Uint8Array | null | undefined {
    if (this.readDue) return undefined;
    while (!this.result) {
      const step = this.next();
      if (step.done) {
        this.result = step.value;
        break;
      }
      const y = step.value;
      if (y.type === 'data') {
        if (y.bytes.length > 0) return y.bytes;
      } else if (y.type === 'read') {
        this.readDue = true;
        return undefined;
      }
    }
    return null;
  }

  private next(): Step<Http1Yield, Http1Result> {
    const step = this.first ?? this.protocol.resume(this.input);
    this.first = undefined;
    this.input = undefined;
    return step;
  }

  private read(): Promise<Input> {
    this.reading ??= (this.ownsReads || (this.turn.readableNow && !this.connection.closed) ? this.connection.read() : this.readInTurn()).then(
      (bytes) => {
        this.reading = undefined;
        if (bytes === null) return EOF;
        // A plain view of a runtime's subclass (such as Node's), so that callers always get a Uint8Array.
        if (bytes.constructor !== Uint8Array) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        if (bytes.length > 0) {
          this.received += bytes.length;
          this.firstByteAt ??= this.context.clock.now();
        }
        return bytes;
      },
      (error: unknown) => {
        this.reading = undefined;
        throw error;
      },
    );
    return this.context.guard.race(this.reading);
  }

  /**
   * The connection's next bytes, once the previous response on it has ended (a pipelined request waits for
   * its turn); a connection closed meanwhile is `ERR_TRANSPORT_CLOSED`, with no byte received.
   */
  private async readInTurn(): Promise<Uint8Array | null> {
    if (!this.ownsReads) {
      await this.turn.readable;
      this.ownsReads = true;
      if (this.connection.closed) throw closedBeforeTurn(this.connection);
    }
    return this.connection.read();
  }

  private async write(bytes: Uint8Array): Promise<void> {
    try {
      // The head waits for the request before it on the connection to be written (one write at a time).
      if (this.writes === 0 && !this.turn.writableNow) await this.context.guard.race(this.turn.writable);
      await this.context.guard.race(this.connection.write(bytes));
    } catch (error) {
      if (this.writes === 0 && error instanceof TransportError && error.code === 'ERR_TRANSPORT_CLOSED') this.unsent = true;
      throw error;
    } finally {
      // Only requests without a body are pipelined: the head is all of them, and the next may be written.
      if (this.writes === 0) this.turn.wrote();
    }
    this.writes++;
  }

  /**
   * Sends the request body while reading the response: a server may answer before it has read the whole body
   * (a 413, a 401), and may stop reading. A final response that arrives first stops the sending, and is
   * returned (RFC 9112 §9.5); interim ones do not. A write that fails (the server closed its side) does not
   * fail the request either while a response may still be read.
   */
  private async upload(send: () => Promise<void>): Promise<void> {
    let sending = true;
    let failure: unknown;
    const finished = send().then(
      () => void (sending = false),
      (error: unknown) => {
        sending = false;
        failure = error;
      },
    );
    try {
      while (sending) {
        const input = await Promise.race([this.read(), finished]);
        if (input === undefined) break; // sending ended first; a read still waiting is taken by the next read()
        const step = this.protocol.resume(input);
        if (!step.done && step.value.type === 'read') continue;
        this.first = step; // a final response, taken by head()
        this.bodyCut = true;
        return;
      }
    } catch (error) {
      this.bodyCut = true;
      throw error;
    }
    // The body source's own errors (a bad piece, a wrong length) fail the request; a transport's lets the
    // response, if the server sent one, be read.
    if (failure instanceof TransportError) this.bodyCut = true;
    else if (failure !== undefined) throw failure;
  }

  /** Reads for the interim (or final) response; `undefined` when the wait expired, which sends the body. */
  private async awaitContinue(): Promise<Input> {
    const { clock, expectContinueTimeout } = this.context;
    let timer: unknown;
    const expired = new Promise<undefined>((resolve) => {
      timer = clock.setTimeout(() => resolve(undefined), expectContinueTimeout);
    });
    try {
      return await Promise.race([this.read(), expired]);
    } finally {
      clock.clearTimeout(timer);
    }
  }

  /**
   * Writes a streamed body, framed by the protocol's body writer (chunk-encoded, or as is and checked against its
   * Content-Length). Stops early, without the last chunk, once a final response has cut the upload.
   */
  private async sendBody(chunked: boolean): Promise<void> {
    const { request } = this.protocol;
    const writer = requestBodyWriter(request, chunked);
    const iterator = (request.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await this.context.guard.race(iterator.next());
        if (done) break;
        if (this.bodyCut) return;
        for (const bytes of writer.write(value)) await this.write(bytes);
      }
      finished = true;
    } finally {
      // Let the body's producer clean up when sending stopped early.
      if (!finished) void Promise.resolve(iterator.return?.()).catch(() => {});
    }
    for (const bytes of writer.end()) await this.write(bytes);
  }
}

/** What a pipelined request meets when the connection closed before the responses before it had ended. */
function closedBeforeTurn(connection: Connection): TransportError {
  return new TransportError(`The connection to ${connection.origin} closed before the response to this request`, { code: 'ERR_TRANSPORT_CLOSED' });
}
