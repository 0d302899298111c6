/**
 * Pieces of bytes pulled one at a time: the shape of a response body as the session reads it, before and after
 * each content decoder. Pulled, never pushed: a source reads what it wraps only when asked for its next piece.
 */
export interface ByteSource {
  /** The next piece, or `null` at the end. */
  next(): Promise<Uint8Array | null>;
  /** Gives up early: frees what the source holds. It is not read again. */
  cancel(): void;
}

/** `source` with `pieces` (already taken from it, to look at them) given back first. */
export function prepend(pieces: Uint8Array[], source: ByteSource): ByteSource {
  const before = [...pieces];
  return {
    next: () => Promise.resolve(before.shift() ?? source.next()),
    cancel: () => source.cancel(),
  };
}
