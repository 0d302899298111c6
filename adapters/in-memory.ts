/**
 * Transports for tests, with no I/O at all:
 *
 * - `InMemoryTransport`: two connected ends (`pair()`), with the delivered bytes split however a test asks, and
 *   `InMemoryTransport.factory(handler)` to run a Session against an in-memory fake server.
 * - `RecordingTransport`: forwards to another transport and records every byte both ways into a JSON cassette.
 * - `ReplayTransport`: plays a cassette back deterministically, checking that the same bytes are written.
 */
import { byteString, concatBytes, excerpt, fromByteString } from '../lib/message/bytes';
import { AbortError, TransportError, UsageError } from '../lib/message/errors';
import type { Transport, TransportFactory, TransportOptions } from '../lib/transport/transport';

// ---------------------------------------------------------------------------------------------------------------
// InMemoryTransport
// ---------------------------------------------------------------------------------------------------------------

/**
 * How the bytes of each `write()` are cut into the chunks the other end's `read()` returns:
 * - `'whole'` (default): one chunk per write;
 * - `'bytes'`: one chunk per byte;
 * - a number `n`: chunks of at most `n` bytes;
 * - a function: returns the pieces, which must join back to exactly the bytes it was given.
 * Chunks are never merged across writes; empty pieces are dropped.
 */
export type Split = 'whole' | 'bytes' | number | ((bytes: Uint8Array) => Uint8Array[]);

/** Options of `InMemoryTransport.pair()`. */
export interface InMemoryPairOptions {
  /** How bytes written by either end are split for the other end's reads (default 'whole'). */
  split?: Split;
  /** What `secure` reports on both ends (default false). */
  secure?: boolean;
  /** What `remoteAddress` reports on both ends (default 'memory'). */
  remoteAddress?: string;
}

/** Cuts `bytes` as `split` says. */
export function splitBytes(bytes: Uint8Array, split: Split = 'whole'): Uint8Array[] {
  checkSplit(split);
  if (bytes.length === 0) return [];
  if (split === 'whole') return [bytes];
  if (split === 'bytes') split = 1;
  if (typeof split === 'number') {
    const out: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += split) out.push(bytes.subarray(i, Math.min(bytes.length, i + split)));
    return out;
  }
  const pieces = split(bytes).filter((piece) => piece.length > 0);
  let offset = 0;
  for (const piece of pieces) {
    for (let i = 0; i < piece.length; i++) {
      if (piece[i] !== bytes[offset + i]) throw new UsageError('A split function must return pieces that join back to the bytes it was given');
    }
    offset += piece.length;
  }
  if (offset !== bytes.length) throw new UsageError('A split function must return pieces that join back to the bytes it was given');
  return pieces;
}

function checkSplit(split: Split): void {
  if (split === 'whole' || split === 'bytes' || typeof split === 'function') return;
  if (typeof split !== 'number' || !Number.isInteger(split) || split < 1) {
    throw new UsageError(`A split must be 'whole', 'bytes', a positive integer or a function, got ${String(split)}`);
  }
}

/**
 * One end of an in-memory byte stream. What one end writes, the other reads: each `write()` queues (a copy of)
 * its bytes on the peer, cut into chunks by the peer's read split; `read()` takes the next chunk, waiting if
 * there is none, and returns `null` once the peer has ended or closed and the queue is drained.
 *
 * - `end()` half-closes: this end writes no more (the peer reads `null` after the queue), but can still read.
 * - `close()` closes both ways: this end's reads return `null` (a pending one too) and its writes reject with
 *   `ERR_TRANSPORT_CLOSED`; the peer reads what was queued, then `null`, and its writes reject with
 *   `ERR_CONNECTION_RESET` (as TCP does once the other side has gone).
 */
export class InMemoryTransport implements Transport {
  readonly secure: boolean;
  readonly remoteAddress: string;
  readonly remotePort: number | undefined = undefined;
  private peer!: InMemoryTransport;
  private split: Split;
  private readonly queue: Uint8Array[] = [];
  private waiter: ((chunk: Uint8Array | null) => void) | undefined;
  /** The peer will write no more. */
  private peerEnded = false;
  /** This end will write no more. */
  private ended = false;
  private closed = false;
  private bytesRead = 0;
  private bytesWritten = 0;

