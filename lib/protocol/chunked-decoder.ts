import { concatBytes, EMPTY, excerpt } from '../message/bytes';
import { IncompleteMessageError, LimitError, ParseError } from '../message/errors';
import { Headers } from '../message/headers';
import { FIELD_VALUE_CHAR, TOKEN_CHAR } from '../message/syntax';
import { HeadParser } from './head-parser';
import { resolveLeniency, resolveLimits, type HttpLimits, type Leniency } from './limits';
import { EOF, type Input, Protocol, READ, type ReadYield, type Step } from './protocol';

/**
 * A piece of body: a sub-view of the input, never a copy. All the chunk data one input holds comes as one piece
 * (the framing between the chunks removed in place).
 */
export interface DataYield {
  /** Always `'data'`. */
  type: 'data';
  /** The body bytes: a view into the input given (no copy), so reusing that input's memory changes them. */
  bytes: Uint8Array;
}

/** What a chunked body completes with. */
export interface ChunkedResult {
  /** The trailer section; empty when there was none. */
  trailers: Headers;
  /** Bytes after the chunked body (the next message). */
  remaining: Uint8Array;
}

/** Options of a {@link ChunkedDecoder}: limits (see {@link HttpLimits}), leniencies (see {@link Leniency}) and the start offset. */
export interface ChunkedDecoderOptions extends Partial<HttpLimits>, Partial<Leniency> {
  /** Stream offset of the first byte, so errors report positions in the whole stream. */
  offset?: number;
}

const CR = 0x0d;
const LF = 0x0a;
// 13 significant hex digits stay below 2^53: larger sizes are refused before they can lose precision. Leading
// zeros do not count (RFC 9112 §7.1); the line limit bounds how many of them are scanned.
const MAX_SIZE_DIGITS = 13;

/**
 * chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ), ext-val = token / quoted-string (RFC 9112
 * §7.1.1): one state per place in that grammar. Extensions are checked, then ignored.
 */
type ExtensionState = 'ext-name-start' | 'ext-name' | 'ext-after-name' | 'ext-value-start' | 'ext-token' | 'ext-quoted' | 'ext-quoted-pair' | 'ext-after-value';

type State = 'size' | 'after-size' | ExtensionState | 'size-lf' | 'data' | 'data-cr' | 'data-lf' | 'trailers';

/** The extension states where the size line may end. */
const EXTENSION_MAY_END: ReadonlySet<State> = new Set<State>(['ext-name', 'ext-after-name', 'ext-token', 'ext-after-value']);

/**
 * Decodes the chunked transfer coding (RFC 9112 §7.1) as bytes arrive: yields the chunk data of each input as
 * one piece, and completes with the trailer fields and the bytes that follow the body.
 *
 * The data of the chunks an input holds is noted as spans while the framing is parsed, and joined when the
 * input is used up (or the last chunk starts): the spans after the first are moved down over the framing
 * between them (`copyWithin`, in place: no allocation), and the piece is a view of the input. An input belongs
 * to the decoder once given; only bytes not yet handed out are moved, and nothing is moved before a parse
 * error is found, so an error's excerpt shows the bytes as received. Data before an error is yielded first;
 * the error is thrown at the next resume.
 */
export class ChunkedDecoder extends Protocol<DataYield | ReadYield, ChunkedResult> {
  private readonly limits: HttpLimits;
  private readonly leniency: Leniency;
  private state: State = 'size';
  private buffer: Uint8Array = EMPTY;
  private position = 0;
  /** Stream offset of buffer[0]. */
  private base: number;
  private size = 0;
  /** Significant digits of the chunk size so far (leading zeros aside). */
  private sizeDigits = 0;
  /** Bytes of the chunk-size line so far, its line end aside. */
  private lineLength = 0;
  private remainingInChunk = 0;
  private bodySize = 0;
  private trailers: HeadParser | undefined;
  /** The chunk data of `buffer` not yet handed out: [start, end) pairs in order, reused across inputs. */
  private readonly spans: number[] = [];
  /** An error found after data still to be yielded: thrown at the next resume. */
  private failure: unknown;

  constructor(options: ChunkedDecoderOptions = {}) {
    super();
    this.limits = resolveLimits(options);
    this.leniency = resolveLeniency(options);
    this.base = options.offset ?? 0;
  }

