import { byteString, EMPTY, excerpt } from '../message/bytes';
import { LimitError, ParseError, type ParseErrorCode } from '../message/errors';
import { Headers } from '../message/headers';
import { FIELD_VALUE_CHAR, TOKEN_CHAR } from '../message/syntax';
import type { HttpLimits, Leniency } from './limits';

// UTF-8 decoding is byte-for-byte for ASCII, and the fastest decoder runtimes have.
const asciiDecoder = new TextDecoder();

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;

/** What the status line said. */
export interface StatusLine {
  /** The HTTP version, such as `'1.1'`. */
  version: string;
  /** The status code, 100–599. */
  status: number;
  /** The reason phrase as received (a byte string); may be empty. */
  reason: string;
}

/**
 * Parses a block of lines that ends with an empty line: a response head (status line and field lines) or a
 * trailer section (field lines only). It is fed bytes as they arrive and scans each byte once: a line split
 * across reads is carried over, complete lines are parsed where they lie.
 */
export class HeadParser {
  /** The field lines parsed so far, in wire order (obs-fold lines unfolded when allowed). */
  readonly headers = new Headers();
  /** The status line, once parsed; always undefined for a trailer section. */
  statusLine: StatusLine | undefined;

  private carry: Uint8Array = EMPTY;
  private carryLength = 0;
  /** Bytes of this block consumed so far (complete lines). */
  private size = 0;
  private fields = 0;
  private pendingName: string | undefined;
  private pendingValue = '';
  /** Line ends found in the current input, reused across calls. */
  private readonly ends: number[] = [];
  /** The decoded text of the lines being parsed, starting at index `textStart` of their input. */
  private text: string | undefined;
  private textStart = 0;

  /**
   * @param offset stream offset of the block's first byte, for error positions
   * @param withStatusLine whether the block starts with a status line (a head) or not (trailers)
   */
  constructor(
    private readonly offset: number,
    private readonly withStatusLine: boolean,
    private readonly limits: Pick<HttpLimits, 'maxHeadSize' | 'maxHeaders'>,
    private readonly leniency: Leniency,
  ) {}

  /**
   * Consumes `bytes` from `start`. Returns the index just past the block's final line end, or -1 when every
   * byte was consumed and the block is not complete yet.
   */
  feed(bytes: Uint8Array, start: number): number {
    let i = start;
    if (this.carryLength > 0) {
      // The rest of a line begun in an earlier read.
      const lf = bytes.indexOf(LF, i);
      this.checkSize((lf < 0 ? bytes.length : lf + 1) - i);
      this.keep(bytes, i, lf < 0 ? bytes.length : lf + 1);
      if (lf < 0) return -1;
      // The view ends at the line, so an error excerpt never shows stale bytes of the reused carry buffer.
      const length = this.carryLength;
      this.carryLength = 0;
      const line = this.carry.subarray(0, length);
      this.decode(line, 0, length - 1);
      const done = this.line(line, 0, length - 1);
      this.text = undefined;
      this.size += length;
      i = lf + 1;
      if (done) return i;
    }
    for (;;) {
      // Find the complete lines first (up to an empty one), so that their text is decoded in one call.
      const ends = this.ends;
      ends.length = 0;
      let size = this.size;
      let next = i;
      let over = false;
      let empty = false;
      for (;;) {
        const lf = bytes.indexOf(LF, next);
        const taken = (lf < 0 ? bytes.length : lf + 1) - next;
        if (size + taken > this.limits.maxHeadSize) {
          over = true;
          break;
        }
        if (lf < 0) break;
        ends.push(lf);
        size += taken;
        empty = lf === next || (lf === next + 1 && bytes[next] === CR);
        next = lf + 1;
        if (empty) break;
      }
      if (ends.length > 0) this.decode(bytes, i, ends[ends.length - 1]);
      for (const lf of ends) {
        const done = this.line(bytes, i, lf);
        this.size += lf + 1 - i;
        i = lf + 1;
        if (done) {
          this.text = undefined;
          return i;
        }
      }
      this.text = undefined;
      // Lines before the one that went over were parsed first: their errors come first, however input is split.
      if (over) this.checkSize(Infinity);
      // An empty line that did not end the block (one before the status line): go on after it.
      if (!empty) {
        this.keep(bytes, i, bytes.length);
        return -1;
      }
    }
  }