  private constructor(options: InMemoryPairOptions) {
    checkSplit(options.split ?? 'whole');
    this.secure = options.secure ?? false;
    this.remoteAddress = options.remoteAddress ?? 'memory';
    this.split = options.split ?? 'whole';
  }

  /** Two connected ends: `[client, server]`. */
  static pair(options: InMemoryPairOptions = {}): [InMemoryTransport, InMemoryTransport] {
    const client = new InMemoryTransport(options);
    const server = new InMemoryTransport(options);
    client.peer = server;
    server.peer = client;
    return [client, server];
  }

  /**
   * A factory for sessions: each `open()` makes a pair, calls `handler(server, url)` with the server end (the
   * test's fake server) and resolves with the client end. A handler that throws or rejects gets its server end
   * closed; the error is kept in `factory.errors`. An already aborted `options.signal` rejects with AbortError.
   */
  static factory(
    handler: (server: InMemoryTransport, url: URL) => void | Promise<void>,
    options: InMemoryPairOptions = {},
  ): InMemoryFactory {
    return new InMemoryFactory(handler, options);
  }

  /** Changes how bytes are cut for this end's reads from now on (bytes already queued keep their cut). */
  setReadSplit(split: Split): this {
    checkSplit(split);
    this.split = split;
    return this;
  }

  /** Bytes this end has read, and written. */
  get stats(): { bytesRead: number; bytesWritten: number } {
    return { bytesRead: this.bytesRead, bytesWritten: this.bytesWritten };
  }

  /** True once `close()` was called on this end. */
  get isClosed(): boolean {
    return this.closed;
  }

  read(): Promise<Uint8Array | null> {
    if (this.waiter) return Promise.reject(new TransportError('read() called while another read is pending', { code: 'ERR_CONCURRENT_READ' }));
    const chunk = this.queue.shift();
    if (chunk) {
      this.bytesRead += chunk.length;
      return Promise.resolve(chunk);
    }
    if (this.closed || this.peerEnded) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.closed || this.ended) {
      return Promise.reject(new TransportError('Cannot write to the in-memory transport: it is closed', { code: 'ERR_TRANSPORT_CLOSED' }));
    }
    if (this.peer.closed) {
      return Promise.reject(new TransportError('Cannot write to the in-memory transport: the peer has closed', { code: 'ERR_CONNECTION_RESET' }));
    }
    let pieces: Uint8Array[];
    try {
      pieces = splitBytes(bytes.slice(), this.peer.split);
    } catch (error) {
      return Promise.reject(error);
    }
    this.bytesWritten += bytes.length;
    for (const piece of pieces) this.peer.deliver(piece);
    return Promise.resolve();
  }

  /** Half-close: no more writes from this end; the peer reads `null` once it has drained its queue. */
  end(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      this.peer.onPeerEnded();
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.queue.length = 0;
      this.wake(null);
      if (!this.ended) {
        this.ended = true;
        this.peer.onPeerEnded();
      }
    }
    return Promise.resolve();
  }

  /** Reads everything until the peer ends, joined (a test helper). */
  async readAll(): Promise<Uint8Array> {
    let all: Uint8Array = new Uint8Array(0);
    for (let chunk = await this.read(); chunk; chunk = await this.read()) all = concatBytes(all, chunk);
    return all;
  }

  private deliver(chunk: Uint8Array): void {
    if (this.closed) return;
    if (this.waiter) {
      this.bytesRead += chunk.length;
      this.wake(chunk);
    } else {
      this.queue.push(chunk);
    }
  }

  private onPeerEnded(): void {
    this.peerEnded = true;
    if (this.queue.length === 0) this.wake(null);
  }

  private wake(value: Uint8Array | null): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(value);
  }
}

