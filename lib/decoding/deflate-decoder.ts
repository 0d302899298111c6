import { prepend, type ByteSource } from './byte-source';
import type { ContentDecoder } from './decoder';

/**
 * Whether two bytes open a zlib stream (RFC 1950): method 8 (deflate), a window of at most 32 KiB, and a check
 * that makes the pair a multiple of 31. Raw deflate data, which many servers send as `deflate`, rarely does.
 */
export function isZlibHeader(first: number, second: number): boolean {
  return (first & 0x0f) === 8 && first >> 4 <= 7 && ((first << 8) | second) % 31 === 0;
}

/**
 * `Content-Encoding: deflate` is the zlib format (RFC 9110 §8.4.1.2), yet servers have long sent raw deflate
 * under that name; browsers tell them apart by the first bytes, and so does this: the zlib decoder for a zlib
 * header, the raw one otherwise (the zlib one when there is no raw decoder: it then reports the bad header).
 */
export class DeflateDecoder implements ContentDecoder {
  constructor(
    private readonly zlib: ContentDecoder,
    private readonly raw: ContentDecoder | undefined,
  ) {}

  decode(encoded: ByteSource): ByteSource {
    let chosen: ByteSource | undefined;
    return {
      next: async () => {
        chosen ??= await this.choose(encoded);
        return chosen.next();
      },
      cancel: () => (chosen ?? encoded).cancel(),
    };
  }

  /** Reads the first two bytes (they may come one at a time) and gives them to the decoder they call for. */
  private async choose(encoded: ByteSource): Promise<ByteSource> {
    const seen: Uint8Array[] = [];
    let size = 0;
    while (size < 2) {
      const piece = await encoded.next();
      if (piece === null) break;
      seen.push(piece);
      size += piece.length;
    }
    const bytes = seen.flatMap((piece) => [...piece.subarray(0, 2)]);
    const raw = this.raw && size >= 2 && !isZlibHeader(bytes[0], bytes[1]);
    return (raw ? this.raw! : this.zlib).decode(prepend(seen, encoded));
  }
}