  /** Throws if `more` bytes would take the block past its limit. */
  private checkSize(more: number): void {
    if (this.size + this.carryLength + more > this.limits.maxHeadSize) {
      const what = this.withStatusLine ? 'Response head' : 'Trailer section';
      throw new LimitError('ERR_HEAD_TOO_LARGE', `${what} size`, this.limits.maxHeadSize, this.offset + this.limits.maxHeadSize, 431);
    }
  }

  /**
   * Decodes `bytes[from, to)` once for the lines in it; ASCII fields are then slices of it: one native call
   * per batch instead of two per field. UTF-8 never makes more chars than bytes, so if the lengths agree every
   * char stands at its byte's index; if not, fields are taken byte by byte. Fields with octets above 0x7F
   * always are (UTF-8 would not keep them as octets).
   */
  private decode(bytes: Uint8Array, from: number, to: number): void {
    const text = asciiDecoder.decode(bytes.subarray(from, to));
    this.text = text.length === to - from ? text : undefined;
    this.textStart = from;
  }

  /** The byte string of the ASCII range `b[from, to)`: a slice of the decoded batch when there is one. */
  private string(b: Uint8Array, from: number, to: number): string {
    return this.text === undefined ? byteString(b, from, to) : this.text.slice(from - this.textStart, to - this.textStart);
  }

  /** Appends a partial line to the carry buffer, growing it by doubling (bounded by the head limit). */
  private keep(bytes: Uint8Array, from: number, to: number): void {
    if (from === to) return;
    const need = this.carryLength + (to - from);
    if (need > this.carry.length) {
      // Sized to need: small typed arrays are allocated on the JS heap, much faster than a backing store.
      const grown = new Uint8Array(Math.max(need, this.carry.length * 2));
      copy(this.carry, 0, this.carryLength, grown, 0);
      this.carry = grown;
    }
    copy(bytes, from, to, this.carry, this.carryLength);
    this.carryLength = need;
  }

  /** One line, `lf` the index of its LF. Returns true at the empty line that ends the block. */
  private line(b: Uint8Array, start: number, lf: number): boolean {
    const at = this.offset + this.size; // stream offset of b[start]
    let end = lf;
    if (end > start && b[end - 1] === CR) end--;
    else if (!this.leniency.allowBareLf) this.fail('ERR_INVALID_LINE_END', 'CRLF line end', b, lf, at - start);

    if (end === start) {
      if (this.withStatusLine && this.statusLine === undefined) return false; // empty lines before the status line
      this.flushPending();
      return true;
    }
    if (this.withStatusLine && this.statusLine === undefined) {
      this.statusLine = this.parseStatusLine(b, start, end, at - start);
      return false;
    }
    const first = b[start];
    if (first === SP || first === HTAB) {
      if (!this.leniency.allowObsFold || this.pendingName === undefined) {
        this.fail('ERR_INVALID_HEADER', 'a field name (obs-fold line continuation is not accepted)', b, start, at - start);
      }
      const value = this.fieldValue(b, start, end, at - start);
      if (value !== '') this.pendingValue = this.pendingValue === '' ? value : `${this.pendingValue} ${value}`;
      return false;
    }
    this.flushPending();
    let colon = start;
    while (colon < end && TOKEN_CHAR[b[colon]] === 1) colon++;
    if (colon === start || colon === end || b[colon] !== 0x3a) {
      this.fail('ERR_INVALID_HEADER', colon === start ? 'a field name' : "a token character or ':'", b, colon, at - start);
    }
    if (++this.fields > this.limits.maxHeaders) {
      throw new LimitError('ERR_TOO_MANY_HEADERS', 'Number of header fields', this.limits.maxHeaders, at, 431);
    }
    this.pendingName = this.string(b, start, colon);
    this.pendingValue = this.fieldValue(b, colon + 1, end, at - start);
    return false;
  }

