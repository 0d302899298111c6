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

/** What the SSE parser asks of its caller: more bytes, or to take one event. */
export type SseYield =
  | ReadYield
  | {
      /** Always `'event'`. */
      type: 'event';
      /** The event dispatched. */
      event: SseEvent;
    };

/** What the stream left behind, for reconnecting: the `Last-Event-ID` to send and the delay to wait. */
export interface SseResult {
  /** The last event ID, to send as `Last-Event-ID`; '' for none. */
  lastEventId: string;
  /** The reconnection time in ms a `retry` field set, or undefined if none did. */
  retry: number | undefined;
}

/** Limits and the starting event ID of an {@link SseParser}. */
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
const COLON = 0x3a;
const DIGITS = /^[0-9]+$/;
const NO_TEXT = '';

/**
 * Interprets a text/event-stream body as the WHATWG HTML standard says ("Interpreting an event stream").
 * Resume with the body bytes as they arrive and with EOF when the stream ends; it yields one event per step.
 * `feed()` does the same for a whole read at once, handing each event to a callback.
 *
 * The complete lines of a read are decoded with one TextDecoder call and taken as slices of that string (CR
 * and LF never occur inside a UTF-8 sequence, so this gives the same text as decoding the whole stream); a
 * line cut by the end of a read is copied and decoded on its own once it ends. Line ends are searched with
 * `indexOf`, so each byte is looked at once or twice, natively. The bytes passed in are kept (not copied)
 * until the parser next asks to read.
 */
export class SseParser extends Protocol<SseYield, SseResult> {
  private readonly maxLineLength: number;
  private readonly maxEventSize: number;
  // The BOM is stripped by hand so that only the first goes.
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  private chunk: Uint8Array = new Uint8Array(0);
  /** Where the bytes not yet taken into `text` (or a carried line) start in `chunk`. */
  private pos = 0;
  /** Stream offset of `chunk[0]`. */
  private base = 0;
  /** The last read ended in CR: an LF starting the next read belongs to the same line end. */
  private skipLf = false;
  /** The start of a line that did not end in its read, copied so the caller may reuse its buffers. */
  private lineBuffer: Uint8Array = new Uint8Array(0);
  private lineLength = 0;
  private atStreamStart = true;

  /** The complete lines of the current read, decoded at once, and the position of the next line in it. */
  private text = NO_TEXT;
  private textPos = 0;
  /** Byte offset in `chunk` of the next line of `text`; and whether characters and bytes of `text` are one to one. */
  private bytePos = 0;
  private aligned = true;
  /** Next CR, LF and colon in `text` at or after where they were searched from; -1 to search. */
  private nextCr = -1;
  private nextLf = -1;
  private nextColon = -1;
  /** A parser error (or EOF) happened in `feed()`: it is spent. */
  private spent = false;
  /** `feed()`'s callback is running (so an error thrown now is the callback's). */
  private delivering = false;

  private data = NO_TEXT;
  private hasData = false;
  private dataSize = 0;
  private eventType = NO_TEXT;
  private lastType = NO_TEXT;
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

