import { LimitError, UsageError } from '../message/errors';
import { EOF, type Input, Protocol, READ, type ReadYield, type Step } from './protocol';

/** One dispatched server-sent event. */
export interface SseEvent {
  /** The event type: the last `event` field of the block, or 'message'. */
  event: string;
  /** The `data` lines of the block joined with LF. */
  data: string;
  /** The last event ID when the event was dispatched (it persists across events). */
  id: string;
  /** The reconnection time in milliseconds last set by a `retry` field, or undefined if none was. */
  retry: number | undefined;
}

export type SseYield = ReadYield | { type: 'event'; event: SseEvent };

/** What the stream left behind, for reconnecting: the `Last-Event-ID` to send and the delay to wait. */
export interface SseResult {
  lastEventId: string;
  retry: number | undefined;
}

export interface SseParserOptions {
  /** Most bytes in one line, not counting its line end. Default 1 MiB. */
  maxLineLength?: number;
  /** Most bytes of an event's data (its `data` values joined with LF). Default 1 MiB. */
  maxEventSize?: number;
  /** The last event ID to start from, when reconnecting. Default ''. */
  lastEventId?: string;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const DIGITS = /^[0-9]+$/;

/**
 * Interprets a text/event-stream body as the WHATWG HTML standard says ("Interpreting an event stream").
 * Resume with the body bytes as they arrive and with EOF when the stream ends; it yields one event per step.
 * The bytes passed in are kept (not copied) until the parser next asks to read.
 */
export class SseParser extends Protocol<SseYield, SseResult> {
  private readonly maxLineLength: number;
  private readonly maxEventSize: number;
  // Lines are split on bytes (CR and LF never occur inside a UTF-8 sequence) and each line decoded once, which
  // gives the same text as decoding the whole stream. The BOM is stripped by hand so that only the first goes.
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  private chunk: Uint8Array = new Uint8Array(0);
  private pos = 0;
  /** Stream offset of `chunk[0]`. */
  private base = 0;
  /** Next CR and LF in `chunk` at or after the position they were searched from, or `chunk.length` if none. */
  private nextCr = -1;
  private nextLf = -1;
  /** The last read ended in CR: an LF starting the next read belongs to the same line end. */
  private skipLf = false;
  /** The start of a line that did not end in its read, copied so the caller may reuse its buffers. */
  private lineBuffer: Uint8Array = new Uint8Array(0);
  private lineLength = 0;
  private atStreamStart = true;

  private data = '';
  private dataSize = 0;
  private eventType = '';
  private idBuffer: string;
  private lastId: string;
  private reconnectionTime: number | undefined;

  constructor(options: SseParserOptions = {}) {
    super();
    this.maxLineLength = options.maxLineLength ?? 1024 * 1024;
    this.maxEventSize = options.maxEventSize ?? 1024 * 1024;
    this.idBuffer = this.lastId = options.lastEventId ?? '';
  }

  /** The ID of the last dispatched block (what a reconnection sends as `Last-Event-ID`). */
  get lastEventId(): string {
    return this.lastId;
  }

  /** The reconnection time in milliseconds last set by the stream, or undefined. */
  get retry(): number | undefined {
    return this.reconnectionTime;
  }

