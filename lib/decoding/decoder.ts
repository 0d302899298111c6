import type { ByteSource } from './byte-source';

/**
 * Undoes one compression format ('gzip', 'deflate' with its zlib wrapper, 'deflate-raw', 'br', …). It wraps
 * the source of encoded pieces in a source of decoded ones that pulls the encoded source only when it needs
 * more input for its next piece, and gives pieces of a bounded size: a small input that decodes to a huge
 * output is handed out piece by piece, never held whole. A corrupt or cut input makes `next()` throw (any
 * error: the session reports it as a ContentDecodingError); an error of the encoded source passes through.
 */
export interface ContentDecoder {
  /** Wraps `encoded` (the body as received) in a source of its decoded bytes; reads nothing until pulled. */
  decode(encoded: ByteSource): ByteSource;
}
