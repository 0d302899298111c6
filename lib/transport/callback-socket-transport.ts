import { TransportError } from '../message/errors';
import { openWithin } from './opening';
import { peerName, runtimeTransportError } from './runtime-errors';
import type { Transport, TransportFactory, TransportOptions } from './transport';

/** The socket of a callback-style API, as Bun's `Bun.connect()` gives one to its handlers. */
export interface CallbackSocket {
  /** Sends what it can of `bytes` now and returns how many bytes it took (Bun's `socket.write`); -1 once closed. */
  write(bytes: Uint8Array): number;
  /** Ends the connection. */
  end(): unknown;
  /** Stops the 'data' callbacks, when the API can: the read backpressure. */
  pause?(): unknown;
  /** Restarts the 'data' callbacks after `pause()`. */
  resume?(): unknown;
}

/** The handlers a callback-style socket API calls, socket first (Bun's `socket` option of `Bun.connect()`). */
export interface CallbackSocketHandlers {
  /** The socket is connected: the transport keeps it to write to. */
  open(socket: CallbackSocket): void;
  /** Bytes arrived; they are copied, so the API may reuse its buffer once this returns. */
  data(socket: CallbackSocket, bytes: Uint8Array): void;
  /** The socket can take more: the rest of a pending write is given to it. */
  drain(socket: CallbackSocket): void;
  /** The peer ended its side: reads return null once the queued bytes are read. */
  end(socket: CallbackSocket): void;
  /** The socket closed; with an `error`, pending and later reads and writes fail with a TransportError. */
  close(socket: CallbackSocket, error?: unknown): void;
  /** The socket failed: pending and later reads and writes fail with a TransportError. */
  error(socket: CallbackSocket, error: unknown): void;
}

/** Options of a CallbackSocketTransport. */
export interface CallbackSocketTransportOptions {
  /** True when the socket carries TLS (Bun's `tls: true`); default false. */
  secure?: boolean;
  /** The peer's address, for messages and `Transport.remoteAddress`. */
  remoteAddress?: string;
  /** The peer's port, for messages and `Transport.remotePort`. */
  remotePort?: number;
  /** Bytes received and not read yet before the socket is paused (default 64 KiB), if it can pause. */
  readHighWaterMark?: number;
}

const DEFAULT_READ_HIGH_WATER_MARK = 64 * 1024;

/**
 * A Transport over a socket that calls back (`data`, `drain`, `end`, `close`, `error`) instead of being read:
 * give `transport.handlers` to the API (`Bun.connect({ hostname, port, socket: transport.handlers })`).
 *
 * - Received bytes are queued until read, each copied as it arrives: a callback API may hand out one buffer it
 *   fills again, and queued bytes must survive that; so the reads are owned. Past `readHighWaterMark` queued
 *   bytes the socket is paused (if it has `pause`), and resumed once reads have taken the queue below it.
 * - `write()` gives the socket what it takes now and the rest on each `drain`, resolving once it took it all.
 * - The peer's end (`end` or `close`) makes reads return null after the queue; an error fails the pending and
 *   later reads and writes with a TransportError (see `runtimeErrorCode`).
 */
export class CallbackSocketTransport implements Transport {
  readonly ownedReads = true;
  readonly secure: boolean;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  /** The callbacks to give the socket API, bound to this transport. */
  readonly handlers: CallbackSocketHandlers;
  private socket: CallbackSocket | undefined;
  private readonly highWaterMark: number;
  private readonly queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private paused = false;
  private ended = false;
  private closed = false;
  private error: TransportError | undefined;
  private reader: { resolve: (bytes: Uint8Array | null) => void; reject: (error: unknown) => void } | undefined;
  /** The unsent rest of the write in progress, and how to settle it. */
  private writing: { rest: Uint8Array; resolve: () => void; reject: (error: unknown) => void } | undefined;

  constructor(options: CallbackSocketTransportOptions = {}) {
    this.secure = options.secure ?? false;
    this.remoteAddress = options.remoteAddress;
    this.remotePort = options.remotePort;
    this.highWaterMark = Math.max(1, options.readHighWaterMark ?? DEFAULT_READ_HIGH_WATER_MARK);
    this.handlers = {
      open: (socket) => this.attach(socket),
      data: (_socket, bytes) => this.receive(bytes),
      drain: () => this.drain(),
      end: () => this.receiveEnd(),
      close: (_socket, error) => (error ? this.fail(error) : this.receiveEnd()),
      error: (_socket, error) => this.fail(error),
    };
  }

