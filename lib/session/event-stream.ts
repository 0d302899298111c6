import { byteString, utf8 } from '../message/bytes';
import { brand, HttpError, IncompleteMessageError, TimeoutError, TransportError, UsageError } from '../message/errors';
import type { Headers } from '../message/headers';
import { EOF } from '../protocol/protocol';
import { SseParser, type SseEvent } from '../protocol/sse-parser';
import type { StreamingResponse } from './streaming-response';

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
  /** Limits of the event parser (default 1 MiB each). */
  maxLineLength?: number;
  maxEventSize?: number;
}

/** The server did not answer with an event stream (status 200, `Content-Type: text/event-stream`). */
export class EventStreamError extends HttpError {
  declare readonly code: 'ERR_SSE_BAD_RESPONSE';
  readonly status: number;
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
 * Server-sent events (WHATWG HTML "Server-sent events"), as an async iterable over one or more connections.
 * A connection that ends or breaks (a transport error, a cut body, a timeout) is followed by another after the
 * reconnection time, with `Last-Event-ID`. A 204 ends the iteration; another status or content type throws
 * EventStreamError. Leaving the loop closes the connection. It can be iterated once.
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
  private used = false;

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

  async *[Symbol.asyncIterator](): AsyncGenerator<SseEvent, void, undefined> {
    if (this.used) throw new UsageError('An event stream can be iterated only once', 'ERR_STREAM_USED');
    this.used = true;
    let reconnects = 0;
    for (;;) {
      let delivered = false;
      let failure: unknown;
      const openedAt = this.source.now();
      try {
        const response = await this.source.open((fields) => this.setFields(fields));
        if (response.status === 204) {
          await response.cancel();
          return;
        }
        const type = response.headers.get('content-type');
        if (response.status !== 200 || type?.split(';')[0].trim().toLowerCase() !== 'text/event-stream') {
          await response.cancel();
          throw new EventStreamError(response.status, type);
        }
        for await (const event of this.parse(response)) {
          delivered = true;
          yield event;
        }
      } catch (error) {
        if (!canReconnect(error)) throw error;
        failure = error;
      }
      if (delivered) reconnects = 0;
      if (reconnects >= this.maxReconnects) {
        if (failure !== undefined) throw failure;
        return;
      }
      reconnects++;
      this.quickEnds = this.source.now() - openedAt < QUICK_END ? this.quickEnds + 1 : 0;
      await this.source.sleep(this.reconnectionDelay());
    }
  }

  /** The wait before the next connection: `retry` with its floor, and backed off after quick ends. */
  reconnectionDelay(): number {
    const base = Math.max(this.retry, this.minRetry);
    if (this.quickEnds < 2) return base;
    const backedOff = Math.min(base * 2 ** (this.quickEnds - 1), Math.max(this.maxRetry, base));
    return Math.max(base, Math.round(backedOff / 2 + (Math.random() * backedOff) / 2));
  }

  private setFields(fields: Headers): void {
    fields.set('Accept', 'text/event-stream');
    fields.set('Cache-Control', 'no-cache');
    // Field values are byte strings: an ID outside Latin-1 goes as its UTF-8 bytes.
    if (this.lastEventId !== '') fields.set('Last-Event-ID', byteString(utf8(this.lastEventId)));
    else fields.delete('Last-Event-ID');
  }

  /** The events of one connection's body; keeps the ID and reconnection time for the next. */
  private async *parse(response: StreamingResponse): AsyncGenerator<SseEvent> {
    const parser = new SseParser({
      lastEventId: this.lastEventId,
      maxLineLength: this.options.maxLineLength,
      maxEventSize: this.options.maxEventSize,
    });
    try {
      for await (const piece of response.body) {
        for (let step = parser.resume(piece); !step.done && step.value.type === 'event'; step = parser.resume()) {
          yield step.value.event;
        }
      }
      parser.resume(EOF);
    } finally {
      this.lastEventId = parser.lastEventId;
      this.retry = parser.retry ?? this.retry;
    }
  }
}

/** A connection lost, cut or timed out: the spec's "reestablish the connection" cases. */
function canReconnect(error: unknown): boolean {
  return error instanceof TransportError || error instanceof IncompleteMessageError || error instanceof TimeoutError;
}
