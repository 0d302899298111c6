import { byteString, utf8 } from '../message/bytes';
import { brand, HttpError, IncompleteMessageError, TimeoutError, TransportError, UsageError } from '../message/errors';
import type { Headers } from '../message/headers';
import { EOF } from '../protocol/protocol';
import { SseParser, type SseEvent } from '../protocol/sse-parser';
import type { StreamingResponse } from './streaming-response';

/** How `Session.events()` reconnects and parses; see docs/sse.md. */
export interface EventStreamOptions {
  /** The `Last-Event-ID` of the first connection (default: none). */
  lastEventId?: string;
  /** Milliseconds to wait before reconnecting, until the server sets it with `retry:` (default 3000). */
  retry?: number;
  /** The least wait before a reconnection, whatever `retry` says (default 1000 ms): a server cannot ask for a storm. */
  minRetry?: number;
  /**
   * The most the wait grows to while connections keep ending quickly (default 60 000 ms; never less than the
   * wait in force). See `EventStream`.
   */
  maxRetry?: number;
  /**
   * Reconnections in a row that bring no event before giving up (default 10; 0 never reconnects). Then the
   * iteration ends, or throws the error the last connection failed with.
   */
  maxReconnects?: number;
  /** Most bytes in one line of the stream, not counting its line end (default 1 MiB); past it, LimitError 'ERR_SSE_TOO_LARGE'. */
  maxLineLength?: number;
  /** Most bytes of one event's data (default 1 MiB); past it, LimitError 'ERR_SSE_TOO_LARGE'. */
  maxEventSize?: number;
}

/** The server did not answer with an event stream (status 200, `Content-Type: text/event-stream`). */
export class EventStreamError extends HttpError {
  /** Always `'ERR_SSE_BAD_RESPONSE'`. */
  declare readonly code: 'ERR_SSE_BAD_RESPONSE';
  /** The status code the server answered with. */
  readonly status: number;
  /** The response's `Content-Type`, as received; undefined when it had none. */
  readonly contentType: string | undefined;

  constructor(status: number, contentType: string | undefined) {
    super('ERR_SSE_BAD_RESPONSE', `Expected a 200 response of type text/event-stream, got ${status} ${contentType ?? 'without a Content-Type'}`);
    this.status = status;
    this.contentType = contentType;
  }
}
brand(EventStreamError, 'EventStreamError');

/** What the event stream needs of the session. */
export interface EventStreamSource {
  /** Opens one connection; `headers` edits the request's fields. */
  open(headers: (fields: Headers) => void): Promise<StreamingResponse>;
  /** Waits before reconnecting; rejects when the request is aborted. */
  sleep(ms: number): Promise<void>;
  /** The clock's time, in ms: how long each connection lasted. */
  now(): number;
}

/** A connection that ended sooner than this after it was opened ended quickly: the next wait grows. */
const QUICK_END = 5000;
/**
 * A read is parsed this many bytes at a time (sub-views, no copy): a batch holds the events of one slice and the
 * text they are sliced from, not a whole read's (64 KiB, some 650 events), so little outlives a young-generation
 * GC and V8 does not grow that generation to its maximum (16 MiB more RSS on a fast event stream).
 */
const PARSE_SLICE = 8 * 1024;

/** What `forEach` calls with each event: returning `false` (or a promise of it) stops the stream; a promise is waited for. */
export type EventCallback = (event: SseEvent) => unknown;