/** The factory of `InMemoryTransport.factory()`. */
export class InMemoryFactory implements TransportFactory {
  /** Errors thrown by the handler, in order. */
  readonly errors: unknown[] = [];
  /** The server ends handed to the handler, in order. */
  readonly servers: InMemoryTransport[] = [];
  /** Running handlers; `settled()` waits for them. */
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly handler: (server: InMemoryTransport, url: URL) => void | Promise<void>,
    private readonly options: InMemoryPairOptions = {},
  ) {}

  /** How many transports were opened. */
  get opened(): number {
    return this.servers.length;
  }

  open(url: URL, options: TransportOptions = {}): Promise<Transport> {
    if (options.signal?.aborted) return Promise.reject(new AbortError(options.signal.reason));
    const [client, server] = InMemoryTransport.pair(this.options);
    this.servers.push(server);
    const run = (async () => {
      try {
        await this.handler(server, url);
      } catch (error) {
        this.errors.push(error);
        await server.close();
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return Promise.resolve(client);
  }

  /** Waits until every handler started so far has returned. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Cassettes
// ---------------------------------------------------------------------------------------------------------------

/** How a cassette spells bytes: `latin1` (one char per octet, readable for HTTP) or `base64`. */
export type CassetteEncoding = 'latin1' | 'base64';

/** One recorded event, in the order it happened. */
export type CassetteEvent =
  /** Bytes handed to `write()` (one event per call). */
  | { type: 'write'; data: string }
  /** Bytes returned by one `read()` (one event per call: the read boundaries). */
  | { type: 'read'; data: string }
  /** `read()` returned `null`: the peer closed. */
  | { type: 'end' }
  /** `read()` rejected. */
  | { type: 'error'; code: string; message: string }
  /** `close()` was called (informational). */
  | { type: 'close' };

/** A recording of one transport's exchange; plain JSON. */
export interface Cassette {
  format: 'io-http-cassette';
  version: 1;
  /** How `data` strings encode bytes. */
  encoding: CassetteEncoding;
  /** The URL the transport was opened for, when known. */
  url?: string;
  secure: boolean;
  remoteAddress?: string;
  remotePort?: number;
  events: CassetteEvent[];
}

// No Buffer: these transports work in any runtime with atob/btoa.
function encodeBytes(bytes: Uint8Array, encoding: CassetteEncoding): string {
  const latin1 = byteString(bytes);
  return encoding === 'base64' ? btoa(latin1) : latin1;
}

function decodeBytes(data: string, encoding: CassetteEncoding): Uint8Array {
  const latin1 = encoding === 'base64' ? atob(data) : data;
  for (let i = 0; i < latin1.length; i++) {
    if (latin1.charCodeAt(i) > 0xff) throw new UsageError(`Not an io-http cassette: a latin1 string holds the char U+${latin1.charCodeAt(i).toString(16)}`, 'ERR_CASSETTE');
  }
  return fromByteString(latin1);
}

/** Checks a parsed cassette's shape; throws UsageError('ERR_CASSETTE') if it is not one. */
export function checkCassette(value: unknown): Cassette {
  const c = value as Partial<Cassette> | null;
  const bad = (why: string): never => {
    throw new UsageError(`Not an io-http cassette: ${why}`, 'ERR_CASSETTE');
  };
  if (!c || typeof c !== 'object') bad('not an object');
  if (c!.format !== 'io-http-cassette') bad(`format is ${JSON.stringify(c!.format)}`);
  if (c!.version !== 1) bad(`version ${JSON.stringify(c!.version)} is not supported`);
  if (c!.encoding !== 'latin1' && c!.encoding !== 'base64') bad(`encoding ${JSON.stringify(c!.encoding)} is not supported`);
  if (!Array.isArray(c!.events)) bad('events is not an array');
  for (const [i, event] of c!.events!.entries()) {
    const e = event as { type?: unknown; data?: unknown };
    if (e?.type === 'write' || e?.type === 'read') {
      if (typeof e.data !== 'string') bad(`event ${i} has no data`);
    } else if (e?.type !== 'end' && e?.type !== 'error' && e?.type !== 'close') {
      bad(`event ${i} has type ${JSON.stringify(e?.type)}`);
    }
  }
  return c as Cassette;
}

// ---------------------------------------------------------------------------------------------------------------
// RecordingTransport
// ---------------------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------------------
// ReplayTransport
// ---------------------------------------------------------------------------------------------------------------

/** What was written differs from the recording. `offset` counts bytes from the start of the written stream. */
export class ReplayMismatchError extends TransportError {
  readonly offset: number;
  /** Escaped excerpts of the recorded and the written bytes around `offset`. */
  readonly expected: string;
  readonly actual: string;

  constructor(offset: number, expected: string, actual: string, detail = '') {
    super(`Replay mismatch at byte ${offset} of the written stream${detail}: expected ${expected}, got ${actual}`, { code: 'ERR_REPLAY_MISMATCH' });
    this.offset = offset;
    this.expected = expected;
    this.actual = actual;
  }
}

interface ReplayRead {
  /** null for the end of the stream. */
  chunk: Uint8Array | null;
  error?: { code: string; message: string };
  /** Bytes that had been written, in the recording, before this read returned. */
  after: number;
}

/**
 * Plays a cassette back. `read()` returns the recorded chunks with their boundaries, and `null` where the peer
 * ended the recorded stream; each only once the bytes written before it in the recording have been written here
 * too (until then the read waits). Past the last recorded read, a read returns `null` again if the recording
 * ended so; otherwise it waits until `close()`, as the recorded peer was silent then.
 * `write()` compares the written byte stream (not the call boundaries) with the recorded one and rejects with
 * `ReplayMismatchError` ('ERR_REPLAY_MISMATCH') at the first differing byte, or bytes past the recorded end;
 * after a mismatch every read and write rejects with it.
 */
export class ReplayTransport implements Transport {
  readonly secure: boolean;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly cassette: Cassette;
  private readonly expected: Uint8Array;
  private readonly reads: ReplayRead[] = [];
  private nextRead = 0;
  private written = 0;
  private closed = false;
  private mismatch: ReplayMismatchError | undefined;
  private waiter: { resolve: (chunk: Uint8Array | null) => void; reject: (error: unknown) => void } | undefined;

  constructor(cassette: Cassette) {
    this.cassette = checkCassette(cassette);
    this.secure = cassette.secure ?? false;
    this.remoteAddress = cassette.remoteAddress;
    this.remotePort = cassette.remotePort;
    const writes: Uint8Array[] = [];
    let written = 0;
    for (const event of cassette.events) {
      if (event.type === 'write') {
        const bytes = decodeBytes(event.data, cassette.encoding);
        writes.push(bytes);
        written += bytes.length;
      } else if (event.type === 'read') {
        this.reads.push({ chunk: decodeBytes(event.data, cassette.encoding), after: written });
      } else if (event.type === 'end') {
        this.reads.push({ chunk: null, after: written });
      } else if (event.type === 'error') {
        this.reads.push({ chunk: null, error: { code: event.code, message: event.message }, after: written });
      }
    }
    this.expected = new Uint8Array(written);
    let offset = 0;
    for (const bytes of writes) {
      this.expected.set(bytes, offset);
      offset += bytes.length;
    }
  }

  /**
   * A factory that replays the cassettes in order, one per `open()`; opening more rejects with
   * 'ERR_REPLAY_EXHAUSTED'. Unless `checkOrigin` is false, a cassette that names a URL must be opened for the
   * same origin, or `open()` rejects with 'ERR_REPLAY_MISMATCH'.
   */
  static factory(cassettes: Cassette | Cassette[], options: { checkOrigin?: boolean } = {}): ReplayFactory {
    return new ReplayFactory(Array.isArray(cassettes) ? cassettes : [cassettes], options.checkOrigin ?? true);
  }

  /** Bytes written so far, and whether every recorded read and write has been played. */
  get progress(): { written: number; expected: number; reads: number; recordedReads: number; done: boolean } {
    return {
      written: this.written,
      expected: this.expected.length,
      reads: this.nextRead,
      recordedReads: this.reads.length,
      done: this.written === this.expected.length && this.nextRead >= this.reads.length,
    };
  }

  read(): Promise<Uint8Array | null> {
    if (this.waiter) return Promise.reject(new TransportError('read() called while another read is pending', { code: 'ERR_CONCURRENT_READ' }));
    if (this.mismatch) return Promise.reject(this.mismatch);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.serveRead();
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.mismatch) return Promise.reject(this.mismatch);
    if (this.closed) {
      return Promise.reject(new TransportError('Cannot write to the replay transport: it is closed', { code: 'ERR_TRANSPORT_CLOSED' }));
    }
    const start = this.written;
    const expected = this.expected;
    for (let i = 0; i < bytes.length; i++) {
      if (start + i >= expected.length || bytes[i] !== expected[start + i]) {
        const offset = start + i;
        // The actual stream around `offset`: the matching recorded bytes before, then this write.
        const before = Math.max(0, start - 24);
        const actual = concatBytes(expected.subarray(before, start), bytes.subarray(0, Math.min(bytes.length, i + 24)));
        this.mismatch = new ReplayMismatchError(
          offset,
          excerpt(expected, offset),
          excerpt(actual, offset - before),
          start + i >= expected.length ? ' (past the end of the recorded writes)' : '',
        );
        this.written = offset;
        this.failWaiter(this.mismatch);
        return Promise.reject(this.mismatch);
      }
    }
    this.written += bytes.length;
    this.serveRead();
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter?.resolve(null);
    }
    return Promise.resolve();
  }

  private serveRead(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    if (this.closed) {
      this.waiter = undefined;
      waiter.resolve(null);
      return;
    }
    const next = this.reads[this.nextRead];
    if (!next) {
      // Past the recorded reads: after a recorded end, more ends; else the recorded peer was silent, and so is this.
      const last = this.reads.at(-1);
      if (last && last.chunk === null && !last.error) {
        this.waiter = undefined;
        waiter.resolve(null);
      }
      return;
    }
    if (this.written < next.after) return; // Waits for the writes that came first in the recording.
    this.waiter = undefined;
    this.nextRead++;
    if (next.error) waiter.reject(new TransportError(`Replayed: ${next.error.message}`, { code: next.error.code }));
    else waiter.resolve(next.chunk ? next.chunk.slice() : null);
  }

  private failWaiter(error: unknown): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
  }
}

