/**
 * Node socket plumbing shared by `NodeTcp` (node-tcp.ts) and `NodeTls` (node-tls.ts): `SocketTransport` turns
 * any connected `net.Socket` (including a `tls.TLSSocket`) into a `Transport`, with backpressure both ways and
 * typed errors; `whenOpen` waits for a socket to connect (and finish its TLS handshake) under a timeout and an
 * abort signal. Peers are named and Node errors mapped to TransportErrors by lib/transport/runtime-errors.ts.
 */
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import { AbortError, TimeoutError, TransportError } from '../lib/message/errors';
import type { Clock } from '../lib/transport/clock';
import { peerName, runtimeTransportError } from '../lib/transport/runtime-errors';
import type { Transport } from '../lib/transport/transport';

/** Options of a `SocketTransport`. */
export interface SocketTransportOptions {
  /**
   * Bytes of received data that may wait unread before the socket is paused (default 64 KiB). The socket is
   * resumed once `read()` has taken the queue below this bound, so a slow reader slows the peer down.
   */
  readHighWaterMark?: number;
  /** `host:port` used in error messages (default: the socket's remote address and port). */
  peer?: string;
}

const DEFAULT_READ_HIGH_WATER_MARK = 64 * 1024;

/**
 * A connected `net.Socket` (or `tls.TLSSocket`, with `secure` true) as a Transport.
 *
 * - `read()` returns the chunks the socket emitted, in order, then `null` once the peer ended the stream (or
 *   after `close()`). Up to `readHighWaterMark` bytes are queued; beyond that the socket is paused until read.
 * - A socket error (ECONNRESET, ...) becomes a TransportError: chunks received before it are still returned,
 *   then the pending or next `read()` rejects with it, as do later writes.
 * - `write()` hands the bytes to the socket without copying them (see Transport.write) and resolves at once, or after 'drain' when the socket's
 *   buffer is full. Writing after `close()` (or after the socket ended) rejects with `ERR_TRANSPORT_CLOSED`.
 * - `close()` destroys the socket (resolving once it is closed); it is idempotent.
 */
export class SocketTransport implements Transport {
  readonly secure: boolean;
  /** Each 'data' chunk is a fresh Buffer, handed on as it is. */
  readonly ownedReads = true;
  private readonly socket: net.Socket;
  private readonly highWaterMark: number;
  private readonly givenPeer: string | undefined;
  private readonly queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private paused = false;
  /** The peer ended the stream ('end'): reads return null once the queue is drained, even after a later error. */
  private eof = false;
  /** The socket is gone ('end' or 'close'). */
  private ended = false;
  private closed = false;
  private error: TransportError | undefined;
  private waiter: { resolve: (chunk: Uint8Array | null) => void; reject: (error: unknown) => void } | undefined;
  private address: string | undefined;
  private port: number | undefined;
  private readonly closedPromise: Promise<void>;

  constructor(socket: net.Socket, secure: boolean, options: SocketTransportOptions = {}) {
    this.socket = socket;
    this.secure = secure;
    this.highWaterMark = Math.max(1, options.readHighWaterMark ?? DEFAULT_READ_HIGH_WATER_MARK);
    this.givenPeer = options.peer;
    this.address = socket.remoteAddress;
    this.port = socket.remotePort;
    this.closedPromise = new Promise<void>((resolve) => {
      if (socket.destroyed) resolve();
      else socket.once('close', () => resolve());
    });
    socket.on('connect', () => {
      this.address ??= socket.remoteAddress;
      this.port ??= socket.remotePort;
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      this.eof = true;
      this.onEnd();
    });
    socket.on('error', (error: Error) => this.onError(error));
    socket.on('close', () => this.onEnd());
    if (socket.destroyed) this.ended = true;
  }

  get remoteAddress(): string | undefined {
    return this.address ?? this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.port ?? this.socket.remotePort;
  }

