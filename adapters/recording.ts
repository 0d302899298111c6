/**
 * `RecordingTransport`: wraps any transport (in-memory, TCP, TLS) and records every byte both ways into a
 * cassette (cassette.ts), for `ReplayTransport` to play back.
 */
import type { Transport, TransportFactory, TransportOptions } from '../lib/transport/transport';
import { encodeBytes, type Cassette, type CassetteEncoding, type CassetteEvent } from './cassette';

/** Options of a `RecordingTransport`. */
export interface RecordingOptions {
  /** How the cassette spells bytes (default 'latin1'). */
  encoding?: CassetteEncoding;
  /** The URL to note in the cassette. */
  url?: string | URL;
  /** Called with the cassette once, after the first `close()`. */
  onClose?: (cassette: Cassette) => void;
}

/**
 * Forwards everything to `inner` and records the exact bytes written and read (each call its own event, so the
 * read boundaries are kept), the end of stream and read errors. `cassette()` returns the recording so far.
 */
export class RecordingTransport implements Transport {
  private readonly inner: Transport;
  private readonly encoding: CassetteEncoding;
  private readonly url: string | undefined;
  private readonly events: CassetteEvent[] = [];
  private onClose: ((cassette: Cassette) => void) | undefined;

  constructor(inner: Transport, options: RecordingOptions = {}) {
    this.inner = inner;
    this.encoding = options.encoding ?? 'latin1';
    this.url = options.url === undefined ? undefined : String(options.url);
    this.onClose = options.onClose;
  }

  /**
   * A factory that records every transport `inner` opens. `onCassette(cassette, url)` is called when each one
   * is closed; `factory.cassettes()` returns all recordings so far, in the order they were opened.
   */
  static factory(
    inner: TransportFactory,
    onCassette?: (cassette: Cassette, url: URL) => void,
    options: Omit<RecordingOptions, 'url'> = {},
  ): RecordingFactory {
    return new RecordingFactory(inner, onCassette, options);
  }

  /** The recording encodes each read at once; whether the bytes stay the caller's is the inner transport's matter. */
  get ownedReads(): boolean | undefined {
    return this.inner.ownedReads;
  }

  get secure(): boolean {
    return this.inner.secure;
  }

  get remoteAddress(): string | undefined {
    return this.inner.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.inner.remotePort;
  }

  async read(): Promise<Uint8Array | null> {
    let chunk: Uint8Array | null;
    try {
      chunk = await this.inner.read();
    } catch (error) {
      const e = error as { code?: unknown; message?: unknown };
      this.events.push({
        type: 'error',
        code: typeof e?.code === 'string' ? e.code : 'ERR_TRANSPORT',
        message: typeof e?.message === 'string' ? e.message : String(error),
      });
      throw error;
    }
    // A read that close() ended is no end from the peer: the recording already ends with 'close'.
    if (chunk !== null) this.events.push({ type: 'read', data: encodeBytes(chunk, this.encoding) });
    else if (this.events.at(-1)?.type !== 'close') this.events.push({ type: 'end' });
    return chunk;
  }

  async write(bytes: Uint8Array): Promise<void> {
    // Recorded before forwarding: the bytes were offered, whatever the inner transport then does.
    if (bytes.length > 0) this.events.push({ type: 'write', data: encodeBytes(bytes, this.encoding) });
    await this.inner.write(bytes);
  }

  /** Passed on to the inner transport, which holds the runtime's handle. */
  idle(idle: boolean): void {
    this.inner.idle?.(idle);
  }

  async close(): Promise<void> {
    if (this.events.at(-1)?.type !== 'close') this.events.push({ type: 'close' });
    try {
      await this.inner.close();
    } finally {
      const onClose = this.onClose;
      this.onClose = undefined;
      onClose?.(this.cassette());
    }
  }

  /** The recording so far: a fresh, plain, JSON-serialisable object. */
  cassette(): Cassette {
    const cassette: Cassette = {
      format: 'io-http-cassette',
      version: 1,
      encoding: this.encoding,
      secure: this.inner.secure,
      events: this.events.map((event) => ({ ...event })),
    };
    if (this.url !== undefined) cassette.url = this.url;
    if (this.inner.remoteAddress !== undefined) cassette.remoteAddress = this.inner.remoteAddress;
    if (this.inner.remotePort !== undefined) cassette.remotePort = this.inner.remotePort;
    return cassette;
  }
}

/** The factory of `RecordingTransport.factory()`. */
export class RecordingFactory implements TransportFactory {
  /** Every transport opened, in order. */
  readonly recordings: RecordingTransport[] = [];

  constructor(
    private readonly inner: TransportFactory,
    private readonly onCassette: ((cassette: Cassette, url: URL) => void) | undefined,
    private readonly options: Omit<RecordingOptions, 'url'>,
  ) {}

  async open(url: URL, options: TransportOptions = {}): Promise<Transport> {
    const transport = await this.inner.open(url, options);
    const onCassette = this.onCassette;
    const recording = new RecordingTransport(transport, {
      ...this.options,
      url,
      onClose: onCassette && ((cassette) => onCassette(cassette, url)),
    });
    this.recordings.push(recording);
    return recording;
  }

  /** The cassettes of every transport opened so far, in order. */
  cassettes(): Cassette[] {
    return this.recordings.map((recording) => recording.cassette());
  }
}
