/**
 * `InMemoryTransport`: two connected ends (`pair()`) with no I/O at all, the delivered bytes split however a
 * test asks, and `InMemoryTransport.factory(handler)` to run a Session against an in-memory fake server.
 *
 * This module is also the entry `io-http/adapters/in-memory`, so it re-exports the cassette format
 * (cassette.ts), recording (recording.ts) and replay (replay.ts) that the entry has always offered.
 */
import { concatBytes } from '../lib/message/bytes';
import { AbortError, TransportError, UsageError } from '../lib/message/errors';
import type { Transport, TransportFactory, TransportOptions } from '../lib/transport/transport';

export { checkCassette, type Cassette, type CassetteEncoding, type CassetteEvent } from './cassette';
export { RecordingFactory, RecordingTransport, type RecordingOptions } from './recording';
export { ReplayFactory, ReplayMismatchError, ReplayTransport } from './replay';

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
  /** Each write queues a copy, so every chunk read is the reader's. */
  readonly ownedReads = true;
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
  get stats(): {
    /** Bytes returned by `read()` on this end. */
    bytesRead: number;
    /** Bytes passed to `write()` on this end. */
    bytesWritten: number;
  } {
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
