import type { ByteSource } from './byte-source';
import type { ContentDecoder } from './decoder';

/** What is used of the web streams API (the core is compiled without the DOM types). */
interface StreamReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
}
interface StreamWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}
type DecompressionStreamClass = new (format: string) => {
  readable: { getReader(): StreamReader };
  writable: { getWriter(): StreamWriter };
};

/** The formats every `DecompressionStream` knows (Compression Streams standard). */
export const WEB_FORMATS = ['gzip', 'deflate', 'deflate-raw'] as const;

/** What a wait in `WebDecoding.next()` ended with when the input was taken, not output given. */
const FED = Symbol('fed');

/**
 * A decoder over the runtime's `DecompressionStream` (browsers, Deno, Bun, Node 18+): portable, for 'gzip',
 * 'deflate' and 'deflate-raw'. Get them from {@link webDecoders}.
 */
export class WebDecoder implements ContentDecoder {
  /** @internal Made by {@link webDecoders}, which passes the runtime's `DecompressionStream`. */
  constructor(
    private readonly format: string,
    private readonly Stream: DecompressionStreamClass,
  ) {}

  decode(encoded: ByteSource): ByteSource {
    return new WebDecoding(encoded, new this.Stream(this.format));
  }
}

/** The web decoders for the formats of `WEB_FORMATS`, or none when the runtime has no `DecompressionStream`. */
export function webDecoders(): Array<[string, WebDecoder]> {
  const Stream = (globalThis as { DecompressionStream?: DecompressionStreamClass }).DecompressionStream;
  return Stream ? WEB_FORMATS.map((format) => [format, new WebDecoder(format, Stream)]) : [];
}

/**
 * One body through a `DecompressionStream`. The stream only says that it has output by answering a read, so a
 * read is kept waiting while one encoded piece at a time is written: the next piece only once the stream has
 * taken the last one (its write resolved). So the encoded source is read at most one piece ahead of need.
 */
class WebDecoding implements ByteSource {
  private readonly reader: StreamReader;
  private readonly writer: StreamWriter;
  private reading: Promise<{ done: boolean; value?: Uint8Array }> | undefined;
  /** Taking the next encoded piece and writing it: until the stream has taken it. */
  private feeding: Promise<typeof FED> | undefined;
  private inputEnded = false;

  constructor(
    private readonly encoded: ByteSource,
    stream: InstanceType<DecompressionStreamClass>,
  ) {
    this.reader = stream.readable.getReader();
    this.writer = stream.writable.getWriter();
  }

  async next(): Promise<Uint8Array | null> {
    for (;;) {
      this.reading ??= this.reader.read();
      if (!this.feeding && !this.inputEnded) this.feeding = this.feed();
      const result = await (this.feeding ? Promise.race([this.reading, this.feeding]) : this.reading);
      if (result === FED) {
        this.feeding = undefined;
        continue;
      }
      this.reading = undefined;
      if (result.done) return null;
      if (result.value && result.value.length > 0) return result.value;
    }
  }

  cancel(): void {
    // Both fail once the stream is errored; nothing waits on them.
    this.reader.cancel().catch(() => {});
    this.writer.abort().catch(() => {});
    this.encoded.cancel();
  }

  private async feed(): Promise<typeof FED> {
    const piece = await this.encoded.next();
    if (piece === null) {
      this.inputEnded = true;
      await this.writer.close();
    } else {
      await this.writer.write(piece);
    }
    return FED;
  }
}