  /**
   * A factory whose `open(url)` makes a transport and calls `connect(transport, url)` to connect a socket with its
   * handlers (`(t, url) => Bun.connect({ hostname: url.hostname, port: Number(url.port), socket: t.handlers })`),
   * under the factory contract (the abort signal, `timeouts.connect`, errors as TransportErrors naming the peer).
   */
  static factory(
    connect: (transport: CallbackSocketTransport, url: URL) => Promise<unknown>,
    options: (url: URL) => CallbackSocketTransportOptions = (url) => ({ remoteAddress: url.hostname, remotePort: Number(url.port) || undefined }),
  ): TransportFactory {
    return {
      open: (url: URL, transportOptions: TransportOptions) =>
        openWithin(url, transportOptions, async () => {
          const transport = new CallbackSocketTransport(options(url));
          try {
            const socket = await connect(transport, url);
            // Bun resolves with the socket after calling `open`; an API without an `open` callback is attached here.
            if (!transport.socket && socket) transport.attach(socket as CallbackSocket);
          } catch (error) {
            await transport.close();
            throw error;
          }
          return transport;
        }),
    };
  }

  read(): Promise<Uint8Array | null> {
    if (this.reader) return Promise.reject(new TransportError('read() called while another read is pending', { code: 'ERR_CONCURRENT_READ' }));
    const bytes = this.queue.shift();
    if (bytes) {
      this.queuedBytes -= bytes.length;
      if (this.paused && this.queuedBytes < this.highWaterMark) {
        this.paused = false;
        this.socket?.resume?.();
      }
      return Promise.resolve(bytes);
    }
    if (this.closed || this.ended) return Promise.resolve(null);
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      this.reader = { resolve, reject };
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    if (this.closed || this.ended || !this.socket) {
      return Promise.reject(new TransportError(`Cannot write to ${this.peer()}: the connection is closed`, { code: 'ERR_TRANSPORT_CLOSED' }));
    }
    if (this.writing) return Promise.reject(new TransportError('write() called while another write is pending', { code: 'ERR_CONCURRENT_WRITE' }));
    const taken = this.socket.write(bytes);
    if (taken < 0) return Promise.reject(new TransportError(`Cannot write to ${this.peer()}: the connection is closed`, { code: 'ERR_TRANSPORT_CLOSED' }));
    if (taken >= bytes.length) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.writing = { rest: bytes.subarray(taken), resolve, reject };
    });
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.queue.length = 0;
      this.queuedBytes = 0;
      this.settleRead(null);
      this.settleWrite(new TransportError(`The connection to ${this.peer()} was closed before the bytes were sent`, { code: 'ERR_CONNECTION_RESET' }));
      this.socket?.end();
    }
    return Promise.resolve();
  }

  private attach(socket: CallbackSocket): void {
    this.socket = socket;
    if (this.closed) socket.end();
  }

  private receive(bytes: Uint8Array): void {
    if (this.closed || bytes.length === 0) return;
    const copy = new Uint8Array(bytes);
    if (this.reader) return this.settleRead(copy);
    this.queue.push(copy);
    this.queuedBytes += copy.length;
    if (!this.paused && this.queuedBytes >= this.highWaterMark && this.socket?.pause) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private drain(): void {
    const writing = this.writing;
    if (!writing || !this.socket) return;
    const taken = this.socket.write(writing.rest);
    if (taken < 0) this.settleWrite(new TransportError(`The connection to ${this.peer()} closed before the bytes were sent`, { code: 'ERR_CONNECTION_RESET' }));
    else if (taken >= writing.rest.length) this.settleWrite();
    else writing.rest = writing.rest.subarray(taken);
  }

  private receiveEnd(): void {
    // After an error (Bun calls `error`, then `close`), reads keep failing with it.
    if (this.ended || this.error) return;
    this.ended = true;
    if (this.queue.length === 0) this.settleRead(null);
    this.settleWrite(new TransportError(`The connection to ${this.peer()} closed before the bytes were sent`, { code: 'ERR_CONNECTION_RESET' }));
  }

  private fail(error: unknown): void {
    if (this.error || this.closed) return;
    this.error = runtimeTransportError(error, 'Connection to', this.peer());
    if (this.queue.length === 0 && !this.ended) this.settleRead(this.error);
    this.settleWrite(this.error);
  }

  private settleRead(outcome: Uint8Array | null | TransportError): void {
    const reader = this.reader;
    this.reader = undefined;
    if (outcome instanceof TransportError) reader?.reject(outcome);
    else reader?.resolve(outcome);
  }

  private settleWrite(error?: TransportError): void {
    const writing = this.writing;
    this.writing = undefined;
    if (error) writing?.reject(error);
    else writing?.resolve();
  }

  private peer(): string {
    return peerName(this.remoteAddress, this.remotePort);
  }
}
