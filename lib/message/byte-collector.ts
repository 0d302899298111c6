import { EMPTY, joinBytes } from './bytes';
import type { Headers } from './headers';

/** Up to this much is allocated at once on the word of a `Content-Length`; past it the buffer grows as bytes come. */
const MAX_PRESIZE = 16 * 1024 * 1024;

/** Pieces `hold` keeps as they are before it copies: a few views cost less than a growing buffer. */
const MAX_HELD = 16;

/**
 * Gathers a body that arrives in pieces into one array. The pieces are copied as they come, not kept: a body
 * of many small pieces (one-byte chunks) would otherwise hold a view object per byte, a hundred times the
 * body's size. Memory stays below twice the body (the buffer doubles), plus nothing per piece (`hold` keeps at
 * most 16 views).
 *
 * A body that arrives as a single piece is returned as that piece, uncopied. With the expected size (a
 * `Content-Length`), the buffer is sized once; the peer's word is trusted only up to 16 MiB, so a false
 * length cannot make it allocate more than that ahead of the bytes.
 */
export class ByteCollector {
  /** The first piece, kept as it is. */
  private single: Uint8Array | undefined;
  /** It and more pieces given to `hold` (at most MAX_HELD), once there are two; joined (once) by `bytes()`. */
  private held: Uint8Array[] | undefined;
  private buffer: Uint8Array | undefined;
  private size = 0;

  constructor(private readonly expected = 0) {}

  /** Bytes collected so far. */
  get length(): number {
    return this.size;
  }

  /** Adds a piece; once it returns, the caller may reuse the piece's memory (all but a first, whole one are copied). */
  push(piece: Uint8Array): void {
    if (piece.length === 0) return;
    if (this.size === 0 && piece.length >= this.expected) {
      this.single = piece;
      this.size = piece.length;
      return;
    }
    this.copy(piece);
  }

  /**
   * Adds a piece that its owner never changes (a view of input handed over for good): the first MAX_HELD are
   * kept as views and joined in one allocation of the exact size at the end; past that they are copied like
   * `push`'s, so a body of many pieces still holds no view per piece.
   */
  hold(piece: Uint8Array): void {
    if (piece.length === 0) return;
    if (this.buffer !== undefined || (this.held !== undefined && this.held.length >= MAX_HELD)) return this.copy(piece);
    if (this.single === undefined) this.single = piece;
    else if (this.held === undefined) this.held = [this.single, piece];
    else this.held.push(piece);
    this.size += piece.length;
  }

  /** The body: the single piece, the held pieces joined, or a view of the buffer. */
  bytes(): Uint8Array {
    if (this.buffer) return this.buffer.subarray(0, this.size);
    if (this.held) {
      this.single = joinBytes(this.held);
      this.held = undefined;
    }
    return this.single ?? EMPTY;
  }

  private copy(piece: Uint8Array): void {
    const needed = this.size + piece.length;
    if (!this.buffer || needed > this.buffer.length) this.grow(needed);
    this.buffer!.set(piece, this.size);
    this.size = needed;
  }

  private grow(needed: number): void {
    let capacity = Math.max(needed, 2 * (this.buffer?.length ?? 0), 1024);
    if (needed <= this.expected) capacity = Math.min(this.expected, Math.max(capacity, MAX_PRESIZE));
    const next = new Uint8Array(capacity);
    if (this.buffer) next.set(this.buffer.subarray(0, this.size));
    else if (this.single) {
      let at = 0;
      for (const piece of this.held ?? [this.single]) {
        next.set(piece, at);
        at += piece.length;
      }
    }
    this.single = this.held = undefined;
    this.buffer = next;
  }
}

/** A body's announced `Content-Length`, as a size hint for a collector (0 when absent or not one number). */
export function expectedLength(headers: Headers): number {
  const length = Number(headers.get('content-length'));
  return Number.isSafeInteger(length) && length > 0 ? length : 0;
}
