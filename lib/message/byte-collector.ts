import type { Headers } from './headers';

/** Up to this much is allocated at once on the word of a `Content-Length`; past it the buffer grows as bytes come. */
const MAX_PRESIZE = 16 * 1024 * 1024;

/**
 * Gathers a body that arrives in pieces into one array. The pieces are copied as they come, not kept: a body
 * of many small pieces (one-byte chunks) would otherwise hold a view object per byte, a hundred times the
 * body's size. Memory stays below twice the body (the buffer doubles), plus nothing per piece.
 *
 * A body that arrives as a single piece is returned as that piece, uncopied. With the expected size (a
 * `Content-Length`), the buffer is sized once; the peer's word is trusted only up to 16 MiB, so a false
 * length cannot make it allocate more than that ahead of the bytes.
 */
export class ByteCollector {
  /** The only piece so far, kept as it is. */
  private single: Uint8Array | undefined;
  private buffer: Uint8Array | undefined;
  private size = 0;

  constructor(private readonly expected = 0) {}

  /** Bytes collected so far. */
  get length(): number {
    return this.size;
  }

  push(piece: Uint8Array): void {
    if (piece.length === 0) return;
    if (this.size === 0 && piece.length >= this.expected) {
      this.single = piece;
      this.size = piece.length;
      return;
    }
    const needed = this.size + piece.length;
    if (!this.buffer || needed > this.buffer.length) this.grow(needed);
    this.buffer!.set(piece, this.size);
    this.size = needed;
  }

  /** The body: the single piece, or a view of the buffer. */
  bytes(): Uint8Array {
    if (this.buffer) return this.buffer.subarray(0, this.size);
    return this.single ?? new Uint8Array(0);
  }

  private grow(needed: number): void {
    let capacity = Math.max(needed, 2 * (this.buffer?.length ?? 0), 1024);
    if (needed <= this.expected) capacity = Math.min(this.expected, Math.max(capacity, MAX_PRESIZE));
    const next = new Uint8Array(capacity);
    if (this.buffer) next.set(this.buffer.subarray(0, this.size));
    else if (this.single) next.set(this.single);
    this.single = undefined;
    this.buffer = next;
  }
}

/** A body's announced `Content-Length`, as a size hint for a collector (0 when absent or not one number). */
export function expectedLength(headers: Headers): number {
  const length = Number(headers.get('content-length'));
  return Number.isSafeInteger(length) && length > 0 ? length : 0;
}
