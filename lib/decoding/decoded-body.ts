import { ContentDecodingError, HttpError, LimitError } from '../message/errors';
import type { HttpResponse } from '../message/response';
import { prepend, type ByteSource } from './byte-source';
import { defaultDecoders, type DecoderRegistry } from './registry';

/** How a session decodes response bodies (docs/session.md, Content decoding). */
export interface DecodingPolicy {
  /** Send `Accept-Encoding` and decode the body by its `Content-Encoding`; false hands the bytes on as received. */
  decompress: boolean;
  /** Where the decoders come from; `Accept-Encoding` offers what it holds. */
  decoders: DecoderRegistry;
  /** The most decoded bytes one body may have. */
  maxDecodedSize: number;
  /** The most decoded bytes per encoded byte read, checked once the decoded body is past `RATIO_CHECK_FROM`. */
  maxDecodedRatio: number;
}

/** Decoded bytes from which `maxDecodedRatio` is checked: smaller bodies may compress as well as they like. */
export const RATIO_CHECK_FROM = 8 * 1024 * 1024;

/** The defaults of the limits: no absolute bound (as for the wire, `protocol.maxBodySize`), a bound on the ratio. */
export const DEFAULT_DECODING_LIMITS: Pick<DecodingPolicy, 'maxDecodedSize' | 'maxDecodedRatio'> = {
  maxDecodedSize: Infinity,
  maxDecodedRatio: 1000,
};

/** A decoding policy from options (a session's): what they leave out is the default. */
export function decodingPolicy(options: Partial<DecodingPolicy>): DecodingPolicy {
  return {
    decompress: options.decompress ?? true,
    decoders: options.decoders ?? defaultDecoders,
    maxDecodedSize: options.maxDecodedSize ?? DEFAULT_DECODING_LIMITS.maxDecodedSize,
    maxDecodedRatio: options.maxDecodedRatio ?? DEFAULT_DECODING_LIMITS.maxDecodedRatio,
  };
}

/**
 * The content codings to undo for a response, as `Content-Encoding` lists them (the last applied last, so undone
 * first); `[]` when the body is handed on as received: decoding is off, the response has no content (HEAD, 204,
 * 304) or is a range of the encoded bytes (206), it names no coding but `identity`, or it names one the registry
 * cannot decode (then nothing is undone, as fetch does: the bytes are whole and `Content-Encoding` says what they are).
 */
export function encodingsToUndo(policy: DecodingPolicy, method: string, response: HttpResponse): string[] {
  if (!policy.decompress || method === 'HEAD' || response.status === 204 || response.status === 304 || response.status === 206) return [];
  const field = response.headers.get('content-encoding');
  if (!field) return [];
  const codings = field
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  return codings.every((coding) => policy.decoders.decoderOf(coding)) ? codings : [];
}

/** The response body as read from the wire, counted, with its pulls taken one after the other. */
class WireSource implements ByteSource {
  bytes = 0;
  /** The wire's own error: passed on as it is. */
  failure: unknown;
  private pulling: Promise<Uint8Array | null> = Promise.resolve(null);

  constructor(private readonly wire: ByteSource) {}

  next(): Promise<Uint8Array | null> {
    // A decoder that ended may have a pull in flight when the rest is drained: the pulls must not overlap.
    this.pulling = this.pulling.then(
      () => this.pull(),
      () => this.pull(),
    );
    return this.pulling;
  }

  cancel(): void {
    this.wire.cancel();
  }

  private async pull(): Promise<Uint8Array | null> {
    try {
      const piece = await this.wire.next();
      this.bytes += piece?.length ?? 0;
      return piece;
    } catch (error) {
      this.failure = error;
      throw error;
    }
  }
}

/**
 * A body undone from its content codings, within the policy's limits. The decoders are made at the first
 * encoded byte (an empty body is empty, whatever its coding says). When they end, the rest of the wire is read
 * and dropped, so the connection can be reused: bytes after the end of a coded stream are ignored, as browsers do.
 */
export class DecodedBody implements ByteSource {
  private readonly wire: WireSource;
  private output: ByteSource | undefined;
  private size = 0;
  private over = false;

  constructor(
    wire: ByteSource,
    private readonly encodings: readonly string[],
    private readonly policy: DecodingPolicy,
  ) {
    this.wire = new WireSource(wire);
  }

  async next(): Promise<Uint8Array | null> {
    if (this.over) return null;
    try {
      this.output ??= await this.decoders();
      for (;;) {
        const piece = this.output ? await this.output.next() : null;
        if (piece === null) {
          while ((await this.wire.next()) !== null);
          this.over = true;
          return null;
        }
        if (piece.length > 0) {
          this.count(piece.length);
          return piece;
        }
      }
    } catch (error) {
      this.cancel();
      if (error instanceof HttpError || error === this.wire.failure) throw error;
      throw new ContentDecodingError(this.encodings, error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  cancel(): void {
    this.over = true;
    (this.output ?? this.wire).cancel();
  }

  /** The chain of decoders, the last coding's first, over the wire; undefined for a body without a byte. */
  private async decoders(): Promise<ByteSource | undefined> {
    const first = await this.wire.next();
    if (first === null) return undefined;
    let source = prepend([first], this.wire);
    for (const coding of [...this.encodings].reverse()) source = this.policy.decoders.decoderOf(coding)!.decode(source);
    return source;
  }

  private count(length: number): void {
    this.size += length;
    const { maxDecodedSize, maxDecodedRatio } = this.policy;
    if (this.size > maxDecodedSize) {
      throw new LimitError('ERR_DECODED_TOO_LARGE', 'Decoded response body size', maxDecodedSize, this.size, 413);
    }
    if (this.size > RATIO_CHECK_FROM && this.size > maxDecodedRatio * this.wire.bytes) {
      throw new LimitError('ERR_DECODED_TOO_LARGE', `Decoded response body size per encoded byte (${this.size} from ${this.wire.bytes})`, maxDecodedRatio, this.size, 413);
    }
  }
}
