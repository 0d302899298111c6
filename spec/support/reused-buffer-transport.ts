/**
 * A real transport over node:net that reads the way Deno's `conn.read(buf)` loop does: every chunk is a view of
 * one buffer that the next read fills again (Node's `onread` option: the socket reads into a buffer it is given).
 * `ownedReads` is what the transport claims, so a spec can have it claim, wrongly, that its reads are owned.
 */
import * as net from 'node:net';
import { TransportError } from '../../lib/message/errors';
import type { Transport, TransportFactory } from '../../lib/transport/transport';

export class ReusedBufferTransport implements Transport {
  readonly secure = false;
  private readonly buffer: Buffer;
  private readonly socket: net.Socket;
  /** Bytes the socket put in the buffer that no read() has returned yet. */
  private ready: number | undefined;
  private ended = false;
  private error: Error | undefined;
  private waiter: { resolve: (bytes: Uint8Array | null) => void; reject: (error: Error) => void } | undefined;

  private constructor(port: number, size: number, readonly ownedReads: boolean) {
    this.buffer = Buffer.alloc(size);
    this.socket = net.connect({
      host: '127.0.0.1',
      port,
      onread: {
        buffer: this.buffer,
        // Paused after each chunk: the buffer is filled again only once the next read() asks for more.
        callback: (n: number) => {
          this.ready = n;
          this.wake();
          return false;
        },
      },
    });
    this.socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    this.socket.on('error', (error) => {
      this.error = error;
      this.wake();
    });
  }

  /** A factory of these transports, each reading into its own buffer of `size` bytes. */
  static factory(options: { size: number; claimOwnedReads: boolean }): TransportFactory {
    return {
      open: async (url) => {
        const transport = new ReusedBufferTransport(Number(url.port), options.size, options.claimOwnedReads);
        await new Promise<void>((resolve, reject) => {
          transport.socket.once('connect', resolve);
          transport.socket.once('error', reject);
        });
        return transport;
      },
    };
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  read(): Promise<Uint8Array | null> {
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      if (this.ready === undefined) this.socket.resume();
      this.wake();
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.socket.destroyed) return Promise.reject(new TransportError('closed', { code: 'ERR_TRANSPORT_CLOSED' }));
    return new Promise((resolve, reject) => this.socket.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  close(): Promise<void> {
    this.socket.destroy();
    this.ended = true;
    this.wake();
    return Promise.resolve();
  }

  private wake(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    if (this.ready !== undefined) {
      const n = this.ready;
      this.ready = undefined;
      this.waiter = undefined;
      waiter.resolve(this.buffer.subarray(0, n));
    } else if (this.error) {
      this.waiter = undefined;
      waiter.reject(new TransportError(this.error.message, { code: 'ERR_CONNECTION_RESET', cause: this.error }));
    } else if (this.ended) {
      this.waiter = undefined;
      waiter.resolve(null);
    }
  }
}
