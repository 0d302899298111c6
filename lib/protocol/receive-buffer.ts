import { concatBytes, EMPTY } from '../message/bytes';
import { EOF, type Input } from './protocol';

/**
 * The response bytes received and not yet consumed, where they stand in the stream (for error offsets), and
 * whether the peer has closed. Readers take views of it; bytes are copied only to join an unread rest with
 * the next input.
 */
export class ReceiveBuffer {
  bytes: Uint8Array = EMPTY;
  /** The first unread index of `bytes`. */
  position = 0;
  eof = false;
  /** Stream offset of bytes[0]. */
  private base = 0;

  /** Takes what `resume` was given: bytes are appended to the unread rest, EOF is remembered. */
  take(input: Input): void {
    if (input === EOF) this.eof = true;
    else if (input !== undefined && input.length > 0) {
      this.base += this.position;
      this.bytes = this.position < this.bytes.length ? concatBytes(this.bytes.subarray(this.position), input) : input;
      this.position = 0;
    }
  }

  /** Stream offset of the first unread byte. */
  get offset(): number {
    return this.base + this.position;
  }

  get available(): number {
    return this.bytes.length - this.position;
  }

  /** Up to `max` unread bytes, consumed: a view, not a copy. */
  takeAtMost(max: number): Uint8Array {
    const end = Math.min(this.bytes.length, this.position + max);
    const piece = this.bytes.subarray(this.position, end);
    this.position = end;
    return piece;
  }

  /** The unread bytes, not consumed. */
  rest(): Uint8Array {
    return this.bytes.subarray(this.position);
  }

  /** Gives back the unconsumed end of what was taken (what a decoder holding its own buffer did not use). */
  giveBack(tail: Uint8Array): void {
    this.base = this.offset - tail.length;
    this.bytes = tail;
    this.position = 0;
  }
}