/** The iterator of an event stream: `return()` (what leaving a loop calls) closes the connection. */
export interface EventIterator extends AsyncIterator<SseEvent, undefined> {
  /**
   * The next event, or `done` once the stream has ended (a 204, or reconnections that bring no event). Rejects
   * with EventStreamError for a response that is not an event stream, at once with an error a reconnection
   * cannot cure (an AbortError, a LimitError, ...), and with the last TransportError, IncompleteMessageError or
   * TimeoutError when the reconnections are used up.
   */
  next(): Promise<IteratorResult<SseEvent, undefined>>;
  /** Stops the stream: closes the connection, and no reconnection follows. */
  return(): Promise<IteratorResult<SseEvent, undefined>>;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * Server-sent events (WHATWG HTML "Server-sent events") over one or more connections: an async iterable, or
 * `forEach(callback)`. A connection that ends or breaks (a transport error, a cut body, a timeout) is followed
 * by another after the reconnection time, with `Last-Event-ID`. A 204 ends the stream; another status or
 * content type throws EventStreamError. Leaving the loop (or the callback returning `false`) closes the
 * connection. It can be consumed once.
 *
 * Events are parsed a read at a time (`SseParser.feed`): the iterator hands out the events of one read from
 * that batch, each `next()` an already resolved promise, and `forEach` calls its callback in a plain loop, so
 * an event costs no generator step and, with `forEach`, no promise.
 *
 * The wait before reconnecting is the reconnection time (`retry`), but never less than `minRetry`; and while
 * connections keep ending within 5 s of being opened, it doubles from the second such reconnection on (with
 * jitter: between half and all of the doubled wait, never below `retry`), up to `maxRetry`. A connection that
 * lasts longer brings it back. So `retry: 0` and one event per connection cannot make a reconnection storm.
 */
export class EventStream implements AsyncIterable<SseEvent> {
  /** The ID of the last event: what the next connection sends as `Last-Event-ID`. */
  lastEventId: string;
  /** The reconnection time in ms. */
  retry: number;
  private readonly maxReconnects: number;
  private readonly minRetry: number;
  private readonly maxRetry: number;
  /** Connections in a row that ended quickly. */
  private quickEnds = 0;
  /** Reconnections in a row that brought no event. */
  private reconnects = 0;
  private used = false;
  /** The connection being read, its body, its parser; undefined between connections. */
  private response: StreamingResponse | undefined;
  private body: AsyncIterator<Uint8Array> | undefined;
  private parser: SseParser | undefined;
  /** The rest of the last read, past the slices parsed so far (PARSE_SLICE). */
  private unparsed: Uint8Array | undefined;
  private openedAt = 0;
  /** The current connection brought an event. */
  private delivered = false;
  /** Stopped by the consumer, or ended: no more reads, no reconnection. */
  private over = false;

  /** @internal Made by `Session.events()`. */
  constructor(
    private readonly source: EventStreamSource,
    private readonly options: EventStreamOptions = {},
  ) {
    this.lastEventId = options.lastEventId ?? '';
    this.retry = options.retry ?? 3000;
    this.maxReconnects = options.maxReconnects ?? 10;
    this.minRetry = Math.max(0, options.minRetry ?? 1000);
    this.maxRetry = options.maxRetry ?? 60_000;
  }

  /** The events, across reconnections. Throws UsageError 'ERR_STREAM_USED' when the stream was already consumed. */
  [Symbol.asyncIterator](): EventIterator {
    this.take();
    const batch: SseEvent[] = [];
    let at = 0;
    const refill = async (): Promise<IteratorResult<SseEvent, undefined>> => {
      batch.length = at = 0;
      if (!(await this.fill(batch))) return DONE;
      return { done: false, value: batch[at++] };
    };
    return {
      next: () => (at < batch.length ? Promise.resolve({ done: false, value: batch[at++] }) : refill()),
      return: async () => {
        batch.length = at = 0;
        await this.stop();
        return DONE;
      },
    };
  }

  /**
   * Calls `callback` with each event, in order, until the stream ends (resolves), fails (rejects, as the
   * iteration would throw), or the callback returns `false` (the connection is closed, as by leaving a loop).
   * A callback that returns a promise is waited for before the next event: its consumer sets the pace. A
   * callback that throws stops the stream, and the promise rejects with its error.
   */
  async forEach(callback: EventCallback): Promise<void> {
    this.take();
    const batch: SseEvent[] = [];
    try {
      while (await this.fill(batch)) {
        for (let i = 0; i < batch.length; i++) {
          let result = callback(batch[i]);
          if (result instanceof Promise) result = await result;
          if (result === false) return;
        }
        batch.length = 0;
      }
    } finally {
      await this.stop();
    }
  }

