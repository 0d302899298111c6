import type { ContentDecoder } from './decoder';
import { DeflateDecoder } from './deflate-decoder';
import { sharedInstance } from '../transport/shared-instance';
import { webDecoders } from './web-decoder';

/** A format the registry holds that is no content coding: raw deflate, which servers send as `deflate`. */
const RAW_DEFLATE = 'deflate-raw';

/**
 * Where sessions find their content decoders, by format: the content codings ('gzip', 'deflate', 'br', …) and
 * 'deflate-raw', used for a `deflate` body that lacks its zlib wrapper. Like the transport registry, it keeps
 * runtime code out of the core: the core fills the default one with the web `DecompressionStream` where the
 * runtime has it; the Node entry puts node:zlib in its place (faster, and with brotli).
 */
export class DecoderRegistry {
  private readonly decoders = new Map<string, ContentDecoder>();
  /** `acceptEncoding()` as last made (every request asks), until the formats change. */
  private offer: string | undefined;

  /** Decodes `format` with `decoder` (in place of one registered before). Format names are case-insensitive. */
  register(format: string, decoder: ContentDecoder): void {
    this.decoders.set(format.toLowerCase(), decoder);
    this.offer = undefined;
  }

  /** Stops decoding `format` (case-insensitive): it leaves `Accept-Encoding`, and a body in it is handed on as received. */
  unregister(format: string): void {
    this.decoders.delete(format.toLowerCase());
    this.offer = undefined;
  }

  /** The decoder of a format, or undefined. */
  get(format: string): ContentDecoder | undefined {
    return this.decoders.get(format.toLowerCase());
  }

  /**
   * The decoder for a content coding as `Content-Encoding` names it, or undefined: `x-gzip` is `gzip` (RFC 9110
   * §8.4.1.3); `deflate` tells the zlib wrapper from raw deflate by the first bytes; `deflate-raw` is no coding.
   */
  decoderOf(coding: string): ContentDecoder | undefined {
    const name = coding.toLowerCase();
    if (name === RAW_DEFLATE) return undefined;
    if (name === 'x-gzip') return this.get('gzip');
    const decoder = this.get(name);
    if (name === 'deflate' && decoder) return new DeflateDecoder(decoder, this.get(RAW_DEFLATE));
    return decoder;
  }

  /** The content codings it decodes, in the order registered: what `Accept-Encoding` offers ('' when none). */
  acceptEncoding(): string {
    return (this.offer ??= [...this.decoders.keys()].filter((format) => format !== RAW_DEFLATE).join(', '));
  }
}

/**
 * The registry sessions use unless given their own, one for every copy of io-http in the process (as the
 * transport registry): filled with the web decoders where the runtime has them by the copy that makes it, so a
 * copy loaded later does not put them back over the node:zlib ones the `io-http` entry registered.
 */
export const defaultDecoders: DecoderRegistry = sharedInstance('io-http.decoder-registry@1', () => {
  const registry = new DecoderRegistry();
  for (const [format, decoder] of webDecoders()) registry.register(format, decoder);
  return registry;
});
