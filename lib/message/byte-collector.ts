import { EMPTY, joinBytes } from './bytes';
import type { Headers } from './headers';

/** Up to this much is allocated at once on the word of a `Content-Length`; past it the buffer grows as bytes come. */
const MAX_PRESIZE = 16 * 1024 * 1024;

/** Pieces `hold` keeps as views whatever their size; past them, only pieces of MIN_VIEW bytes or more are. */
const MAX_HELD = 16;

/** A view costs about 100 bytes of objects: one per 4 KiB of body or more keeps that overhead under 3%. */
const MIN_VIEW = 4096;

/**
 * Gathers a body that arrives in pieces into one array, copying each byte at most once where it can.
 *
 * - A body that arrives as a single piece is returned as that piece, uncopied.
 * - With the expected size (a `Content-Length`), the buffer is sized once and each later piece copied into it;
 *   the peer's word is trusted only up to 16 MiB, so a false length cannot make it allocate more than that
 *   ahead of the bytes.
 * - Without it, `hold` keeps pieces as views (their owner never changes them) and joins them once, at the end,
 *   into an array of exactly the body: no buffer that doubles as it goes, no copy of a copy.
 *
 * Memory stays proportional to the body however it is cut: a body of many small pieces (one-byte chunks)
 * would otherwise hold a view object per byte, a hundred times the body's size. So views are kept only for the
 * first 16 pieces and for pieces of 4 KiB or more; the first smaller piece past them joins what is held into a
 * buffer, and from then on every piece is copied into it (the buffer doubles: below twice the body).
 */
export class ByteCollector {
  /** The first piece, kept as it is. */
  private single: Uint8Array | undefined;
  /** It and more pieces given to `hold`, once there are two; joined (once) by `bytes()`. */
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
   * Adds a piece that its owner never changes (a view of input handed over for good). With an expected size it
   * is copied into the buffer sized for it (as `push` does), unless it is the whole body; without one it is
   * kept as a view (see the class comment for which are), and the views are joined once by `bytes()`.
   */
  hold(piece: Uint8Array): void {
    if (piece.length === 0) return;
    if (this.expected > 0 || this.buffer !== undefined) return this.push(piece);
    const count = this.held?.length ?? (this.single ? 1 : 0);
    if (count >= MAX_HELD && piece.length < MIN_VIEW) return this.copy(piece);
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