  /** The wait before the next connection: `retry` with its floor, and backed off after quick ends. */
  reconnectionDelay(): number {
    const base = Math.max(this.retry, this.minRetry);
    if (this.quickEnds < 2) return base;
    const backedOff = Math.min(base * 2 ** (this.quickEnds - 1), Math.max(this.maxRetry, base));
    return Math.max(base, Math.round(backedOff / 2 + (Math.random() * backedOff) / 2));
  }

  private take(): void {
    if (this.used) throw new UsageError('An event stream can be consumed only once', 'ERR_STREAM_USED');
    this.used = true;
  }

  /**
   * Puts the events of the next read that brings any into `batch`, connecting and reconnecting as needed;
   * false once the stream has ended. Throws what cannot be reconnected from (and the last failure when the
   * reconnections are used up).
   */
  private async fill(batch: SseEvent[]): Promise<boolean> {
    const push = (event: SseEvent): void => void batch.push(event);
    while (!this.over) {
      let failure: unknown;
      try {
        if (!this.body && !(await this.connect())) break;
        const piece = this.unparsed ? { done: false as const, value: this.unparsed } : await this.body!.next();
        if (!piece.done) {
          const bytes = piece.value;
          this.unparsed = bytes.length > PARSE_SLICE ? bytes.subarray(PARSE_SLICE) : undefined;
          this.parser!.feed(this.unparsed ? bytes.subarray(0, PARSE_SLICE) : bytes, push);
          if (batch.length === 0) continue;
          this.delivered = true;
          const last = batch[batch.length - 1];
          this.lastEventId = last.id;
          this.retry = last.retry ?? this.retry;
          return true;
        }
        this.parser!.feed(EOF, push);
      } catch (error) {
        if (!canReconnect(error)) {
          this.over = true;
          await this.disconnect();
          throw error;
        }
        failure = error;
      }
      await this.disconnect();
      if (this.delivered) this.reconnects = 0;
      if (this.reconnects >= this.maxReconnects) {
        this.over = true;
        if (failure !== undefined) throw failure;
        break;
      }
      this.reconnects++;
      this.quickEnds = this.source.now() - this.openedAt < QUICK_END ? this.quickEnds + 1 : 0;
      await this.source.sleep(this.reconnectionDelay());
    }
    this.over = true;
    return false;
  }

  /** Opens a connection and checks its response; false for a 204 (the server says stop). */
  private async connect(): Promise<boolean> {
    this.openedAt = this.source.now();
    this.delivered = false;
    const response = await this.source.open((fields) => this.setFields(fields));
    if (response.status === 204) {
      await response.cancel();
      return false;
    }
    const type = response.headers.get('content-type');
    if (response.status !== 200 || type?.split(';')[0].trim().toLowerCase() !== 'text/event-stream') {
      await response.cancel();
      throw new EventStreamError(response.status, type);
    }
    this.response = response;
    this.body = response.body[Symbol.asyncIterator]();
    this.parser = new SseParser({ lastEventId: this.lastEventId, maxLineLength: this.options.maxLineLength, maxEventSize: this.options.maxEventSize });
    return true;
  }

  /** Leaves the current connection (closing it unless its body ended), keeping its ID and reconnection time. */
  private async disconnect(): Promise<void> {
    const { response, parser } = this;
    this.response = this.body = this.parser = this.unparsed = undefined;
    if (parser) {
      this.lastEventId = parser.lastEventId;
      this.retry = parser.retry ?? this.retry;
    }
    await response?.cancel();
  }

  /** The consumer is done: no more events, the connection is closed. */
  private async stop(): Promise<void> {
    this.over = true;
    const { response } = this;
    this.response = this.body = this.parser = this.unparsed = undefined;
    await response?.cancel();
  }

  private setFields(fields: Headers): void {
    fields.set('Accept', 'text/event-stream');
    fields.set('Cache-Control', 'no-cache');
    // Field values are byte strings: an ID outside Latin-1 goes as its UTF-8 bytes.
    if (this.lastEventId !== '') fields.set('Last-Event-ID', byteString(utf8(this.lastEventId)));
    else fields.delete('Last-Event-ID');
  }
}

/** A connection lost, cut or timed out: the spec's "reestablish the connection" cases. */
function canReconnect(error: unknown): boolean {
  return error instanceof TransportError || error instanceof IncompleteMessageError || error instanceof TimeoutError;
}