  protected advance(input: Input): Step<DataYield | ReadYield, ChunkedResult> {
    if (this.failure !== undefined) throw this.failure;
    if (input instanceof Uint8Array) {
      this.base += this.position;
      this.buffer = this.position < this.buffer.length ? concatBytes(this.buffer.subarray(this.position), input) : input;
      this.position = 0;
    }
    let step: Step<DataYield | ReadYield, ChunkedResult> | undefined;
    try {
      step = this.decode();
    } catch (error) {
      // The data before the error is the peer's body as far as it was valid: hand it on first.
      if (this.spans.length === 0) throw error;
      this.failure = error;
      return this.flush();
    }
    if (step) return step;
    if (input === EOF) {
      const part = this.state === 'trailers' ? 'trailers' : 'chunked body';
      throw new IncompleteMessageError(part, this.base + this.position);
    }
    return READ;
  }

  /** Runs to the end of the buffer (its data as one piece; undefined: needs more input), the last chunk, or the end. */
  private decode(): Step<DataYield | ReadYield, ChunkedResult> | undefined {
    const b = this.buffer;
    while (this.position < b.length) {
      const c = b[this.position];
      switch (this.state) {
        case 'size': {
          const digit = hexValue(c);
          if (digit < 0) {
            if (this.lineLength === 0) this.fail('a hexadecimal chunk size');
            this.state = 'after-size';
            continue; // the same byte starts the rest of the line
          }
          if ((this.size !== 0 || digit !== 0) && ++this.sizeDigits > MAX_SIZE_DIGITS) {
            this.fail(`a chunk size of at most ${MAX_SIZE_DIGITS} significant hex digits`);
          }
          this.size = this.size * 16 + digit;
          this.countLineByte();
          this.position++;
          break;
        }
        case 'after-size':
          // BWS may stand before ';'; whitespace before the CRLF is accepted too (docs/conformance.md).
          if (c === CR) {
            this.lineEnd();
            break;
          }
          if (c === LF) {
            this.bareLf();
            break;
          }
          if (c === 0x3b) this.state = 'ext-name-start';
          else if (c !== 0x20 && c !== 0x09) this.fail("';' or CRLF after the chunk size");
          this.countLineByte();
          this.position++;
          break;
        case 'ext-name-start':
        case 'ext-name':
        case 'ext-after-name':
        case 'ext-value-start':
        case 'ext-token':
        case 'ext-quoted':
        case 'ext-quoted-pair':
        case 'ext-after-value':
          if ((c === CR || c === LF) && EXTENSION_MAY_END.has(this.state)) {
            if (c === CR) this.lineEnd();
            else this.bareLf();
            break;
          }
          this.state = this.extension(this.state, c);
          this.countLineByte();
          this.position++;
          break;
        case 'size-lf':
          if (c !== LF) this.fail('LF after CR in the chunk-size line');
          this.position++;
          this.startChunk();
          break;
        case 'data': {
          const take = Math.min(this.remainingInChunk, b.length - this.position);
          this.spans.push(this.position, this.position + take);
          this.position += take;
          this.remainingInChunk -= take;
          if (this.remainingInChunk === 0) this.state = 'data-cr';
          break;
        }
        case 'data-cr':
          if (c === CR && this.nextSizeLine(b)) break;
          if (c === CR) {
            this.state = 'data-lf';
            this.position++;
          } else if (c === LF && this.leniency.allowBareLf) {
            this.state = 'data-lf';
          } else this.fail('CRLF after the chunk data');
          break;
        case 'data-lf':
          if (c !== LF) this.fail('CRLF after the chunk data');
          this.position++;
          this.state = 'size';
          this.size = this.sizeDigits = this.lineLength = 0;
          break;
        case 'trailers': {
          if (this.spans.length > 0) return this.flush(); // the body's last data, before the trailers
          const end = this.trailers!.feed(b, this.position);
          if (end < 0) {
            this.position = b.length;
            break;
          }
          this.position = end;
          return { done: true, value: { trailers: this.trailers!.headers, remaining: b.subarray(end) } };
        }
      }
    }
    return this.spans.length > 0 ? this.flush() : undefined;
  }

  /** The data of the spans as one piece: the first span's bytes stay where they are, the others move down to follow them. */
  private flush(): Step<DataYield | ReadYield, ChunkedResult> {
    const spans = this.spans;
    const b = this.buffer;
    const start = spans[0];
    let end = spans[1];
    for (let i = 2; i < spans.length; i += 2) end = moveDown(b, spans[i], spans[i + 1], end);
    spans.length = 0;
    return { done: false, value: { type: 'data', bytes: b.subarray(start, end) } };
  }