  /** The value between `from` and `end`, without surrounding whitespace, checked for control characters. */
  private fieldValue(b: Uint8Array, from: number, end: number, base: number): string {
    while (from < end && (b[from] === SP || b[from] === HTAB)) from++;
    while (end > from && (b[end - 1] === SP || b[end - 1] === HTAB)) end--;
    let high = 0;
    for (let i = from; i < end; i++) {
      const c = b[i];
      high |= c;
      if (FIELD_VALUE_CHAR[c] === 0) this.fail('ERR_INVALID_HEADER', 'a field value character (no control characters)', b, i, base);
    }
    return high < 0x80 ? this.string(b, from, end) : byteString(b, from, end);
  }

  private flushPending(): void {
    if (this.pendingName === undefined) return;
    this.headers.append(this.pendingName, this.pendingValue);
    this.pendingName = undefined;
  }

  /** status-line = HTTP-version SP status-code [ SP [ reason-phrase ] ] (a missing SP before an empty reason is accepted). */
  private parseStatusLine(b: Uint8Array, start: number, end: number, base: number): StatusLine {
    const expectVersion = 'HTTP/1.x';
    // Each check is bounded by `end`, so a short line fails at the first byte that is wrong or missing.
    if (end - start < 8 || !matchesVersion(b, start)) this.fail('ERR_INVALID_STATUS_LINE', expectVersion, b, start, base);
    if (end - start < 9 || b[start + 8] !== SP) this.fail('ERR_INVALID_STATUS_LINE', 'a space after the version', b, start + 8, base);
    let status = 0;
    for (let i = start + 9; i < start + 12; i++) {
      const d = i < end ? b[i] - 0x30 : -1;
      if (d < 0 || d > 9) this.fail('ERR_INVALID_STATUS_LINE', 'a three-digit status code', b, i, base);
      status = status * 10 + d;
    }
    if (status < 100) this.fail('ERR_INVALID_STATUS_LINE', 'a status code from 100 to 999', b, start + 9, base);
    let reason = '';
    if (end > start + 12) {
      if (b[start + 12] !== SP) this.fail('ERR_INVALID_STATUS_LINE', 'a space after the status code', b, start + 12, base);
      // The reason is informational (RFC 9112 §4): other controls are kept as received; a NUL or a bare CR
      // could end the line for another parser, so they are refused (docs/conformance.md).
      let high = 0;
      for (let i = start + 13; i < end; i++) {
        const c = b[i];
        high |= c;
        if (c === 0 || c === CR) this.fail('ERR_INVALID_STATUS_LINE', 'a reason phrase character (no NUL or CR)', b, i, base);
      }
      reason = high < 0x80 ? this.string(b, start + 13, end) : byteString(b, start + 13, end);
    }
    return { version: `1.${b[start + 7] - 0x30}`, status, reason };
  }

  /** Throws a ParseError at `b[index]`; `base` maps indexes of `b` to stream offsets. */
  private fail(code: ParseErrorCode, expected: string, b: Uint8Array, index: number, base: number): never {
    throw new ParseError(code, expected, base + index, excerpt(b, index));
  }
}

/** `source[from, to)` into `target` at `at`: a loop for the short pieces of a line, `set` for long ones. */
function copy(source: Uint8Array, from: number, to: number, target: Uint8Array, at: number): void {
  if (to - from > 64) {
    target.set(source.subarray(from, to), at);
    return;
  }
  for (let i = from; i < to; i++) target[at++] = source[i];
}

/** "HTTP/1." followed by a digit. */
function matchesVersion(b: Uint8Array, i: number): boolean {
  return (
    b[i] === 0x48 && b[i + 1] === 0x54 && b[i + 2] === 0x54 && b[i + 3] === 0x50 && b[i + 4] === 0x2f &&
    b[i + 5] === 0x31 && b[i + 6] === 0x2e && b[i + 7] >= 0x30 && b[i + 7] <= 0x39
  );
}