  /**
   * Parses one read whole, calling `onEvent` for each event it completes, in order; with `EOF`, ends the
   * stream and returns what a reconnection needs. The same events as `resume()`, without a step per event.
   * A parse error (a limit) is thrown after the events before it were handed out; the parser is then spent.
   */
  feed(input: Uint8Array | typeof EOF, onEvent: (event: SseEvent) => void): SseResult | undefined {
    if (input === EOF) return this.resume(EOF).value as SseResult;
    if (this.spent) throw new UsageError('SseParser has already failed; start a new one', 'ERR_PROTOCOL_FINISHED');
    this.take(input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
    for (;;) {
      let event: SseEvent | undefined;
      try {
        event = this.nextEvent(onEvent);
      } catch (error) {
        // A parse error spends the parser; the callback's own error leaves it as it was after that event.
        if (!this.delivering) this.spent = true;
        this.delivering = false;
        throw error;
      }
      if (event === undefined) {
        // The read's text is parsed: not kept (with every event whose data is a slice of it) until the next read.
        this.text = NO_TEXT;
        this.textPos = 0;
        return undefined;
      }
      onEvent(event);
    }
  }

  protected advance(input: Input): Step<SseYield, SseResult> {
    if (this.spent) throw new UsageError('SseParser has already failed; start a new one', 'ERR_PROTOCOL_FINISHED');
    if (input !== undefined) {
      // The spec discards whatever is pending at the end: a partial line and an event without its blank line.
      if (input === EOF) {
        this.checkTaken();
        return { done: true, value: { lastEventId: this.lastId, retry: this.reconnectionTime } };
      }
      this.take(input);
    }
    const event = this.nextEvent();
    return event === undefined ? READ : { done: false, value: { type: 'event', event } };
  }

  private checkTaken(): void {
    if (this.pos < this.chunk.length || this.textPos < this.text.length) {
      throw new UsageError('SseParser has events left in the last input: resume(undefined) to take them first', 'ERR_INVALID_INPUT');
    }
  }

  private take(input: Uint8Array): void {
    this.checkTaken();
    this.base += this.chunk.length;
    this.chunk = input;
    this.pos = 0;
    if (this.skipLf && input.length > 0) {
      this.skipLf = false;
      if (input[0] === LF) this.pos = 1;
    }
  }

  /**
   * Interprets lines until one dispatches an event; undefined once the input is used up (the next read is
   * needed). With `onEvent`, the events of plain text are handed to it on the way rather than returned.
   */
  private nextEvent(onEvent?: (event: SseEvent) => void): SseEvent | undefined {
    for (;;) {
      if (this.textPos < this.text.length) {
        const event = this.aligned && this.nextCr === this.text.length ? this.eventOfPlainText(onEvent) : this.nextLineOfText();
        if (event !== undefined) return event;
        continue;
      }
      const { chunk, pos } = this;
      if (pos === chunk.length) return undefined;
      if (this.lineLength > 0) {
        const event = this.endCarriedLine();
        if (event !== undefined) return event;
        continue;
      }
      const end = completeLinesEnd(chunk, pos);
      if (end <= pos) {
        this.carry(pos, chunk.length);
        return undefined;
      }
      let start = pos;
      if (this.atStreamStart && chunk[start] === 0xef && chunk[start + 1] === 0xbb && chunk[start + 2] === 0xbf && start + 3 <= end) start += 3;
      this.atStreamStart = false;
      this.text = this.decoder.decode(chunk.subarray(start, end));
      this.textPos = 0;
      this.bytePos = start;
      // One character per byte (ASCII, or each non-ASCII byte invalid on its own): offsets are the same.
      this.aligned = this.text.length === end - start;
      this.nextLf = this.nextColon = -1;
      this.nextCr = charIndexOrLength(this.text, '\r', 0);
      this.pos = end;
      if (chunk[end - 1] === CR && end === chunk.length) this.skipLf = true;
    }
  }

  /**
   * The common case, text of one byte per character and without CR: interprets lines in one loop until one
   * dispatches an event (or the text is used up); with `onEvent`, an event is handed to it and the loop goes
   * on. The same as `nextLineOfText` line after line, without the byte bookkeeping this case does not need.
   */
  private eventOfPlainText(onEvent: ((event: SseEvent) => void) | undefined): SseEvent | undefined {
    const { text } = this;
    /** The stream offset of `text[0]`. */
    const offset = this.base + this.bytePos - this.textPos;
    for (let start = this.textPos; start < text.length; ) {
      const end = text.indexOf('\n', start); // found: the text ends with a line end
      const next = end + 1;
      this.textPos = next;
      this.bytePos += next - start;
      if (end - start > this.maxLineLength) this.lineTooLong(offset + start);
      if (end === start) {
        const event = this.dispatch();
        if (event !== undefined) {
          if (!onEvent) return event;
          this.delivering = true;
          onEvent(event);
          this.delivering = false;
        }
      } else if (text.charCodeAt(start + 4) === COLON && start + 4 < end && text.startsWith('data', start)) {
        this.interpret(text, start, end, start + 4, end - start, offset + start);
      } else {
        if (this.nextColon < start) this.nextColon = charIndexOrLength(text, ':', start);
        this.interpret(text, start, end, this.nextColon < end ? this.nextColon : -1, end - start, offset + start);
      }
      start = next;
    }
    return undefined;
  }

  /** Interprets the next line of `text`; returns the event it dispatches, if any. */
  private nextLineOfText(): SseEvent | undefined {
    const { text, textPos: start } = this;
    if (this.nextCr < start) this.nextCr = charIndexOrLength(text, '\r', start);
    if (this.nextLf < start) this.nextLf = charIndexOrLength(text, '\n', start);
    const end = this.nextCr < this.nextLf ? this.nextCr : this.nextLf;
    let next = end + 1;
    if (end === this.nextCr && text.charCodeAt(next) === LF) next++;
    this.textPos = next;
    const byteStart = this.bytePos;
    let byteLength = end - start;
    if (!this.aligned) {
      const { chunk } = this;
      const byteEnd = lineEnd(chunk, byteStart);
      byteLength = byteEnd - byteStart;
      this.bytePos = byteEnd + (next - end);
    } else this.bytePos += next - start;
    if (byteLength > this.maxLineLength) this.lineTooLong(this.base + byteStart);
    if (start === end) return this.dispatch();
    // Most lines are `data:` lines (whose values often hold colons): they are told without a search.
    if (text.charCodeAt(start + 4) === COLON && start + 4 < end && text.startsWith('data', start)) {
      return this.interpret(text, start, end, start + 4, byteLength, this.base + byteStart);
    }
    if (this.nextColon < start) this.nextColon = charIndexOrLength(text, ':', start);
    return this.interpret(text, start, end, this.nextColon < end ? this.nextColon : -1, byteLength, this.base + byteStart);
  }

  /** Ends the line carried over from earlier reads with the start of this one (or carries it further). */
  private endCarriedLine(): SseEvent | undefined {
    const { chunk, pos } = this;
    const end = lineEnd(chunk, pos);
    const lineStart = this.base + pos - this.lineLength;
    if (end === chunk.length) {
      this.carry(pos, end);
      return undefined;
    }
    if (this.lineLength + (end - pos) > this.maxLineLength) this.lineTooLong(lineStart);
    this.append(chunk.subarray(pos, end));
    let bytes = this.lineBuffer.subarray(0, this.lineLength);
    this.lineLength = 0;
    this.pos = end + 1;
    if (chunk[end] === CR) {
      if (end + 1 === chunk.length) this.skipLf = true;
      else if (chunk[end + 1] === LF) this.pos++;
    }
    if (this.atStreamStart) {
      this.atStreamStart = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    if (bytes.length === 0) return this.dispatch();
    const line = this.decoder.decode(bytes);
    return this.interpret(line, 0, line.length, line.indexOf(':'), bytes.length, lineStart);
  }

  /** Copies the unended line `chunk[from, to)` to the line buffer, within the line limit. */
  private carry(from: number, to: number): void {
    if (this.lineLength + (to - from) > this.maxLineLength) this.lineTooLong(this.base + from - this.lineLength);
    this.append(this.chunk.subarray(from, to));
    this.pos = to;
  }

  private lineTooLong(lineStart: number): never {
    throw new LimitError('ERR_SSE_TOO_LARGE', 'An event stream line', this.maxLineLength, lineStart + this.maxLineLength, 413);
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

  /**
   * Applies the line `text[start, end)` (not blank; `colon` its first colon or -1; `byteLength` its size in
   * bytes, `offset` its stream offset); returns nothing: only a blank line dispatches.
   */
  private interpret(text: string, start: number, end: number, colon: number, byteLength: number, offset: number): undefined {
    if (colon === start) return undefined; // a comment
    const fieldEnd = colon < 0 ? end : colon;
    const valueStart = colon < 0 ? end : colon + 1 < end && text.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1;
    switch (fieldEnd - start) {
      case 4:
        if (text.startsWith('data', start)) {
          // "data:" and its space are ASCII: the value's size in bytes is the line's less them. Each line
          // counts its LF but the last, which the limit does not count.
          this.dataSize += byteLength - (valueStart - start) + 1;
          if (this.dataSize - 1 > this.maxEventSize) {
            throw new LimitError('ERR_SSE_TOO_LARGE', 'An event\'s data', this.maxEventSize, offset, 413);
          }
          const value = text.slice(valueStart, end);
          if (this.hasData) this.data += '\n' + value;
          else {
            this.data = value;
            this.hasData = true;
          }
        }
        break;
      case 5:
        if (text.startsWith('event', start)) {
          // A stream mostly repeats its types: the last one is taken again rather than sliced anew.
          const last = this.lastType;
          if (end - valueStart === last.length && text.startsWith(last, valueStart)) this.eventType = last;
          else this.eventType = this.lastType = text.slice(valueStart, end);
        }
        else if (text.startsWith('retry', start)) {
          const value = text.slice(valueStart, end);
          if (DIGITS.test(value)) this.reconnectionTime = Number(value);
        }
        break;
      case 2:
        if (text.startsWith('id', start)) {
          const value = text.slice(valueStart, end);
          if (!value.includes('\0')) this.idBuffer = value;
        }
        break;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    // The ID buffer is not reset: an event without an `id` field keeps the last one.
    this.lastId = this.idBuffer;
    const { data, hasData, eventType } = this;
    this.data = NO_TEXT;
    this.hasData = false;
    this.dataSize = 0;
    this.eventType = NO_TEXT;
    if (!hasData) return undefined;
    return { event: eventType || 'message', data, id: this.lastId, retry: this.reconnectionTime };
  }
}

/**
 * Where the complete lines of `chunk` from `from` end: after its last LF, or after a CR past that. (A
 * TypedArray's indexOf walks byte by byte, a string's is far faster: only the bytes after the last LF, the
 * start of an unended line, are searched for a CR here; the rest is searched as text.)
 */
function completeLinesEnd(chunk: Uint8Array, from: number): number {
  let end = chunk.lastIndexOf(LF) + 1;
  if (end < from) end = from;
  for (let cr = chunk.indexOf(CR, end); cr >= 0; cr = chunk.indexOf(CR, cr + 1)) end = cr + 1;
  return end;
}

function charIndexOrLength(text: string, char: string, from: number): number {
  const i = text.indexOf(char, from);
  return i < 0 ? text.length : i;
}

/** Where the line from `from` ends in `bytes` (its CR or LF), or `bytes.length`: a CR is looked for before the LF only. */
function lineEnd(bytes: Uint8Array, from: number): number {
  let lf = bytes.indexOf(LF, from);
  if (lf < 0) lf = bytes.length;
  const cr = bytes.subarray(from, lf).indexOf(CR);
  return cr < 0 ? lf : from + cr;
}
