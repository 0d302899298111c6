import { TransportError } from '../message/errors';
import { openWithin } from './opening';
import { peerName, runtimeTransportError } from './runtime-errors';
import type { Transport, TransportFactory, TransportOptions } from './transport';

/**
 * A connection as a pair of WHATWG streams, as Deno's `Deno.connect()`, Cloudflare's `connect()` and
 * `WebSocketStream` give one. `close`, when there is one, is the runtime's own (`conn.close()`, `socket.close()`).
 */
export interface ByteStreams {
  /** The bytes from the peer. */
  readonly readable: ReadableStream<Uint8Array>;
  /** The bytes to the peer. */
  readonly writable: WritableStream<Uint8Array>;
  /** The runtime's own close, called (and awaited) after the streams are cancelled and aborted; an error it throws is ignored. */
  close?(): unknown;
}

/** What a StreamTransport reports about its connection. */
export interface StreamTransportOptions {
  /** True when the streams carry TLS (Deno.connectTls, `connect(..., { secureTransport: 'on' })`). */
  secure?: boolean;
  /** The peer's address, for messages and `Transport.remoteAddress`. */
  remoteAddress?: string;
  /** The peer's port, for messages and `Transport.remotePort`. */
  remotePort?: number;
}

/**
 * A Transport over a `{ readable, writable }` pair, with no runtime of its own: reads pull from the readable (so
 * an unread response stays in the stream's queue and the runtime's socket, which slows the peer), a write
 * resolves once the writable's sink has taken the bytes, and `close()` cancels the one and aborts the other, then calls the
 * pair's own `close()`. Stream errors become TransportErrors (`ERR_CONNECTION_RESET` for a reset, see
 * `runtimeErrorCode`). A stream hands each chunk over to its reader, so the reads are owned.
 */
export class StreamTransport implements Transport {
  readonly ownedReads = true;
  readonly secure: boolean;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  /** The readable ended: reads return null from now on. */
  private ended = false;
  private readError: TransportError | undefined;
  /** A write failed: later writes reject with it. */
  private writeError: TransportError | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly streams: ByteStreams,
    options: StreamTransportOptions = {},
  ) {
    this.secure = options.secure ?? false;
    this.remoteAddress = options.remoteAddress;
    this.remotePort = options.remotePort;
    this.reader = streams.readable.getReader();
    this.writer = streams.writable.getWriter();
    // Seen through writeError and ready; unhandled, a failed stream's `closed` would be reported as unhandled.
    this.writer.closed.catch(() => {});
    this.reader.closed.catch(() => {});
  }

  /**
   * A factory whose `open(url)` calls `connect(url)` for the pair and wraps it, under the factory contract (the
   * abort signal, `timeouts.connect`, errors as TransportErrors naming the peer).
   */
  static factory(
    connect: (url: URL) => Promise<ByteStreams> | ByteStreams,
    options: (url: URL) => StreamTransportOptions = (url) => ({ remoteAddress: url.hostname, remotePort: Number(url.port) || undefined }),
  ): TransportFactory {
    return {
      open: (url: URL, transportOptions: TransportOptions) =>
        openWithin(url, transportOptions, async () => new StreamTransport(await connect(url), options(url))),
    };
  }

  async read(): Promise<Uint8Array | null> {
    for (;;) {
      if (this.closing || this.ended) return null;
      if (this.readError) throw this.readError;
      let bytes: Uint8Array | null;
      try {
        const { done, value } = await this.reader.read();
        bytes = done ? null : asBytes(value);
      } catch (error) {
        if (this.closing) return null;
        this.readError = this.failure(error);
        throw this.readError;
      }
      if (this.closing) return null;
      if (bytes === null) {
        this.ended = true;
        return null;
      }
      if (bytes.length > 0) return bytes;
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.writeError) throw this.writeError;
    if (this.closing) throw new TransportError(`Cannot write to ${this.peer()}: the connection is closed`, { code: 'ERR_TRANSPORT_CLOSED' });
    if (bytes.length === 0) return;
    try {
      // Resolves once the sink has taken the chunk: a sink that waits for its socket to drain holds the next
      // write back, whatever the writable's own queue would still accept.
      await this.writer.write(bytes);
    } catch (error) {
      this.writeError ??= this.closing
        ? new TransportError(`The connection to ${this.peer()} was closed before the bytes were sent`, { code: 'ERR_CONNECTION_RESET' })
        : this.failure(error);
      throw this.writeError;
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([this.reader.cancel(), this.writer.abort()]);
      try {
        await this.streams.close?.();
      } catch {
        // Already closed with its streams (Deno closes the connection when both are done).
      }
    })();
    return this.closing;
  }

  private peer(): string {
    return peerName(this.remoteAddress, this.remotePort);
  }

  private failure(error: unknown): TransportError {
    return runtimeTransportError(error, 'Connection to', this.peer());
  }
}

/** A chunk as bytes: streams of bytes give Uint8Arrays, some (WebSocketStream) ArrayBuffers or other views. */
function asBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TransportError(`The readable gave a ${typeof chunk} chunk, not bytes`, { code: 'ERR_TRANSPORT' });
}
