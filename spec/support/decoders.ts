/**
 * Decoder registries for specs (node:zlib's, and one holding only the web `DecompressionStream` decoders), a
 * byte source over pieces, and a gzip stream of zeros of any size built without compressing it all.
 */
import * as zlib from 'node:zlib';
import { NODE_ZLIB_FORMATS, NodeZlibDecoder } from '../../adapters/node-zlib';
import type { ByteSource } from '../../lib/decoding/byte-source';
import { DecoderRegistry } from '../../lib/decoding/registry';
import { webDecoders } from '../../lib/decoding/web-decoder';

/** A registry with the node:zlib decoders, as the `io-http` entry fills the default one. */
export function nodeDecoders(): DecoderRegistry {
  const registry = new DecoderRegistry();
  for (const format of NODE_ZLIB_FORMATS) registry.register(format, new NodeZlibDecoder(format));
  return registry;
}

/** A registry with only the web `DecompressionStream` decoders, as `io-http/core` fills the default one. */
export function webOnlyDecoders(): DecoderRegistry {
  const registry = new DecoderRegistry();
  for (const [format, decoder] of webDecoders()) registry.register(format, decoder);
  return registry;
}

/** A source giving `pieces` one by one; `pulls` counts the calls of `next()`, `ended` says it gave its end, `cancelled` a `cancel()`. */
export function sourceOf(pieces: Uint8Array[]): ByteSource & { pulls: number; ended: boolean; cancelled: boolean } {
  const left = [...pieces];
  const source = {
    pulls: 0,
    ended: false,
    cancelled: false,
    next: async () => {
      source.pulls++;
      const piece = left.shift() ?? null;
      if (piece === null) source.ended = true;
      return piece;
    },
    cancel: () => {
      source.cancel = () => {};
      source.cancelled = true;
    },
  };
  return source;
}

/** Every piece of `source`, joined. */
export async function readAll(source: ByteSource): Promise<Buffer> {
  const pieces: Uint8Array[] = [];
  for (let piece = await source.next(); piece !== null; piece = await source.next()) pieces.push(piece);
  return Buffer.concat(pieces);
}

const MiB = 1024 * 1024;

/**
 * A valid gzip stream of `mebibytes` MiB of zeros: one MiB deflated with a full flush (non-final blocks ending
 * on a byte boundary), repeated, then an empty final block and the trailer. About 1 KiB per MiB: the
 * ratio of any single gzip stream of zeros.
 */
export function zerosGzip(mebibytes: number): Buffer {
  const zeros = Buffer.alloc(MiB);
  const segment = zlib.deflateRawSync(zeros, { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  let crc = 0;
  for (let i = 0; i < mebibytes; i++) crc = zlib.crc32(zeros, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((mebibytes * MiB) % 2 ** 32, 4);
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  return Buffer.concat([header, ...Array<Buffer>(mebibytes).fill(segment), Buffer.from([0x03, 0x00]), trailer]);
}
