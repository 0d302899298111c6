/**
 * Content decoders on `node:zlib`: gzip, deflate (zlib-wrapped and raw) and brotli. Faster than the web
 * `DecompressionStream`, and the only brotli on Node 20. The Node entry (`io-http`) registers them.
 */
import type { Transform } from 'node:stream';
import type * as Zlib from 'node:zlib';
import type { ByteSource } from '../lib/decoding/byte-source';
import type { ContentDecoder } from '../lib/decoding/decoder';

// node:zlib is loaded when the first coded body is decoded, not with the package: most processes never need it.
const zlib = (): typeof Zlib => process.getBuiltinModule('node:zlib');

const streams = {
  gzip: () => zlib().createGunzip(),
  deflate: () => zlib().createInflate(),
  'deflate-raw': () => zlib().createInflateRaw(),
  br: () => zlib().createBrotliDecompress(),
} satisfies Record<string, () => Transform>;

/** The formats `NodeZlibDecoder` decodes, in the order `Accept-Encoding` offers them. */
export type NodeZlibFormat = keyof typeof streams;
/** Every format node:zlib decodes here: `gzip`, `deflate`, `deflate-raw` and `br`, in the order `Accept-Encoding` offers them. */
export const NODE_ZLIB_FORMATS = Object.keys(streams) as NodeZlibFormat[];

/** Decodes one format with a node:zlib stream per body. */
export class NodeZlibDecoder implements ContentDecoder {
  constructor(private readonly format: NodeZlibFormat) {}

  decode(encoded: ByteSource): ByteSource {
    return new ZlibDecoding(encoded, streams[this.format]());
  }
}

/**
 * One body through a zlib stream, pulled: output is read as the stream has it; an encoded piece is written
 * only when there is no output and the last piece was taken whole. zlib stops inflating while its output
 * (16 KiB pieces) is unread, so a small input that inflates to gigabytes is held 16 KiB or so at a time.
 */
class ZlibDecoding implements ByteSource {
  private writing = false;
  private inputEnded = false;
  private ended = false;
  private failure: Error | undefined;
  /** Resolves the wait of `next()` when the stream has news (output, its end, an error, a piece taken). */
  private wake: (() => void) | undefined;

  constructor(
    private readonly encoded: ByteSource,
    private readonly stream: Transform,
  ) {
    stream.on('readable', () => this.notify());
    stream.on('end', () => {
      this.ended = true;
      this.notify();
    });
    stream.on('error', (error) => {
      this.failure = error;
      this.notify();
    });
  }

  async next(): Promise<Uint8Array | null> {
    for (;;) {
      if (this.failure) throw this.failure;
      const output = this.stream.read() as Buffer | null;
      if (output !== null) return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
      if (this.ended) return null;
      if (!this.writing && !this.inputEnded) {
        const piece = await this.encoded.next();
        if (piece === null) {
          this.inputEnded = true;
          this.stream.end();
        } else {
          this.writing = true;
          this.stream.write(piece, () => {
            this.writing = false;
            this.notify();
          });
        }
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  cancel(): void {
    this.stream.destroy();
    this.encoded.cancel();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