/** The factory of `ReplayTransport.factory()`. */
export class ReplayFactory implements TransportFactory {
  /** The transports opened so far, in order. */
  readonly transports: ReplayTransport[] = [];

  constructor(
    private readonly cassettes: Cassette[],
    private readonly checkOrigin: boolean,
  ) {}

  open(url: URL, options: TransportOptions = {}): Promise<Transport> {
    if (options.signal?.aborted) return Promise.reject(new AbortError(options.signal.reason));
    const cassette = this.cassettes[this.transports.length];
    if (!cassette) {
      return Promise.reject(
        new TransportError(`No cassette left to replay for ${url.href} (${this.cassettes.length} recorded)`, { code: 'ERR_REPLAY_EXHAUSTED' }),
      );
    }
    if (this.checkOrigin && cassette.url !== undefined && new URL(cassette.url).origin !== url.origin) {
      return Promise.reject(
        new TransportError(`Replay mismatch: cassette ${this.transports.length} was recorded for ${new URL(cassette.url).origin}, opened for ${url.origin}`, {
          code: 'ERR_REPLAY_MISMATCH',
        }),
      );
    }
    let transport: ReplayTransport;
    try {
      transport = new ReplayTransport(cassette);
    } catch (error) {
      return Promise.reject(error);
    }
    this.transports.push(transport);
    return Promise.resolve(transport);
  }

  /** True when every cassette was opened and played to its end. */
  get done(): boolean {
    return this.transports.length === this.cassettes.length && this.transports.every((t) => t.progress.done);
  }
}