  /**
   * The common case after chunk data, taken in one go: CRLF, hex digits (13 at most, so no more significant
   * ones and within any line limit the general path would allow), CRLF, all in `b`. Starts the next chunk and
   * returns true; anything else (extensions, whitespace, a line cut by the input, a bad byte) returns false
   * and is left to the byte-by-byte states, which check it and report errors where they are.
   */
  private nextSizeLine(b: Uint8Array): boolean {
    const from = this.position + 2;
    if (b[this.position + 1] !== LF) return false;
    let i = from;
    let size = 0;
    for (let digit; i < b.length && i - from < MAX_SIZE_DIGITS && (digit = hexValue(b[i])) >= 0; i++) size = size * 16 + digit;
    const digits = i - from;
    if (digits === 0 || digits > this.limits.maxChunkLineSize || i + 1 >= b.length || b[i] !== CR || b[i + 1] !== LF) return false;
    this.size = size;
    this.position = i + 2;
    this.startChunk();
    this.size = this.sizeDigits = this.lineLength = 0;
    return true;
  }

  /** The size line ended: start the chunk's data, or the trailer section after the last chunk. */
  private startChunk(): void {
    if (this.size === 0) {
      this.state = 'trailers';
      this.trailers = new HeadParser(this.base + this.position, false, this.limits, this.leniency);
      return;
    }
    this.bodySize += this.size;
    if (this.bodySize > this.limits.maxBodySize) {
      throw new LimitError('ERR_BODY_TOO_LARGE', 'Response body size', this.limits.maxBodySize, this.base + this.position, 413);
    }
    this.remainingInChunk = this.size;
    this.state = 'data';
  }

  /** The state after byte `c` of a chunk extension in `state`; a byte the grammar does not allow there fails. */
  private extension(state: ExtensionState, c: number): ExtensionState {
    const space = c === 0x20 || c === 0x09;
    const token = TOKEN_CHAR[c] === 1;
    switch (state) {
      case 'ext-name-start':
        if (token) return 'ext-name';
        if (space) return state;
        return this.fail('a chunk extension name');
      case 'ext-name':
      case 'ext-after-name':
        if (token && state === 'ext-name') return state;
        if (space) return 'ext-after-name';
        if (c === 0x3d) return 'ext-value-start';
        if (c === 0x3b) return 'ext-name-start';
        return this.fail("'=', ';' or CRLF in a chunk extension");
      case 'ext-value-start':
        if (token) return 'ext-token';
        if (c === 0x22) return 'ext-quoted';
        if (space) return state;
        return this.fail('a chunk extension value');
      case 'ext-token':
      case 'ext-after-value':
        if (token && state === 'ext-token') return state;
        if (space) return 'ext-after-value';
        if (c === 0x3b) return 'ext-name-start';
        return this.fail("';' or CRLF after a chunk extension value");
      case 'ext-quoted':
        if (c === 0x22) return 'ext-after-value';
        if (c === 0x5c) return 'ext-quoted-pair';
        if (FIELD_VALUE_CHAR[c] === 1) return state; // qdtext: HTAB, SP, VCHAR but '"' and '\', obs-text
        return this.fail('a quoted-string character (no control characters)');
      case 'ext-quoted-pair':
        if (FIELD_VALUE_CHAR[c] === 1) return 'ext-quoted';
        return this.fail('a quoted-pair character (no control characters)');
    }
  }

  /** The CR of the size line: the line end does not count toward maxChunkLineSize. */
  private lineEnd(): void {
    this.state = 'size-lf';
    this.position++;
  }

  /** A size line ended with LF alone: accepted only by the named leniency. */
  private bareLf(): void {
    if (!this.leniency.allowBareLf) this.fail('CRLF after the chunk size');
    this.position++;
    this.startChunk();
  }

  private countLineByte(): void {
    if (++this.lineLength > this.limits.maxChunkLineSize) {
      throw new LimitError('ERR_CHUNK_LINE_TOO_LONG', 'Chunk-size line length', this.limits.maxChunkLineSize, this.base + this.position, 400);
    }
  }

  private fail(expected: string): never {
    throw new ParseError('ERR_INVALID_CHUNK', expected, this.base + this.position, excerpt(this.buffer, this.position));
  }
}

/**
 * Moves `b[from, to)` down to `at` (at <= from) and returns the index past it: a loop for short spans (a native
 * call costs more than a few bytes), `copyWithin` (a memmove) for long ones.
 */
function moveDown(b: Uint8Array, from: number, to: number, at: number): number {
  if (at === from) return to;
  if (to - from > 64) {
    b.copyWithin(at, from, to);
    return at + (to - from);
  }
  for (let i = from; i < to; i++) b[at++] = b[i];
  return at;
}

/** The value of a hex digit, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