  protected advance(input: Input): Step<SseYield, SseResult> {
    if (input !== undefined) {
      if (this.pos < this.chunk.length) {
        throw new UsageError('SseParser has events left in the last input: resume(undefined) to take them first', 'ERR_INVALID_INPUT');
      }
      // The spec discards whatever is pending at the end: a partial line and an event without its blank line.
      if (input === EOF) return { done: true, value: { lastEventId: this.lastId, retry: this.reconnectionTime } };
      this.base += this.chunk.length;
      this.chunk = input;
      this.pos = 0;
      this.nextCr = this.nextLf = -1;
      if (this.skipLf && input.length > 0) {
        this.skipLf = false;
        if (input[0] === LF) this.pos = 1;
      }
    }
    for (;;) {
      const { chunk, pos } = this;
      const end = this.findLineEnd();
      const lineStart = this.base + pos - this.lineLength;
      if (this.lineLength + (end - pos) > this.maxLineLength) {
        throw new LimitError('ERR_SSE_TOO_LARGE', 'An event stream line', this.maxLineLength, lineStart + this.maxLineLength, 413);
      }
      if (end === chunk.length) {
        this.append(chunk.subarray(pos));
        this.pos = end;
        return READ;
      }
      let line = chunk.subarray(pos, end);
      if (this.lineLength > 0) {
        this.append(line);
        line = this.lineBuffer.subarray(0, this.lineLength);
        this.lineLength = 0;
      }
      this.pos = end + 1;
      if (chunk[end] === CR) {
        if (end + 1 === chunk.length) this.skipLf = true;
        else if (chunk[end + 1] === LF) this.pos++;
      }
      const event = this.interpret(line, lineStart);
      if (event !== undefined) return { done: false, value: { type: 'event', event } };
    }
  }

  /** Where the current line ends in `chunk` (its CR or LF), or `chunk.length`. Each byte is searched once. */
  private findLineEnd(): number {
    const { chunk, pos } = this;
    if (this.nextCr < pos) this.nextCr = indexOrLength(chunk, CR, pos);
    if (this.nextLf < pos) this.nextLf = indexOrLength(chunk, LF, pos);
    return Math.min(this.nextCr, this.nextLf);
  }

  private append(bytes: Uint8Array): void {
    const length = this.lineLength + bytes.length;
    if (length > this.lineBuffer.length) {
      // Callers checked `length` against the limit, so the buffer never grows past it.
      const grown = new Uint8Array(Math.min(Math.max(length, 2 * this.lineBuffer.length, 256), this.maxLineLength));
      grown.set(this.lineBuffer.subarray(0, this.lineLength));
      this.lineBuffer = grown;
    }
    this.lineBuffer.set(bytes, this.lineLength);
    this.lineLength = length;
  }

  /** Applies one complete line (without its line end); returns the event a blank line dispatches. */
  private interpret(bytes: Uint8Array, offset: number): SseEvent | undefined {
    if (this.atStreamStart) {
      this.atStreamStart = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    if (bytes.length === 0) return this.dispatch();
    const line = this.decoder.decode(bytes);
    const colon = line.indexOf(':');
    if (colon === 0) return undefined; // a comment
    const field = colon < 0 ? line : line.slice(0, colon);
    const valueStart = colon < 0 ? line.length : line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1;
    const value = line.slice(valueStart);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        // "data: " is ASCII, so the value's byte length is the line's less the prefix's characters. Each line
        // adds its LF; the last is dropped at dispatch, so it does not count toward the limit.
        this.dataSize += bytes.length - valueStart + 1;
        if (this.dataSize - 1 > this.maxEventSize) {
          throw new LimitError('ERR_SSE_TOO_LARGE', 'An event\'s data', this.maxEventSize, offset, 413);
        }
        this.data += value + '\n';
        break;
      case 'id':
        if (!value.includes('\0')) this.idBuffer = value;
        break;
      case 'retry':
        if (DIGITS.test(value)) this.reconnectionTime = Number(value);
        break;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    // The ID buffer is not reset: an event without an `id` field keeps the last one.
    this.lastId = this.idBuffer;
    const { data, eventType } = this;
    this.data = '';
    this.dataSize = 0;
    this.eventType = '';
    if (data === '') return undefined;
    // Every data line added an LF; the last one is dropped.
    return { event: eventType || 'message', data: data.slice(0, -1), id: this.lastId, retry: this.reconnectionTime };
  }
}

function indexOrLength(bytes: Uint8Array, byte: number, from: number): number {
  const i = bytes.indexOf(byte, from);
  return i < 0 ? bytes.length : i;
}
