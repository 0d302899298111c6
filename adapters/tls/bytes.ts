/**
 * Byte helpers for the TLS state machine: a bounds-checked reader that knows its stream offset, a writer, and
 * a comparison in constant time (for MACs). Joining is lib's `joinBytes`.
 */
import { decodeError } from './errors';

/** Reads big-endian integers and length-prefixed vectors; every overrun is a decode_error with the offset. */
export class Reader {
  private pos = 0;

  constructor(
    readonly bytes: Uint8Array,
    /** The stream offset of `bytes[0]`, for error messages. */
    private readonly base = 0,
    private readonly what = 'message',
  ) {}

  get offset(): number {
    return this.base + this.pos;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  take(n: number): Uint8Array {
    if (n > this.remaining) throw decodeError(`${this.what} is truncated (needs ${n} more bytes, has ${this.remaining})`, this.offset);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  u16(): number {
    const b = this.take(2);
    return (b[0]! << 8) | b[1]!;
  }

  u24(): number {
    const b = this.take(3);
    return (b[0]! << 16) | (b[1]! << 8) | b[2]!;
  }

  /** A vector with a length prefix of `size` bytes, as a reader of its own. */
  vector(size: 1 | 2 | 3, what = this.what): Reader {
    const length = size === 1 ? this.u8() : size === 2 ? this.u16() : this.u24();
    const start = this.offset;
    return new Reader(this.take(length), start, what);
  }

  /** Fails unless every byte was read. */
  end(): void {
    if (this.remaining !== 0) throw decodeError(`${this.what} has ${this.remaining} unexpected trailing bytes`, this.offset);
  }
}

/** Builds a message: integers, bytes and length-prefixed vectors. */
export class Writer {
  private parts: number[] = [];

  u8(value: number): this {
    this.parts.push(value & 0xff);
    return this;
  }

  u16(value: number): this {
    this.parts.push((value >> 8) & 0xff, value & 0xff);
    return this;
  }

  u24(value: number): this {
    this.parts.push((value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff);
    return this;
  }

  bytes(bytes: Uint8Array): this {
    for (const b of bytes) this.parts.push(b);
    return this;
  }

  /** `body` written into a nested writer, prefixed with its length in `size` bytes. */
  vector(size: 1 | 2 | 3, body: (w: Writer) => void): this {
    const inner = new Writer();
    body(inner);
    const bytes = inner.finish();
    if (size === 1) this.u8(bytes.length);
    else if (size === 2) this.u16(bytes.length);
    else this.u24(bytes.length);
    return this.bytes(bytes);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** Equal contents, compared without an early exit (the bytes may be MACs). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