  read(): Promise<Uint8Array | null> {
    if (this.waiter) return Promise.reject(new TransportError('read() called while another read is pending', { code: 'ERR_CONCURRENT_READ' }));
    const chunk = this.queue.shift();
    if (chunk) {
      this.queuedBytes -= chunk.length;
      if (this.paused && this.queuedBytes < this.highWaterMark && !this.closed) {
        this.paused = false;
        this.socket.resume();
      }
      return Promise.resolve(chunk);
    }
    if (this.error && !this.closed && !this.eof) return Promise.reject(this.error);
    if (this.ended || this.closed) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    const socket = this.socket;
    if (this.closed || socket.destroyed || socket.writableEnded || !socket.writable) {
      return Promise.reject(new TransportError(`Cannot write to ${this.peer()}: the connection is closed`, { code: 'ERR_TRANSPORT_CLOSED' }));
    }
    if (bytes.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      // A view, not a copy: the Transport contract says the caller leaves written bytes alone.
      const flushed = socket.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (error) => {
        if (error) this.fail(error);
      });
      if (flushed) {
        resolve();
        return;
      }
      const cleanup = (): void => {
        socket.off('drain', onDrain);
        socket.off('close', onClose);
      };
      const onDrain = (): void => {
        cleanup();
        resolve();
      };
      const onClose = (): void => {
        cleanup();
        reject(this.error ?? new TransportError(`Cannot write to ${this.peer()}: the connection closed before the bytes were sent`, { code: 'ERR_CONNECTION_RESET' }));
      };
      socket.on('drain', onDrain);
      socket.on('close', onClose);
    });
  }

  /** An idle socket does not keep the Node process alive (unref), one in use does (ref). */
  idle(idle: boolean): void {
    if (idle) this.socket.unref();
    else this.socket.ref();
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.queue.length = 0;
      this.queuedBytes = 0;
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter?.resolve(null);
      this.socket.destroy();
    }
    return this.closedPromise;
  }

  private peer(): string {
    return this.givenPeer ?? peerName(this.remoteAddress, this.remotePort);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve(chunk);
      return;
    }
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    if (!this.paused && this.queuedBytes >= this.highWaterMark) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private onEnd(): void {
    if (this.ended) return;
    this.ended = true;
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    if (this.error && !this.closed && !this.eof) waiter.reject(this.error);
    else waiter.resolve(null);
  }

  private onError(error: Error): void {
    this.fail(error);
  }

  private fail(error: Error): void {
    if (this.error || this.closed) return;
    this.error = runtimeTransportError(error, 'Connection to', this.peer());
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.reject(this.error);
    }
  }
}

/** How to wait for a socket to open. */
/** What {@link whenOpen} waits for and how: the peer's name, the timers, the abort signal and the bounds. */
export interface SocketOpening {
  /** The peer as error messages name it (`host:port`, as `peerName()` writes it). */
  peer: string;
  /** Arms the connect and TLS timeouts (a ManualClock in tests). */
  clock: Clock;
  /** Aborting it destroys the socket and rejects with an AbortError. */
  signal?: AbortSignal;
  /** Bounds the TCP connect (TimeoutError 'connect'). */
  connectMs?: number;
  /** The socket runs over a stream already open (TLS over a tunnel): no connect to wait for, the handshake starts at once. */
  connected?: boolean;
  /** For a TLS socket: the handshake after the connect, its bound (TimeoutError 'tls'), how its errors read. */
  tls?: {
    /** Bounds the handshake, in ms (TimeoutError with phase `'tls'`); none when left out. */
    ms?: number;
    /** Turns a handshake error into the typed error to reject with (a TlsError). */
    toError: (error: Error) => Error;
  };
}

/**
 * Resolves once the socket is connected (for TLS, once the handshake is done). A failure, a timeout or an
 * abort destroys the socket and rejects with the typed error. Timers and the abort listener are armed before
 * this returns, and a socket never connects in the same turn: so advancing a ManualClock right after it
 * deterministically times the connect out.
 */
export function whenOpen(socket: net.Socket, opening: SocketOpening): Promise<void> {
  const { peer, clock, signal, connectMs, tls } = opening;
  socket.setNoDelay(true);
  return new Promise<void>((resolve, reject) => {
    let timer: unknown;
    let connected = false;
    let settled = false;

    const arm = (ms: number | undefined, phase: 'connect' | 'tls'): void => {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      if (ms !== undefined && Number.isFinite(ms) && ms >= 0) timer = clock.setTimeout(() => fail(new TimeoutError(phase, ms)), ms);
    };
    const finish = (): void => {
      settled = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('connect', onConnect);
      socket.off('secureConnect', onReady);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const fail = (error: Error): void => {
      if (settled) return;
      finish();
      // Keep a listener so that a late error on the destroyed socket cannot become an uncaught exception.
      socket.on('error', () => {});
      socket.destroy();
      reject(error);
    };
    const onReady = (): void => {
      if (settled) return;
      finish();
      resolve();
    };
    const onConnect = (): void => {
      if (settled) return;
      connected = true;
      if (!tls) return onReady();
      arm(tls.ms, 'tls');
    };
    const onError = (error: Error): void => {
      fail(connected && tls ? tls.toError(error) : runtimeTransportError(error, 'Could not connect to', peer));
    };
    const onClose = (): void => {
      onError(Object.assign(new Error('the socket closed before it was ready'), { code: 'ECONNRESET' }));
    };
    const onAbort = (): void => fail(new AbortError(signal?.reason));

    socket.once('connect', onConnect);
    if (tls) socket.once('secureConnect', onReady);
    socket.once('error', onError);
    socket.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (opening.connected) onConnect();
    else arm(connectMs, 'connect');
  });
}

/** '[::1]' → '::1'. */
export function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * node:tls, loaded on the first https: connection rather than with the package: it costs a plain-HTTP process
 * some 2 MiB of RSS (OpenSSL's context, the root store). Synchronous, so `open` still arms its timers before it
 * returns; the same in the ESM and the CJS build.
 */
export const nodeTls = (): typeof tls => process.getBuiltinModule('node:tls');
